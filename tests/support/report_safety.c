/*
 * report_safety.c - every report writer against the output-safety
 * invariants (see report_safety.h).
 */
#include "util/compat.h"

#include <jansson.h>

#include "audit_report.h"
#include "record_render.h"
#include "report.h"
#include "report_safety.h"
#include "util/alloc.h"
#include "util/escape.h"

/* Longest piece of the hostile string used: long enough for any escape
 * sequence, short enough that the Markdown budget never cuts a section. */
#define HOSTILE_MAX 96

static const char checklist_text[] =
    "# Safety\n\n## Window\n\n"
    "- [ ] `a-fail` Nothing destroyed: `none(changes where action == \"delete\")`\n"
    "- [ ] `b-soft` Nothing changes: `count(changes) == 0` (soft)\n"
    "- [ ] `c-manual` Sign-off: manual\n"
    "- [ ] `d-pending` Second sign-off: manual\n"
    "- [ ] `e-error` Apply clean: `apply.errors == 0`\n";

/* Everything one run of the writers reads, built around one string `h`. */
typedef struct world {
    tfa_checklist *cl;
    const char *h;
    const char *labels[3];
    const char *details[1];
    tfa_fact_read facts[2];
    tfa_query_read queries[2];
    tfa_waiver waivers[2];
    tfa_signoff signoff;
    tfa_result results[5];
    tfa_waiver_result wres[2];
    tfa_verdict_input input;
    tfa_verdict v;
    tfa_audit_item items[3];
    tfa_audit_drift drift[2];
    char *resolved[1];
    tfa_audit_accepted accepted[1];
    tfa_audit_ws ws[3];
    tfa_audit_kd_note kd[2];
    tfa_audit_summary hist[2];
    tfa_audit_result audit;
    tfa_ledger_record rec;
} world;

static void build_verdict(world *w)
{
    const char *h = w->h;
    size_t i;

    for (i = 0; i < 3; i++)
        w->labels[i] = h;
    w->details[0] = h;
    w->facts[0] = (tfa_fact_read){.name = "plan.terraform_version",
                                  .present = 1,
                                  .value = tfa_value_str(h),
                                  .details = w->details,
                                  .n_details = 1};
    w->facts[1] = (tfa_fact_read){.name = "apply.errors", .present = 0, .why = h};
    w->queries[0] = (tfa_query_read){.query = "none(changes where action == \"delete\")",
                                     .collection = "changes",
                                     .total = 5,
                                     .listed = 4,
                                     .listed_match = 1,
                                     .labels = w->labels,
                                     .n_labels = 3,
                                     .result = tfa_value_bool(0)};
    w->queries[1] = (tfa_query_read){.query = "count(changes) == 0",
                                     .collection = "changes",
                                     .total = 5,
                                     .listed = 1,
                                     .listed_match = 1,
                                     .labels = w->labels,
                                     .n_labels = 1,
                                     .result = tfa_value_num(1)};
    w->waivers[0] = (tfa_waiver){.item = "b-soft",
                                 .owner = h,
                                 .reason = h,
                                 .expires = "2099-12-31",
                                 .source = h,
                                 .line = 3,
                                 .column = 3};
    w->waivers[1] = (tfa_waiver){.item = "b-soft",
                                 .owner = h,
                                 .reason = h,
                                 .expires = "2020-01-01",
                                 .source = h,
                                 .line = 4,
                                 .column = 3};
    w->signoff = (tfa_signoff){.item = "c-manual", .name = h, .note = h};
    w->results[0] = (tfa_result){.item = tfa_checklist_item(w->cl, 0),
                                 .status = TFA_ITEM_FAIL,
                                 .blocks = 1,
                                 .reason = h,
                                 .evidence = {w->facts, 1, w->queries, 1}};
    w->results[1] = (tfa_result){.item = tfa_checklist_item(w->cl, 1),
                                 .status = TFA_ITEM_WAIVED,
                                 .reason = h,
                                 .evidence = {NULL, 0, w->queries + 1, 1},
                                 .waiver = &w->waivers[0]};
    w->results[2] = (tfa_result){
        .item = tfa_checklist_item(w->cl, 2), .status = TFA_ITEM_PASS, .signoff = &w->signoff};
    w->results[3] = (tfa_result){.item = tfa_checklist_item(w->cl, 3),
                                 .status = TFA_ITEM_PENDING,
                                 .blocks = 1,
                                 .reason = "awaiting sign-off"};
    w->results[4] = (tfa_result){.item = tfa_checklist_item(w->cl, 4),
                                 .status = TFA_ITEM_ERROR,
                                 .blocks = 1,
                                 .reason = h,
                                 .evidence = {w->facts + 1, 1, NULL, 0}};
    w->wres[0] = (tfa_waiver_result){&w->waivers[0], TFA_WAIVER_APPLIED};
    w->wres[1] = (tfa_waiver_result){&w->waivers[1], TFA_WAIVER_EXPIRED};
    w->input = (tfa_verdict_input){
        .path = h, .kind = "plan", .tool = h, .tool_version = h, .format_version = h, .bytes = 10};
    memset(w->input.sha256, 'a', TFA_SHA256_HEX - 1);
    w->v = (tfa_verdict){.go = 0,
                         .checklist = w->cl,
                         .now = 1700000000,
                         .results = w->results,
                         .n_results = 5,
                         .blocking = 3,
                         .waivers = w->wres,
                         .n_waivers = 2,
                         .inputs = &w->input,
                         .n_inputs = 1};
    w->v.counts[TFA_ITEM_PASS] = w->v.counts[TFA_ITEM_FAIL] = w->v.counts[TFA_ITEM_WAIVED] = 1;
    w->v.counts[TFA_ITEM_PENDING] = w->v.counts[TFA_ITEM_ERROR] = 1;
}

static void build_audit(world *w)
{
    char *h = (char *)(uintptr_t)w->h; /* the writers only read it */
    tfa_audit_result *r = &w->audit;

    w->items[0] = (tfa_audit_item){.id = h,
                                   .title = h,
                                   .level = "hard",
                                   .status = TFA_ITEM_FAIL,
                                   .blocks = 1,
                                   .reason = h,
                                   .delta = TFA_DELTA_NEW,
                                   .streak = 1};
    w->items[1] = (tfa_audit_item){.id = h,
                                   .title = h,
                                   .level = h,
                                   .status = TFA_ITEM_FAIL,
                                   .blocks = 1,
                                   .reason = h,
                                   .delta = TFA_DELTA_RECURRING,
                                   .streak = 3};
    w->items[2] = (tfa_audit_item){.id = h,
                                   .title = h,
                                   .level = "soft",
                                   .status = TFA_ITEM_WAIVED,
                                   .delta = TFA_DELTA_RESOLVED};
    w->drift[0] = (tfa_audit_drift){.address = h, .first_seen = h, .is_new = 1, .streak = 1};
    w->drift[1] = (tfa_audit_drift){.address = h, .first_seen = h, .is_new = 0, .streak = 2};
    w->resolved[0] = h;
    w->accepted[0] = (tfa_audit_accepted){h, h, h, h, h};
    w->ws[0] = (tfa_audit_ws){.name = h,
                              .state = TFA_AUDIT_AUDITED,
                              .change = TFA_AUDIT_PRESENT,
                              .n_inputs = 1,
                              .items = w->items,
                              .n_items = 3,
                              .drift = w->drift,
                              .n_drift = 2,
                              .resolved_drift = w->resolved,
                              .n_resolved_drift = 1,
                              .accepted = w->accepted,
                              .n_accepted = 1,
                              .regressions = 2,
                              .failing = 2,
                              .ledger_id = 1,
                              .last_seen = h};
    w->ws[1] = (tfa_audit_ws){.name = h,
                              .state = TFA_AUDIT_MISSING,
                              .change = TFA_AUDIT_STILL_MISSING,
                              .missing_streak = 2,
                              .regressions = 1,
                              .last_seen = h};
    w->ws[2] = (tfa_audit_ws){.name = h,
                              .state = TFA_AUDIT_UNREADABLE,
                              .change = TFA_AUDIT_PRESENT,
                              .error = h,
                              .regressions = 1};
    w->kd[0] = (tfa_audit_kd_note){h, h, h, h, 1, 2};
    w->kd[1] = (tfa_audit_kd_note){h, h, h, h, 0, 0};
    w->hist[0] = (tfa_audit_summary){.id = h,
                                     .time = 1699900000,
                                     .workspaces = 3,
                                     .go = 1,
                                     .nogo = 2,
                                     .missing = 1,
                                     .drift = 1,
                                     .failing = 1,
                                     .regressions = 1,
                                     .longest_streak = 2,
                                     .longest_streak_item = h};
    w->hist[1] = w->hist[0];
    w->hist[1].time = 1700000000;
    memset(r, 0, sizeof(*r));
    snprintf(r->id, sizeof(r->id), "audit-20231114T221320Z-0123abcd");
    r->time = 1700000000;
    r->previous = h;
    r->previous_time = 1699900000;
    r->ws = w->ws;
    r->n_ws = 3;
    r->kd_notes = w->kd;
    r->n_kd_notes = 2;
    r->totals = (tfa_audit_totals){.workspaces = 3,
                                   .nogo = 3,
                                   .audited = 1,
                                   .missing = 1,
                                   .errors = 1,
                                   .regressions = 4,
                                   .new_failures = 1,
                                   .recurring = 1,
                                   .resolved = 1,
                                   .new_drift = 1,
                                   .persisting_drift = 1,
                                   .resolved_drift = 1,
                                   .accepted = 1};
    r->first_record = 1;
    r->last_record = 3;
    r->history = w->hist;
    r->n_history = 2;
}

/* A ledger record is stored JSON: its strings are valid UTF-8 (`clean`). */
static int build_record(world *w, const char *clean)
{
    char *h = (char *)(uintptr_t)clean;
    memset(&w->rec, 0, sizeof(w->rec));
    w->rec.id = 7;
    w->rec.time = 1700000000;
    w->rec.workspace = w->rec.window = w->rec.operator_name = w->rec.tool_version = h;
    w->rec.verdict = (char *)(uintptr_t) "NO-GO";
    memset(w->rec.hash, 'b', TFA_LEDGER_HASH_HEX - 1);
    memset(w->rec.prev_hash, '0', TFA_LEDGER_HASH_HEX - 1);
    w->rec.record = tfa_verdict_to_json(&w->v);
    return w->rec.record ? 0 : -1;
}

/* ---- the outputs ---------------------------------------------------------------- */

typedef enum kind { TEXT, MARKDOWN, XML, JSON } kind;

typedef struct output {
    const char *name;
    kind kind;
    tfa_buf buf;
} output;

enum { N_OUTPUTS = 18 };

static int put_chunk(const char *data, size_t len, void *payload)
{
    return tfa_buf_put(payload, data, len) ? -1 : 0;
}

static void write_all(world *w, output out[N_OUTPUTS])
{
    static const struct {
        const char *name;
        kind kind;
    } names[N_OUTPUTS] = {
        {"check text", TEXT},
        {"check markdown", MARKDOWN},
        {"check junit", XML},
        {"check json", JSON},
        {"checklist fill", MARKDOWN},
        {"audit text", TEXT},
        {"audit markdown", MARKDOWN},
        {"audit junit", XML},
        {"audit html", XML},
        {"audit json", JSON},
        {"trend text", TEXT},
        {"trend html", XML},
        {"trend json", JSON},
        {"ledger show text", TEXT},
        {"ledger show markdown", MARKDOWN},
        {"ledger show json", JSON},
        {"regression line", TEXT},
        {"known drift md line", MARKDOWN},
    };
    tfa_report_options ro = TFA_REPORT_OPTIONS_INIT;
    tfa_audit_regression g = {&w->ws[0], &w->items[0], NULL};
    tfa_error err;
    json_t *j;
    char sha[TFA_SHA256_HEX];
    size_t i;

    tfa_error_init(&err);
    for (i = 0; i < N_OUTPUTS; i++) {
        out[i].name = names[i].name;
        out[i].kind = names[i].kind;
    }
    tfa_report_write(&out[0].buf, &w->v, TFA_REPORT_TEXT, &ro);
    tfa_report_write(&out[1].buf, &w->v, TFA_REPORT_MARKDOWN, &ro);
    tfa_report_write(&out[2].buf, &w->v, TFA_REPORT_JUNIT, &ro);
    tfa_report_write(&out[3].buf, &w->v, TFA_REPORT_JSON, &ro);
    tfa_report_fill(&out[4].buf, &w->v);
    tfa_audit_report_text(&out[5].buf, &w->audit);
    tfa_audit_report_markdown(&out[6].buf, &w->audit, "c0ffee", 0);
    tfa_audit_report_junit(&out[7].buf, &w->audit);
    tfa_audit_report_html(&out[8].buf, &w->audit, "c0ffee");
    if (tfa_audit_report_json_text(&out[9].buf, &w->audit, sha) != 0)
        out[9].buf.failed = TFA_ENOMEM;
    tfa_audit_trend_text(&out[10].buf, w->hist, 2, w->h);
    tfa_audit_trend_html(&out[11].buf, w->hist, 2, w->h);
    j = tfa_audit_trend_json(w->hist, 2, w->h);
    if (!j || json_dump_callback(j, put_chunk, &out[12].buf, JSON_INDENT(2)) != 0)
        out[12].buf.failed = TFA_ENOMEM;
    json_decref(j);
    tfa_record_render(&out[13].buf, &w->rec, TFA_RECORD_TEXT, &err);
    tfa_record_render(&out[14].buf, &w->rec, TFA_RECORD_MARKDOWN, &err);
    tfa_record_render(&out[15].buf, &w->rec, TFA_RECORD_JSON, &err);
    tfa_audit_regression_text(&g, &tfa_audit_style_text, &out[16].buf);
    tfa_buf_puts(&out[17].buf, "- "); /* as audit_report_md.c writes it: a list item */
    tfa_audit_regression_text(&g, &tfa_audit_style_md, &out[17].buf);
}

static void init_all(output out[N_OUTPUTS])
{
    size_t i;
    for (i = 0; i < N_OUTPUTS; i++)
        tfa_buf_init(&out[i].buf, TFA_BUF_NO_MAX);
}

static void release_all(output out[N_OUTPUTS])
{
    size_t i;
    for (i = 0; i < N_OUTPUTS; i++)
        tfa_buf_release(&out[i].buf);
}

/* ---- the invariants ------------------------------------------------------------- */

static int fail(char *why, const output *o, const char *what, size_t at)
{
    snprintf(why, TFA_SAFETY_WHY_MAX, "%s: %s (at byte %zu)", o->name, what, at);
    return -1;
}

/* Code points no writer may pass through raw (escape.c's invisible()). */
static int invisible(unsigned long cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff ||
           cp == 0xfffe || cp == 0xffff;
}

/* Valid UTF-8 with no control character but `\n` (and `\t`, `\r` where
 * `xml` allows them), no DEL and no invisible code point. */
static int check_chars(const output *o, int xml, char *why)
{
    const unsigned char *p = (const unsigned char *)o->buf.ptr;
    size_t i = 0, n;

    if (strlen(o->buf.ptr) != o->buf.len)
        return fail(why, o, "NUL byte", strlen(o->buf.ptr));
    while (i < o->buf.len) {
        unsigned c = p[i];
        if (c < 0x20 && c != '\n' && !(xml && (c == '\t' || c == '\r')))
            return fail(why, o, "raw control character", i);
        if (c == 0x7f)
            return fail(why, o, "raw DEL", i);
        if ((n = tfa_utf8_len(p + i)) == 0)
            return fail(why, o, "invalid UTF-8", i);
        if (n > 1) {
            unsigned long cp = p[i] & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
            size_t k;
            for (k = 1; k < n; k++)
                cp = (cp << 6) | (p[i + k] & 0x3f);
            if (invisible(cp))
                return fail(why, o, "raw C1 control, separator or bidi override", i);
        }
        i += n;
    }
    return 0;
}

static size_t count_char(const tfa_buf *b, char c)
{
    size_t i, n = 0;
    for (i = 0; i < b->len; i++)
        n += b->ptr[i] == c;
    return n;
}

/* Quotes inside tags: an attribute value that ended early adds some. */
static size_t tag_quotes(const tfa_buf *b)
{
    size_t i, n = 0;
    int in_tag = 0;
    for (i = 0; i < b->len; i++) {
        if (b->ptr[i] == '<')
            in_tag = 1;
        else if (b->ptr[i] == '>')
            in_tag = 0;
        else if (in_tag && b->ptr[i] == '"')
            n++;
    }
    return n;
}

static int check_entities(const output *o, char *why)
{
    static const char *const ok[] = {"&lt;",   "&gt;",     "&amp;",   "&quot;",  "&#39;",
                                     "&apos;", "&middot;", "&ndash;", "&times;", "&#10;"};
    const char *p = o->buf.ptr;
    while ((p = strchr(p, '&')) != NULL) {
        size_t k;
        for (k = 0; k < TFA_ARRAY_SIZE(ok); k++)
            if (strncmp(p, ok[k], strlen(ok[k])) == 0)
                break;
        if (k == TFA_ARRAY_SIZE(ok))
            return fail(why, o, "'&' that is not an entity", (size_t)(p - o->buf.ptr));
        p++;
    }
    return 0;
}

/* The lines of `b`, for comparing structure with the harmless world. */
static size_t lines(const tfa_buf *b)
{
    return count_char(b, '\n');
}

/* Markdown: no '<', no "](", and line i starts like line i of the harmless
 * output (fenced blocks skipped: inside them only the fence is read). */
static int check_markdown(const output *o, const output *base, char *why)
{
    const char *p = o->buf.ptr, *q = base->buf.ptr;
    int fenced = 0;

    while (*p && *q) {
        const char *pe = strchr(p, '\n'), *qe = strchr(q, '\n');
        size_t plen = pe ? (size_t)(pe - p) : strlen(p);
        if (strncmp(p, "```", 3) == 0)
            fenced = !fenced;
        else if (!fenced) {
            if (memchr(p, '<', plen))
                return fail(why, o, "raw '<' in Markdown", (size_t)(p - o->buf.ptr));
            {
                const char *l = strstr(p, "](");
                if (l && l < p + plen)
                    return fail(why, o, "\"](\" (a link) in Markdown", (size_t)(l - o->buf.ptr));
            }
            if (*p != *q)
                return fail(why, o, "a line starts differently (input started a line)",
                            (size_t)(p - o->buf.ptr));
        }
        if (!pe || !qe)
            break;
        p = pe + 1, q = qe + 1;
    }
    return check_entities(o, why);
}

static int check_one(const output *o, const output *base, char *why)
{
    json_error_t jerr;
    json_t *j;

    if (tfa_buf_status(&o->buf))
        return fail(why, o, "the writer failed", 0);
    switch (o->kind) {
    case TEXT:
        if (check_chars(o, 0, why))
            return -1;
        if (lines(&o->buf) != lines(&base->buf))
            return fail(why, o, "line count differs: input ended a line", 0);
        return 0;
    case MARKDOWN:
        if (check_chars(o, 0, why))
            return -1;
        if (lines(&o->buf) != lines(&base->buf))
            return fail(why, o, "line count differs: input ended a line", 0);
        return check_markdown(o, base, why);
    case XML:
        if (check_chars(o, 1, why))
            return -1;
        if (count_char(&o->buf, '<') != count_char(&base->buf, '<'))
            return fail(why, o, "tag count differs: input opened a tag", 0);
        if (tag_quotes(&o->buf) != tag_quotes(&base->buf))
            return fail(why, o, "quotes inside tags differ: input ended an attribute", 0);
        return check_entities(o, why);
    case JSON:
        j = json_loadb(o->buf.ptr, o->buf.len, 0, &jerr);
        if (!j)
            return fail(why, o, jerr.text, (size_t)jerr.position);
        json_decref(j);
        return 0;
    }
    return 0;
}

/* ---- the check ------------------------------------------------------------------ */

static int run_world(const char *h, const char *clean, tfa_checklist *cl, output out[N_OUTPUTS],
                     world *w)
{
    memset(w, 0, sizeof(*w));
    w->cl = cl;
    w->h = h;
    build_verdict(w);
    build_audit(w);
    if (build_record(w, clean) != 0)
        return -1;
    write_all(w, out);
    json_decref(w->rec.record);
    return 0;
}

int tfa_report_safety_check(const char *s, size_t len, char why[TFA_SAFETY_WHY_MAX])
{
    output hostile[N_OUTPUTS], base[N_OUTPUTS];
    tfa_checklist *cl = NULL;
    tfa_buf h, clean;
    world *w = NULL;
    tfa_error err;
    size_t i, n;
    int rc = -1;

    why[0] = '\0';
    init_all(base);
    init_all(hostile);
    tfa_error_init(&err);
    tfa_buf_init(&h, TFA_BUF_NO_MAX);
    tfa_buf_init(&clean, TFA_BUF_NO_MAX);
    n = strnlen(s, len);
    tfa_buf_put(&h, s, n > HOSTILE_MAX ? HOSTILE_MAX : n);
    if (h.len == 0)
        tfa_buf_putc(&h, 'x');
    tfa_esc_utf8(&clean, h.ptr);
    if (tfa_buf_status(&h) || tfa_buf_status(&clean) || !(w = tfa_calloc(1, sizeof(*w))) ||
        tfa_checklist_parse(&cl, "safety.md", checklist_text, strlen(checklist_text), &err) != 0) {
        snprintf(why, TFA_SAFETY_WHY_MAX, "setup failed: %.400s", err.message);
        goto done;
    }
    if (run_world("x", "x", cl, base, w) != 0 || run_world(h.ptr, clean.ptr, cl, hostile, w) != 0) {
        snprintf(why, TFA_SAFETY_WHY_MAX, "out of memory");
        goto done;
    }
    rc = 0;
    for (i = 0; i < N_OUTPUTS && rc == 0; i++)
        rc = check_one(&hostile[i], &base[i], why);
done:
    release_all(base);
    release_all(hostile);
    tfa_free(w);
    tfa_checklist_free(cl);
    tfa_buf_release(&h);
    tfa_buf_release(&clean);
    return rc;
}
