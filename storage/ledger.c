/*
 * ledger.c - the ledger's front: opening either backend, appending, the
 * head (see ledger.h; reading is in ledger_read.c, the chain check in
 * ledger_verify.c, the backends in ledger_sqlite.c and ledger_pg.c).
 *
 * Everything that makes a record what it is happens here, once for both
 * backends: the entry checks, the canonical envelope, its hash, the
 * signature, the chain to the head read inside the append lock, and the
 * retries when another appender holds the lock or the connection dropped.
 */
#include "util/compat.h"

#include "canon.h"
#include "ledger_priv.h"
#include "util/utc.h"
#include "util/alloc.h"
#include "util/backoff.h"
#include "util/buf.h"

int tfa__ledger_is_pg(const char *path)
{
    return path &&
           (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

const char *tfa__ledger_path_keys(const char *path)
{
    const char *p;
    int key_len = 0;

    if (!path || path[0] != '$' || path[1] != '.')
        return NULL;
    for (p = path + 2; *p; p++) {
        if (*p == '.') {
            if (key_len == 0)
                return NULL;
            key_len = 0;
        } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                   (*p >= '0' && *p <= '9') || *p == '_' || *p == '-') {
            key_len++;
        } else {
            return NULL;
        }
    }
    return key_len ? path + 2 : NULL;
}

int tfa__ledger_error(const tfa_ledger *l, int status, const char *what, const char *detail,
                      tfa_error *err)
{
    tfa_error_set(err, status, "%s: %s", what, detail);
    tfa_error_set_source(err, l->path);
    return status;
}

/* A URL's password never reaches a message: errors name the ledger as
 * scheme://user@host/db with anything between ':' and '@' dropped. */
char *tfa_ledger_display_name(const char *path)
{
    const char *scheme_end = strstr(path, "://"), *at, *colon, *auth;
    tfa_buf b;

    if (!tfa__ledger_is_pg(path) || !scheme_end)
        return tfa_strdup(path);
    auth = scheme_end + 3;
    at = strchr(auth, '@');
    if (at && memchr(auth, '/', (size_t)(at - auth)))
        at = NULL; /* an '@' in the path or query, not in the authority */
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if (!at) {
        tfa_buf_puts(&b, path);
    } else {
        colon = memchr(auth, ':', (size_t)(at - auth));
        tfa_buf_put(&b, path, (size_t)(auth - path));
        tfa_buf_put(&b, auth, (size_t)((colon ? colon : at) - auth));
        tfa_buf_puts(&b, at);
    }
    /* a password given as a query parameter goes too */
    if (tfa_buf_status(&b) == 0 && b.ptr && strstr(b.ptr, "password=")) {
        char *q = strstr(b.ptr, "password=") + 9;
        size_t n = strcspn(q, "&");
        memmove(q + 3, q + n, strlen(q + n) + 1);
        memcpy(q, "***", 3);
    }
    return tfa_buf_detach(&b, NULL);
}

int tfa_ledger_open(tfa_ledger **out, const char *path, const tfa_ledger_options *opts,
                    tfa_error *err)
{
    tfa_ledger_options defaults = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    int rc;

    *out = NULL;
    if (!path || !*path)
        return tfa_error_set(err, TFA_EUSAGE, "no ledger given");
    if (!(l = tfa_calloc(1, sizeof(*l))) || !(l->path = tfa_ledger_display_name(path))) {
        tfa_free(l);
        return tfa_error_oom(err);
    }
    l->opts = opts ? *opts : defaults;
    rc = tfa__ledger_is_pg(path) ? tfa__ledger_pg_open(l, path, err)
                                 : tfa__ledger_sqlite_open(l, path, err);
    if (rc)
        tfa_ledger_free(l);
    else
        *out = l;
    return rc;
}

void tfa_ledger_free(tfa_ledger *ledger)
{
    if (!ledger)
        return;
    if (ledger->be)
        ledger->be->close(ledger);
    tfa_free(ledger->path);
    tfa_free(ledger);
}

int tfa_ledger_head(tfa_ledger *ledger, int64_t *seq, char hash[TFA_LEDGER_HASH_HEX],
                    tfa_error *err)
{
    int found = 0, rc = ledger->be->head(ledger, seq, hash, &found, err);
    if (rc == 0 && !found)
        return tfa__ledger_error(ledger, TFA_EINPUT, "the ledger's chain head is missing",
                                 "run 'tfaudit ledger verify'", err);
    return rc;
}

/* The first row a scan visits, copied out. */
typedef struct first_row {
    char hash[TFA_LEDGER_HASH_HEX];
    int found;
} first_row;

static int take_first(const tfa__ledger_row *row, void *payload)
{
    first_row *f = payload;
    snprintf(f->hash, sizeof(f->hash), "%s", row->hash ? row->hash : "");
    f->found = 1;
    return 1;
}

int tfa_ledger_id(tfa_ledger *ledger, char out[TFA_LEDGER_HASH_HEX], tfa_error *err)
{
    tfa__ledger_scan s = TFA__LEDGER_SCAN_INIT;
    first_row f;
    int rc;

    memset(&f, 0, sizeof(f));
    s.to_seq = 1;
    rc = ledger->be->scan(ledger, &s, take_first, &f, err);
    if (rc < 0)
        return rc;
    if (!f.found) {
        tfa_error_set(err, TFA_ENOTFOUND, "the ledger is empty");
        tfa_error_set_source(err, ledger->path);
        return TFA_ENOTFOUND;
    }
    snprintf(out, TFA_LEDGER_HASH_HEX, "%s", f.hash);
    return 0;
}

int tfa_ledger_workspace_check(const char *name, tfa_error *err)
{
    size_t i, n = name ? strlen(name) : 0;

    if (n == 0)
        return tfa_error_set(err, TFA_EUSAGE, "a workspace name is required");
    if (n > TFA_LEDGER_WORKSPACE_MAX)
        return tfa_error_set(err, TFA_EUSAGE, "workspace name longer than %d bytes",
                             TFA_LEDGER_WORKSPACE_MAX);
    for (i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 ((c == '.' || c == '-') && i > 0) || c == '_';
        if (!ok)
            return tfa_error_set(err, TFA_EUSAGE,
                                 "invalid workspace name '%s' (letters, digits, '.', '-', '_')",
                                 name);
    }
    return 0;
}

const char *tfa_ledger_name(const tfa_ledger *ledger)
{
    return ledger->path;
}

void tfa_ledger_set_signer(tfa_ledger *ledger, const tfa_signer *signer)
{
    ledger->signer = signer;
}

void tfa_ledger_record_free(tfa_ledger_record *rec)
{
    if (!rec)
        return;
    tfa_free(rec->key_id);
    tfa_free(rec->signature);
    tfa_free(rec->workspace);
    tfa_free(rec->window);
    tfa_free(rec->operator_name);
    tfa_free(rec->verdict);
    tfa_free(rec->tool_version);
    tfa_free(rec->body);
    json_decref(rec->record);
    tfa_free(rec);
}

/* ---- appending ---------------------------------------------------------- */

static int check_text(const char *s, const char *what, tfa_error *err)
{
    json_t *j;
    if (!s)
        return 0;
    if (!(j = json_string(s))) /* jansson validates UTF-8 */
        return tfa_error_set(err, TFA_EUSAGE, "%s is not valid UTF-8", what);
    json_decref(j);
    return 0;
}

int tfa__ledger_check_entry(const tfa_ledger_entry *e, tfa_error *err)
{
    int rc = tfa_ledger_workspace_check(e->workspace, err);
    if (rc)
        return rc;
    if (!e->verdict || (strcmp(e->verdict, "GO") != 0 && strcmp(e->verdict, "NO-GO") != 0))
        return tfa_error_set(err, TFA_EUSAGE, "verdict must be GO or NO-GO");
    if (!json_is_object(e->record))
        return tfa_error_set(err, TFA_EUSAGE, "the verdict record must be a JSON object");
    if (json_object_get(e->record, "audit_summary") &&
        !json_is_object(json_object_get(e->record, "audit_summary")))
        return tfa_error_set(err, TFA_EUSAGE, "a record's audit_summary must be a JSON object");
    rc = check_text(e->window, "the window", err);
    rc = rc ? rc : check_text(e->operator_name, "the operator", err);
    return rc ? rc : check_text(e->tool_version, "the tool version", err);
}

static void put_member(tfa_buf *b, const char *key, const char *value)
{
    tfa_canon_string(b, key, strlen(key));
    tfa_buf_putc(b, ':');
    if (value)
        tfa_canon_string(b, value, strlen(value));
    else
        tfa_buf_puts(b, "null");
}

/* The envelope of ledger.h, written directly in canonical form (keys in
 * byte order); ledger_verify.c recomputes it with the generic writer. */
static int envelope(tfa_buf *b, const tfa_ledger_entry *e, int64_t seq, const char *prev,
                    const char *key_id, const tfa_buf *record)
{
    char iso[TFA_UTC_ISO_SIZE];

    tfa_utc_format_iso(e->time, iso);
    tfa_buf_putc(b, '{');
    put_member(b, "format", TFA_LEDGER_FORMAT);
    tfa_buf_putc(b, ',');
    if (key_id) { /* only signed records have it: unsigned bodies stay as schema 1 wrote them */
        put_member(b, "key", key_id);
        tfa_buf_putc(b, ',');
    }
    put_member(b, "operator", e->operator_name);
    tfa_buf_putc(b, ',');
    put_member(b, "prev", prev);
    tfa_buf_puts(b, ",\"record\":");
    tfa_buf_put(b, record->ptr, record->len);
    tfa_buf_printf(b, ",\"seq\":%lld,", (long long)seq);
    put_member(b, "time", iso);
    tfa_buf_putc(b, ',');
    put_member(b, "tool_version", e->tool_version);
    tfa_buf_putc(b, ',');
    put_member(b, "verdict", e->verdict);
    tfa_buf_putc(b, ',');
    put_member(b, "window", e->window);
    tfa_buf_putc(b, ',');
    put_member(b, "workspace", e->workspace);
    return tfa_buf_putc(b, '}');
}

char *tfa__ledger_dup(const char *s, int *oom)
{
    char *d = s ? tfa_strdup(s) : NULL;
    if (s && !d)
        *oom = 1;
    return d;
}

/* The record as stored, from what was just written. Takes `body`. */
static int stored(tfa_ledger_record **out, const tfa_ledger *l, const tfa_ledger_entry *e,
                  int64_t seq, const char *prev, const char *hash, const char *signature,
                  tfa_buf *body, tfa_error *err)
{
    tfa_ledger_record *r = tfa_calloc(1, sizeof(*r));
    int oom = !r;

    if (r) {
        r->id = seq;
        r->time = e->time;
        r->workspace = tfa__ledger_dup(e->workspace, &oom);
        r->window = tfa__ledger_dup(e->window, &oom);
        r->operator_name = tfa__ledger_dup(e->operator_name, &oom);
        r->verdict = tfa__ledger_dup(e->verdict, &oom);
        r->tool_version = tfa__ledger_dup(e->tool_version, &oom);
        r->key_id = tfa__ledger_dup(l->signer ? tfa_signer_key_id(l->signer) : NULL, &oom);
        r->signature = tfa__ledger_dup(l->signer ? signature : NULL, &oom);
        snprintf(r->hash, sizeof(r->hash), "%s", hash);
        snprintf(r->prev_hash, sizeof(r->prev_hash), "%s", prev);
        r->record = json_deep_copy(e->record);
        oom |= !r->record;
        r->body = tfa_buf_detach(body, &r->body_len);
        oom |= !r->body;
    }
    if (oom) {
        tfa_ledger_record_free(r);
        return tfa_error_oom(err);
    }
    *out = r;
    return 0;
}

/* Chain and insert one record inside the open transaction; *seq and
 * prev are the head before, and are advanced. */
static int chain_one(tfa_ledger *l, const tfa_ledger_entry *e, const tfa_buf *canon, int64_t *seq,
                     char prev[TFA_LEDGER_HASH_HEX], tfa_buf *body, char hash[TFA_LEDGER_HASH_HEX],
                     char sig[TFA_SIG_B64_SIZE], tfa_error *err)
{
    unsigned char digest[TFA_SHA256_BYTES];
    char iso[TFA_UTC_ISO_SIZE];
    tfa__ledger_row row;
    int rc;

    tfa_buf_clear(body);
    (*seq)++;
    if (envelope(body, e, *seq, prev, l->signer ? tfa_signer_key_id(l->signer) : NULL,
                 &canon[TFA__LEDGER_CANON_RECORD]) != 0)
        return tfa_error_oom(err);
    tfa_sha256_digest(body->ptr, body->len, digest);
    tfa_sha256_hex(digest, hash);
    /* signed inside the transaction: the signature covers the seq and
     * prev this record really gets */
    if (l->signer && (rc = tfa_signer_sign(l->signer, body->ptr, body->len, sig, err)) != 0)
        return rc;
    tfa_utc_format_iso(e->time, iso);
    memset(&row, 0, sizeof(row));
    row.seq = *seq;
    row.time = e->time;
    row.time_utc = iso;
    row.workspace = e->workspace;
    row.window = e->window;
    row.operator_name = e->operator_name;
    row.verdict = e->verdict;
    row.tool_version = e->tool_version;
    row.prev_hash = prev;
    row.hash = hash;
    row.body = body->ptr;
    row.body_len = body->len;
    row.signature = l->signer ? sig : NULL;
    row.audit_summary =
        canon[TFA__LEDGER_CANON_SUMMARY].len ? canon[TFA__LEDGER_CANON_SUMMARY].ptr : NULL;
    row.audit = canon[TFA__LEDGER_CANON_AUDIT].len ? canon[TFA__LEDGER_CANON_AUDIT].ptr : NULL;
    return l->be->insert(l, &row, err);
}

/* One attempt: the head read and the inserts share one write transaction
 * holding the append lock. Entry i is inserted as soon as its canonical
 * forms are ready (ledger_prep.c); an entry that fails ends the attempt
 * with its error and rolls everything back. */
static int append_once(tfa_ledger_record **out, tfa_ledger *l, const tfa_ledger_entry *e,
                       tfa__ledger_prep *prep, size_t n, int64_t *first_id, tfa_error *err)
{
    char prev[TFA_LEDGER_HASH_HEX], hash[TFA_LEDGER_HASH_HEX], last_prev[TFA_LEDGER_HASH_HEX];
    char sig[TFA_SIG_B64_SIZE] = "";
    const tfa_buf *canon;
    tfa_buf body;
    int64_t seq = 0;
    size_t i;
    int rc, open = 0;

    tfa_buf_init(&body, TFA_BUF_NO_MAX);
    if ((rc = l->be->begin_write(l, err)) != 0)
        goto done;
    open = 1;
    if ((rc = tfa_ledger_head(l, &seq, prev, err)) != 0)
        goto done;
    if (first_id)
        *first_id = seq + 1;
    for (i = 0; i < n && rc == 0; i++) {
        memcpy(last_prev, prev, sizeof(prev));
        if ((rc = tfa__ledger_prep_wait(prep, i, &canon, err)) == 0)
            rc = chain_one(l, &e[i], canon, &seq, prev, &body, hash, sig, err);
        memcpy(prev, hash, sizeof(prev));
    }
    if (rc == 0) {
        open = 0; /* a failed commit has ended the transaction too */
        rc = l->be->commit(l, hash, err);
    }
    if (rc == 0 && out)
        rc = stored(out, l, &e[n - 1], seq, last_prev, hash, sig, &body, err);
done:
    if (rc && open)
        l->be->rollback(l);
    tfa_buf_release(&body);
    return rc;
}

/* Canonical records of `n` entries (prepared ahead, ledger_prep.c), then
 * attempts until one wins the lock. */
static int append_entries(tfa_ledger_record **out, tfa_ledger *ledger,
                          const tfa_ledger_entry *entries, size_t n, int64_t *first_id,
                          tfa_error *err)
{
    const tfa_buf *first;
    tfa__ledger_prep *prep = NULL;
    tfa_backoff wait;
    tfa_error attempt_err;
    unsigned attempt;
    int rc;

    if (ledger->opts.read_only) {
        tfa_error_set(err, TFA_EUSAGE, "the ledger was opened read-only");
        tfa_error_set_source(err, ledger->path);
        return TFA_EUSAGE;
    }
    if ((rc = tfa__ledger_prep_start(&prep, entries, n, err)) != 0)
        return rc;
    /* the first entry before the lock: a record that cannot be appended
     * (every single gate's) fails without taking the ledger's lock */
    if (n > 0)
        rc = tfa__ledger_prep_wait(prep, 0, &first, err);
    /* 1 ms doubling to 100 ms, jittered: two appenders that collided do
     * not collide again in lockstep */
    tfa_backoff_init(&wait, 1, TFA__LEDGER_BACKOFF_MAX_MS);
    /* a busy ledger or a dropped connection is retried: the loop itself
     * must not test rc, an attempt that failed with TFA_ECONFLICT goes
     * round again */
    for (attempt = 0; rc == 0 && n > 0; attempt++) {
        tfa_error_init(&attempt_err);
        rc = append_once(out, ledger, entries, prep, n, first_id, &attempt_err);
        if (rc != TFA_ECONFLICT || attempt + 1 >= ledger->opts.append_attempts) {
            if (rc == TFA_ECONFLICT) {
                char last[TFA_ERROR_MESSAGE_MAX];
                snprintf(last, sizeof(last), "%s", attempt_err.message);
                tfa_error_clear(&attempt_err);
                tfa_error_set(&attempt_err, rc, "no append after %u attempts (%s)", attempt + 1,
                              last);
                tfa_error_set_source(&attempt_err, ledger->path);
            }
            if (rc && err && err->status == 0)
                *err = attempt_err;
            break;
        }
        tfa_backoff_sleep_ms(tfa_backoff_delay(&wait, attempt));
        rc = 0;
    }
    tfa__ledger_prep_free(prep);
    return rc;
}

int tfa_ledger_append(tfa_ledger_record **out, tfa_ledger *ledger, const tfa_ledger_entry *entry,
                      tfa_error *err)
{
    if (out)
        *out = NULL;
    return append_entries(out, ledger, entry, 1, NULL, err);
}

int tfa_ledger_append_batch(tfa_ledger *ledger, const tfa_ledger_entry *entries, size_t n,
                            int64_t *first_id, tfa_error *err)
{
    return append_entries(NULL, ledger, entries, n, first_id, err);
}
