/*
 * bundle_record.c - a ledger bundle's entries against its record (see
 * bundle_record.h).
 */
#include "util/compat.h"

#include "bundle.h"
#include "bundle_record.h"
#include "ledger.h"
#include "record_render.h"
#include "util/utc.h"

int tfa__bundle_waivers_text(tfa_buf *out, const json_t *record, tfa_error *err)
{
    const json_t *waivers = json_object_get(record, "waivers");
    json_t *none = waivers ? NULL : json_array();
    char *s = NULL;
    void (*free_fn)(void *);
    json_malloc_t malloc_fn;
    int rc = 0;

    if (!waivers && !none)
        return tfa_error_oom(err);
    s = json_dumps(waivers ? waivers : none,
                   JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (!s || tfa_buf_puts(out, s) != 0 || tfa_buf_putc(out, '\n') != 0)
        rc = tfa_error_oom(err);
    json_get_alloc_funcs(&malloc_fn, &free_fn);
    if (s)
        free_fn(s);
    json_decref(none);
    return rc;
}

int tfa__bundle_derived(const char *name)
{
    static const char *const derived[TFA_BUNDLE_DERIVED] = {TFA_BUNDLE_REPORT, TFA_BUNDLE_CHECKLIST,
                                                            TFA_BUNDLE_WAIVERS};
    int k;

    for (k = 0; k < TFA_BUNDLE_DERIVED; k++)
        if (strcmp(name, derived[k]) == 0)
            return k;
    return -1;
}

static const char *basename_of(const char *path)
{
    const char *s = strrchr(path, '/'), *bang = strrchr(path, '!');
    if (bang && (!s || bang > s))
        s = bang;
    return s ? s + 1 : path;
}

void tfa__bundle_input_base(char *buf, size_t size, size_t i, const char *path)
{
    snprintf(buf, size, "%zu-%s", i + 1, basename_of(path ? path : "-"));
}

static int problem(char *detail, size_t size, const char *fmt, ...) TFA_PRINTF(3, 4);

static int problem(char *detail, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, size, fmt, ap);
    va_end(ap);
    return 1;
}

/* Both absent, or equal. */
static int same_member(const json_t *a, const json_t *b, const char *key)
{
    const json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
    if (json_is_null(x))
        x = NULL;
    if (json_is_null(y))
        y = NULL;
    return (!x && !y) || (x && y && json_equal(x, y));
}

static const tfa__bundle_entry *entry(const tfa__bundle_entry *e, size_t n, const char *name)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(e[i].name, name) == 0)
            return &e[i];
    return NULL;
}

/* A derived entry: present with exactly `want`'s bytes, or (want NULL)
 * absent. */
static int check_entry(const tfa__bundle_entry *e, size_t n, const char *name, const tfa_buf *want,
                       char *detail, size_t size)
{
    const tfa__bundle_entry *got = entry(e, n, name);
    if (!want)
        return got ? problem(detail, size, "'%s' is not in record.json", name) : 0;
    if (!got)
        return problem(detail, size, "'%s' is missing", name);
    if (got->len != want->len || (want->len && memcmp(got->data, want->ptr, want->len) != 0))
        return problem(detail, size, "'%s' is not what record.json says (edited)", name);
    return 0;
}

/* The verdict, workspace, time and key the manifest states are the
 * record's; its list of inputs is the record's, input by input. */
static int check_manifest(const json_t *manifest, const json_t *env, char *detail, size_t size)
{
    static const char *const keys[] = {"time", "workspace", "verdict", "key"};
    const json_t *ledger = json_object_get(manifest, "ledger");
    const json_t *listed = json_object_get(manifest, "inputs");
    const json_t *inputs = json_object_get(json_object_get(env, "record"), "inputs"), *in;
    size_t i, k;

    for (k = 0; k < TFA_ARRAY_SIZE(keys); k++)
        if (!same_member(ledger, env, keys[k]))
            return problem(detail, size, "manifest.json: the ledger's \"%s\" is not record.json's",
                           keys[k]);
    if (json_array_size(listed) != json_array_size(inputs) || !json_is_array(listed))
        return problem(detail, size, "manifest.json: the inputs are not record.json's");
    json_array_foreach(inputs, i, in)
    {
        const json_t *m = json_array_get(listed, i);
        if (!same_member(m, in, "path") || !same_member(m, in, "kind") ||
            !same_member(m, in, "sha256") || !same_member(m, in, "bytes") ||
            !json_is_boolean(json_object_get(m, "included")))
            return problem(detail, size, "manifest.json: input %zu is not record.json's", i + 1);
    }
    return 0;
}

/* Every entry is one the record explains: the derived files, and under
 * inputs/ the inputs the manifest says are included, each there. */
static int check_inputs(const json_t *manifest, const tfa__bundle_entry *e, size_t n, char *detail,
                        size_t size)
{
    const json_t *listed = json_object_get(manifest, "inputs"), *m;
    size_t plen = strlen(TFA_BUNDLE_INPUTS), i, j, included = 0, found = 0;
    char name[600];

    json_array_foreach(listed, i, m)
    {
        if (!json_is_true(json_object_get(m, "included")))
            continue;
        included++;
        snprintf(name, sizeof(name), "%s", TFA_BUNDLE_INPUTS);
        tfa__bundle_input_base(name + plen, sizeof(name) - plen, i,
                               json_string_value(json_object_get(m, "path")));
        if (!entry(e, n, name))
            return problem(detail, size, "'%s' is listed as included but missing", name);
    }
    for (j = 0; j < n; j++) {
        const char *s = e[j].name;
        if (strncmp(s, TFA_BUNDLE_INPUTS, plen) == 0) {
            found++;
            continue;
        }
        if (strcmp(s, TFA_BUNDLE_RECORD) != 0 && tfa__bundle_derived(s) < 0)
            return problem(detail, size, "'%s' is no file a ledger bundle holds", s);
    }
    return found == included
               ? 0
               : problem(detail, size, "an input in the bundle is not one the manifest includes");
}

/* The record as the ledger hands it to the renderer, from its body. */
static int record_of(tfa_ledger_record *r, const json_t *env, const char *body, size_t len)
{
    const char *time = json_string_value(json_object_get(env, "time"));

    memset(r, 0, sizeof(*r));
    if (!json_is_integer(json_object_get(env, "seq")) || !time ||
        tfa_utc_parse(&r->time, time, NULL) != 0 || !json_is_object(json_object_get(env, "record")))
        return 0;
    r->id = (int64_t)json_integer_value(json_object_get(env, "seq"));
    /* the renderer only reads these: no copies, nothing freed */
    r->workspace = (char *)(uintptr_t)json_string_value(json_object_get(env, "workspace"));
    r->window = (char *)(uintptr_t)json_string_value(json_object_get(env, "window"));
    r->operator_name = (char *)(uintptr_t)json_string_value(json_object_get(env, "operator"));
    r->verdict = (char *)(uintptr_t)json_string_value(json_object_get(env, "verdict"));
    r->tool_version = (char *)(uintptr_t)json_string_value(json_object_get(env, "tool_version"));
    r->key_id = (char *)(uintptr_t)json_string_value(json_object_get(env, "key"));
    snprintf(r->prev_hash, sizeof(r->prev_hash), "%s",
             json_string_value(json_object_get(env, "prev"))
                 ? json_string_value(json_object_get(env, "prev"))
                 : "");
    {
        unsigned char digest[TFA_SHA256_BYTES];
        tfa_sha256_digest(body, len, digest);
        tfa_sha256_hex(digest, r->hash);
    }
    r->body = (char *)(uintptr_t)body;
    r->body_len = len;
    r->record = json_object_get(env, "record");
    return 1;
}

int tfa__bundle_check_record(const json_t *manifest, const char *body, size_t body_len,
                             const tfa__bundle_entry *entries, size_t n, char *detail,
                             size_t detail_size, tfa_error *err)
{
    json_t *env = json_loadb(body, body_len, JSON_REJECT_DUPLICATES, NULL);
    const char *text;
    tfa_ledger_record rec;
    tfa_buf report, checklist, waivers;
    int rc;

    tfa_buf_init(&report, TFA_BUF_NO_MAX);
    tfa_buf_init(&checklist, TFA_BUF_NO_MAX);
    tfa_buf_init(&waivers, TFA_BUF_NO_MAX);
    if (!json_is_object(env) || !record_of(&rec, env, body, body_len)) {
        rc = problem(detail, detail_size, "record.json is not a ledger record");
        goto done;
    }
    text = json_string_value(json_object_get(json_object_get(rec.record, "checklist"), "text"));
    if (text && tfa_buf_puts(&checklist, text) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = tfa_record_render(&report, &rec, TFA_RECORD_MARKDOWN, err)) != 0 ||
        (rc = tfa__bundle_waivers_text(&waivers, rec.record, err)) != 0)
        goto done;
    if ((rc = check_manifest(manifest, env, detail, detail_size)) != 0 ||
        (rc = check_entry(entries, n, TFA_BUNDLE_REPORT, &report, detail, detail_size)) != 0 ||
        (rc = check_entry(entries, n, TFA_BUNDLE_CHECKLIST, text ? &checklist : NULL, detail,
                          detail_size)) != 0 ||
        (rc = check_entry(entries, n, TFA_BUNDLE_WAIVERS, &waivers, detail, detail_size)) != 0)
        goto done;
    rc = check_inputs(manifest, entries, n, detail, detail_size);
done:
    json_decref(env);
    tfa_buf_release(&report);
    tfa_buf_release(&checklist);
    tfa_buf_release(&waivers);
    return rc;
}
