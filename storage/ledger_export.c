/*
 * ledger_export.c - a ledger record as an audit bundle (see
 * ledger_export.h).
 */
#include "util/compat.h"

#include "bundle.h"
#include "bundle_record.h"
#include "ledger_export.h"
#include "record_render.h"
#include "redact.h"
#include "util/utc.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

static int omit(tfa_ledger_export_result *res, const char *path, const char *kind,
                const char *reason, tfa_error *err)
{
    tfa_export_omitted *o;
    size_t n = res->n_omitted + 1;

    if (!(o = tfa_realloc(res->omitted, n * sizeof(*o))))
        return tfa_error_oom(err);
    res->omitted = o;
    o = &o[res->n_omitted];
    o->path = tfa_strdup(path);
    o->kind = tfa_strdup(kind);
    o->reason = tfa_strdup(reason);
    res->n_omitted = n;
    return o->path && o->kind && o->reason ? 0 : tfa_error_oom(err);
}

/* Whole file, up to the archive entry limit. */
static int slurp(const char *path, tfa_buf *out)
{
    char chunk[65536];
    FILE *f = fopen(path, "rb");
    size_t n;
    int rc = 0;

    if (!f)
        return TFA_ENOTFOUND;
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = tfa_buf_put(out, chunk, n);
    if (rc == 0 && ferror(f))
        rc = TFA_EIO;
    fclose(f);
    return rc;
}

/* Why input `in` cannot go in, or NULL after adding it (redacted). */
static const char *try_input(tfa_bundle *b, size_t i, const json_t *in, int *rc, tfa_error *err)
{
    const char *path = json_string_value(json_object_get(in, "path"));
    const char *sha = json_string_value(json_object_get(in, "sha256"));
    tfa_kind kind = tfa_kind_from_name(json_string_value(json_object_get(in, "kind")));
    unsigned char digest[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX], name[512];
    const char *why = NULL;
    tfa_buf raw, red;
    tfa_error rerr;

    if (!tfa_redact_supported(kind))
        return "no redactor for this kind yet";
    if (!path || !sha)
        return "the record does not name the file";
    tfa_buf_init(&raw, TFA_LIMIT_ARCHIVE_ENTRY_BYTES);
    tfa_buf_init(&red, TFA_LIMIT_ARCHIVE_ENTRY_BYTES);
    tfa_error_init(&rerr);
    if (slurp(path, &raw) != 0) {
        why = "the file cannot be read any more";
    } else {
        tfa_sha256_digest(raw.ptr, raw.len, digest);
        tfa_sha256_hex(digest, hex);
        if (strcmp(hex, sha) != 0)
            why = "the file changed since the verdict";
        else if (tfa_redact_input(&red, kind, raw.ptr, raw.len, &rerr) != 0)
            why = "redaction failed";
    }
    if (!why) {
        tfa__bundle_input_base(name, sizeof(name), i, path);
        *rc = tfa_bundle_add_input(b, name, red.ptr, red.len, err);
    }
    tfa_buf_release(&raw);
    tfa_buf_release(&red);
    return why;
}

/* The manifest's "inputs" list, adding the inputs that may go in. */
static int inputs(tfa_bundle *b, const json_t *record, const tfa_ledger_export_options *o,
                  json_t *list, tfa_ledger_export_result *res, tfa_error *err)
{
    const json_t *in;
    size_t i;
    int rc = 0;

    json_array_foreach(json_object_get(record, "inputs"), i, in)
    {
        const char *why = o->include_inputs ? try_input(b, i, in, &rc, err) : "not requested";
        const char *path = json_string_value(json_object_get(in, "path"));
        const char *kind = json_string_value(json_object_get(in, "kind"));
        json_t *m = json_pack("{s:s?, s:s?, s:O?, s:O?, s:b}", "path", path, "kind", kind, "sha256",
                              json_object_get(in, "sha256"), "bytes", json_object_get(in, "bytes"),
                              "included", why == NULL);
        if (rc)
            break;
        if (!m || (why && json_object_set_new(m, "reason", json_string(why))) ||
            json_array_append_new(list, m))
            return tfa_error_oom(err);
        if (why && o->include_inputs &&
            (rc = omit(res, path ? path : "-", kind ? kind : "-", why, err)) != 0)
            break;
    }
    return rc;
}

/* Everything but the inputs: the record, and what is written from it
 * (bundle_record.h; bundle verify writes the same again). */
static int add_files(tfa_bundle *b, const tfa_ledger_record *rec, tfa_error *err)
{
    const json_t *cl = json_object_get(rec->record, "checklist");
    const char *text = json_string_value(json_object_get(cl, "text"));
    tfa_buf report, waivers;
    int rc;

    tfa_buf_init(&report, TFA_BUF_NO_MAX);
    tfa_buf_init(&waivers, TFA_BUF_NO_MAX);
    rc = tfa_bundle_add(b, TFA_BUNDLE_RECORD, rec->body, rec->body_len, err);
    rc = rc ? rc : tfa_record_render(&report, rec, TFA_RECORD_MARKDOWN, err);
    rc = rc ? rc : tfa_bundle_add(b, TFA_BUNDLE_REPORT, report.ptr, report.len, err);
    if (rc == 0 && text)
        rc = tfa_bundle_add(b, TFA_BUNDLE_CHECKLIST, text, strlen(text), err);
    rc = rc ? rc : tfa__bundle_waivers_text(&waivers, rec->record, err);
    rc = rc ? rc : tfa_bundle_add(b, TFA_BUNDLE_WAIVERS, waivers.ptr, waivers.len, err);
    tfa_buf_release(&report);
    tfa_buf_release(&waivers);
    return rc;
}

static int chain_ok(tfa_ledger *l, tfa_ledger_verification *v, int64_t id,
                    const tfa_keyring *trusted, tfa_error *err)
{
    tfa_ledger_verify_options vo = TFA_LEDGER_VERIFY_OPTIONS_INIT;
    int rc;

    vo.trusted = trusted;
    rc = tfa_ledger_verify_with(l, &vo, v, err);
    if (rc)
        return rc;
    if (v->fault != TFA_LEDGER_INTACT)
        return tfa_error_set(err, TFA_EINPUT,
                             "not exporting: the ledger chain is broken at record %lld (%s); run "
                             "'tfaudit ledger verify'",
                             (long long)v->bad_id, tfa_ledger_fault_name(v->fault));
    if (id > v->head_id)
        return tfa_error_set(err, TFA_ENOTFOUND, "no ledger record %lld", (long long)id);
    return 0;
}

/* The record's signature, and the keys the export checked it against. */
static int add_signature(json_t *manifest, const tfa_ledger_record *rec, const tfa_keyring *trusted)
{
    json_t *ledger = json_object_get(manifest, "ledger"), *keys = json_array();
    size_t i;
    int bad = !keys;

    for (i = 0; !bad && i < tfa_keyring_count(trusted); i++)
        bad |= json_array_append_new(keys, json_string(tfa_keyring_at(trusted, i)->key_id)) != 0;
    bad |= json_object_set_new(ledger, "key", rec->key_id ? json_string(rec->key_id) : json_null());
    bad |= json_object_set_new(ledger, "signature",
                               rec->signature ? json_string(rec->signature) : json_null());
    bad |= json_object_set_new(manifest, "trusted_keys", keys) != 0;
    return bad ? TFA_ENOMEM : 0;
}

int tfa_ledger_export(tfa_ledger_export_result *out, tfa_ledger *ledger, int64_t id,
                      const char *path, const tfa_ledger_export_options *opts, tfa_error *err)
{
    tfa_ledger_export_options defaults = TFA_LEDGER_EXPORT_OPTIONS_INIT;
    tfa_ledger_verification v;
    char iso[TFA_UTC_ISO_SIZE];
    tfa_ledger_record *rec = NULL;
    tfa_bundle *b = NULL;
    json_t *manifest = NULL, *list = json_array();
    int rc;

    memset(out, 0, sizeof(*out));
    opts = opts ? opts : &defaults;
    if (!list)
        return tfa_error_oom(err);
    if ((rc = chain_ok(ledger, &v, id, opts->trusted, err)) != 0 ||
        (rc = tfa_ledger_get(&rec, ledger, id, err)))
        goto done;
    if ((rc = tfa_bundle_new(&b, rec->time, err)) != 0 || (rc = add_files(b, rec, err)) != 0 ||
        (rc = inputs(b, rec->record, opts, list, out, err)) != 0)
        goto done;
    tfa_utc_format_iso(rec->time, iso);
    manifest =
        json_pack("{s:s+, s:{s:I, s:s, s:s, s:s, s:s?, s:s?, s:I, s:s}, s:O}", "created_by",
                  "tfaudit ", opts->tool_version ? opts->tool_version : "unknown", "ledger", "id",
                  (json_int_t)rec->id, "hash", rec->hash, "prev_hash", rec->prev_hash, "time", iso,
                  "workspace", rec->workspace, "verdict", rec->verdict, "head_id",
                  (json_int_t)v.head_id, "head_hash", v.head_hash, "inputs", list);
    if (!manifest || add_signature(manifest, rec, opts->trusted) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = tfa_bundle_write(b, path, manifest, err)) != 0)
        goto done;
    out->files = tfa_bundle_count(b);
done:
    json_decref(manifest);
    json_decref(list);
    tfa_bundle_free(b);
    tfa_ledger_record_free(rec);
    return rc;
}

void tfa_ledger_export_result_release(tfa_ledger_export_result *res)
{
    size_t i;
    for (i = 0; i < res->n_omitted; i++) {
        tfa_free(res->omitted[i].path);
        tfa_free(res->omitted[i].kind);
        tfa_free(res->omitted[i].reason);
    }
    tfa_free(res->omitted);
    memset(res, 0, sizeof(*res));
}
