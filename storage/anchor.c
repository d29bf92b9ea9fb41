/*
 * anchor.c - anchor statements: their line format, signatures, and the
 * file destination (see anchor.h; git and S3 are in anchor_remote.c).
 */
#include "util/compat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anchor.h"
#include "anchor_priv.h"
#include "canon.h"
#include "util/utc.h"
#include "util/alloc.h"
#include "util/limits.h"

void tfa_anchor_set_release(tfa_anchor_set *set)
{
    tfa_free(set->items);
    memset(set, 0, sizeof(*set));
}

int tfa__anchor_push(tfa_anchor_set *set, const tfa_anchor *a)
{
    if (tfa_array_grow(&set->items, &set->cap, set->n + 1, sizeof(*set->items)) != 0)
        return TFA_ENOMEM;
    set->items[set->n++] = *a;
    return 0;
}

/* The statement a signature covers: canonical JSON of the "anchor" object. */
static json_t *statement(const tfa_anchor *a)
{
    char iso[TFA_UTC_ISO_SIZE];
    tfa_utc_format_iso(a->time, iso);
    return json_pack("{s:s, s:s, s:o, s:s, s:I, s:s}", "format", TFA_ANCHOR_FORMAT, "hash", a->hash,
                     "key", a->key_id[0] ? json_string(a->key_id) : json_null(), "ledger",
                     a->ledger, "seq", (json_int_t)a->seq, "time", iso);
}

int tfa_anchor_format(tfa_buf *out, tfa_anchor *a, const tfa_signer *signer, tfa_error *err)
{
    char sig[TFA_SIG_B64_SIZE];
    tfa_buf canon;
    json_t *st;
    int rc = 0;

    snprintf(a->key_id, sizeof(a->key_id), "%s", signer ? tfa_signer_key_id(signer) : "");
    tfa_buf_init(&canon, TFA_BUF_NO_MAX);
    if (!(st = statement(a)) || tfa_canon_json(&canon, st, err) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if (signer && (rc = tfa_signer_sign(signer, canon.ptr, canon.len, sig, err)) != 0)
        goto done;
    tfa_buf_printf(out, "{\"anchor\":%s,\"signature\":", canon.ptr);
    if (signer)
        tfa_canon_string(out, sig, strlen(sig));
    else
        tfa_buf_puts(out, "null");
    if (tfa_buf_putc(out, '}') != 0)
        rc = tfa_error_oom(err);
done:
    json_decref(st);
    tfa_buf_release(&canon);
    return rc;
}

static int bad(tfa_error *err, const char *where, const char *what)
{
    return tfa_error_set(err, TFA_EINPUT, "%s: %s", where, what);
}

static int is_hash(const char *s)
{
    size_t i;
    if (!s || strlen(s) != TFA_LEDGER_HASH_HEX - 1)
        return 0;
    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* The signature of the statement, against the trusted keys. */
static int check_signed(const tfa_anchor *a, const json_t *st, const char *sig,
                        const tfa_keyring *trusted, const char *where, tfa_error *err)
{
    const tfa_public_key *pub;
    tfa_buf canon;
    int ok, rc = 0;

    if (!a->key_id[0] || !sig)
        return bad(err, where, "the anchor is not signed");
    if (!(pub = tfa_keyring_find(trusted, a->key_id, NULL)))
        return tfa_error_set(err, TFA_EINPUT, "%s: the anchor is signed by an untrusted key %s",
                             where, a->key_id);
    tfa_buf_init(&canon, TFA_BUF_NO_MAX);
    if (tfa_canon_json(&canon, st, err) != 0) {
        rc = tfa_error_oom(err);
    } else if ((ok = tfa_keyring_check(trusted, pub, canon.ptr, canon.len, sig)) <= 0) {
        rc = ok < 0 ? tfa_error_oom(err)
                    : bad(err, where, "the anchor does not match its signature (forged)");
    }
    tfa_buf_release(&canon);
    return rc;
}

int tfa_anchor_parse(tfa_anchor *out, const char *line, size_t len, const char *where,
                     const tfa_keyring *trusted, tfa_error *err)
{
    json_t *doc = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL), *st;
    const char *ledger, *hash, *key, *time, *sig, *format;
    const json_t *seq;
    tfa_error terr;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    st = json_object_get(doc, "anchor");
    ledger = json_string_value(json_object_get(st, "ledger"));
    hash = json_string_value(json_object_get(st, "hash"));
    key = json_string_value(json_object_get(st, "key"));
    time = json_string_value(json_object_get(st, "time"));
    sig = json_string_value(json_object_get(doc, "signature"));
    seq = json_object_get(st, "seq");
    format = json_string_value(json_object_get(st, "format"));
    tfa_error_init(&terr);
    if (!json_is_object(st) || !format || strcmp(format, TFA_ANCHOR_FORMAT) != 0 ||
        json_object_size(st) != 6 || !is_hash(ledger) || !is_hash(hash) || !json_is_integer(seq) ||
        json_integer_value(seq) < 1 || !time || tfa_utc_parse(&out->time, time, &terr) != 0 ||
        (key && strlen(key) >= sizeof(out->key_id))) {
        rc = bad(err, where, "not a " TFA_ANCHOR_FORMAT " statement");
        goto done;
    }
    snprintf(out->ledger, sizeof(out->ledger), "%s", ledger);
    snprintf(out->hash, sizeof(out->hash), "%s", hash);
    snprintf(out->key_id, sizeof(out->key_id), "%s", key ? key : "");
    snprintf(out->source, sizeof(out->source), "%s", where);
    out->seq = json_integer_value(seq);
    if (trusted)
        rc = check_signed(out, st, sig, trusted, where, err);
done:
    json_decref(doc);
    return rc;
}

/* ---- files -------------------------------------------------------------- */

/* Append one line with O_APPEND (a concurrent appender cannot interleave
 * within it: it is one write) and fsync before saying it is there. */
static int file_append(const char *path, const tfa_buf *line, tfa_error *err)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644), rc = 0;
    ssize_t w;

    if (fd < 0)
        return tfa_error_set(err, TFA_EIO, "cannot open '%s': %s", path, strerror(errno));
    do
        w = write(fd, line->ptr, line->len);
    while (w < 0 && errno == EINTR);
    if (w != (ssize_t)line->len || fsync(fd) != 0)
        rc = tfa_error_set(err, TFA_EIO, "cannot write '%s': %s", path,
                           w < 0 ? strerror(errno) : "short write");
    if (close(fd) != 0 && rc == 0)
        rc = tfa_error_set(err, TFA_EIO, "cannot write '%s': %s", path, strerror(errno));
    return rc;
}

int tfa__anchor_read_lines(tfa_anchor_set *set, const char *text, size_t len, const char *name,
                           const tfa_keyring *trusted, tfa_error *err)
{
    const char *p = text, *end = text + len;
    char where[TFA_ANCHOR_SOURCE_MAX];
    unsigned long line = 0;
    tfa_anchor a;
    int rc = 0;

    while (rc == 0 && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *s = p, *e = nl ? nl : end;
        line++;
        p = nl ? nl + 1 : end;
        while (e > s && (e[-1] == '\r' || e[-1] == ' '))
            e--;
        if (s == e)
            continue;
        snprintf(where, sizeof(where), "%s:%lu", name, line);
        if ((rc = tfa_anchor_parse(&a, s, (size_t)(e - s), where, trusted, err)) == 0 &&
            tfa__anchor_push(set, &a) != 0)
            rc = tfa_error_oom(err);
    }
    return rc;
}

static int file_read(tfa_anchor_set *set, const char *path, const tfa_keyring *trusted,
                     tfa_error *err)
{
    FILE *f = fopen(path, "rb");
    char chunk[8192];
    tfa_buf text;
    size_t n;
    int rc = 0;

    if (!f)
        return tfa_error_set(err, errno == ENOENT ? TFA_ENOTFOUND : TFA_EIO,
                             "cannot open anchor file '%s': %s", path, strerror(errno));
    tfa_buf_init(&text, TFA_LIMIT_ANCHOR_FILE_BYTES);
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (tfa_buf_put(&text, chunk, n) != 0)
            rc = tfa_buf_status(&text) == TFA_ELIMIT
                     ? tfa_error_set(err, TFA_ELIMIT, "'%s' is larger than %llu bytes", path,
                                     (unsigned long long)TFA_LIMIT_ANCHOR_FILE_BYTES)
                     : tfa_error_oom(err);
    if (rc == 0 && ferror(f))
        rc = tfa_error_set(err, TFA_EIO, "cannot read '%s': %s", path, strerror(errno));
    fclose(f);
    rc = rc ? rc : tfa__anchor_read_lines(set, text.ptr, text.len, path, trusted, err);
    tfa_buf_release(&text);
    return rc;
}

/* ---- dispatch ----------------------------------------------------------- */

int tfa_anchor_write(tfa_anchor *out, tfa_ledger *ledger, const char *dest,
                     const tfa_anchor_options *opts, tfa_error *err)
{
    tfa_anchor_options none = TFA_ANCHOR_OPTIONS_INIT;
    tfa_anchor a;
    tfa_buf line;
    int rc;

    if (!opts)
        opts = &none;
    memset(&a, 0, sizeof(a));
    tfa_buf_init(&line, TFA_BUF_NO_MAX);
    if ((rc = tfa_ledger_id(ledger, a.ledger, err)) != 0 ||
        (rc = tfa_ledger_head(ledger, &a.seq, a.hash, err)) != 0)
        goto done;
    a.time = opts->now;
    if ((rc = tfa_anchor_format(&line, &a, opts->signer, err)) != 0)
        goto done;
    if (tfa_buf_putc(&line, '\n') != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if (tfa_s3_is_url(dest))
        rc = tfa__anchor_s3_write(&a, &line, dest, opts, err);
    else if (tfa__anchor_is_git(dest))
        rc = tfa__anchor_git_write(&a, &line, dest, opts, err);
    else if ((rc = file_append(dest, &line, err)) == 0)
        snprintf(a.source, sizeof(a.source), "%s", dest);
    if (rc == 0 && out)
        *out = a;
done:
    tfa_buf_release(&line);
    return rc;
}

int tfa_anchor_read(tfa_anchor_set *set, const char *src, const tfa_anchor_options *opts,
                    tfa_error *err)
{
    tfa_anchor_options none = TFA_ANCHOR_OPTIONS_INIT;
    size_t before = set->n;
    int rc;

    if (!opts)
        opts = &none;
    if (tfa_s3_is_url(src))
        rc = tfa__anchor_s3_read(set, src, opts, err);
    else if (tfa__anchor_is_git(src))
        rc = tfa__anchor_git_read(set, src, opts, err);
    else
        rc = file_read(set, src, opts->trusted, err);
    if (rc == 0 && set->n == before)
        rc = tfa_error_set(err, TFA_ENOTFOUND, "no anchor in '%s'", src);
    return rc;
}
