/*
 * plan_change.c - the parts of a plan resource change below its address:
 * the "change" object (actions, before/after/after_unknown walked into
 * valdiff, sensitivity markers, replace_paths, importing) and the scalar
 * fields around it. See plan_json.c for the format this follows.
 */
#include "util/compat.h"

#include "jsonread.h"
#include "plan_reader.h"
#include "util/hash.h"

/* A key name with its length, so that matching a key against a table costs
 * no strlen per entry: tfa_token_is folds the length of a literal, not of a
 * table's entry, and the two tables below are tried for every key of every
 * resource change (strlen was 2% of summarizing a 100k-resource plan). */
typedef struct key_name {
    const char *name;
    size_t len;
} key_name;

#define KEY_NAME(lit)                                                                              \
    {                                                                                              \
        lit, sizeof(lit) - 1                                                                       \
    }

/* Index of the entry of names[0..n) that key `t` is (by decoded text, as
 * tfa_token_is compares), n when none; NULL names never match. */
static size_t key_index(const tfa_token *t, const key_name *names, size_t n)
{
    size_t i;
    if (t->truncated)
        return n;
    for (i = 0; i < n; i++) {
        if (!names[i].name)
            continue;
        if (t->escaped ? tfa_token_is_escaped(t, names[i].name)
                       : t->len == names[i].len && memcmp(t->ptr, names[i].name, t->len) == 0)
            return i;
    }
    return n;
}

/* ---- value walking ---------------------------------------------------------- */

int tfa_plan__fail(plan_reader *r, const tfa_pos *pos, int status, const char *fmt, ...)
{
    char msg[TFA_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return tfa_scan_fail(r->scan, r->err, pos, status, "%s", msg);
}

/* Tokens up to `end`, each handed to fn (a key, or an element's first). */
static int each(plan_reader *r, tfa_tok end, plan_member_fn fn, void *payload)
{
    tfa_token k;
    int rc;
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == end)
            return 0;
        if ((rc = fn(r, &k, payload)) != 0)
            return rc;
    }
}

int tfa_plan__each_member(plan_reader *r, plan_member_fn fn, void *payload)
{
    return each(r, TFA_TOK_OBJ_END, fn, payload);
}

int tfa_plan__each_element(plan_reader *r, plan_member_fn fn, void *payload)
{
    return each(r, TFA_TOK_ARR_END, fn, payload);
}

int tfa_plan__read_field(plan_reader *r, const char *what, int f)
{
    tfa_token v;
    int rc;
    if ((rc = tfa_scan_next(r->scan, &v, r->err)) != 0 ||
        (rc = tfa_json_string(r->scan, &v, what, &r->field[f], r->err)) < 0)
        return rc;
    r->have[f] = rc;
    return 0;
}

int tfa_plan__skip_value(plan_reader *r)
{
    tfa_token v;
    int rc = tfa_scan_next(r->scan, &v, r->err);
    return rc ? rc : tfa_scan_skip(r->scan, &v, r->err);
}

/* Append object key `key` as a path step, from its decoded text. */
static int path_key(plan_reader *r, const tfa_token *key)
{
    const char *text;
    size_t len;
    if (tfa_json_string_text(key, &r->scratch, &text, &len) != 0)
        return TFA_ENOMEM;
    return tfa_json_path_key(&r->path, text, len);
}

static int path_status(plan_reader *r, const tfa_token *t)
{
    int rc = tfa_buf_status(&r->path);
    if (rc == TFA_ELIMIT)
        return tfa_plan__fail(r, &t->pos, TFA_ELIMIT, "attribute path longer than %zu bytes",
                              r->path.max);
    return rc ? tfa_error_oom(r->err) : 0;
}

/* Append "[i]": an array step, without printf's format parsing (the value
 * walk takes a step per element of every changed resource's lists). */
static void path_index(tfa_buf *path, unsigned long i)
{
    char d[24];
    size_t n = sizeof(d);
    d[--n] = ']';
    do
        d[--n] = (char)('0' + i % 10);
    while ((i /= 10) != 0);
    d[--n] = '[';
    tfa_buf_put(path, d + n, sizeof(d) - n);
}

/* Walk the value starting with token `t`, reporting leaves under r->path. */
static int walk(plan_reader *r, tfa_side side, const tfa_token *t)
{
    size_t base = r->path.len;
    unsigned long i = 0;
    uint64_t digest;
    tfa_token k, v;
    int rc;

    switch (t->type) {
    case TFA_TOK_OBJ:
    case TFA_TOK_ARR:
        for (;;) {
            if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
                return rc;
            if (k.type == TFA_TOK_OBJ_END || k.type == TFA_TOK_ARR_END)
                return 0;
            if (k.type == TFA_TOK_KEY) {
                if (path_key(r, &k) != 0)
                    return tfa_error_oom(r->err);
                if ((rc = tfa_scan_next(r->scan, &v, r->err)) != 0)
                    return rc;
            } else {
                path_index(&r->path, i++);
                v = k;
            }
            if ((rc = path_status(r, &v)) != 0 || (rc = walk(r, side, &v)) != 0)
                return rc;
            tfa_buf_truncate(&r->path, base);
        }
    case TFA_TOK_NULL:
        return 0; /* null is "absent": see valdiff.h */
    default:
        if ((side == TFA_SIDE_UNKNOWN || side == TFA_SIDE_SENSITIVE) && t->type != TFA_TOK_TRUE)
            return 0;
        if (tfa_json_leaf_digest(t, &r->scratch, &digest) != 0 ||
            tfa_valdiff_leaf(r->diff, side, r->path.ptr, r->path.len, digest) != 0)
            return tfa_error_oom(r->err);
        return 0;
    }
}

static int walk_value(plan_reader *r, tfa_side side)
{
    tfa_token t;
    int rc = tfa_scan_next(r->scan, &t, r->err);
    if (rc)
        return rc;
    if (side == TFA_SIDE_BEFORE)
        r->before_null = t.type == TFA_TOK_NULL;
    else if (side == TFA_SIDE_AFTER)
        r->after_null = t.type == TFA_TOK_NULL;
    /* a no-op change's values cannot differ: skip them unread */
    if (r->action_known && r->action == TFA_ACTION_NOOP)
        return tfa_scan_skip(r->scan, &t, r->err);
    tfa_buf_clear(&r->path);
    return walk(r, side, &t);
}

/* ---- actions ------------------------------------------------------------------ */

/* Classify an actions list (jsonplan Change.Actions). */
static void classify(const char *a0, const char *a1, unsigned n, tfa_action *action,
                     tfa_replace *replace)
{
    *replace = TFA_REPLACE_NONE;
    *action = TFA_ACTION_UNKNOWN;
    if (n == 1) {
        *action = tfa_action_from_name(a0);
        if (*action == TFA_ACTION_REPLACE)
            *action = TFA_ACTION_UNKNOWN; /* "replace" is our class, not Terraform's word */
    } else if (n == 2) {
        if (strcmp(a0, "delete") == 0 && strcmp(a1, "create") == 0)
            *replace = TFA_REPLACE_DELETE_FIRST;
        else if (strcmp(a0, "create") == 0 && strcmp(a1, "delete") == 0)
            *replace = TFA_REPLACE_CREATE_FIRST;
        else if (strcmp(a0, "create") == 0 && strcmp(a1, "forget") == 0)
            *replace = TFA_REPLACE_CREATE_FORGET;
        if (*replace != TFA_REPLACE_NONE)
            *action = TFA_ACTION_REPLACE;
    }
}

/* "actions": ["delete", "create"] -> class. */
int tfa_plan__read_actions(plan_reader *r, tfa_action *action, tfa_replace *replace)
{
    char a[2][16] = {"", ""};
    unsigned n = 0;
    tfa_token t;
    int rc;

    if ((rc = tfa_json_expect(r->scan, &t, TFA_TOK_ARR, "actions", r->err)) != 0)
        return rc;
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &t, r->err)) != 0)
            return rc;
        if (t.type == TFA_TOK_ARR_END)
            break;
        if (t.type != TFA_TOK_STR || t.truncated)
            return tfa_plan__fail(r, &t.pos, TFA_EINPUT, "\"actions\" must be an array of strings");
        if (n < 2) { /* decoded: "cr\u0065ate" is "create" */
            const char *text;
            size_t len;
            if (tfa_json_string_text(&t, &r->scratch, &text, &len) != 0)
                return tfa_error_oom(r->err);
            if (len < sizeof(a[0]) && !memchr(text, '\0', len))
                memcpy(a[n], text, len);
        }
        n++;
    }
    classify(a[0], a[1], n, action, replace);
    if (*action == TFA_ACTION_UNKNOWN)
        return tfa_run_add_note(r->run, r->ctx->input, &t.pos,
                                "unknown actions list at this position; counted as \"unknown\"")
                   ? tfa_error_oom(r->err)
                   : 0;
    return 0;
}

/*
 * Terraform's plan writer (jsonplan) puts the prior object in "before" and
 * the planned one in "after": a create has no prior object, a delete and a
 * forget no planned one, an update and a replace start from an existing
 * object, and a no-op leaves it as it was. A change whose values say
 * otherwise (an edited or corrupted plan: a "no-op" whose "after" is null
 * hides a destroy) does not say what it does. A value absent, and what an
 * "after" that is wholly unknown also writes as null, are not judged.
 */
const char *tfa_plan__values_contradict(const plan_reader *r)
{
    const int before = r->before_null, after = r->after_null;

    switch (r->action) {
    case TFA_ACTION_CREATE:
        return before == 0 ? "a \"create\" whose \"before\" is not null" : NULL;
    case TFA_ACTION_DELETE:
    case TFA_ACTION_FORGET:
        return after == 0 ? "a removal whose \"after\" is not null" : NULL;
    case TFA_ACTION_UPDATE:
    case TFA_ACTION_REPLACE:
        return before == 1 ? "a change of an existing object whose \"before\" is null" : NULL;
    case TFA_ACTION_NOOP:
        return before >= 0 && after >= 0 && before != after
                   ? "a \"no-op\" whose \"before\" and \"after\" are not both null or both set"
                   : NULL;
    default:
        return NULL; /* read: a data source's prior value is not kept; unknown: noted */
    }
}

/* ---- change objects ---------------------------------------------------------- */

/* "replace_paths": [["tags", "Name"], ["ingress", 0]] -> "tags.Name", "ingress[0]". */
static int read_replace_paths(plan_reader *r)
{
    tfa_token t, step;
    int rc;

    if ((rc = tfa_json_expect(r->scan, &t, TFA_TOK_ARR, "replace_paths", r->err)) != 0)
        return rc;
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &t, r->err)) != 0)
            return rc;
        if (t.type == TFA_TOK_ARR_END)
            return 0;
        if (t.type != TFA_TOK_ARR)
            return tfa_plan__fail(r, &t.pos, TFA_EINPUT,
                                  "\"replace_paths\" must hold arrays of steps");
        tfa_buf_clear(&r->path);
        for (;;) {
            if ((rc = tfa_scan_next(r->scan, &step, r->err)) != 0)
                return rc;
            if (step.type == TFA_TOK_ARR_END)
                break;
            if (step.type == TFA_TOK_STR && !step.truncated) {
                if (path_key(r, &step) != 0)
                    return tfa_error_oom(r->err);
            } else if (step.type == TFA_TOK_NUM)
                tfa_buf_printf(&r->path, "[%.*s]", (int)step.len, step.ptr);
            else
                return tfa_plan__fail(r, &step.pos, TFA_EINPUT,
                                      "a replace path step must be a string or number");
            if ((rc = path_status(r, &step)) != 0)
                return rc;
        }
        tfa_buf_put(&r->rpaths, r->path.ptr, r->path.len + 1); /* with its NUL */
        if (tfa_buf_status(&r->rpaths))
            return tfa_error_oom(r->err);
        r->n_rpaths++;
    }
}

static int importing_key(plan_reader *r, const tfa_token *k, void *payload)
{
    (void)payload;
    return tfa_token_is(k, "id") ? tfa_plan__read_field(r, "importing.id", F_IMPORT_ID)
                                 : tfa_plan__skip_value(r);
}

/* "importing": {"id": "..."} (also {"unknown": true}, {"identity": {...}}). */
static int read_importing(plan_reader *r)
{
    tfa_token t;
    int rc;

    if ((rc = tfa_json_open(r->scan, &t, TFA_TOK_OBJ, "importing", r->err)) <= 0)
        return rc;
    r->importing = 1;
    return tfa_plan__each_member(r, importing_key, NULL);
}

/* One key of the "change" object of a resource change. */
static int change_key(plan_reader *r, const tfa_token *t, void *payload)
{
    enum { SIDE, ACTIONS, REPLACE_PATHS, IMPORTING };
    static const key_name names[] = {KEY_NAME("before"),          KEY_NAME("after"),
                                     KEY_NAME("after_unknown"),   KEY_NAME("before_sensitive"),
                                     KEY_NAME("after_sensitive"), KEY_NAME("actions"),
                                     KEY_NAME("replace_paths"),   KEY_NAME("importing")};
    static const struct {
        int what;
        tfa_side side;
    } keys[] = {{SIDE, TFA_SIDE_BEFORE},          {SIDE, TFA_SIDE_AFTER},
                {SIDE, TFA_SIDE_UNKNOWN},         {SIDE, TFA_SIDE_SENSITIVE},
                {SIDE, TFA_SIDE_SENSITIVE},       {ACTIONS, TFA_SIDE_BEFORE},
                {REPLACE_PATHS, TFA_SIDE_BEFORE}, {IMPORTING, TFA_SIDE_BEFORE}};
    size_t k = key_index(t, names, TFA_ARRAY_SIZE(names));

    (void)payload;
    if (k == TFA_ARRAY_SIZE(names))
        return tfa_plan__skip_value(r);
    /* a second "actions" would decide what the change is for whoever reads
     * it last, a second "before" what changed: each is taken once */
    if (tfa_json_once(r->scan, t, &r->change_seen, 1u << k, names[k].name, r->err) != 0)
        return r->err->status;
    switch (keys[k].what) {
    case SIDE:
        return walk_value(r, keys[k].side);
    case ACTIONS:
        r->action_known = 1;
        return tfa_plan__read_actions(r, &r->action, &r->replace);
    case REPLACE_PATHS:
        return read_replace_paths(r);
    default:
        return read_importing(r);
    }
}

static int read_change(plan_reader *r)
{
    tfa_token t;
    int rc = tfa_json_expect(r->scan, &t, TFA_TOK_OBJ, "change", r->err);
    return rc ? rc : tfa_plan__each_member(r, change_key, NULL);
}

/* "index": 0 or "key" -> its JSON text. */
static int read_index(plan_reader *r, const tfa_token *v)
{
    tfa_buf *b = &r->field[F_INDEX];
    tfa_buf_clear(b);
    r->have[F_INDEX] = 0;
    if (v->type == TFA_TOK_NULL)
        return 0;
    if (v->type == TFA_TOK_NUM)
        tfa_buf_put(b, v->ptr, v->len);
    else if (v->type == TFA_TOK_STR && !v->truncated)
        tfa_buf_printf(b, "\"%.*s\"", (int)v->len, v->ptr);
    else
        return tfa_plan__fail(r, &v->pos, TFA_EINPUT, "\"index\" must be a number or a string");
    if (tfa_buf_status(b) == TFA_ENOMEM)
        return tfa_error_oom(r->err);
    if (tfa_buf_status(b))
        return tfa_plan__fail(r, &v->pos, TFA_ELIMIT, "\"index\" is longer than %zu bytes", b->max);
    r->have[F_INDEX] = 1;
    return 0;
}

/* The string fields of a resource change by key (F_INDEX is read apart). */
static const key_name field_keys[F_COUNT] = {KEY_NAME("address"),
                                             KEY_NAME("previous_address"),
                                             KEY_NAME("module_address"),
                                             KEY_NAME("mode"),
                                             KEY_NAME("type"),
                                             KEY_NAME("name"),
                                             KEY_NAME("index"),
                                             KEY_NAME("provider_name"),
                                             KEY_NAME("deposed"),
                                             KEY_NAME("action_reason"),
                                             {NULL, 0},
                                             {NULL, 0}};

void tfa_plan__reset_change(plan_reader *r)
{
    int f;
    for (f = 0; f < F_COUNT; f++)
        r->have[f] = 0;
    r->action = TFA_ACTION_UNKNOWN;
    r->replace = TFA_REPLACE_NONE;
    r->action_known = r->importing = 0;
    r->before_null = r->after_null = -1;
    r->seen = r->change_seen = 0;
    tfa_buf_clear(&r->rpaths);
    r->n_rpaths = 0;
    tfa_valdiff_reset(r->diff);
}

/* One key of a resource change object; the key token is `t`. */
int tfa_plan__read_change_key(plan_reader *r, const tfa_token *t)
{
    tfa_token v;
    int f, rc;

    if (tfa_token_is(t, "change"))
        return tfa_json_once(r->scan, t, &r->seen, 1u << F_COUNT, "change", r->err)
                   ? r->err->status
                   : read_change(r);
    f = (int)key_index(t, field_keys, F_COUNT);
    /* what names the change, taken once (a second would rename it for
     * whoever reads it last); the key token is stale after the next */
    if (f < F_COUNT &&
        tfa_json_once(r->scan, t, &r->seen, 1u << f, field_keys[f].name, r->err) != 0)
        return r->err->status;
    if ((rc = tfa_scan_next(r->scan, &v, r->err)) != 0)
        return rc;
    if (f == F_INDEX)
        return read_index(r, &v);
    if (f == F_COUNT)
        return tfa_scan_skip(r->scan, &v, r->err);
    if ((rc = tfa_json_string(r->scan, &v, field_keys[f].name, &r->field[f], r->err)) < 0)
        return rc;
    r->have[f] = rc;
    return 0;
}
