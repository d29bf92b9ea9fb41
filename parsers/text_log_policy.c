/*
 * text_log_policy.c - HCP Terraform policy and cost estimation lines.
 *
 * Sentinel policy check logs (the "Organization/Workspace Policy Check"
 * logs that internal/cloud and internal/backend/remote print verbatim):
 *   Sentinel Result: false
 *   1 policies evaluated.
 *   ## Policy 1: Passthrough.sentinel (hard-mandatory)
 *   Result: false
 * The policy evaluation summary of task stages (backend_taskStage_
 * policyEvaluation.go) and of Terraform policies (backend_tfPolicy
 * Evaluation.go):
 *   →→ Overall Result: FAILED            →→ Overall result : PASSED
 *   2 policies evaluated
 *   ↳ Policy name: deny-public-buckets      → Policy name: "x" in x.hcl
 *      | × Failed                            → Result: Failed
 * Cost estimation (backend_common.go, and the tabular log HCP stores):
 *   Cost estimation:
 *   Resources: 1 of 1 estimated
 *              $25.488/mo +$25.488
 *   | PRODUCT | NAME | SKU | DESCRIPTION | DELTA |   ...   | TOTAL | $0.000 USD / 720 HRS |
 */
#include "util/compat.h"

#include "text_log.h"
#include "util/limits.h"

enum { LEVEL_NONE = 0, LEVEL_HARD, LEVEL_SOFT, LEVEL_ADVISORY };

#define ARROW      "\xe2\x86\x92" /* → */
#define DOWN_ARROW "\xe2\x86\xb3" /* ↳ */

static void overall(tfa_log_info *li, int passed)
{
    if (li->sentinel_result != TFA_FALSE) /* any failed check fails the run */
        li->sentinel_result = passed ? TFA_TRUE : TFA_FALSE;
}

static void outcome(tfa_log_info *li, int passed, int level)
{
    if (passed) {
        li->policies_passed++;
        return;
    }
    li->policies_failed++;
    if (level == LEVEL_HARD)
        li->policies_hard_failed++;
    else if (level == LEVEL_SOFT)
        li->policies_soft_failed++;
    else if (level == LEVEL_ADVISORY)
        li->policies_advisory_failed++;
}

static int ends(tfa_cur c, const char *lit)
{
    size_t n = strlen(lit);
    return tfa_cur_left(&c) >= n && memcmp(c.end - n, lit, n) == 0;
}

/* Legacy Sentinel logs. */
static int sentinel_line(tfa_text_log *r, tfa_cur c)
{
    tfa_log_info *li = &r->in->log;
    tfa_cur start = c;
    long n;

    if (tfa_cur_lit(&c, "Sentinel Result: ")) {
        if (!(tfa_cur_peek(&c, "true") || tfa_cur_peek(&c, "false")))
            return 0;
        overall(li, c.p[0] == 't');
        return 1;
    }
    if (tfa_cur_long(&c, &n) && tfa_cur_lit(&c, " policies evaluated") &&
        (tfa_cur_eol(&c) || (tfa_cur_lit(&c, ".") && tfa_cur_eol(&c)))) {
        li->policies_evaluated += n;
        return 1;
    }
    c = start;
    if (tfa_cur_lit(&c, "## Policy ") && tfa_cur_long(&c, &n) && tfa_cur_lit(&c, ": ")) {
        r->policy.open = 1;
        r->policy.level = ends(c, "(hard-mandatory)")   ? LEVEL_HARD
                          : ends(c, "(soft-mandatory)") ? LEVEL_SOFT
                          : ends(c, "(advisory)")       ? LEVEL_ADVISORY
                                                        : LEVEL_NONE;
        return 1;
    }
    if (r->policy.open && tfa_cur_lit(&c, "Result: ") &&
        (tfa_cur_peek(&c, "true") || tfa_cur_peek(&c, "false"))) {
        outcome(li, c.p[0] == 't', r->policy.level);
        r->policy.open = 0;
        return 1;
    }
    return 0;
}

/* HCP Terraform policy evaluation summaries. */
static int evaluation_line(tfa_text_log *r, tfa_cur c)
{
    tfa_log_info *li = &r->in->log;

    while (tfa_cur_lit(&c, ARROW) || tfa_cur_lit(&c, DOWN_ARROW) || tfa_cur_lit(&c, " ") ||
           tfa_cur_lit(&c, "|"))
        ;
    if (tfa_cur_lit(&c, "Overall Result: ") || tfa_cur_lit(&c, "Overall result : ")) {
        if (tfa_cur_peek(&c, "PASSED") || tfa_cur_peek(&c, "FAILED"))
            overall(li, c.p[0] == 'P');
        return 1;
    }
    if (tfa_cur_lit(&c, "Policy name: ") || tfa_cur_lit(&c, "Policy set ")) {
        r->policy.open = 0;
        return 1;
    }
    /* "✓ Passed", "× Failed", "Ⓘ Advisory", "Result: Failed" */
    if (!tfa_cur_lit(&c, "Result: ") && !tfa_cur_lit(&c, "\xe2\x9c\x93 ") &&
        !tfa_cur_lit(&c, "\xc3\x97 ") && !tfa_cur_lit(&c, "\xe2\x92\xbe "))
        return 0;
    if (tfa_cur_lit(&c, "Passed"))
        outcome(li, 1, LEVEL_NONE);
    else if (tfa_cur_lit(&c, "Failed") || tfa_cur_lit(&c, "Errored"))
        outcome(li, 0, LEVEL_NONE);
    else if (tfa_cur_lit(&c, "Advisory"))
        outcome(li, 0, LEVEL_ADVISORY);
    else
        return 0;
    return tfa_cur_eol(&c);
}

static int money(tfa_cur *c)
{
    const char *p = c->p;
    if (!tfa_cur_lit(c, "$"))
        return 0;
    while (c->p < c->end && ((*c->p >= '0' && *c->p <= '9') || *c->p == '.' || *c->p == ','))
        c->p++;
    if (c->p - p < 2) {
        c->p = p;
        return 0;
    }
    return 1;
}

/* The TOTAL row of the cost table: "| TOTAL | $0.000 USD / 720 HRS |". */
static int cost_table_line(tfa_text_log *r, tfa_cur c)
{
    tfa_log_info *li = &r->in->log;
    const char *v;
    size_t n;

    if (!tfa_cur_peek(&c, "|") && !tfa_cur_peek(&c, "+"))
        return r->policy.cost_table = 0;
    while (tfa_cur_lit(&c, "|") || tfa_cur_lit(&c, " "))
        ;
    if (!tfa_cur_lit(&c, "TOTAL"))
        return 1;
    while (tfa_cur_lit(&c, " ") || tfa_cur_lit(&c, "|"))
        ;
    if (!tfa_cur_until(&c, " |", &v, &n) || n == 0)
        return 1;
    li->has_cost = 1;
    li->cost_monthly_delta = tfa_tl_strndup(r, v, n, TFA_LIMIT_STRING_BYTES);
    return li->cost_monthly_delta ? 1 : tfa_tl_oom(r);
}

static int cost_line(tfa_text_log *r, tfa_cur c)
{
    tfa_log_info *li = &r->in->log;
    const tfa_line *l = &r->line;
    const char *m, *d;
    long n, total;

    if (r->policy.cost_table && l->len)
        return cost_table_line(r, c);
    if (tfa_text_cost_table_header(l->text, l->len))
        return r->policy.cost_table = 1;
    if ((l->len == 16 && (memcmp(l->text, "Cost estimation:", 16) == 0 ||
                          memcmp(l->text, "Cost Estimation:", 16) == 0)))
        return r->policy.cost = 1;
    if (tfa_cur_lit(&c, "Resources: ") && tfa_cur_long(&c, &n) && tfa_cur_lit(&c, " of ") &&
        tfa_cur_long(&c, &total) && tfa_cur_lit(&c, " estimated") && tfa_cur_eol(&c)) {
        li->has_cost = 1;
        li->cost_estimated = n;
        li->cost_resources = total;
        return 1;
    }
    while (tfa_cur_lit(&c, " "))
        ;
    m = c.p;
    if (!r->policy.cost || !money(&c) || !tfa_cur_lit(&c, "/mo "))
        return 0;
    d = c.p;
    if (!(tfa_cur_lit(&c, "+") || tfa_cur_lit(&c, "-")) || !money(&c) || !tfa_cur_eol(&c))
        return 0;
    li->has_cost = 1;
    li->cost_monthly = tfa_run_strndup(r->run, m, (size_t)(d - 1 - m));
    li->cost_monthly_delta = tfa_run_strndup(r->run, d, (size_t)(c.p - d));
    return li->cost_monthly && li->cost_monthly_delta ? 1 : tfa_tl_oom(r);
}

int tfa_tl_policy_line(tfa_text_log *r)
{
    tfa_cur c = tfa_cur_of(r->line.text, r->line.len);
    int rc;

    if ((rc = cost_line(r, c)) != 0)
        return rc;
    return sentinel_line(r, c) || evaluation_line(r, c);
}
