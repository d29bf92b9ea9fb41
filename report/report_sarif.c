/*
 * report_sarif.c - the verdict as SARIF 2.1.0 (`--format sarif`), for
 * GitHub code scanning and any SARIF viewer (see report_ci.h for the
 * shared shape).
 *
 * A rule per evaluated item. A result per item that is not PASS (FAIL,
 * ERROR, PENDING; WAIVED ones carry an accepted external suppression with
 * the waiver's reason), located at the item's line in the checklist, and a
 * result per offending address of a failing item's queries (the address as
 * a logical location, the checklist line as the physical one, since the
 * address has no line in any file). The inputs are the run's artifacts
 * (with their SHA-256) and every result's related locations. The verdict
 * itself is in the run's properties.
 *
 * Fingerprints hash the checklist path, the item id, and the address for
 * address results: stable across runs, so a platform tracks a finding
 * until it is fixed, and never the same for two findings.
 */
#include "util/compat.h"

#include "report_ci.h"
#include "report_int.h"
#include "util/jbuild.h"

typedef struct sarif_ctx {
    const tfa_verdict *v;
    json_t *run;
    json_t *related; /* the inputs as locations, copied into each result */
    int bad;
} sarif_ctx;

static void artifacts(sarif_ctx *c)
{
    json_t *arts = json_object_get(c->run, "artifacts");
    size_t i;

    c->related = json_array();
    for (i = 0; i < c->v->n_inputs; i++) {
        const tfa_verdict_input *in = &c->v->inputs[i];
        json_t *a = json_object(), *hashes = json_object(), *loc = tfa_sarif_location(in->path, 0),
               *rel = json_deep_copy(loc);
        if (!a || !hashes || !loc || !rel) {
            json_decref(a), json_decref(hashes), json_decref(loc), json_decref(rel);
            c->bad = 1;
            return;
        }
        tfa_jbuild_set(a, "location",
                       json_deep_copy(json_object_get(json_object_get(loc, "physicalLocation"),
                                                      "artifactLocation")),
                       &c->bad);
        tfa_jbuild_set(a, "length", json_integer((json_int_t)in->bytes), &c->bad);
        tfa_jbuild_set(hashes, "sha-256", json_string(in->sha256), &c->bad);
        tfa_jbuild_set(a, "hashes", hashes, &c->bad);
        tfa_jbuild_set(rel, "id", json_integer((json_int_t)i), &c->bad);
        tfa_jbuild_set(rel, "message", json_pack("{s:s}", "text", in->kind ? in->kind : "input"),
                       &c->bad);
        tfa_jbuild_append(arts, a, &c->bad);
        tfa_jbuild_append(c->related, rel, &c->bad);
        json_decref(loc);
    }
}

static void add_related(sarif_ctx *c, json_t *result)
{
    if (result && json_array_size(c->related))
        tfa_jbuild_set(result, "relatedLocations", json_deep_copy(c->related), &c->bad);
}

static void suppress(sarif_ctx *c, json_t *result, const tfa_result *r)
{
    json_t *s;
    tfa_buf why;

    if (!result || r->status != TFA_ITEM_WAIVED || !r->waiver)
        return;
    tfa_buf_init(&why, TFA_BUF_NO_MAX);
    tfa_ev_note(&why, r);
    s = json_pack("[{s:s, s:s, s:o}]", "kind", "external", "status", "accepted", "justification",
                  tfa_ci_str(why.ptr));
    tfa_jbuild_set(result, "suppressions", s, &c->bad);
    tfa_buf_release(&why);
}

static void item_results(sarif_ctx *c, const tfa_result *r, size_t rule)
{
    char addr[TFA_ERROR_MESSAGE_MAX];
    const char *cl = tfa_checklist_name(c->v->checklist);
    const char *parts[3] = {cl, r->item->id, NULL};
    char fp[TFA_SHA256_HEX];
    json_t *res;
    tfa_buf m;
    size_t i, j;

    tfa_buf_init(&m, TFA_BUF_NO_MAX);
    tfa_ci_item_message(&m, r, 0);
    tfa_ci_fingerprint(parts, 2, fp);
    res = tfa_sarif_result(r->item->id, rule, r->item->level, m.ptr,
                           tfa_sarif_location(cl, r->item->line), fp);
    suppress(c, res, r);
    add_related(c, res);
    c->bad |= tfa_buf_status(&m) != 0 || tfa_sarif_push(c->run, res) != 0;
    if (r->status != TFA_ITEM_FAIL && r->status != TFA_ITEM_WAIVED) {
        tfa_buf_release(&m);
        return;
    }
    for (i = 0; i < r->evidence.n_queries; i++) {
        const tfa_query_read *q = &r->evidence.queries[i];
        for (j = 0; j < q->n_labels; j++) {
            const char *address = tfa_ci_address(q->labels[j], addr, sizeof(addr));
            json_t *loc = tfa_sarif_location(cl, r->item->line);
            tfa_buf_clear(&m);
            tfa_buf_printf(&m, "%s: %s `%s` (item `%s`: %s)", address,
                           q->listed_match ? "matched by" : "does not satisfy", q->query,
                           r->item->id, r->item->title);
            parts[2] = address;
            tfa_ci_fingerprint(parts, 3, fp);
            if (loc)
                tfa_jbuild_set(loc, "logicalLocations",
                               json_pack("[{s:o, s:s}]", "fullyQualifiedName", tfa_ci_str(address),
                                         "kind", "resource"),
                               &c->bad);
            res = tfa_sarif_result(r->item->id, rule, r->item->level, m.ptr, loc, fp);
            suppress(c, res, r);
            add_related(c, res);
            c->bad |= tfa_buf_status(&m) != 0 || tfa_sarif_push(c->run, res) != 0;
        }
    }
    tfa_buf_release(&m);
}

static json_t *verdict_props(const tfa_verdict *v)
{
    json_t *blocking = json_array();
    size_t i;

    for (i = 0; blocking && i < v->n_results; i++)
        if (v->results[i].blocks)
            json_array_append_new(blocking, tfa_ci_str(v->results[i].item->id));
    return json_pack("{s:{s:s, s:o, s:I, s:o, s:o}}", "tfaudit", "verdict", v->go ? "GO" : "NO-GO",
                     "checklist", tfa_ci_str(tfa_checklist_name(v->checklist)), "blocking_count",
                     (json_int_t)v->blocking, "blocking", blocking ? blocking : json_null(),
                     "section", v->section ? tfa_ci_str(v->section) : json_null());
}

int tfa_report_sarif(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts)
{
    sarif_ctx c;
    json_t *log;
    char id[64];
    size_t i, rule;

    memset(&c, 0, sizeof(c));
    c.v = v;
    if (!(log = tfa_sarif_log_new(&c.run)))
        return TFA_ENOMEM;
    artifacts(&c);
    /* "tfaudit/check/": GitHub's analysis category is the part before the
     * last slash, so check, gate and audit results do not replace each other */
    snprintf(id, sizeof(id), "tfaudit/%s/", opts && opts->command ? opts->command : "check");
    tfa_jbuild_set(c.run, "automationDetails", json_pack("{s:s}", "id", id), &c.bad);
    tfa_jbuild_set(c.run, "invocations", json_pack("[{s:b}]", "executionSuccessful", 1), &c.bad);
    tfa_jbuild_set(c.run, "properties", verdict_props(v), &c.bad);
    for (i = 0; !c.bad && i < v->n_results; i++) {
        const tfa_result *r = &v->results[i];
        const tfa_item *it = r->item;
        if (tfa_sarif_add_rule(c.run, it->id, it->title, it->manual ? NULL : it->expr_text,
                               it->level, it->section, &rule) != 0) {
            c.bad = 1;
            break;
        }
        if (r->status != TFA_ITEM_PASS)
            item_results(&c, r, rule);
    }
    json_decref(c.related);
    if (c.bad) {
        json_decref(log);
        return TFA_ENOMEM;
    }
    return tfa_report_dump_json(out, log);
}
