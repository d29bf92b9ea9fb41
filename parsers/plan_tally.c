/*
 * plan_tally.c - a log's plan summary against the changes it lists
 * (plan_tally.h).
 */
#include "util/compat.h"

#include "plan_tally.h"

void tfa_plan_tally_add(tfa_plan_tally *t, const tfa_change *c)
{
    if (c->action == TFA_ACTION_DELETE && c->res.mode && strcmp(c->res.mode, "data") == 0)
        return; /* Terraform neither lists nor counts them */
    t->n[c->action]++;
    if (c->action == TFA_ACTION_REPLACE && c->replace == TFA_REPLACE_CREATE_FORGET)
        t->replace_keep++;
    else if (c->action == TFA_ACTION_REPLACE && c->replace != TFA_REPLACE_NONE)
        t->replace_destroy++;
}

int tfa_plan_tally_check(const tfa_plan_tally *t, const tfa_counts *s, char *why, size_t why_size)
{
    long create = t->n[TFA_ACTION_CREATE], update = t->n[TFA_ACTION_UPDATE];
    long del = t->n[TFA_ACTION_DELETE], replace = t->n[TFA_ACTION_REPLACE];
    /* replaces of unknown kind (a -json log's "replace") may destroy or not */
    long destroy_max = replace - t->replace_keep;

    if (t->n[TFA_ACTION_UNKNOWN])
        return 0;
    /* A replace that destroys counts to add and to destroy; one that keeps
     * the old object counts to add or, in some versions, not at all. */
    if (s->change == update && s->add >= create + t->replace_destroy &&
        s->add <= create + replace && s->destroy >= del + t->replace_destroy &&
        s->destroy <= del + destroy_max && s->destroy - del <= s->add - create)
        return 0;
    snprintf(why, why_size,
             "it says %ld to add, %ld to change, %ld to destroy, but the changes listed before "
             "it are %ld create(s), %ld update(s), %ld delete(s) and %ld replace(s)",
             s->add, s->change, s->destroy, create, update, del, replace);
    return -1;
}

int tfa_apply_tally_check(const tfa_run *run, unsigned input, size_t from, const tfa_counts *s,
                          char *why, size_t why_size)
{
    long n[TFA_ACTION_COUNT] = {0};
    size_t i;

    for (i = from; i < tfa_run_applied_count(run); i++) {
        const tfa_applied *a = tfa_run_applied(run, i);
        if (a->input == input && a->status == TFA_APPLY_COMPLETE)
            n[a->action]++;
    }
    if (n[TFA_ACTION_UNKNOWN] || n[TFA_ACTION_REPLACE] ||
        (s->add == n[TFA_ACTION_CREATE] && s->change == n[TFA_ACTION_UPDATE] &&
         s->destroy == n[TFA_ACTION_DELETE]))
        return 0;
    snprintf(why, why_size,
             "it says %ld added, %ld changed, %ld destroyed, but the resources completed before "
             "it are %ld create(s), %ld update(s) and %ld delete(s)",
             s->add, s->change, s->destroy, n[TFA_ACTION_CREATE], n[TFA_ACTION_UPDATE],
             n[TFA_ACTION_DELETE]);
    return -1;
}

void tfa_plan_tally_diag(tfa_log_info *log, tfa_severity sev, const char *summary,
                         const tfa_pos *pos, int applying)
{
    if (sev == TFA_SEV_ERROR && !applying && log->plan_errors++ == 0)
        log->plan_error_pos = *pos;
    /* Terraform and OpenTofu word it the same (context_plan.go) */
    if (sev == TFA_SEV_WARNING && summary &&
        strcmp(summary, "Resource targeting is in effect") == 0)
        log->plan_partial++;
}
