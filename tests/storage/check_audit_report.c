/*
 * check_audit_report.c - the audit's Markdown stays within its budget
 * (65,536 characters) on an audit of 2,000 workspaces with many failures,
 * and still lists every regression or says how many it could not list.
 */
#include "util/compat.h"

#include "audit_report.h"
#include "testsupport.h"
#include "util/alloc.h"

/* 2,000 workspaces; each with `per` new failures (long reasons), a
 * recurring one and a persisting drifted resource. */
static void synthetic(tfa_audit_result *r, size_t n, size_t per)
{
    size_t i, k;
    memset(r, 0, sizeof(*r));
    snprintf(r->id, sizeof(r->id), "audit-20261127T020000Z-0123abcd");
    r->ws = tfa_calloc(n, sizeof(*r->ws));
    r->n_ws = n;
    for (i = 0; i < n; i++) {
        tfa_audit_ws *w = &r->ws[i];
        char name[64];
        snprintf(name, sizeof(name), "workspace-%04zu", i);
        w->name = tfa_strdup(name);
        w->n_items = per + 1;
        w->items = tfa_calloc(per + 1, sizeof(*w->items));
        for (k = 0; k <= per; k++) {
            char id[32];
            snprintf(id, sizeof(id), "item-%zu", k);
            w->items[k].id = tfa_strdup(id);
            w->items[k].level = "hard";
            w->items[k].status = TFA_ITEM_FAIL;
            w->items[k].blocks = 1;
            w->items[k].delta = k < per ? TFA_DELTA_NEW : TFA_DELTA_RECURRING;
            w->items[k].streak = k < per ? 1 : 4;
            w->items[k].reason = tfa_strdup("count(drift where type ~ \"grafana_*\") == 0 "
                                            "evaluated to 3, expected 0");
        }
        w->n_drift = 1;
        w->drift = tfa_calloc(1, sizeof(*w->drift));
        w->drift[0].address = tfa_strdup("module.dashboards.grafana_dashboard.latency[\"p99\"]");
        w->drift[0].first_seen = tfa_strdup("audit-20261120T020000Z-00000000");
        w->drift[0].streak = 7;
        w->regressions = per;
        r->totals.regressions += per;
        r->totals.new_failures += per;
        r->totals.recurring++;
        r->totals.persisting_drift++;
        r->totals.nogo++;
        r->totals.workspaces++;
    }
}

/* The N of "- and N more regressions not listed" (0 when absent). */
static size_t not_listed(const char *md)
{
    const char *p = strstr(md, "more regressions not listed");
    size_t n = 0;
    if (!p)
        return 0;
    while (p > md && p[-1] == ' ')
        p--;
    while (p > md && p[-1] >= '0' && p[-1] <= '9')
        p--;
    while (*p >= '0' && *p <= '9')
        n = n * 10 + (size_t)(*p++ - '0');
    return n;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
        n++;
    return n;
}

START_TEST(markdown_budget_lists_every_regression_it_can)
{
    tfa_audit_result r;
    tfa_buf b;
    size_t listed, left;

    synthetic(&r, 2000, 1);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_audit_report_markdown(&b, &r, "ab12", 0), 0);
    ck_assert_msg(b.len <= TFA_AUDIT_MD_BUDGET, "%zu bytes", b.len);
    listed = count(b.ptr, ": new failure `");
    left = not_listed(b.ptr);
    ck_assert_int_eq(listed + left, 2000);
    ck_assert(strstr(b.ptr, "## tfaudit nightly audit: REGRESSIONS") != NULL);
    ck_assert(strstr(b.ptr, "audit-20261127T020000Z-0123abcd") != NULL);
    ck_assert(strstr(b.ptr, "sha256 `ab12`") != NULL);
    tfa_buf_release(&b);
    tfa_audit_result_release(&r);
}
END_TEST

START_TEST(markdown_budget_says_how_many_it_could_not_list)
{
    tfa_audit_result r;
    tfa_buf b;
    size_t listed, left;

    synthetic(&r, 2000, 5); /* 10,000 regressions cannot fit in 64 KiB */
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_audit_report_markdown(&b, &r, "ab12", 0), 0);
    ck_assert_msg(b.len <= TFA_AUDIT_MD_BUDGET, "%zu bytes", b.len);
    listed = count(b.ptr, ": new failure `");
    left = not_listed(b.ptr);
    ck_assert_uint_gt(left, 0);
    ck_assert_uint_gt(listed, 100);
    ck_assert_int_eq(listed + left, 10000);
    ck_assert(strstr(b.ptr, "**2000 workspaces**") != NULL);
    ck_assert(strstr(b.ptr, "Full JSON report: sha256 `ab12`") != NULL);
    tfa_buf_release(&b);
    tfa_audit_result_release(&r);
}
END_TEST

/* Members --skip-unknown left out are named in every audit format (the
 * verdicts did not cover them), escaped for the format: the member name is
 * hostile. */
START_TEST(every_format_lists_skipped_members)
{
    static const char hostile[] = "runs/<b>x</b>|y\nz.md: not a Terraform plan, state or log";
    tfa_audit_result r;
    tfa_buf b;
    char sha[TFA_SHA256_HEX];

    synthetic(&r, 2, 1);
    r.ws[1].skipped = tfa_calloc(1, sizeof(char *));
    r.ws[1].skipped[0] = tfa_strdup(hostile);
    r.ws[1].n_skipped = 1;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_int_eq(tfa_audit_report_text(&b, &r), 0);
    ck_assert_msg(strstr(b.ptr, "skipped runs/<b>x</b>|y\\nz.md") != NULL, "%s", b.ptr);
    tfa_buf_clear(&b);
    ck_assert_int_eq(tfa_audit_report_markdown(&b, &r, "ab12", 0), 0);
    ck_assert_msg(strstr(b.ptr, "### Skipped inputs (--skip-unknown)") != NULL, "%s", b.ptr);
    ck_assert_msg(strstr(b.ptr, "- workspace-0001: runs/") != NULL, "%s", b.ptr);
    ck_assert_msg(strstr(b.ptr, "<b>") == NULL, "raw HTML in Markdown: %s", b.ptr);
    tfa_buf_clear(&b);
    ck_assert_int_eq(tfa_audit_report_html(&b, &r, "ab12"), 0);
    ck_assert(strstr(b.ptr, "Skipped inputs (1, --skip-unknown)") != NULL);
    ck_assert(strstr(b.ptr, "runs/&lt;b&gt;x&lt;/b&gt;") != NULL);
    tfa_buf_clear(&b);
    ck_assert_int_eq(tfa_audit_report_junit(&b, &r), 0);
    ck_assert_msg(strstr(b.ptr, "<system-out>skipped (--skip-unknown): runs/&lt;b&gt;") != NULL,
                  "%s", b.ptr);
    tfa_buf_clear(&b);
    ck_assert_int_eq(tfa_audit_report_json_text(&b, &r, sha), 0);
    ck_assert(strstr(b.ptr, "\"skipped\": [") != NULL);
    ck_assert(strstr(b.ptr, "runs/<b>x</b>|y\\nz.md") != NULL);
    tfa_buf_release(&b);
    tfa_audit_result_release(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("audit_report");
    TCase *tc = tcase_create("markdown");
    tcase_add_test(tc, markdown_budget_lists_every_regression_it_can);
    tcase_add_test(tc, markdown_budget_says_how_many_it_could_not_list);
    tcase_add_test(tc, every_format_lists_skipped_members);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
