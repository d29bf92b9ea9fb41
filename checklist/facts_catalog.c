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

#include "facts_catalog.h"

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
    H_SUM_COUNTS, /* long at `off` of logs whose summary was determined */
    H_STR,        /* const char * at `off`, agreed on */
    H_LONG,       /* long at `off`, agreed on; negative = not stated */
    H_LLONG,      /* long long at `off`, agreed on; negative = not stated */
    H_ANY,        /* int at `off`: true if any is set */
    H_ALL,        /* int at `off`: true if all are set */
    H_TRI_ALL,    /* tfa_tristate at `off`: false if any is false */
    H_TRI_ANY,    /* tfa_tristate at `off`: true if any is true */
    H_NO_CHANGES, /* plan counts all zero */
    H_DRIFT,      /* records in the drift list */
    H_DIAGS,      /* diagnostics of severity `off` */
    H_LOCK_ERRORS,
    H_NOTES,
    H_UNFINISHED /* applied records never seen finishing */
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
    {"plan.applyable", TFA_V_BOOL, FROM_PLAN, H_TRI_ALL, IN(plan.applyable), "every plan is applyable"},
    {"plan.complete", TFA_V_BOOL, FROM_PLAN, H_TRI_ALL, IN(plan.complete), "every plan is complete (no deferred work)"},
    {"plan.errored", TFA_V_BOOL, FROM_PLAN, H_TRI_ANY, IN(plan.errored), "a plan errored"},
    {"plan.add", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.counts.add), "managed resources to add (create + replace)"},
    {"plan.change", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.counts.change), "managed resources to change in place"},
    {"plan.destroy", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.counts.destroy), "managed resources to destroy (delete + replace)"},
    {"plan.import", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.counts.import), "managed resources to import"},
    {"plan.forget", TFA_V_NUM, FROM_PLAN, H_SUM, IN(plan.counts.forget), "managed resources to forget (remove from state only)"},
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

typedef const char *cstr;

#define FIELD(in, type, off) (*(const type *)(const void *)((const char *)(in) + (off)))

/* What the selected inputs add up to, before it becomes a value. */
typedef struct acc {
    size_t n, stated; /* inputs selected; inputs stating the field */
    const char *str;
    long long sum, num;
    int any, all, disagree;
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
        t = FIELD(in, tfa_tristate, f->off);
        if (t != TFA_UNSET)
            a->stated++, a->any |= t == TFA_TRUE, a->all &= t == TFA_TRUE;
        break;
    case H_NO_CHANGES:
        a->all &= !in->plan.counts.add && !in->plan.counts.change && !in->plan.counts.destroy &&
                  !in->plan.counts.import && !in->plan.counts.forget;
        break;
    default:
        break;
    }
}

/* Combine the selected inputs' field per f->how. Returns 1 with a value, or
 * 0 with *why. */
static int combine(const tfa_fact *f, const tfa_run *run, tfa_value *out, const char **why)
{
    acc a = {0, 0, NULL, 0, -1, 0, 1, 0};
    size_t i;

    for (i = 0; i < tfa_run_input_count(run); i++)
        if (selects(f->from, tfa_run_input(run, i)))
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
        if (!a.stated) {
            *why = "not stated by the inputs";
            return 0;
        }
        /* fall through */
    case H_ANY:
    case H_ALL:
    case H_NO_CHANGES:
        *out = tfa_value_bool(f->how == H_ANY || f->how == H_TRI_ANY ? a.any : a.all);
        return 1;
    default:
        /* counted from the run's records by the caller */
        *out = tfa_value_null();
        return 1;
    }
}

int tfa_fact_value(const tfa_fact *f, const tfa_run *run, tfa_value *out, const char **why)
{
    size_t i, n = 0;
    tfa_value v;

    *why = NULL;
    if (!combine(f, run, &v, why))
        return 0;
    switch (f->how) {
    case H_DRIFT:
        n = tfa_run_change_count(run, TFA_LIST_DRIFT);
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

/* ---- collections ------------------------------------------------------------- */

static const char *const coll_names[TFA_COLL_COUNT] = {
    "changes", "drift", "planned", "deferred", "applied", "diagnostics", "inputs"};

static const char *const coll_docs[TFA_COLL_COUNT] = {
    "resource changes of the plans (every mode, no-ops included)",
    "resources changed outside Terraform (plans and logs)",
    "changes the logs announce (planned_change, \"will be\" lines)",
    "changes the plans deferred",
    "resources an apply worked on",
    "error and warning diagnostics",
    "the inputs read"};

const char *tfa_coll_name(tfa_coll c)
{
    return (unsigned)c < TFA_COLL_COUNT ? coll_names[c] : "";
}

const char *tfa_coll_doc(tfa_coll c)
{
    return (unsigned)c < TFA_COLL_COUNT ? coll_docs[c] : "";
}

int tfa_coll_find(const char *name, size_t len)
{
    int c;
    for (c = 0; c < TFA_COLL_COUNT; c++)
        if (strlen(coll_names[c]) == len && memcmp(coll_names[c], name, len) == 0)
            return c;
    return -1;
}

/* The change list behind a change-shaped collection. */
static int change_list(tfa_coll c, tfa_list *out)
{
    switch (c) {
    case TFA_COLL_CHANGES:
        *out = TFA_LIST_CHANGES;
        return 1;
    case TFA_COLL_DRIFT:
        *out = TFA_LIST_DRIFT;
        return 1;
    case TFA_COLL_PLANNED:
        *out = TFA_LIST_PLANNED;
        return 1;
    case TFA_COLL_DEFERRED:
        *out = TFA_LIST_DEFERRED;
        return 1;
    default:
        return 0;
    }
}

size_t tfa_coll_size(const tfa_run *run, tfa_coll c)
{
    tfa_list l;
    if (change_list(c, &l))
        return tfa_run_change_count(run, l);
    if (c == TFA_COLL_APPLIED)
        return tfa_run_applied_count(run);
    if (c == TFA_COLL_DIAGNOSTICS)
        return tfa_run_diag_count(run);
    return tfa_run_input_count(run);
}

const char *tfa_coll_label(const tfa_run *run, tfa_coll c, size_t i)
{
    tfa_list l;
    const tfa_diag *d;

    if (change_list(c, &l))
        return tfa_run_change(run, l, i)->res.address;
    if (c == TFA_COLL_APPLIED)
        return tfa_run_applied(run, i)->res.address;
    if (c == TFA_COLL_DIAGNOSTICS) {
        d = tfa_run_diag(run, i);
        return d->address ? d->address : d->summary;
    }
    return tfa_run_input(run, i)->path;
}

/* ---- element fields ---------------------------------------------------------- */

typedef enum fid {
    F_ADDRESS,
    F_TYPE,
    F_NAME,
    F_MODULE,
    F_PROVIDER,
    F_MODE,
    F_INDEX,
    F_DEPOSED,
    F_ACTION,
    F_REASON,
    F_IMPORTING,
    F_CHANGED,
    F_SENSITIVE,
    F_REPLACE_PATHS,
    F_MOVED_FROM,
    F_DEFERRED,
    F_STATUS,
    F_ELAPSED,
    F_SEVERITY,
    F_SUMMARY,
    F_DETAIL,
    F_FILE,
    F_LINE,
    F_INPUT,
    F_PATH,
    F_KIND,
    F_TOOL,
    F_TOOL_VERSION,
    F_FORMAT_VERSION,
    F_ENCODING,
    F_BYTES,
    F_DOCUMENTS
} fid;

struct tfa_field {
    const char *name;
    tfa_vtype type;
    fid id;
    const char *doc;
};

#define RESOURCE_FIELDS                                                                            \
    {"address", TFA_V_STR, F_ADDRESS, "resource instance address"},                                \
        {"type", TFA_V_STR, F_TYPE, "resource type, e.g. grafana_dashboard"},                      \
        {"name", TFA_V_STR, F_NAME, "resource name"},                                              \
        {"module", TFA_V_STR, F_MODULE, "module path, e.g. module.a[0]; null in the root module"}, \
        {"provider", TFA_V_STR, F_PROVIDER, "provider source address"},                            \
        {"mode", TFA_V_STR, F_MODE, "\"managed\" or \"data\""},                                    \
        {"index", TFA_V_STR, F_INDEX, "instance key as JSON text: 0 or \"x\"; null if none"},      \
    {                                                                                              \
        "action", TFA_V_STR, F_ACTION,                                                             \
            "no-op, create, read, update, delete, replace, forget or unknown"                      \
    }

/* clang-format off */
static const tfa_field change_fields[] = {
    RESOURCE_FIELDS,
    {"deposed", TFA_V_STR, F_DEPOSED, "deposed object key; null for the current object"},
    {"reason", TFA_V_STR, F_REASON, "action_reason, e.g. replace_because_cannot_update"},
    {"importing", TFA_V_BOOL, F_IMPORTING, "an import is part of the change"},
    {"changed", TFA_V_LIST, F_CHANGED, "changed attribute paths, e.g. \"tags.owner\""},
    {"sensitive", TFA_V_BOOL, F_SENSITIVE, "a changed path is (inside) a sensitive value"},
    {"replace_paths", TFA_V_LIST, F_REPLACE_PATHS, "attribute paths that force replacement"},
    {"moved_from", TFA_V_STR, F_MOVED_FROM, "previous address of a moved resource; null if not moved"},
    {"deferred", TFA_V_STR, F_DEFERRED, "why the change was deferred; null if not deferred"},
    {"input", TFA_V_STR, F_INPUT, "path of the input it came from"},
};

static const tfa_field applied_fields[] = {
    RESOURCE_FIELDS,
    {"status", TFA_V_STR, F_STATUS, "\"complete\", \"errored\" or \"started\" (never seen finishing)"},
    {"elapsed", TFA_V_NUM, F_ELAPSED, "seconds the apply of the resource took; null if unknown"},
    {"input", TFA_V_STR, F_INPUT, "path of the input it came from"},
};

static const tfa_field diag_fields[] = {
    {"severity", TFA_V_STR, F_SEVERITY, "\"error\", \"warning\" or \"info\""},
    {"summary", TFA_V_STR, F_SUMMARY, "the diagnostic's summary line"},
    {"detail", TFA_V_STR, F_DETAIL, "the diagnostic's detail; null if none"},
    {"address", TFA_V_STR, F_ADDRESS, "resource the diagnostic is about; null if none"},
    {"file", TFA_V_STR, F_FILE, "configuration file of its range; null if none"},
    {"line", TFA_V_NUM, F_LINE, "line in that file; null if none"},
    {"input", TFA_V_STR, F_INPUT, "path of the input it came from"},
};

static const tfa_field input_fields[] = {
    {"path", TFA_V_STR, F_PATH, "the input as named; archive members as bundle.tar.gz!member"},
    {"kind", TFA_V_STR, F_KIND, "\"plan\", \"ui-log\", \"text-log\" or \"state\""},
    {"tool", TFA_V_STR, F_TOOL, "\"terraform\" or \"opentofu\"; null if the input does not say"},
    {"terraform_version", TFA_V_STR, F_TOOL_VERSION, "tool version the input states"},
    {"format_version", TFA_V_STR, F_FORMAT_VERSION, "JSON format_version; null if none"},
    {"encoding", TFA_V_STR, F_ENCODING, "utf-8, utf-8-bom, utf-16le or utf-16be"},
    {"bytes", TFA_V_NUM, F_BYTES, "size in bytes"},
    {"documents", TFA_V_NUM, F_DOCUMENTS, "JSON documents, or runs in a log"},
};
/* clang-format on */

static const tfa_field *fields_of(tfa_coll c, size_t *n)
{
    switch (c) {
    case TFA_COLL_APPLIED:
        *n = TFA_ARRAY_SIZE(applied_fields);
        return applied_fields;
    case TFA_COLL_DIAGNOSTICS:
        *n = TFA_ARRAY_SIZE(diag_fields);
        return diag_fields;
    case TFA_COLL_INPUTS:
        *n = TFA_ARRAY_SIZE(input_fields);
        return input_fields;
    default:
        *n = TFA_ARRAY_SIZE(change_fields);
        return change_fields;
    }
}

size_t tfa_field_count(tfa_coll c)
{
    size_t n;
    fields_of(c, &n);
    return n;
}

const tfa_field *tfa_field_at(tfa_coll c, size_t i)
{
    size_t n;
    const tfa_field *f = fields_of(c, &n);
    return i < n ? &f[i] : NULL;
}

const tfa_field *tfa_field_find(tfa_coll c, const char *name, size_t len)
{
    size_t i, n;
    const tfa_field *f = fields_of(c, &n);
    for (i = 0; i < n; i++)
        if (strlen(f[i].name) == len && memcmp(f[i].name, name, len) == 0)
            return &f[i];
    return NULL;
}

const char *tfa_field_name(const tfa_field *f)
{
    return f->name;
}

tfa_vtype tfa_field_type(const tfa_field *f)
{
    return f->type;
}

const char *tfa_field_doc(const tfa_field *f)
{
    return f->doc;
}

static tfa_value resource_field(fid id, const tfa_resource *r, tfa_action action, int *found)
{
    *found = 1;
    switch (id) {
    case F_ADDRESS:
        return tfa_value_str(r->address);
    case F_TYPE:
        return tfa_value_str(r->type);
    case F_NAME:
        return tfa_value_str(r->name);
    case F_MODULE:
        return tfa_value_str(r->module);
    case F_PROVIDER:
        return tfa_value_str(r->provider);
    case F_MODE:
        return tfa_value_str(r->mode);
    case F_INDEX:
        return tfa_value_str(r->index);
    case F_DEPOSED:
        return tfa_value_str(r->deposed);
    case F_ACTION:
        return tfa_value_str(tfa_action_name(action));
    default:
        *found = 0;
        return tfa_value_null();
    }
}

static const char *input_path(const tfa_run *run, unsigned input)
{
    const tfa_input *in = tfa_run_input(run, input);
    return in ? in->path : NULL;
}

static int any_sensitive(const tfa_change *ch)
{
    size_t i;
    for (i = 0; i < ch->n_changed; i++)
        if (ch->changed_sensitive && ch->changed_sensitive[i])
            return 1;
    return 0;
}

static tfa_value change_field(fid id, const tfa_run *run, const tfa_change *ch)
{
    int found;
    tfa_value v = resource_field(id, &ch->res, ch->action, &found);

    if (found)
        return v;
    switch (id) {
    case F_REASON:
        return tfa_value_str(ch->reason);
    case F_IMPORTING:
        return tfa_value_bool(ch->importing);
    case F_CHANGED:
        return tfa_value_strs(ch->changed, ch->n_changed);
    case F_SENSITIVE:
        return tfa_value_bool(any_sensitive(ch));
    case F_REPLACE_PATHS:
        return tfa_value_strs(ch->replace_paths, ch->n_replace_paths);
    case F_MOVED_FROM:
        return tfa_value_str(ch->prev_address);
    case F_DEFERRED:
        return tfa_value_str(ch->deferred);
    case F_INPUT:
        return tfa_value_str(input_path(run, ch->input));
    default:
        return tfa_value_null();
    }
}

static tfa_value applied_field(fid id, const tfa_run *run, const tfa_applied *a)
{
    static const char *const status[] = {"started", "complete", "errored"};
    int found;
    tfa_value v = resource_field(id, &a->res, a->action, &found);

    if (found)
        return v;
    switch (id) {
    case F_STATUS:
        return tfa_value_str((unsigned)a->status < 3 ? status[a->status] : NULL);
    case F_ELAPSED:
        return a->elapsed < 0 ? tfa_value_null() : tfa_value_num(a->elapsed);
    case F_INPUT:
        return tfa_value_str(input_path(run, a->input));
    default:
        return tfa_value_null();
    }
}

static tfa_value diag_field(fid id, const tfa_run *run, const tfa_diag *d)
{
    switch (id) {
    case F_SEVERITY:
        return tfa_value_str(tfa_severity_name(d->severity));
    case F_SUMMARY:
        return tfa_value_str(d->summary);
    case F_DETAIL:
        return tfa_value_str(d->detail);
    case F_ADDRESS:
        return tfa_value_str(d->address);
    case F_FILE:
        return tfa_value_str(d->range_file);
    case F_LINE:
        return d->range_line ? tfa_value_num((double)d->range_line) : tfa_value_null();
    case F_INPUT:
        return tfa_value_str(input_path(run, d->input));
    default:
        return tfa_value_null();
    }
}

static tfa_value input_field(fid id, const tfa_input *in)
{
    switch (id) {
    case F_PATH:
        return tfa_value_str(in->path);
    case F_KIND:
        return tfa_value_str(tfa_kind_name(in->kind));
    case F_TOOL:
        return tfa_value_str(in->tool);
    case F_TOOL_VERSION:
        return tfa_value_str(in->tool_version);
    case F_FORMAT_VERSION:
        return tfa_value_str(in->format_version);
    case F_ENCODING:
        return tfa_value_str(in->encoding);
    case F_BYTES:
        return tfa_value_num((double)in->bytes);
    case F_DOCUMENTS:
        return tfa_value_num(in->documents);
    default:
        return tfa_value_null();
    }
}

tfa_value tfa_field_value(const tfa_field *f, const tfa_run *run, tfa_coll c, size_t i)
{
    tfa_list l;

    if (change_list(c, &l))
        return change_field(f->id, run, tfa_run_change(run, l, i));
    if (c == TFA_COLL_APPLIED)
        return applied_field(f->id, run, tfa_run_applied(run, i));
    if (c == TFA_COLL_DIAGNOSTICS)
        return diag_field(f->id, run, tfa_run_diag(run, i));
    return input_field(f->id, tfa_run_input(run, i));
}
