/*
 * check_plan_redact.c - the plan and state JSON redactor (plan_redact.h):
 * exact output on small documents, the canary gone from every fixture that
 * carries it, every other byte unchanged (checked token by token), and the
 * redacted plans of the fixtures and the corpus reading back to the same
 * facts and the same changed attribute paths.
 */
#include "util/compat.h"

#include <dirent.h>

#include "plan_redact.h"
#include "scan.h"
#include "testsupport.h"
#include "util/alloc.h"
#include "util/buf.h"

static char *redact(const char *doc, size_t len, tfa_kind kind, size_t *out_len, size_t *values)
{
    tfa_redact_stats st = {0};
    tfa_error err;
    tfa_buf out;
    char *p;

    tfa_error_init(&err);
    tfa_buf_init(&out, TFA_BUF_NO_MAX);
    ck_assert_tfa_ok(tfa_plan_redact(&out, kind, "doc.json", doc, len, &st, &err), &err);
    if (values)
        *values = st.values;
    p = tfa_buf_detach(&out, out_len);
    return p;
}

static void assert_redacts_to(const char *doc, const char *want, size_t values)
{
    size_t n = 0, len;
    char *got = redact(doc, strlen(doc), TFA_KIND_PLAN, &len, &n);
    ck_assert_str_eq(got, want);
    ck_assert_uint_eq(n, values);
    tfa_free(got);
}

START_TEST(redact_change_values_by_their_marks)
{
    assert_redacts_to(
        "{\"resource_changes\": [{\"address\": \"a.b\", \"change\": {\"actions\": [\"update\"],\n"
        " \"before\": {\"pw\": \"s1\", \"user\": \"u\", \"m\": {\"k\": 1}},\n"
        " \"after\": {\"pw\": \"s2\", \"user\": \"u\", \"m\": {\"k\": 1}},\n"
        " \"after_unknown\": {}, \"before_sensitive\": {\"pw\": true, \"m\": true},\n"
        " \"after_sensitive\": {\"pw\": true, \"m\": true}}}]}",
        "{\"resource_changes\": [{\"address\": \"a.b\", \"change\": {\"actions\": [\"update\"],\n"
        " \"before\": {\"pw\": \"(sensitive value)\", \"user\": \"u\", \"m\": \"(sensitive "
        "value)\"},\n"
        " \"after\": {\"pw\": \"(sensitive value, changed)\", \"user\": \"u\", \"m\": "
        "\"(sensitive value)\"},\n"
        " \"after_unknown\": {}, \"before_sensitive\": {\"pw\": true, \"m\": true},\n"
        " \"after_sensitive\": {\"pw\": true, \"m\": true}}}]}",
        4);
}
END_TEST

START_TEST(redact_fails_closed_without_marks)
{
    /* format 0.1: no marks at all, so nothing can be trusted */
    assert_redacts_to("{\"resource_changes\": [{\"change\": {\"actions\": [\"create\"], "
                      "\"before\": null, \"after\": {\"a\": 1}}}], \"mystery\": \"x\", \"n\": 3}",
                      "{\"resource_changes\": [{\"change\": {\"actions\": [\"create\"], "
                      "\"before\": null, \"after\": \"(sensitive value)\"}}], \"mystery\": "
                      "\"(sensitive value)\", \"n\": 3}",
                      2);
}
END_TEST

START_TEST(redact_marks_deeper_than_the_value)
{
    /* the mark says a.b, the value at a is a string: replace the string */
    assert_redacts_to(
        "{\"planned_values\": {\"root_module\": {\"resources\": [{\"values\": "
        "{\"a\": \"x\", \"c\": [], \"d\": null}, \"sensitive_values\": {\"a\": {\"b\": "
        "true}, \"c\": true, \"d\": true}}]}}}",
        "{\"planned_values\": {\"root_module\": {\"resources\": [{\"values\": "
        "{\"a\": \"(sensitive value)\", \"c\": [], \"d\": null}, "
        "\"sensitive_values\": {\"a\": {\"b\": true}, \"c\": true, \"d\": true}}]}}}",
        1);
}
END_TEST

START_TEST(redact_variables_declared_later)
{
    assert_redacts_to(
        "{\"variables\": {\"pw\": {\"value\": \"s\"}, \"region\": {\"value\": \"eu\"}, "
        "\"undeclared\": {\"value\": \"u\"}}, \"configuration\": {\"root_module\": "
        "{\"variables\": {\"pw\": {\"default\": \"d\", \"sensitive\": true}, \"region\": "
        "{\"default\": \"eu\"}}, \"resources\": [{\"expressions\": {\"k\": {\"constant_value\": "
        "\"lit\"}}}]}}}",
        "{\"variables\": {\"pw\": {\"value\": \"(sensitive value)\"}, \"region\": {\"value\": "
        "\"eu\"}, \"undeclared\": {\"value\": \"(sensitive value)\"}}, \"configuration\": "
        "{\"root_module\": {\"variables\": {\"pw\": {\"default\": \"(sensitive value)\", "
        "\"sensitive\": true}, \"region\": {\"default\": \"eu\"}}, \"resources\": "
        "[{\"expressions\": {\"k\": {\"constant_value\": \"(sensitive value)\"}}}]}}}",
        4);
}
END_TEST

START_TEST(redact_replace_path_into_a_sensitive_map)
{
    assert_redacts_to(
        "{\"resource_changes\": [{\"change\": {\"actions\": [\"delete\", \"create\"], \"before\": "
        "{\"m\": {\"key\": 1}}, \"after\": {\"m\": {\"key\": 2}}, \"before_sensitive\": {\"m\": "
        "true}, \"after_sensitive\": {}, \"replace_paths\": [[\"m\", \"key\"], [\"name\"]]}}]}",
        "{\"resource_changes\": [{\"change\": {\"actions\": [\"delete\", \"create\"], \"before\": "
        "{\"m\": \"(sensitive value)\"}, \"after\": {\"m\": \"(sensitive value, changed)\"}, "
        "\"before_sensitive\": {\"m\": true}, \"after_sensitive\": {}, \"replace_paths\": "
        "[[\"m\", \"(sensitive value)\"], [\"name\"]]}}]}",
        3);
}
END_TEST

START_TEST(redact_equal_values_in_another_spelling_are_unchanged)
{
    /* 1.5e0 and 1.5, escaped and plain strings, null and absent: the same */
    assert_redacts_to(
        "{\"output_changes\": {\"o\": {\"actions\": [\"update\"], \"before\": {\"a\": 1.5, \"b\": "
        "\"x\", \"c\": null}, \"after\": {\"b\": \"\\u0078\", \"a\": 1.5e0}, \"before_sensitive\": "
        "true, \"after_sensitive\": true}}}",
        "{\"output_changes\": {\"o\": {\"actions\": [\"update\"], \"before\": \"(sensitive "
        "value)\", \"after\": \"(sensitive value)\", \"before_sensitive\": true, "
        "\"after_sensitive\": true}}}",
        2);
}
END_TEST

START_TEST(redact_refuses_raw_tfstate)
{
    const char *doc = "{\"version\": 4, \"resources\": []}";
    tfa_error err;
    tfa_buf out;
    char line[1024];

    tfa_error_init(&err);
    tfa_buf_init(&out, TFA_BUF_NO_MAX);
    ck_assert_int_eq(
        tfa_plan_redact(&out, TFA_KIND_STATE, "s.tfstate", doc, strlen(doc), NULL, &err),
        TFA_EINPUT);
    tfa_error_format(&err, line, sizeof(line));
    ck_assert_str_eq(line, "s.tfstate:1:2: a raw terraform.tfstate cannot be redacted (use the "
                           "output of 'terraform show -json')");
    tfa_buf_release(&out);
}
END_TEST

/* ---- whole documents ----------------------------------------------------------- */

static int is_marker(const tfa_token *t)
{
    return t->type == TFA_TOK_STR &&
           (tfa_token_is(t, TFA_REDACTED) || tfa_token_is(t, TFA_REDACTED_CHANGED));
}

/*
 * Walk the input and its redaction in step: the bytes between tokens and
 * every token must be equal, except that a marker string in the output
 * stands for one whole value of the input. Returns the markers seen.
 */
static size_t assert_same_outside_markers(const char *in, size_t in_len, const char *out,
                                          size_t out_len)
{
    tfa_stream *si = NULL, *so = NULL;
    tfa_scan *a = NULL, *b = NULL;
    tfa_scan_options opts = TFA_SCAN_OPTIONS_INIT;
    uint64_t ai = 0, bi = 0;
    size_t markers = 0;
    tfa_token ta, tb;
    tfa_error err;

    tfa_error_init(&err);
    opts.ci_noise = 1;
    ck_assert_tfa_ok(tfa_stream_open_memory(&si, "in", in, in_len, &err), &err);
    ck_assert_tfa_ok(tfa_stream_open_memory(&so, "out", out, out_len, &err), &err);
    ck_assert_tfa_ok(tfa_scan_new(&a, si, &opts, &err), &err);
    ck_assert_tfa_ok(tfa_scan_new(&b, so, &opts, &err), &err);
    for (;;) {
        ck_assert_tfa_ok(tfa_scan_next(a, &ta, &err), &err);
        ck_assert_tfa_ok(tfa_scan_next(b, &tb, &err), &err);
        /* the gap before the token */
        ck_assert_uint_eq(ta.pos.offset - ai, tb.pos.offset - bi);
        ck_assert_int_eq(memcmp(in + ai, out + bi, (size_t)(ta.pos.offset - ai)), 0);
        if (tb.type == TFA_TOK_EOF) {
            ck_assert_int_eq(ta.type, TFA_TOK_EOF);
            break;
        }
        if (is_marker(&tb) && !is_marker(&ta)) {
            ck_assert_int_ne(ta.type, TFA_TOK_KEY);
            ck_assert_tfa_ok(tfa_scan_skip(a, &ta, &err), &err);
            markers++;
        } else {
            uint64_t la = tfa_scan_pos(a).offset - ta.pos.offset;
            ck_assert_int_eq(ta.type, tb.type);
            ck_assert_uint_eq(la, tfa_scan_pos(b).offset - tb.pos.offset);
            ck_assert_int_eq(memcmp(in + ta.pos.offset, out + tb.pos.offset, (size_t)la), 0);
        }
        ai = tfa_scan_pos(a).offset;
        bi = tfa_scan_pos(b).offset;
    }
    ck_assert_uint_eq(in_len - ai, out_len - bi);
    ck_assert_int_eq(memcmp(in + ai, out + bi, in_len - ai), 0);
    tfa_scan_free(a);
    tfa_scan_free(b);
    tfa_stream_free(si);
    tfa_stream_free(so);
    return markers;
}

static const char *changed_text(const tfa_change *c, tfa_buf *b)
{
    size_t i;
    tfa_buf_clear(b);
    for (i = 0; i < c->n_changed; i++)
        tfa_buf_printf(b, "%s%s%s", i ? "," : "", c->changed[i],
                       c->changed_sensitive[i] ? "*" : "");
    for (i = 0; i < c->n_replace_paths; i++)
        tfa_buf_printf(b, " R:%s", c->replace_paths[i]);
    return b->ptr;
}

/* Same facts and same changed paths from the original and the redaction.
 * `exact_paths` is off for documents that fail closed on missing marks. */
static void assert_same_run(const char *path, const char *in, size_t in_len, const char *out,
                            size_t out_len, int exact_paths)
{
    tfa_run *ra = NULL, *rb = NULL;
    const tfa_input *ia, *ib;
    tfa_buf pa, pb;
    tfa_error err;
    int list;
    size_t i;

    tfa_error_init(&err);
    tfa_buf_init(&pa, TFA_BUF_NO_MAX);
    tfa_buf_init(&pb, TFA_BUF_NO_MAX);
    ck_assert_tfa_ok(tfa_test_load_mem(&ra, path, in, in_len, TFA_KIND_UNKNOWN, &err), &err);
    ck_assert_tfa_ok(tfa_test_load_mem(&rb, path, out, out_len, TFA_KIND_UNKNOWN, &err), &err);
    ia = tfa_run_input(ra, 0), ib = tfa_run_input(rb, 0);
    ck_assert_int_eq(ia->kind, ib->kind);
    if (ia->kind == TFA_KIND_PLAN) {
        ck_assert_int_eq(memcmp(ia->plan.actions, ib->plan.actions, sizeof(ia->plan.actions)), 0);
        ck_assert_int_eq(memcmp(&ia->plan.counts, &ib->plan.counts, sizeof(ia->plan.counts)), 0);
        ck_assert_int_eq(ia->plan.drift, ib->plan.drift);
        ck_assert_int_eq(ia->plan.deferred, ib->plan.deferred);
        ck_assert_int_eq(ia->plan.outputs, ib->plan.outputs);
        ck_assert_int_eq(ia->plan.variables, ib->plan.variables);
        ck_assert_int_eq(ia->plan.applyable, ib->plan.applyable);
        ck_assert_int_eq(ia->plan.errored, ib->plan.errored);
        ck_assert_int_eq(ia->plan.complete, ib->plan.complete);
    } else {
        ck_assert_int_eq(ia->state.resources, ib->state.resources);
        ck_assert_int_eq(ia->state.outputs, ib->state.outputs);
    }
    ck_assert_int_eq(tfa_run_output_count(ra), tfa_run_output_count(rb));
    for (i = 0; i < tfa_run_output_count(ra); i++)
        ck_assert_int_eq(tfa_run_output(ra, i)->sensitive, tfa_run_output(rb, i)->sensitive);
    for (list = 0; list < 3; list++) {
        ck_assert_uint_eq(tfa_run_change_count(ra, (tfa_list)list),
                          tfa_run_change_count(rb, (tfa_list)list));
        for (i = 0; i < tfa_run_change_count(ra, (tfa_list)list); i++) {
            const tfa_change *ca = tfa_run_change(ra, (tfa_list)list, i);
            const tfa_change *cb = tfa_run_change(rb, (tfa_list)list, i);
            ck_assert_str_eq(ca->res.address, cb->res.address);
            ck_assert_int_eq(ca->action, cb->action);
            if (exact_paths)
                ck_assert_msg(strcmp(changed_text(ca, &pa), changed_text(cb, &pb)) == 0,
                              "%s %s: changed paths '%s' became '%s'", path, ca->res.address,
                              pa.ptr, pb.ptr);
        }
    }
    tfa_buf_release(&pa);
    tfa_buf_release(&pb);
    tfa_run_free(ra);
    tfa_run_free(rb);
}

/* Redact one file and check all of the above; returns the values replaced. */
static size_t check_file(const char *path, tfa_kind kind, int canary, const char *secret)
{
    size_t len, out_len, values = 0, markers;
    char *in = tfa_test_read_file(path, &len), *out;
    int exact =
        !strstr(in, "\"format_version\": \"0.1\"") && !strstr(in, "\"format_version\":\"0.1\"");

    ck_assert_ptr_nonnull(in);
    out = redact(in, len, kind, &out_len, &values);
    if (canary)
        ck_assert_msg(!tfa_test_contains(out, out_len, TFA_TEST_CANARY), "%s: canary left", path);
    if (secret)
        ck_assert_msg(!tfa_test_contains(out, out_len, secret), "%s: '%s' left", path, secret);
    markers = assert_same_outside_markers(in, len, out, out_len);
    ck_assert_uint_le(markers, values);
    assert_same_run(path, in, len, out, out_len, exact);
    tfa_free(out);
    free(in);
    return values;
}

START_TEST(redact_canary_fixtures)
{
    ck_assert_uint_eq(check_file("fixtures/plans/sensitive-canary.json", TFA_KIND_PLAN, 1, NULL),
                      12);
    ck_assert_uint_ge(check_file("fixtures/plans/grafana-sensitive.json", TFA_KIND_PLAN, 1, NULL),
                      5);
    ck_assert_uint_ge(check_file("fixtures/plans/actions-all.json", TFA_KIND_PLAN, 1, NULL), 2);
    ck_assert_uint_ge(check_file("fixtures/ledger/plan-canary.json", TFA_KIND_PLAN, 1, NULL), 1);
    check_file("fixtures/plans/grafana-clean.json", TFA_KIND_PLAN, 0, NULL);
    check_file("fixtures/plans/grafana-drift.json", TFA_KIND_PLAN, 0, NULL);
    check_file("fixtures/verify/plan.json", TFA_KIND_PLAN, 0, NULL);
}
END_TEST

START_TEST(redact_corpus_sensitive_values_plan)
{
    char *p = tfa_test_need_corpus_path(
        "plan-json/"
        "hashicorp-terraform__command__testdata__show-json__sensitive-values__output.json");
    /* "boop" is the sensitive variable (value and default), attribute and
     * output value (planned, prior and changed) */
    ck_assert_uint_eq(check_file(p, TFA_KIND_PLAN, 0, "boop"), 7);
    free(p);
}
END_TEST

static void corpus_dir(const char *dir, tfa_kind kind)
{
    char *base = tfa_test_need_corpus_path(dir), path[2048];
    struct dirent *e;
    DIR *d;
    size_t n = 0;

    d = opendir(base);
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        tfa_run *run = NULL;
        tfa_error err;
        size_t len;
        char *data;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", base, e->d_name);
        tfa_error_init(&err);
        data = tfa_test_read_file(path, &len);
        /* only what the readers take as this kind (the corpus has broken files too) */
        if (tfa_test_load_mem(&run, path, data, len, TFA_KIND_UNKNOWN, &err) == 0 &&
            tfa_run_input(run, 0)->kind == kind &&
            !(kind == TFA_KIND_STATE && tfa_run_input(run, 0)->state.state_version >= 0)) {
            check_file(path, kind, 0, NULL);
            n++;
        }
        tfa_run_free(run);
        free(data);
    }
    closedir(d);
    free(base);
    ck_assert_uint_gt(n, 3);
}

START_TEST(redact_every_corpus_plan)
{
    corpus_dir("plan-json", TFA_KIND_PLAN);
}
END_TEST

START_TEST(redact_every_corpus_state)
{
    corpus_dir("state-json", TFA_KIND_STATE);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("plan_redact");
    TCase *tc = tcase_create("redact");
    tcase_add_test(tc, redact_change_values_by_their_marks);
    tcase_add_test(tc, redact_fails_closed_without_marks);
    tcase_add_test(tc, redact_marks_deeper_than_the_value);
    tcase_add_test(tc, redact_variables_declared_later);
    tcase_add_test(tc, redact_replace_path_into_a_sensitive_map);
    tcase_add_test(tc, redact_equal_values_in_another_spelling_are_unchanged);
    tcase_add_test(tc, redact_refuses_raw_tfstate);
    tcase_add_test(tc, redact_canary_fixtures);
    suite_add_tcase(s, tc);
    tc = tfa_test_corpus_case("corpus");
    tcase_add_test(tc, redact_corpus_sensitive_values_plan);
    tcase_add_test(tc, redact_every_corpus_plan);
    tcase_add_test(tc, redact_every_corpus_state);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
