/*
 * bundle_verify.c - checking an audit bundle against its manifest (see
 * bundle.h).
 *
 * Every entry is hashed as it streams by; only manifest.json and
 * record.json are kept, to be parsed. The archive limits of limits.h apply
 * (entry count, entry size), so a hostile bundle cannot exhaust memory.
 */
#include "util/compat.h"

#include <archive.h>
#include <archive_entry.h>

#include "bundle.h"
#include "bundle_record.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

#define RECORD_JSON TFA_BUNDLE_RECORD

/* manifest.json and record.json are read whole to be parsed. A record with
 * the facts and evidence of a large run stays far below this. */
#define BUNDLE_JSON_MAX (64u * 1024u * 1024u)

typedef struct seen {
    char *name;
    uint64_t bytes;
    char sha256[TFA_SHA256_HEX];
} seen;

typedef struct reader {
    struct archive *a;
    seen *files;
    size_t n, cap;
    tfa_buf manifest, record;
    tfa_buf kept[TFA_BUNDLE_DERIVED]; /* written from the record: compared (bundle_record.h) */
    int have_manifest, have_record;
} reader;

static int problem(tfa_bundle_verification *v, const char *fmt, ...) TFA_PRINTF(2, 3);

static int problem(tfa_bundle_verification *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
    va_end(ap);
    v->valid = 0;
    return 1;
}

static const seen *find(const reader *r, const char *name)
{
    size_t i;
    for (i = 0; i < r->n; i++)
        if (strcmp(r->files[i].name, name) == 0)
            return &r->files[i];
    return NULL;
}

/* Hash one entry's data; keep it when `keep` is given. */
static int read_data(reader *r, seen *s, tfa_buf *keep, tfa_error *err)
{
    unsigned char digest[TFA_SHA256_BYTES], chunk[65536];
    tfa_sha256 ctx;
    la_ssize_t n;

    tfa_sha256_init(&ctx);
    while ((n = archive_read_data(r->a, chunk, sizeof(chunk))) > 0) {
        tfa_sha256_update(&ctx, chunk, (size_t)n);
        s->bytes += (uint64_t)n;
        if (s->bytes > TFA_LIMIT_ARCHIVE_ENTRY_BYTES)
            return tfa_error_set(err, TFA_ELIMIT, "bundle entry '%s' is larger than %llu bytes",
                                 s->name, (unsigned long long)TFA_LIMIT_ARCHIVE_ENTRY_BYTES);
        if (keep && tfa_buf_put(keep, chunk, (size_t)n) != 0)
            return keep->failed == TFA_ENOMEM
                       ? tfa_error_oom(err)
                       : tfa_error_set(err, TFA_ELIMIT, "bundle entry '%s' is larger than %u bytes",
                                       s->name, BUNDLE_JSON_MAX);
    }
    if (n < 0)
        return tfa_error_set(err, TFA_EINPUT, "cannot read the bundle: %s",
                             archive_error_string(r->a));
    tfa_sha256_final(&ctx, digest);
    tfa_sha256_hex(digest, s->sha256);
    return 0;
}

/* One header and its data. Returns 1 on a problem found, 0 fine, <0 error. */
static int read_entry(reader *r, struct archive_entry *e, tfa_bundle_verification *v,
                      tfa_error *err)
{
    const char *name = archive_entry_pathname(e);
    tfa_buf *keep = NULL;
    seen *s;

    if (!name)
        return problem(v, "an entry has no name");
    if (archive_entry_filetype(e) != AE_IFREG)
        return problem(v, "'%s' is not a regular file", name);
    if (find(r, name))
        return problem(v, "'%s' appears twice", name);
    if (tfa_array_grow(&r->files, &r->cap, r->n + 1, sizeof(*r->files)) != 0)
        return tfa_error_oom(err);
    s = &r->files[r->n];
    memset(s, 0, sizeof(*s));
    if (!(s->name = tfa_strdup(name)))
        return tfa_error_oom(err);
    r->n++;
    if (strcmp(name, TFA_BUNDLE_MANIFEST) == 0) {
        keep = &r->manifest;
        r->have_manifest = 1;
    } else if (strcmp(name, RECORD_JSON) == 0) {
        keep = &r->record;
        r->have_record = 1;
    } else if (tfa__bundle_derived(name) >= 0) {
        keep = &r->kept[tfa__bundle_derived(name)];
    }
    return read_data(r, s, keep, err);
}

/* A tar.gz reader that reads past an end-of-archive marker, so an archive
 * appended to the bundle (cat bundle.tar.gz extra.tar.gz) has its entries
 * read, and refused as not in the manifest, instead of passing unseen. */
static void setup(struct archive *a)
{
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    (void)archive_read_set_format_option(a, "tar", "read_concatenated_archives", "1");
}

/* A bundle's bytes as libarchive's reader: a stream (S3, stdin) or a file. */
typedef struct source {
    tfa_stream *in;
    FILE *f;
    tfa_error *err;
    uint64_t handed; /* bytes handed to libarchive */
    size_t last;     /* bytes of the last of them, still in buf */
    char buf[65536];
} source;

static long long source_read(source *s, char *buf, size_t len)
{
    size_t n;

    if (s->in)
        return tfa_stream_read_raw(s->in, buf, len, s->err);
    n = fread(buf, 1, len, s->f);
    if (n == 0 && ferror(s->f))
        return tfa_error_set(s->err, TFA_EIO, "cannot read the bundle: %s", strerror(errno));
    return (long long)n;
}

static la_ssize_t source_cb(struct archive *a, void *p, const void **out)
{
    source *s = p;
    long long n = source_read(s, s->buf, sizeof(s->buf));

    *out = s->buf;
    if (n < 0) {
        archive_set_error(a, EIO, "input failed");
        return -1;
    }
    s->handed += (uint64_t)n;
    s->last = (size_t)n;
    return (la_ssize_t)n;
}

static int all_zero(const char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* After the last entry: what libarchive did not take (the tail of the last
 * buffer it was handed, and the rest) must be zero padding, as tar and gzip
 * require; appended bytes are a problem. A stream is read to its end either
 * way, so its digest is the object's. */
static int check_rest(reader *r, source *s, tfa_bundle_verification *v)
{
    la_int64_t taken = archive_filter_bytes(r->a, -1);
    uint64_t held = taken >= 0 && (uint64_t)taken <= s->handed ? s->handed - (uint64_t)taken : 0;
    int bad = held > s->last || !all_zero(s->buf + s->last - held, (size_t)held);
    char chunk[16384];
    long long n;

    while ((n = source_read(s, chunk, sizeof(chunk))) > 0)
        bad |= !all_zero(chunk, (size_t)n);
    if (n < 0)
        return (int)n;
    return bad ? problem(v,
                         "data after the end of the bundle at byte %lld (something appended "
                         "to it?)",
                         (long long)taken)
               : 0;
}

/* Read every entry of the archive `r->a` was opened on. */
static int read_entries(reader *r, tfa_bundle_verification *v, tfa_error *err)
{
    struct archive_entry *e;
    int rc = 0, ar;
    while (rc == 0 && (ar = archive_read_next_header(r->a, &e)) != ARCHIVE_EOF) {
        if (ar < ARCHIVE_WARN)
            rc = err->status ? err->status
                             : tfa_error_set(err, TFA_EINPUT, "not a tar.gz bundle: %s",
                                             archive_error_string(r->a));
        else if (r->n >= TFA_LIMIT_ARCHIVE_ENTRIES)
            rc = tfa_error_set(err, TFA_ELIMIT, "bundle has more than %d entries",
                               TFA_LIMIT_ARCHIVE_ENTRIES);
        else
            rc = read_entry(r, e, v, err);
    }
    return rc;
}

/* Open the archive over `s` and read every entry, then what follows. */
static int read_source(reader *r, source *s, tfa_bundle_verification *v, tfa_error *err)
{
    int rc;

    s->err = err;
    if (!(r->a = archive_read_new()))
        return tfa_error_oom(err);
    setup(r->a);
    /* bytes that are no tar.gz are bad input, not an I/O error */
    if (archive_read_open(r->a, s, NULL, source_cb, NULL) != ARCHIVE_OK)
        rc = err->status ? err->status
                         : tfa_error_set(err, TFA_EINPUT, "not a tar.gz bundle: %s",
                                         archive_error_string(r->a));
    else
        rc = read_entries(r, v, err);
    if (rc == 0)
        rc = check_rest(r, s, v);
    archive_read_close(r->a);
    return rc;
}

static int read_stream(reader *r, tfa_stream *in, tfa_bundle_verification *v, tfa_error *err)
{
    source *s = tfa_calloc(1, sizeof(*s));
    int rc;

    if (!s)
        return tfa_error_oom(err);
    s->in = in;
    rc = read_source(r, s, v, err);
    tfa_free(s);
    return rc;
}

static int read_all(reader *r, const char *path, tfa_bundle_verification *v, tfa_error *err)
{
    source *s = tfa_calloc(1, sizeof(*s));
    int rc;

    if (!s)
        return tfa_error_oom(err);
    if (!(s->f = fopen(path, "rb")))
        rc = tfa_error_set(err, TFA_EIO, "cannot read the bundle: %s", strerror(errno));
    else
        rc = read_source(r, s, v, err);
    if (s->f)
        fclose(s->f);
    tfa_free(s);
    return rc;
}

/* The manifest's file list against what the archive holds. */
static int check_files(const reader *r, const json_t *files, tfa_bundle_verification *v)
{
    const json_t *f;
    size_t i;

    if (!json_is_array(files))
        return problem(v, "manifest.json has no file list");
    json_array_foreach(files, i, f)
    {
        const char *name = json_string_value(json_object_get(f, "name"));
        const char *sha = json_string_value(json_object_get(f, "sha256"));
        const json_t *bytes = json_object_get(f, "bytes");
        const seen *s = name ? find(r, name) : NULL;
        if (!name || !sha || !json_is_integer(bytes))
            return problem(v, "manifest.json: file entry %zu is malformed", i + 1);
        if (!s || strcmp(name, TFA_BUNDLE_MANIFEST) == 0)
            return problem(v, "'%s' is listed in the manifest but missing", name);
        if ((uint64_t)json_integer_value(bytes) != s->bytes)
            return problem(v, "'%s': size does not match the manifest", name);
        if (strcmp(sha, s->sha256) != 0)
            return problem(v, "'%s': sha256 does not match the manifest", name);
    }
    for (i = 0; i < r->n; i++) {
        size_t j, listed = strcmp(r->files[i].name, TFA_BUNDLE_MANIFEST) == 0;
        json_array_foreach(files, j, f)
        {
            /* names were checked non-NULL above */
            listed |= strcmp(json_string_value(json_object_get(f, "name")), r->files[i].name) == 0;
        }
        if (!listed)
            return problem(v, "'%s' is not listed in the manifest", r->files[i].name);
    }
    return 0;
}

/* record.json is the ledger body the manifest's chain hashes name. */
static int check_ledger(const reader *r, const json_t *ledger, tfa_bundle_verification *v)
{
    const char *hash = json_string_value(json_object_get(ledger, "hash"));
    const char *prev = json_string_value(json_object_get(ledger, "prev_hash"));
    const json_t *id = json_object_get(ledger, "id"), *body_prev, *body_seq;
    const seen *rec = find(r, RECORD_JSON);
    json_t *body;
    int rc = 0;

    if (!ledger)
        return 0;
    if (!hash || !prev || !json_is_integer(id))
        return problem(v, "manifest.json: the ledger member is malformed");
    if (!rec || !r->have_record)
        return problem(v, "record.json is missing");
    if (strcmp(rec->sha256, hash) != 0)
        return problem(v,
                       "record.json does not hash to ledger record %" JSON_INTEGER_FORMAT "'s hash",
                       json_integer_value(id));
    body = json_loadb(r->record.ptr, r->record.len, JSON_ALLOW_NUL, NULL);
    body_prev = json_object_get(body, "prev");
    body_seq = json_object_get(body, "seq");
    if (!json_is_integer(body_seq) || json_integer_value(body_seq) != json_integer_value(id) ||
        !json_is_string(body_prev) || strcmp(json_string_value(body_prev), prev) != 0)
        rc = problem(
            v, "record.json is not ledger record %" JSON_INTEGER_FORMAT " as the manifest states",
            json_integer_value(id));
    json_decref(body);
    return rc;
}

/* A ledger bundle: what it writes from record.json is what record.json
 * says (bundle_record.h). Returns 1 on a problem, 0 fine, <0 error. */
static int check_derived(const reader *r, const json_t *manifest, tfa_bundle_verification *v,
                         tfa_error *err)
{
    tfa__bundle_entry *e = tfa_calloc(r->n ? r->n : 1, sizeof(*e));
    size_t i, n = 0;
    int rc, k;

    if (!e)
        return tfa_error_oom(err);
    for (i = 0; i < r->n; i++) {
        if (strcmp(r->files[i].name, TFA_BUNDLE_MANIFEST) == 0)
            continue;
        e[n].name = r->files[i].name;
        if ((k = tfa__bundle_derived(e[n].name)) >= 0)
            e[n].data = r->kept[k].ptr, e[n].len = r->kept[k].len;
        n++;
    }
    rc = tfa__bundle_check_record(manifest, r->record.ptr, r->record.len, e, n, v->detail,
                                  sizeof(v->detail), err);
    if (rc > 0)
        v->valid = 0;
    tfa_free(e);
    return rc;
}

static int verify(tfa_bundle_verification *out, const char *path, tfa_stream *in, tfa_error *err)
{
    reader r;
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&r, 0, sizeof(r));
    tfa_buf_init(&r.manifest, BUNDLE_JSON_MAX);
    tfa_buf_init(&r.record, BUNDLE_JSON_MAX);
    for (i = 0; i < TFA_BUNDLE_DERIVED; i++)
        tfa_buf_init(&r.kept[i], BUNDLE_JSON_MAX);
    rc = in ? read_stream(&r, in, out, err) : read_all(&r, path, out, err);
    if (rc < 0) {
        tfa_error_set_source(err, path);
        goto done;
    }
    out->files = r.n - (size_t)r.have_manifest;
    if (rc > 0) {
        rc = 0;
        goto done;
    }
    if (!r.have_manifest) {
        problem(out, "manifest.json is missing");
        goto done;
    }
    out->manifest = json_loadb(r.manifest.ptr, r.manifest.len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(out->manifest) ||
        !json_is_string(json_object_get(out->manifest, "format")) ||
        strcmp(json_string_value(json_object_get(out->manifest, "format")), TFA_BUNDLE_FORMAT) !=
            0) {
        problem(out, "manifest.json is not a %s manifest", TFA_BUNDLE_FORMAT);
        goto done;
    }
    if (check_files(&r, json_object_get(out->manifest, "files"), out) ||
        check_ledger(&r, json_object_get(out->manifest, "ledger"), out))
        goto done;
    if (json_object_get(out->manifest, "ledger") &&
        (rc = check_derived(&r, out->manifest, out, err)) != 0) {
        rc = rc > 0 ? 0 : rc;
        goto done;
    }
    if (r.have_record) {
        out->record_len = r.record.len;
        if (!(out->record = tfa_buf_detach(&r.record, NULL))) {
            rc = tfa_error_oom(err);
            goto done;
        }
    }
    out->valid = 1;
done:
    archive_read_free(r.a);
    for (i = 0; i < r.n; i++)
        tfa_free(r.files[i].name);
    tfa_free(r.files);
    tfa_buf_release(&r.manifest);
    tfa_buf_release(&r.record);
    for (i = 0; i < TFA_BUNDLE_DERIVED; i++)
        tfa_buf_release(&r.kept[i]);
    return rc;
}

int tfa_bundle_verify(tfa_bundle_verification *out, const char *path, tfa_error *err)
{
    return verify(out, path, NULL, err);
}

int tfa_bundle_verify_stream(tfa_bundle_verification *out, tfa_stream *in, tfa_error *err)
{
    return verify(out, tfa_stream_name(in), in, err);
}

void tfa_bundle_verification_release(tfa_bundle_verification *v)
{
    json_decref(v->manifest);
    v->manifest = NULL;
    tfa_free(v->record);
    v->record = NULL;
}

int tfa_bundle_check_signature(tfa_bundle_verification *v, const tfa_keyring *trusted)
{
    const json_t *ledger = json_object_get(v->manifest, "ledger");
    const char *sig = json_string_value(json_object_get(ledger, "signature"));
    const tfa_public_key *pub;
    json_t *body;
    const char *key;
    int ok;

    if (!v->valid)
        return 0;
    if (!ledger || !v->record)
        return problem(v, "the bundle holds no ledger record to check a signature of"), 0;
    body = json_loadb(v->record, v->record_len, JSON_ALLOW_NUL, NULL);
    key = json_string_value(json_object_get(body, "key"));
    if (!key || !sig) {
        json_decref(body);
        return problem(v, "record.json is not signed"), 0;
    }
    snprintf(v->signed_by, sizeof(v->signed_by), "%s", key);
    json_decref(body);
    if (!(pub = tfa_keyring_find(trusted, v->signed_by, NULL)))
        return problem(v, "record.json is signed by an untrusted key %s", v->signed_by), 0;
    if ((ok = tfa_keyring_check(trusted, pub, v->record, v->record_len, sig)) < 0)
        return TFA_ENOMEM;
    if (!ok)
        problem(v, "record.json does not match its signature by %s (forged)", v->signed_by);
    return 0;
}
