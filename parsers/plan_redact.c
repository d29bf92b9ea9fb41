/*
 * plan_redact.c - the grammar of plan and state JSON as the redactor sees
 * it (see plan_redact.h for what is replaced and why).
 *
 * Follows Terraform's "JSON Output Format" (plan representation, values
 * representation, configuration representation; format_version up to 1.2).
 * Each function takes the first token of the value it reads. Keys a
 * function knows are copied (skipped, so the writer copies their bytes) or
 * descended into; any other key's value is replaced unless it is a number,
 * boolean or null. A value of an unexpected type is treated the same way.
 * Sites (objects whose marks decide their values) are handed to
 * redact_site.c when they end.
 */
#include "util/compat.h"

#include "jsonread.h"
#include "redact_priv.h"
#include "stream.h"
#include "util/alloc.h"
#include "util/sort.h"
#include "util/limits.h"

static int is_any(const tfa_token *k, const char *const *keys)
{
    for (; *keys; keys++)
        if (tfa_token_is(k, *keys))
            return 1;
    return 0;
}

/* Next token, which must follow a key. */
static int value_of(redactor *r, tfa_token *v)
{
    return tfa_scan_next(r->scan, v, r->err);
}

/* Copy: consume the value unchanged. */
static int copy(redactor *r, const tfa_token *t)
{
    return tfa_scan_skip(r->scan, t, r->err);
}

typedef int (*elem_fn)(redactor *r, const tfa_token *t);

/* An array of `fn`, or anything else replaced. */
static int array_of(redactor *r, const tfa_token *t, elem_fn fn)
{
    tfa_token e;
    int rc;
    if (t->type != TFA_TOK_ARR)
        return tfa_rd__unknown(r, t);
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &e, r->err)) != 0)
            return rc;
        if (e.type == TFA_TOK_ARR_END)
            return 0;
        if ((rc = fn(r, &e)) != 0)
            return rc;
    }
}

/* An object of NAME -> `fn`, or anything else replaced. */
static int named(redactor *r, const tfa_token *t, elem_fn fn)
{
    tfa_token k, v;
    int rc;
    if (t->type != TFA_TOK_OBJ)
        return tfa_rd__unknown(r, t);
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            return 0;
        if ((rc = value_of(r, &v)) != 0 || (rc = fn(r, &v)) != 0)
            return rc;
    }
}

/* One key of a fixed-shape object and how its value is read. */
typedef enum rd_shape { RD_COPY = 0, RD_ONE, RD_ARRAY, RD_NAMED } rd_shape;
typedef struct rd_field {
    const char *key;
    rd_shape shape; /* RD_COPY: unchanged; else `fn` on the value, each element or each entry */
    elem_fn fn;
} rd_field;

/* An object whose keys are all in `fields` (NULL-key terminated); any other
 * key's value is replaced (fail closed), as is anything but an object. */
static int object_of(redactor *r, const tfa_token *t, const rd_field *fields)
{
    const rd_field *f;
    tfa_token k, v;
    int rc;

    if (t->type != TFA_TOK_OBJ)
        return tfa_rd__unknown(r, t);
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            return 0;
        if ((rc = value_of(r, &v)) != 0)
            return rc;
        for (f = fields; f->key && !tfa_token_is(&k, f->key); f++)
            ;
        switch (f->key ? f->shape : RD_ONE) {
        case RD_COPY:
            rc = copy(r, &v);
            break;
        case RD_ARRAY:
            rc = array_of(r, &v, f->fn);
            break;
        case RD_NAMED:
            rc = named(r, &v, f->fn);
            break;
        default:
            rc = f->key ? f->fn(r, &v) : tfa_rd__unknown(r, &v);
            break;
        }
        if (rc)
            return rc;
    }
}

/* ---- changes ---------------------------------------------------------------- */

/* What a key of a site object holds: one side's values, one side's
 * sensitivity marks, or the replace paths. */
typedef enum rd_role { RD_VALUES = 0, RD_MARKS, RD_REPLACE } rd_role;
typedef struct rd_site_key {
    const char *key; /* NULL ends the table */
    rd_role role;
    int side; /* RD_VALUES, RD_MARKS: 0 before (or the only side), 1 after */
} rd_site_key;

/* A site object (a change, or a resource of a values representation): the
 * keys of `keys` fill the site, those of `copied` are copied, any other is
 * unknown; the site is redacted when the object ends. */
static int site_object(redactor *r, const tfa_token *t, int two_sided, const rd_site_key *keys,
                       const char *const *copied)
{
    rd_site *st = &r->site;
    const rd_site_key *sk;
    tfa_token k, v;
    int rc;

    if (t->type != TFA_TOK_OBJ)
        return tfa_rd__unknown(r, t);
    tfa_rd__site_reset(st, two_sided);
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            return tfa_rd__site_finish(r, st);
        if ((rc = value_of(r, &v)) != 0)
            return rc;
        for (sk = keys; sk->key && !tfa_token_is(&k, sk->key); sk++)
            ;
        if (!sk->key)
            rc = is_any(&k, copied) ? copy(r, &v) : tfa_rd__unknown(r, &v);
        else if (sk->role == RD_VALUES)
            rc = tfa_rd__value(r, &v, &st->side[sk->side]);
        else if (sk->role == RD_MARKS)
            st->marks_seen[sk->side] = 1, rc = tfa_rd__marks(r, st, &v);
        else
            rc = tfa_rd__value(r, &v, &st->replace);
        if (rc)
            return rc;
    }
}

/* A change object (resource change or output change): a two-sided site. */
static int change(redactor *r, const tfa_token *t)
{
    static const char *const copied[] = {
        "actions",         "after_unknown",  "importing", "generated_config",
        "before_identity", "after_identity", NULL};
    static const rd_site_key keys[] = {
        {"before", RD_VALUES, 0},          {"after", RD_VALUES, 1},
        {"before_sensitive", RD_MARKS, 0}, {"after_sensitive", RD_MARKS, 1},
        {"replace_paths", RD_REPLACE, 0},  {NULL, RD_VALUES, 0}};
    return site_object(r, t, 1, keys, copied);
}

/* A resource change (resource_changes, resource_drift, deferred). */
static int resource_change(redactor *r, const tfa_token *t)
{
    static const rd_field fields[] = {{"change", RD_ONE, change},
                                      {"address", RD_COPY, NULL},
                                      {"previous_address", RD_COPY, NULL},
                                      {"module_address", RD_COPY, NULL},
                                      {"mode", RD_COPY, NULL},
                                      {"type", RD_COPY, NULL},
                                      {"name", RD_COPY, NULL},
                                      {"index", RD_COPY, NULL},
                                      {"provider_name", RD_COPY, NULL},
                                      {"deposed", RD_COPY, NULL},
                                      {"action_reason", RD_COPY, NULL},
                                      {"previous_run_address", RD_COPY, NULL},
                                      {NULL, RD_COPY, NULL}};
    return object_of(r, t, fields);
}

/* deferred_changes[]: {"reason": ..., "resource_change": {...}}. */
static int deferred(redactor *r, const tfa_token *t)
{
    static const rd_field fields[] = {{"resource_change", RD_ONE, resource_change},
                                      {"reason", RD_COPY, NULL},
                                      {NULL, RD_COPY, NULL}};
    return object_of(r, t, fields);
}

/* ---- values representation (planned_values, prior_state, state) ------------- */

/* A resource: `values` marked by `sensitive_values`, a one-sided site. */
static int resource(redactor *r, const tfa_token *t)
{
    static const char *const copied[] = {"address",
                                         "mode",
                                         "type",
                                         "name",
                                         "index",
                                         "provider_name",
                                         "schema_version",
                                         "deposed",
                                         "depends_on",
                                         "tainted",
                                         "create_before_destroy",
                                         "identity",
                                         "identity_schema_version",
                                         NULL};
    static const rd_site_key keys[] = {
        {"values", RD_VALUES, 0}, {"sensitive_values", RD_MARKS, 0}, {NULL, RD_VALUES, 0}};
    return site_object(r, t, 0, keys, copied);
}

static int module(redactor *r, const tfa_token *t)
{
    static const rd_field fields[] = {{"resources", RD_ARRAY, resource},
                                      {"child_modules", RD_ARRAY, module},
                                      {"address", RD_COPY, NULL},
                                      {NULL, RD_COPY, NULL}};
    return object_of(r, t, fields);
}

/* An output: {"sensitive": bool, "type": ..., "value": ...}; a missing
 * "sensitive" (Terraform always writes it) counts as true. */
static int output(redactor *r, const tfa_token *t)
{
    rd_value val = {0, 0, 0, 0};
    int sensitive = -1, rc;
    tfa_token k, v;

    if (t->type != TFA_TOK_OBJ)
        return tfa_rd__unknown(r, t);
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            break;
        if ((rc = value_of(r, &v)) != 0)
            return rc;
        if (tfa_token_is(&k, "value"))
            rc = tfa_rd__value(r, &v, &val);
        else if (tfa_token_is(&k, "sensitive"))
            sensitive = v.type == TFA_TOK_FALSE ? 0 : 1, rc = copy(r, &v);
        else
            rc = tfa_token_is(&k, "type") ? copy(r, &v) : tfa_rd__unknown(r, &v);
        if (rc)
            return rc;
    }
    if (sensitive != 0 && val.seen && !val.null)
        return tfa_rd__span(r, val.start, val.end, "\"" TFA_REDACTED "\"");
    return 0;
}

static int values_repr(redactor *r, const tfa_token *t)
{
    static const rd_field fields[] = {
        {"outputs", RD_NAMED, output}, {"root_module", RD_ONE, module}, {NULL, RD_COPY, NULL}};
    return object_of(r, t, fields);
}

/* prior_state: {"format_version", "terraform_version", "values"}. */
static int state_repr(redactor *r, const tfa_token *t)
{
    static const rd_field fields[] = {{"values", RD_ONE, values_repr},
                                      {"format_version", RD_COPY, NULL},
                                      {"terraform_version", RD_COPY, NULL},
                                      {NULL, RD_COPY, NULL}};
    return object_of(r, t, fields);
}

/* ---- configuration ---------------------------------------------------------- */

/* The decoded text of key `k` into r->scratch. */
static int key_text(redactor *r, const tfa_token *k, const char **text, size_t *len)
{
    if (k->truncated)
        return tfa_rd__fail(r, &k->pos, TFA_ELIMIT, "object key too long");
    if (tfa_json_string_text(k, &r->scratch, text, len) != 0)
        return tfa_error_oom(r->err);
    return 0;
}

/* One variable declaration: its `default` goes when it is sensitive. */
static int declaration(redactor *r, const tfa_token *name, const tfa_token *t, int root)
{
    rd_value def = {0, 0, 0, 0};
    int sensitive = 0, rc;
    const char *text;
    size_t len = 0;
    tfa_token k, v;

    /* the key's text is only valid until the next key: keep its length and
     * find it again at the end of `declared` */
    if (root) {
        if ((rc = key_text(r, name, &text, &len)) != 0)
            return rc;
        if (tfa_rd__set_add(&r->declared, text, len) != 0)
            return tfa_error_oom(r->err);
    }
    if (t->type != TFA_TOK_OBJ)
        return tfa_rd__unknown(r, t);
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            break;
        if ((rc = value_of(r, &v)) != 0)
            return rc;
        if (tfa_token_is(&k, "default"))
            rc = tfa_rd__value(r, &v, &def);
        else if (tfa_token_is(&k, "sensitive"))
            sensitive = v.type != TFA_TOK_FALSE && v.type != TFA_TOK_NULL, rc = copy(r, &v);
        else
            rc = tfa_token_is(&k, "constant_value") ? tfa_rd__whole(r, &v) : copy(r, &v);
        if (rc)
            return rc;
    }
    if (sensitive && root &&
        tfa_rd__set_add(&r->sensitive, r->declared.ptr + r->declared.len - len, len) != 0)
        return tfa_error_oom(r->err);
    if (sensitive && def.seen && !def.null)
        return tfa_rd__span(r, def.start, def.end, "\"" TFA_REDACTED "\"");
    return 0;
}

static int declarations(redactor *r, const tfa_token *t, int root)
{
    tfa_token k, v;
    int rc;
    if (t->type != TFA_TOK_OBJ)
        return tfa_rd__unknown(r, t);
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            return 0;
        if ((rc = value_of(r, &v)) != 0 || (rc = declaration(r, &k, &v, root)) != 0)
            return rc;
    }
}

/* Any part of configuration: constant values go, variable declarations are
 * read where a module declares them ("root_module" and each "module" of a
 * module call are modules; `top` is the configuration object itself, whose
 * root_module declares the variables of the top-level "variables"). */
static int config_walk(redactor *r, const tfa_token *t, int module_level, int root, int top)
{
    unsigned long depth;
    tfa_token k, v;
    int rc;

    if (t->type != TFA_TOK_OBJ && t->type != TFA_TOK_ARR)
        return 0;
    depth = tfa_scan_depth(r->scan);
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (tfa_scan_depth(r->scan) < depth)
            return 0; /* our own closing bracket */
        if (k.type != TFA_TOK_KEY) {
            rc = config_walk(r, &k, 0, 0, 0);
        } else if ((rc = value_of(r, &v)) != 0) {
            return rc;
        } else if (tfa_token_is(&k, "constant_value")) {
            rc = tfa_rd__whole(r, &v);
        } else if (module_level && tfa_token_is(&k, "variables")) {
            rc = declarations(r, &v, root);
        } else if (tfa_token_is(&k, "root_module") || tfa_token_is(&k, "module")) {
            rc = config_walk(r, &v, 1, top && tfa_token_is(&k, "root_module"), 0);
        } else {
            rc = config_walk(r, &v, 0, 0, 0);
        }
        if (rc)
            return rc;
    }
}

/* ---- top-level variables ------------------------------------------------------ */

static int variable(redactor *r, const tfa_token *name, const tfa_token *t)
{
    const char *text;
    size_t len;
    tfa_token k, v;
    rd_var *var;
    int rc;

    if (t->type != TFA_TOK_OBJ)
        return tfa_rd__whole(r, t);
    if (tfa_array_grow(&r->vars, &r->cap_vars, r->n_vars + 1, sizeof(*r->vars)) != 0)
        return tfa_error_oom(r->err);
    var = &r->vars[r->n_vars];
    memset(var, 0, sizeof(*var));
    if ((rc = key_text(r, name, &text, &len)) != 0)
        return rc;
    var->name_off = r->names.len;
    var->name_len = len;
    if (tfa_buf_put(&r->names, text, len) != 0)
        return tfa_error_oom(r->err);
    r->n_vars++;
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            return 0;
        if ((rc = value_of(r, &v)) != 0)
            return rc;
        rc = tfa_token_is(&k, "value") ? tfa_rd__value(r, &v, &r->vars[r->n_vars - 1].value)
                                       : tfa_rd__unknown(r, &v);
        if (rc)
            return rc;
    }
}

static int variables(redactor *r, const tfa_token *t)
{
    tfa_token k, v;
    int rc;
    if (t->type != TFA_TOK_OBJ)
        return tfa_rd__unknown(r, t);
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            return 0;
        if ((rc = value_of(r, &v)) != 0 || (rc = variable(r, &k, &v)) != 0)
            return rc;
    }
}

/* The document ended: a variable's value goes unless the configuration
 * declares it and does not mark it sensitive. */
static int finish_variables(redactor *r)
{
    size_t i;
    int rc;
    for (i = 0; i < r->n_vars; i++) {
        const rd_var *v = &r->vars[i];
        const char *name = r->names.ptr + v->name_off;
        if (!v->value.seen || v->value.null)
            continue;
        if (tfa_rd__set_has(&r->declared, name, v->name_len) &&
            !tfa_rd__set_has(&r->sensitive, name, v->name_len))
            continue;
        if ((rc = tfa_rd__span(r, v->value.start, v->value.end, "\"" TFA_REDACTED "\"")) != 0)
            return rc;
    }
    return 0;
}

/* ---- documents ------------------------------------------------------------------ */

static int document(redactor *r, const tfa_token *open, tfa_kind kind)
{
    static const char *const copied[] = {"format_version",
                                         "terraform_version",
                                         "timestamp",
                                         "applyable",
                                         "complete",
                                         "errored",
                                         "plan_format_version",
                                         "provider_format_version",
                                         "provider_schemas",
                                         "relevant_attributes",
                                         "checks",
                                         "condition_results",
                                         NULL};
    static const char *const raw_state[] = {"lineage", "serial", "version", NULL};
    tfa_token k, v;
    int rc;

    if (open->type != TFA_TOK_OBJ)
        return tfa_rd__fail(r, &open->pos, TFA_EINPUT, "expected a JSON object (a Terraform %s)",
                            tfa_kind_name(kind));
    r->n_vars = 0;
    tfa_buf_clear(&r->names);
    tfa_buf_clear(&r->declared);
    tfa_buf_clear(&r->sensitive);
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            return finish_variables(r);
        if (is_any(&k, raw_state))
            return tfa_rd__fail(r, &k.pos, TFA_EINPUT,
                                "a raw terraform.tfstate cannot be redacted (use the output of "
                                "'terraform show -json')");
        if ((rc = value_of(r, &v)) != 0)
            return rc;
        if (tfa_token_is(&k, "resource_changes") || tfa_token_is(&k, "resource_drift"))
            rc = array_of(r, &v, resource_change);
        else if (tfa_token_is(&k, "deferred_changes"))
            rc = array_of(r, &v, deferred);
        else if (tfa_token_is(&k, "output_changes"))
            rc = named(r, &v, change);
        else if (tfa_token_is(&k, "planned_values") || tfa_token_is(&k, "values"))
            rc = values_repr(r, &v);
        else if (tfa_token_is(&k, "prior_state"))
            rc = state_repr(r, &v);
        else if (tfa_token_is(&k, "variables"))
            rc = variables(r, &v);
        else if (tfa_token_is(&k, "configuration"))
            rc = config_walk(r, &v, 0, 0, 1);
        else
            rc = is_any(&k, copied) ? copy(r, &v) : tfa_rd__unknown(r, &v);
        if (rc)
            return rc;
    }
}

static int by_start(const void *a, const void *b)
{
    const rd_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end; /* the outer one first */
}

/* The text with every span replaced; a span inside an earlier one is
 * already covered. */
static int write_out(redactor *r, tfa_buf *out)
{
    uint64_t at = 0;
    size_t i;

    tfa_sort(r->spans, r->n_spans, sizeof(*r->spans), by_start);
    for (i = 0; i < r->n_spans; i++) {
        const rd_span *s = &r->spans[i];
        if (s->start < at)
            continue;
        tfa_buf_put(out, r->text + at, (size_t)(s->start - at));
        tfa_buf_puts(out, s->rep);
        at = s->end;
    }
    tfa_buf_put(out, r->text + at, (size_t)(r->len - at));
    return tfa_buf_status(out) ? tfa_error_oom(r->err) : 0;
}

/* The decoded text: `data` itself when it is plain UTF-8, else a copy. */
static int decode(tfa_buf *text, const char *name, const char *data, size_t len, tfa_error *err)
{
    const unsigned char *u = (const unsigned char *)data;
    tfa_stream *in = NULL;
    char chunk[65536];
    long long n;
    int rc;

    if (!(len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) &&
        !(len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF))
        return 0;
    if ((rc = tfa_stream_open_memory(&in, name, data, len, err)) != 0)
        return rc;
    while ((n = tfa_stream_read(in, chunk, sizeof(chunk), err)) > 0)
        if (tfa_buf_put(text, chunk, (size_t)n) != 0) {
            n = tfa_error_oom(err);
            break;
        }
    tfa_stream_free(in);
    return n < 0 ? (int)n : 0;
}

int tfa_plan_redact(tfa_buf *out, tfa_kind kind, const char *name, const char *data, size_t len,
                    tfa_redact_stats *stats, tfa_error *err)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    tfa_stream *in = NULL;
    tfa_buf text;
    redactor r;
    tfa_token t;
    int rc, docs = 0;

    memset(&r, 0, sizeof(r));
    tfa_buf_init(&text, TFA_BUF_NO_MAX);
    tfa_buf_init(&r.path, TFA_LIMIT_PATH_BYTES);
    tfa_buf_init(&r.scratch, TFA_LIMIT_SCAN_WINDOW);
    tfa_buf_init(&r.site.roots, TFA_BUF_NO_MAX);
    tfa_buf_init(&r.names, TFA_BUF_NO_MAX);
    tfa_buf_init(&r.declared, TFA_BUF_NO_MAX);
    tfa_buf_init(&r.sensitive, TFA_BUF_NO_MAX);
    r.err = err;
    r.name = name;
    if ((rc = decode(&text, name, data, len, err)) != 0)
        goto done;
    r.text = text.len ? text.ptr : data;
    r.len = text.len ? text.len : len;
    so.ci_noise = 1;
    if ((rc = tfa_stream_open_memory(&in, name, r.text, r.len, err)) != 0 ||
        (rc = tfa_scan_new(&r.scan, in, &so, err)) != 0)
        goto done;
    while ((rc = tfa_scan_next(r.scan, &t, err)) == 0 && t.type != TFA_TOK_EOF) {
        if ((rc = document(&r, &t, kind)) != 0)
            goto done;
        docs++;
    }
    if (rc == 0 && docs == 0)
        rc = tfa_rd__fail(&r, &t.pos, TFA_EINPUT, "no JSON document in the input");
    if (rc == 0)
        rc = write_out(&r, out);
    if (rc == 0 && stats)
        stats->values = r.values;
done:
    tfa_scan_free(r.scan);
    tfa_stream_free(in);
    tfa_free(r.spans);
    tfa_free(r.vars);
    tfa_buf_release(&r.path);
    tfa_buf_release(&r.scratch);
    tfa_buf_release(&r.site.roots);
    tfa_buf_release(&r.names);
    tfa_buf_release(&r.declared);
    tfa_buf_release(&r.sensitive);
    tfa_buf_release(&text);
    return rc;
}
