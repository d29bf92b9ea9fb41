/*
 * audit_report_json.c - the audit's JSON report, tfaudit.audit-report/1:
 *
 *   {"format": "tfaudit.audit-report/1",
 *    "audit_id": "audit-20261127T020000Z-1a2b3c4d", "time": "2026-11-27T02:00:00Z",
 *    "previous": {"audit_id": "...", "time": "..."} | null,
 *    "regressions": true,              any regression (exit status 1)
 *    "go": false,                      every workspace GO
 *    "totals": {"workspaces", "go", "nogo", "audited", "missing", "errors", "regressions",
 *               "new_failures", "resolved", "recurring", "new_drift", "persisting_drift",
 *               "resolved_drift", "accepted", "new_workspaces", "returned", "went_missing",
 *               "expired_entries", "stale_entries"},
 *    "workspaces": [{"name", "state": "audited|missing|unreadable", "change":
 *                    "present|new|returned|missing|still-missing", "verdict": "GO|NO-GO",
 *                    "inputs", "ledger_record", "error", "regressions", "failing",
 *                    "skipped" (members --skip-unknown skipped, "path: reason"),
 *                    "missing_streak", "last_seen",
 *                    "items": [{"id", "title", "level", "status", "blocks", "delta":
 *                               "none|new|resolved|recurring", "streak", "reason"}],
 *                    "drift": [{"address", "first_seen", "streak", "new"}],
 *                    "resolved_drift": ["address"],
 *                    "accepted": [{"address", "entry", "owner", "expires", "reason"}]}],
 *    "regression_list": ["prod-api: new drift aws_s3_bucket.logs", ...],
 *    "known_drift": [{"entry", "address", "owner", "expires", "state": "expired|stale",
 *                     "would_accept"}],
 *    "ledger": {"first_record", "last_record"},
 *    "history": [{"audit_id", "time", "workspaces", "go", "nogo", "missing", "errors",
 *                 "drift", "accepted", "failing", "regressions"}]}
 *
 * Workspaces are in name order; for missing and unreadable workspaces
 * "items" and "drift" are the last known ones (audit.h). Fields are only
 * ever added.
 */
#include "util/compat.h"

#include "audit_report.h"
#include "report_int.h"
#include "util/alloc.h"
#include "util/escape.h"

/* A string from an input or the ledger as JSON: invalid UTF-8 becomes
 * U+FFFD (util/escape.h) instead of a NULL that json_pack and
 * json_array_append_new would turn into a missing value. */
static json_t *s_or_null(const char *s)
{
    json_t *j;
    tfa_buf b;

    if (!s)
        return json_null();
    if ((j = json_string(s)) != NULL)
        return j;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if (tfa_esc_utf8(&b, s) == 0)
        j = json_string(b.ptr);
    tfa_buf_release(&b);
    return j;
}

/* Append `v` to the array `*a`, taking it in every case. When it cannot be
 * made or added, `*a` is freed and NULL, which fails the document built
 * from it (json_pack refuses a NULL "o"): a report is whole or absent,
 * never one entry short. */
static void append(json_t **a, json_t *v)
{
    if (!*a) {
        json_decref(v);
        return;
    }
    if (json_array_append_new(*a, v) != 0) {
        json_decref(*a);
        *a = NULL;
    }
}

/* Members --skip-unknown skipped: "path: reason". */
static json_t *skipped_json(const tfa_audit_ws *w)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; a && i < w->n_skipped; i++)
        append(&a, s_or_null(w->skipped[i]));
    return a;
}

static json_t *ws_json(const tfa_audit_ws *w)
{
    json_t *items = json_array(), *drift = json_array(), *resolved = json_array();
    json_t *accepted = json_array();
    size_t i;

    for (i = 0; i < w->n_items; i++) {
        const tfa_audit_item *it = &w->items[i];
        append(&items,
               json_pack("{s:o, s:o, s:o, s:s, s:b, s:s, s:I, s:o}", "id", s_or_null(it->id),
                         "title", s_or_null(it->title), "level", s_or_null(it->level), "status",
                         tfa_item_status_name(it->status), "blocks", it->blocks, "delta",
                         tfa_audit_delta_name(it->delta), "streak", (json_int_t)it->streak,
                         "reason", s_or_null(it->reason)));
    }
    for (i = 0; i < w->n_drift; i++)
        append(&drift, json_pack("{s:o, s:o, s:I, s:b}", "address", s_or_null(w->drift[i].address),
                                 "first_seen", s_or_null(w->drift[i].first_seen), "streak",
                                 (json_int_t)w->drift[i].streak, "new", w->drift[i].is_new));
    for (i = 0; i < w->n_resolved_drift; i++)
        append(&resolved, s_or_null(w->resolved_drift[i]));
    for (i = 0; i < w->n_accepted; i++) {
        const tfa_audit_accepted *x = &w->accepted[i];
        append(&accepted,
               json_pack("{s:o, s:o, s:o, s:o, s:o}", "address", s_or_null(x->address), "entry",
                         s_or_null(x->entry), "owner", s_or_null(x->owner), "expires",
                         s_or_null(x->expires), "reason", s_or_null(x->reason)));
    }
    return json_pack("{s:o, s:s, s:s, s:s, s:I, s:I, s:o, s:I, s:I, s:I, s:o, s:o, s:o, s:o, "
                     "s:o, s:o}",
                     "name", s_or_null(w->name), "state", tfa_audit_state_name(w->state), "change",
                     tfa_audit_change_name(w->change), "verdict",
                     w->state == TFA_AUDIT_AUDITED && w->go ? "GO" : "NO-GO", "inputs",
                     (json_int_t)w->n_inputs, "ledger_record", (json_int_t)w->ledger_id, "error",
                     s_or_null(w->error), "regressions", (json_int_t)w->regressions, "failing",
                     (json_int_t)w->failing, "missing_streak", (json_int_t)w->missing_streak,
                     "last_seen", s_or_null(w->last_seen), "items", items, "drift", drift,
                     "resolved_drift", resolved, "accepted", accepted, "skipped", skipped_json(w));
}

static json_t *totals_json(const tfa_audit_totals *t)
{
    json_t *o = json_object();
    int bad = 0;
#define T(f) bad |= json_object_set_new(o, #f, json_integer((json_int_t)t->f)) != 0
    T(workspaces), T(go), T(nogo), T(audited), T(missing), T(errors), T(regressions);
    T(new_failures), T(resolved), T(recurring), T(new_drift), T(persisting_drift);
    T(resolved_drift), T(accepted), T(new_workspaces), T(returned), T(went_missing);
    T(expired_entries), T(stale_entries);
#undef T
    if (bad) { /* a total missing would read as a different audit */
        json_decref(o);
        return NULL;
    }
    return o;
}

static int add_regression(const tfa_audit_regression *g, void *payload)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_audit_regression_text(g, &tfa_audit_style_text, &b);
    append(payload, s_or_null(b.ptr)); /* payload: &regs */
    tfa_buf_release(&b);
    return 0;
}

json_t *tfa_audit_report_json(const tfa_audit_result *r)
{
    json_t *ws = json_array(), *kd = json_array(), *hist = json_array(), *regs = json_array();
    json_t *prev = json_null();
    char when[32];
    size_t i;

    for (i = 0; i < r->n_ws; i++)
        append(&ws, ws_json(&r->ws[i]));
    tfa_audit_regressions(r, add_regression, &regs);
    for (i = 0; i < r->n_kd_notes; i++) {
        const tfa_audit_kd_note *x = &r->kd_notes[i];
        append(&kd,
               json_pack("{s:o, s:o, s:o, s:o, s:s, s:I}", "entry", s_or_null(x->entry), "address",
                         s_or_null(x->address), "owner", s_or_null(x->owner), "expires",
                         s_or_null(x->expires), "state", x->expired ? "expired" : "stale",
                         "would_accept", (json_int_t)x->would_accept));
    }
    for (i = 0; i < r->n_history; i++) {
        const tfa_audit_summary *h = &r->history[i];
        tfa_audit_time(h->time, when);
        append(&hist,
               json_pack("{s:o, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "audit_id",
                         s_or_null(h->id), "time", when, "workspaces", (json_int_t)h->workspaces,
                         "go", (json_int_t)h->go, "nogo", (json_int_t)h->nogo, "missing",
                         (json_int_t)h->missing, "errors", (json_int_t)h->errors, "drift",
                         (json_int_t)h->drift, "accepted", (json_int_t)h->accepted, "failing",
                         (json_int_t)h->failing, "regressions", (json_int_t)h->regressions));
    }
    if (r->previous) {
        tfa_audit_time(r->previous_time, when);
        json_decref(prev);
        prev = json_pack("{s:o, s:s}", "audit_id", s_or_null(r->previous), "time", when);
    }
    tfa_audit_time(r->time, when);
    return json_pack(
        "{s:s, s:s, s:s, s:o, s:b, s:b, s:o, s:o, s:o, s:o, s:{s:I, s:I}, s:o}", "format",
        "tfaudit.audit-report/1", "audit_id", r->id, "time", when, "previous", prev, "regressions",
        r->totals.regressions > 0, "go", r->totals.nogo == 0, "totals", totals_json(&r->totals),
        "workspaces", ws, "regression_list", regs, "known_drift", kd, "ledger", "first_record",
        (json_int_t)r->first_record, "last_record", (json_int_t)r->last_record, "history", hist);
}

int tfa_audit_report_json_text(tfa_buf *out, const tfa_audit_result *r, char sha256[TFA_SHA256_HEX])
{
    unsigned char d[TFA_SHA256_BYTES];
    size_t at = out->len;
    int rc = tfa_report_dump_json(out, tfa_audit_report_json(r));

    if (rc)
        return rc;
    tfa_sha256_digest(out->ptr + at, out->len - at, d);
    tfa_sha256_hex(d, sha256);
    return 0;
}

json_t *tfa_audit_trend_json(const tfa_audit_summary *h, size_t n, const char *workspace)
{
    json_t *a = json_array();
    char when[32];
    size_t i;
    for (i = 0; i < n; i++) {
        tfa_audit_time(h[i].time, when);
        append(&a,
               json_pack("{s:o, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:o, s:I}}",
                         "audit_id", s_or_null(h[i].id), "time", when, "workspaces",
                         (json_int_t)h[i].workspaces, "go", (json_int_t)h[i].go, "nogo",
                         (json_int_t)h[i].nogo, "missing", (json_int_t)h[i].missing, "errors",
                         (json_int_t)h[i].errors, "drift", (json_int_t)h[i].drift, "accepted",
                         (json_int_t)h[i].accepted, "failing", (json_int_t)h[i].failing,
                         "regressions", (json_int_t)h[i].regressions, "longest_streak", "item",
                         s_or_null(h[i].longest_streak_item), "audits",
                         (json_int_t)h[i].longest_streak));
    }
    return json_pack("{s:s, s:o, s:o}", "format", "tfaudit.trend/1", "workspace",
                     s_or_null(workspace), "audits", a);
}
