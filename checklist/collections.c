/*
 * collections.c - the collections checklist queries range over (changes,
 * drift, planned, deferred, applied, diagnostics, inputs), the fields of
 * their elements, and which inputs can fill each (see facts_catalog.h).
 *
 * `changes`, `drift` and `applied` are the run's merged views (run.h, "One
 * change model"): plan JSON, -json logs and text logs each add what they
 * say, a resource reported alike by several inputs counted once, from the
 * most exact of them. `planned` and `deferred` are record lists as read.
 * Fields read the record, never anything else.
 */
#include "util/compat.h"

#include "domain.h"
#include "facts_catalog.h"

/* ---- collections ------------------------------------------------------------- */

static const char *const coll_names[TFA_COLL_COUNT] = {
    "changes", "drift", "planned", "deferred", "applied", "diagnostics", "inputs"};

static const char *const coll_docs[TFA_COLL_COUNT] = {
    "planned resource changes: plan JSON, -json logs (planned_change), text logs (\"will be\" "
    "blocks); one per resource and action, from the most exact input",
    "resources changed outside Terraform (plans and logs, merged the same way)",
    "changes the logs announce, as read (planned_change, \"will be\" blocks)",
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

/* The record list behind a raw change collection (planned, deferred). */
static int change_list(tfa_coll c, tfa_list *out)
{
    switch (c) {
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

/* Element i of a change-shaped collection, or NULL (not change-shaped). */
static const tfa_change *change_at(const tfa_run *run, tfa_coll c, size_t i)
{
    tfa_list l;
    if (c == TFA_COLL_CHANGES)
        return tfa_run_view_change(run, TFA_VIEW_CHANGES, i);
    if (c == TFA_COLL_DRIFT)
        return tfa_run_view_change(run, TFA_VIEW_DRIFT, i);
    return change_list(c, &l) ? tfa_run_change(run, l, i) : NULL;
}

size_t tfa_coll_size(const tfa_run *run, tfa_coll c)
{
    tfa_list l;
    if (c == TFA_COLL_CHANGES)
        return tfa_run_view_count(run, TFA_VIEW_CHANGES);
    if (c == TFA_COLL_DRIFT)
        return tfa_run_view_count(run, TFA_VIEW_DRIFT);
    if (change_list(c, &l))
        return tfa_run_change_count(run, l);
    if (c == TFA_COLL_APPLIED)
        return tfa_run_view_count(run, TFA_VIEW_APPLIED);
    if (c == TFA_COLL_DIAGNOSTICS)
        return tfa_run_diag_count(run);
    return tfa_run_input_count(run);
}

/* "ADDRESS (KIND PATH:LINE)": the element and the input that says so. */
static int label_with_source(tfa_buf *out, const tfa_run *run, const char *address, unsigned input,
                             const tfa_pos *pos)
{
    const tfa_input *in = tfa_run_input(run, input);

    tfa_buf_puts(out, address ? address : "(unnamed)");
    if (!in)
        return tfa_buf_status(out);
    tfa_buf_printf(out, " (%s %s", tfa_kind_name(in->kind), in->path);
    if (pos && pos->line)
        tfa_buf_printf(out, ":%lu", pos->line);
    tfa_buf_putc(out, ')');
    return tfa_buf_status(out);
}

int tfa_coll_label(tfa_buf *out, const tfa_run *run, tfa_coll c, size_t i)
{
    const tfa_change *ch = change_at(run, c, i);
    const tfa_applied *a;
    const tfa_diag *d;

    if (ch)
        return label_with_source(out, run, ch->res.address, ch->input, &ch->pos);
    if (c == TFA_COLL_APPLIED) {
        a = tfa_run_view_applied(run, i);
        return label_with_source(out, run, a->res.address, a->input, &a->pos);
    }
    if (c == TFA_COLL_DIAGNOSTICS) {
        d = tfa_run_diag(run, i);
        return label_with_source(out, run, d->address ? d->address : d->summary, d->input, &d->pos);
    }
    tfa_buf_puts(out, tfa_run_input(run, i)->path);
    return tfa_buf_status(out);
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
    F_DOCUMENTS,
    F_SOURCE
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
    {"source", TFA_V_STR, F_SOURCE, "kind of the input it came from: plan, ui-log or text-log"},
};

static const tfa_field applied_fields[] = {
    RESOURCE_FIELDS,
    {"status", TFA_V_STR, F_STATUS, "\"complete\", \"errored\" or \"started\" (never seen finishing)"},
    {"elapsed", TFA_V_NUM, F_ELAPSED, "seconds the apply of the resource took; null if unknown"},
    {"input", TFA_V_STR, F_INPUT, "path of the input it came from"},
    {"source", TFA_V_STR, F_SOURCE, "kind of the input it came from: ui-log or text-log"},
};

static const tfa_field diag_fields[] = {
    {"severity", TFA_V_STR, F_SEVERITY, "\"error\", \"warning\" or \"info\""},
    {"summary", TFA_V_STR, F_SUMMARY, "the diagnostic's summary line"},
    {"detail", TFA_V_STR, F_DETAIL, "the diagnostic's detail; null if none"},
    {"address", TFA_V_STR, F_ADDRESS, "resource the diagnostic is about; null if none"},
    {"file", TFA_V_STR, F_FILE, "configuration file of its range; null if none"},
    {"line", TFA_V_NUM, F_LINE, "line in that file; null if none"},
    {"input", TFA_V_STR, F_INPUT, "path of the input it came from"},
    {"source", TFA_V_STR, F_SOURCE, "kind of the input it came from: ui-log or text-log"},
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

static const char *input_kind(const tfa_run *run, unsigned input)
{
    const tfa_input *in = tfa_run_input(run, input);
    return in ? tfa_kind_name(in->kind) : NULL;
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
    case F_SOURCE:
        return tfa_value_str(input_kind(run, ch->input));
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
    case F_SOURCE:
        return tfa_value_str(input_kind(run, a->input));
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
    case F_SOURCE:
        return tfa_value_str(input_kind(run, d->input));
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
    const tfa_change *ch = change_at(run, c, i);

    if (ch)
        return change_field(f->id, run, ch);
    if (c == TFA_COLL_APPLIED)
        return applied_field(f->id, run, tfa_run_view_applied(run, i));
    if (c == TFA_COLL_DIAGNOSTICS)
        return diag_field(f->id, run, tfa_run_diag(run, i));
    return input_field(f->id, tfa_run_input(run, i));
}

int tfa_field_unread(const tfa_field *f, const tfa_run *run, tfa_coll c, size_t i, char *why,
                     size_t why_size)
{
    const tfa_change *ch;
    const tfa_applied *a = NULL;
    const tfa_resource *res;
    tfa_action action;

    if (f->id != F_ACTION)
        return 0;
    if ((ch = change_at(run, c, i)))
        action = ch->action, res = &ch->res;
    else if (c == TFA_COLL_APPLIED && (a = tfa_run_view_applied(run, i)))
        action = a->action, res = &a->res;
    else
        return 0;
    if (action != TFA_ACTION_UNKNOWN)
        return 0;
    snprintf(why, why_size, "the action of %s is one this build does not know",
             res->address ? res->address : "a resource");
    return 1;
}

/* ---- what fills a collection (issue 14: never an empty PASS) ---------------
 *
 * An empty collection proves "none" only when some input could have listed
 * an element. The table says, per collection, which input kinds can; the
 * per-input checks below say whether a given input of that kind does (a log
 * of `terraform apply tfplan` shows no plan, so it cannot prove that nothing
 * is destroyed). A query over a collection no input fills is an ERROR.
 */

#define KIND_BIT(k) (1u << (k))
#define PLAN_BIT    KIND_BIT(TFA_KIND_PLAN)
#define LOG_BITS    (KIND_BIT(TFA_KIND_UI_LOG) | KIND_BIT(TFA_KIND_TEXT_LOG))

static const struct {
    unsigned kinds;
    const char *proven_by; /* for `tfaudit facts` and the README */
    const char *hint;      /* what to give when nothing fills it */
    const char *missing;   /* the whole message */
} coll_proof[TFA_COLL_COUNT] = {
#define PROOF(kinds, by, coll, hint)                                                               \
    {                                                                                              \
        kinds, by, hint, "no input provides " coll ": " hint                                       \
    }
    PROOF(PLAN_BIT | LOG_BITS, "plan; ui-log or text-log showing a plan", "changes",
          "give the plan JSON, a -json log or a text log of the plan"),
    PROOF(PLAN_BIT | LOG_BITS, "plan (format 0.2+); ui-log or text-log showing a plan", "drift",
          "give the plan JSON (format 0.2 or later), or a -json or text log of the plan"),
    PROOF(LOG_BITS, "ui-log or text-log showing a plan", "planned",
          "give a -json or text log of the plan"),
    PROOF(PLAN_BIT, "plan", "deferred", "give the plan JSON"),
    PROOF(LOG_BITS, "ui-log or text-log of an apply or destroy", "applied",
          "give the apply's -json or text log"),
    PROOF(LOG_BITS, "ui-log, text-log", "diagnostics", "give a -json or text log"),
    PROOF(~0u, "any input", "inputs", "give an input"),
#undef PROOF
};

const char *tfa_coll_missing(tfa_coll c)
{
    return (unsigned)c < TFA_COLL_COUNT ? coll_proof[c].missing : "";
}

const char *tfa_coll_proven_by(tfa_coll c)
{
    return (unsigned)c < TFA_COLL_COUNT ? coll_proof[c].proven_by : "";
}

int tfa_coll_kind_proves(tfa_coll c, tfa_kind k)
{
    return (unsigned)c < TFA_COLL_COUNT && (coll_proof[c].kinds & KIND_BIT(k)) != 0;
}

static int is_op(const tfa_input *in, const char *op)
{
    return in->log.operation && strcmp(in->log.operation, op) == 0;
}

/* Managed add/change/destroy of one log's planned records, Terraform's
 * arithmetic (run.h tfa_counts). */
static void planned_counts(const tfa_run *run, unsigned input, tfa_counts *out)
{
    size_t i, n = tfa_run_change_count(run, TFA_LIST_PLANNED);

    memset(out, 0, sizeof(*out));
    for (i = 0; i < n; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_PLANNED, i);
        if (c->input != input || !c->res.mode || strcmp(c->res.mode, "managed") != 0)
            continue;
        out->add += c->action == TFA_ACTION_CREATE || c->action == TFA_ACTION_REPLACE;
        out->change += c->action == TFA_ACTION_UPDATE;
        out->destroy += c->action == TFA_ACTION_DELETE || c->action == TFA_ACTION_REPLACE;
    }
}

/*
 * Whether log input `i` shows a plan whose blocks were all read: it
 * announced changes, said "No changes.", or ended on a plan summary; and
 * when its last summary is a plan's, the blocks read add up to it (a block
 * the reader could not take in must not pass for a resource left alone).
 */
static int log_shows_plan(const tfa_run *run, unsigned i, char *why, size_t size)
{
    const tfa_input *in = tfa_run_input(run, i);
    const tfa_log_info *l = &in->log;
    tfa_counts got;

    if (!(l->planned > 0 || l->no_changes || (l->has_counts && is_op(in, "plan")))) {
        snprintf(why, size, "%s shows no plan", in->path);
        return 0;
    }
    if (!l->has_counts || !is_op(in, "plan"))
        return 1;
    planned_counts(run, i, &got);
    if (got.add == l->counts.add && got.change == l->counts.change &&
        got.destroy == l->counts.destroy)
        return 1;
    snprintf(why, size,
             "%s: its plan summary says %ld to add, %ld to change, %ld to destroy, but the "
             "resource blocks read say %ld, %ld, %ld",
             in->path, l->counts.add, l->counts.change, l->counts.destroy, got.add, got.change,
             got.destroy);
    return 0;
}

/* The first text log version that prints drift ("Objects have changed
 * outside of Terraform") and the first plan JSON format with resource_drift. */
#define TEXT_DRIFT_SINCE "0.15.4"
#define PLAN_DRIFT_SINCE "0.2"

static int version_before(const char *v, const char *since)
{
    int order;
    return v && tfa_version_cmp(v, since, &order) && order < 0;
}

/* Whether input i fills collection c; if not, why (when it says more than
 * its kind). */
static int input_fills(const tfa_run *run, unsigned i, tfa_coll c, char *why, size_t size)
{
    const tfa_input *in = tfa_run_input(run, i);

    why[0] = '\0';
    if (!tfa_coll_kind_proves(c, in->kind))
        return 0;
    if (c == TFA_COLL_INPUTS || c == TFA_COLL_DIAGNOSTICS || c == TFA_COLL_DEFERRED)
        return 1;
    if (in->kind == TFA_KIND_PLAN) {
        if (c == TFA_COLL_DRIFT && !in->plan.plan_format_version &&
            version_before(in->format_version, PLAN_DRIFT_SINCE)) {
            snprintf(why, size,
                     "%s: plan format %s (Terraform before 0.15.4) does not report drift", in->path,
                     in->format_version);
            return 0;
        }
        return 1;
    }
    if (c == TFA_COLL_APPLIED) {
        if (is_op(in, "apply") || is_op(in, "destroy"))
            return 1;
        snprintf(why, size, "%s is no apply or destroy log", in->path);
        return 0;
    }
    if (!log_shows_plan(run, i, why, size))
        return 0;
    if (c == TFA_COLL_DRIFT && in->kind == TFA_KIND_TEXT_LOG &&
        version_before(in->tool_version, TEXT_DRIFT_SINCE)) {
        snprintf(why, size, "%s: Terraform %s (before 0.15.4) prints no drift", in->path,
                 in->tool_version);
        return 0;
    }
    return 1;
}

/*
 * Whether input i lists only part of collection c and says so: a plan JSON
 * stating "errored": true (Terraform stops planning at the error, so the
 * changes and drift after it were never listed), or a log whose planned
 * changes go on after their run's last plan summary (the log was cut, or
 * the plan failed before Terraform summed it up; a plan that began after
 * an earlier summary, or announced its changes, and has no summary yet),
 * or an apply or destroy
 * log that does not end with its summary (Terraform writes it only when
 * the whole apply succeeded), or a log whose plan failed (log.plan_errors:
 * an error before the apply began; Terraform 1.6+ prints the partial plan
 * and its summary first). Drift alone: a plan saying "complete": false
 * (-target or deferred actions: Terraform 1.8+) or a log warning that
 * targeting is in effect, since only part of the configuration was
 * refreshed. What other inputs list cannot stand for what these lost, so
 * the collection is not known.
 */
static int input_partial(const tfa_run *run, unsigned i, tfa_coll c, char *why, size_t size)
{
    const tfa_input *in = tfa_run_input(run, i);

    if (in->kind == TFA_KIND_PLAN && (c == TFA_COLL_CHANGES || c == TFA_COLL_DRIFT) &&
        in->plan.errored == TFA_TRUE) {
        snprintf(why, size, "%s: the plan errored, so it may not list every change", in->path);
        return 1;
    }
    if ((in->kind == TFA_KIND_UI_LOG || in->kind == TFA_KIND_TEXT_LOG) &&
        (c == TFA_COLL_CHANGES || c == TFA_COLL_PLANNED) && in->log.planned_open > 0) {
        snprintf(why, size,
                 "%s lists %ld planned change(s) after its last plan summary (the log was cut, "
                 "or the plan failed), so it may not list them all",
                 in->path, in->log.planned_open);
        return 1;
    }
    if ((in->kind == TFA_KIND_UI_LOG || in->kind == TFA_KIND_TEXT_LOG) &&
        (((c == TFA_COLL_CHANGES || c == TFA_COLL_PLANNED) && in->log.plan_unended > 0) ||
         (c == TFA_COLL_DRIFT && in->log.drift_unended > 0))) {
        snprintf(why, size,
                 "%s:%lu: a plan began there but no plan summary followed (the log was cut, or "
                 "the plan failed), so it may not list every change",
                 in->path, c == TFA_COLL_DRIFT ? in->log.drift_unended : in->log.plan_unended);
        return 1;
    }
    if ((in->kind == TFA_KIND_UI_LOG || in->kind == TFA_KIND_TEXT_LOG) &&
        (c == TFA_COLL_CHANGES || c == TFA_COLL_PLANNED || c == TFA_COLL_DRIFT) &&
        in->log.plan_errors > 0) {
        snprintf(
            why, size,
            "%s:%lu: the plan failed (an error before any apply), so it may not list every change",
            in->path, in->log.plan_error_pos.line);
        return 1;
    }
    if (c == TFA_COLL_DRIFT && (in->log.plan_partial > 0 ||
                                (in->kind == TFA_KIND_PLAN && in->plan.complete == TFA_FALSE))) {
        snprintf(why, size, "%s: %s, so it may not list all drift", in->path,
                 in->log.plan_partial > 0 ? "the log says its plan covers part of the "
                                            "configuration (-target, or deferred changes)"
                                          : "the plan says it is incomplete (\"complete\": false)");
        return 1;
    }
    if (c == TFA_COLL_APPLIED && (is_op(in, "apply") || is_op(in, "destroy")) &&
        !in->log.final_summary) {
        snprintf(why, size,
                 "%s: the %s does not end with its summary (the log was cut, or it failed), so "
                 "it may not list every resource it changed",
                 in->path, in->log.operation);
        return 1;
    }
    return 0;
}

int tfa_coll_proven(const tfa_run *run, tfa_coll c, char *why, size_t size)
{
    char reason[TFA_ERROR_MESSAGE_MAX] = "";
    size_t i, n = tfa_run_input_count(run);
    tfa_view v = c == TFA_COLL_DRIFT     ? TFA_VIEW_DRIFT
                 : c == TFA_COLL_APPLIED ? TFA_VIEW_APPLIED
                                         : TFA_VIEW_CHANGES;

    if ((c == TFA_COLL_CHANGES || c == TFA_COLL_DRIFT || c == TFA_COLL_APPLIED) &&
        !tfa_run_view_ok(run, v)) {
        if (size)
            snprintf(why, size, "out of memory merging the %s of the inputs", tfa_coll_name(c));
        return 0;
    }
    for (i = 0; i < n; i++) {
        char one[TFA_ERROR_MESSAGE_MAX];
        if (input_partial(run, (unsigned)i, c, one, sizeof(one))) {
            if (size)
                snprintf(why, size, "%s cannot be known: %s", tfa_coll_name(c), one);
            return 0;
        }
    }
    /* a log that announced drift whose entries could not be read proves no
     * drift list at all, whatever the other inputs say (drift.h: unknown) */
    for (i = 0; c == TFA_COLL_DRIFT && i < n; i++) {
        const tfa_input *in = tfa_run_input(run, (unsigned)i);
        if (in->log.drift_banner && (in->log.drift_unread || in->log.drift == 0)) {
            if (size)
                snprintf(why, size,
                         "drift is not known: %s says objects changed outside of Terraform, "
                         "but not all of its drift entries could be read",
                         in->path);
            return 0;
        }
    }
    /* ...and one whose banner's entries were all read lists the drift of
     * its run, whatever else it shows (a refresh-only log) */
    for (i = 0; c == TFA_COLL_DRIFT && i < n; i++)
        if (tfa_run_input(run, (unsigned)i)->log.drift_banner)
            return 1;
    for (i = 0; i < n; i++) {
        char one[TFA_ERROR_MESSAGE_MAX];
        if (input_fills(run, (unsigned)i, c, one, sizeof(one)))
            return 1;
        if (one[0] && !reason[0])
            snprintf(reason, sizeof(reason), "%s", one);
    }
    if (!size)
        return 0;
    if (reason[0])
        snprintf(why, size, "no input provides %s (%s): %s", tfa_coll_name(c), reason,
                 coll_proof[c].hint);
    else
        snprintf(why, size, "%s", coll_proof[c].missing);
    return 0;
}
