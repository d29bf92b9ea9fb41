/*
 * check_jsondigest.c - canonical JSON digests (parsers/jsondigest.h): what
 * must not change a digest (serialization) and what must (meaning).
 */
#include "util/compat.h"

#include "jsondigest.h"
#include "stream.h"
#include "testsupport.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

/* The digest of doc with allocation `fail` of the digest failing (0:
 * none): what the memos change must be nothing but time. */
static int digest_failing(const char *doc, long fail, unsigned char out[TFA_SHA256_BYTES])
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    tfa_stream *in = NULL;
    tfa_scan *sc = NULL;
    tfa_buf scratch;
    tfa_token t;
    tfa_error err;
    int rc;

    tfa_error_init(&err);
    tfa_buf_init(&scratch, TFA_LIMIT_SCAN_WINDOW);
    ck_assert_tfa_ok(tfa_stream_open_memory(&in, "doc.json", doc, strlen(doc), &err), &err);
    ck_assert_tfa_ok(tfa_scan_new(&sc, in, &so, &err), &err);
    ck_assert_tfa_ok(tfa_scan_next(sc, &t, &err), &err);
    if (fail)
        tfa_alloc_fail_only(fail);
    rc = tfa_jsondigest_value(sc, &t, &scratch, out, &err);
    tfa_alloc_fail_after(0);
    if (rc == 0) { /* the value was the whole document */
        ck_assert_tfa_ok(tfa_scan_next(sc, &t, &err), &err);
        ck_assert_int_eq(t.type, TFA_TOK_EOF);
    }
    tfa_buf_release(&scratch);
    tfa_scan_free(sc);
    tfa_stream_free(in);
    return rc;
}

static void digest_of(const char *doc, unsigned char out[TFA_SHA256_BYTES])
{
    ck_assert_int_eq(digest_failing(doc, 0, out), 0);
}

static int same(const char *a, const char *b)
{
    unsigned char da[TFA_SHA256_BYTES], db[TFA_SHA256_BYTES];
    digest_of(a, da);
    digest_of(b, db);
    return memcmp(da, db, sizeof(da)) == 0;
}

static const char *const base =
    "{\"provisioner\":[{\"type\":\"local-exec\",\"command\":\"echo \\u00e9/x\"}],"
    "\"version\":150,\"list\":[1,\"a\",true,null,{}],\"empty\":[]}";

START_TEST(digest_ignores_serialization)
{
    ck_assert(same(base, "{ \"empty\" : [ ] , \"list\":[1.0,\"\\u0061\",true,null,{ }],\n"
                         "\"version\" : 1.5e2, \"provisioner\":[{\"command\":\"echo \xc3\xa9\\/x\","
                         "\"type\":\"local\\u002dexec\"}]}"));
}
END_TEST

START_TEST(digest_sees_every_change_of_meaning)
{
    static const char *const others[] = {
        /* another command */
        "{\"provisioner\":[{\"type\":\"local-exec\",\"command\":\"echo \\u00e9/y\"}],"
        "\"version\":150,\"list\":[1,\"a\",true,null,{}],\"empty\":[]}",
        /* array order */
        "{\"provisioner\":[{\"type\":\"local-exec\",\"command\":\"echo \\u00e9/x\"}],"
        "\"version\":150,\"list\":[\"a\",1,true,null,{}],\"empty\":[]}",
        /* a type: the string "150" */
        "{\"provisioner\":[{\"type\":\"local-exec\",\"command\":\"echo \\u00e9/x\"}],"
        "\"version\":\"150\",\"list\":[1,\"a\",true,null,{}],\"empty\":[]}",
        /* null vs an empty object vs an empty array */
        "{\"provisioner\":[{\"type\":\"local-exec\",\"command\":\"echo \\u00e9/x\"}],"
        "\"version\":150,\"list\":[1,\"a\",true,null,[]],\"empty\":[]}",
        /* a key renamed, the value moved to it */
        "{\"provisioner\":[{\"type\":\"local-exec\",\"cmd\":\"echo \\u00e9/x\"}],"
        "\"version\":150,\"list\":[1,\"a\",true,null,{}],\"empty\":[]}",
        /* a member added */
        "{\"provisioner\":[{\"type\":\"local-exec\",\"command\":\"echo \\u00e9/x\"}],"
        "\"version\":150,\"list\":[1,\"a\",true,null,{}],\"empty\":[],\"x\":null}",
        /* a key/value swap across members */
        "{\"provisioner\":[{\"command\":\"local-exec\",\"type\":\"echo \\u00e9/x\"}],"
        "\"version\":150,\"list\":[1,\"a\",true,null,{}],\"empty\":[]}",
    };
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(others); i++)
        ck_assert_msg(!same(base, others[i]), "variant %zu digests like the base", i);
}
END_TEST

START_TEST(digest_sums_do_not_cancel)
{
    unsigned char a[TFA_SHA256_BYTES] = {0}, d[TFA_SHA256_BYTES];
    digest_of(base, d);
    tfa_digest_add(a, d);
    tfa_digest_add(a, d);
    ck_assert(memcmp(a, d, sizeof(d)) != 0);
    ck_assert(a[0] || a[1] || a[31]); /* 2d is not 0, unlike d ^ d */
}
END_TEST

/* The memo of short leaves and keys: thousands of distinct texts (every
 * slot taken and overwritten), keys and strings of the same text, and
 * escaped spellings must digest as without it. */
static char *many_leaves(int escaped, int change_last)
{
    tfa_buf b;
    int i, round;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_puts(&b, "[");
    for (round = 0; round < 2; round++)
        for (i = 0; i < 3000; i++)
            tfa_buf_printf(&b, "%s{\"%s%d\": \"v%d\", \"v%d\": %d}", round || i ? "," : "",
                           escaped ? "\\u0076" : "v", i, i, i,
                           round == 1 && i == 2999 && change_last ? -1 : i);
    tfa_buf_puts(&b, "]");
    ck_assert_int_eq(tfa_buf_status(&b), 0);
    return b.ptr;
}

START_TEST(digest_memo_changes_nothing)
{
    char *plain = many_leaves(0, 0), *esc = many_leaves(1, 0), *other = many_leaves(0, 1);
    ck_assert(same(plain, esc));
    ck_assert(!same(plain, other));
    ck_assert(!same("{\"a\": \"b\"}", "{\"b\": \"a\"}"));
    ck_assert(!same("[{\"a\": \"a\"}, \"a\"]", "[{\"a\": \"a\"}, \"b\"]"));
    tfa_free(plain);
    tfa_free(esc);
    tfa_free(other);
}
END_TEST

/* Small objects repeat in a configuration section and are memoized by
 * their entries: equal ones share a digest, any difference inside shows,
 * and without the memos (their allocation failed) the digests are the same. */
START_TEST(digest_object_memo_changes_nothing)
{
    static const char *const docs[] = {"[{\"a\": 1}, {\"a\": 1}, {\"b\": {\"c\": [1]}, \"a\": 1}, "
                                       "{\"a\": 1, \"b\": {\"c\": [1]}}]",
                                       "[{\"a\": 1}, {\"a\": 2}, {\"a\": 1, \"b\": {\"c\": [1]}}, "
                                       "{\"a\": 1, \"b\": {\"c\": [2]}}]"};
    unsigned char want[TFA_SHA256_BYTES], got[TFA_SHA256_BYTES];
    size_t k;
    long n;

    ck_assert(same("[{\"a\": 1}, {\"a\": 1}, {\"b\": 2, \"a\": 1}]",
                   "[{\"a\": 1.0}, {\"a\": 1}, {\"a\": 1, \"b\": 2}]"));
    ck_assert(!same("[{\"a\": 1}, {\"a\": 1}]", "[{\"a\": 1}, {\"a\": 2}]"));
    ck_assert(!same("[{\"a\": 1, \"b\": 2}, {\"a\": 1, \"b\": 2}]",
                    "[{\"a\": 1, \"b\": 2}, {\"a\": 1, \"b\": 3}]"));
    ck_assert(!same("[{\"a\": {}}, {\"a\": {}}]", "[{\"a\": {}}, {\"a\": []}]"));
    for (k = 0; k < TFA_ARRAY_SIZE(docs); k++) {
        ck_assert_int_eq(digest_failing(docs[k], 0, want), 0);
        for (n = 1; n <= 6; n++) {
            int rc = digest_failing(docs[k], n, got);
            ck_assert(rc == 0 || rc == TFA_ENOMEM);
            if (rc == 0)
                ck_assert_int_eq(memcmp(got, want, sizeof(got)), 0);
        }
    }
}
END_TEST

/* An object of n members "k<i>": i, in order or reversed, with its first
 * member repeated (a duplicate key counts). */
static char *members(int n, int reversed, int value_of_dup)
{
    tfa_buf b;
    int i;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_printf(&b, "{\"k0\": %d", value_of_dup);
    for (i = 0; i < n; i++)
        tfa_buf_printf(&b, ", \"k%d\": %d", reversed ? n - 1 - i : i, reversed ? n - 1 - i : i);
    tfa_buf_puts(&b, "}");
    ck_assert_int_eq(tfa_buf_status(&b), 0);
    return b.ptr;
}

/* Member order does not matter whatever the object's size (small objects
 * and large ones are sorted differently), duplicates included. */
START_TEST(digest_ignores_member_order_at_any_size)
{
    static const int sizes[] = {1, 2, 3, 7, 15, 16, 17, 40};
    size_t k;
    for (k = 0; k < TFA_ARRAY_SIZE(sizes); k++) {
        char *a = members(sizes[k], 0, 5), *b = members(sizes[k], 1, 5),
             *c = members(sizes[k], 1, 6);
        ck_assert_msg(same(a, b), "%d members", sizes[k]);
        ck_assert_msg(!same(a, c), "%d members", sizes[k]);
        tfa_free(a);
        tfa_free(b);
        tfa_free(c);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jsondigest");
    TCase *tc = tcase_create("jsondigest");
    tcase_add_test(tc, digest_ignores_serialization);
    tcase_add_test(tc, digest_sees_every_change_of_meaning);
    tcase_add_test(tc, digest_sums_do_not_cancel);
    tcase_add_test(tc, digest_memo_changes_nothing);
    tcase_add_test(tc, digest_ignores_member_order_at_any_size);
    tcase_add_test(tc, digest_object_memo_changes_nothing);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
