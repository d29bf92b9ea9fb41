/*
 * facts_catalog.c - the fact and collection table (see facts_catalog.h).
 *
 * Each fact is one row: its name, type, which inputs it is computed from,
 * how (sum a field, require agreement on a string, combine tristates...)
 * and where the field lives in tfa_input. Adding a fact for a new model
 * field is one row; `tfaudit facts` and the docs follow from the table.
 *
 * Several inputs of one kind combine: counts are summed (Terraform's own
 * arithmetic, as `summarize` does for multi-document plans); strings have a
 * value only when every input that states one states the same; booleans
 * say "any" or "all" as each row documents.
 */
#include "util/compat.h"

#include "domain.h"
#include "facts_catalog.h"
#include "facts_derived.h"

/* Which inputs a fact reads. */
enum {
    FROM_PLAN = 1u << 0,
    FROM_UI = 1u << 1,
    FROM_TEXT = 1u << 2,
    FROM_STATE = 1u << 3,
    FROM_APPLY = 1u << 4,  /* logs of an apply or destroy */
    FROM_POLICY = 1u << 5, /* logs with a Sentinel policy check */
    FROM_COST = 1u << 6,   /* logs with a cost estimate */
    FROM_ANY = 1u << 7,    /* every input */
    FROM_LOGS = FROM_UI | FROM_TEXT
};

/* How a fact is computed from the selected inputs. */
typedef enum how {
    H_INPUTS,     /* number of selected inputs */
    H_SUM,        /* long at `off`, summed */
    H_SUM_PLAN,   /* long at `off` of plans, summed; none if an action is unknown */
    H_SUM_COUNTS, /* long at `off` of logs whose summary was determined */
    H_STR,        /* const char * at `off`, agreed on */
    H_LONG,       /* long at `off`, agreed on; negative = not stated */
    H_LLONG,      /* long long at `off`, agreed on; negative = not stated */
    H_ANY,        /* int at `off`: true if any is set */
    H_ALL,        /* int at `off`: true if all are set */
    H_TRI_ALL,    /* tfa_tristate at `off`: false if any is false */
    H_TRI_ANY,    /* tfa_tristate at `off`: true if any is true */
    H_NO_CHANGES, /* plan counts all zero; none if an action is unknown */
    H_DRIFT,      /* records in the drift list */
    H_DIAGS,      /* diagnostics of severity `off` */
    H_LOCK_ERRORS,
    H_NOTES,
    H_UNFINISHED, /* applied records never seen finishing */
    H_ERRORED,    /* plan.errored, derived for old formats (plan_errored) */
    H_APPLYABLE,  /* plan.applyable, derived for old formats (plan_applyable) */
    H_DERIVED     /* computed over the whole run: facts_derived.c, id in `off` */
} how;

struct tfa_fact {
    const char *name;
    tfa_vtype type;
    unsigned from;
    how how;
    size_t off;
    const char *doc;
};

#define IN(field) offsetof(tfa_input, field)

/* clang-format off */
static const tfa_fact facts[] = {
    {"inputs.count", TFA_V_NUM, FROM_ANY, H_INPUTS, 0, "inputs read"},
    {"inputs.plans", TFA_V_NUM, FROM_PLAN, H_INPUTS, 0, "plan JSON inputs"},
    {"inputs.ui_logs", TFA_V_NUM, FROM_UI, H_INPUTS, 0, "-json UI log inputs"},
    {"inputs.text_logs", TFA_V_NUM, FROM_TEXT, H_INPUTS, 0, "plain-text log inputs"},
    {"inputs.logs", TFA_V_NUM, FROM_LOGS, H_INPUTS, 0, "log inputs of either kind"},
    {"inputs.states", TFA_V_NUM, FROM_STATE, H_INPUTS, 0, "state inputs"},

    {"run.tool", TFA_V_STR, FROM_ANY, H_STR, IN(tool), "\"terraform\" or \"opentofu\", where the inputs say and agree"},
    {"run.terraform_version", TFA_V_STR, FROM_ANY, H_STR, IN(tool_version), "tool version the inputs state, where they agree"},
    {"run.notes", TFA_V_NUM, FROM_ANY, H_NOTES, 0, "reader notes (newer format minor, truncated last line...)"},
    {"run.lock_errors", TFA_V_NUM, FROM_LOGS, H_LOCK_ERRORS, 0, "\"Error acquiring the state lock\" events in logs"},

    {"plan.format_version", TFA_V_STR, FROM_PLAN, H_STR, IN(format_version), "plan JSON format_version"},
    {"plan.terraform_version", TFA_V_STR, FROM_PLAN, H_STR, IN(tool_version), "terraform_version of the plan"},
    {"plan.tool", TFA_V_STR, FROM_PLAN, H_STR, IN(tool), "\"terraform\" or \"opentofu\", where the plan says"},
    {"plan.plan_format_version", TFA_V_STR, FROM_PLAN, H_STR, IN(plan.plan_format_version), "HCP Terraform redacted plan format version"},
    {"plan.timestamp", TFA_V_STR, FROM_PLAN, H_STR, IN(plan.timestamp), "when the plan was made (RFC 3339)"},
    {"plan.format_newer", TFA_V_BOOL, FROM_PLAN, H_ANY, IN(plan.format_newer), "a plan uses a newer 1.x format minor than this build knows"},
    {"plan.documents", TFA_V_NUM, FROM_PLAN, H_SUM, IN(documents), "plan documents read (terragrunt run-all gives several)"},
    {"plan.applyable", TFA_V_BOOL, FROM_PLAN, H_APPLYABLE, IN(plan.applyable), "every plan is applyable (stated by format 1.2+ plans; true for saved plans of format 0.1-1.1 with changes)"},
    {"plan.complete", TFA_V_BOOL, FROM_PLAN, H_TRI_ALL, IN(plan.complete), "every plan is complete (no deferred work)"},
    {"plan.errored", TFA_V_BOOL, FROM_PLAN, H_ERRORED, IN(plan.errored), "a plan errored (stated by format 1.2+ plans; false for saved plans of format 0.1-1.1)"},
    {"plan.add", TFA_V_NUM, FROM_PLAN, H_SUM_PLAN, IN(plan.counts.add), "managed resources to add (create + replace)"},
    {"plan.change", TFA_V_NUM, FROM_PLAN, H_SUM_PLAN, IN(plan.counts.change), "managed resources to change in place"},
    {"plan.destroy", TFA_V_NUM, FROM_PLAN, H_SUM_PLAN, IN(plan.counts.destroy), "managed resources to destroy (delete + replace)"},
    {"plan.import", TFA_V_NUM, FROM_PLAN, H_SUM_PLAN, IN(plan.counts.import), "managed resources to import"},
    {"plan.forget", TFA_V_NUM, FROM_PLAN, H_SUM_PLAN, IN(plan.counts.forget), "managed resources to forget (remove from state only)"},
    {"plan.no_changes", TFA_V_BOOL, FROM_PLAN, H_NO_CHANGES, 0, "nothing to add, change, destroy, import or forget"},
    {"plan.actions.no_op", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.actions[TFA_ACTION_NOOP]), "resource changes (every mode) that are no-ops"},
    {"plan.actions.create", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.actions[TFA_ACTION_CREATE]), "resource changes that create"},
    {"plan.actions.read", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.actions[TFA_ACTION_READ]), "resource changes that read (data sources)"},
    {"plan.actions.update", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.actions[TFA_ACTION_UPDATE]), "resource changes that update in place"},
    {"plan.actions.delete", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.actions[TFA_ACTION_DELETE]), "resource changes that delete"},
    {"plan.actions.replace", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.actions[TFA_ACTION_REPLACE]), "resource changes that replace"},
    {"plan.actions.forget", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.actions[TFA_ACTION_FORGET]), "resource changes that forget"},
    {"plan.actions.unknown", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.actions[TFA_ACTION_UNKNOWN]), "resource changes with an action this build does not know"},
    {"plan.drift", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.drift), "resource_drift entries of the plans"},
    {"plan.deferred", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.deferred), "deferred_changes entries of the plans"},
    {"plan.outputs", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.outputs), "output changes of the plans"},
    {"plan.variables", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.variables), "variables the plans were made with"},

    {"drift.count", TFA_V_NUM, FROM_PLAN | FROM_LOGS, H_DRIFT, 0, "resources changed outside Terraform, over plans and logs"},
    {"drift.free", TFA_V_BOOL, FROM_ANY, H_DERIVED, TFA_D_DRIFT_FREE, "no drift, and no managed change when the window expects none (built-in drift-free)"},
    {"drift.changes", TFA_V_NUM, FROM_ANY, H_DERIVED, TFA_D_PLAN_CHANGES, "managed resource changes planned (not no-op or read), from plans or plan logs"},
    {"window.expect_no_changes", TFA_V_BOOL, FROM_ANY, H_DERIVED, TFA_D_WINDOW_EXPECT_NONE, "the window expects no changes (--expect no-changes)"},

    {"plan.pin", TFA_V_STR, FROM_ANY, H_DERIVED, TFA_D_PLAN_PIN, "the plan's pin (tfaudit pin): a digest of what it will do"},
    {"plan.sha256", TFA_V_STR, FROM_ANY, H_DERIVED, TFA_D_PLAN_SHA256, "SHA-256 of the plan file (exactly one plan input)"},
    {"plan.pinned", TFA_V_BOOL, FROM_ANY, H_DERIVED, TFA_D_PLAN_PINNED, "plan.pin or plan.sha256 equals approved.plan_digest (built-in plan-pinned)"},
    {"approved.plan_digest", TFA_V_STR, FROM_ANY, H_DERIVED, TFA_D_APPROVED_DIGEST, "the approved plan's pin or sha256 (--approved FILE|DIGEST)"},

    {"git.commit", TFA_V_STR, FROM_ANY, H_DERIVED, TFA_D_GIT_COMMIT, "HEAD commit of the IaC repository (--iac-repo)"},
    {"git.branch", TFA_V_STR, FROM_ANY, H_DERIVED, TFA_D_GIT_BRANCH, "checked-out branch of the IaC repository (--iac-repo)"},
    {"git.dirty", TFA_V_BOOL, FROM_ANY, H_DERIVED, TFA_D_GIT_DIRTY, "the IaC repository has uncommitted changes (--iac-repo)"},

    {"apply.operation", TFA_V_STR, FROM_APPLY, H_STR, IN(log.operation), "\"apply\" or \"destroy\""},
    {"apply.add", TFA_V_NUM, FROM_APPLY, H_SUM_COUNTS, IN(log.counts.add), "resources added, from \"Apply complete!\" / change_summary"},
    {"apply.change", TFA_V_NUM, FROM_APPLY, H_SUM_COUNTS, IN(log.counts.change), "resources changed by the apply"},
    {"apply.destroy", TFA_V_NUM, FROM_APPLY, H_SUM_COUNTS, IN(log.counts.destroy), "resources destroyed by the apply"},
    {"apply.import", TFA_V_NUM, FROM_APPLY, H_SUM_COUNTS, IN(log.counts.import), "resources imported by the apply"},
    {"apply.applied", TFA_V_NUM, FROM_APPLY, H_SUM, IN(log.applied), "resources the apply completed"},
    {"apply.errors", TFA_V_NUM, FROM_APPLY, H_SUM, IN(log.errors), "error diagnostics in apply logs"},
    {"apply.warnings", TFA_V_NUM, FROM_APPLY, H_SUM, IN(log.warnings), "warning diagnostics in apply logs"},
    {"apply.errored", TFA_V_NUM, FROM_APPLY, H_SUM, IN(log.apply_errors), "resources whose apply errored"},
    {"apply.unfinished", TFA_V_NUM, FROM_APPLY, H_UNFINISHED, 0, "resources the apply started and never finished"},
    {"apply.matches_plan", TFA_V_BOOL, FROM_ANY, H_DERIVED, TFA_D_APPLY_MATCHES, "the apply did exactly what the plan said (tfaudit verify-apply; built-in apply-matches-plan)"},
    {"apply.missing", TFA_V_NUM, FROM_ANY, H_DERIVED, TFA_D_APPLY_MISSING, "resources planned but not applied"},
    {"apply.unexpected", TFA_V_NUM, FROM_ANY, H_DERIVED, TFA_D_APPLY_UNEXPECTED, "resources applied but not planned"},
    {"apply.mismatched", TFA_V_NUM, FROM_ANY, H_DERIVED, TFA_D_APPLY_MISMATCHED, "resources applied with another action than planned"},
    {"apply.incomplete", TFA_V_NUM, FROM_ANY, H_DERIVED, TFA_D_APPLY_INCOMPLETE, "planned resources the apply started and never finished"},
    {"apply.counts_match", TFA_V_BOOL, FROM_ANY, H_DERIVED, TFA_D_APPLY_COUNTS_MATCH, "the apply's summary counts equal the plan's add/change/destroy"},
    {"apply.finished", TFA_V_BOOL, FROM_ANY, H_DERIVED, TFA_D_APPLY_FINISHED, "every apply log ends with its final summary (Apply complete! / change_summary) after its last resource, uncut"},

    {"log.operation", TFA_V_STR, FROM_LOGS, H_STR, IN(log.operation), "\"plan\", \"apply\", \"destroy\"..., where the logs agree"},
    {"log.add", TFA_V_NUM, FROM_LOGS, H_SUM_COUNTS, IN(log.counts.add), "add count of the logs' last summaries"},
    {"log.change", TFA_V_NUM, FROM_LOGS, H_SUM_COUNTS, IN(log.counts.change), "change count of the logs' last summaries"},
    {"log.destroy", TFA_V_NUM, FROM_LOGS, H_SUM_COUNTS, IN(log.counts.destroy), "destroy count of the logs' last summaries"},
    {"log.import", TFA_V_NUM, FROM_LOGS, H_SUM_COUNTS, IN(log.counts.import), "import count of the logs' last summaries"},
    {"log.forget", TFA_V_NUM, FROM_LOGS, H_SUM_COUNTS, IN(log.counts.forget), "forget count of the logs' last summaries"},
    {"log.no_changes", TFA_V_BOOL, FROM_LOGS, H_ALL, IN(log.no_changes), "every log says \"No changes.\""},
    {"log.errors", TFA_V_NUM, FROM_LOGS, H_SUM, IN(log.errors), "error diagnostics in logs"},
    {"log.warnings", TFA_V_NUM, FROM_LOGS, H_SUM, IN(log.warnings), "warning diagnostics in logs"},
    {"log.drift", TFA_V_NUM, FROM_LOGS, H_SUM, IN(log.drift), "drifted resources the logs report"},
    {"log.planned", TFA_V_NUM, FROM_LOGS, H_SUM, IN(log.planned), "planned changes the logs announce"},
    {"log.applied", TFA_V_NUM, FROM_LOGS, H_SUM, IN(log.applied), "resources the logs show completed"},
    {"log.apply_errors", TFA_V_NUM, FROM_LOGS, H_SUM, IN(log.apply_errors), "resources the logs show errored"},
    {"log.messages", TFA_V_NUM, FROM_LOGS, H_SUM, IN(log.messages), "UI log messages / text log lines read"},
    {"log.unknown_messages", TFA_V_NUM, FROM_LOGS, H_SUM, IN(log.unknown_messages), "UI log message types this build does not know"},
    {"log.ui_version", TFA_V_STR, FROM_UI, H_STR, IN(log.ui_version), "UI log \"ui\" version"},
    {"log.truncated_tail", TFA_V_BOOL, FROM_LOGS, H_ANY, IN(log.truncated_tail), "a log's last line was cut off"},

    {"policy.result", TFA_V_BOOL, FROM_POLICY, H_TRI_ALL, IN(log.sentinel_result), "every Sentinel policy check passed"},
    {"policy.evaluated", TFA_V_NUM, FROM_POLICY, H_SUM, IN(log.policies_evaluated), "Sentinel policies evaluated"},
    {"policy.passed", TFA_V_NUM, FROM_POLICY, H_SUM, IN(log.policies_passed), "Sentinel policies passed"},
    {"policy.failed", TFA_V_NUM, FROM_POLICY, H_SUM, IN(log.policies_failed), "Sentinel policies failed"},
    {"policy.hard_failed", TFA_V_NUM, FROM_POLICY, H_SUM, IN(log.policies_hard_failed), "hard-mandatory policies failed"},
    {"policy.soft_failed", TFA_V_NUM, FROM_POLICY, H_SUM, IN(log.policies_soft_failed), "soft-mandatory policies failed"},
    {"policy.advisory_failed", TFA_V_NUM, FROM_POLICY, H_SUM, IN(log.policies_advisory_failed), "advisory policies failed"},

    {"cost.monthly", TFA_V_STR, FROM_COST, H_STR, IN(log.cost_monthly), "estimated monthly cost as printed, e.g. \"$25.488/mo\""},
    {"cost.monthly_delta", TFA_V_STR, FROM_COST, H_STR, IN(log.cost_monthly_delta), "estimated monthly cost change, e.g. \"+$25.488\""},
    {"cost.resources", TFA_V_NUM, FROM_COST, H_SUM, IN(log.cost_resources), "resources the cost estimate covers"},
    {"cost.estimated", TFA_V_NUM, FROM_COST, H_SUM, IN(log.cost_estimated), "resources with an estimated cost"},

    {"state.terraform_version", TFA_V_STR, FROM_STATE, H_STR, IN(tool_version), "terraform_version of the state"},
    {"state.lineage", TFA_V_STR, FROM_STATE, H_STR, IN(state.lineage), "state lineage"},
    {"state.serial", TFA_V_NUM, FROM_STATE, H_LLONG, IN(state.serial), "state serial"},
    {"state.version", TFA_V_NUM, FROM_STATE, H_LONG, IN(state.state_version), "raw terraform.tfstate version (3, 4)"},
    {"state.resources", TFA_V_NUM, FROM_STATE, H_SUM, IN(state.resources), "managed resource instances in state"},
    {"state.data_sources", TFA_V_NUM, FROM_STATE, H_SUM, IN(state.data_sources), "data source instances in state"},
    {"state.outputs", TFA_V_NUM, FROM_STATE, H_SUM, IN(state.outputs), "outputs in state"},

    {"diagnostics.errors", TFA_V_NUM, FROM_ANY, H_DIAGS, TFA_SEV_ERROR, "error diagnostics of every input"},
    {"diagnostics.warnings", TFA_V_NUM, FROM_ANY, H_DIAGS, TFA_SEV_WARNING, "warning diagnostics of every input"},
};
/* clang-format on */

size_t tfa_fact_count(void)
{
    return TFA_ARRAY_SIZE(facts);
}

const tfa_fact *tfa_fact_at(size_t i)
{
    return i < TFA_ARRAY_SIZE(facts) ? &facts[i] : NULL;
}

const tfa_fact *tfa_fact_find(const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(facts); i++)
        if (strlen(facts[i].name) == len && memcmp(facts[i].name, name, len) == 0)
            return &facts[i];
    return NULL;
}

const char *tfa_fact_name(const tfa_fact *f)
{
    return f->name;
}

tfa_vtype tfa_fact_type(const tfa_fact *f)
{
    return f->type;
}

const char *tfa_fact_doc(const tfa_fact *f)
{
    return f->doc;
}

static int is_log(const tfa_input *in)
{
    return in->kind == TFA_KIND_UI_LOG || in->kind == TFA_KIND_TEXT_LOG;
}

static int selects(unsigned from, const tfa_input *in)
{
    const char *op = in->log.operation;

    if (from & FROM_ANY)
        return 1;
    if (((from & FROM_PLAN) && in->kind == TFA_KIND_PLAN) ||
        ((from & FROM_UI) && in->kind == TFA_KIND_UI_LOG) ||
        ((from & FROM_TEXT) && in->kind == TFA_KIND_TEXT_LOG) ||
        ((from & FROM_STATE) && in->kind == TFA_KIND_STATE))
        return 1;
    if (!is_log(in))
        return 0;
    if ((from & FROM_APPLY) && op && (strcmp(op, "apply") == 0 || strcmp(op, "destroy") == 0))
        return 1;
    if ((from & FROM_POLICY) &&
        (in->log.sentinel_result != TFA_UNSET || in->log.policies_evaluated > 0))
        return 1;
    return (from & FROM_COST) && in->log.has_cost;
}

/* Why a fact has no value when no input is selected. */
static const char *none_reason(unsigned from)
{
    if (from & FROM_APPLY)
        return "no apply log among the inputs";
    if (from & FROM_POLICY)
        return "no policy check among the inputs";
    if (from & FROM_COST)
        return "no cost estimate among the inputs";
    if (from & FROM_PLAN)
        return (from & FROM_LOGS) ? "no plan or log among the inputs" : "no plan among the inputs";
    if ((from & FROM_LOGS) == FROM_LOGS)
        return "no log among the inputs";
    if (from & FROM_UI)
        return "no UI log among the inputs";
    if (from & FROM_TEXT)
        return "no text log among the inputs";
    if (from & FROM_STATE)
        return "no state among the inputs";
    return "no inputs";
}

/*
 * plan.errored. Terraform states `errored` in plans of format 1.2 from
 * Terraform 1.6 on. Before, `terraform plan -out` saved no plan file when
 * planning failed, so a `terraform show -json` plan of format 0.1 to 1.1
 * (Terraform 0.12 to 1.4) that does not state it comes from a plan that
 * succeeded: errored is false. It cannot be derived for format 1.2 plans
 * without the field (Terraform 1.5 writes format 1.2 without `errored`,
 * and the corpus holds a Terraform 1.5 plan JSON of a run whose plan
 * failed), nor for HCP Terraform redacted plans (plan_format_version: the
 * API serves the plan of a failed run); there it stays unknown (ERROR).
 */
#define ERRORED_SINCE_FORMAT "1.2"
#define ERRORED_UNKNOWN                                                                            \
    "not stated by the plans (format 1.2 without \"errored\", or an HCP Terraform redacted plan: " \
    "give the plan's log)"

static tfa_tristate plan_errored(const tfa_input *in)
{
    int order;

    if (in->plan.errored != TFA_UNSET || in->plan.plan_format_version || !in->format_version)
        return in->plan.errored;
    if (tfa_version_cmp(in->format_version, ERRORED_SINCE_FORMAT, &order) && order < 0)
        return TFA_FALSE;
    return TFA_UNSET;
}

/*
 * plan.applyable, stated with errored. A saved plan of format 0.1 to 1.1
 * that did not error (above) and changes something can be applied. One
 * that changes nothing is left unknown: newer Terraform calls such a plan
 * not applyable, and nothing in the old format says which it would be.
 */
#define APPLYABLE_UNKNOWN                                                                          \
    "not stated by the plans (format 1.2 without \"applyable\", a redacted plan, or an old "       \
    "plan without changes)"

static tfa_tristate plan_applyable(const tfa_input *in)
{
    const tfa_counts *c = &in->plan.counts;

    if (in->plan.applyable != TFA_UNSET || plan_errored(in) != TFA_FALSE ||
        in->plan.errored != TFA_UNSET)
        return in->plan.applyable;
    return c->add || c->change || c->destroy || c->import || c->forget ? TFA_TRUE : TFA_UNSET;
}

/* The counts of a plan with a change of an action this build does not
 * know (a newer Terraform's, or an edit): it may add or destroy. */
#define UNKNOWN_ACTIONS                                                                            \
    "a plan change has an action this build does not know (plan.actions.unknown)"

/* The counts of a plan that errored: Terraform stopped planning at the
 * error, so the changes after it were never listed. */
#define ERRORED_COUNTS "a plan errored (plan.errored), so it may not list every change"

/* A plan saying "complete": false (-target, or deferred actions) planned
 * part of the configuration: no changes there says nothing of the rest. */
#define INCOMPLETE_NO_CHANGES                                                                      \
    "a plan is incomplete (plan.complete is false), so it may not list every change"

typedef const char *cstr;

#define FIELD(in, type, off) (*(const type *)(const void *)((const char *)(in) + (off)))

/* What the selected inputs add up to, before it becomes a value. */
typedef struct acc {
    size_t n, stated; /* inputs selected; inputs stating the field */
    const char *str;
    long long sum, num;
    int any, all, disagree;
    long unknown;   /* plan changes of an action this build does not know */
    int errored;    /* a plan stating "errored": true */
    int incomplete; /* a plan stating "complete": false */
} acc;

/* Fold one selected input into `a` per f->how. */
static void accumulate(const tfa_fact *f, const tfa_input *in, acc *a)
{
    tfa_tristate t;
    const char *s;
    long long v;

    a->n++;
    switch (f->how) {
    case H_SUM:
        a->sum += FIELD(in, long, f->off);
        break;
    case H_SUM_PLAN:
        a->sum += FIELD(in, long, f->off);
        a->unknown += in->plan.actions[TFA_ACTION_UNKNOWN];
        a->errored |= in->plan.errored == TFA_TRUE;
        break;
    case H_SUM_COUNTS:
        if (in->log.has_counts)
            a->sum += FIELD(in, long, f->off), a->stated++;
        break;
    case H_STR:
        s = FIELD(in, cstr, f->off);
        if (s && a->str && strcmp(s, a->str) != 0)
            a->disagree = 1;
        if (s)
            a->str = s, a->stated++;
        break;
    case H_LONG:
    case H_LLONG:
        v = f->how == H_LONG ? FIELD(in, long, f->off) : FIELD(in, long long, f->off);
        if (v >= 0 && a->stated && v != a->num)
            a->disagree = 1;
        if (v >= 0)
            a->num = v, a->stated++;
        break;
    case H_ANY:
    case H_ALL:
        a->any |= FIELD(in, int, f->off) != 0;
        a->all &= FIELD(in, int, f->off) != 0;
        break;
    case H_TRI_ALL:
    case H_TRI_ANY:
    case H_ERRORED:
    case H_APPLYABLE:
        t = f->how == H_ERRORED     ? plan_errored(in)
            : f->how == H_APPLYABLE ? plan_applyable(in)
                                    : FIELD(in, tfa_tristate, f->off);
        if (t != TFA_UNSET)
            a->stated++, a->any |= t == TFA_TRUE, a->all &= t == TFA_TRUE;
        break;
    case H_NO_CHANGES:
        a->unknown += in->plan.actions[TFA_ACTION_UNKNOWN];
        a->errored |= in->plan.errored == TFA_TRUE;
        a->incomplete |= in->plan.complete == TFA_FALSE;
        a->all &= !in->plan.counts.add && !in->plan.counts.change && !in->plan.counts.destroy &&
                  !in->plan.counts.import && !in->plan.counts.forget;
        break;
    default:
        break;
    }
}

/* A log of several runs is read as several inputs ("job.log#1", "job.log#2",
 * sharing the file's digest): when one job applied twice (a retry), the
 * last apply is the one apply facts read. */
static int superseded_apply(unsigned from, const tfa_run *run, size_t i)
{
    const tfa_input *in = tfa_run_input(run, i), *later;
    size_t j;

    if (!(from & FROM_APPLY) || (from & ~FROM_APPLY) || in->kind != TFA_KIND_TEXT_LOG)
        return 0;
    for (j = i + 1; j < tfa_run_input_count(run); j++) {
        later = tfa_run_input(run, j);
        if (later->kind == TFA_KIND_TEXT_LOG && later->bytes == in->bytes &&
            memcmp(later->sha256, in->sha256, sizeof(in->sha256)) == 0 &&
            selects(FROM_APPLY, later))
            return 1;
    }
    return 0;
}

/* Combine the selected inputs' field per f->how. Returns 1 with a value, or
 * 0 with *why. */
static int combine(const tfa_fact *f, const tfa_fact_source *src, tfa_value *out, const char **why)
{
    acc a = {0, 0, NULL, 0, -1, 0, 1, 0, 0, 0, 0};
    const tfa_run *run = src->run;
    size_t i;

    if (f->how == H_DERIVED)
        return tfa_fact_derived((tfa_derived)f->off, src, out, why);
    for (i = 0; i < tfa_run_input_count(run); i++)
        if (selects(f->from, tfa_run_input(run, i)) && !superseded_apply(f->from, run, i))
            accumulate(f, tfa_run_input(run, i), &a);
    if (a.n == 0 && f->how != H_INPUTS) {
        *why = none_reason(f->from);
        return 0;
    }
    switch (f->how) {
    case H_INPUTS:
        *out = tfa_value_num((double)a.n);
        return 1;
    case H_SUM_COUNTS:
        if (!a.stated) {
            *why = "no change summary in the logs";
            return 0;
        }
        /* fall through */
    case H_SUM:
        *out = tfa_value_num((double)a.sum);
        return 1;
    case H_SUM_PLAN:
        if (a.unknown || a.errored) {
            *why = a.unknown ? UNKNOWN_ACTIONS : ERRORED_COUNTS;
            return 0;
        }
        *out = tfa_value_num((double)a.sum);
        return 1;
    case H_STR:
    case H_LONG:
    case H_LLONG:
        if (a.disagree || !a.stated) {
            *why = a.disagree ? "the inputs disagree" : "not stated by the inputs";
            return 0;
        }
        *out = f->how == H_STR ? tfa_value_str(a.str) : tfa_value_num((double)a.num);
        return 1;
    case H_TRI_ALL:
    case H_TRI_ANY:
    case H_ERRORED:
    case H_APPLYABLE:
        if (!a.stated) {
            *why = f->how == H_ERRORED     ? ERRORED_UNKNOWN
                   : f->how == H_APPLYABLE ? APPLYABLE_UNKNOWN
                                           : "not stated by the inputs";
            return 0;
        }
        /* fall through */
    case H_NO_CHANGES:
        if (a.unknown || a.errored || (f->how == H_NO_CHANGES && a.incomplete)) {
            *why = a.unknown ? UNKNOWN_ACTIONS : a.errored ? ERRORED_COUNTS : INCOMPLETE_NO_CHANGES;
            return 0;
        }
        /* fall through */
    case H_ANY:
    case H_ALL:
        *out = tfa_value_bool(
            f->how == H_ANY || f->how == H_TRI_ANY || f->how == H_ERRORED ? a.any : a.all);
        return 1;
    default:
        /* counted from the run's records by the caller */
        *out = tfa_value_null();
        return 1;
    }
}

int tfa_fact_value(const tfa_fact *f, const tfa_fact_source *src, tfa_value *out, const char **why)
{
    const tfa_run *run = src->run;
    size_t i, n = 0;
    tfa_value v;

    *why = NULL;
    if (!combine(f, src, &v, why))
        return 0;
    switch (f->how) {
    case H_DRIFT:
        if (src->drift_why[0]) {
            *why = src->drift_why; /* a partial input named, or none able to */
            return 0;
        }
        n = tfa_run_view_count(run, TFA_VIEW_DRIFT);
        break;
    case H_DIAGS:
        for (i = 0; i < tfa_run_diag_count(run); i++)
            n += tfa_run_diag(run, i)->severity == (tfa_severity)f->off;
        break;
    case H_LOCK_ERRORS:
        for (i = 0; i < tfa_run_lock_count(run); i++)
            n += tfa_run_lock(run, i)->event == TFA_LOCK_ERROR;
        break;
    case H_NOTES:
        n = tfa_run_note_count(run);
        break;
    case H_UNFINISHED:
        for (i = 0; i < tfa_run_applied_count(run); i++)
            n += tfa_run_applied(run, i)->status == TFA_APPLY_STARTED;
        break;
    default:
        *out = v;
        return 1;
    }
    *out = tfa_value_num((double)n);
    return 1;
}

int tfa_fact_explain(const tfa_fact *f, const tfa_fact_source *src, tfa_fact_detail_fn add,
                     void *payload)
{
    if (f->how != H_DERIVED)
        return 0;
    return tfa_fact_derived_explain((tfa_derived)f->off, src, add, payload);
}

/* ---- what each input kind proves (facts_catalog.h) ------------------------ */

const char *tfa_fact_proven_by(const tfa_fact *f)
{
    if (f->how == H_DRIFT)
        return "plan, logs";
    if (f->how == H_DERIVED)
        return "derived";
    if (f->from & FROM_ANY)
        return "any";
    if (f->from & FROM_APPLY)
        return "apply log";
    if (f->from & FROM_POLICY)
        return "policy log";
    if (f->from & FROM_COST)
        return "cost log";
    switch (f->from) {
    case FROM_PLAN:
        return "plan";
    case FROM_LOGS:
        return "logs";
    case FROM_UI:
        return "ui-log";
    case FROM_TEXT:
        return "text-log";
    case FROM_STATE:
        return "state";
    default:
        return "plan, logs";
    }
}

int tfa_fact_kind_proves(const tfa_fact *f, tfa_kind k)
{
    unsigned logs = FROM_LOGS | FROM_APPLY | FROM_POLICY | FROM_COST;

    if (f->how == H_DRIFT)
        return tfa_coll_kind_proves(TFA_COLL_DRIFT, k);
    if (f->from & FROM_ANY)
        return 1;
    switch (k) {
    case TFA_KIND_PLAN:
        return (f->from & FROM_PLAN) != 0;
    case TFA_KIND_UI_LOG:
        return (f->from &
                (logs & ~(unsigned)FROM_TEXT & ~(unsigned)FROM_POLICY & ~(unsigned)FROM_COST)) != 0;
    case TFA_KIND_TEXT_LOG:
        return (f->from & (logs & ~(unsigned)FROM_UI)) != 0;
    case TFA_KIND_STATE:
        return (f->from & FROM_STATE) != 0;
    default:
        return 0;
    }
}
