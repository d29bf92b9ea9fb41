/*
 * ui_log.c - reads the streaming output of `terraform plan|apply|destroy
 * -json` (also `test -json`, `query -json`, and OpenTofu's `tofu ... -json`)
 * into the run model: one JSON object per line, as HCP Terraform stores it.
 *
 *   {"@level":"info","@message":"Terraform 1.9.5","@module":"terraform.ui",
 *    "@timestamp":"...","terraform":"1.9.5","type":"version","ui":"1.2"}
 *   {..."change":{"resource":{"addr":"aws_instance.web",...},"action":"create"},
 *    "type":"planned_change"}
 *   {..."changes":{"add":1,"change":0,"import":0,"remove":0,"operation":"plan"},
 *    "type":"change_summary"}
 *
 * Follows Terraform's "Machine-Readable UI" documentation and
 * hashicorp/terraform internal/command/views/json (UI schema versions 0.1
 * through 1.3). Per that documentation a later minor "ui" version is read
 * (noted; the message types it adds count as unknown) and a later major is
 * refused. OpenTofu writes "tofu" (early forks "opentf") where Terraform
 * writes "terraform", and "tofu.ui" as its module; either tells the tool.
 *
 * What becomes of each message type:
 *   version            tool, tool_version, log.ui_version (kept where all
 *                      version messages of the log agree)
 *   planned_change     a TFA_LIST_PLANNED change    resource_drift  TFA_LIST_DRIFT
 *   change_summary     operation and counts; the last one wins
 *   apply_*            tfa_applied records (ui_log_records.c)
 *   diagnostic         a tfa_diag (error/warning counts)
 *   outputs            tfa_output names and sensitivity from the last such
 *                      message; values are never read
 *   everything else    counted; a type Terraform does not define (or this
 *                      build does not know) counts in log.unknown_messages
 * A line that is not a JSON object is an error at that line. A last line cut
 * off inside its JSON (the input ends inside a value) is skipped with a note
 * and log.truncated_tail; everything before it is kept.
 */
#include "util/compat.h"

#include "jsonread.h"
#include "plan_tally.h"
#include "ui_log.h"
#include "util/limits.h"

/* Newest UI schema this build knows (views.JSON_UI_VERSION). */
#define UI_MAJOR 1
#define UI_MINOR 3

/* Longest message type name compared (the longest Terraform type has 46). */
#define TYPE_MAX 64

/* Top-level members a skimmed message may have (Terraform writes at most 8). */
#define UI_SKIM_MEMBERS 32

enum tool { TOOL_NONE = 0, TOOL_TERRAFORM, TOOL_OPENTOFU };

/* Output names and flags of one "outputs" message. */
typedef struct output_set {
    tfa_buf names; /* NUL-separated */
    tfa_buf flags; /* two bytes per output: sensitive, tfa_action */
    size_t n;
} output_set;

typedef struct ui_log {
    uilog_reader r;

    /* the message being read */
    tfa_buf type;
    int type_present, type_ok;
    unsigned top_seen;   /* top-level members read token by token, each once */
    tfa_buf version, ui; /* version message: tool version, "ui" version */
    int has_version, has_ui;
    enum tool tool, module_tool;
    tfa_pos ui_pos;
    tfa_buf operation; /* change_summary */
    int has_changes, has_operation;
    tfa_counts counts;
    output_set outs;
    int has_outs;

    /* across the log */
    uilog_type_cache types_seen;
    output_set last_outs;
    int has_last_outs;
    unsigned long versions;
    enum tool log_tool, log_module_tool;
    int tool_conflict, version_conflict, ui_conflict, ui_newer_noted;
    long apply_messages;
    int has_summary;
    int apply_summary_last;  /* an apply/destroy change_summary came after the last apply event */
    int event_after_summary; /* an apply event came after the last change_summary */
    tfa_plan_tally tally;    /* planned changes since the run's start or last plan summary */
    long open;               /* the same, counted as listed (tfa_log_info.planned_open) */
    size_t applied0;         /* the run's first applied record */

    /* a CI job log (ui_log_ci.c): the tokenizer reads the filtered lines */
    tfa_stream *ci_in;
    uilog_ci *ci;
    int has_level, has_message; /* of the message being read */
} ui_log;

/* ---- small readers ---------------------------------------------------------- */

/* A count of the change summary: a non-negative integer, as Terraform
 * writes it. Anything else is an error, not 0: a summary that cannot be
 * read cannot say how much the run changes. */
static int read_count(ui_log *l, const tfa_token *v, const char *what, long *out)
{
    long long n;
    int rc = tfa_json_integer(l->r.scan, v, what, 0, LONG_MAX, &n, l->r.err);
    if (rc < 0)
        return rc;
    if (rc == 0) /* null */
        return tfa_uilog__fail(&l->r, &v->pos, TFA_EINPUT,
                               "a change_summary count must be a non-negative integer");
    *out = (long)n;
    return 0;
}

/* "changes": {"add": 1, "change": 0, "import": 0, "remove": 0, "forget": 0,
 * "action_invocation": 0, "operation": "plan"} (change_summary.go). */
static int read_changes(ui_log *l)
{
    static const char *const keys[] = {"add", "change", "remove", "import", "forget", "operation"};
    long *slots[5];
    tfa_token k, v;
    unsigned seen = 0;
    int rc, obj;

    slots[0] = &l->counts.add, slots[1] = &l->counts.change, slots[2] = &l->counts.destroy;
    slots[3] = &l->counts.import, slots[4] = &l->counts.forget;
    if ((rc = tfa_uilog__object(&l->r, &obj)) != 0 || !obj)
        return rc;
    l->has_changes = 1;
    while ((rc = tfa_scan_next(l->r.scan, &k, l->r.err)) == 0 && k.type == TFA_TOK_KEY) {
        int key;
        if ((rc = tfa_uilog__key_once(&l->r, &k, keys, TFA_ARRAY_SIZE(keys), &seen, &key)) != 0 ||
            (rc = tfa_scan_next(l->r.scan, &v, l->r.err)) != 0)
            return rc;
        if (key >= 0 && key < (int)TFA_ARRAY_SIZE(slots))
            rc = read_count(l, &v, keys[key], slots[key]);
        else if (key >= 0)
            rc = tfa_uilog__string(&l->r, &v, "operation", &l->operation, &l->has_operation);
        else
            rc = tfa_scan_skip(l->r.scan, &v, l->r.err);
        if (rc)
            return rc;
    }
    return rc;
}

static tfa_action output_action(const tfa_token *v)
{
    if (tfa_token_is(v, "noop") || tfa_token_is(v, "no-op"))
        return TFA_ACTION_NOOP;
    if (tfa_token_is(v, "create"))
        return TFA_ACTION_CREATE;
    if (tfa_token_is(v, "update"))
        return TFA_ACTION_UPDATE;
    if (tfa_token_is(v, "delete"))
        return TFA_ACTION_DELETE;
    return TFA_ACTION_UNKNOWN;
}

/* One output: {"sensitive": true, "action": "create"} or, after an apply,
 * {"sensitive": false, "type": "string", "value": ...}. The value is
 * skipped unread. */
static int read_output(ui_log *l, unsigned char flags[2])
{
    tfa_token k, v;
    int rc, obj;

    flags[0] = 0;
    flags[1] = TFA_ACTION_UNKNOWN; /* apply-time outputs state none */
    if ((rc = tfa_uilog__object(&l->r, &obj)) != 0 || !obj)
        return rc;
    while ((rc = tfa_scan_next(l->r.scan, &k, l->r.err)) == 0 && k.type == TFA_TOK_KEY) {
        int sensitive = tfa_token_is(&k, "sensitive"), action = tfa_token_is(&k, "action");
        if ((rc = tfa_scan_next(l->r.scan, &v, l->r.err)) != 0)
            return rc;
        if (sensitive && v.type == TFA_TOK_TRUE)
            flags[0] = 1;
        else if (action && v.type == TFA_TOK_STR)
            flags[1] = (unsigned char)output_action(&v);
        else if ((rc = tfa_scan_skip(l->r.scan, &v, l->r.err)) != 0)
            return rc;
    }
    return rc;
}

/* "outputs": {"name": {...}, ...}. */
static int read_outputs(ui_log *l)
{
    output_set *o = &l->outs;
    unsigned char flags[2];
    tfa_token k;
    int rc, obj;

    if ((rc = tfa_uilog__object(&l->r, &obj)) != 0 || !obj)
        return rc;
    tfa_buf_clear(&o->names);
    tfa_buf_clear(&o->flags);
    o->n = 0;
    l->has_outs = 1;
    while ((rc = tfa_scan_next(l->r.scan, &k, l->r.err)) == 0 && k.type == TFA_TOK_KEY) {
        if (tfa_scan_decode(&k, &o->names) != 0 || tfa_buf_putc(&o->names, '\0') != 0)
            return tfa_error_oom(l->r.err);
        if ((rc = read_output(l, flags)) != 0)
            return rc;
        if (tfa_buf_put(&o->flags, flags, 2) != 0)
            return tfa_error_oom(l->r.err);
        o->n++;
    }
    return rc;
}

/* ---- messages -------------------------------------------------------------- */

static void reset_message(ui_log *l)
{
    uilog_reader *r = &l->r;
    int f;

    for (f = 0; f < UF_COUNT; f++)
        r->have[f] = 0;
    r->importing = r->has_diag = 0;
    r->elapsed = -1;
    r->range_line = r->range_column = 0;
    l->type_present = l->type_ok = 0;
    l->top_seen = 0;
    l->has_version = l->has_ui = 0;
    l->tool = l->module_tool = TOOL_NONE;
    l->has_changes = l->has_operation = l->has_outs = 0;
    l->has_level = l->has_message = 0;
    memset(&l->counts, 0, sizeof(l->counts));
}

/* The value of "type" (not skipped: the caller does that). */
static int take_type(ui_log *l, const tfa_token *v)
{
    /* Terraform writes one; with two, which one a reader believes decides
     * whether an apply_errored is an error or a counted refresh */
    if (l->type_present)
        return tfa_uilog__fail(&l->r, &v->pos, TFA_EINPUT,
                               "a UI log message with two \"type\" members");
    l->type_present = 1;
    if (v->type != TFA_TOK_STR || v->truncated || v->len > TYPE_MAX)
        return 0; /* a type no table holds */
    tfa_buf_clear(&l->type);
    if (tfa_scan_decode(v, &l->type) != 0)
        return tfa_error_oom(l->r.err);
    l->type_ok = 1;
    return 0;
}

/* The value of "@module": which tool's UI wrote the message. */
static void take_module(ui_log *l, const tfa_token *v)
{
    if (tfa_token_is(v, "terraform.ui"))
        l->module_tool = TOOL_TERRAFORM;
    else if (tfa_token_is(v, "tofu.ui") || tfa_token_is(v, "opentf.ui"))
        l->module_tool = TOOL_OPENTOFU;
}

/* In a CI log: the keys every Terraform message has. */
static void take_ci_key(ui_log *l, const tfa_token *k)
{
    l->has_level |= tfa_token_is(k, "@level");
    l->has_message |= tfa_token_is(k, "@message");
}

static int read_top_key(ui_log *l, const tfa_token *k)
{
    static const char *const keys[] = {"change",  "hook",   "diagnostic", "changes",
                                       "outputs", "type",   "@module",    "terraform",
                                       "tofu",    "opentf", "ui",         "tofu.ui"};
    uilog_reader *r = &l->r;
    int key = tfa_uilog__key(k, keys, TFA_ARRAY_SIZE(keys)), rc;
    tfa_token v;

    if (key >= 0 && key != 5 && /* a second "type": take_type says so */
        (rc = tfa_json_once(r->scan, k, &l->top_seen, 1u << key, keys[key], r->err)) != 0)
        return rc;
    switch (key) {
    case 0:
    case 1:
        return tfa_uilog__read_subject(r);
    case 2:
        return tfa_uilog__read_diagnostic(r);
    case 3:
        return read_changes(l);
    case 4:
        return read_outputs(l);
    default:
        break;
    }
    if (key < 0 && l->ci)
        take_ci_key(l, k);
    if ((rc = tfa_scan_next(r->scan, &v, r->err)) != 0) /* k is stale from here on */
        return rc;
    switch (key) {
    case 5:
        return (rc = take_type(l, &v)) != 0 ? rc : tfa_scan_skip(r->scan, &v, r->err);
    case 6:
        take_module(l, &v);
        return tfa_scan_skip(r->scan, &v, r->err);
    case 7:
    case 8:
    case 9:
        l->tool = key == 7 ? TOOL_TERRAFORM : TOOL_OPENTOFU;
        return tfa_uilog__string(&l->r, &v, "version", &l->version, &l->has_version);
    case 10:
    case 11:
        l->ui_pos = v.pos;
        return tfa_uilog__string(&l->r, &v, "ui", &l->ui, &l->has_ui);
    default: /* @level, @message, @timestamp, ... */
        return tfa_scan_skip(r->scan, &v, r->err);
    }
}

/* ---- what each message does -------------------------------------------------- */

/* "ui": "1.2" (also "0.1.0" from Terraform 0.15). */
static int check_ui_version(ui_log *l)
{
    const char *p = l->ui.ptr;
    unsigned long major = 0, minor = 0;
    int digits = 0;

    while (*p >= '0' && *p <= '9' && major < 100000)
        major = major * 10 + (unsigned long)(*p++ - '0'), digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9' && minor < 100000; p++)
            minor = minor * 10 + (unsigned long)(*p - '0');
    if (digits && major > UI_MAJOR)
        return tfa_uilog__fail(&l->r, &l->ui_pos, TFA_EVERSION,
                               "unsupported ui version \"%.32s\" (this build reads up to %d.%d)",
                               l->ui.ptr, UI_MAJOR, UI_MINOR);
    if (l->ui_newer_noted || (digits && (major < UI_MAJOR || minor <= UI_MINOR)))
        return 0;
    l->ui_newer_noted = 1;
    return tfa_run_add_note(l->r.run, l->r.ctx->input, &l->ui_pos,
                            digits ? "ui version \"%.32s\" is newer than %d.%d; message types it "
                                     "adds are counted as unknown"
                                   : "ui version \"%.32s\" is not a version number (this build "
                                     "reads up to %d.%d)",
                            l->ui.ptr, UI_MAJOR, UI_MINOR)
               ? tfa_error_oom(l->r.err)
               : 0;
}

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The tool, its version and the UI version, kept where all agree. */
static int take_version(ui_log *l)
{
    tfa_input *in = l->r.in;
    const char *s;
    int rc, first = l->versions++ == 0;

    if (l->tool != TOOL_NONE) {
        if (!first && l->log_tool != l->tool)
            l->tool_conflict = 1;
        l->log_tool = l->tool;
    }
    if (l->has_version) {
        if (!(s = tfa_run_intern(l->r.run, l->version.ptr, l->version.len)))
            return tfa_error_oom(l->r.err);
        if (!first && !same(in->tool_version, s))
            l->version_conflict = 1;
        in->tool_version = s;
    }
    if (l->has_ui) {
        if ((rc = check_ui_version(l)) != 0)
            return rc;
        if (!(s = tfa_run_intern(l->r.run, l->ui.ptr, l->ui.len)))
            return tfa_error_oom(l->r.err);
        if (!first && !same(in->log.ui_version, s))
            l->ui_conflict = 1;
        in->log.ui_version = s;
    }
    return 0;
}

/* A change_summary must be the sum of what its run lists before it
 * (plan_tally.h): a plan's, of the planned_change messages; an apply's or
 * destroy's, of the resources the apply completed. Else the changes read
 * are not the run's: some are missing from the log (a cut or collapsed CI
 * log, where a lost "Plan to delete" would read as no delete), or it was
 * edited. */
static int operation_is(const ui_log *l, const char *word)
{
    size_t n = strlen(word);
    return l->has_operation && l->operation.len == n && memcmp(l->operation.ptr, word, n) == 0;
}

/* The change_summary read is an apply's or a destroy's. */
static int summary_of_apply(const ui_log *l)
{
    return operation_is(l, "apply") || operation_is(l, "destroy");
}

static int check_summary(ui_log *l, const tfa_pos *pos)
{
    int plan = operation_is(l, "plan"), apply = summary_of_apply(l);
    char why[256];
    int bad = plan    ? tfa_plan_tally_check(&l->tally, &l->counts, why, sizeof(why)) != 0
              : apply ? tfa_apply_tally_check(l->r.run, l->r.ctx->input, l->applied0, &l->counts,
                                              why, sizeof(why)) != 0
                      : 0;

    memset(&l->tally, 0, sizeof(l->tally));
    if (plan)
        l->open = 0;
    if (!bad)
        return 0;
    return tfa_uilog__fail(&l->r, pos, TFA_EINPUT,
                           "this %s's change_summary does not add up: %s (%s are missing from the "
                           "log, or it was edited)",
                           plan ? "plan" : "apply", why,
                           plan ? "planned changes" : "apply messages");
}

static int take_summary(ui_log *l, const tfa_pos *pos)
{
    tfa_log_info *log = &l->r.in->log;
    int rc;

    if (!l->has_changes)
        return 0;
    if ((rc = check_summary(l, pos)) != 0)
        return rc;
    log->counts = l->counts;
    log->has_counts = 1;
    log->plan_unended = log->drift_unended = 0;
    log->operation = NULL;
    l->has_summary = 1;
    l->event_after_summary = 0;
    l->apply_summary_last = summary_of_apply(l);
    if (l->has_operation &&
        !(log->operation = tfa_run_intern(l->r.run, l->operation.ptr, l->operation.len)))
        return tfa_error_oom(l->r.err);
    return 0;
}

static int take_outputs(ui_log *l)
{
    output_set tmp;
    if (!l->has_outs)
        return 0;
    tmp = l->last_outs; /* swap, so both keep their memory */
    l->last_outs = l->outs;
    l->outs = tmp;
    l->has_last_outs = 1;
    return 0;
}

/* The type of the message read, NULL when it has none this build knows. */
static const uilog_type *message_type(ui_log *l)
{
    return l->type_ok ? tfa_uilog__type(&l->types_seen, l->type.ptr, l->type.len) : NULL;
}

static int apply_message(ui_log *l, uilog_kind kind, const tfa_pos *pos, const char *what)
{
    static const uilog_apply_event events[] = {UILOG_APPLY_START, UILOG_APPLY_PROGRESS,
                                               UILOG_APPLY_COMPLETE, UILOG_APPLY_ERRORED};
    tfa_log_info *log = &l->r.in->log;

    size_t n = tfa_run_applied_count(l->r.run);
    const tfa_applied *a;
    int rc;

    l->apply_messages++;
    log->applied += kind == UILOG_MSG_APPLY_COMPLETE;
    log->apply_errors += kind == UILOG_MSG_APPLY_ERRORED;
    rc = tfa_uilog__apply_event(&l->r, events[kind - UILOG_MSG_APPLY_START], pos, what);
    /* a resource the apply starts working on (data source reads happen
     * during plans too, and are no apply) */
    if (rc == 0 && tfa_run_applied_count(l->r.run) > n &&
        (a = tfa_run_applied(l->r.run, n))->action != TFA_ACTION_READ &&
        a->action != TFA_ACTION_NOOP) {
        l->event_after_summary = l->r.applying = 1;
        l->apply_summary_last = 0;
    }
    return rc;
}

/* Act on a message of type t (NULL: none known) whose closing brace has been read. */
static int dispatch(ui_log *l, const uilog_type *t, const tfa_pos *pos)
{
    uilog_reader *r = &l->r;
    tfa_log_info *log = &r->in->log;

    /* in a CI log, JSON from another program must not pass for messages */
    if (l->ci && !(l->has_level && l->has_message))
        return tfa_uilog__fail(r, pos, TFA_EINPUT,
                               "a JSON object that is not a Terraform UI log message (no "
                               "\"@level\" and \"@message\")");
    log->messages++;
    if (l->module_tool != TOOL_NONE)
        l->log_module_tool = l->module_tool;
    if (!t) {
        /* no "type" at all: an hclog line of OpenTofu's wrapped UI, a log line */
        log->unknown_messages += l->type_present;
        return 0;
    }
    switch (t->kind) {
    case UILOG_MSG_VERSION:
        memset(&l->tally, 0, sizeof(l->tally)); /* a run starts */
        log->planned_open += l->open;
        l->open = 0;
        l->applied0 = tfa_run_applied_count(r->run);
        r->applying = 0;
        /* a run after a summary: unended until its own (log.plan_unended) */
        if (l->has_summary)
            log->plan_unended = log->drift_unended = pos->line;
        return take_version(l);
    case UILOG_MSG_DIAG:
        return r->has_diag ? tfa_uilog__emit_diag(r, pos) : 0;
    case UILOG_MSG_PLANNED: {
        size_t n = tfa_run_change_count(r->run, TFA_LIST_PLANNED);
        int rc = tfa_uilog__emit_change(r, TFA_LIST_PLANNED, pos, t->name);
        log->planned++;
        l->open++;
        log->drift_unended = 0; /* drift comes before the planned changes */
        if (rc == 0 && tfa_run_change_count(r->run, TFA_LIST_PLANNED) > n)
            tfa_plan_tally_add(&l->tally, tfa_run_change(r->run, TFA_LIST_PLANNED, n));
        return rc;
    }
    case UILOG_MSG_DRIFT:
        log->drift++;
        return tfa_uilog__emit_change(r, TFA_LIST_DRIFT, pos, t->name);
    case UILOG_MSG_SUMMARY:
        return take_summary(l, pos);
    case UILOG_MSG_OUTPUTS:
        return take_outputs(l);
    case UILOG_MSG_APPLY_START:
    case UILOG_MSG_APPLY_PROGRESS:
    case UILOG_MSG_APPLY_COMPLETE:
    case UILOG_MSG_APPLY_ERRORED:
        return apply_message(l, t->kind, pos, t->name);
    default:
        return 0;
    }
}

/*
 * Most messages of a log record nothing beyond their type (refresh_*,
 * provision_*, log...: UILOG_MSG_OTHER) or are of a type this build does not know;
 * with their payload of no use, reading it token by token is most of the
 * cost of a large log. Such a message, on one line, is validated in one pass
 * (tfa_scan_skim, as strict as the token path) and only its top-level
 * members are looked at. Returns 1 with *rc set when the message was taken
 * so; 0 when it must be read token by token (the scanner is back after its
 * '{'): a kind whose payload is read, a string long enough that reading it
 * could fail (the field limit; + 2 for the quotes resource_key keeps), or
 * anything the skim leaves to the token path (errors among them).
 */
static int skim_message(ui_log *l, const tfa_token *open, int *rc)
{
    tfa_scan_member m[UI_SKIM_MEMBERS];
    const uilog_type *t;
    tfa_scan_skim_state k;
    size_t i;

    if (!tfa_scan_skim(l->r.scan, m, UI_SKIM_MEMBERS, &k))
        return 0;
    for (i = 0; i < k.n; i++) {
        const tfa_token *key = &m[i].key;
        if (tfa_token_is(key, "type")) {
            if ((*rc = take_type(l, &m[i].value)) != 0)
                return 1;
        } else if (tfa_token_is(key, "@module")) {
            take_module(l, &m[i].value);
        } else if (l->ci) {
            take_ci_key(l, key);
        }
    }
    t = message_type(l);
    if ((t && t->kind != UILOG_MSG_OTHER) || k.longest + 2 > l->r.ctx->limits->string_bytes) {
        tfa_scan_skim_undo(l->r.scan, &k);
        reset_message(l);
        return 0;
    }
    *rc = dispatch(l, t, &open->pos);
    return 1;
}

static int read_message(ui_log *l, const tfa_token *open)
{
    tfa_token k;
    int rc;

    if (open->type != TFA_TOK_OBJ)
        return tfa_uilog__fail(&l->r, &open->pos, TFA_EINPUT,
                               "expected a JSON object (a UI log message), not %s",
                               tfa_json_tok_name(open->type));
    reset_message(l);
    if (skim_message(l, open, &rc))
        return rc;
    while ((rc = tfa_scan_next(l->r.scan, &k, l->r.err)) == 0 && k.type == TFA_TOK_KEY)
        if ((rc = read_top_key(l, &k)) != 0)
            break;
    /* in a CI log a message is one line: one that does not end there was
     * cut off or had other output written into it; name its line, not the
     * line where the tokenizer noticed */
    if (rc == TFA_EINPUT && l->ci && l->r.err->line != open->pos.line &&
        !tfa_scan_truncated(l->r.scan)) {
        tfa_error_clear(l->r.err);
        return tfa_uilog__fail(&l->r, &open->pos, TFA_EINPUT,
                               "a UI log message that does not end on its line (cut off, or "
                               "other output written into it)");
    }
    return rc ? rc : dispatch(l, message_type(l), &open->pos);
}

/* ---- the whole log -------------------------------------------------------------- */

static int emit_outputs(ui_log *l)
{
    const output_set *o = &l->last_outs;
    const char *name = o->names.ptr;
    size_t i;

    for (i = 0; l->has_last_outs && i < o->n; i++) {
        tfa_output *out = tfa_run_push_output(l->r.run);
        if (!out || !(out->name = tfa_run_strdup(l->r.run, name)))
            return tfa_error_oom(l->r.err);
        out->input = l->r.ctx->input;
        out->sensitive = o->flags.ptr[2 * i];
        out->action = (tfa_action)(unsigned char)o->flags.ptr[2 * i + 1];
        name += strlen(name) + 1;
    }
    return 0;
}

/* What the CI filter skipped, as a note; a CI log without a message is no
 * UI log at all. */
static int ci_note(ui_log *l)
{
    const uilog_ci_counts *c = tfa_uilog__ci_counts(l->ci);
    if (l->r.in->log.messages == 0)
        return tfa_uilog__fail(&l->r, NULL, TFA_EINPUT,
                               "no Terraform UI log message in this CI log");
    return tfa_run_add_note(l->r.run, l->r.ctx->input, NULL,
                            "CI job log: %lu line(s) before the first message, %lu CI marker or "
                            "command line(s) between messages and %lu line(s) after the last "
                            "were skipped",
                            c->before, c->between, c->after)
               ? tfa_error_oom(l->r.err)
               : 0;
}

static int finish(ui_log *l)
{
    tfa_input *in = l->r.in;
    tfa_log_info *log = &in->log;
    const tfa_counts *c = &log->counts;
    enum tool tool = l->versions ? l->log_tool : l->log_module_tool;
    int rc;

    /* Terraform writes the apply's change_summary only when the whole apply
     * succeeded; apply messages after the last summary (the plan's, or
     * none) are an apply that did not finish: its operation is "apply" and
     * it states no apply counts (see text_log_apply.c for the text form). */
    log->final_summary = l->apply_summary_last;
    log->planned_open += l->open;
    if ((!l->has_summary && l->apply_messages) ||
        (l->event_after_summary && (!log->operation || strcmp(log->operation, "plan") == 0))) {
        log->operation = "apply";
        log->has_counts = 0;
    }
    log->no_changes = log->has_counts && log->operation && strcmp(log->operation, "plan") == 0 &&
                      !c->add && !c->change && !c->destroy && !c->import && !c->forget;
    if (l->version_conflict)
        in->tool_version = NULL;
    if (l->ui_conflict)
        log->ui_version = NULL;
    if (tool == TOOL_NONE)
        tool = l->log_module_tool;
    if (!l->tool_conflict && tool != TOOL_NONE)
        in->tool = tool == TOOL_OPENTOFU ? "opentofu" : "terraform";
    in->documents = l->versions ? (unsigned)l->versions : log->messages > 0;
    if (l->ci && (rc = ci_note(l)) != 0)
        return rc;
    if (l->versions > 1 &&
        tfa_run_add_note(l->r.run, l->r.ctx->input, NULL,
                         "%lu runs in one log (version messages); counts are those of the last "
                         "change_summary",
                         l->versions) != 0)
        return tfa_error_oom(l->r.err);
    return emit_outputs(l);
}

/* The input ended inside the message starting at `at`: keep what came before. */
static int keep_truncated_tail(ui_log *l, const tfa_pos *at)
{
    tfa_error_clear(l->r.err);
    l->r.in->log.truncated_tail = 1;
    return tfa_run_add_note(l->r.run, l->r.ctx->input, at,
                            "the last line is cut off (the input ends inside it); it was skipped")
               ? tfa_error_oom(l->r.err)
               : 0;
}

static void output_set_init(output_set *o)
{
    tfa_buf_init(&o->names, TFA_BUF_NO_MAX);
    tfa_buf_init(&o->flags, TFA_BUF_NO_MAX);
    o->n = 0;
}

static int reader_init(ui_log *l, const tfa_read_ctx *ctx)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    uilog_reader *r = &l->r;
    int f, rc;

    memset(l, 0, sizeof(*l));
    r->ctx = ctx;
    r->run = ctx->run;
    r->err = ctx->err;
    r->in = tfa_run_input_mut(ctx->run, ctx->input);
    for (f = 0; f < UF_COUNT; f++) /* diagnostic text is cut after reading */
        tfa_buf_init(&r->f[f], f == UF_SUMMARY || f == UF_DETAIL ? TFA_LIMIT_SCAN_WINDOW
                                                                 : ctx->limits->string_bytes);
    tfa_buf_init(&l->type, TYPE_MAX);
    tfa_buf_init(&l->version, ctx->limits->string_bytes);
    tfa_buf_init(&l->ui, ctx->limits->string_bytes);
    tfa_buf_init(&l->operation, ctx->limits->string_bytes);
    output_set_init(&l->outs);
    output_set_init(&l->last_outs);
    so.lines = 1; /* one message per line; CI noise is the filter's (ui_log_ci.c) */
    so.max_depth = ctx->limits->json_depth;
    if (tfa_uilog__ci_wanted(ctx->in) &&
        (rc = tfa_uilog__ci_open(&l->ci_in, &l->ci, ctx->in, ctx->err)) != 0)
        return rc;
    return tfa_scan_new(&r->scan, l->ci_in ? l->ci_in : ctx->in, &so, ctx->err);
}

static void reader_release(ui_log *l)
{
    int f;
    for (f = 0; f < UF_COUNT; f++)
        tfa_buf_release(&l->r.f[f]);
    tfa_buf_release(&l->type);
    tfa_buf_release(&l->version);
    tfa_buf_release(&l->ui);
    tfa_buf_release(&l->operation);
    tfa_buf_release(&l->outs.names);
    tfa_buf_release(&l->outs.flags);
    tfa_buf_release(&l->last_outs.names);
    tfa_buf_release(&l->last_outs.flags);
    tfa_uilog__release_open(&l->r);
    tfa_scan_free(l->r.scan);
    tfa_stream_free(l->ci_in); /* after the scanner that reads it */
}

int tfa_read_ui_log(const tfa_read_ctx *ctx)
{
    ui_log l;
    tfa_token t;
    int rc = reader_init(&l, ctx);

    memset(&t, 0, sizeof(t));
    while (rc == 0) {
        if ((rc = tfa_scan_next(l.r.scan, &t, l.r.err)) != 0 || t.type == TFA_TOK_EOF)
            break;
        rc = read_message(&l, &t);
    }
    if (rc == TFA_EINPUT && l.r.scan && tfa_scan_truncated(l.r.scan))
        rc = keep_truncated_tail(&l, &t.pos);
    if (rc == 0)
        rc = finish(&l);
    reader_release(&l);
    return rc;
}
