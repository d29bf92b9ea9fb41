/*
 * check_output_safety.c - observation 8 of issue 14, end to end: text from
 * inputs reaches no output raw. fixtures/hostile/ holds a plan whose
 * resource addresses, attribute names and drift carry ESC ]0;title BEL,
 * CR + a fake "tfaudit: GO" line, LF + "# heading", <script>,
 * [x](javascript:...) and '|'; a waivers file and a known-drift file carry
 * the same in owners and reasons, and the sign-off name does too. Every
 * command that shows them runs in every format, and each output is checked
 * for what its format must guarantee:
 *
 *   text      no control character but line breaks, so no terminal title,
 *             no cursor movement and no line the input started;
 *   markdown  no raw <script, no "](javascript:", no line the input started;
 *   junit     valid XML (xmllint, against tests/checklist/junit.xsd for the
 *             verdict report);
 *   json      parses;
 *   html      no raw <script, well-formed enough for xmllint --html.
 */
#include "util/compat.h"

#include <jansson.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testsupport.h"

#define PLAN      "fixtures/hostile/plan.json"
#define CHECKLIST "fixtures/hostile/checklist.md"
#define WAIVERS   "fixtures/hostile/waivers.md"
#define NOW       "--now=2025-06-04T02:30:00Z"
/* manager=NAME:NOTE with CR LF, a fake verdict line, an OSC title and a heading */
#define SIGN_OFF "manager=Mallory\r\ntfaudit: GO\x1b]0;t\x07:note\n# signed heading"

static char *dir;

static void setup(void)
{
    dir = tfa_test_mkdtemp();
}

static void teardown(void)
{
    tfa_test_rmtree(dir);
    free(dir);
}

static char *tmp(const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    ck_assert_ptr_nonnull(p);
    snprintf(p, strlen(dir) + strlen(name) + 2, "%s/%s", dir, name);
    return p;
}

/* Lines that input text would have started, had it been copied raw. */
static const char *const forged[] = {"tfaudit: GO", "# heading",        "## drifted",
                                     "- [x] fake",  "# signed heading", "# not a heading"};

static void no_forged_lines(const char *what, const char *s)
{
    const char *line = s;
    size_t i;
    while (line && *line) {
        for (i = 0; i < TFA_ARRAY_SIZE(forged); i++)
            ck_assert_msg(strncmp(line, forged[i], strlen(forged[i])) != 0,
                          "%s: a line starts with \"%s\"", what, forged[i]);
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
}

/* No byte a terminal would act on: C0 but '\n', DEL, C1 (UTF-8 C2 80-9F). */
static void no_control_bytes(const char *what, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i;
    for (i = 0; i < len; i++) {
        ck_assert_msg(p[i] >= 0x20 || p[i] == '\n', "%s: raw control byte 0x%02x at %zu", what,
                      p[i], i);
        ck_assert_msg(p[i] != 0x7f, "%s: raw DEL at %zu", what, i);
        ck_assert_msg(!(p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f),
                      "%s: raw C1 control at %zu", what, i);
    }
}

typedef enum fmt { TEXT, MARKDOWN, XML_JUNIT, XML, JSON, HTML } fmt;

/* The checks of `f` over `s`. */
static void assert_safe(const char *what, fmt f, const char *s, size_t len)
{
    char *file, cmd[4096];
    json_t *j;

    switch (f) {
    case TEXT:
        no_control_bytes(what, s, len);
        no_forged_lines(what, s);
        break;
    case MARKDOWN:
        no_control_bytes(what, s, len);
        no_forged_lines(what, s);
        ck_assert_msg(!strstr(s, "<script"), "%s: raw <script in Markdown", what);
        ck_assert_msg(!strstr(s, "](javascript:"), "%s: a javascript: link in Markdown", what);
        break;
    case XML_JUNIT:
    case XML:
    case HTML:
        ck_assert_msg(!strstr(s, "<script"), "%s: raw <script", what);
        file = tmp("out.xml");
        ck_assert_int_eq(tfa_test_write_file(file, s, len), 0);
        snprintf(cmd, sizeof(cmd), "xmllint --noout %s %s '%s' 2>'%s.log'",
                 f == HTML ? "--html" : "",
                 f == XML_JUNIT ? "--schema tests/checklist/junit.xsd" : "", file, file);
        ck_assert_msg(system(cmd) == 0, "%s: xmllint refused it (%s.log): %s", what, file, s);
        free(file);
        break;
    case JSON:
        j = json_loadb(s, len, 0, NULL);
        ck_assert_msg(j != NULL, "%s: not JSON", what);
        json_decref(j);
        break;
    }
}

/* Run tfaudit; it must decide (0 or 1), not fail; stdout is checked as
 * `f`, stderr as text. Returns stdout (free it). */
static char *run(const char *what, fmt f, const char *const *argv)
{
    tfa_test_output o;
    char *out;

    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &o), 0);
    ck_assert_msg(o.status == 0 || o.status == 1, "%s: exit %d: %s", what, o.status, o.err);
    assert_safe(what, f, o.out, o.out_len);
    no_control_bytes(what, o.err, o.err_len);
    no_forged_lines(what, o.err);
    out = strdup(o.out);
    tfa_test_output_release(&o);
    return out;
}

START_TEST(check_reports_escape_hostile_addresses_waivers_and_sign_offs)
{
    static const struct {
        const char *format;
        fmt f;
    } formats[] = {{"text", TEXT}, {"markdown", MARKDOWN}, {"junit", XML_JUNIT}, {"json", JSON}};
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(formats); i++) {
        const char *argv[] = {"tfaudit",   "check",    "--checklist",     CHECKLIST,
                              "--waivers", WAIVERS,    "--sign-off",      SIGN_OFF,
                              NOW,         "--format", formats[i].format, PLAN,
                              NULL};
        char what[64], *out;
        snprintf(what, sizeof(what), "check --format %s", formats[i].format);
        out = run(what, formats[i].f, argv);
        if (formats[i].f == TEXT) { /* the address is there, made visible */
            ck_assert_ptr_nonnull(strstr(out, "null_resource.evil[\"\\x1b]0;owned\\x07\"]"));
            ck_assert_ptr_nonnull(strstr(out, "[\"\\r\\ntfaudit: GO\\n# heading\"]"));
            ck_assert_ptr_nonnull(strstr(out, "ok\\x1b]0;owned\\x07 # not a heading"));
        }
        if (formats[i].f == MARKDOWN)
            ck_assert_ptr_nonnull(strstr(out, "&lt;script&gt;"));
        free(out);
    }
}
END_TEST

START_TEST(commands_that_print_directly_escape_addresses)
{
    const char *summarize[] = {"tfaudit", "summarize", PLAN, NULL};
    const char *drift[] = {"tfaudit", "drift", PLAN, NULL};
    const char *diff[] = {"tfaudit", "diff", "fixtures/plans/grafana-clean.json", PLAN, NULL};
    const char *facts[] = {"tfaudit", "facts", PLAN, NULL};
    const char *pin[] = {"tfaudit", "pin", PLAN, NULL};
    char *out;

    free(run("summarize", TEXT, summarize));
    out = run("drift", TEXT, drift);
    ck_assert_ptr_nonnull(strstr(out, "\\r\\n## drifted\\x1b[31m"));
    free(out);
    free(run("diff", TEXT, diff));
    free(run("facts", TEXT, facts));
    free(run("pin", TEXT, pin));
}
END_TEST

START_TEST(gate_record_and_ledger_views_escape_what_they_show)
{
    char *ledger = tmp("l.db"), *out;
    const char *gate[] = {"tfaudit", "gate",      "--ledger", ledger,       "--checklist",
                          CHECKLIST, "--waivers", WAIVERS,    "--sign-off", SIGN_OFF,
                          NOW,       PLAN,        NULL};
    const char *show_text[] = {"tfaudit", "ledger", "show", "--ledger", ledger, "1", NULL};
    const char *show_md[] = {"tfaudit",  "ledger",   "show", "--ledger", ledger,
                             "--format", "markdown", "1",    NULL};
    const char *show_json[] = {"tfaudit",  "ledger", "show", "--ledger", ledger,
                               "--format", "json",   "1",    NULL};
    const char *list[] = {"tfaudit", "ledger", "list", "--ledger", ledger, NULL};

    free(run("gate", TEXT, gate));
    out = run("ledger show", TEXT, show_text);
    ck_assert_ptr_nonnull(strstr(out, "ok\\x1b]0;owned\\x07 # not a heading"));
    free(out);
    free(run("ledger show --format markdown", MARKDOWN, show_md));
    free(run("ledger show --format json", JSON, show_json));
    free(run("ledger list", TEXT, list));
    free(ledger);
}
END_TEST

/* Two workspaces: prod drifts on the hostile addresses (a regression),
 * stage's drift is accepted by a known-drift entry whose owner and reason
 * are hostile; two more entries expire and go stale with hostile owners. */
static void audit_sources(char **src, char **kd)
{
    static const char kd_text[] =
        "# Known drift\n\n| address | attributes | owner | expires | reason |\n"
        "|---|---|---|---|---|\n"
        "| grafana_dashboard.* | | Eve <script>alert(1)</script> [x](javascript:alert(1)) | "
        "2099-12-31 | ok\x1b]0;owned\x07 # not a heading |\n"
        "| null_resource.gone | | Mal\x1b[2Jlory | 2020-01-01 | old |\n"
        "| aws_s3_bucket.none | | <b>x</b> [y](javascript:1) | 2099-12-31 | stale |\n";
    char *prod, *stage, *f, *text;
    size_t len;

    *src = tmp("src");
    prod = tmp("src/prod"), stage = tmp("src/stage");
    ck_assert_int_eq(mkdir(*src, 0755), 0);
    ck_assert_int_eq(mkdir(prod, 0755), 0);
    ck_assert_int_eq(mkdir(stage, 0755), 0);
    f = tmp("src/prod/plan.json");
    text = tfa_test_read_file(PLAN, &len);
    ck_assert_int_eq(tfa_test_write_file(f, text, len), 0);
    free(text), free(f);
    f = tmp("src/stage/plan.json");
    text = tfa_test_read_file("fixtures/plans/grafana-drift.json", &len);
    ck_assert_int_eq(tfa_test_write_file(f, text, len), 0);
    free(text), free(f);
    *kd = tmp("kd.md");
    ck_assert_int_eq(tfa_test_write_file(*kd, kd_text, strlen(kd_text)), 0);
    free(prod), free(stage);
}

START_TEST(audit_and_trend_reports_escape_addresses_and_known_drift)
{
    static const struct {
        const char *format;
        fmt f;
    } formats[] = {{"markdown", MARKDOWN}, {"text", TEXT}, {"junit", XML}, {"json", JSON}};
    char *src, *kd, *ledger = tmp("l.db"), *html = tmp("a.html"), *out;
    const char *trend_text[] = {"tfaudit", "trend", "--ledger", ledger, NULL};
    const char *trend_html[] = {"tfaudit", "trend", "--ledger", ledger, "--format", "html", NULL};
    size_t i, len;

    audit_sources(&src, &kd);
    for (i = 0; i < TFA_ARRAY_SIZE(formats); i++) {
        char what[64], now[64];
        const char *argv[] = {"tfaudit",         "audit", "--ledger", ledger,   now,  "-c",
                              CHECKLIST,         "-k",    kd,         "--html", html, "--format",
                              formats[i].format, src,     NULL};
        snprintf(now, sizeof(now), "--now=2026-11-2%zuT02:00:00Z", i + 1);
        snprintf(what, sizeof(what), "audit --format %s", formats[i].format);
        out = run(what, formats[i].f, argv);
        if (i == 0) { /* the first night: prod's drift is new, stage's accepted */
            ck_assert_ptr_nonnull(strstr(out, "&lt;script&gt;"));
            ck_assert_ptr_nonnull(strstr(out, "new drift"));
            ck_assert_ptr_nonnull(strstr(out, "Mal\\\\x1b\\[2Jlory"));
        }
        free(out);
        out = tfa_test_read_file(html, &len);
        ck_assert_ptr_nonnull(out);
        assert_safe("audit --html", HTML, out, len);
        ck_assert_ptr_nonnull(strstr(out, "&lt;b&gt;x&lt;/b&gt;")); /* a stale entry's owner */
        free(out);
    }
    free(run("trend", TEXT, trend_text));
    free(run("trend --format html", HTML, trend_html));
    free(src), free(kd), free(ledger), free(html);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("output_safety");
    TCase *tc = tcase_create("output_safety");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, check_reports_escape_hostile_addresses_waivers_and_sign_offs);
    tcase_add_test(tc, commands_that_print_directly_escape_addresses);
    tcase_add_test(tc, gate_record_and_ledger_views_escape_what_they_show);
    tcase_add_test(tc, audit_and_trend_reports_escape_addresses_and_known_drift);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
