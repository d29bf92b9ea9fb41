/*
 * collections.c - the collections checklist queries range over (changes,
 * drift, planned, deferred, applied, diagnostics, inputs) and the fields of
 * their elements (see facts_catalog.h). Each is a record list of the run
 * model; fields read the record, never anything else.
 */
#include "util/compat.h"

#include "facts_catalog.h"

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
