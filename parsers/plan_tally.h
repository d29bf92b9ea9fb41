/*
 * plan_tally.h - whether a log's plan summary ("Plan: 1 to add, 0 to
 * change, 1 to destroy", a change_summary message) is the sum of the
 * changes the same log lists before it.
 *
 * Terraform counts the summary from the very changes it lists (views
 * operation.go: create adds, update changes, delete removes, a replace
 * adds and removes; deletes of data sources are neither listed nor
 * counted). A summary that does not add up means the log lost listed
 * changes (a cut or collapsed CI log) or was edited: the changes a
 * checklist reads would not be the plan's, so the reader refuses it.
 *
 * One JSON action, "replace", stands for three of Terraform's: delete
 * then create and create then delete (counted to add and to destroy) and
 * create then forget (destroy = false; counted to add, or by some
 * versions not at all). The check accepts exactly the summaries some
 * version would have written for the listed changes.
 */
#ifndef TFA_PLAN_TALLY_H
#define TFA_PLAN_TALLY_H

#include "run.h"

typedef struct tfa_plan_tally {
    long n[TFA_ACTION_COUNT]; /* listed changes by action */
    long replace_destroy;     /* replaces known to destroy the old object */
    long replace_keep;        /* replaces known to keep it (create then forget) */
} tfa_plan_tally;

/* Count one listed change (data source deletes are not counted). */
void tfa_plan_tally_add(tfa_plan_tally *t, const tfa_change *c);

/* 0 when `summary` can be the summary of the tallied changes; else -1 and
 * a description of the difference in why (for the caller's message). A
 * tally holding a change of an action this build does not know passes: it
 * cannot say what the summary counted. */
int tfa_plan_tally_check(const tfa_plan_tally *t, const tfa_counts *summary, char *why,
                         size_t why_size);

/* The same for an apply's summary ("Apply complete! Resources: ...", a
 * change_summary with operation apply or destroy) against the applied
 * records run->applied[from..] of `input` that completed: Terraform counts
 * a completed create to add, update to change and delete to destroy (a
 * replace is a delete and a create, each with its own events; reads and
 * imports count nothing). For readers that push one record per operation
 * started or completed: the -json reader, and the text reader, whose
 * "Destroying..." and "Creating..." lines of one replace are two records. */
int tfa_apply_tally_check(const tfa_run *run, unsigned input, size_t from,
                          const tfa_counts *summary, char *why, size_t why_size);

/*
 * A diagnostic of a log's run, for what it says about the plan: an error
 * met before the run's apply began (`applying` 0) means the plan failed,
 * and Terraform 1.6+ still prints what it planned before the error, with
 * its summary (backend_plan.go: the partial plan, then the diagnostics), so
 * the changes and drift the log lists may not be all (log.plan_errors);
 * the warning "Resource targeting is in effect" means -target planned and
 * refreshed part of the configuration only (log.plan_partial). Counts of
 * errors and warnings are the reader's business.
 */
void tfa_plan_tally_diag(tfa_log_info *log, tfa_severity sev, const char *summary,
                         const tfa_pos *pos, int applying);

#endif
