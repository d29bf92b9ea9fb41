/*
 * check_s3.c - the S3 client, s3:// inputs, `tfaudit archive` and `bundle
 * verify s3://` against a real S3-compatible server on 127.0.0.1: s3rver
 * (npm, tests/net/s3/server.js), behind tests/net/s3/fault_proxy.py, which
 * checks every request's SigV4 signature and payload hash and injects
 * faults (503 SlowDown, dropped connections). The suite skips (77) when
 * node is not installed.
 */
#include "util/compat.h"

#include <dirent.h>
#include <sys/stat.h>

#include "s3_server.h"

START_TEST(s3_archive_then_summarize_and_verify_from_the_prefix)
{
    const char *archive[] = {"tfaudit",
                             "archive",
                             "--to",
                             "s3://audit/nightly/",
                             "--workspace",
                             "grafana",
                             "--now",
                             "2026-11-27T02:00:00Z",
                             "fixtures/plans/sensitive-canary.json",
                             "fixtures/plans/grafana-sensitive.json",
                             "fixtures/ui-logs/canary.log",
                             NULL};
    const char *summarize[] = {"tfaudit", "summarize", "s3://audit/nightly/", NULL};
    const char *verify[] = {"tfaudit", "bundle",
                            "verify",  "--sha256",
                            NULL,      "s3://audit/nightly/grafana/20261127T020000Z.tar.gz",
                            NULL};
    tfa_test_output out;
    char want[512], *sha;

    aws_env(srv.proxy);
    run(&out, archive);
    ck_assert_msg(out.status == 0, "%s", out.err);
    snprintf(want, sizeof(want),
             "archived 2 inputs (redacted) to s3://audit/nightly/grafana/20261127T020000Z.tar.gz\n"
             "url: %s/audit/nightly/grafana/20261127T020000Z.tar.gz\n",
             srv.proxy);
    ck_assert_int_eq(strncmp(out.out, want, strlen(want)), 0);
    ck_assert_str_eq(out.err, "tfaudit: warning: input 'fixtures/ui-logs/canary.log' (ui-log) left "
                              "out of the archive: logs cannot be redacted: they carry free text "
                              "with no marks of what is sensitive (--raw keeps them)\n");
    sha = line_of(out.out, "sha256: ");
    ck_assert_uint_eq(strlen(sha), 64);
    tfa_test_output_release(&out);

    /* the nightly audit: the prefix, the archive in it, the plans in that */
    run(&out, summarize);
    ck_assert_msg(out.status == 0, "%s", out.err);
    ck_assert(tfa_test_contains(
        out.out, out.out_len,
        "s3://audit/nightly/grafana/20261127T020000Z.tar.gz!inputs/1-sensitive-canary.json: plan, "
        "format 1.2, Terraform 1.9.5\n  Plan: 1 to add, 3 to change, 1 to destroy.\n"));
    ck_assert(tfa_test_contains(out.out, out.out_len,
                                "!inputs/2-grafana-sensitive.json: plan, format 1.2, Terraform "
                                "1.9.5\n  Plan: 2 to add, 3 to change, 0 to destroy.\n"));
    ck_assert(!tfa_test_contains(out.out, out.out_len, TFA_TEST_CANARY));
    tfa_test_output_release(&out);

    verify[4] = sha;
    run(&out, verify);
    ck_assert_msg(out.status == 0, "%s", out.err);
    snprintf(want, sizeof(want), "sha256: %s\nbundle: 2 files, all hashes match\n", sha);
    ck_assert_str_eq(out.out, want);
    tfa_test_output_release(&out);
    /* PUT and HEAD (the upload checked), then one ranged GET per object
     * read (no HeadObject before it): LIST and GET, then GET */
    ck_assert_uint_eq(assert_all_signed("/audit"), 5);
    free(sha);
}
END_TEST

/* Download the object named on the `url: ` line and gunzip it into a file. */
static char *fetch_decompressed(const char *stdout_text, const char *bucket, size_t *tar_len)
{
    char *url = line_of(stdout_text, "url: "), *key, path[700], cmd[1500], *text;
    size_t len;
    tfa_http_options ho;
    tfa_s3 *s3;
    char *data;

    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    key = strstr(url, bucket) + strlen(bucket) + 1;
    data = get_object(s3, bucket, key, &len);
    snprintf(path, sizeof(path), "%s/fetched.tar.gz", srv.dir);
    ck_assert_int_eq(tfa_test_write_file(path, data, len), 0);
    snprintf(cmd, sizeof(cmd), "gzip -dc '%s' > '%s/fetched.tar'", path, srv.dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(path, sizeof(path), "%s/fetched.tar", srv.dir);
    text = tfa_test_read_file(path, tar_len);
    tfa_free(data);
    tfa_s3_free(s3);
    free(url);
    return text;
}

START_TEST(s3_canary_is_absent_from_the_default_archive)
{
    const char *archive[] = {"tfaudit",
                             "archive",
                             "--to",
                             "s3://audit/canary",
                             "--now", /* an RFC 3339 offset: 03:00 UTC */
                             "2026-11-27T04:00:00+01:00",
                             "fixtures/plans/sensitive-canary.json",
                             "fixtures/plans/grafana-sensitive.json",
                             "fixtures/ledger/plan-canary.json",
                             "fixtures/ui-logs/canary.log",
                             NULL,
                             NULL};
    tfa_test_output out;
    size_t len;
    char *tar;

    aws_env(srv.proxy);
    run(&out, archive);
    ck_assert_msg(out.status == 0, "%s", out.err);
    ck_assert(tfa_test_contains(out.out, out.out_len,
                                "s3://audit/canary/default/20261127T030000Z.tar.gz\n"));
    tar = fetch_decompressed(out.out, "audit", &len);
    ck_assert_ptr_nonnull(tar);
    ck_assert_uint_gt(len, 30000);
    ck_assert(!tfa_test_contains(tar, len, TFA_TEST_CANARY));
    ck_assert(!tfa_test_contains(tar, len, "CANARY-7f3a9c1e"));
    ck_assert(tfa_test_contains(tar, len, "\"(sensitive value)\""));
    ck_assert(tfa_test_contains(tar, len, "\"redacted\": true"));
    free(tar);
    tfa_test_output_release(&out);

    /* the same inputs with --raw: the canary is there, and the manifest says so */
    archive[1] = "archive";
    archive[10] = "--raw";
    archive[5] = "2026-11-27T03:00:01Z";
    run(&out, archive);
    ck_assert_msg(out.status == 0, "%s", out.err);
    ck_assert(tfa_test_contains(out.out, out.out_len, "archived 4 inputs (raw, not redacted)"));
    tar = fetch_decompressed(out.out, "audit", &len);
    ck_assert(tfa_test_contains(tar, len, TFA_TEST_CANARY));
    ck_assert(tfa_test_contains(tar, len, "\"redacted\": false"));
    free(tar);
    tfa_test_output_release(&out);
}
END_TEST

/* ---- listing ---------------------------------------------------------------------- */

START_TEST(s3_listing_follows_continuation_tokens)
{
    tfa_http_options ho;
    tfa_s3 *s3;
    tfa_s3_listing l;
    tfa_s3_walk *w = NULL;
    tfa_stream *in = NULL;
    tfa_http_response res;
    const char *name;
    char key[64];
    tfa_error err;
    json_t *lists;
    size_t i, n = 0;
    int rc;

    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    tfa_error_init(&err);
    for (i = 0; i < 1005; i++) { /* straight to s3rver: only the listing is under test */
        snprintf(key, sizeof(key), "runs/ws-%04zu/apply.log", 1004 - i);
        tfa_http_response_init(&res);
        ck_assert_tfa_ok(
            tfa_s3_request(s3, &res, "PUT", "bulk", key, NULL, NULL, key, strlen(key), &err), &err);
        tfa_http_response_release(&res);
    }
    tfa_s3_free(s3);

    s3 = client(srv.proxy, &ho);
    ck_assert_tfa_ok(tfa_s3_list(&l, s3, "bulk", "runs/", &err), &err);
    ck_assert_uint_eq(l.n, 1005);
    ck_assert_str_eq(l.keys[0], "runs/ws-0000/apply.log");
    ck_assert_str_eq(l.keys[1004], "runs/ws-1004/apply.log");
    ck_assert_uint_eq(l.sizes[7], strlen("runs/ws-0007/apply.log"));
    tfa_s3_listing_release(&l);
    lists = logged("/bulk?");
    ck_assert_uint_eq(json_array_size(lists), 2); /* 1000 + 5 */
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(json_array_get(lists, 1), "path")),
               "continuation-token="));
    json_decref(lists);

    /* as a directory walk: names and the workspace component, in order */
    ck_assert_tfa_ok(tfa_s3_walk_open(&w, s3, "s3://bulk/runs/", &err), &err);
    ck_assert_uint_eq(tfa_s3_walk_count(w), 1005);
    while ((rc = tfa_s3_walk_next(w, &name, &in, &err)) == 1) {
        char want[80], buf[64];
        long long got;
        snprintf(want, sizeof(want), "s3://bulk/runs/ws-%04zu/apply.log", n);
        ck_assert_str_eq(name, want);
        ck_assert_str_eq(tfa_s3_walk_rel(w), want + strlen("s3://bulk/runs/"));
        if (n == 3) { /* read one through the stream */
            got = tfa_stream_read_raw(in, buf, sizeof(buf), &err);
            ck_assert_int_eq(got, (long long)strlen(want + 10));
            ck_assert_int_eq(memcmp(buf, want + 10, (size_t)got), 0); /* its own key */
        }
        tfa_stream_free(in);
        n++;
        if (n == 5)
            break;
    }
    ck_assert_int_eq(rc, 1);
    tfa_s3_walk_free(w);
    tfa_s3_free(s3);
    ck_assert_uint_ge(assert_all_signed("/bulk"), 3);
}
END_TEST

/* ---- a 100 MiB archive as a multipart upload ------------------------------------------ */

/* The object at big/KEY passes `gzip -t`, and `tar -tvzf` lists
 * inputs/ENTRY with `len` bytes and manifest.json: the gzip members and
 * stored blocks are an ordinary .tar.gz to the standard tools. */
static void standard_tools_read(const char *key, const char *entry, size_t len)
{
    char path[600], cmd[2000], want[200], *listing;
    tfa_http_options ho;
    size_t n;
    tfa_s3 *s3;
    char *data;
    int rc;

    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    data = get_object(s3, "big", key, &n);
    snprintf(path, sizeof(path), "%s/tools.tar.gz", srv.dir);
    ck_assert_int_eq(tfa_test_write_file(path, data, n), 0);
    tfa_free(data);
    tfa_s3_free(s3);
    snprintf(cmd, sizeof(cmd), "gzip -t '%s' && tar -tvzf '%s' > '%s/tools.txt'", path, path,
             srv.dir);
    rc = system(cmd);
    ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "gzip -t or tar failed: %d", rc);
    snprintf(path, sizeof(path), "%s/tools.txt", srv.dir);
    listing = tfa_test_read_file(path, NULL);
    ck_assert_ptr_nonnull(listing);
    snprintf(want, sizeof(want), " %zu ", len);
    ck_assert_msg(strstr(listing, want) && strstr(listing, entry) &&
                      strstr(listing, "manifest.json"),
                  "%s", listing);
    free(listing);
}

START_TEST(s3_large_archive_goes_multipart)
{
    const char *archive[] = {"tfaudit",
                             "archive",
                             "--raw",
                             "--to",
                             "s3://big/runs/",
                             "--now",
                             "2026-11-27T04:00:00Z",
                             "--multipart-threshold",
                             "16M",
                             NULL,
                             NULL};
    const char *verify[] = {"tfaudit", "bundle", "verify", "--sha256", NULL, NULL, NULL};
    char path[600], obj[200], *sha, *parts;
    size_t len = 100u << 20;
    tfa_http_options ho;
    tfa_test_output out;
    tfa_s3_object head;
    tfa_error err;
    tfa_s3 *s3;
    unsigned char *data = malloc(len);

    /* incompressible bytes, so the archive stays over 100 MiB */
    fill_noise(data, len, 0x9e3779b97f4a7c15ull);
    snprintf(path, sizeof(path), "%s/big.bin", srv.dir);
    ck_assert_int_eq(tfa_test_write_file(path, data, len), 0);
    free(data);
    archive[9] = path;
    aws_env(srv.proxy);
    run(&out, archive);
    ck_assert_msg(out.status == 0, "%s", out.err);
    parts = line_of(out.out, "bytes: ");
    ck_assert_msg(strstr(parts, "(multipart upload, 7 parts)") != NULL, "%s", parts);
    sha = line_of(out.out, "sha256: ");
    tfa_test_output_release(&out);

    http_opts(&ho);
    s3 = client(srv.s3, &ho);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_s3_head(s3, "big", "runs/default/20261127T040000Z.tar.gz", &head, &err),
                     &err);
    ck_assert_uint_gt(head.size, len);
    ck_assert_int_eq(open_uploads(s3, "big"), 0);
    tfa_s3_free(s3);
    ck_assert_uint_eq(count_logged("partNumber="), 7);
    ck_assert_uint_ge(assert_all_signed("/big/"), 9); /* create, 7 parts, complete, head */

    /* read back whole, hashed */
    snprintf(obj, sizeof(obj), "s3://big/runs/default/20261127T040000Z.tar.gz");
    verify[4] = sha;
    verify[5] = obj;
    run(&out, verify);
    ck_assert_msg(out.status == 0, "%s%s", out.out, out.err);
    ck_assert(tfa_test_contains(out.out, out.out_len, "bundle: 1 file, all hashes match"));
    tfa_test_output_release(&out);
    standard_tools_read(obj + strlen("s3://big/"), "1-big.bin", len);
    free(sha);
    free(parts);
}
END_TEST

/* ---- credentials -------------------------------------------------------------------- */

START_TEST(s3_unknown_access_key_is_exit_2_naming_the_variable)
{
    const char *argv[] = {"tfaudit", "summarize", "--verbose", "s3://audit/nightly/", NULL};
    tfa_test_output out;

    aws_env(srv.proxy);
    setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWN000000000", 1);
    run(&out, argv);
    ck_assert_int_eq(out.status, 2);
    ck_assert(tfa_test_contains(out.err, out.err_len,
                                "tfaudit: s3://audit/nightly/: HTTP 403 InvalidAccessKeyId: the "
                                "access key is not known; it came from AWS_ACCESS_KEY_ID\n"));
    ck_assert(!tfa_test_contains(out.err, out.err_len, SECRET));
    ck_assert(!tfa_test_contains(out.out, out.out_len, SECRET));
    tfa_test_output_release(&out);

    /* a wrong secret: refused by the signature check, naming its variable */
    aws_env(srv.proxy);
    setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret", 1);
    run(&out, argv);
    ck_assert_int_eq(out.status, 2);
    ck_assert(tfa_test_contains(out.err, out.err_len,
                                "HTTP 403 SignatureDoesNotMatch: the secret key does not match; "
                                "it came from AWS_SECRET_ACCESS_KEY\n"));
    ck_assert(!tfa_test_contains(out.err, out.err_len, "not-the-secret"));
    tfa_test_output_release(&out);
}
END_TEST

START_TEST(s3_profiles_from_the_shared_files)
{
    const char *argv[] = {"tfaudit", "summarize", "s3://audit/nightly/grafana/", NULL};
    char home[600], path[700], want[2000], *tmp = tfa_test_mkdtemp();
    const char *cred = "[default]\naws_access_key_id = AKIANOPE\naws_secret_access_key = x\n"
                       "[ci]\naws_access_key_id = AKIAUNKNOWNPROFILE00\n"
                       "aws_secret_access_key = " SECRET "\n";
    const char *conf = "[profile ci]\nregion = eu-west-1\n"
                       "[profile sso]\nsso_session = corp\nregion = eu-west-1\n";
    tfa_test_output out;

    snprintf(home, sizeof(home), "%s", tmp);
    free(tmp);
    snprintf(path, sizeof(path), "%s/.aws", home);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/.aws/credentials", home);
    ck_assert_int_eq(tfa_test_write_file(path, cred, strlen(cred)), 0);
    snprintf(path, sizeof(path), "%s/.aws/config", home);
    ck_assert_int_eq(tfa_test_write_file(path, conf, strlen(conf)), 0);
    aws_env(srv.proxy);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    setenv("HOME", home, 1);

    setenv("AWS_PROFILE", "ci", 1);
    run(&out, argv);
    ck_assert_int_eq(out.status, 2);
    snprintf(want, sizeof(want),
             "tfaudit: s3://audit/nightly/grafana/: HTTP 403 InvalidAccessKeyId: the access key "
             "is not known; it came from profile 'ci' in %s/.aws/credentials\n",
             home);
    ck_assert_str_eq(out.err, want);
    tfa_test_output_release(&out);

    setenv("AWS_PROFILE", "sso", 1);
    run(&out, argv);
    ck_assert_int_eq(out.status, 2);
    ck_assert_str_eq(out.err, "tfaudit: AWS profile 'sso' gets its credentials through "
                              "sso_session, which tfaudit cannot run; export them (aws configure "
                              "export-credentials --profile sso --format env)\n");
    tfa_test_output_release(&out);

    setenv("AWS_PROFILE", "nope", 1);
    run(&out, argv);
    ck_assert_int_eq(out.status, 2);
    snprintf(want, sizeof(want),
             "tfaudit: AWS profile 'nope' (AWS_PROFILE) is not in %s/.aws/credentials or "
             "%s/.aws/config\n",
             home, home);
    ck_assert_str_eq(out.err, want);
    tfa_test_output_release(&out);

    unsetenv("AWS_PROFILE");
    setenv("HOME", "/nonexistent", 1);
    run(&out, argv);
    ck_assert_int_eq(out.status, 2);
    ck_assert_str_eq(out.err, "tfaudit: no AWS credentials: set AWS_ACCESS_KEY_ID and "
                              "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile in "
                              "~/.aws/credentials\n");
    tfa_test_output_release(&out);

    setenv("AWS_ACCESS_KEY_ID", KEY, 1);
    run(&out, argv);
    ck_assert_int_eq(out.status, 2);
    ck_assert_str_eq(out.err,
                     "tfaudit: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not\n");
    tfa_test_output_release(&out);
    tfa_test_rmtree(home);
}
END_TEST

/* ---- faults ------------------------------------------------------------------------ */

typedef struct sleeps {
    long ms[8];
    size_t n;
} sleeps;

static void record_sleep(void *p, long ms)
{
    sleeps *s = p;
    if (s->n < 8)
        s->ms[s->n] = ms;
    s->n++;
}

static double half(void *p)
{
    (void)p;
    return 0.5;
}

START_TEST(s3_slowdown_is_retried_with_backoff)
{
    const char *body = "{\"format_version\": \"1.2\"}";
    tfa_s3_put_options po = {0};
    tfa_s3_put_result pr;
    tfa_http_options ho;
    tfa_s3_upload *up = NULL;
    sleeps sl = {{0}, 0};
    tfa_error err;
    json_t *reqs;
    tfa_s3 *s3;

    http_opts(&ho);
    ho.backoff_ms = 100;
    ho.sleep_ms = record_sleep;
    ho.jitter = half;
    ho.payload = &sl;
    s3 = client(srv.proxy, &ho);
    tfa_error_init(&err);
    arm("PUT", "/faults/slow.json", "s503,s503,s503");
    ck_assert_tfa_ok(tfa_s3_upload_new(&up, s3, "faults", "slow.json", &po, &err), &err);
    ck_assert_tfa_ok(tfa_s3_upload_write(up, body, strlen(body), &err), &err);
    ck_assert_tfa_ok(tfa_s3_upload_finish(up, &pr, &err), &err);
    tfa_s3_upload_free(up);
    ck_assert_uint_eq(pr.bytes, strlen(body));
    /* exponential backoff, half fixed and half jitter: 100, 200, 400 ms */
    ck_assert_uint_eq(sl.n, 3);
    ck_assert_int_eq(sl.ms[0], 75);
    ck_assert_int_eq(sl.ms[1], 150);
    ck_assert_int_eq(sl.ms[2], 300);
    reqs = logged("/faults/slow.json");
    ck_assert_uint_eq(json_array_size(reqs), 5); /* 3 x 503, the PUT, the HEAD */
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reqs, 2), "action")), "s503");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reqs, 3), "action")), "ok");
    json_decref(reqs);

    /* throttled for good: the error says so, after every attempt */
    arm("PUT", "/faults/never.json", "s503*");
    ck_assert_tfa_ok(tfa_s3_upload_new(&up, s3, "faults", "never.json", &po, &err), &err);
    ck_assert_tfa_ok(tfa_s3_upload_write(up, body, strlen(body), &err), &err);
    ck_assert_int_eq(tfa_s3_upload_finish(up, &pr, &err), TFA_EIO);
    ck_assert_str_eq(err.message, "HTTP 503 after 5 attempts (S3 error SlowDown)");
    ck_assert_str_eq(err.source, "s3://faults/never.json");
    tfa_s3_upload_free(up);
    tfa_s3_free(s3);
}
END_TEST

START_TEST(s3_object_lock_and_encryption_headers)
{
    const char *argv[] = {"tfaudit",
                          "archive",
                          "--to",
                          "s3://audit/locked/",
                          "--workspace",
                          "prod",
                          "--now",
                          "2026-11-27T05:00:00Z",
                          "--retain-until",
                          "2033-01-01",
                          "--sse",
                          "aws:kms",
                          "fixtures/plans/grafana-clean.json",
                          NULL};
    tfa_test_output out;
    json_t *reqs, *h;

    aws_env(srv.proxy);
    run(&out, argv);
    ck_assert_msg(out.status == 0, "%s", out.err);
    tfa_test_output_release(&out);
    reqs = logged("/audit/locked/prod/20261127T050000Z.tar.gz");
    h = json_object_get(json_array_get(reqs, 0), "headers");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reqs, 0), "method")), "PUT");
    ck_assert_str_eq(json_string_value(json_object_get(h, "x-amz-object-lock-mode")), "COMPLIANCE");
    ck_assert_str_eq(json_string_value(json_object_get(h, "x-amz-object-lock-retain-until-date")),
                     "2033-01-01T00:00:00Z");
    ck_assert_str_eq(json_string_value(json_object_get(h, "x-amz-server-side-encryption")),
                     "aws:kms");
    ck_assert_uint_eq(strlen(json_string_value(json_object_get(h, "x-amz-checksum-sha256"))), 44);
    json_decref(reqs);

    argv[9] = "2020-01-01";
    run(&out, argv);
    ck_assert_int_eq(out.status, 2);
    ck_assert_str_eq(out.err, "tfaudit: --retain-until '2020-01-01' is not in the future\n"
                              "try 'tfaudit archive --help'\n");
    tfa_test_output_release(&out);
}
END_TEST

/* A part the server refuses for good: exit 2 naming the part and its HTTP
 * status, no object, no open upload, one abort after the senders stopped. */
START_TEST(s3_a_refused_part_aborts_the_archive)
{
    const char *argv[] = {"tfaudit",
                          "archive",
                          "--raw",
                          "--to",
                          "s3://faults/refused/",
                          "--now",
                          "2026-11-27T06:00:00Z",
                          "--multipart-threshold",
                          "16M",
                          NULL,
                          NULL};
    char path[600];
    size_t len = 70u << 20, i;
    unsigned char *data = malloc(len);
    tfa_http_options ho;
    tfa_test_output out;
    tfa_s3_object head;
    tfa_error err;
    json_t *reqs, *e;
    size_t deletes = 0;
    tfa_s3 *direct;

    fill_noise(data, len, 0x9e3779b97f4a7c15ull);
    snprintf(path, sizeof(path), "%s/refused.bin", srv.dir);
    ck_assert_int_eq(tfa_test_write_file(path, data, len), 0);
    free(data);
    argv[9] = path;
    aws_env(srv.proxy);
    arm("PUT", "/faults/refused/default/20261127T060000Z.tar.gz?partNumber=3", "s500*");
    run(&out, argv);
    ck_assert_int_eq(out.status, 2);
    ck_assert_msg(strstr(out.err, "UploadPart 3: HTTP 500") != NULL, "%s", out.err);
    ck_assert_msg(strstr(out.err, "s3://faults/refused/default/20261127T060000Z.tar.gz") != NULL,
                  "%s", out.err);
    ck_assert_uint_eq(out.out_len, 0);
    tfa_test_output_release(&out);

    http_opts(&ho);
    direct = client(srv.s3, &ho);
    tfa_error_init(&err);
    ck_assert_int_eq(
        tfa_s3_head(direct, "faults", "refused/default/20261127T060000Z.tar.gz", &head, &err),
        TFA_ENOTFOUND);
    ck_assert_int_eq(open_uploads(direct, "faults"), 0);
    tfa_s3_free(direct);
    reqs = logged("/faults/refused/default/20261127T060000Z.tar.gz?uploadId=");
    json_array_foreach(reqs, i, e)
    {
        deletes += strcmp(json_string_value(json_object_get(e, "method")), "DELETE") == 0;
    }
    ck_assert_uint_eq(deletes, 1);
    json_decref(reqs);
    /* nothing reached the server after the abort */
    reqs = logged("/faults/refused/default/20261127T060000Z.tar.gz");
    ck_assert_uint_ge(json_array_size(reqs), 5); /* create, parts 1-3 at least, abort */
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(reqs, json_array_size(reqs) - 1), "method")),
                     "DELETE");
    json_decref(reqs);
}
END_TEST

/* Bytes `len` of xorshift noise (incompressible) into `path`. */
static void noise_file(const char *path, size_t len, uint64_t x)
{
    unsigned char *data = malloc(len);
    fill_noise(data, len, x);
    ck_assert_int_eq(tfa_test_write_file(path, data, len), 0);
    free(data);
}

static int dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int empty = 1;
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        empty &= strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

/* Under the threshold (128 MiB by default) a 40 MiB archive is spooled and
 * sent as one signed PUT: no part, no upload left open, no file left in
 * TMPDIR, and gzip and tar read it. A PUT the server refuses for good: exit
 * 2 naming the object, nothing stored, the spool gone too. */
START_TEST(s3_archive_under_the_threshold_is_one_put)
{
    const char *argv[] = {"tfaudit", "archive", "--raw", "--to", "s3://big/spooled/",
                          "--now",   NULL,      NULL,    NULL};
    char path[600], tmp[600], *bytes, *sha;
    size_t len = 40u << 20;
    tfa_http_options ho;
    tfa_test_output out;
    tfa_s3_object head;
    tfa_error err;
    tfa_s3 *direct;

    snprintf(path, sizeof(path), "%s/spooled.bin", srv.dir);
    noise_file(path, len, 0x9e3779b97f4a7c15ull);
    snprintf(tmp, sizeof(tmp), "%s/spool-tmp", srv.dir);
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    setenv("TMPDIR", tmp, 1);
    aws_env(srv.proxy);
    argv[6] = "2026-11-27T07:00:00Z";
    argv[7] = path;
    run(&out, argv);
    ck_assert_msg(out.status == 0, "%s", out.err);
    bytes = line_of(out.out, "bytes: ");
    ck_assert_msg(strstr(bytes, "multipart") == NULL, "%s", bytes);
    sha = line_of(out.out, "sha256: ");
    tfa_test_output_release(&out);
    free(bytes);
    http_opts(&ho);
    direct = client(srv.s3, &ho);
    {
        /* the SHA-256 printed (the spool's hasher) is the stored object's */
        unsigned char d[TFA_SHA256_BYTES];
        char hex[TFA_SHA256_HEX];
        size_t n = 0;
        char *obj = get_object(direct, "big", "spooled/default/20261127T070000Z.tar.gz", &n);
        tfa_sha256_digest(obj, n, d);
        tfa_sha256_hex(d, hex);
        ck_assert_str_eq(hex, sha);
        tfa_free(obj);
    }
    tfa_s3_free(direct);
    free(sha);
    ck_assert_uint_eq(count_logged("/big/spooled/default/20261127T070000Z.tar.gz?"), 0);
    ck_assert_uint_ge(assert_all_signed("/big/spooled/"), 2); /* the PUT, the HEAD */
    ck_assert(dir_is_empty(tmp));
    standard_tools_read("spooled/default/20261127T070000Z.tar.gz", "1-spooled.bin", len);

    /* refused for good */
    arm("PUT", "/big/spooled/default/20261127T070100Z.tar.gz", "s500*");
    argv[6] = "2026-11-27T07:01:00Z";
    aws_env(srv.proxy); /* standard_tools_read's client went to the server */
    run(&out, argv);
    ck_assert_int_eq(out.status, 2);
    ck_assert_msg(strstr(out.err, "HTTP 500") != NULL, "%s", out.err);
    ck_assert_msg(strstr(out.err, "s3://big/spooled/default/20261127T070100Z.tar.gz") != NULL, "%s",
                  out.err);
    ck_assert_msg(strchr(out.err, '\n') == strrchr(out.err, '\n'), "one line: %s", out.err);
    ck_assert_uint_eq(out.out_len, 0);
    tfa_test_output_release(&out);
    unsetenv("TMPDIR");
    ck_assert(dir_is_empty(tmp));
    http_opts(&ho);
    direct = client(srv.s3, &ho);
    tfa_error_init(&err);
    ck_assert_int_eq(
        tfa_s3_head(direct, "big", "spooled/default/20261127T070100Z.tar.gz", &head, &err),
        TFA_ENOTFOUND);
    ck_assert_int_eq(open_uploads(direct, "big"), 0);
    tfa_s3_free(direct);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("s3");
    TCase *tc = tcase_create("s3rver");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, s3_archive_then_summarize_and_verify_from_the_prefix);
    tcase_add_test(tc, s3_canary_is_absent_from_the_default_archive);
    tcase_add_test(tc, s3_listing_follows_continuation_tokens);
    tcase_add_test(tc, s3_large_archive_goes_multipart);
    tcase_add_test(tc, s3_unknown_access_key_is_exit_2_naming_the_variable);
    tcase_add_test(tc, s3_profiles_from_the_shared_files);
    tcase_add_test(tc, s3_slowdown_is_retried_with_backoff);
    tcase_add_test(tc, s3_object_lock_and_encryption_headers);
    tcase_add_test(tc, s3_a_refused_part_aborts_the_archive);
    tcase_add_test(tc, s3_archive_under_the_threshold_is_one_put);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return s3_suite_main(suite());
}
