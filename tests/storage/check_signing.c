/*
 * check_signing.c - what a hash chain alone cannot show, caught with
 * signatures and anchors (storage/ledger.h, storage/anchor.h,
 * crypto/sign.h), on real SQLite files and real keys.
 *
 * The forgeries are done the way an insider with write access to the file
 * would: through SQLite directly, recomputing every hash and the chain head
 * so that the chain check alone says "intact".
 */
#include "util/compat.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anchor.h"
#include "sign.h"
#include "storage_test.h"
#include "util/alloc.h"

static char *tmp;
static char db[4096], key1[4096], key2[4096], anchors[4096];

static void setup(void)
{
    tmp = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
    snprintf(db, sizeof(db), "%s/ledger.db", tmp);
    snprintf(key1, sizeof(key1), "%s/ops.pem", tmp);
    snprintf(key2, sizeof(key2), "%s/other.pem", tmp);
    snprintf(anchors, sizeof(anchors), "%s/anchors.jsonl", tmp);
}

static void teardown(void)
{
    chmod(tmp, 0755);
    tfa_test_rmtree(tmp);
    free(tmp);
}

static tfa_signer *make_key(const char *path)
{
    tfa_signer *k = NULL;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_signer_generate(&k, path, &err), &err);
    return k;
}

/* A key list holding the public key of `k`. */
static tfa_keyring *ring_of(const tfa_signer *k, const char *principal)
{
    tfa_keyring *ring = NULL;
    tfa_error err;
    tfa_buf line;

    tfa_error_init(&err);
    tfa_buf_init(&line, TFA_BUF_NO_MAX);
    if (principal)
        tfa_buf_printf(&line, "# a comment\n\n%s ", principal);
    ck_assert_int_eq(tfa_signer_public_line(&line, k, "ops team"), 0);
    ck_assert_tfa_ok(tfa_keyring_parse(&ring, "trusted", line.ptr, line.len, &err), &err);
    tfa_buf_release(&line);
    return ring;
}

/* Append `verdicts` (a string of 'G' and 'N'), signed by `k` (may be NULL). */
static void append_all(const char *verdicts, const tfa_signer *k)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_error err;
    size_t i;

    tfa_error_init(&err);
    o.create = 1;
    ck_assert_tfa_ok(tfa_ledger_open(&l, db, &o, &err), &err);
    tfa_ledger_set_signer(l, k);
    for (i = 0; verdicts[i]; i++) {
        const char *v = verdicts[i] == 'G' ? "GO" : "NO-GO";
        json_t *rec = test_record(v);
        tfa_ledger_entry e = {1740823200 + (int64_t)i, "prod", NULL, "ops", v, "0.1.0", rec};
        ck_assert_tfa_ok(tfa_ledger_append(NULL, l, &e, &err), &err);
        json_decref(rec);
    }
    tfa_ledger_free(l);
}

static tfa_ledger_verification verify(const tfa_keyring *trusted, const tfa_anchor_set *set)
{
    tfa_ledger_verify_options vo = TFA_LEDGER_VERIFY_OPTIONS_INIT;
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger_verification v;
    tfa_ledger *l = NULL;
    tfa_error err;

    tfa_error_init(&err);
    o.read_only = 1;
    vo.trusted = trusted;
    vo.anchors = set ? set->items : NULL;
    vo.n_anchors = set ? set->n : 0;
    ck_assert_tfa_ok(tfa_ledger_open(&l, db, &o, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_verify_with(l, &vo, &v, &err), &err);
    tfa_ledger_free(l);
    return v;
}

static void anchor_now(const tfa_signer *k)
{
    tfa_anchor_options ao = TFA_ANCHOR_OPTIONS_INIT;
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_anchor a;
    tfa_error err;

    tfa_error_init(&err);
    o.read_only = 1;
    ao.signer = k;
    ao.now = 1740830000;
    ck_assert_tfa_ok(tfa_ledger_open(&l, db, &o, &err), &err);
    ck_assert_tfa_ok(tfa_anchor_write(&a, l, anchors, &ao, &err), &err);
    ck_assert_str_eq(a.source, anchors);
    tfa_ledger_free(l);
}

/* ---- the forger: sqlite3 directly ----------------------------------------- */

static void sha_hex(const char *s, size_t n, char out[TFA_SHA256_HEX])
{
    unsigned char d[TFA_SHA256_BYTES];
    tfa_sha256_digest(s, n, d);
    tfa_sha256_hex(d, out);
}

/* Replace every `from` in `s` by `to` (same length not required). */
static char *replace(const char *s, const char *from, const char *to)
{
    tfa_buf b;
    const char *p = s, *hit;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    while ((hit = strstr(p, from))) {
        tfa_buf_put(&b, p, (size_t)(hit - p));
        tfa_buf_puts(&b, to);
        p = hit + strlen(from);
    }
    tfa_buf_puts(&b, p);
    return tfa_buf_detach(&b, NULL);
}

/*
 * Forgery 1: record `seq` turns from NO-GO into GO. Its body is rewritten
 * (verdict, and the verdict inside the record), every hash from there on
 * is recomputed, each next record's prev is rewritten to match, and the
 * chain head moved to the new last hash: the chain is consistent again.
 */
static void forge_go(int64_t seq)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    char old_hash[TFA_SHA256_HEX] = "", new_hash[TFA_SHA256_HEX] = "";
    int64_t s;

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    for (s = seq;; s++) {
        char *body = NULL, *edited, hash[TFA_SHA256_HEX];
        ck_assert_int_eq(
            sqlite3_prepare_v2(h, "SELECT body, hash FROM records WHERE seq = ?1", -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_int64(st, 1, s);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_finalize(st);
            break;
        }
        body = strdup((const char *)sqlite3_column_text(st, 0));
        snprintf(hash, sizeof(hash), "%s", (const char *)sqlite3_column_text(st, 1));
        sqlite3_finalize(st);
        if (s == seq)
            edited = replace(body, "\"NO-GO\"", "\"GO\"");
        else
            edited = replace(body, old_hash, new_hash);
        snprintf(old_hash, sizeof(old_hash), "%s", hash);
        sha_hex(edited, strlen(edited), new_hash);
        ck_assert_int_eq(sqlite3_prepare_v2(h,
                                            "UPDATE records SET body = ?1, hash = ?2, verdict ="
                                            " json_extract(?1, '$.verdict'), prev_hash ="
                                            " json_extract(?1, '$.prev') WHERE seq = ?3",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(st, 1, edited, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, new_hash, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, s);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        free(body);
        tfa_free(edited);
    }
    ck_assert_int_eq(sqlite3_prepare_v2(h, "UPDATE chain_head SET hash = ?1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, new_hash, -1, SQLITE_TRANSIENT);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    ck_assert_int_eq(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

/* Forgery 2: the newest records cut off and the head moved back. */
static void truncate_to(int64_t last)
{
    char sql[256];
    sqlite3 *h = NULL;
    snprintf(sql, sizeof(sql),
             "DELETE FROM records WHERE seq > %lld; UPDATE chain_head SET seq = %lld, hash ="
             " (SELECT hash FROM records WHERE seq = %lld)",
             (long long)last, (long long)last, (long long)last);
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

/* ---- keys ------------------------------------------------------------------ */

START_TEST(key_file_is_private_and_never_overwritten)
{
    tfa_signer *k = make_key(key1), *again = NULL;
    tfa_error err;
    struct stat st;
    tfa_buf line;

    tfa_error_init(&err);
    tfa_buf_init(&line, TFA_BUF_NO_MAX);
    ck_assert_int_eq(stat(key1, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(tfa_signer_generate(NULL, key1, &err), TFA_EUSAGE);
    ck_assert(tfa_test_contains(err.message, strlen(err.message), "never overwritten"));
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_signer_load(&again, key1, &err), &err);
    ck_assert_str_eq(tfa_signer_key_id(again), tfa_signer_key_id(k));
    ck_assert_int_eq(strncmp(tfa_signer_key_id(k), "SHA256:", 7), 0);
    ck_assert_int_eq(tfa_signer_public_line(&line, k, "ops"), 0);
    ck_assert_int_eq(strncmp(line.ptr, "ed25519 ", 8), 0);
    ck_assert_uint_eq(line.len, 8 + 44 + 4);
    tfa_buf_release(&line);
    tfa_signer_free(k);
    tfa_signer_free(again);
}
END_TEST

START_TEST(key_lists_refuse_what_they_cannot_read)
{
    static const char *const bad[] = {
        "",                                                      /* nobody trusted */
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ comment\n",      /* another algorithm */
        "ed25519 bm90IGEga2V5\n",                                /* not 32 bytes */
        "ed25519 e4gWJ4yu2V5r+AE5NVfrWB82pRre+/GXPB1qicDg6Rk\n", /* no padding */
    };
    tfa_keyring *ring = NULL;
    tfa_error err;
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(bad); i++) {
        tfa_error_init(&err);
        ck_assert_int_eq(tfa_keyring_parse(&ring, "keys", bad[i], strlen(bad[i]), &err),
                         TFA_EINPUT);
        ck_assert_ptr_null(ring);
    }
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_keyring_parse(&ring, "keys",
                                       "leadership,security ed25519 "
                                       "e4gWJ4yu2V5r+AE5NVfrWB82pRre+/GXPB1qicDg6Rk= Dana\n",
                                       76, &err),
                     &err);
    ck_assert_uint_eq(tfa_keyring_count(ring), 1);
    ck_assert_str_eq(tfa_keyring_at(ring, 0)->principals, "leadership,security");
    ck_assert_ptr_nonnull(tfa_keyring_find(ring, tfa_keyring_at(ring, 0)->key_id, "security"));
    ck_assert_ptr_null(tfa_keyring_find(ring, tfa_keyring_at(ring, 0)->key_id, "lead"));
    tfa_keyring_free(ring);
}
END_TEST

/* ---- signed records ---------------------------------------------------------- */

START_TEST(signed_ledger_verifies_with_its_key_only)
{
    tfa_signer *k = make_key(key1), *other = make_key(key2);
    tfa_keyring *mine = ring_of(k, NULL), *theirs = ring_of(other, NULL);
    tfa_ledger_verification v;

    append_all("NGN", k);
    v = verify(NULL, NULL);
    ck_assert_int_eq(v.fault, TFA_LEDGER_INTACT);
    ck_assert_int_eq(v.signatures_checked, 0);
    ck_assert_int_eq(v.signed_records, 3);
    v = verify(mine, NULL);
    ck_assert_msg(v.fault == TFA_LEDGER_INTACT, "%s", v.detail);
    ck_assert_int_eq(v.signatures_checked, 1);
    v = verify(theirs, NULL);
    ck_assert_int_eq(v.fault, TFA_LEDGER_UNTRUSTED);
    ck_assert_int_eq(v.bad_id, 1);
    /* a record appended without the key (ledger append by hand) */
    append_all("G", NULL);
    v = verify(mine, NULL);
    ck_assert_int_eq(v.fault, TFA_LEDGER_UNSIGNED);
    ck_assert_int_eq(v.bad_id, 4);
    ck_assert(tfa_test_contains(v.detail, strlen(v.detail), "record 4 is not signed"));
    tfa_keyring_free(mine);
    tfa_keyring_free(theirs);
    tfa_signer_free(k);
    tfa_signer_free(other);
}
END_TEST

START_TEST(forgery_nogo_to_go_with_recomputed_chain_is_caught_by_signatures)
{
    tfa_signer *k = make_key(key1);
    tfa_keyring *trusted = ring_of(k, NULL);
    tfa_ledger_verification v;

    append_all("GNGG", k);
    forge_go(2);
    v = verify(NULL, NULL);
    /* the chain alone is fooled: this is why signatures exist */
    ck_assert_msg(v.fault == TFA_LEDGER_INTACT, "the forgery left the chain broken: %s", v.detail);
    v = verify(trusted, NULL);
    ck_assert_int_eq(v.fault, TFA_LEDGER_FORGED);
    ck_assert_int_eq(v.bad_id, 2);
    ck_assert_msg(tfa_test_contains(v.detail, strlen(v.detail),
                                    "record 2 does not match its "
                                    "signature"),
                  "%s", v.detail);
    tfa_keyring_free(trusted);
    tfa_signer_free(k);
}
END_TEST

START_TEST(forgery_signed_with_own_key_is_untrusted)
{
    tfa_signer *k = make_key(key1), *evil = make_key(key2);
    tfa_keyring *trusted = ring_of(k, NULL);
    tfa_ledger_verification v;

    append_all("NN", k);
    append_all("G", evil); /* the forger's own key signs a new record */
    v = verify(trusted, NULL);
    ck_assert_int_eq(v.fault, TFA_LEDGER_UNTRUSTED);
    ck_assert_int_eq(v.bad_id, 3);
    tfa_keyring_free(trusted);
    tfa_signer_free(k);
    tfa_signer_free(evil);
}
END_TEST

/* ---- anchors ------------------------------------------------------------------- */

static void read_anchors(tfa_anchor_set *set, const tfa_keyring *trusted, int expect)
{
    tfa_anchor_options ao = TFA_ANCHOR_OPTIONS_INIT;
    tfa_error err;
    tfa_error_init(&err);
    ao.trusted = trusted;
    if (expect == 0)
        ck_assert_tfa_ok(tfa_anchor_read(set, anchors, &ao, &err), &err);
    else
        ck_assert_int_eq(tfa_anchor_read(set, anchors, &ao, &err), expect);
}

START_TEST(forgery_truncation_with_head_moved_back_is_caught_by_anchor)
{
    tfa_signer *k = make_key(key1);
    tfa_keyring *trusted = ring_of(k, NULL);
    tfa_anchor_set set = {NULL, 0, 0};
    tfa_ledger_verification v;

    append_all("GG", k);
    anchor_now(k);
    append_all("NN", k);
    anchor_now(k);
    truncate_to(2);
    v = verify(trusted, NULL);
    /* signatures alone are fooled: what is left is all genuine */
    ck_assert_msg(v.fault == TFA_LEDGER_INTACT, "%s", v.detail);
    read_anchors(&set, trusted, 0);
    ck_assert_uint_eq(set.n, 2);
    v = verify(trusted, &set);
    ck_assert_int_eq(v.fault, TFA_LEDGER_UNANCHORED);
    ck_assert_int_eq(v.bad_id, 3);
    ck_assert_uint_eq(v.anchors_checked, 2);
    ck_assert_int_eq(v.anchored_seq, 4);
    ck_assert_msg(tfa_test_contains(v.detail, strlen(v.detail), "record 3 is missing"), "%s",
                  v.detail);
    tfa_anchor_set_release(&set);
    tfa_keyring_free(trusted);
    tfa_signer_free(k);
}
END_TEST

START_TEST(anchor_catches_rewrite_behind_it_and_holds_when_intact)
{
    tfa_signer *k = make_key(key1);
    tfa_keyring *trusted = ring_of(k, NULL);
    tfa_anchor_set set = {NULL, 0, 0};
    tfa_ledger_verification v;

    append_all("NNN", k);
    anchor_now(k);
    read_anchors(&set, trusted, 0);
    v = verify(trusted, &set);
    ck_assert_msg(v.fault == TFA_LEDGER_INTACT, "%s", v.detail);
    ck_assert_uint_eq(v.anchors_checked, 1);
    ck_assert_int_eq(v.anchored_seq, 3);
    /* unsigned chain, rewritten: only the anchor notices */
    forge_go(3);
    v = verify(NULL, &set);
    ck_assert_int_eq(v.fault, TFA_LEDGER_UNANCHORED);
    ck_assert_int_eq(v.bad_id, 3);
    tfa_anchor_set_release(&set);
    tfa_keyring_free(trusted);
    tfa_signer_free(k);
}
END_TEST

START_TEST(edited_or_unsigned_anchor_is_refused)
{
    tfa_signer *k = make_key(key1), *evil = make_key(key2);
    tfa_keyring *trusted = ring_of(k, NULL);
    tfa_anchor_set set = {NULL, 0, 0};
    size_t len = 0;
    char *text, *edited;

    append_all("NN", k);
    anchor_now(k);
    text = tfa_test_read_file(anchors, &len);
    edited = replace(text, "\"seq\":2", "\"seq\":1");
    ck_assert_int_eq(tfa_test_write_file(anchors, edited, strlen(edited)), 0);
    read_anchors(&set, trusted, TFA_EINPUT);
    unlink(anchors);
    anchor_now(NULL);
    read_anchors(&set, trusted, TFA_EINPUT);
    read_anchors(&set, NULL, 0); /* without trusted keys it is read as it is */
    unlink(anchors);
    anchor_now(evil);
    read_anchors(&set, trusted, TFA_EINPUT);
    free(text);
    tfa_free(edited);
    tfa_anchor_set_release(&set);
    tfa_keyring_free(trusted);
    tfa_signer_free(k);
    tfa_signer_free(evil);
}
END_TEST

/* ---- read-only ------------------------------------------------------------------ */

START_TEST(verify_works_on_a_read_only_copy_and_writes_nothing)
{
    tfa_signer *k = make_key(key1);
    tfa_keyring *trusted = ring_of(k, NULL);
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger_verification v;
    tfa_ledger_record *rec = NULL;
    tfa_ledger *l = NULL;
    tfa_error err;
    char sha_before[TFA_SHA256_HEX], sha_after[TFA_SHA256_HEX], extra[4200];
    size_t len = 0;
    char *bytes;
    struct stat st;

    tfa_error_init(&err);
    append_all("GNG", k);
    ck_assert_int_eq(chmod(db, 0444), 0);
    ck_assert_int_eq(chmod(tmp, 0555), 0);
    bytes = tfa_test_read_file(db, &len);
    sha_hex(bytes, len, sha_before);
    free(bytes);
    v = verify(trusted, NULL);
    ck_assert_msg(v.fault == TFA_LEDGER_INTACT, "%s", v.detail);
    o.read_only = 1;
    ck_assert_tfa_ok(tfa_ledger_open(&l, db, &o, &err), &err);
    ck_assert_tfa_ok(tfa_ledger_get(&rec, l, 2, &err), &err);
    ck_assert_str_eq(rec->verdict, "NO-GO");
    ck_assert_str_eq(rec->key_id, tfa_signer_key_id(k));
    ck_assert_ptr_nonnull(rec->signature);
    {
        json_t *r2 = test_record("GO");
        tfa_ledger_entry e = {1, "prod", NULL, NULL, "GO", NULL, r2};
        ck_assert_int_eq(tfa_ledger_append(NULL, l, &e, &err), TFA_EUSAGE);
        json_decref(r2);
    }
    tfa_ledger_record_free(rec);
    tfa_ledger_free(l);
    /* nothing written: no -wal, no -shm, the same bytes (even as root) */
    snprintf(extra, sizeof(extra), "%s-wal", db);
    ck_assert_int_ne(stat(extra, &st), 0);
    snprintf(extra, sizeof(extra), "%s-shm", db);
    ck_assert_int_ne(stat(extra, &st), 0);
    bytes = tfa_test_read_file(db, &len);
    sha_hex(bytes, len, sha_after);
    free(bytes);
    ck_assert_str_eq(sha_before, sha_after);
    tfa_keyring_free(trusted);
    tfa_signer_free(k);
}
END_TEST

START_TEST(a_ledger_that_cannot_be_created_leaves_no_file)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    tfa_error err;
    struct stat st;

    tfa_error_init(&err);
    o.create = 1;
    o.read_only = 1; /* opening read-only never creates */
    ck_assert_int_eq(tfa_ledger_open(&l, db, &o, &err), TFA_ENOTFOUND);
    ck_assert_int_ne(stat(db, &st), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("signing");
    TCase *tc = tcase_create("signing");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, key_file_is_private_and_never_overwritten);
    tcase_add_test(tc, key_lists_refuse_what_they_cannot_read);
    tcase_add_test(tc, signed_ledger_verifies_with_its_key_only);
    tcase_add_test(tc, forgery_nogo_to_go_with_recomputed_chain_is_caught_by_signatures);
    tcase_add_test(tc, forgery_signed_with_own_key_is_untrusted);
    tcase_add_test(tc, forgery_truncation_with_head_moved_back_is_caught_by_anchor);
    tcase_add_test(tc, anchor_catches_rewrite_behind_it_and_holds_when_intact);
    tcase_add_test(tc, edited_or_unsigned_anchor_is_refused);
    tcase_add_test(tc, verify_works_on_a_read_only_copy_and_writes_nothing);
    tcase_add_test(tc, a_ledger_that_cannot_be_created_leaves_no_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
