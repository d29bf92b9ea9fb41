/*
 * check_text_grammar.c - the one-line recognizers of text logs
 * (parsers/text_grammar.h): summary lines, progress lines, change headers,
 * durations and attribute names, as table-driven cases.
 */
#include "util/compat.h"

#include "testsupport.h"
#include "text_grammar.h"
#include "text_markers.h"

static const struct summary_case {
    const char *line;
    int ok;
    tfa_text_op op;
    int no_changes;
    long add, change, destroy, import, forget;
} summary_cases[] = {
    {"Plan: 1 to add, 2 to change, 3 to destroy.", 1, TFA_TEXT_OP_PLAN, 0, 1, 2, 3, 0, 0},
    {"Plan: 4 to import, 1 to add, 0 to change, 0 to destroy.", 1, TFA_TEXT_OP_PLAN, 0, 1, 0, 0, 4,
     0},
    {"Plan: 1 to import, 1 to add, 0 to change, 0 to destroy, 2 to forget.", 1, TFA_TEXT_OP_PLAN, 0,
     1, 0, 0, 1, 2},
    {"Plan: 0 to add, 0 to change, 0 to destroy. Actions: 1 to invoke.", 1, TFA_TEXT_OP_PLAN, 0, 0,
     0, 0, 0, 0},
    {"No changes. Your infrastructure matches the configuration.", 1, TFA_TEXT_OP_PLAN, 1, 0, 0, 0,
     0, 0},
    {"No changes.", 1, TFA_TEXT_OP_PLAN, 1, 0, 0, 0, 0, 0},
    {"Apply complete! Resources: 2 imported, 1 added, 0 changed, 5 destroyed.", 1,
     TFA_TEXT_OP_APPLY, 0, 1, 0, 5, 2, 0},
    {"Apply complete! Resources: 0 added, 0 changed, 0 destroyed, 3 forgotten.", 1,
     TFA_TEXT_OP_APPLY, 0, 0, 0, 0, 0, 3},
    {"Destroy complete! Resources: 7 destroyed.", 1, TFA_TEXT_OP_DESTROY, 0, 0, 0, 7, 0, 0},
    {"Plan: 1 to add, 2 to change.", 0, 0, 0, 0, 0, 0, 0, 0},
    {"Plan: one to add, 0 to change, 0 to destroy.", 0, 0, 0, 0, 0, 0, 0, 0},
    {"No changes were made", 0, 0, 0, 0, 0, 0, 0, 0},
    {"Apply complete! Resources: 1 added, 0 changed, 0 destroyed", 0, 0, 0, 0, 0, 0, 0, 0},
    {" Plan: 1 to add, 0 to change, 0 to destroy.", 0, 0, 0, 0, 0, 0, 0, 0},
};

START_TEST(text_grammar_reads_summary_lines)
{
    const struct summary_case *c = &summary_cases[_i];
    tfa_text_summary s;
    int ok = tfa_text_summary_parse(c->line, strlen(c->line), &s);

    ck_assert_msg(ok == c->ok, "'%s': %d", c->line, ok);
    if (!ok)
        return;
    ck_assert_int_eq(s.op, c->op);
    ck_assert_int_eq(s.no_changes, c->no_changes);
    ck_assert_int_eq(s.counts.add, c->add);
    ck_assert_int_eq(s.counts.change, c->change);
    ck_assert_int_eq(s.counts.destroy, c->destroy);
    ck_assert_int_eq(s.counts.import, c->import);
    ck_assert_int_eq(s.counts.forget, c->forget);
}
END_TEST

START_TEST(text_grammar_reads_progress_lines)
{
    tfa_text_progress p;
    const char *l = "module.a[\"x: y\"].aws_instance.web[0] (deposed object 9f8e7d6c): Still "
                    "destroying... [id=i-1, 01m05s elapsed]";

    ck_assert(tfa_text_progress_parse(l, strlen(l), &p));
    ck_assert_int_eq((int)p.addr.len, 36);
    ck_assert_int_eq(memcmp(p.addr.ptr, "module.a[\"x: y\"].aws_instance.web[0]", 36), 0);
    ck_assert_int_eq((int)p.deposed.len, 8);
    ck_assert_int_eq(p.action, TFA_ACTION_DELETE);
    ck_assert_int_eq(p.phase, TFA_PHASE_STILL);
    ck_assert(p.elapsed == 65.0);
    ck_assert_int_eq((int)p.id_value.len, 3);
    l = "aws_iam_role.ci: Import complete [identity=ci]";
    ck_assert(tfa_text_progress_parse(l, strlen(l), &p));
    ck_assert(p.importing && p.phase == TFA_PHASE_COMPLETE && p.elapsed < 0);
    ck_assert_int_eq(memcmp(p.id_key.ptr, "identity", p.id_key.len), 0);
    l = "aws_instance.web: Creation complete after 1h2m3.5s (ID: i-9)";
    ck_assert(tfa_text_progress_parse(l, strlen(l), &p));
    ck_assert(p.elapsed == 3723.5);
    ck_assert_int_eq(memcmp(p.id_value.ptr, "i-9", 3), 0);
    l = "aws_instance.web (local-exec): Creating...";
    ck_assert(!tfa_text_progress_parse(l, strlen(l), &p)); /* provisioner output */
    l = "aws_instance.web: Refreshing state... [id=i-1]";
    ck_assert(!tfa_text_progress_parse(l, strlen(l), &p));
    ck_assert(tfa_text_refresh_parse(l, strlen(l)));
}
END_TEST

static const struct header_case {
    const char *line, *addr, *prev, *deposed, *reason;
    tfa_action action;
    tfa_replace replace;
    int drift, importing;
} header_cases[] = {
    {"  # aws_instance.a will be created", "aws_instance.a", NULL, NULL, NULL, TFA_ACTION_CREATE,
     TFA_REPLACE_NONE, 0, 0},
    {"  # data.aws_ami.u will be read during apply", "data.aws_ami.u", NULL, NULL, NULL,
     TFA_ACTION_READ, TFA_REPLACE_NONE, 0, 0},
    {"  # aws_instance.a[\"k v\"] will be updated in-place", "aws_instance.a[\"k v\"]", NULL, NULL,
     NULL, TFA_ACTION_UPDATE, TFA_REPLACE_NONE, 0, 0},
    {"  # aws_instance.a is tainted, so must be replaced", "aws_instance.a", NULL, NULL,
     "replace_because_tainted", TFA_ACTION_REPLACE, TFA_REPLACE_NONE, 0, 0},
    {"  # aws_instance.a will be replaced, as requested", "aws_instance.a", NULL, NULL,
     "replace_by_request", TFA_ACTION_REPLACE, TFA_REPLACE_NONE, 0, 0},
    {" # aws_instance.a must be replaced, but the existing object will not be destroyed",
     "aws_instance.a", NULL, NULL, NULL, TFA_ACTION_REPLACE, TFA_REPLACE_CREATE_FORGET, 0, 0},
    {"  # aws_instance.a (deposed object 0badf00d) will be destroyed", "aws_instance.a", NULL,
     "0badf00d", NULL, TFA_ACTION_DELETE, TFA_REPLACE_NONE, 0, 0},
    {"  # aws_instance.old has moved to module.m.aws_instance.new", "module.m.aws_instance.new",
     "aws_instance.old", NULL, NULL, TFA_ACTION_NOOP, TFA_REPLACE_NONE, 0, 0},
    {"  # aws_iam_role.r will be imported", "aws_iam_role.r", NULL, NULL, NULL, TFA_ACTION_NOOP,
     TFA_REPLACE_NONE, 0, 1},
    {"  # aws_iam_role.r will be forgotten", "aws_iam_role.r", NULL, NULL, NULL, TFA_ACTION_FORGET,
     TFA_REPLACE_NONE, 0, 0},
    {"  # aws_db.d has changed", "aws_db.d", NULL, NULL, NULL, TFA_ACTION_UPDATE, TFA_REPLACE_NONE,
     1, 0},
    {"  # aws_db.d has been changed", "aws_db.d", NULL, NULL, NULL, TFA_ACTION_UPDATE,
     TFA_REPLACE_NONE, 1, 0},
    {"  # aws_db.d has been deleted", "aws_db.d", NULL, NULL, NULL, TFA_ACTION_DELETE,
     TFA_REPLACE_NONE, 1, 0},
};

static void expect_span(const tfa_text_span *s, const char *want, const char *what, int i)
{
    if (!want) {
        ck_assert_msg(s->len == 0, "case %d: %s present", i, what);
        return;
    }
    ck_assert_msg(s->len == strlen(want) && memcmp(s->ptr, want, s->len) == 0,
                  "case %d: %s is '%.*s'", i, what, (int)s->len, s->ptr);
}

START_TEST(text_grammar_reads_change_headers)
{
    const struct header_case *c = &header_cases[_i];
    tfa_text_header h;

    ck_assert_msg(tfa_text_header_parse(c->line, strlen(c->line), &h), "'%s'", c->line);
    expect_span(&h.addr, c->addr, "address", _i);
    expect_span(&h.prev, c->prev, "previous address", _i);
    expect_span(&h.deposed, c->deposed, "deposed key", _i);
    if (c->reason)
        ck_assert_str_eq(h.reason, c->reason);
    else
        ck_assert_ptr_null(h.reason);
    ck_assert_int_eq(h.action, c->action);
    ck_assert_int_eq(h.replace, c->replace);
    ck_assert_int_eq(h.drift, c->drift);
    ck_assert_int_eq(h.importing, c->importing);
}
END_TEST

START_TEST(text_grammar_ignores_other_comment_lines)
{
    static const char *const lines[] = {"  # action.test_action.test will be invoked",
                                        "  # (3 unchanged attributes hidden)",
                                        "  # aws_instance.a will be something new",
                                        "        # aws_instance.a will be created", "# notes"};
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(lines); i++) {
        tfa_text_header h;
        ck_assert_msg(!tfa_text_header_parse(lines[i], strlen(lines[i]), &h), "'%s'", lines[i]);
    }
}
END_TEST

START_TEST(text_grammar_reads_go_durations)
{
    double s = -1;
    ck_assert(tfa_text_duration("0s", 2, &s) && s == 0);
    ck_assert(tfa_text_duration("1m30s", 5, &s) && s == 90);
    ck_assert(tfa_text_duration("00m10s", 6, &s) && s == 10);
    ck_assert(tfa_text_duration("250ms", 5, &s) && s == 0.25);
    ck_assert(tfa_text_duration("2\xc2\xb5s", 4, &s) && s > 1.9e-6 && s < 2.1e-6);
    ck_assert(!tfa_text_duration("", 0, &s));
    ck_assert(!tfa_text_duration("10", 2, &s));
    ck_assert(!tfa_text_duration("s", 1, &s));
    ck_assert(!tfa_text_duration("3d", 2, &s));
}
END_TEST

START_TEST(text_grammar_reads_attribute_names_only)
{
    static const struct {
        const char *line;
        tfa_text_attr_kind kind;
        const char *name;
        int changed, sensitive, forces;
    } cases[] = {
        {"      ~ ami   = \"a\" -> \"b\" # forces replacement", TFA_ATTR_LEAF, "ami", 1, 0, 1},
        {"      + password = (sensitive value)", TFA_ATTR_LEAF, "password", 1, 1, 0},
        {"      ~ tags = {", TFA_ATTR_OPEN, "tags", 1, 0, 0},
        {"          + \"Owner\" = \"x\"", TFA_ATTR_LEAF, "Owner", 1, 0, 0},
        {"      ~ root_block_device {", TFA_ATTR_OPEN, "root_block_device", 1, 0, 0},
        {"      ~ user_data = <<-EOT", TFA_ATTR_SKIP, "user_data", 1, 0, 0},
        {"      ~ policy = jsonencode(", TFA_ATTR_SKIP, "policy", 1, 0, 0},
        {"        id = \"i-1\"", TFA_ATTR_LEAF, "id", 0, 0, 0},
        {"          + \"sg-123\",", TFA_ATTR_NONE, NULL, 1, 0, 0}, /* a list element: a value */
        {"          + 42,", TFA_ATTR_NONE, NULL, 1, 0, 0},
        {"        # (3 unchanged attributes hidden)", TFA_ATTR_NONE, NULL, 0, 0, 0},
        {"        }", TFA_ATTR_CLOSE, NULL, 0, 0, 0},
    };
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        tfa_text_attr a;
        tfa_text_attr_parse(cases[i].line, strlen(cases[i].line), &a);
        ck_assert_msg(a.kind == cases[i].kind, "'%s': kind %d", cases[i].line, a.kind);
        if (cases[i].name)
            ck_assert_msg(a.name.len == strlen(cases[i].name) &&
                              memcmp(a.name.ptr, cases[i].name, a.name.len) == 0,
                          "'%s': name", cases[i].line);
        else
            ck_assert_uint_eq(a.name.len, 0);
        ck_assert_msg(a.changed == cases[i].changed, "%zu changed", i);
        ck_assert_int_eq(a.sensitive, cases[i].sensitive);
        ck_assert_int_eq(a.forces, cases[i].forces);
    }
}
END_TEST

/* Detection's quick rejections (copy, progress precheck) keep every marker
 * and drop CI noise, at lengths around the 16-byte copy blocks. */
START_TEST(text_markers_found_behind_quick_rejections)
{
    static const struct {
        const char *line;
        int marker;
    } cases[] = {
        {"No changes.", 1},
        {"Terraform v1.9.5", 1},
        {"Terraform v1.9.50", 1},
        {"Plan: 1 to add, 0 to change, 0 to destroy.", 1},
        {"2024-03-05T09:12:40.0007919Z aws_instance.web: Creating...", 1},
        {"module.m[\"a b\"].aws_instance.x: Refreshing state... [id=i-1]", 1},
        {"aws_instance.x[\"k:v\"]: Modifying... [id=i-1]", 1},
        {"aws_instance.x (deposed object 1234abcd): Destroying... [id=i-1]", 1},
        {"\x1b[1maws_instance.x: Creation complete after 2s [id=i-1]\x1b[0m", 1},
        {"##[group]Run npm ci", 0},
        {"a1b2c3d4e5f6: Pull complete", 0},
        {"npm WARN deprecated inflight@1.0.6: leaks", 0},
        {"aws_instance.x:Creating...", 0},
        {"aws_instance.x:", 0},
        {"", 0},
        /* one of each kind the first-byte filter (text_markers.c) lets through */
        {"module.network.aws_subnet.private[\"eu-west-1a\"]: Still creating... [10s elapsed]", 1},
        {"aws_instance.long_name_past_16_bytes[\"a\\\"b: c [x]\"]: Creating...", 1},
        {"aws_instance.long_name_past_16_bytes[\"a\\\"b: c [x]\": Creating...", 0},
        {"data.aws_ami.ubuntu: Reading...", 1},
        {"Ran Plan for dir: `infra` workspace: `default`", 1},
        {"Sentinel Result: true", 1},
        {"Cost estimation:", 1},
        {"Cost estimation: none", 0},
        {"  # aws_instance.x will be created", 1},
        {"\xe2\x94\x82 Error: Invalid reference", 1},
        {"Error: Invalid reference", 0},
        {"|PRODUCT|NAME|SKU|DESCRIPTION|DELTA|", 1},
        {"[INFO]  Terraform version: 1.4.6", 1},
        {"Apply complete! Resources: 1 added, 0 changed, 0 destroyed.", 1},
        {"Destroy complete! Resources: 2 destroyed.", 1},
        {"OpenTofu v1.6.0", 1},
        {"2024-03-05T09:12:40.0007919Z Note: Objects have changed outside of Terraform", 1},
        {"2024-03-05T09:12:40.0007919Z Downloading https://registry.npmjs.org/x.tgz (541 kB)", 0},
        /* each grammar asked only for its first bytes; the first word's test */
        {"    # aws_instance.x will be created", 1},
        {"     # aws_instance.x will be created", 0},
        {"# aws_instance.x will be created", 1},
        {"   | PRODUCT | NAME | SKU | DESCRIPTION | DELTA |", 1},
        {"[command]/usr/bin/terraform apply", 0},
        {"[ERROR] vertex \"aws_instance.x\" error: boom", 0},
        {"[INFO]  CLI args: []string{\"terraform\", \"apply\"}", 1},
        {"a_b.c: Creating...", 1},
        {"a_b.c:Creating...", 0},
        {"ab: Creating...", 0},
        {"x: Creating...", 0},
        {"\taws_instance.x: Creating...", 0},
        {"aws_instance.x: Refreshing state...", 1},
        {"aws_instance.a_long_resource_name: Refreshing state... [id=x]", 1},
        {"aws_instance_long_type_name: Refreshing state... [id=x]", 0},
        /* a CRLF line end is the normalizer's to drop, looked at in place or not */
        {"Plan: 1 to add, 0 to change, 0 to destroy.\r", 1},
        {"2024-03-05T09:12:40.0007919Z aws_instance.web: Creating...\r", 1},
        {"2024-03-05T09:12:40.0007919Z No changes.\r\r", 1},
        {"2024-03-05T09:12:40.0007919Z npm WARN deprecated\r", 0},
        {"\r", 0},
    };
    tfa_text_markers m;
    size_t i, n;

    tfa_text_markers_init(&m);
    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        n = strlen(cases[i].line);
        ck_assert_msg(tfa_text_line_is_marker(cases[i].line, n) == cases[i].marker, "'%s'",
                      cases[i].line);
        /* detection looks at lines without CR or ESC where they are */
        if (!memchr(cases[i].line, '\r', n) && !memchr(cases[i].line, '\x1b', n))
            ck_assert_msg(tfa_text_markers_line_plain(&m, cases[i].line, n) == cases[i].marker,
                          "plain: '%s'", cases[i].line);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("text_grammar");
    TCase *tc = tcase_create("grammar");
    tcase_add_loop_test(tc, text_grammar_reads_summary_lines, 0,
                        (int)TFA_ARRAY_SIZE(summary_cases));
    tcase_add_loop_test(tc, text_grammar_reads_change_headers, 0,
                        (int)TFA_ARRAY_SIZE(header_cases));
    tcase_add_test(tc, text_grammar_ignores_other_comment_lines);
    tcase_add_test(tc, text_grammar_reads_progress_lines);
    tcase_add_test(tc, text_grammar_reads_go_durations);
    tcase_add_test(tc, text_grammar_reads_attribute_names_only);
    tcase_add_test(tc, text_markers_found_behind_quick_rejections);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
