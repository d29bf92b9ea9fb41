/*
 * ui_log_records.c - the resource-level payloads of a UI log (`terraform
 * plan|apply -json`): the "change" object of planned_change and
 * resource_drift, the "hook" object of apply_* messages, and "diagnostic",
 * turned into tfa_change, tfa_applied and tfa_diag records.
 *
 * Shapes follow hashicorp/terraform internal/command/views/json (change.go,
 * hook.go, resource_addr.go, diagnostic.go; UI schema 1.0 to 1.3) and the
 * "Machine-Readable UI" documentation.
 *
 * What is never read into memory: diagnostic snippets (source code and the
 * values of expressions), provisioner output, generated configuration, and
 * anything this file does not name. They are validated by the scanner and
 * skipped. A field of an unexpected JSON type is skipped too and counts as
 * absent: later UI versions reuse these object names with other shapes
 * (action_* messages carry an object in hook.action), and an unknown shape
 * must not make a log unreadable.
 *
 * Action words, as Terraform writes them, onto tfa_action:
 *   noop -> no-op     create, read, update, delete, replace -> the same
 *   remove (Terraform's word for forget), forget (OpenTofu) -> forget
 *   move   -> no-op, with prev_address from previous_resource (every moved
 *             change carries previous_resource, whatever its action)
 *   import -> no-op, with importing set (also set by an importing object)
 * Terraform reports a move or an import as the action only when nothing else
 * happens to the resource; otherwise the action is the real one and the move
 * or import shows in previous_resource / importing. A replace's order is not
 * in the log, so its tfa_replace stays NONE. Reasons are renamed to the plan
 * JSON's action_reason words (cannot_update -> replace_because_cannot_update)
 * so that checks read one vocabulary.
 */
#include "util/compat.h"

#include "address.h"
#include "plan_tally.h"
#include "jsonread.h"
#include "ui_log.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/limits.h"

int tfa_uilog__fail(uilog_reader *r, const tfa_pos *pos, int status, const char *fmt, ...)
{
    char msg[TFA_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return tfa_scan_fail(r->scan, r->err, pos, status, "%s", msg);
}

int tfa_uilog__key(const tfa_token *k, const char *const *keys, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (tfa_token_is(k, keys[i]))
            return (int)i;
    return -1;
}

int tfa_uilog__key_once(uilog_reader *r, const tfa_token *k, const char *const *keys, size_t n,
                        unsigned *seen, int *key)
{
    *key = tfa_uilog__key(k, keys, n);
    return *key < 0 ? 0 : tfa_json_once(r->scan, k, seen, 1u << *key, keys[*key], r->err);
}

int tfa_uilog__string(uilog_reader *r, const tfa_token *v, const char *what, tfa_buf *b, int *have)
{
    int rc;
    *have = 0;
    if (v->type != TFA_TOK_STR)
        return tfa_scan_skip(r->scan, v, r->err);
    if ((rc = tfa_json_string(r->scan, v, what, b, r->err)) < 0)
        return rc;
    *have = 1;
    return 0;
}

int tfa_uilog__field(uilog_reader *r, const tfa_token *v, int f, const char *what)
{
    return tfa_uilog__string(r, v, what, &r->f[f], &r->have[f]);
}

int tfa_uilog__object(uilog_reader *r, int *is_object)
{
    tfa_token v;
    int rc = tfa_scan_next(r->scan, &v, r->err);
    *is_object = rc == 0 && v.type == TFA_TOK_OBJ;
    if (rc == 0 && !*is_object)
        rc = tfa_scan_skip(r->scan, &v, r->err);
    return rc;
}

/* Diagnostic text: kept up to TFA_LIMIT_MESSAGE_BYTES, cut at a character
 * boundary and marked with an ellipsis when longer. */
static int read_text(uilog_reader *r, const tfa_token *v, int f)
{
    static const char ellipsis[] = "\xe2\x80\xa6";
    tfa_buf *b = &r->f[f];
    size_t cut;

    r->have[f] = 0;
    if (v->type != TFA_TOK_STR)
        return tfa_scan_skip(r->scan, v, r->err);
    tfa_buf_clear(b);
    if (!v->truncated && tfa_scan_decode(v, b) != 0)
        return tfa_error_oom(r->err); /* decoded text is never longer than the window */
    if (v->truncated || b->len > TFA_LIMIT_MESSAGE_BYTES) {
        cut = b->len < TFA_LIMIT_MESSAGE_BYTES ? b->len : TFA_LIMIT_MESSAGE_BYTES;
        while (cut > 0 && ((unsigned char)b->ptr[cut] & 0xC0) == 0x80)
            cut--;
        tfa_buf_truncate(b, cut);
        if (tfa_buf_put(b, ellipsis, sizeof(ellipsis) - 1) != 0)
            return tfa_error_oom(r->err);
    }
    r->have[f] = 1;
    return 0;
}

/* Next token of an open object: *more says it is a key (not the closing brace). */
static int next_key(uilog_reader *r, tfa_token *key, int *more)
{
    int rc = tfa_scan_next(r->scan, key, r->err);
    *more = rc == 0 && key->type == TFA_TOK_KEY;
    return rc;
}

/* "resource_key": 0 or "key" (or null) -> JSON text, as plan JSON's index. */
static int read_key(uilog_reader *r, const tfa_token *v)
{
    tfa_buf *b = &r->f[UF_KEY];
    r->have[UF_KEY] = 0;
    tfa_buf_clear(b);
    if (v->type == TFA_TOK_NUM)
        tfa_buf_put(b, v->ptr, v->len);
    else if (v->type == TFA_TOK_STR && !v->truncated)
        tfa_buf_printf(b, "\"%.*s\"", (int)v->len, v->ptr); /* raw text is valid JSON */
    else
        return tfa_scan_skip(r->scan, v, r->err);
    if (tfa_buf_status(b) == TFA_ELIMIT)
        return tfa_uilog__fail(r, &v->pos, TFA_ELIMIT, "\"resource_key\" is longer than %zu bytes",
                               b->max);
    if (tfa_buf_status(b))
        return tfa_error_oom(r->err);
    r->have[UF_KEY] = 1;
    return 0;
}

/* A resource object (resource_addr.go); `prev` for previous_resource, whose
 * address is all we keep. */
static int read_resource(uilog_reader *r, int prev)
{
    static const char *const keys[] = {"addr",   "resource_key",  "implied_provider",
                                       "module", "resource_type", "resource_name"};
    static const int fields[] = {UF_ADDR, UF_KEY, UF_PROVIDER, UF_MODULE, UF_TYPE, UF_NAME};
    tfa_token k, v;
    unsigned seen = 0;
    int rc, more, obj, key;

    if ((rc = tfa_uilog__object(r, &obj)) != 0 || !obj)
        return rc;
    while ((rc = next_key(r, &k, &more)) == 0 && more) {
        if ((rc = tfa_uilog__key_once(r, &k, keys, TFA_ARRAY_SIZE(keys), &seen, &key)) != 0 ||
            (rc = tfa_scan_next(r->scan, &v, r->err)) != 0)
            return rc;
        if (key == 0)
            rc = tfa_uilog__field(r, &v, prev ? UF_PREV_ADDR : UF_ADDR, "addr");
        else if (key == 1 && !prev)
            rc = read_key(r, &v);
        else if (key > 1 && !prev)
            rc = tfa_uilog__field(r, &v, fields[key], keys[key]);
        else
            rc = tfa_scan_skip(r->scan, &v, r->err);
        if (rc)
            return rc;
    }
    return rc;
}

/* "importing": {"id": "..."}. */
static int read_importing(uilog_reader *r)
{
    tfa_token k, v;
    int rc, more, obj;

    if ((rc = tfa_uilog__object(r, &obj)) != 0 || !obj)
        return rc;
    r->importing = 1;
    while ((rc = next_key(r, &k, &more)) == 0 && more) {
        int is_id = tfa_token_is(&k, "id");
        if ((rc = tfa_scan_next(r->scan, &v, r->err)) != 0)
            return rc;
        rc = is_id ? tfa_uilog__field(r, &v, UF_IMPORT_ID, "importing.id")
                   : tfa_scan_skip(r->scan, &v, r->err);
        if (rc)
            return rc;
    }
    return rc;
}

/* "elapsed_seconds": a number of seconds (an integer in older versions). */
static void read_elapsed(uilog_reader *r, const tfa_token *v)
{
    char num[64];
    double d;

    if (v->type != TFA_TOK_NUM || v->len >= sizeof(num))
        return;
    memcpy(num, v->ptr, v->len);
    num[v->len] = '\0';
    d = strtod(num, NULL); /* the scanner checked the grammar and the range */
    if (d >= 0)
        r->elapsed = d;
}

int tfa_uilog__read_subject(uilog_reader *r)
{
    static const char *const keys[] = {
        "resource", "previous_resource", "importing",      "action", "reason",
        "id_key",   "id_value",          "elapsed_seconds"};
    static const int fields[] = {-1, -1, -1, UF_ACTION, UF_REASON, UF_ID_KEY, UF_ID_VALUE, -1};
    tfa_token k, v;
    unsigned seen = 0;
    int rc, more, obj, key;

    if ((rc = tfa_uilog__object(r, &obj)) != 0 || !obj)
        return rc;
    while ((rc = next_key(r, &k, &more)) == 0 && more) {
        if ((rc = tfa_uilog__key_once(r, &k, keys, TFA_ARRAY_SIZE(keys), &seen, &key)) != 0)
            return rc;
        if (key == 0 || key == 1) {
            rc = read_resource(r, key == 1);
        } else if (key == 2) {
            rc = read_importing(r);
        } else if ((rc = tfa_scan_next(r->scan, &v, r->err)) == 0) {
            if (key == 7)
                read_elapsed(r, &v);
            else if (key > 0)
                rc = tfa_uilog__field(r, &v, fields[key], keys[key]);
            else /* provisioner output, generated_config, ...: never read */
                rc = tfa_scan_skip(r->scan, &v, r->err);
        }
        if (rc)
            return rc;
    }
    return rc;
}

/* An integer field of a position; other types and out-of-range are ignored. */
static int read_line_number(uilog_reader *r, const tfa_token *v, long long *out)
{
    long long n;
    if (v->type != TFA_TOK_NUM)
        return tfa_scan_skip(r->scan, v, r->err);
    if (tfa_json_integer(r->scan, v, "line", 0, LONG_MAX, &n, r->err) == 1)
        *out = n;
    else
        tfa_error_clear(r->err); /* a fraction or a huge number: treated as absent */
    return 0;
}

/* "start": {"line": 2, "column": 3, "byte": 35}. */
static int read_start(uilog_reader *r)
{
    static const char *const keys[] = {"line", "column"};
    long long *slots[2];
    tfa_token k, v;
    unsigned seen = 0;
    int rc, more, obj, key;

    slots[0] = &r->range_line, slots[1] = &r->range_column;
    if ((rc = tfa_uilog__object(r, &obj)) != 0 || !obj)
        return rc;
    while ((rc = next_key(r, &k, &more)) == 0 && more) {
        if ((rc = tfa_uilog__key_once(r, &k, keys, TFA_ARRAY_SIZE(keys), &seen, &key)) != 0 ||
            (rc = tfa_scan_next(r->scan, &v, r->err)) != 0)
            return rc;
        rc = key >= 0 ? read_line_number(r, &v, slots[key]) : tfa_scan_skip(r->scan, &v, r->err);
        if (rc)
            return rc;
    }
    return rc;
}

/* "range": {"filename": "main.tf", "start": {...}, "end": {...}}. */
static int read_range(uilog_reader *r)
{
    tfa_token k, v;
    int rc, more, obj, is_file;

    if ((rc = tfa_uilog__object(r, &obj)) != 0 || !obj)
        return rc;
    while ((rc = next_key(r, &k, &more)) == 0 && more) {
        if (tfa_token_is(&k, "start")) {
            rc = read_start(r);
        } else {
            is_file = tfa_token_is(&k, "filename");
            if ((rc = tfa_scan_next(r->scan, &v, r->err)) == 0)
                rc = is_file ? tfa_uilog__field(r, &v, UF_RANGE_FILE, "range.filename")
                             : tfa_scan_skip(r->scan, &v, r->err);
        }
        if (rc)
            return rc;
    }
    return rc;
}

int tfa_uilog__read_diagnostic(uilog_reader *r)
{
    static const char *const keys[] = {"range", "severity", "summary", "detail", "address"};
    tfa_token k, v;
    unsigned seen = 0;
    int rc, more, obj, key;

    if ((rc = tfa_uilog__object(r, &obj)) != 0 || !obj)
        return rc;
    r->has_diag = 1;
    while ((rc = next_key(r, &k, &more)) == 0 && more) {
        if ((rc = tfa_uilog__key_once(r, &k, keys, TFA_ARRAY_SIZE(keys), &seen, &key)) != 0)
            return rc;
        if (key == 0) {
            rc = read_range(r);
        } else if ((rc = tfa_scan_next(r->scan, &v, r->err)) == 0) {
            if (key == 1)
                rc = tfa_uilog__field(r, &v, UF_SEVERITY, "severity");
            else if (key == 2 || key == 3)
                rc = read_text(r, &v, key == 2 ? UF_SUMMARY : UF_DETAIL);
            else if (key == 4)
                rc = tfa_uilog__field(r, &v, UF_DIAG_ADDR, "address");
            else /* "snippet" holds source code and expression values */
                rc = tfa_scan_skip(r->scan, &v, r->err);
        }
        if (rc)
            return rc;
    }
    return rc;
}

/* ---- records ----------------------------------------------------------------- */

static const char *field(const uilog_reader *r, int f)
{
    return r->have[f] ? r->f[f].ptr : NULL;
}

/* The action word of the message (see the file comment). */
static int map_action(uilog_reader *r, const tfa_pos *pos, tfa_action *action, int *importing)
{
    static const struct {
        const char *word;
        tfa_action action;
    } words[] = {{"noop", TFA_ACTION_NOOP},       {"no-op", TFA_ACTION_NOOP},
                 {"create", TFA_ACTION_CREATE},   {"read", TFA_ACTION_READ},
                 {"update", TFA_ACTION_UPDATE},   {"delete", TFA_ACTION_DELETE},
                 {"replace", TFA_ACTION_REPLACE}, {"remove", TFA_ACTION_FORGET},
                 {"forget", TFA_ACTION_FORGET},   {"move", TFA_ACTION_NOOP},
                 {"import", TFA_ACTION_NOOP}};
    const char *w = field(r, UF_ACTION);
    size_t i;

    *importing = r->importing || (w && strcmp(w, "import") == 0);
    for (i = 0; w && i < TFA_ARRAY_SIZE(words); i++) {
        if (strcmp(w, words[i].word) == 0) {
            *action = words[i].action;
            return 0;
        }
    }
    *action = TFA_ACTION_UNKNOWN;
    if (r->unknown_action_noted)
        return 0;
    r->unknown_action_noted = 1;
    return tfa_run_add_note(r->run, r->ctx->input, pos,
                            "%s action at this position; counted as \"unknown\"",
                            w ? "unknown" : "missing")
               ? tfa_error_oom(r->err)
               : 0;
}

/* A change reason in plan JSON's action_reason words. */
static const char *reason_name(const char *ui)
{
    static const char *const renames[][2] = {{"tainted", "replace_because_tainted"},
                                             {"requested", "replace_by_request"},
                                             {"cannot_update", "replace_because_cannot_update"},
                                             {"replace_triggered_by", "replace_by_triggers"}};
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(renames); i++)
        if (strcmp(ui, renames[i][0]) == 0)
            return renames[i][1];
    return ui;
}

/* Fill `res` (strings in the run) from the message's resource object. */
static int make_resource(uilog_reader *r, tfa_resource *res, const tfa_pos *pos, const char *what)
{
    tfa_run *run = r->run;
    const tfa_buf *a = &r->f[UF_ADDR];
    int rc;

    if (!r->have[UF_ADDR])
        return tfa_uilog__fail(r, pos, TFA_EINPUT, "%s message without a resource address", what);
    rc = tfa_run_resource_from_address(run, res, a->ptr, a->len);
    if (rc == TFA_ENOMEM)
        return tfa_error_oom(r->err);
    if (rc != 0) { /* an address address.h cannot split: take the parts as given */
        res->mode = tfa_run_intern(run, "managed", 7);
        if (!res->mode ||
            (r->have[UF_TYPE] &&
             !(res->type = tfa_run_intern(run, r->f[UF_TYPE].ptr, r->f[UF_TYPE].len))) ||
            (r->have[UF_NAME] && !(res->name = tfa_run_strdup(run, r->f[UF_NAME].ptr))) ||
            (r->have[UF_MODULE] && r->f[UF_MODULE].len &&
             !(res->module = tfa_run_intern(run, r->f[UF_MODULE].ptr, r->f[UF_MODULE].len))) ||
            (r->have[UF_KEY] && !(res->index = tfa_run_strdup(run, r->f[UF_KEY].ptr))))
            return tfa_error_oom(r->err);
    }
    if (r->have[UF_PROVIDER] &&
        !(res->provider = tfa_run_intern(run, r->f[UF_PROVIDER].ptr, r->f[UF_PROVIDER].len)))
        return tfa_error_oom(r->err);
    return 0;
}

int tfa_uilog__emit_change(uilog_reader *r, tfa_list list, const tfa_pos *pos, const char *what)
{
    tfa_resource res;
    tfa_change *c;
    tfa_action action;
    int importing, rc;

    if ((rc = make_resource(r, &res, pos, what)) != 0 ||
        (rc = map_action(r, pos, &action, &importing)) != 0)
        return rc;
    if (!(c = tfa_run_push_change(r->run, list)))
        return tfa_error_oom(r->err);
    c->res = res;
    c->input = r->ctx->input;
    c->action = action;
    c->importing = importing;
    c->pos = *pos;
    if ((r->have[UF_PREV_ADDR] && strcmp(field(r, UF_PREV_ADDR), res.address) != 0 &&
         !(c->prev_address = tfa_run_strdup(r->run, field(r, UF_PREV_ADDR)))) ||
        (r->have[UF_REASON] && r->f[UF_REASON].len &&
         !(c->reason = tfa_run_intern(r->run, reason_name(field(r, UF_REASON)),
                                      strlen(reason_name(field(r, UF_REASON)))))) ||
        (r->have[UF_IMPORT_ID] &&
         !(c->importing_id = tfa_run_strdup(r->run, field(r, UF_IMPORT_ID)))))
        return tfa_error_oom(r->err);
    return 0;
}

static const char *copy_field(uilog_reader *r, int f, int *oom)
{
    const char *s = NULL;
    if (r->have[f] && !(s = tfa_run_strndup(r->run, r->f[f].ptr, r->f[f].len)))
        *oom = 1;
    return s;
}

int tfa_uilog__emit_diag(uilog_reader *r, const tfa_pos *pos)
{
    const char *sev = field(r, UF_SEVERITY);
    tfa_diag *d = tfa_run_push_diag(r->run);
    int oom = 0;

    if (!d)
        return tfa_error_oom(r->err);
    d->input = r->ctx->input;
    d->pos = *pos;
    /* "error", "warning"; anything else (a future "hint") is information */
    d->severity = !sev                          ? TFA_SEV_INFO
                  : strcmp(sev, "error") == 0   ? TFA_SEV_ERROR
                  : strcmp(sev, "warning") == 0 ? TFA_SEV_WARNING
                                                : TFA_SEV_INFO;
    d->summary = r->have[UF_SUMMARY] ? copy_field(r, UF_SUMMARY, &oom) : "";
    d->detail = r->have[UF_DETAIL] && r->f[UF_DETAIL].len ? copy_field(r, UF_DETAIL, &oom) : NULL;
    d->address = copy_field(r, UF_DIAG_ADDR, &oom);
    d->range_file = copy_field(r, UF_RANGE_FILE, &oom);
    if (d->range_file) {
        d->range_line = (unsigned long)r->range_line;
        d->range_column = (unsigned long)r->range_column;
    }
    if (oom)
        return tfa_error_oom(r->err);
    if (d->severity == TFA_SEV_ERROR)
        r->in->log.errors++;
    else if (d->severity == TFA_SEV_WARNING)
        r->in->log.warnings++;
    tfa_plan_tally_diag(&r->in->log, d->severity, d->summary, pos, r->applying);
    return 0;
}

/* ---- apply progress -------------------------------------------------------------- */

/*
 * One tfa_applied record follows a resource instance through apply_start,
 * apply_progress and apply_complete or apply_errored. Records are matched by
 * address and action (a replace applies as a delete and a create of the same
 * address). Only records still in flight are searched, and those are about as
 * many as Terraform's parallelism, so a linear scan is enough.
 */
static uilog_open *find_open(uilog_reader *r, uint64_t hash, const char *addr, tfa_action action)
{
    size_t i;
    for (i = 0; i < r->n_open; i++)
        if (r->open[i].hash == hash && r->open[i].rec->action == action &&
            strcmp(r->open[i].rec->res.address, addr) == 0)
            return &r->open[i];
    return NULL;
}

static int add_open(uilog_reader *r, uint64_t hash, tfa_applied *rec)
{
    if (tfa_array_grow(&r->open, &r->open_cap, r->n_open + 1, sizeof(*r->open)) != 0)
        return TFA_ENOMEM;
    r->open[r->n_open].hash = hash;
    r->open[r->n_open].rec = rec;
    r->n_open++;
    return 0;
}

void tfa_uilog__release_open(uilog_reader *r)
{
    tfa_free(r->open);
    r->open = NULL;
    r->n_open = r->open_cap = 0;
}

/* Find the in-flight record, or start one. */
static int applied_record(uilog_reader *r, const tfa_pos *pos, const char *what, tfa_applied **out,
                          uilog_open **slot)
{
    const tfa_buf *a = &r->f[UF_ADDR];
    tfa_action action;
    uint64_t hash;
    tfa_applied *rec;
    int importing, rc;

    if (!r->have[UF_ADDR])
        return tfa_uilog__fail(r, pos, TFA_EINPUT, "%s message without a resource address", what);
    if ((rc = map_action(r, pos, &action, &importing)) != 0)
        return rc;
    hash = tfa_hash_mix(tfa_hash64(a->ptr, a->len, 0), (uint64_t)action);
    if ((*slot = find_open(r, hash, a->ptr, action)) != NULL) {
        *out = (*slot)->rec;
        return 0;
    }
    if (!(rec = tfa_run_push_applied(r->run)))
        return tfa_error_oom(r->err);
    if ((rc = make_resource(r, &rec->res, pos, what)) != 0)
        return rc;
    rec->input = r->ctx->input;
    rec->action = action;
    rec->status = TFA_APPLY_STARTED;
    rec->elapsed = -1;
    rec->pos = *pos;
    if (add_open(r, hash, rec) != 0)
        return tfa_error_oom(r->err);
    *out = rec;
    *slot = &r->open[r->n_open - 1];
    return 0;
}

int tfa_uilog__apply_event(uilog_reader *r, uilog_apply_event ev, const tfa_pos *pos,
                           const char *what)
{
    tfa_applied *rec = NULL;
    uilog_open *slot = NULL;
    int rc = applied_record(r, pos, what, &rec, &slot);

    if (rc)
        return rc;
    if (r->elapsed >= 0)
        rec->elapsed = r->elapsed;
    /* a delete's ID comes with its start; a create's with its completion */
    if (r->have[UF_ID_KEY] && r->have[UF_ID_VALUE]) {
        if (!(rec->id_key = tfa_run_intern(r->run, r->f[UF_ID_KEY].ptr, r->f[UF_ID_KEY].len)) ||
            !(rec->id_value = tfa_run_strdup(r->run, field(r, UF_ID_VALUE))))
            return tfa_error_oom(r->err);
    }
    if (ev == UILOG_APPLY_COMPLETE || ev == UILOG_APPLY_ERRORED) {
        rec->status = ev == UILOG_APPLY_COMPLETE ? TFA_APPLY_COMPLETE : TFA_APPLY_ERRORED;
        *slot = r->open[--r->n_open]; /* no longer in flight */
    }
    return 0;
}
