/*
 * report_codequality.c - the verdict as a GitLab Code Quality report
 * (`--format gitlab-codequality`): the Code Climate issue subset GitLab
 * reads (see report_ci.h), an issue per item that is not PASS and per
 * offending address of a failing item, at the item's checklist line.
 * WAIVED items are left out (accepted, with an owner and an expiry);
 * everything else that is not PASS is an issue, advisory ones as "info".
 * Fingerprints are the SARIF ones, so both reports name a finding alike.
 */
#include "util/compat.h"

#include "report_ci.h"
#include "report_int.h"
#include "util/jbuild.h"

static void item(json_t *issues, const tfa_verdict *v, const tfa_result *r, int *bad)
{
    char addr[TFA_ERROR_MESSAGE_MAX];
    const char *cl = tfa_checklist_name(v->checklist);
    const char *parts[3] = {cl, r->item->id, NULL};
    char fp[TFA_SHA256_HEX];
    tfa_buf m;
    size_t i, j;

    tfa_buf_init(&m, TFA_BUF_NO_MAX);
    tfa_buf_printf(&m, "%s: ", r->item->id);
    tfa_ci_item_message(&m, r, 0);
    tfa_ci_fingerprint(parts, 2, fp);
    *bad |= tfa_buf_status(&m) != 0;
    tfa_jbuild_append(
        issues, tfa_codequality_issue(m.ptr, r->item->id, fp, r->item->level, cl, r->item->line),
        bad);
    for (i = 0; r->status == TFA_ITEM_FAIL && i < r->evidence.n_queries; i++) {
        const tfa_query_read *q = &r->evidence.queries[i];
        for (j = 0; j < q->n_labels; j++) {
            const char *address = tfa_ci_address(q->labels[j], addr, sizeof(addr));
            tfa_buf_clear(&m);
            tfa_buf_printf(&m, "%s: %s `%s` (item `%s`)", address,
                           q->listed_match ? "matched by" : "does not satisfy", q->query,
                           r->item->id);
            parts[2] = address;
            tfa_ci_fingerprint(parts, 3, fp);
            *bad |= tfa_buf_status(&m) != 0;
            tfa_jbuild_append(
                issues,
                tfa_codequality_issue(m.ptr, r->item->id, fp, r->item->level, cl, r->item->line),
                bad);
        }
    }
    tfa_buf_release(&m);
}

int tfa_report_codequality(tfa_buf *out, const tfa_verdict *v)
{
    json_t *issues = json_array();
    int bad = !issues;
    size_t i;

    for (i = 0; !bad && i < v->n_results; i++) {
        const tfa_result *r = &v->results[i];
        if (r->status != TFA_ITEM_PASS && r->status != TFA_ITEM_WAIVED)
            item(issues, v, r, &bad);
    }
    if (bad) {
        json_decref(issues);
        return TFA_ENOMEM;
    }
    return tfa_report_dump_json(out, issues);
}
