/*
 * ledger_verify.c - recompute the ledger's hash chain (see ledger.h).
 *
 * Rows are read in sequence order inside one read snapshot (either
 * backend), so an
 * appender running meanwhile is either wholly seen or not at all. For each
 * row, in this order (the first failure names the record):
 *   1. its sequence number is the next one            else deleted
 *   2. SHA-256 of the body equals the stored hash      else edited
 *   3. the body is canonical JSON of a known format    else edited
 *   4. the body states this sequence number            else reordered
 *   5. the body's "prev" is the previous row's hash    else unlinked
 *   6. the indexed columns equal the body's fields     else edited
 *   7. with trusted keys: the body names a trusted key  else unsigned /
 *      and the stored signature is its signature       untrusted / forged
 * then the last row must be the chain head            else truncated /
 *                                                      unrecorded / edited,
 * and every anchor's record must be there, with its hash   else unanchored.
 * The canonical form is recomputed with the generic writer (canon.c), not
 * the one ledger.c appends with, so the two cross-check each other.
 */
#include "util/compat.h"

#include "anchor.h"
#include "canon.h"
#include "ledger_priv.h"
#include "util/utc.h"
#include "util/buf.h"

const char *tfa_ledger_fault_name(tfa_ledger_fault fault)
{
    switch (fault) {
    case TFA_LEDGER_INTACT:
        return "intact";
    case TFA_LEDGER_EDITED:
        return "edited";
    case TFA_LEDGER_DELETED:
        return "deleted";
    case TFA_LEDGER_REORDERED:
        return "reordered";
    case TFA_LEDGER_UNLINKED:
        return "unlinked";
    case TFA_LEDGER_TRUNCATED:
        return "truncated";
    case TFA_LEDGER_UNRECORDED:
        return "unrecorded";
    case TFA_LEDGER_UNSIGNED:
        return "unsigned";
    case TFA_LEDGER_UNTRUSTED:
        return "untrusted";
    case TFA_LEDGER_FORGED:
        return "forged";
    case TFA_LEDGER_UNANCHORED:
        return "unanchored";
    }
    return "unknown";
}

static int fault(tfa_ledger_verification *v, tfa_ledger_fault f, int64_t id, const char *fmt, ...)
    TFA_PRINTF(4, 5);

static int fault(tfa_ledger_verification *v, tfa_ledger_fault f, int64_t id, const char *fmt, ...)
{
    va_list ap;
    v->fault = f;
    v->bad_id = id;
    va_start(ap, fmt);
    vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
    va_end(ap);
    return 1;
}

/* Does the text column equal the body's string-or-null member? */
static int same(const char *column, const json_t *env, const char *key)
{
    const json_t *v = json_object_get(env, key);
    if (!column)
        return json_is_null(v);
    return json_is_string(v) && strcmp(json_string_value(v), column) == 0;
}

/* Steps 2-3: the body hashes to the stored hash and is canonical. Sets
 * *env to the parsed body. Returns 1 on a fault, 0 when fine, <0 on error. */
static int check_body(tfa_ledger_verification *v, const tfa__ledger_row *row, int64_t seq,
                      json_t **env, tfa_error *err)
{
    const char *body = row->body, *hash = row->hash;
    size_t len = row->body_len;
    unsigned char digest[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX];
    tfa_buf canon;
    tfa_error cerr;
    int rc = 0;

    if (!body)
        return fault(v, TFA_LEDGER_EDITED, seq, "record %lld has no body", (long long)seq);
    tfa_sha256_digest(body, len, digest);
    tfa_sha256_hex(digest, hex);
    if (!hash || strcmp(hex, hash) != 0)
        return fault(v, TFA_LEDGER_EDITED, seq, "record %lld does not match its hash (edited)",
                     (long long)seq);
    *env = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
    if (!json_is_object(*env) || !same(TFA_LEDGER_FORMAT, *env, "format"))
        return fault(v, TFA_LEDGER_EDITED, seq, "record %lld is not a %s record (edited)",
                     (long long)seq, TFA_LEDGER_FORMAT);
    tfa_buf_init(&canon, TFA_BUF_NO_MAX);
    tfa_error_init(&cerr);
    if (tfa_canon_json(&canon, *env, &cerr) != 0) {
        rc = cerr.status == TFA_ENOMEM
                 ? tfa_error_oom(err)
                 : fault(v, TFA_LEDGER_EDITED, seq, "record %lld cannot be canonicalized (edited)",
                         (long long)seq);
    } else if (canon.len != len || memcmp(canon.ptr, body, len) != 0) {
        rc = fault(v, TFA_LEDGER_EDITED, seq, "record %lld is not in canonical form (edited)",
                   (long long)seq);
    }
    tfa_buf_release(&canon);
    return rc;
}

/* An indexed member's column (audit_summary, audit) is the canonical form
 * of the record's member: both absent, or equal. Queries trust the column
 * (the history of audits, the previous audit), so verify checks it. A
 * non-object "audit" is not indexed. */
static int check_member(const char *column, const json_t *env, const char *key, int objects_only,
                        const char **bad)
{
    const json_t *member = json_object_get(json_object_get(env, "record"), key);
    tfa_error cerr;
    tfa_buf canon;
    int rc = 0;

    if (objects_only && !json_is_object(member))
        member = NULL;
    if (!member && !column)
        return 0;
    if (!member || !column) {
        *bad = key;
        return 0;
    }
    tfa_buf_init(&canon, TFA_BUF_NO_MAX);
    tfa_error_init(&cerr);
    if (tfa_canon_json(&canon, member, &cerr) != 0)
        rc = cerr.status == TFA_ENOMEM ? TFA_ENOMEM : 0;
    if (rc == 0 && (canon.len != strlen(column) || memcmp(canon.ptr, column, canon.len) != 0))
        *bad = key;
    tfa_buf_release(&canon);
    return rc;
}

/* Step 6: the indexed columns a query would trust. */
static int check_columns(tfa_ledger_verification *v, const tfa__ledger_row *row, int64_t seq,
                         const json_t *env)
{
    const struct {
        const char *value, *column, *key;
    } cols[] = {{row->time_utc, "time_utc", "time"},
                {row->workspace, "workspace", "workspace"},
                {row->window, "apply_window", "window"},
                {row->operator_name, "operator", "operator"},
                {row->verdict, "verdict", "verdict"},
                {row->tool_version, "tool_version", "tool_version"},
                {row->prev_hash, "prev_hash", "prev"}};
    char iso[TFA_UTC_ISO_SIZE];
    const char *bad = NULL;
    size_t i;
    int rc;

    tfa_utc_format_iso(row->time, iso);
    if (!same(iso, env, "time"))
        bad = "time";
    for (i = 0; !bad && i < TFA_ARRAY_SIZE(cols); i++)
        if (!same(cols[i].value, env, cols[i].key))
            bad = cols[i].column;
    if (!bad && (rc = check_member(row->audit_summary, env, "audit_summary", 0, &bad)) != 0)
        return rc;
    if (!bad && (rc = check_member(row->audit, env, "audit", 1, &bad)) != 0)
        return rc;
    if (bad)
        return fault(v, TFA_LEDGER_EDITED, seq,
                     "record %lld: column '%s' differs from the hashed record (edited)",
                     (long long)seq, bad);
    return 0;
}

/* Step 7: signed by a trusted key, over exactly this body. */
static int check_signature(tfa_ledger_verification *v, const tfa__ledger_row *row, int64_t seq,
                           const json_t *env, const tfa_keyring *trusted, tfa_error *err)
{
    const char *key = json_string_value(json_object_get(env, "key")), *sig = row->signature;
    const tfa_public_key *pub;
    int ok;

    if (!key || !sig)
        return fault(v, TFA_LEDGER_UNSIGNED, seq, "record %lld is not signed", (long long)seq);
    if (!(pub = tfa_keyring_find(trusted, key, NULL)))
        return fault(v, TFA_LEDGER_UNTRUSTED, seq, "record %lld is signed by an untrusted key %s",
                     (long long)seq, key);
    ok = tfa_keyring_check(trusted, pub, row->body, row->body_len, sig);
    if (ok < 0)
        return tfa_error_oom(err);
    if (!ok)
        return fault(v, TFA_LEDGER_FORGED, seq,
                     "record %lld does not match its signature by %s (forged: changed after "
                     "signing)",
                     (long long)seq, key);
    return 0;
}

/* What a verification carries from row to row. */
typedef struct walk {
    tfa_ledger_verification *v;
    const tfa_keyring *trusted;
    int64_t expect;                 /* the next sequence number */
    char prev[TFA_LEDGER_HASH_HEX]; /* the previous row's hash */
    int64_t from_seq;               /* the checkpoint's record (1: the whole chain) */
    const char *from_hash;          /* its trusted hash; NULL: as stored */
    tfa_error *err;
    int rc; /* <0: an error stopped the walk */
} walk;

/* The checkpoint record: trusted as it is when no hash was given, else it
 * must be the record with that hash; the chain is checked from it on. */
static int check_checkpoint(walk *w, const tfa__ledger_row *row, const json_t *env)
{
    const char *prev = json_string_value(json_object_get(env, "prev"));
    if (w->from_hash && (!row->hash || strcmp(row->hash, w->from_hash) != 0))
        return fault(w->v, TFA_LEDGER_EDITED, row->seq,
                     "record %lld is not the checkpoint %.12s... (rewritten)", (long long)row->seq,
                     w->from_hash);
    snprintf(w->prev, sizeof(w->prev), "%s", prev ? prev : "");
    return 0;
}

/* Steps 1-7 for one row. */
static int check_row(const tfa__ledger_row *row, void *payload)
{
    walk *w = payload;
    tfa_ledger_verification *v = w->v;
    int64_t seq = row->seq, expect = w->expect++;
    const json_t *jseq;
    json_t *env = NULL;
    int rc;

    if (seq != expect) {
        if (seq > expect)
            return fault(v, TFA_LEDGER_DELETED, expect, "record %lld is missing (deleted)",
                         (long long)expect);
        return fault(v, TFA_LEDGER_EDITED, seq, "record %lld has an invalid sequence number",
                     (long long)seq);
    }
    if (row->signature)
        v->signed_records++;
    if ((rc = check_body(v, row, seq, &env, w->err)) != 0)
        goto done;
    if (seq == w->from_seq && w->from_seq > 1 && (rc = check_checkpoint(w, row, env)) != 0)
        goto done;
    /* before position checks: a forged record is named as forged, not as
     * the reordering or unlinking its forger had to do */
    if (w->trusted && (rc = check_signature(v, row, seq, env, w->trusted, w->err)) != 0)
        goto done;
    jseq = json_object_get(env, "seq");
    if (!json_is_integer(jseq) || json_integer_value(jseq) != seq) {
        rc = fault(v, TFA_LEDGER_REORDERED, seq,
                   "record %lld holds record %lld (records reordered)", (long long)seq,
                   json_is_integer(jseq) ? (long long)json_integer_value(jseq) : 0LL);
        goto done;
    }
    if (!same(w->prev, env, "prev")) {
        rc = fault(v, TFA_LEDGER_UNLINKED, seq - 1,
                   "record %lld is not the record %lld was chained to (replaced, or edited and "
                   "re-hashed)",
                   (long long)(seq - 1), (long long)seq);
        goto done;
    }
    if ((rc = check_columns(v, row, seq, env)) != 0)
        goto done;
    snprintf(w->prev, TFA_LEDGER_HASH_HEX, "%s", row->hash);
done:
    json_decref(env);
    if (rc < 0)
        w->rc = rc == TFA_ENOMEM ? tfa_error_oom(w->err) : rc;
    return rc;
}

/* After the last row: it must be the head. */
static void check_head(tfa_ledger_verification *v, int64_t last, const char *last_hash,
                       int head_found)
{
    if (!head_found) {
        fault(v, TFA_LEDGER_EDITED, last ? last : 1, "the chain head is missing (edited)");
    } else if (v->head_id > last) {
        if (v->head_id == last + 1)
            fault(v, TFA_LEDGER_TRUNCATED, last + 1, "record %lld is missing (truncated)",
                  (long long)(last + 1));
        else
            fault(v, TFA_LEDGER_TRUNCATED, last + 1, "records %lld to %lld are missing (truncated)",
                  (long long)(last + 1), (long long)v->head_id);
    } else if (v->head_id < last) {
        fault(v, TFA_LEDGER_UNRECORDED, v->head_id + 1,
              "record %lld is past the chain head (added outside tfaudit)",
              (long long)(v->head_id + 1));
    } else if (strcmp(v->head_hash, last_hash) != 0) {
        fault(v, TFA_LEDGER_EDITED, last, "record %lld does not match the chain head (edited)",
              (long long)last);
    }
}

/* The hash stored for record `seq`, or "" when there is none. */
static int take_hash(const tfa__ledger_row *row, void *payload)
{
    snprintf(payload, TFA_LEDGER_HASH_HEX, "%s", row->hash ? row->hash : "");
    return 1;
}

static int hash_at(tfa_ledger *l, int64_t seq, char hash[TFA_LEDGER_HASH_HEX], tfa_error *err)
{
    tfa__ledger_scan s = TFA__LEDGER_SCAN_INIT;
    int rc;

    hash[0] = '\0';
    s.from_seq = s.to_seq = seq;
    rc = l->be->scan(l, &s, take_hash, hash, err);
    return rc < 0 ? rc : 0;
}

/* Every anchor must find its record: the lowest bad one is named. */
static int check_anchors(tfa_ledger *l, tfa_ledger_verification *v, const tfa_anchor *a, size_t n,
                         int64_t last, tfa_error *err)
{
    char id[TFA_LEDGER_HASH_HEX] = "", hash[TFA_LEDGER_HASH_HEX];
    tfa_ledger_verification worst;
    size_t i;
    int rc = 0, bad = 0;

    memset(&worst, 0, sizeof(worst));
    if (n && (rc = hash_at(l, 1, id, err)) != 0)
        return rc;
    for (i = 0; i < n && rc == 0; i++) {
        tfa_ledger_verification f;
        memset(&f, 0, sizeof(f));
        v->anchors_checked++;
        if (a[i].seq > v->anchored_seq)
            v->anchored_seq = a[i].seq;
        if (strcmp(a[i].ledger, id) != 0)
            fault(&f, TFA_LEDGER_UNANCHORED, 1,
                  "record 1 is not the one anchor %s was made for (ledger replaced)", a[i].source);
        else if (a[i].seq > last)
            fault(&f, TFA_LEDGER_UNANCHORED, last + 1,
                  "record %lld is missing: anchor %s states record %lld (truncated)",
                  (long long)(last + 1), a[i].source, (long long)a[i].seq);
        else if ((rc = hash_at(l, a[i].seq, hash, err)) == 0 && strcmp(hash, a[i].hash) != 0)
            fault(&f, TFA_LEDGER_UNANCHORED, a[i].seq,
                  "record %lld is not the record anchor %s states (rewritten)", (long long)a[i].seq,
                  a[i].source);
        if (f.fault && (!bad || f.bad_id < worst.bad_id)) {
            worst = f;
            bad = 1;
        }
    }
    if (rc == 0 && bad) {
        v->fault = worst.fault;
        v->bad_id = worst.bad_id;
        memcpy(v->detail, worst.detail, sizeof(v->detail));
    }
    return rc;
}

int tfa_ledger_verify(tfa_ledger *ledger, tfa_ledger_verification *out, tfa_error *err)
{
    return tfa_ledger_verify_with(ledger, NULL, out, err);
}

int tfa_ledger_verify_with(tfa_ledger *ledger, const tfa_ledger_verify_options *opts,
                           tfa_ledger_verification *out, tfa_error *err)
{
    tfa_ledger_verify_options none = TFA_LEDGER_VERIFY_OPTIONS_INIT;
    tfa__ledger_scan s = TFA__LEDGER_SCAN_INIT;
    tfa_error end_err;
    walk w;
    int rc, found = 0, bad = 0;

    memset(out, 0, sizeof(*out));
    if (!opts)
        opts = &none;
    memset(&w, 0, sizeof(w));
    w.v = out;
    w.trusted = opts->trusted;
    w.from_seq = opts->from_seq > 1 ? opts->from_seq : 1;
    w.from_hash = opts->from_hash;
    w.expect = w.from_seq;
    w.err = err;
    snprintf(w.prev, sizeof(w.prev), "%s", TFA__LEDGER_GENESIS);
    out->signatures_checked = opts->trusted != NULL;
    out->from_seq = w.from_seq;
    s.from_seq = w.from_seq;
    s.with_body = 1;
    s.with_summary = 1;
    /* one snapshot: an appender running meanwhile is wholly seen or not */
    if ((rc = ledger->be->begin_read(ledger, err)) != 0)
        return rc;
    if ((rc = ledger->be->head(ledger, &out->head_id, out->head_hash, &found, err)) != 0 ||
        (rc = ledger->be->count(ledger, w.from_seq, &out->records, err)) != 0)
        goto done;
    if (w.from_seq > 1 && w.from_seq > out->head_id) {
        rc = tfa__ledger_error(ledger, TFA_EUSAGE, "cannot verify from the checkpoint",
                               "it is past the ledger's head", err);
        goto done;
    }
    bad = ledger->be->scan(ledger, &s, check_row, &w, err);
    if (w.rc < 0 || bad < 0) {
        rc = w.rc < 0 ? w.rc : bad;
        goto done;
    }
    if (!bad)
        check_head(out, w.expect - 1, w.prev, found);
    if (!bad && out->fault == TFA_LEDGER_INTACT)
        rc = check_anchors(ledger, out, opts->anchors, opts->n_anchors, w.expect - 1, err);
done:
    tfa_error_init(&end_err); /* a read snapshot's end changes nothing */
    ledger->be->commit(ledger, NULL, &end_err);
    return rc;
}
