/*
 * audit_report_ci.c - a nightly audit in the CI formats: SARIF 2.1.0,
 * GitHub workflow commands and GitLab Code Quality (shapes and escaping in
 * report/report_ci.h, shared with check and gate).
 *
 * One walk over the result yields findings, in report order (workspaces by
 * name; in each: missing or unreadable, then failing items, then drift),
 * and each format writes the same findings:
 *  - a workspace missing or unreadable (rules "tfaudit/workspace-missing",
 *    "tfaudit/workspace-unreadable": '/' never occurs in an item id);
 *  - a failing item (hard or soft FAIL, ERROR or PENDING; an advisory FAIL
 *    as a note): the rule is the item id;
 *  - an unaccepted drifted address ("tfaudit/drift"), as its logical
 *    location.
 * New findings are regressions (SARIF baselineState "new"), recurring ones
 * "unchanged". Locations are the item's line in the audit's default
 * checklist when it has the item, else the checklist file itself.
 * Fingerprints cover the workspace, the rule and the address, so a finding
 * keeps its identity across audits.
 */
#include "util/compat.h"

#include "audit_report.h"
#include "report_ci.h"
#include "report_int.h"

#define RULE_DRIFT      "tfaudit/drift"
#define RULE_MISSING    "tfaudit/workspace-missing"
#define RULE_UNREADABLE "tfaudit/workspace-unreadable"

typedef struct finding {
    const tfa_audit_ws *ws;
    const char *rule, *title, *condition, *section;
    tfa_level level;
    const char *address;  /* drift; NULL otherwise */
    const char *baseline; /* "new", "unchanged" or NULL */
    unsigned streak;
    unsigned long line;
    tfa_buf message;
    char fingerprint[TFA_SHA256_HEX];
} finding;

typedef int (*finding_fn)(finding *f, void *payload);

static void locate(finding *f, const tfa_checklist *cl, const char *id)
{
    const tfa_item *it = cl && id ? tfa_checklist_find(cl, id) : NULL;
    f->line = it ? it->line : 0;
    if (it) {
        f->condition = it->manual ? NULL : it->expr_text;
        f->section = it->section;
    }
}

static int emit(finding *f, finding_fn fn, void *payload)
{
    const char *parts[3] = {f->ws->name, f->rule, f->address};
    int rc;

    tfa_ci_fingerprint(parts, f->address ? 3 : 2, f->fingerprint);
    rc = tfa_buf_status(&f->message) ? TFA_ENOMEM : fn(f, payload);
    tfa_buf_clear(&f->message);
    return rc;
}

static int ws_state(finding *f, const tfa_audit_ws *w, finding_fn fn, void *payload)
{
    f->rule = w->state == TFA_AUDIT_MISSING ? RULE_MISSING : RULE_UNREADABLE;
    f->title = w->state == TFA_AUDIT_MISSING ? "A workspace went missing"
                                             : "A workspace's inputs cannot be read";
    f->condition = f->section = NULL;
    f->level = TFA_LEVEL_HARD;
    f->address = NULL;
    f->baseline = w->regressions ? "new" : "unchanged";
    f->streak = w->missing_streak;
    f->line = 0;
    if (w->state == TFA_AUDIT_MISSING)
        tfa_buf_printf(&f->message, "%s: missing: no inputs this time (last seen in %s)", w->name,
                       w->last_seen ? w->last_seen : "no audit");
    else
        tfa_buf_printf(&f->message, "%s: inputs cannot be read: %s", w->name,
                       w->error ? w->error : "unknown error");
    return emit(f, fn, payload);
}

static int ws_items(finding *f, const tfa_audit_ws *w, const tfa_checklist *cl, finding_fn fn,
                    void *payload)
{
    size_t k;
    int rc;

    for (k = 0; k < w->n_items; k++) {
        const tfa_audit_item *it = &w->items[k];
        int advisory_fail = !it->blocks && it->status == TFA_ITEM_FAIL;
        if (!it->blocks && !advisory_fail)
            continue;
        f->rule = it->id;
        f->title = it->title;
        f->condition = f->section = NULL;
        f->level = tfa_ci_level(it->level);
        f->address = NULL;
        f->baseline = it->delta == TFA_DELTA_NEW         ? "new"
                      : it->delta == TFA_DELTA_RECURRING ? "unchanged"
                                                         : NULL;
        f->streak = it->streak;
        locate(f, cl, it->id);
        tfa_buf_printf(&f->message, "%s: `%s` %s: %s (%s)", w->name, it->id,
                       tfa_item_status_name(it->status), it->title, it->level);
        if (it->reason)
            tfa_buf_printf(&f->message, ": %s", it->reason);
        if (it->delta == TFA_DELTA_NEW)
            tfa_buf_puts(&f->message, "; new since the previous audit");
        else if (it->delta == TFA_DELTA_RECURRING)
            tfa_buf_printf(&f->message, "; failing %u audits in a row", it->streak);
        if ((rc = emit(f, fn, payload)) != 0)
            return rc;
    }
    return 0;
}

static int ws_drift(finding *f, const tfa_audit_ws *w, const tfa_checklist *cl, finding_fn fn,
                    void *payload)
{
    size_t k;
    int rc;

    for (k = 0; k < w->n_drift; k++) {
        const tfa_audit_drift *d = &w->drift[k];
        f->rule = RULE_DRIFT;
        f->title = "A resource changed outside Terraform";
        f->condition = f->section = NULL;
        f->level = TFA_LEVEL_HARD;
        f->address = d->address;
        f->baseline = d->is_new ? "new" : "unchanged";
        f->streak = d->streak;
        locate(f, cl, "drift-free");
        tfa_buf_printf(&f->message, "%s: drift: %s changed outside Terraform", w->name, d->address);
        if (d->is_new)
            tfa_buf_puts(&f->message, "; new since the previous audit");
        else
            tfa_buf_printf(&f->message, "; since %s (%u audits in a row)", d->first_seen,
                           d->streak);
        f->condition = NULL; /* located at drift-free, but the rule is drift itself */
        if ((rc = emit(f, fn, payload)) != 0)
            return rc;
    }
    return 0;
}

static int walk(const tfa_audit_result *r, const tfa_checklist *cl, finding_fn fn, void *payload)
{
    finding f;
    size_t i;
    int rc = 0;

    memset(&f, 0, sizeof(f));
    tfa_buf_init(&f.message, TFA_BUF_NO_MAX);
    for (i = 0; rc == 0 && i < r->n_ws; i++) {
        const tfa_audit_ws *w = &r->ws[i];
        f.ws = w;
        if (w->state != TFA_AUDIT_AUDITED)
            rc = ws_state(&f, w, fn, payload);
        else if ((rc = ws_items(&f, w, cl, fn, payload)) == 0)
            rc = ws_drift(&f, w, cl, fn, payload);
    }
    tfa_buf_release(&f.message);
    return rc;
}

/* The checklist path findings point at ("tfaudit" when the audit has none). */
static const char *checklist_path(const tfa_checklist *cl)
{
    return cl ? tfa_checklist_name(cl) : NULL;
}

/* ---- SARIF ------------------------------------------------------------------------ */

typedef struct sarif_state {
    json_t *run;
    const tfa_checklist *cl;
} sarif_state;

static int rule_index(sarif_state *s, const finding *f, size_t *index)
{
    json_t *rules =
        json_object_get(json_object_get(json_object_get(s->run, "tool"), "driver"), "rules");
    size_t i;

    for (i = 0; i < json_array_size(rules); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(rules, i), "id")), f->rule) ==
            0) {
            *index = i;
            return 0;
        }
    return tfa_sarif_add_rule(s->run, f->rule, f->title, f->condition, f->level, f->section, index);
}

static int sarif_finding(finding *f, void *payload)
{
    sarif_state *s = payload;
    const char *path = checklist_path(s->cl);
    json_t *loc = path ? tfa_sarif_location(path, f->line) : NULL, *res;
    size_t index = 0;
    int bad = 0;

    if (rule_index(s, f, &index) != 0) {
        json_decref(loc);
        return TFA_ENOMEM;
    }
    if (loc && f->address &&
        json_object_set_new(loc, "logicalLocations",
                            json_pack("[{s:o, s:s}]", "fullyQualifiedName", tfa_ci_str(f->address),
                                      "kind", "resource")) != 0)
        bad = 1;
    res = tfa_sarif_result(f->rule, index, f->level, f->message.ptr, loc, f->fingerprint);
    if (res && f->baseline && json_object_set_new(res, "baselineState", json_string(f->baseline)))
        bad = 1;
    if (res && json_object_set_new(res, "properties",
                                   json_pack("{s:o, s:I}", "workspace", tfa_ci_str(f->ws->name),
                                             "streak", (json_int_t)f->streak)) != 0)
        bad = 1;
    if (bad) {
        json_decref(res);
        return TFA_ENOMEM;
    }
    return tfa_sarif_push(s->run, res);
}

int tfa_audit_report_sarif(tfa_buf *out, const tfa_audit_result *r, const tfa_checklist *cl)
{
    const tfa_audit_totals *t = &r->totals;
    sarif_state s;
    json_t *log = tfa_sarif_log_new(&s.run);
    int bad = !log;

    s.cl = cl;
    if (!bad)
        bad = walk(r, cl, sarif_finding, &s) != 0 ||
              json_object_set_new(s.run, "automationDetails",
                                  json_pack("{s:s}", "id", "tfaudit/audit/")) != 0 ||
              json_object_set_new(s.run, "invocations",
                                  json_pack("[{s:b}]", "executionSuccessful", 1)) != 0 ||
              json_object_set_new(
                  s.run, "properties",
                  json_pack("{s:{s:s, s:o, s:I, s:I, s:I, s:I, s:I}}", "tfaudit", "audit", r->id,
                            "previous", r->previous ? json_string(r->previous) : json_null(),
                            "workspaces", (json_int_t)t->workspaces, "go", (json_int_t)t->go,
                            "nogo", (json_int_t)t->nogo, "regressions", (json_int_t)t->regressions,
                            "missing", (json_int_t)t->missing)) != 0;
    if (bad) {
        json_decref(log);
        return TFA_ENOMEM;
    }
    return tfa_report_dump_json(out, log);
}

/* ---- GitHub workflow commands ----------------------------------------------------- */

typedef struct github_state {
    tfa_buf *out;
    const tfa_checklist *cl;
    tfa_buf title;
} github_state;

static int github_finding(finding *f, void *payload)
{
    github_state *s = payload;

    tfa_buf_clear(&s->title);
    tfa_buf_printf(&s->title, "tfaudit audit %s: %s%s", f->ws->name, f->rule,
                   f->baseline && strcmp(f->baseline, "new") == 0 ? " (new)" : "");
    if (tfa_buf_status(&s->title))
        return TFA_ENOMEM;
    return tfa_github_command(s->out, tfa_ci_github_command(f->level), checklist_path(s->cl),
                              f->line, s->title.ptr, f->message.ptr);
}

int tfa_audit_report_github(tfa_buf *out, const tfa_audit_result *r, const tfa_checklist *cl)
{
    const tfa_audit_totals *t = &r->totals;
    github_state s = {out, cl, {0}};
    tfa_buf msg;
    int rc;

    tfa_buf_init(&s.title, TFA_BUF_NO_MAX);
    tfa_buf_init(&msg, TFA_BUF_NO_MAX);
    rc = walk(r, cl, github_finding, &s);
    tfa_buf_printf(&msg,
                   "audit %s: %zu workspaces, %zu GO, %zu NO-GO, %zu missing; %zu regression%s "
                   "(%zu new failures, %zu new drift), %zu resolved, %zu recurring",
                   r->id, t->workspaces, t->go, t->nogo, t->missing, t->regressions,
                   t->regressions == 1 ? "" : "s", t->new_failures, t->new_drift, t->resolved,
                   t->recurring);
    if (rc == 0 && tfa_buf_status(&msg) == 0)
        rc = tfa_github_command(out, t->regressions ? "error" : "notice", NULL, 0,
                                t->regressions ? "tfaudit audit: regressions"
                                               : "tfaudit audit: no regression",
                                msg.ptr);
    else if (rc == 0)
        rc = TFA_ENOMEM;
    tfa_buf_release(&msg);
    tfa_buf_release(&s.title);
    return rc;
}

/* ---- Code Quality ----------------------------------------------------------------- */

typedef struct cq_state {
    json_t *issues;
    const tfa_checklist *cl;
} cq_state;

static int cq_finding(finding *f, void *payload)
{
    cq_state *s = payload;
    const char *path = checklist_path(s->cl);
    json_t *issue = tfa_codequality_issue(f->message.ptr, f->rule, f->fingerprint, f->level,
                                          path ? path : "tfaudit", f->line);
    return !issue || json_array_append_new(s->issues, issue) != 0 ? TFA_ENOMEM : 0;
}

int tfa_audit_report_codequality(tfa_buf *out, const tfa_audit_result *r, const tfa_checklist *cl)
{
    cq_state s = {json_array(), cl};

    if (!s.issues || walk(r, cl, cq_finding, &s) != 0) {
        json_decref(s.issues);
        return TFA_ENOMEM;
    }
    return tfa_report_dump_json(out, s.issues);
}
