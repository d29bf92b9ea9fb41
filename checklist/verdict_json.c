/*
 * verdict_json.c - the verdict record (`--format json` prints it, `gate`
 * records it in the ledger). A stable contract: fields are only ever added, and a
 * breaking change bumps the schema name.
 *
 * Schema "tfaudit.verdict/1" (keys in this order):
 *
 *   schema        "tfaudit.verdict/1"
 *   tfaudit       version of the tool that decided
 *   verdict       "GO" or "NO-GO"
 *   evaluated_at  UTC time of the evaluation, "YYYY-MM-DDTHH:MM:SSZ"
 *   checklist     {path, title (null if none), sha256 (of the file's bytes),
 *                  section (the one evaluated, null for all)}
 *   summary       {items, pass, fail, waived, pending, error, blocking}
 *   blocking      ids of the items that block, in checklist order
 *   items[]       one per evaluated item, in checklist order:
 *     id, title, section (null before any heading), line (in the checklist),
 *     level       "hard" | "soft" | "advisory"
 *     kind        "check" | "manual"
 *     expression  as written; null for manual items
 *     status      "PASS" | "FAIL" | "WAIVED" | "PENDING" | "ERROR"
 *     blocks      true when the item stops a GO
 *     reason      why it is not PASS, e.g. "condition not met",
 *                 "apply.errors has no value: no apply log among the
 *                 inputs", "awaiting sign-off"; null when PASS
 *     facts[]     {name, value (null when missing), missing (the reason a
 *                 fact has no value, else null)} for every fact read
 *     queries[]   {query (as written), collection, result (number for
 *                 count, boolean otherwise), total (elements in the
 *                 collection), listed (elements counted: matching, or for
 *                 all() not matching), listed_are ("matching" |
 *                 "not matching"), elements (the first 20 listed, by
 *                 address; inputs by path; a diagnostic without an address
 *                 by summary), more (listed - elements shown)}
 *     waiver      {owner, reason, expires, source, line} when applied, else null
 *     sign_off    {name, note (null if none), signed (a token, not a typed name),
 *                  key (the token's key id, or null), token (or null)} for manual
 *                  items given a sign-off (a refused one leaves the item PENDING,
 *                  with the reason), else null
 *   waivers[]     every waiver given: {item, owner, reason, expires, source,
 *                 line, status: "applied" | "unused" | "expired" | "refused"}
 *   inputs[]      {path, kind, tool, terraform_version, format_version,
 *                 bytes, sha256} (null where the input does not say)
 *   skipped[]     {path, reason}: members --skip-unknown skipped; present
 *                 only when there are some
 *
 * Values are fact values (counts, versions, booleans, addresses, paths);
 * the run model holds no attribute values, so none can appear here.
 */
#include "util/compat.h"

#include "util/utc.h"
#include "verdict.h"
#include "util/escape.h"
#include "util/jbuild.h"

#define SCHEMA "tfaudit.verdict/1"

/* Every builder below notes a failed allocation in *bad (util/jbuild.h)
 * instead of checking each call: jansson drops a value it could not attach,
 * and an incomplete record must never pass for a complete one. */

/* A JSON string even when `s` is not valid UTF-8 (a log line can hold
 * anything): invalid bytes become U+FFFD instead of losing the record. */
json_t *tfa_verdict_json_str(const char *s)
{
    json_t *j = json_string(s);
    tfa_buf b;

    if (j || !s)
        return j;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if (tfa_esc_utf8(&b, s) == 0)
        j = json_string(b.ptr);
    tfa_buf_release(&b);
    return j;
}

static json_t *str_or_null(const char *s)
{
    return s ? tfa_verdict_json_str(s) : json_null();
}

static json_t *int_json(size_t n)
{
    return json_integer((json_int_t)n);
}

static json_t *value_json(const tfa_value *v, int *bad)
{
    json_t *a;
    size_t i;

    switch (v->type) {
    case TFA_V_BOOL:
        return json_boolean(v->b);
    case TFA_V_NUM:
        if (v->n >= -9007199254740992.0 && v->n <= 9007199254740992.0 &&
            v->n == (double)(json_int_t)v->n)
            return json_integer((json_int_t)v->n);
        return json_real(v->n);
    case TFA_V_STR:
        return tfa_verdict_json_str(v->s);
    case TFA_V_LIST:
        a = json_array();
        for (i = 0; i < v->n_items; i++) {
            tfa_value item = tfa_value_item(v, i);
            tfa_jbuild_append(a, value_json(&item, bad), bad);
        }
        return a;
    default:
        return json_null();
    }
}

json_t *tfa_verdict_json_value(const tfa_value *v)
{
    int bad = 0;
    json_t *j = value_json(v, &bad);
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static json_t *facts_json(const tfa_evidence *ev, int *bad)
{
    json_t *a = json_array(), *o;
    size_t i;
    for (i = 0; i < ev->n_facts; i++) {
        const tfa_fact_read *f = &ev->facts[i];
        o = json_object();
        tfa_jbuild_set(o, "name", tfa_verdict_json_str(f->name), bad);
        tfa_jbuild_set(o, "value", f->present ? value_json(&f->value, bad) : json_null(), bad);
        tfa_jbuild_set(o, "missing", str_or_null(f->present ? NULL : f->why), bad);
        if (f->n_details) {
            json_t *d = json_array();
            size_t j;
            for (j = 0; j < f->n_details; j++)
                tfa_jbuild_append(d, tfa_verdict_json_str(f->details[j]), bad);
            tfa_jbuild_set(o, "details", d, bad);
        }
        tfa_jbuild_append(a, o, bad);
    }
    return a;
}

static json_t *queries_json(const tfa_evidence *ev, int *bad)
{
    json_t *a = json_array(), *el, *o;
    size_t i, j;
    for (i = 0; i < ev->n_queries; i++) {
        const tfa_query_read *q = &ev->queries[i];
        el = json_array();
        for (j = 0; j < q->n_labels; j++)
            tfa_jbuild_append(el, tfa_verdict_json_str(q->labels[j]), bad);
        o = json_object();
        tfa_jbuild_set(o, "query", tfa_verdict_json_str(q->query), bad);
        tfa_jbuild_set(o, "collection", tfa_verdict_json_str(q->collection), bad);
        tfa_jbuild_set(o, "result", value_json(&q->result, bad), bad);
        tfa_jbuild_set(o, "total", int_json(q->total), bad);
        tfa_jbuild_set(o, "listed", int_json(q->listed), bad);
        tfa_jbuild_set(o, "listed_are",
                       tfa_verdict_json_str(q->listed_match ? "matching" : "not matching"), bad);
        tfa_jbuild_set(o, "elements", el, bad);
        tfa_jbuild_set(o, "more", int_json(tfa_ev_more(q)), bad);
        tfa_jbuild_append(a, o, bad);
    }
    return a;
}

static void waiver_fields(json_t *o, const tfa_waiver *w, int *bad)
{
    tfa_jbuild_set(o, "owner", tfa_verdict_json_str(w->owner), bad);
    tfa_jbuild_set(o, "reason", tfa_verdict_json_str(w->reason), bad);
    tfa_jbuild_set(o, "expires", tfa_verdict_json_str(w->expires), bad);
    tfa_jbuild_set(o, "source", tfa_verdict_json_str(w->source), bad);
    tfa_jbuild_set(o, "line", int_json(w->line), bad);
}

static json_t *item_json(const tfa_result *r, int *bad)
{
    const tfa_item *it = r->item;
    json_t *o = json_object(), *w = NULL, *so = NULL;

    tfa_jbuild_set(o, "id", tfa_verdict_json_str(it->id), bad);
    tfa_jbuild_set(o, "title", tfa_verdict_json_str(it->title), bad);
    tfa_jbuild_set(o, "section", str_or_null(it->section), bad);
    tfa_jbuild_set(o, "line", int_json(it->line), bad);
    tfa_jbuild_set(o, "level", tfa_verdict_json_str(tfa_level_name(it->level)), bad);
    tfa_jbuild_set(o, "kind", tfa_verdict_json_str(it->manual ? "manual" : "check"), bad);
    tfa_jbuild_set(o, "expression", str_or_null(it->expr_text), bad);
    tfa_jbuild_set(o, "status", tfa_verdict_json_str(tfa_item_status_name(r->status)), bad);
    tfa_jbuild_set(o, "blocks", json_boolean(r->blocks), bad);
    tfa_jbuild_set(o, "reason", str_or_null(r->status == TFA_ITEM_PASS ? NULL : r->reason), bad);
    tfa_jbuild_set(o, "facts", facts_json(&r->evidence, bad), bad);
    tfa_jbuild_set(o, "queries", queries_json(&r->evidence, bad), bad);
    if (r->waiver) {
        w = json_object();
        waiver_fields(w, r->waiver, bad);
    }
    tfa_jbuild_set(o, "waiver", w ? w : json_null(), bad);
    if (r->signoff) {
        so = json_object();
        tfa_jbuild_set(so, "name", tfa_verdict_json_str(r->signoff->name), bad);
        tfa_jbuild_set(so, "note", str_or_null(r->signoff->note), bad);
        tfa_jbuild_set(so, "signed", json_boolean(r->signoff->is_signed), bad);
        tfa_jbuild_set(so, "key", str_or_null(r->signoff->is_signed ? r->signoff->key_id : NULL),
                       bad);
        tfa_jbuild_set(so, "token", str_or_null(r->signoff->is_signed ? r->signoff->token : NULL),
                       bad);
    }
    tfa_jbuild_set(o, "sign_off", so ? so : json_null(), bad);
    return o;
}

static json_t *summary_json(const tfa_verdict *v, int *bad)
{
    static const char *const keys[TFA_ITEM_STATUS_COUNT] = {"pass", "fail", "waived", "pending",
                                                            "error"};
    json_t *o = json_object();
    int s;

    tfa_jbuild_set(o, "items", int_json(v->n_results), bad);
    for (s = 0; s < TFA_ITEM_STATUS_COUNT; s++)
        tfa_jbuild_set(o, keys[s], int_json(v->counts[s]), bad);
    tfa_jbuild_set(o, "blocking", int_json(v->blocking), bad);
    return o;
}

static json_t *checklist_json(const tfa_verdict *v, int *bad)
{
    json_t *o = json_object();
    char hex[TFA_SHA256_HEX];

    tfa_sha256_hex(tfa_checklist_sha256(v->checklist), hex);
    tfa_jbuild_set(o, "path", tfa_verdict_json_str(tfa_checklist_name(v->checklist)), bad);
    tfa_jbuild_set(o, "title", str_or_null(tfa_checklist_title(v->checklist)), bad);
    tfa_jbuild_set(o, "sha256", tfa_verdict_json_str(hex), bad);
    tfa_jbuild_set(o, "section", str_or_null(v->section), bad);
    return o;
}

static json_t *inputs_json(const tfa_verdict *v, int *bad)
{
    json_t *a = json_array(), *o;
    size_t i;
    for (i = 0; i < v->n_inputs; i++) {
        const tfa_verdict_input *in = &v->inputs[i];
        o = json_object();
        tfa_jbuild_set(o, "path", tfa_verdict_json_str(in->path), bad);
        tfa_jbuild_set(o, "kind", tfa_verdict_json_str(in->kind), bad);
        tfa_jbuild_set(o, "tool", str_or_null(in->tool), bad);
        tfa_jbuild_set(o, "terraform_version", str_or_null(in->tool_version), bad);
        tfa_jbuild_set(o, "format_version", str_or_null(in->format_version), bad);
        tfa_jbuild_set(o, "bytes", json_integer((json_int_t)in->bytes), bad);
        tfa_jbuild_set(o, "sha256", tfa_verdict_json_str(in->sha256), bad);
        tfa_jbuild_append(a, o, bad);
    }
    return a;
}

static json_t *skipped_json(const tfa_verdict *v, int *bad)
{
    json_t *a = json_array(), *o;
    size_t i;
    for (i = 0; i < v->n_skipped; i++) {
        o = json_object();
        tfa_jbuild_set(o, "path", tfa_verdict_json_str(v->skipped[i].path), bad);
        tfa_jbuild_set(o, "reason", tfa_verdict_json_str(v->skipped[i].reason), bad);
        tfa_jbuild_append(a, o, bad);
    }
    return a;
}

static json_t *waivers_json(const tfa_verdict *v, int *bad)
{
    json_t *a = json_array(), *o;
    size_t i;
    for (i = 0; i < v->n_waivers; i++) {
        o = json_object();
        tfa_jbuild_set(o, "item", tfa_verdict_json_str(v->waivers[i].waiver->item), bad);
        waiver_fields(o, v->waivers[i].waiver, bad);
        tfa_jbuild_set(o, "status", tfa_verdict_json_str(tfa_waiver_use_name(v->waivers[i].use)),
                       bad);
        tfa_jbuild_append(a, o, bad);
    }
    return a;
}

size_t tfa_ev_more(const tfa_query_read *q)
{
    return q->listed > q->n_labels ? q->listed - q->n_labels : 0;
}

json_t *tfa_verdict_to_json(const tfa_verdict *v)
{
    json_t *root = json_object(), *items = json_array(), *blocking = json_array();
    char when[TFA_UTC_ISO_SIZE];
    size_t i;
    int bad = 0;

    tfa_utc_format_iso(v->now, when);
    for (i = 0; i < v->n_results; i++) {
        tfa_jbuild_append(items, item_json(&v->results[i], &bad), &bad);
        if (v->results[i].blocks)
            tfa_jbuild_append(blocking, tfa_verdict_json_str(v->results[i].item->id), &bad);
    }
    tfa_jbuild_set(root, "schema", tfa_verdict_json_str(SCHEMA), &bad);
    tfa_jbuild_set(root, "tfaudit", tfa_verdict_json_str(TFA_VERSION), &bad);
    tfa_jbuild_set(root, "verdict", tfa_verdict_json_str(v->go ? "GO" : "NO-GO"), &bad);
    tfa_jbuild_set(root, "evaluated_at", tfa_verdict_json_str(when), &bad);
    tfa_jbuild_set(root, "checklist", checklist_json(v, &bad), &bad);
    tfa_jbuild_set(root, "summary", summary_json(v, &bad), &bad);
    tfa_jbuild_set(root, "blocking", blocking, &bad);
    tfa_jbuild_set(root, "items", items, &bad);
    tfa_jbuild_set(root, "waivers", waivers_json(v, &bad), &bad);
    tfa_jbuild_set(root, "inputs", inputs_json(v, &bad), &bad);
    if (v->n_skipped) /* only when --skip-unknown skipped a member */
        tfa_jbuild_set(root, "skipped", skipped_json(v, &bad), &bad);
    if (bad) {
        json_decref(root);
        return NULL;
    }
    return root;
}
