/*
 * ledger_copy.c - a ledger copied into another, backend to backend (see
 * ledger_copy.h). Rows go through the backends' own insert, so both ends
 * hold exactly what the front wrote: nothing is re-chained or re-signed.
 */
#include "util/compat.h"

#include "ledger_copy.h"
#include "ledger_priv.h"

#define COPY_BATCH 5000 /* records per destination transaction */

typedef struct copier {
    tfa_ledger *src, *dst;
    int64_t next;                   /* the sequence number expected next */
    char prev[TFA_LEDGER_HASH_HEX]; /* the hash it must chain to */
    size_t in_batch;                /* rows inserted in the open transaction */
    int64_t copied;
    tfa_error *err;
    int rc;
} copier;

static int broken(copier *c, int64_t seq, const char *what)
{
    char detail[160];
    snprintf(detail, sizeof(detail), "record %lld %s; run 'tfaudit ledger verify'", (long long)seq,
             what);
    c->rc =
        tfa__ledger_error(c->src, TFA_EINPUT, "the source changed while copying", detail, c->err);
    return 1;
}

/* A batch starts where the destination's head is, or not at all. */
static int open_batch(copier *c)
{
    char hash[TFA_LEDGER_HASH_HEX];
    int64_t seq;
    int found, rc;

    if ((rc = c->dst->be->begin_write(c->dst, c->err)) != 0)
        return rc;
    if ((rc = c->dst->be->head(c->dst, &seq, hash, &found, c->err)) != 0) {
        c->dst->be->rollback(c->dst);
        return rc;
    }
    if (!found || seq != c->next - 1 || strcmp(hash, c->prev) != 0) {
        c->dst->be->rollback(c->dst);
        return tfa__ledger_error(c->dst, TFA_ECONFLICT, "copy stopped",
                                 "the destination was appended to meanwhile", c->err);
    }
    return 0;
}

static int copy_row(const tfa__ledger_row *row, void *payload)
{
    copier *c = payload;
    unsigned char digest[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX];

    /* the checks verify made, again for rows it may not have seen */
    if (row->seq != c->next)
        return broken(c, c->next, "is missing");
    if (!row->body || !row->hash || !row->prev_hash || strcmp(row->prev_hash, c->prev) != 0)
        return broken(c, row->seq, "does not chain to the one before");
    tfa_sha256_digest(row->body, row->body_len, digest);
    tfa_sha256_hex(digest, hex);
    if (strcmp(hex, row->hash) != 0)
        return broken(c, row->seq, "does not match its hash");
    if (c->in_batch == 0 && (c->rc = open_batch(c)) != 0)
        return 1;
    if ((c->rc = c->dst->be->insert(c->dst, row, c->err)) != 0) {
        c->dst->be->rollback(c->dst);
        return 1;
    }
    c->next++;
    snprintf(c->prev, sizeof(c->prev), "%s", row->hash);
    if (++c->in_batch == COPY_BATCH) {
        c->in_batch = 0;
        if ((c->rc = c->dst->be->commit(c->dst, c->prev, c->err)) != 0)
            return 1;
    }
    c->copied++;
    return 0;
}

/* The destination is empty or the source's first `n` records. */
static int same_chain(tfa_ledger *src, tfa_ledger *dst, int64_t *n, char hash[TFA_LEDGER_HASH_HEX],
                      tfa_error *err)
{
    tfa_ledger_record *rec = NULL;
    char detail[200];
    int rc;

    if ((rc = tfa_ledger_head(dst, n, hash, err)) != 0 || *n == 0)
        return rc;
    rc = tfa_ledger_get(&rec, src, *n, err);
    if (rc == TFA_ENOTFOUND || (rc == 0 && strcmp(rec->hash, hash) != 0)) {
        tfa_error_clear(err);
        snprintf(detail, sizeof(detail),
                 "its record %lld is not the source's: another chain, nothing copied",
                 (long long)*n);
        rc = tfa__ledger_error(dst, TFA_EINPUT, "refusing to append onto the destination", detail,
                               err);
    }
    tfa_ledger_record_free(rec);
    return rc;
}

int tfa_ledger_copy(tfa_ledger *src, tfa_ledger *dst, tfa_ledger_copy_result *out, tfa_error *err)
{
    tfa__ledger_scan s = TFA__LEDGER_SCAN_INIT;
    tfa_ledger_verify_options vo = TFA_LEDGER_VERIFY_OPTIONS_INIT;
    tfa_ledger_verification v;
    char base[TFA_LEDGER_HASH_HEX];
    copier c;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    c.src = src, c.dst = dst, c.err = err;
    if (dst->opts.read_only)
        return tfa__ledger_error(dst, TFA_EUSAGE, "cannot copy", "opened read-only", err);
    if ((rc = tfa_ledger_verify(src, &v, err)) != 0)
        return rc;
    if (v.fault != TFA_LEDGER_INTACT)
        return tfa__ledger_error(src, TFA_EINPUT, "not copying a broken chain", v.detail, err);
    if ((rc = same_chain(src, dst, &out->present, c.prev, err)) != 0)
        return rc;
    if (out->present == 0)
        snprintf(c.prev, sizeof(c.prev), "%s", TFA__LEDGER_GENESIS);
    memcpy(base, c.prev, sizeof(base));
    c.next = out->present + 1;
    s.from_seq = c.next;
    s.with_body = 1;
    s.with_summary = 1;
    rc = src->be->scan(src, &s, copy_row, &c, err);
    if (rc < 0 || c.rc) {
        if (c.in_batch)
            dst->be->rollback(dst);
        return c.rc ? c.rc : rc;
    }
    if (c.in_batch && (rc = dst->be->commit(dst, c.prev, err)) != 0)
        return rc;
    out->copied = c.copied;
    /* what arrived is what left: the copied part, checked where it is now */
    if (c.copied) {
        vo.from_seq = out->present ? out->present : 1; /* from the record both held */
        vo.from_hash = out->present ? base : NULL;
        if ((rc = tfa_ledger_verify_with(dst, &vo, &v, err)) != 0)
            return rc;
        if (v.fault != TFA_LEDGER_INTACT)
            return tfa__ledger_error(dst, TFA_EIO, "the copy does not verify", v.detail, err);
    }
    return tfa_ledger_head(dst, &out->head_id, out->head_hash, err);
}
