/*
 * check_bundle.c - audit bundles: deterministic writing, the entry-name
 * rules, export from a real ledger, verification, and the canary.
 */
#include "util/compat.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include "bundle.h"
#include "ledger_export.h"
#include "storage_test.h"

static char *tmp;

static void setup(void)
{
    tmp = tfa_test_mkdtemp();
    ck_assert_ptr_nonnull(tmp);
}

static void teardown(void)
{
    tfa_test_rmtree(tmp);
    free(tmp);
}

static char *path_in(const char *name)
{
    size_t n = strlen(tmp) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", tmp, name);
    return p;
}

static void write_sample(const char *path)
{
    tfa_bundle *b = NULL;
    json_t *extra = json_pack("{s:s}", "note", "sample");
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_bundle_new(&b, 1740823200, &err), &err);
    ck_assert_tfa_ok(tfa_bundle_add(b, "z.txt", "last\n", 5, &err), &err);
    ck_assert_tfa_ok(tfa_bundle_add(b, "a/b.txt", "first\n", 6, &err), &err);
    ck_assert_tfa_ok(tfa_bundle_add(b, "m.md", "", 0, &err), &err);
    ck_assert_tfa_ok(tfa_bundle_add_input(b, "1-plan.json", "{\"redacted\":true}", 17, &err), &err);
    ck_assert_int_eq(tfa_bundle_count(b), 4);
    ck_assert_tfa_ok(tfa_bundle_write(b, path, extra, &err), &err);
    tfa_bundle_free(b);
    json_decref(extra);
}

START_TEST(bundle_is_deterministic_and_sorted)
{
    char *p1 = path_in("one.tar.gz"), *p2 = path_in("two.tar.gz"), names[512] = "";
    size_t l1 = 0, l2 = 0;
    char *b1, *b2;
    struct archive *a = archive_read_new();
    struct archive_entry *e;

    write_sample(p1);
    write_sample(p2);
    b1 = tfa_test_read_file(p1, &l1);
    b2 = tfa_test_read_file(p2, &l2);
    ck_assert_uint_eq(l1, l2);
    ck_assert_int_eq(memcmp(b1, b2, l1), 0);
    ck_assert_int_eq((unsigned char)b1[0], 0x1f); /* gzip, with no timestamp in its header */
    ck_assert_int_eq(b1[4] | b1[5] | b1[6] | b1[7], 0);

    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    ck_assert_int_eq(archive_read_open_filename(a, p1, 65536), ARCHIVE_OK);
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        size_t n = strlen(names);
        snprintf(names + n, sizeof(names) - n, "%s%s", n ? " " : "", archive_entry_pathname(e));
        ck_assert_int_eq(archive_entry_mtime(e), 1740823200);
        ck_assert_int_eq(archive_entry_uid(e), 0);
        ck_assert_int_eq(archive_entry_gid(e), 0);
        ck_assert_int_eq(archive_entry_perm(e), 0644);
        ck_assert_str_eq(archive_entry_uname(e) ? archive_entry_uname(e) : "", "");
    }
    ck_assert_str_eq(names, "a/b.txt inputs/1-plan.json m.md z.txt manifest.json");
    archive_read_free(a);
    free(b1);
    free(b2);
    free(p1);
    free(p2);
}
END_TEST

START_TEST(bundle_refuses_bad_entry_names)
{
    static const char *const bad[] = {"",      "/etc/passwd",   "../x", "a/../b", "a//b",
                                      "a/./b", "manifest.json", "a\\b", "dir/"};
    tfa_bundle *b = NULL;
    tfa_error err;
    size_t i;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_bundle_new(&b, 0, &err), &err);
    for (i = 0; i < TFA_ARRAY_SIZE(bad); i++) {
        tfa_error_clear(&err);
        ck_assert_msg(tfa_bundle_add(b, bad[i], "x", 1, &err) == TFA_EUSAGE, "'%s'", bad[i]);
    }
    ck_assert_str_eq(err.message, "invalid bundle entry name 'dir/'");
    tfa_error_clear(&err);
    ck_assert_tfa_ok(tfa_bundle_add(b, "ok.txt", "x", 1, &err), &err);
    ck_assert_int_eq(tfa_bundle_add(b, "ok.txt", "y", 1, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, "bundle entry 'ok.txt' added twice");
    tfa_bundle_free(b);
}
END_TEST

START_TEST(bundle_verify_accepts_what_was_written)
{
    char *p = path_in("s.tar.gz");
    tfa_bundle_verification v;
    tfa_error err;

    write_sample(p);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_bundle_verify(&v, p, &err), &err);
    ck_assert_msg(v.valid, "%s", v.detail);
    ck_assert_uint_eq(v.files, 4);
    ck_assert_str_eq(json_string_value(json_object_get(v.manifest, "note")), "sample");
    tfa_bundle_verification_release(&v);
    free(p);
}
END_TEST

/* An archive appended to a bundle (cat bundle.tar.gz more.tar.gz) is read
 * past the first end-of-archive marker: its entry is not in the manifest. */
START_TEST(bundle_verify_reads_an_archive_appended_to_it)
{
    char *p = path_in("s.tar.gz"), *bundle, *joined;
    tfa_test_member m[] = {{"approval.txt", "approved by nobody\n", 19, 0, NULL}};
    size_t len, more_len;
    char *more =
        tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, m, 1, &more_len);
    tfa_bundle_verification v;
    tfa_error err;

    write_sample(p);
    ck_assert_ptr_nonnull(more);
    bundle = tfa_test_read_file(p, &len);
    ck_assert_ptr_nonnull(bundle);
    joined = malloc(len + more_len);
    memcpy(joined, bundle, len);
    memcpy(joined + len, more, more_len);
    ck_assert_int_eq(tfa_test_write_file(p, joined, len + more_len), 0);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_bundle_verify(&v, p, &err), &err);
    ck_assert(!v.valid);
    ck_assert_str_eq(v.detail, "'approval.txt' is not listed in the manifest");
    tfa_bundle_verification_release(&v);
    free(joined), free(bundle), free(more), free(p);
}
END_TEST

/* Bytes after the gzip stream's end: zero padding is taken, anything else
 * is a problem (gzip and GNU tar refuse it too), from a file or a stream. */
START_TEST(bundle_verify_refuses_data_after_its_end)
{
    char *p = path_in("s.tar.gz"), *bundle, *more, msg[128];
    tfa_bundle_verification v;
    tfa_stream *in = NULL;
    tfa_error err;
    size_t len;

    write_sample(p);
    bundle = tfa_test_read_file(p, &len);
    ck_assert_ptr_nonnull(bundle);
    more = calloc(1, len + 4096);
    memcpy(more, bundle, len);
    ck_assert_int_eq(tfa_test_write_file(p, more, len + 4096), 0);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_bundle_verify(&v, p, &err), &err);
    ck_assert_msg(v.valid, "%s", v.detail);
    tfa_bundle_verification_release(&v);
    memcpy(more + len + 100, "appended", 8);
    snprintf(msg, sizeof(msg),
             "data after the end of the bundle at byte %zu (something appended "
             "to it?)",
             len);
    ck_assert_int_eq(tfa_test_write_file(p, more, len + 4096), 0);
    ck_assert_tfa_ok(tfa_bundle_verify(&v, p, &err), &err);
    ck_assert(!v.valid);
    ck_assert_str_eq(v.detail, msg);
    tfa_bundle_verification_release(&v);
    ck_assert_tfa_ok(tfa_stream_open_memory(&in, "s3://b/s.tar.gz", more, len + 4096, &err), &err);
    ck_assert_tfa_ok(tfa_bundle_verify_stream(&v, in, &err), &err);
    ck_assert(!v.valid);
    ck_assert_str_eq(v.detail, msg);
    tfa_bundle_verification_release(&v);
    tfa_stream_free(in);
    free(more), free(bundle), free(p);
}
END_TEST

START_TEST(bundle_verify_reports_unreadable_files)
{
    char *p = path_in("junk.tar.gz"), *missing = path_in("none.tar.gz");
    tfa_bundle_verification v;
    tfa_error err;

    ck_assert_int_eq(tfa_test_write_file(p, "not an archive at all\n", 22), 0);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_bundle_verify(&v, p, &err), TFA_EINPUT);
    ck_assert_str_eq(err.source, p);
    tfa_bundle_verification_release(&v);
    tfa_error_clear(&err);
    ck_assert_int_eq(tfa_bundle_verify(&v, missing, &err), TFA_EIO);
    tfa_bundle_verification_release(&v);
    free(p);
    free(missing);
}
END_TEST

/* A ledger of three records from the live run model. */
static tfa_ledger *make_ledger(void)
{
    tfa_ledger_options o = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *l = NULL;
    char *db = path_in("ledger.db");
    tfa_error err;
    int i;

    tfa_error_init(&err);
    o.create = 1;
    ck_assert_tfa_ok(tfa_ledger_open(&l, db, &o, &err), &err);
    for (i = 0; i < 3; i++) {
        const char *verdict = i == 1 ? "NO-GO" : "GO";
        json_t *rec = test_record(verdict);
        tfa_ledger_entry e = {1740823200 + i * 60, "prod", NULL, "alice", verdict, "0.1.0", rec};
        ck_assert_tfa_ok(tfa_ledger_append(NULL, l, &e, &err), &err);
        json_decref(rec);
    }
    free(db);
    return l;
}

START_TEST(bundle_export_round_trips_a_ledger_record)
{
    tfa_ledger_export_options eo = TFA_LEDGER_EXPORT_OPTIONS_INIT;
    tfa_ledger_export_result res;
    tfa_bundle_verification v;
    tfa_ledger_record *rec = NULL;
    tfa_ledger *l = make_ledger();
    char *p = path_in("rec2.tar.gz"), *body;
    const json_t *lj;
    tfa_error err;

    tfa_error_init(&err);
    eo.include_inputs = 1;
    eo.tool_version = "0.1.0";
    ck_assert_tfa_ok(tfa_ledger_export(&res, l, 2, p, &eo, &err), &err);
    /* the plan goes in, redacted (parsers/plan_redact.h) */
    ck_assert_uint_eq(res.files, 5);
    ck_assert_uint_eq(res.n_omitted, 0);
    tfa_ledger_export_result_release(&res);

    ck_assert_tfa_ok(tfa_bundle_verify(&v, p, &err), &err);
    ck_assert_msg(v.valid, "%s", v.detail);
    ck_assert_tfa_ok(tfa_ledger_get(&rec, l, 2, &err), &err);
    lj = json_object_get(v.manifest, "ledger");
    ck_assert_int_eq(json_integer_value(json_object_get(lj, "id")), 2);
    ck_assert_str_eq(json_string_value(json_object_get(lj, "hash")), rec->hash);
    ck_assert_str_eq(json_string_value(json_object_get(lj, "prev_hash")), rec->prev_hash);
    ck_assert_int_eq(json_integer_value(json_object_get(lj, "head_id")), 3);
    ck_assert_str_eq(json_string_value(json_object_get(lj, "verdict")), "NO-GO");
    ck_assert(json_is_true(
        json_object_get(json_array_get(json_object_get(v.manifest, "inputs"), 0), "included")));
    body = sh_out("tar xzOf '%s' record.json", p);
    ck_assert_ptr_nonnull(body);
    ck_assert_str_eq(body, rec->body);
    free(body);
    body = sh_out("tar xzOf '%s' checklist.md", p);
    ck_assert_str_eq(body, json_string_value(
                               json_object_get(json_object_get(rec->record, "checklist"), "text")));
    free(body);

    /* the canary of the plan never reaches the bundle, compressed or not */
    ck_assert(file_contains(TEST_PLAN, TFA_TEST_CANARY));
    ck_assert(!file_contains(p, TFA_TEST_CANARY));
    ck_assert_int_eq(sh("gzip -dc '%s' | grep -q '%s'", p, TFA_TEST_CANARY), 1);
    ck_assert_int_eq(sh("gzip -dc '%s' | grep -q 'grafana_dashboard.telemetry'", p), 0);
    ck_assert_int_eq(sh("tar xzOf '%s' inputs/1-plan-canary.json | grep -q '(sensitive value)'", p),
                     0);

    tfa_bundle_verification_release(&v);
    tfa_ledger_record_free(rec);
    tfa_ledger_free(l);
    free(p);
}
END_TEST

/* Rewrite bundle `src` as `dst` the way a tamperer who knows the format
 * would: entry `name` edited (first `old` to `new`; `new` NULL drops the
 * entry; `old` NULL adds it with `new` as content), or, for manifest.json,
 * the manifest's JSON text edited the same way; then every digest and size
 * listed again. */
static void reseal(const char *src, const char *dst, const char *name, const char *old,
                   const char *new)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    json_t *manifest = NULL;
    tfa_bundle *b = NULL;
    tfa_error err;
    int added = 0;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_bundle_new(&b, 1740823200, &err), &err);
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    ck_assert_int_eq(archive_read_open_filename(a, src, 10240), ARCHIVE_OK);
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *n = archive_entry_pathname(e);
        size_t len = (size_t)archive_entry_size(e), cut;
        char *data = calloc(1, len + 1), *at;
        tfa_buf edited;
        ck_assert_int_eq(archive_read_data(a, data, len), (la_ssize_t)len);
        tfa_buf_init(&edited, TFA_BUF_NO_MAX);
        at = strcmp(n, name) == 0 && old ? strstr(data, old) : NULL;
        if (strcmp(n, name) == 0 && old)
            ck_assert_msg(at != NULL, "'%s' holds no '%s'", n, old);
        cut = at ? (size_t)(at - data) : len;
        tfa_buf_put(&edited, data, cut);
        if (at && new) {
            tfa_buf_puts(&edited, new);
            tfa_buf_puts(&edited, at + strlen(old));
        }
        if (strcmp(n, "manifest.json") == 0) {
            manifest = json_loadb(edited.ptr, edited.len, 0, NULL);
            ck_assert_ptr_nonnull(manifest);
            json_object_del(manifest, "files");
            json_object_del(manifest, "format");
        } else if (!(strcmp(n, name) == 0 && old && !new)) {
            ck_assert_tfa_ok(tfa_bundle_add(b, n, edited.ptr, edited.len, &err), &err);
        }
        tfa_buf_release(&edited);
        free(data);
    }
    if (!old && new) {
        ck_assert_tfa_ok(tfa_bundle_add(b, name, new, strlen(new), &err), &err);
        added = 1;
    }
    ck_assert(added == (!old && new));
    archive_read_free(a);
    ck_assert_tfa_ok(tfa_bundle_write(b, dst, manifest, &err), &err);
    tfa_bundle_free(b);
    json_decref(manifest);
}

/* Only record.json is vouched for (its hash in the chain, its signature):
 * every other entry a reader trusts is written from it, so bundle verify
 * writes it again. Before, a reseal with GO in report.md or the manifest
 * over a NO-GO record was "all hashes match", signature and all. */
START_TEST(bundle_verify_checks_what_is_written_from_the_record)
{
    static const struct {
        const char *name, *old, *new, *detail;
    } edits[] = {
        {"report.md", "NO-GO", "GO", "'report.md' is not what record.json says (edited)"},
        {"manifest.json", "\"verdict\": \"NO-GO\"", "\"verdict\": \"GO\"",
         "manifest.json: the ledger's \"verdict\" is not record.json's"},
        {"manifest.json", "\"workspace\": \"prod\"", "\"workspace\": \"staging\"",
         "manifest.json: the ledger's \"workspace\" is not record.json's"},
        {"checklist.md", "- [ ]", "- [x]", "'checklist.md' is not what record.json says (edited)"},
        {"checklist.md", "", NULL, "'checklist.md' is missing"},
        {"waivers.json", "\n", "\n\n", "'waivers.json' is not what record.json says (edited)"},
        {"manifest.json", "\"included\": true", "\"included\": false",
         "an input in the bundle is not one the manifest includes"},
        {"inputs/9-extra.json", NULL, "{}",
         "an input in the bundle is not one the manifest includes"},
        {"notes.txt", NULL, "trust me", "'notes.txt' is no file a ledger bundle holds"},
    };
    tfa_ledger_export_options eo = TFA_LEDGER_EXPORT_OPTIONS_INIT;
    tfa_ledger_export_result res;
    tfa_bundle_verification v;
    tfa_ledger *l = make_ledger();
    char *p = path_in("rec2.tar.gz"), *q = path_in("resealed.tar.gz");
    tfa_error err;
    size_t i;

    tfa_error_init(&err);
    eo.include_inputs = 1;
    ck_assert_tfa_ok(tfa_ledger_export(&res, l, 2, p, &eo, &err), &err);
    tfa_ledger_export_result_release(&res);
    reseal(p, q, "none", NULL, NULL); /* resealed untouched: still intact */
    ck_assert_tfa_ok(tfa_bundle_verify(&v, q, &err), &err);
    ck_assert_msg(v.valid, "%s", v.detail);
    tfa_bundle_verification_release(&v);
    for (i = 0; i < TFA_ARRAY_SIZE(edits); i++) {
        reseal(p, q, edits[i].name, edits[i].old, edits[i].new);
        ck_assert_tfa_ok(tfa_bundle_verify(&v, q, &err), &err);
        ck_assert_msg(!v.valid, "edit %zu passed", i);
        ck_assert_str_eq(v.detail, edits[i].detail);
        tfa_bundle_verification_release(&v);
    }
    tfa_ledger_free(l);
    free(p);
    free(q);
}
END_TEST

START_TEST(bundle_export_refuses_a_broken_chain_and_unknown_records)
{
    tfa_ledger_export_result res;
    tfa_ledger *l = make_ledger();
    char *p = path_in("x.tar.gz"), *db = path_in("ledger.db");
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_int_eq(tfa_ledger_export(&res, l, 9, p, NULL, &err), TFA_ENOTFOUND);
    ck_assert_str_eq(err.message, "no ledger record 9");
    tfa_ledger_export_result_release(&res);
    tfa_ledger_free(l);
    ck_assert_int_eq(sh("sqlite3 '%s' 'UPDATE records SET operator = NULL WHERE seq = 1'", db), 0);
    l = make_ledger();
    tfa_error_clear(&err);
    ck_assert_int_eq(tfa_ledger_export(&res, l, 2, p, NULL, &err), TFA_EINPUT);
    ck_assert_str_eq(err.message, "not exporting: the ledger chain is broken at record 1 (edited); "
                                  "run 'tfaudit ledger verify'");
    ck_assert_int_eq(access(p, F_OK), -1);
    tfa_ledger_export_result_release(&res);
    tfa_ledger_free(l);
    free(p);
    free(db);
}
END_TEST

/* ---- the streaming writer ------------------------------------------------------ */

/* A sink collecting the archive in memory. */
static int buf_sink(void *payload, const void *data, size_t len, tfa_error *err)
{
    return tfa_buf_put(payload, data, len) ? tfa_error_oom(err) : 0;
}

/* Entries stream in the order given, an input in uneven pieces, and the
 * archive verifies: every size and hash in the manifest matches. */
START_TEST(bundle_writer_streams_entries_in_order)
{
    size_t len = (3u << 20) + 7, off = 0, step = 1;
    unsigned char *data = malloc(len), d[TFA_SHA256_BYTES];
    char *p = path_in("streamed.tar.gz"), names[256] = "";
    json_t *extra = json_pack("{s:s}", "note", "streamed");
    tfa_bundle_writer *w = NULL;
    tfa_bundle_verification v;
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    tfa_error err;
    tfa_buf out;
    size_t i;

    for (i = 0; i < len; i++)
        data[i] = (unsigned char)(i * 2654435761u >> 13);
    tfa_sha256_digest(data, len, d);
    tfa_buf_init(&out, TFA_BUF_NO_MAX);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_bundle_writer_open(&w, 1740823200, buf_sink, &out, &err), &err);
    ck_assert_tfa_ok(tfa_bundle_writer_input_begin(w, "2-big.bin", len, &err), &err);
    while (off < len) {
        size_t n = len - off < step ? len - off : step;
        ck_assert_tfa_ok(tfa_bundle_writer_input_data(w, data + off, n, &err), &err);
        off += n;
        step = step * 3 + 1; /* 1, 4, 13, ... bytes: pieces across every boundary */
    }
    ck_assert_tfa_ok(tfa_bundle_writer_input_end(w, d, &err), &err);
    ck_assert_tfa_ok(tfa_bundle_writer_add_input(w, "1-plan.json", "{}", 2, NULL, &err), &err);
    ck_assert_tfa_ok(tfa_bundle_writer_close(w, extra, &err), &err);
    tfa_bundle_writer_free(w);
    ck_assert_int_eq(tfa_test_write_file(p, out.ptr, out.len), 0);

    ck_assert_tfa_ok(tfa_bundle_verify(&v, p, &err), &err);
    ck_assert_msg(v.valid, "%s", v.detail);
    ck_assert_uint_eq(v.files, 2);
    ck_assert_str_eq(json_string_value(json_object_get(v.manifest, "note")), "streamed");
    tfa_bundle_verification_release(&v);
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    ck_assert_int_eq(archive_read_open_filename(a, p, 65536), ARCHIVE_OK);
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        size_t n = strlen(names);
        snprintf(names + n, sizeof(names) - n, "%s%s", n ? " " : "", archive_entry_pathname(e));
    }
    ck_assert_str_eq(names, "inputs/2-big.bin inputs/1-plan.json manifest.json");
    archive_read_free(a);
    json_decref(extra);
    tfa_buf_release(&out);
    free(data);
    free(p);
}
END_TEST

/* An entry given fewer or more bytes than its header said fails the
 * writer for good (tar would pad a short one with zeros), and freeing the
 * failed writer hands the sink nothing more: no padding, no end. */
START_TEST(bundle_writer_refuses_an_entry_that_is_not_its_size)
{
    size_t len = 3u << 20, sent;
    char *data = calloc(1, len);
    unsigned char d[TFA_SHA256_BYTES] = {0};
    tfa_bundle_writer *w = NULL;
    tfa_error err;
    tfa_buf out;

    tfa_buf_init(&out, TFA_BUF_NO_MAX);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_bundle_writer_open(&w, 0, buf_sink, &out, &err), &err);
    ck_assert_tfa_ok(tfa_bundle_writer_input_begin(w, "short.bin", len + 1, &err), &err);
    ck_assert_int_eq(tfa_bundle_writer_input_begin(w, "other.bin", 1, &err), TFA_EUSAGE);
    ck_assert_str_eq(
        err.message,
        "bundle entry 'inputs/other.bin' added while 'inputs/short.bin' is unfinished");
    tfa_error_clear(&err);
    ck_assert_tfa_ok(tfa_bundle_writer_input_data(w, data, len, &err), &err);
    ck_assert_int_eq(tfa_bundle_writer_input_end(w, d, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message,
                     "bundle entry 'inputs/short.bin' got 3145728 of its 3145729 bytes");
    tfa_error_clear(&err);
    ck_assert_int_eq(tfa_bundle_writer_close(w, NULL, &err), TFA_EUSAGE);
    sent = out.len;
    tfa_bundle_writer_free(w);
    ck_assert_uint_eq(out.len, sent);

    tfa_buf_clear(&out);
    tfa_error_clear(&err);
    ck_assert_tfa_ok(tfa_bundle_writer_open(&w, 0, buf_sink, &out, &err), &err);
    ck_assert_tfa_ok(tfa_bundle_writer_input_begin(w, "long.bin", 3, &err), &err);
    ck_assert_int_eq(tfa_bundle_writer_input_data(w, "12345", 5, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, "bundle entry 'inputs/long.bin' given more than its 3 bytes");
    tfa_error_clear(&err);
    ck_assert_int_eq(tfa_bundle_writer_add_input(w, "x", "x", 1, NULL, &err), TFA_EUSAGE);
    tfa_bundle_writer_free(w);
    ck_assert_uint_eq(out.len, 0); /* nothing reached a whole block */
    tfa_buf_release(&out);
    free(data);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("bundle");
    TCase *tc = tcase_create("bundle");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, bundle_is_deterministic_and_sorted);
    tcase_add_test(tc, bundle_refuses_bad_entry_names);
    tcase_add_test(tc, bundle_verify_accepts_what_was_written);
    tcase_add_test(tc, bundle_verify_reads_an_archive_appended_to_it);
    tcase_add_test(tc, bundle_verify_refuses_data_after_its_end);
    tcase_add_test(tc, bundle_verify_reports_unreadable_files);
    tcase_add_test(tc, bundle_export_round_trips_a_ledger_record);
    tcase_add_test(tc, bundle_verify_checks_what_is_written_from_the_record);
    tcase_add_test(tc, bundle_export_refuses_a_broken_chain_and_unknown_records);
    tcase_add_test(tc, bundle_writer_streams_entries_in_order);
    tcase_add_test(tc, bundle_writer_refuses_an_entry_that_is_not_its_size);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
