/*
 * text_log.c - reads plain CLI output of `terraform|tofu plan|apply|destroy`
 * (no -json), Terraform 0.11 to 1.x and OpenTofu, plus HCP Terraform's
 * Sentinel policy and cost estimation logs, into the run model.
 *
 * Facts follow ../shared/corpus/README.md (text-log): the summary lines are
 * "Plan: ...", "No changes.", "Apply complete! Resources: ..." and "Destroy
 * complete! Resources: ..."; the operation is that of the last one; its
 * counts are kept only when it is the only summary line of its operation in
 * the file (a log of several runs leaves them undetermined); errors are the
 * lines starting "Error: ". Lines are matched after normalization (lines.h):
 * colour codes, diagnostic box margins, carriage returns and CI timestamps
 * removed.
 *
 * One pass, one line at a time. Structural lines (summaries, versions, lock
 * lines, change headers, progress lines, policy lines) are recognized by
 * text_grammar.c; the blocks that span lines (diagnostics, resource bodies)
 * are read by the parts listed in text_log.h. Attribute values are never
 * kept: resource bodies yield attribute names only, diagnostics keep prose
 * only (see text_log_diag.c for the rule).
 */
#include "util/compat.h"

#include "plan_tally.h"
#include "text_log.h"
#include "text_trace.h"
#include "util/limits.h"

const char *tfa_tl_strndup(tfa_text_log *r, const char *s, size_t len, size_t max)
{
    if (len > max) {
        len = max;
        while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--; /* s[len] continues a character: cut before it */
    }
    return tfa_run_strndup(r->run, s, len);
}

int tfa_tl_oom(tfa_text_log *r)
{
    return tfa_error_oom(r->err);
}

static int starts(const tfa_line *l, const char *lit)
{
    size_t n = strlen(lit);
    return l->len >= n && memcmp(l->text, lit, n) == 0;
}

/* A structural line ends whatever block was open. */
static int end_blocks(tfa_text_log *r)
{
    int rc = tfa_tl_block_close(r);
    return rc ? rc : tfa_tl_diag_close(r);
}

static int run_line(tfa_text_log *r);
static void note_progress(tfa_text_log *r, const tfa_text_progress *p);

/* ---- run-level lines ---------------------------------------------------------- */

/* A "Plan:" line must be the sum of the change headers before it, and an
 * "Apply complete!" / "Destroy complete!" line the sum of the resources
 * whose "... complete after" lines came since the last summary
 * (plan_tally.h), else the changes read are not the run's. */
static int check_summary(tfa_text_log *r, const tfa_text_summary *s)
{
    size_t i, n = tfa_run_change_count(r->run, TFA_LIST_PLANNED);
    size_t applied = tfa_run_applied_count(r->run), from = r->runs.apply0;
    tfa_plan_tally t;
    char why[256];
    int plan = s->op == TFA_TEXT_OP_PLAN;

    memset(&t, 0, sizeof(t));
    for (i = r->runs.tally0; i < n; i++)
        tfa_plan_tally_add(&t, tfa_run_change(r->run, TFA_LIST_PLANNED, i));
    r->runs.tally0 = n;
    r->runs.apply0 = applied;
    if (plan ? tfa_plan_tally_check(&t, &s->counts, why, sizeof(why)) == 0
             : tfa_apply_tally_check(r->run, r->input, from, &s->counts, why, sizeof(why)) == 0)
        return 0;
    tfa_error_set_at(r->err, TFA_EINPUT, &r->line.pos,
                     "this %s's summary line does not add up: %s (%s are missing from the log, "
                     "or it was edited)",
                     plan ? "plan" : tfa_text_op_name(s->op), why,
                     plan ? "planned changes" : "applied resources");
    tfa_error_set_source(r->err, tfa_stream_name(r->ctx->in));
    return TFA_EINPUT;
}

static int on_summary(tfa_text_log *r, const tfa_text_summary *s)
{
    int rc;

    /* Atlantis repeats a project's summary line under its collapsed output */
    if (r->runs.project && r->have_last && r->last.op == s->op &&
        r->last.no_changes == s->no_changes &&
        memcmp(&r->last.counts, &s->counts, sizeof(s->counts)) == 0)
        return 0;
    if ((rc = check_summary(r, s)) != 0)
        return rc;
    r->summaries[s->op]++;
    r->last_line = r->line.pos.line;
    if (s->op != TFA_TEXT_OP_PLAN)
        r->summary_line = r->line.pos.line;
    r->last = *s;
    r->have_last = 1;
    r->runs.progress = 0;
    r->runs.only_deletes = 1;
    r->drift_section = 0;
    r->actions_legacy = 0;
    r->announced = r->refreshed = 0;
    return 0;
}

static int on_version(tfa_text_log *r, const char *tool, const tfa_text_span *v)
{
    if (!r->have_version) {
        r->have_version = 1;
        r->tool = tool;
        tfa_buf_put(&r->version, v->ptr, v->len);
        return tfa_buf_status(&r->version) == TFA_ENOMEM ? tfa_tl_oom(r) : 0;
    }
    if (strcmp(r->tool, tool) != 0 || r->version.len != v->len ||
        memcmp(r->version.ptr, v->ptr, v->len) != 0)
        r->version_conflict = 1;
    return 0;
}

static int on_lock(tfa_text_log *r, tfa_lock_event event)
{
    tfa_lock *lk = tfa_run_push_lock(r->run);
    if (!lk)
        return tfa_tl_oom(r);
    lk->input = r->input;
    lk->event = event;
    lk->pos = r->line.pos;
    return 0;
}

/* Sentences that name the tool when no version line does. */
static void wording(tfa_text_log *r)
{
    static const char *const phrases[] = {
        " will perform the following actions",      " used the selected providers",
        " has been successfully initialized",       " will invoke the following action",
        " planned the following actions, but then", " detected the following changes made"};
    const char *tool = starts(&r->line, "Terraform ")  ? "terraform"
                       : starts(&r->line, "OpenTofu ") ? "opentofu"
                                                       : NULL;
    const char *rest;
    size_t i;

    if (!tool)
        return;
    rest = r->line.text + (tool[0] == 't' ? 9 : 8);
    for (i = 0; i < TFA_ARRAY_SIZE(phrases); i++)
        if (strncmp(rest, phrases[i], strlen(phrases[i])) == 0)
            break;
    if (i == TFA_ARRAY_SIZE(phrases))
        return;
    if (r->wording_tool && strcmp(r->wording_tool, tool) != 0)
        r->wording_conflict = 1;
    r->wording_tool = tool;
}

/* "────" (1.x) or "----" (0.11) rules between a plan's sections. */
static int is_rule(const tfa_line *l)
{
    size_t i;
    if (l->len < 6)
        return 0;
    if (l->text[0] == '-') {
        for (i = 0; i < l->len && l->text[i] == '-'; i++)
            ;
        return i == l->len;
    }
    for (i = 0; i + 3 <= l->len && memcmp(l->text + i, "\xe2\x94\x80", 3) == 0; i += 3)
        ;
    return i == l->len;
}

/* A plan began that only its summary ends ("Plan:", "No changes."): until
 * then its changes may be cut off, all of them (log.plan_unended). */
static void announce(tfa_text_log *r)
{
    if (!r->announced)
        r->announced = r->line.pos.line;
}

/* Lines that open or close the drift section and the 0.11 action list. */
static int section_line(tfa_text_log *r)
{
    const tfa_line *l = &r->line;
    int providers;

    if (starts(l, "Note: Objects have changed outside of ") ||
        starts(l, "Objects have changed outside of ")) {
        r->drift_section = 1;
        r->in->log.drift_banner = 1;
        r->drift_first = tfa_run_change_count(r->run, TFA_LIST_DRIFT);
        return 1;
    }
    /* deferred changes (Terraform 1.10+): the rest waits for the next plan */
    if (starts(l, "Note: This is a partial plan, parts can only be known in the next")) {
        r->in->log.plan_partial++;
        return 1;
    }
    /* "Terraform used the selected providers to generate the following
     * execution plan": a plan's change list starts */
    providers = memmem(l->text, l->len, " used the selected providers", 28) != NULL;
    if (starts(l, "Unless you have made equivalent changes") ||
        starts(l, "This is a refresh-only plan") || is_rule(l) || providers ||
        starts(l, "Changes to Outputs:")) {
        r->drift_section = 0;
        r->actions_legacy = 0;
        if (providers)
            announce(r);
        r->refreshed = 0; /* the drift section, if any, is over */
        return 1;
    }
    if (memmem(l->text, l->len, " will perform the following actions:", 36) ||
        memmem(l->text, l->len, " planned the following actions, but then", 40)) {
        r->drift_section = 0;
        r->actions_legacy = 1;
        announce(r);
        r->refreshed = 0;
        return 1;
    }
    return 0;
}

/* ---- the dispatcher ------------------------------------------------------------- */

/* Lines of an open diagnostic box, and box edges. 1 = handled. */
static int box_line(tfa_text_log *r, int *rc)
{
    const tfa_line *l = &r->line;

    if (l->flags & (TFA_LINE_BOX_OPEN | TFA_LINE_BOX_CLOSE)) {
        *rc = end_blocks(r);
        return 1;
    }
    if (!r->diag || !r->diag_boxed)
        return 0;
    if (l->flags & TFA_LINE_MARGIN) {
        *rc = tfa_tl_diag_feed(r);
        return 1;
    }
    *rc = tfa_tl_diag_close(r); /* a box that was never closed */
    return *rc != 0;
}

/* "Error: " / "Warning: " opens a diagnostic: 1 = it was one (rc says how). */
static int diag_start(tfa_text_log *r, int *rc)
{
    const tfa_line *l = &r->line;
    int warn = starts(l, "Warning: ");
    size_t skip = warn ? 9 : 7;

    if (!warn && !starts(l, "Error: "))
        return 0;
    if ((*rc = end_blocks(r)) == 0)
        *rc = tfa_tl_diag_open(r, warn ? TFA_SEV_WARNING : TFA_SEV_ERROR, l->text + skip,
                               l->len - skip, (l->flags & TFA_LINE_MARGIN) != 0);
    return 1;
}

/* Structural lines: 1 = handled (rc says how), 0 = not one. */
static int structural(tfa_text_log *r, int *rc)
{
    const tfa_line *l = &r->line;
    tfa_text_summary sum;
    tfa_text_header h;
    tfa_text_progress p;
    tfa_text_span v;
    const char *tool;

    if (tfa_text_summary_parse(l->text, l->len, &sum)) {
        if ((*rc = end_blocks(r)) == 0)
            *rc = on_summary(r, &sum);
    } else if (tfa_text_version_parse(l->text, l->len, &tool, &v)) {
        if ((*rc = end_blocks(r)) == 0)
            *rc = on_version(r, tool, &v);
    } else if (starts(l, "Acquiring state lock.") || starts(l, "Releasing state lock.")) {
        if ((*rc = end_blocks(r)) == 0)
            *rc = on_lock(r, l->text[0] == 'A' ? TFA_LOCK_ACQUIRING : TFA_LOCK_RELEASING);
    } else if (tfa_text_header_parse(l->text, l->len, &h)) {
        if ((*rc = end_blocks(r)) == 0)
            *rc = tfa_tl_block_open(r, &h, 0);
    } else if (r->actions_legacy && tfa_text_legacy_plan_parse(l->text, l->len, &h)) {
        if ((*rc = end_blocks(r)) == 0)
            *rc = tfa_tl_block_open(r, &h, 1);
    } else if (tfa_text_progress_parse(l->text, l->len, &p)) {
        note_progress(r, &p);
        /* a data source read ("Reading...", "Read complete after 1s") is no
         * apply: plans print them too, and they change nothing */
        if ((*rc = end_blocks(r)) == 0 && p.action != TFA_ACTION_READ)
            *rc = tfa_tl_apply_progress(r, &p);
    } else if (tfa_text_refresh_parse(l->text, l->len)) {
        /* refreshing after a summary: the next plan of the log began */
        if (r->have_last) {
            announce(r);
            if (!r->refreshed)
                r->refreshed = l->pos.line;
        }
        *rc = end_blocks(r);
    } else if (section_line(r)) {
        *rc = end_blocks(r);
    } else if ((*rc = tfa_tl_policy_line(r)) != 0) {
        *rc = *rc < 0 ? *rc : end_blocks(r);
    } else {
        return 0;
    }
    return 1;
}

/*
 * A line of the drift section that nothing above explained. Before the
 * first entry, lines at the margin are the section's prose ("Terraform
 * detected the following changes made outside of ...", wrapped at any
 * width); every other non-blank line is part of an entry that could not be
 * read (a header this reader does not know, a body without its header). It
 * is counted, so drift is not reported as known when it was not read
 * (checklist/drift.c).
 */
static void drift_line(tfa_text_log *r)
{
    const tfa_line *l = &r->line;
    tfa_log_info *li = &r->in->log;
    size_t i;

    for (i = 0; i < l->len && (l->text[i] == ' ' || l->text[i] == '\t'); i++)
        ;
    if (i == l->len)
        return; /* blank */
    if (i == 0 && tfa_run_change_count(r->run, TFA_LIST_DRIFT) == r->drift_first)
        return; /* the section's prose */
    if (li->drift_unread++ == 0)
        li->drift_unread_pos = l->pos;
}

static int handle_line(tfa_text_log *r)
{
    const tfa_line *l = &r->line;
    int rc = 0;

    if ((rc = run_line(r)) != 0)
        return rc < 0 ? rc : 0;
    if (starts(l, "Error: "))
        r->in->log.errors++;
    else if (starts(l, "Warning: "))
        r->in->log.warnings++;
    if (box_line(r, &rc))
        return rc;
    if (r->block.change && (rc = tfa_tl_block_feed(r)) != 0)
        return rc < 0 ? rc : 0;
    if (diag_start(r, &rc))
        return rc;
    wording(r);
    if (structural(r, &rc))
        return rc;
    if (r->drift_section && !r->diag)
        drift_line(r);
    return r->diag ? tfa_tl_diag_feed(r) : 0;
}

/* ---- facts ---------------------------------------------------------------------- */

/* Apply progress after a plan summary: an apply (or destroy) under way. */
static void note_progress(tfa_text_log *r, const tfa_text_progress *p)
{
    if (p->action != TFA_ACTION_READ && p->action != TFA_ACTION_NOOP)
        r->runs.applying = 1;
    if (!r->have_last || r->last.op != TFA_TEXT_OP_PLAN || p->action == TFA_ACTION_READ ||
        p->action == TFA_ACTION_NOOP)
        return;
    r->runs.progress = 1;
    if (p->action != TFA_ACTION_DELETE)
        r->runs.only_deletes = 0;
}

/*
 * The operation of a run that its summary lines do not settle: an apply or
 * destroy that stopped part-way has a plan summary and progress lines but no
 * "Apply complete!" / "Destroy complete!" (its counts stay undetermined); a
 * run with no summary takes its command's. `terraform destroy` and `apply
 * -destroy` are destroys, told by their command, their prompt, or a plan
 * that only destroys. A plan that forgets resources but whose summary does
 * not count them is counted from its "will no longer be managed" blocks.
 */
static void settle_run(tfa_text_log *r, size_t planned0)
{
    tfa_log_info *li = &r->in->log;
    static const char *const cmd_ops[] = {NULL, "plan", "apply", "destroy", "plan"};
    int destroy = (r->runs.have_cmd && r->runs.cmd == TFA_CI_DESTROY) || r->runs.destroy_prompt;
    size_t i, n = tfa_run_change_count(r->run, TFA_LIST_PLANNED);
    long forget = 0;

    if (r->have_last && r->last.op == TFA_TEXT_OP_PLAN && r->runs.progress) {
        destroy = destroy || (r->runs.only_deletes && r->last.counts.add == 0 &&
                              r->last.counts.change == 0 && r->last.counts.destroy > 0);
        li->operation = destroy ? "destroy" : "apply";
        li->has_counts = 0;
        r->runs.partial = 1;
    } else if (!r->have_last && r->runs.have_cmd && cmd_ops[r->runs.cmd] &&
               (li->errors || r->runs.vertex_errors ||
                tfa_run_applied_count(r->run) > r->applied_first)) {
        li->operation = destroy ? "destroy" : cmd_ops[r->runs.cmd];
    }
    if (li->has_counts && li->counts.forget == 0 && r->have_last &&
        r->last.op == TFA_TEXT_OP_PLAN) {
        for (i = planned0; i < n; i++)
            if (tfa_run_change(r->run, TFA_LIST_PLANNED, i)->action == TFA_ACTION_FORGET)
                forget++;
        li->counts.forget = forget;
    }
    if (r->runs.vertex_errors && li->errors == 0)
        li->errors = r->runs.vertex_errors; /* a TF_LOG file without the CLI's output */
}

/* `drift0` / `planned0`: records other inputs had added before this one. */
static int finish(tfa_text_log *r, unsigned long lines, size_t drift0, size_t planned0)
{
    tfa_log_info *li = &r->in->log;
    long runs = 1;
    int op;

    li->messages = (long)(lines - r->runs.line0);
    if (r->have_last) {
        li->operation = tfa_text_op_name(r->last.op);
        li->no_changes = r->last.no_changes;
        if (r->summaries[r->last.op] == 1) {
            li->has_counts = 1;
            li->counts = r->last.counts;
        }
    }
    for (op = 0; op < TFA_TEXT_OP_COUNT; op++)
        if (r->summaries[op] > runs)
            runs = r->summaries[op];
    r->in->documents = (unsigned)runs;
    li->drift = (long)(tfa_run_change_count(r->run, TFA_LIST_DRIFT) - drift0);
    li->planned = (long)(tfa_run_change_count(r->run, TFA_LIST_PLANNED) - planned0);
    /* change blocks after the run's last "Plan:" line (tally0 moves there) */
    li->planned_open = (long)(tfa_run_change_count(r->run, TFA_LIST_PLANNED) - r->runs.tally0);
    li->plan_unended = r->announced;
    li->drift_unended = r->refreshed;
    tfa_tl_apply_facts(r);
    settle_run(r, planned0);
    if (r->have_version && !r->version_conflict) {
        r->in->tool = r->tool;
        if (!(r->in->tool_version = tfa_run_strndup(r->run, r->version.ptr, r->version.len)))
            return tfa_tl_oom(r);
    } else if (!r->have_version && r->wording_tool && !r->wording_conflict) {
        r->in->tool = r->wording_tool;
    }
    if (r->version_conflict &&
        tfa_run_add_note(r->run, r->input, NULL, "several tool versions in one log") != 0)
        return tfa_tl_oom(r);
    if (r->have_last && !li->has_counts && r->summaries[r->last.op] > 1 &&
        tfa_run_add_note(r->run, r->input, NULL,
                         "%ld \"%s\" summary lines: counts left undetermined",
                         r->summaries[r->last.op], tfa_text_op_name(r->last.op)) != 0)
        return tfa_tl_oom(r);
    if (r->runs.partial &&
        tfa_run_add_note(r->run, r->input, NULL,
                         "%s stopped before its summary line: counts left undetermined",
                         li->operation) != 0)
        return tfa_tl_oom(r);
    if (r->runs.project &&
        tfa_run_add_note(r->run, r->input, NULL, "Atlantis project %s", r->runs.project) != 0)
        return tfa_tl_oom(r);
    return 0;
}

/* ---- runs ------------------------------------------------------------------------ */

/* Whether the current run has read anything a fact is made of. */
static int run_has_content(const tfa_text_log *r)
{
    int op;
    for (op = 0; op < TFA_TEXT_OP_COUNT; op++)
        if (r->summaries[op])
            return 1;
    return r->in->log.errors || r->runs.vertex_errors ||
           tfa_run_applied_count(r->run) > r->applied_first ||
           tfa_run_change_count(r->run, TFA_LIST_PLANNED) > r->runs.planned0 ||
           tfa_run_change_count(r->run, TFA_LIST_DRIFT) > r->runs.drift0;
}

/* Close the current run as an input of its own and open the next:
 * "job.log#1" (the first input, renamed), "job.log#2", ... */
static int next_run(tfa_text_log *r, unsigned long lines)
{
    const char *base = tfa_stream_name(r->ctx->in);
    char num[24];
    tfa_buf name;
    tfa_input *in;
    int rc;

    if ((rc = end_blocks(r)) != 0 || (rc = finish(r, lines, r->runs.drift0, r->runs.planned0)) != 0)
        return rc;
    tfa_buf_init(&name, TFA_BUF_NO_MAX);
    if (r->runs.count == 0) {
        tfa_buf_printf(&name, "%s#1", base);
        r->in->path = tfa_run_strndup(r->run, name.ptr ? name.ptr : "", name.len);
        r->runs.count = 1;
        tfa_buf_truncate(&name, 0);
    }
    snprintf(num, sizeof(num), "%u", ++r->runs.count);
    tfa_buf_printf(&name, "%s#%s", base, num);
    in = tfa_buf_status(&name) == 0 && r->in->path
             ? tfa_run_push_input(r->run, name.ptr, TFA_KIND_TEXT_LOG)
             : NULL;
    tfa_buf_release(&name);
    if (!in)
        return tfa_tl_oom(r);
    r->in = in;
    r->input = (unsigned)(tfa_run_input_count(r->run) - 1);
    memset(r->summaries, 0, sizeof(r->summaries));
    r->have_last = 0;
    r->drift_section = r->actions_legacy = 0;
    r->announced = r->refreshed = 0;
    memset(&r->policy, 0, sizeof(r->policy));
    tfa_tl_apply_release(r);
    r->applied_first = r->runs.apply0 = tfa_run_applied_count(r->run);
    r->runs.drift0 = tfa_run_change_count(r->run, TFA_LIST_DRIFT);
    r->runs.planned0 = tfa_run_change_count(r->run, TFA_LIST_PLANNED);
    r->runs.tally0 = r->runs.planned0;
    r->runs.line0 = lines;
    r->runs.have_cmd = r->runs.progress = r->runs.destroy_prompt = r->runs.partial = 0;
    r->runs.applying = 0;
    r->runs.only_deletes = 1;
    r->runs.vertex_errors = 0;
    r->runs.project = NULL;
    return 0;
}

/* A line that starts a command: a new run when the current one has content. */
static int run_start(tfa_text_log *r, tfa_ci_cmd cmd, int have_cmd)
{
    int rc;
    if (run_has_content(r) && (rc = next_run(r, r->line.pos.line - 1)) != 0)
        return rc;
    if (have_cmd) {
        r->runs.cmd = cmd;
        r->runs.have_cmd = 1;
    }
    return 0;
}

/* A TF_LOG line: the version, the command, and errors of graph nodes. */
static int trace_line(tfa_text_log *r, const tfa_text_trace *t)
{
    tfa_text_progress p;
    int rc;

    switch (t->kind) {
    case TFA_TRACE_VERSION:
        return on_version(r, t->tool, &t->version);
    case TFA_TRACE_ARGS:
        return run_start(r, t->cmd, 1);
    case TFA_TRACE_VERTEX_ERROR:
        r->runs.vertex_errors++;
        if (!t->addr.len)
            return 0;
        /* the node that failed was applying this instance: an errored apply */
        memset(&p, 0, sizeof(p));
        p.addr = t->addr;
        p.action = TFA_ACTION_UNKNOWN;
        p.phase = TFA_PHASE_ERRORED;
        p.elapsed = -1;
        if (r->runs.cmd != TFA_CI_APPLY && r->runs.cmd != TFA_CI_DESTROY)
            return 0;
        rc = tfa_tl_apply_progress(r, &p);
        return rc;
    default:
        return 0;
    }
}

/* Lines about runs rather than resources: CI command lines, TF_LOG lines,
 * Atlantis headers. 1 = handled, 0 = not one, < 0 = error. */
static int run_line(tfa_text_log *r)
{
    const tfa_line *l = &r->line;
    tfa_text_trace t;
    const char *project;
    size_t plen;
    tfa_ci_cmd cmd;
    int rc, kind;

    if (l->len < 2)
        return 0;
    if (tfa_text_trace_parse(l->text, l->len, &t))
        return (rc = trace_line(r, &t)) < 0 ? rc : 1;
    if (tfa_text_ci_command(l->text, l->len, &cmd))
        return (rc = run_start(r, cmd, 1)) < 0 ? rc : 1;
    if (starts(l, "Do you really want to destroy all resources"))
        r->runs.destroy_prompt = 1;
    kind = tfa_text_atlantis(l->text, l->len, &cmd, &project, &plen);
    if (!kind)
        return 0;
    if ((rc = run_start(r, cmd, kind != 3)) != 0)
        return rc;
    if (project && !(r->runs.project = tfa_run_strndup(r->run, project, plen)))
        return tfa_tl_oom(r);
    return 1;
}

int tfa_read_text_log(const tfa_read_ctx *ctx)
{
    tfa_lines_options lo = TFA_LINES_OPTIONS_INIT;
    tfa_lines *lines = NULL;
    tfa_text_log r;
    size_t drift0, planned0;
    int rc;

    memset(&r, 0, sizeof(r));
    r.ctx = ctx;
    r.run = ctx->run;
    r.err = ctx->err;
    r.input = ctx->input;
    r.in = tfa_run_input_mut(ctx->run, ctx->input);
    r.applied_first = tfa_run_applied_count(ctx->run);
    drift0 = tfa_run_change_count(ctx->run, TFA_LIST_DRIFT);
    planned0 = tfa_run_change_count(ctx->run, TFA_LIST_PLANNED);
    tfa_buf_init(&r.version, TFA_LIMIT_STRING_BYTES);
    tfa_tl_block_init(&r.block);
    tfa_tl_diag_init(&r);
    r.runs.drift0 = drift0;
    r.runs.planned0 = r.runs.tally0 = planned0;
    r.runs.apply0 = r.applied_first;
    r.runs.only_deletes = 1;
    lo.max_bytes = ctx->limits->line_bytes;
    if ((rc = tfa_lines_new(&lines, ctx->in, &lo, ctx->err)) != 0)
        goto done;
    while ((rc = tfa_lines_next(lines, &r.line, ctx->err)) == 1)
        if ((rc = handle_line(&r)) != 0)
            goto done;
    if (rc == 0 && (rc = end_blocks(&r)) == 0)
        rc = finish(&r, tfa_lines_count(lines), r.runs.drift0, r.runs.planned0);
done:
    tfa_lines_free(lines);
    tfa_tl_apply_release(&r);
    tfa_tl_diag_release(&r);
    tfa_tl_block_release(&r.block);
    tfa_buf_release(&r.version);
    return rc;
}
