/*
 * cmd_verify_apply.c - `tfaudit verify-apply --plan PLAN --apply LOG`: did
 * the apply do exactly what the approved plan said (checklist/verify.h)?
 * Exit 0 match, 1 mismatch, 2 error.
 */
#include "util/compat.h"

#include "cli_inputs.h"
#include "commands.h"
#include "exit.h"
#include "msg.h"
#include "render.h"
#include "verify.h"
#include "util/jbuild.h"

typedef struct verify_opts {
    const char *format;
    tfa_strlist plans, applies;
    tfa_cli_inputs in;
    tfa_cli_net net;
} verify_opts;

static const tfa_opt options[] = {
    {"plan", 0, TFA_OPT_LIST, offsetof(verify_opts, plans), "PLAN",
     "the approved plan: plan JSON or a -json/text plan log (repeatable)", NULL},
    {"apply", 0, TFA_OPT_LIST, offsetof(verify_opts, applies), "LOG",
     "the apply's -json or text log (repeatable)", NULL},
    {"format", 'f', TFA_OPT_CHOICE, offsetof(verify_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
    TFA_CLI_INPUT_OPTIONS(verify_opts, in),
    TFA_CLI_NET_OPTIONS(verify_opts, net),
};

const tfa_cmd_spec tfa_cmd_verify_apply_spec = {
    "verify-apply",
    "--plan PLAN --apply LOG [options]",
    "Check that an apply did exactly what the approved plan promised",
    "Lists every difference: planned but not applied (missing), applied but not\n"
    "planned (unexpected), a different action (mismatched, e.g. planned update,\n"
    "applied replace), errored and never-finished resources, and the apply's\n"
    "summary counts against the plan's add/change/destroy.\n"
    "An apply log proves the apply finished only with its final summary (Apply\n"
    "complete! / a change_summary of operation apply or destroy) after its last\n"
    "resource: an error (e.g. Failed to save state) is a failed apply, a missing\n"
    "summary or a cut log an apply not known to have finished; both exit 1 with\n"
    "the reason.\n"
    "Exit status: 0 match, 1 mismatch (or not known to match), 2 error.\n",
    options,
    TFA_ARRAY_SIZE(options),
    0,
    0};

static const char *action_or_none(tfa_action a, const char *none)
{
    return a == TFA_ACTION_UNKNOWN ? none : tfa_action_name(a);
}

static void print_counts(const tfa_verify_result *v)
{
    const tfa_counts *p = &v->plan_counts, *a = &v->apply_counts;
    if (!v->counts_compared)
        return;
    tfa_render_printf(
        stdout,
        "  summary     plan %ld to add, %ld to change, %ld to destroy; apply %ld added, "
        "%ld changed, %ld destroyed%s\n",
        p->add, p->change, p->destroy, a->add, a->change, a->destroy,
        v->counts_match ? "" : "  (differ)");
}

/* "Apply does NOT match the plan: 2 differences, the apply failed." */
static void print_why_not(const tfa_verify_result *v)
{
    const char *sep = "";

    fputs("Apply does NOT match the plan:", stdout);
    if (v->n_items) {
        tfa_render_printf(stdout, " %zu difference%s", v->n_items, v->n_items == 1 ? "" : "s");
        sep = ",";
    }
    if (!v->counts_match) {
        tfa_render_printf(stdout, "%s summary counts differ", sep);
        sep = ",";
    }
    if (v->outcome != TFA_OUTCOME_FINISHED)
        tfa_render_printf(stdout, "%s the apply %s", sep,
                          v->outcome == TFA_OUTCOME_FAILED ? "failed" : "did not finish");
    fputs(".\n", stdout);
}

static void print_text(const tfa_verify_result *v)
{
    size_t i;
    if (v->matches)
        tfa_render_printf(stdout, "Apply matches the plan: %zu planned, %zu applied.\n", v->planned,
                          v->applied);
    else if (v->outcome == TFA_OUTCOME_UNFINISHED && v->n_items == 0)
        tfa_render_printf(
            stdout, "Not known whether the apply matches the plan: the apply log does not show it "
                    "finished.\n");
    else
        print_why_not(v);
    for (i = 0; i < v->n_problems_kept; i++)
        tfa_render_printf(stdout, "  %-11s %s\n", tfa_apply_outcome_name(v->outcome),
                          v->problems[i]);
    if (v->n_problems > v->n_problems_kept)
        tfa_render_printf(stdout, "  %-11s and %zu more\n", tfa_apply_outcome_name(v->outcome),
                          v->n_problems - v->n_problems_kept);
    for (i = 0; i < v->n_items; i++) {
        const tfa_verify_item *it = &v->items[i];
        tfa_render_printf(
            stdout, "  %-11s %s  planned %s, applied %s\n", tfa_verify_kind_name(it->kind),
            it->address, action_or_none(it->planned, "nothing"),
            it->kind == TFA_VERIFY_ERRORED      ? "with an error"
            : it->kind == TFA_VERIFY_INCOMPLETE ? "but never finished"
                                                : action_or_none(it->applied, "nothing"));
    }
    print_counts(v);
}

static json_t *counts_json(const tfa_counts *c)
{
    return json_pack("{s:I, s:I, s:I}", "add", (json_int_t)c->add, "change", (json_int_t)c->change,
                     "destroy", (json_int_t)c->destroy);
}

static json_t *to_json(const tfa_verify_result *v)
{
    json_t *items = json_array(), *root, *problems;
    size_t i;
    int bad = 0;
    /* every member checked: the document is whole or NULL (tfa_render_json
     * reports it), never a difference or a count short */
    for (i = 0; i < v->n_items; i++) {
        const tfa_verify_item *it = &v->items[i];
        tfa_jbuild_append(items,
                          json_pack("{s:s, s:s, s:o, s:o}", "address", it->address, "kind",
                                    tfa_verify_kind_name(it->kind), "planned",
                                    it->planned == TFA_ACTION_UNKNOWN
                                        ? json_null()
                                        : json_string(tfa_action_name(it->planned)),
                                    "applied",
                                    it->applied == TFA_ACTION_UNKNOWN
                                        ? json_null()
                                        : json_string(tfa_action_name(it->applied))),
                          &bad);
    }
    root =
        json_pack("{s:b, s:I, s:I, s:o}", "matches", v->matches, "planned", (json_int_t)v->planned,
                  "applied", (json_int_t)v->applied, "differences", items);
    bad |= !root;
    for (i = 0; i < TFA_VERIFY_KIND_COUNT; i++)
        tfa_jbuild_set(root, tfa_verify_kind_name((tfa_verify_kind)i),
                       json_integer((json_int_t)v->count[i]), &bad);
    problems = json_array();
    for (i = 0; i < v->n_problems_kept; i++)
        tfa_jbuild_append(problems, json_string(v->problems[i]), &bad);
    tfa_jbuild_set(root, "outcome", json_string(tfa_apply_outcome_name(v->outcome)), &bad);
    tfa_jbuild_set(root, "problems", problems, &bad);
    tfa_jbuild_set(root, "counts_match", json_boolean(v->counts_match), &bad);
    tfa_jbuild_set(root, "plan_counts",
                   v->counts_compared ? counts_json(&v->plan_counts) : json_null(), &bad);
    tfa_jbuild_set(root, "apply_counts",
                   v->counts_compared ? counts_json(&v->apply_counts) : json_null(), &bad);
    return tfa_jbuild_done(root, bad);
}

int tfa_cmd_verify_apply(int argc, char **argv)
{
    verify_opts o = {"text", {0}, {0}, {NULL, NULL, {NULL, 0, 0, NULL}}, {NULL, 0}};
    tfa_strlist args = {0}, all = {0};
    tfa_verify_result *v = NULL;
    tfa_run *run = NULL;
    size_t i;
    int rc = tfa_opts_parse(&tfa_cmd_verify_apply_spec, argc, argv, &o, &args);

    if (rc)
        goto done;
    if (!o.plans.n || !o.applies.n) {
        rc = tfa_msg_usage("verify-apply", "both --plan and --apply are required");
        goto done;
    }
    for (i = 0; i < o.plans.n; i++)
        tfa_strlist_push(&all, o.plans.items[i]);
    for (i = 0; i < o.applies.n; i++)
        tfa_strlist_push(&all, o.applies.items[i]);
    if ((rc = tfa_cli_load_net(&run, &all, &o.in, "verify-apply", &o.net)) != 0)
        goto done;
    if (tfa_verify_apply(run, &v) != 0) {
        rc = tfa_msg_error("out of memory");
        goto done;
    }
    if (!v->has_plan || !v->has_apply) {
        rc = tfa_msg_error("%s", !v->has_plan ? "--plan gave no plan (a plan JSON or a plan log)"
                                              : "--apply gave no apply log");
        goto done;
    }
    if (strcmp(o.format, "json") == 0)
        rc = tfa_render_json(to_json(v));
    else
        print_text(v);
    if (rc == 0 && (rc = tfa_render_finish()) == 0)
        rc = v->matches ? TFA_EXIT_GO : TFA_EXIT_NOGO;
done:
    tfa_verify_result_free(v);
    tfa_run_free(run);
    tfa_strlist_release(&all);
    tfa_strlist_release(&o.plans);
    tfa_strlist_release(&o.applies);
    tfa_cli_inputs_release(&o.in);
    tfa_strlist_release(&args);
    return rc;
}
