/*
 * check_member_names.c - how readers take member names.
 *  - A name written with escapes is the name it decodes to, in every
 *    reader: "\u0061ctions" is "actions", as jq, Go and jansson read it.
 *    Compared as raw text, such a member was skipped, so a plan could say
 *    "delete" to the tools beside tfaudit and "no-op" to tfaudit.
 *  - A member that names a record or says what it does, given twice, is
 *    refused (tools differ on which one wins).
 */
#include "util/compat.h"

#include "scan.h"
#include "stream.h"
#include "testsupport.h"

/* Whether the first key of `doc` (an object) is `lit`. */
static int first_key_is(const char *doc, const char *lit)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    tfa_stream *in = NULL;
    tfa_scan *sc = NULL;
    tfa_token t;
    tfa_error err;
    int is;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_stream_open_memory(&in, "mem", doc, strlen(doc), &err), &err);
    ck_assert_tfa_ok(tfa_scan_new(&sc, in, &so, &err), &err);
    ck_assert_tfa_ok(tfa_scan_next(sc, &t, &err), &err);
    ck_assert_tfa_ok(tfa_scan_next(sc, &t, &err), &err);
    ck_assert_int_eq(t.type, TFA_TOK_KEY);
    is = tfa_token_is(&t, lit);
    tfa_scan_free(sc);
    tfa_stream_free(in);
    return is;
}

START_TEST(escaped_keys_compare_by_their_decoded_text)
{
    ck_assert(first_key_is("{\"actions\":1}", "actions"));
    ck_assert(first_key_is("{\"\\u0061ctions\":1}", "actions"));
    ck_assert(first_key_is("{\"\\u0061\\u0063\\u0074\\u0069\\u006F\\u006e\\u0073\":1}", "actions"));
    ck_assert(first_key_is("{\"a\\/b\":1}", "a/b"));
    ck_assert(first_key_is("{\"a\\\"b\\\\c\\td\":1}", "a\"b\\c\td"));
    ck_assert(!first_key_is("{\"\\u0061ctions\":1}", "action"));
    ck_assert(!first_key_is("{\"\\u0061ctions\":1}", "actionss"));
    ck_assert(!first_key_is("{\"actions\\u0000\":1}", "actions"));
    ck_assert(!first_key_is("{\"\\u0000\":1}", ""));
    ck_assert(!first_key_is("{\"\\u00e9\":1}", "e"));
    ck_assert(!first_key_is("{\"\\ud83d\\ude00\":1}", "?"));
    ck_assert(!first_key_is("{\"a\\nb\":1}", "anb"));
}
END_TEST

static const char plan_head[] = "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":"
                                "\"null_resource.a\",\"mode\":\"managed\",\"type\":"
                                "\"null_resource\",\"name\":\"a\",\"change\":{";

static tfa_action plan_action(const char *change_members)
{
    char doc[512];
    tfa_run *run = NULL;
    tfa_error err;
    tfa_action a;

    snprintf(doc, sizeof(doc), "%s%s}}]}", plan_head, change_members);
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "plan.json", doc, strlen(doc), TFA_KIND_PLAN, &err),
                     &err);
    ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_CHANGES), 1);
    a = tfa_run_change(run, TFA_LIST_CHANGES, 0)->action;
    tfa_run_free(run);
    return a;
}

/* The plan reader sees an escaped "actions" as jq does. */
START_TEST(plan_reads_escaped_member_names)
{
    ck_assert_int_eq(plan_action("\"\\u0061ctions\":[\"delete\"]"), TFA_ACTION_DELETE);
    ck_assert_int_eq(plan_action("\"actions\":[\"\\u0064elete\"]"), TFA_ACTION_DELETE);
}
END_TEST

/* A resource change whose actions, address or change are given twice
 * (escaped or not) is refused at the second: jq would read the last, other
 * tools the first, so which one decides is not the plan's to say. */
START_TEST(plan_refuses_a_change_member_given_twice)
{
    static const char *const cases[][2] = {
        {"{\"address\":\"null_resource.a\",\"change\":{\"actions\":[\"no-op\"],"
         "\"\\u0061ctions\":[\"delete\"]}}",
         "\"actions\" given twice"},
        {"{\"address\":\"null_resource.a\",\"address\":\"null_resource.b\",\"change\":{"
         "\"actions\":[\"delete\"]}}",
         "\"address\" given twice"},
        {"{\"address\":\"null_resource.a\",\"change\":{\"actions\":[\"delete\"]},"
         "\"change\":{\"actions\":[\"no-op\"]}}",
         "\"change\" given twice"},
        {"{\"address\":\"null_resource.a\",\"change\":{\"actions\":[\"update\"],"
         "\"after\":{\"x\":1},\"after\":{\"x\":2}}}",
         "\"after\" given twice"},
    };
    char doc[512];
    tfa_run *run = NULL;
    tfa_error err;
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        snprintf(doc, sizeof(doc), "{\"format_version\":\"1.2\",\"resource_changes\":[%s]}",
                 cases[i][0]);
        tfa_error_init(&err);
        ck_assert_int_eq(
            tfa_test_load_mem(&run, "plan.json", doc, strlen(doc), TFA_KIND_PLAN, &err),
            TFA_EINPUT);
        ck_assert_str_eq(err.message, cases[i][1]);
        ck_assert_uint_eq(err.line, 1);
        tfa_run_free(run);
        run = NULL;
    }
}
END_TEST

/* A UI log message with a second, escaped "type" is refused like any
 * message with two. */
START_TEST(ui_log_sees_an_escaped_type)
{
    static const char log[] =
        "{\"type\":\"log\"}\n"
        "{\"hook\":{\"resource\":{\"addr\":\"null_resource.a\"},\"action\":\"create\"},"
        "\"type\":\"refresh_start\",\"\\u0074ype\":\"apply_errored\"}\n";
    tfa_run *run = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_int_eq(tfa_test_load_mem(&run, "mem.log", log, strlen(log), TFA_KIND_UI_LOG, &err),
                     TFA_EINPUT);
    ck_assert_str_eq(err.message, "a UI log message with two \"type\" members");
    ck_assert_uint_eq(err.line, 2);
}
END_TEST

/* A UI log message whose counts, diagnostic or resource say a thing twice
 * is refused at the second: a change_summary with "remove":1 then
 * "remove":0 would hide a destroy from whoever reads the last. */
START_TEST(ui_log_refuses_a_member_given_twice)
{
    static const char *const cases[][2] = {
        {"{\"@level\":\"info\",\"@message\":\"m\",\"type\":\"change_summary\",\"changes\":{"
         "\"add\":0,\"change\":0,\"remove\":1,\"remove\":0,\"operation\":\"apply\"}}",
         "\"remove\" given twice"},
        {"{\"@level\":\"info\",\"@message\":\"m\",\"type\":\"change_summary\",\"changes\":{"
         "\"add\":0,\"change\":0,\"remove\":1,\"operation\":\"apply\"},\"changes\":{\"add\":0,"
         "\"change\":0,\"remove\":0,\"operation\":\"apply\"}}",
         "\"changes\" given twice"},
        {"{\"@level\":\"error\",\"@message\":\"m\",\"type\":\"diagnostic\",\"diagnostic\":{"
         "\"severity\":\"error\",\"\\u0073everity\":\"warning\",\"summary\":\"x\"}}",
         "\"severity\" given twice"},
        {"{\"@level\":\"info\",\"@message\":\"m\",\"type\":\"apply_errored\",\"hook\":{"
         "\"resource\":{\"addr\":\"null_resource.a\",\"addr\":\"null_resource.b\"},\"action\":"
         "\"delete\"}}",
         "\"addr\" given twice"},
    };
    char log[1024];
    tfa_run *run = NULL;
    tfa_error err;
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        snprintf(log, sizeof(log), "{\"type\":\"log\"}\n%s\n", cases[i][0]);
        tfa_error_init(&err);
        ck_assert_int_eq(
            tfa_test_load_mem(&run, "mem.log", log, strlen(log), TFA_KIND_UI_LOG, &err),
            TFA_EINPUT);
        ck_assert_str_eq(err.message, cases[i][1]);
        ck_assert_uint_eq(err.line, 2);
        tfa_run_free(run);
        run = NULL;
    }
}
END_TEST

static int load_state(const char *resource, tfa_error *err)
{
    char doc[512];
    tfa_run *run = NULL;
    int rc;

    snprintf(doc, sizeof(doc), "{\"version\":4,\"serial\":1,\"lineage\":\"l\",\"resources\":[%s]}",
             resource);
    tfa_error_init(err);
    rc = tfa_test_load_mem(&run, "state.json", doc, strlen(doc), TFA_KIND_STATE, err);
    tfa_run_free(run);
    return rc;
}

/* A state resource's type, name or instances given twice (the second
 * escaped or not) is an error at the second, not whichever came last. */
START_TEST(state_refuses_a_resource_named_twice)
{
    static const char *const cases[][2] = {
        {"{\"mode\":\"managed\",\"type\":\"null_resource\",\"name\":\"a\",\"name\":\"b\","
         "\"instances\":[{\"attributes\":{}}]}",
         "\"name\" given twice"},
        {"{\"mode\":\"managed\",\"type\":\"null_resource\",\"\\u0074ype\":\"aws_db\",\"name\":"
         "\"a\",\"instances\":[{\"attributes\":{}}]}",
         "\"type\" given twice"},
        {"{\"mode\":\"managed\",\"type\":\"null_resource\",\"name\":\"a\",\"instances\":[],"
         "\"instances\":[{\"attributes\":{}}]}",
         "\"instances\" given twice"},
    };
    tfa_error err;
    size_t i;

    ck_assert_tfa_ok(
        load_state("{\"mode\":\"managed\",\"type\":\"null_resource\",\"\\u006eame\":\"a\","
                   "\"instances\":[{\"attributes\":{}}]}",
                   &err),
        &err);
    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        ck_assert_int_eq(load_state(cases[i][0], &err), TFA_EINPUT);
        ck_assert_str_eq(err.message, cases[i][1]);
        ck_assert_uint_eq(err.line, 1);
    }
}
END_TEST

/* A document given through `kind`: the error message of loading it, or ""
 * when it loads. */
static const char *load_doc(const char *doc, tfa_kind kind, tfa_error *err)
{
    tfa_run *run = NULL;
    int rc;

    tfa_error_init(err);
    rc = tfa_test_load_mem(&run, kind == TFA_KIND_PLAN ? "plan.json" : "state.json", doc,
                           strlen(doc), kind, err);
    tfa_run_free(run);
    return rc ? err->message : "";
}

/* `tmpl` with its '@' replaced by `with`, into out. */
static void fill(char *out, size_t n, const char *tmpl, const char *with)
{
    const char *at = strchr(tmpl, '@');
    ck_assert_ptr_nonnull(at);
    ck_assert_int_lt(snprintf(out, n, "%.*s%s%s", (int)(at - tmpl), tmpl, with, at + 1), (int)n);
}

/* The members of a plan or state document above its resources, given
 * twice: refused at the second. Before, the reader merged them (both
 * change lists, the tristates and-ed), a reading no other tool has: Go
 * and jq keep the last, so a state whose second "resources" is empty was
 * an empty state to Terraform and two resources here. */
START_TEST(documents_refuse_a_top_member_given_twice)
{
    static const char rc[] = "\"resource_changes\":[{\"address\":\"null_resource.a\",\"mode\":"
                             "\"managed\",\"type\":\"null_resource\",\"name\":\"a\",\"change\":"
                             "{\"actions\":[\"no-op\"]}}]";
    static const char res[] = "{\"mode\":\"managed\",\"type\":\"null_resource\",\"name\":\"a\","
                              "\"instances\":[{\"attributes\":{}}]}";
    static const char jres[] = "{\"address\":\"null_resource.a\",\"mode\":\"managed\",\"type\":"
                               "\"null_resource\",\"name\":\"a\",\"values\":{}}";
    static const char *const plans[][2] = {
        {"{\"format_version\":\"1.2\",@,\"resource_changes\":[]}",
         "\"resource_changes\" given twice"},
        {"{\"format_version\":\"1.2\",@,\"\\u0072esource_drift\":[],\"resource_drift\":[]}",
         "\"resource_drift\" given twice"},
        {"{\"format_version\":\"1.2\",@,\"complete\":true,\"complete\":false}",
         "\"complete\" given twice"},
        {"{\"format_version\":\"1.2\",@,\"errored\":false,\"errored\":true}",
         "\"errored\" given twice"},
        {"{\"format_version\":\"1.2\",@,\"format_version\":\"1.2\"}",
         "\"format_version\" given twice"},
    };
    static const char *const states[][3] = {
        {"{\"version\":4,\"serial\":1,\"resources\":[@],\"resources\":[]}",
         "\"resources\" given twice", res},
        {"{\"version\":4,\"serial\":1,\"serial\":2,\"resources\":[@]}", "\"serial\" given twice",
         res},
        {"{\"format_version\":\"1.0\",\"values\":{\"root_module\":{\"resources\":[@]}},"
         "\"values\":{}}",
         "\"values\" given twice", jres},
        {"{\"format_version\":\"1.0\",\"values\":{\"root_module\":{\"resources\":[@]},"
         "\"root_module\":{}}}",
         "\"root_module\" given twice", jres},
        {"{\"format_version\":\"1.0\",\"values\":{\"root_module\":{\"resources\":[@],"
         "\"resources\":[]}}}",
         "\"resources\" given twice", jres},
        {"{\"format_version\":\"1.0\",\"values\":{\"root_module\":{\"child_modules\":[],"
         "\"child_modules\":[{\"resources\":[@]}]}}}",
         "\"child_modules\" given twice", jres},
        {"{\"version\":4,\"serial\":1,\"resources\":[{\"mode\":\"managed\",\"type\":\"t\","
         "\"name\":\"a\",\"instances\":[{\"index_key\":1,\"index_key\":2}]}]@}",
         "\"index_key\" given twice", ""},
        {"{\"version\":3,\"serial\":1,\"modules\":[{\"path\":[\"root\"],\"resources\":{},"
         "\"resources\":{\"null_resource.a\":{}}}]@}",
         "\"resources\" given twice", ""},
    };
    char doc[1024];
    tfa_error err;
    size_t i;

    fill(doc, sizeof(doc), "{\"format_version\":\"1.2\",@}", rc);
    ck_assert_str_eq(load_doc(doc, TFA_KIND_PLAN, &err), "");
    for (i = 0; i < TFA_ARRAY_SIZE(plans); i++) {
        fill(doc, sizeof(doc), plans[i][0], rc);
        ck_assert_str_eq(load_doc(doc, TFA_KIND_PLAN, &err), plans[i][1]);
        ck_assert_int_eq(err.status, TFA_EINPUT);
    }
    for (i = 0; i < TFA_ARRAY_SIZE(states); i++) {
        fill(doc, sizeof(doc), states[i][0], states[i][2]);
        ck_assert_str_eq(load_doc(doc, TFA_KIND_STATE, &err), states[i][1]);
        ck_assert_int_eq(err.status, TFA_EINPUT);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("member_names");
    TCase *tc = tcase_create("member_names");

    tcase_add_test(tc, escaped_keys_compare_by_their_decoded_text);
    tcase_add_test(tc, plan_reads_escaped_member_names);
    tcase_add_test(tc, plan_refuses_a_change_member_given_twice);
    tcase_add_test(tc, ui_log_sees_an_escaped_type);
    tcase_add_test(tc, ui_log_refuses_a_member_given_twice);
    tcase_add_test(tc, state_refuses_a_resource_named_twice);
    tcase_add_test(tc, documents_refuse_a_top_member_given_twice);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
