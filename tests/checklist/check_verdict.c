/*
 * check_verdict.c - statuses, the GO rule, sign-offs and waivers (expiry
 * with an injected clock, refusals, unknown items), sections.
 */
#include "util/compat.h"

#include "pin.h"
#include "runfix.h"
#include "util/utc.h"
#include "verdict.h"
#include "waivers.h"

static const char *const text =
    "# Apply\n"
    "## Pre\n"
    "- [ ] `h-pass` Hard pass: `plan.add == 2`\n"
    "- [ ] `h-fail` Hard fail: `plan.destroy == 0`\n"
    "- [ ] `s-fail` Soft fail: `plan.change == 0` (soft)\n"
    "- [ ] `s-pass` Soft pass: `plan.change == 1` (soft)\n"
    "- [ ] `a-fail` Advisory fail: `plan.change == 0` (advisory)\n"
    "- [ ] `err` Needs a state: `state.serial > 0`\n"
    "- [ ] `a-err` Advisory needs a state: `state.serial > 0` (advisory)\n"
    "- [ ] `m` Manual: manual\n"
    "- [ ] `m-soft` Manual soft: manual (soft)\n"
    "## Post\n"
    "- [ ] `post` Post: `apply.errors == 0`\n";

static tfa_run *run;
static tfa_checklist *cl;
static tfa_signoffs *so;

static void setup(void)
{
    tfa_error err;
    tfa_error_init(&err);
    run = rf_standard();
    ck_assert_tfa_ok(tfa_checklist_parse(&cl, "c.md", text, strlen(text), &err), &err);
    ck_assert_int_eq(tfa_signoffs_new(&so), 0);
}

static void teardown(void)
{
    tfa_signoffs_free(so);
    tfa_checklist_free(cl);
    tfa_run_free(run);
}

static int64_t day(const char *date)
{
    int64_t t = 0;
    ck_assert_int_eq(tfa_utc_parse(&t, date, NULL), 0);
    return t;
}

static tfa_verdict *evaluate(const tfa_waivers *w, const char *now, const char *section)
{
    tfa_eval_options eo = TFA_EVAL_OPTIONS_INIT;
    tfa_verdict *v = NULL;
    tfa_error err;

    tfa_error_init(&err);
    eo.waivers = w;
    eo.signoffs = so;
    eo.now = day(now);
    eo.section = section;
    ck_assert_tfa_ok(tfa_verdict_evaluate(&v, cl, run, &eo, &err), &err);
    return v;
}

static const tfa_result *result(const tfa_verdict *v, const char *id)
{
    size_t i;
    for (i = 0; i < v->n_results; i++)
        if (strcmp(v->results[i].item->id, id) == 0)
            return &v->results[i];
    ck_abort_msg("no result for '%s'", id);
    return NULL;
}

static void expect(const tfa_verdict *v, const char *id, tfa_item_status status, int blocks)
{
    const tfa_result *r = result(v, id);
    ck_assert_msg(r->status == status && r->blocks == blocks, "'%s': %s blocks=%d, want %s %d", id,
                  tfa_item_status_name(r->status), r->blocks, tfa_item_status_name(status), blocks);
}

START_TEST(verdict_gives_each_status)
{
    tfa_verdict *v = evaluate(NULL, "2025-06-01", NULL);

    expect(v, "h-pass", TFA_ITEM_PASS, 0);
    expect(v, "h-fail", TFA_ITEM_FAIL, 1);
    expect(v, "s-fail", TFA_ITEM_FAIL, 1);
    expect(v, "s-pass", TFA_ITEM_PASS, 0);
    expect(v, "a-fail", TFA_ITEM_FAIL, 0);
    expect(v, "err", TFA_ITEM_ERROR, 1);
    expect(v, "a-err", TFA_ITEM_ERROR, 0);
    expect(v, "m", TFA_ITEM_PENDING, 1);
    expect(v, "m-soft", TFA_ITEM_PENDING, 1);
    expect(v, "post", TFA_ITEM_PASS, 0);
    ck_assert_str_eq(result(v, "err")->reason,
                     "state.serial has no value: no state among the inputs");
    ck_assert_str_eq(result(v, "h-fail")->reason, "condition not met");
    ck_assert_str_eq(result(v, "m")->reason, "awaiting sign-off");
    ck_assert_ptr_null(result(v, "h-pass")->reason);
    ck_assert_int_eq(v->go, 0);
    ck_assert_uint_eq(v->n_results, 10);
    ck_assert_uint_eq(v->blocking, 5);
    ck_assert_uint_eq(v->counts[TFA_ITEM_PASS], 3);
    ck_assert_uint_eq(v->counts[TFA_ITEM_FAIL], 3);
    ck_assert_uint_eq(v->counts[TFA_ITEM_ERROR], 2);
    ck_assert_uint_eq(v->counts[TFA_ITEM_PENDING], 2);
    ck_assert_uint_eq(v->counts[TFA_ITEM_WAIVED], 0);
    ck_assert_uint_eq(v->n_inputs, 2);
    ck_assert_str_eq(v->inputs[1].path, "apply.json");
    ck_assert_str_eq(v->inputs[1].kind, "ui-log");
    tfa_verdict_free(v);
}
END_TEST

START_TEST(verdict_is_go_when_nothing_blocks)
{
    static const char *const ok = "- [ ] `a` A: `plan.add == 2`\n"
                                  "- [ ] `b` B: `plan.destroy == 0` (advisory)\n"
                                  "- [ ] `c` C: `state.serial > 0` (advisory)\n"
                                  "- [ ] `m` M: manual\n";
    tfa_checklist *other = NULL;
    tfa_error err;
    tfa_verdict *v;

    tfa_error_init(&err);
    tfa_checklist_free(cl);
    cl = NULL;
    ck_assert_tfa_ok(tfa_checklist_parse(&other, "ok.md", ok, strlen(ok), &err), &err);
    cl = other;
    v = evaluate(NULL, "2025-06-01", NULL);
    ck_assert_int_eq(v->go, 0);
    tfa_verdict_free(v);
    ck_assert_tfa_ok(tfa_signoffs_add(so, cl, "m=Dana Reyes", &err), &err);
    v = evaluate(NULL, "2025-06-01", NULL);
    ck_assert_int_eq(v->go, 1);
    ck_assert_uint_eq(v->blocking, 0);
    expect(v, "b", TFA_ITEM_FAIL, 0);
    expect(v, "c", TFA_ITEM_ERROR, 0);
    expect(v, "m", TFA_ITEM_PASS, 0);
    tfa_verdict_free(v);
}
END_TEST

START_TEST(signoff_passes_manual_items_with_the_signer)
{
    tfa_error err;
    tfa_verdict *v;
    const tfa_result *r;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_signoffs_add(so, cl, " m = Dana Reyes : CHG-1042 approved ", &err), &err);
    ck_assert_tfa_ok(tfa_signoffs_add(so, cl, "m-soft=Lee", &err), &err);
    v = evaluate(NULL, "2025-06-01", NULL);
    r = result(v, "m");
    ck_assert_int_eq(r->status, TFA_ITEM_PASS);
    ck_assert_str_eq(r->signoff->name, "Dana Reyes");
    ck_assert_str_eq(r->signoff->note, "CHG-1042 approved");
    r = result(v, "m-soft");
    ck_assert_int_eq(r->status, TFA_ITEM_PASS);
    ck_assert_ptr_null(r->signoff->note);
    tfa_verdict_free(v);
}
END_TEST

typedef struct bad_signoff {
    const char *arg, *message;
} bad_signoff;

static const bad_signoff bad_signoffs[] = {
    {"leadership", "invalid sign-off 'leadership' (expected ID=NAME[:note])"},
    {"m=", "invalid sign-off 'm=' (expected ID=NAME[:note])"},
    {"=Dana", "invalid sign-off '=Dana' (expected ID=NAME[:note])"},
    {"mm=Dana", "sign-off for unknown item 'mm' (did you mean 'm'?)"},
    {"nothing-like-it=Dana", "sign-off for unknown item 'nothing-like-it'"},
    {"h-pass=Dana", "item 'h-pass' is checked, not manual: only manual items take a sign-off"},
};

START_TEST(signoff_rejects_bad_arguments)
{
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_signoffs_add(so, cl, bad_signoffs[_i].arg, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, bad_signoffs[_i].message);
}
END_TEST

START_TEST(signoff_rejects_signing_twice)
{
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_signoffs_add(so, cl, "m=Dana", &err), &err);
    ck_assert_int_eq(tfa_signoffs_add(so, cl, "m=Lee", &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, "item 'm' is signed off twice");
}
END_TEST

static const char *const waivers_md =
    "# Waivers for the 2025-06 window\n"
    "\n"
    "| Item | Owner | Expires | Reason |\n"
    "|------|-------|---------|--------|\n"
    "| `s-fail` | alice | 2025-06-30 | dashboards move with their folder |\n"
    "| m-soft | bob | 2025-06-30 | change manager on leave |\n"
    "| s-pass | carol | 2025-06-30 | not needed |\n"
    "| h-fail | dave | 2025-06-30 | please |\n"
    "| a-fail | erin | 2025-05-31 | expired last month |\n"
    "\n"
    "Prose after the table is ignored.\n";

static tfa_waivers *load_waivers(const char *name, const char *t)
{
    tfa_waivers *w = NULL;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_waivers_parse(&w, name, t, strlen(t), &err), &err);
    ck_assert_tfa_ok(tfa_waivers_check(w, cl, &err), &err);
    return w;
}

static tfa_waiver_use use_of(const tfa_verdict *v, const char *item)
{
    size_t i;
    for (i = 0; i < v->n_waivers; i++)
        if (strcmp(v->waivers[i].waiver->item, item) == 0)
            return v->waivers[i].use;
    ck_abort_msg("no waiver for '%s'", item);
    return TFA_WAIVER_UNUSED;
}

START_TEST(waivers_apply_until_expiry_inclusive)
{
    tfa_waivers *w = load_waivers("w.md", waivers_md);
    tfa_verdict *v = evaluate(w, "2025-06-30T23:59:59Z", NULL);
    const tfa_result *r = result(v, "s-fail");

    ck_assert_uint_eq(tfa_waivers_count(w), 5);
    ck_assert_int_eq(r->status, TFA_ITEM_WAIVED);
    ck_assert_int_eq(r->blocks, 0);
    ck_assert_str_eq(r->waiver->owner, "alice");
    ck_assert_str_eq(r->waiver->reason, "dashboards move with their folder");
    ck_assert_str_eq(r->waiver->expires, "2025-06-30");
    ck_assert_uint_eq(r->waiver->line, 5);
    expect(v, "m-soft", TFA_ITEM_WAIVED, 0);
    expect(v, "h-fail", TFA_ITEM_FAIL, 1);
    expect(v, "a-fail", TFA_ITEM_FAIL, 0);
    expect(v, "s-pass", TFA_ITEM_PASS, 0);
    ck_assert_int_eq(use_of(v, "s-fail"), TFA_WAIVER_APPLIED);
    ck_assert_int_eq(use_of(v, "m-soft"), TFA_WAIVER_APPLIED);
    ck_assert_int_eq(use_of(v, "s-pass"), TFA_WAIVER_UNUSED);
    ck_assert_int_eq(use_of(v, "h-fail"), TFA_WAIVER_REFUSED);
    ck_assert_int_eq(use_of(v, "a-fail"), TFA_WAIVER_EXPIRED);
    ck_assert_uint_eq(v->counts[TFA_ITEM_WAIVED], 2);
    tfa_verdict_free(v);
    tfa_waivers_free(w);
}
END_TEST

START_TEST(waivers_expire_the_day_after)
{
    tfa_waivers *w = load_waivers("w.md", waivers_md);
    tfa_verdict *v = evaluate(w, "2025-07-01T00:00:00Z", NULL);

    expect(v, "s-fail", TFA_ITEM_FAIL, 1);
    expect(v, "m-soft", TFA_ITEM_PENDING, 1);
    ck_assert_ptr_null(result(v, "s-fail")->waiver);
    ck_assert_int_eq(use_of(v, "s-fail"), TFA_WAIVER_EXPIRED);
    ck_assert_int_eq(use_of(v, "h-fail"), TFA_WAIVER_REFUSED);
    tfa_verdict_free(v);
    tfa_waivers_free(w);
}
END_TEST

START_TEST(waivers_read_json)
{
    static const char *const json =
        "{\"comment\": \"window 2025-06\", \"waivers\": [\n"
        "  {\"item\": \"s-fail\", \"owner\": \"alice\", \"expires\": \"2025-06-30\",\n"
        "   \"reason\": \"dashboards \\\"move\\\"\"},\n"
        "  {\"item\": \"m-soft\", \"owner\": \"bob\", \"expires\": \"2025-06-01\", \"reason\": "
        "\"x\"}\n"
        "]}\n";
    tfa_waivers *w = load_waivers("w.json", json);
    tfa_verdict *v = evaluate(w, "2025-06-02", NULL);

    ck_assert_uint_eq(tfa_waivers_count(w), 2);
    ck_assert_str_eq(tfa_waivers_find(w, "s-fail")->reason, "dashboards \"move\"");
    ck_assert_uint_eq(tfa_waivers_find(w, "m-soft")->line, 4);
    expect(v, "s-fail", TFA_ITEM_WAIVED, 0);
    expect(v, "m-soft", TFA_ITEM_PENDING, 1);
    ck_assert_int_eq(use_of(v, "m-soft"), TFA_WAIVER_EXPIRED);
    tfa_verdict_free(v);
    tfa_waivers_free(w);

    w = load_waivers("w.json", "[{\"item\":\"s-fail\",\"owner\":\"a\",\"expires\":\"2030-01-01\","
                               "\"reason\":\"r\"}]");
    ck_assert_uint_eq(tfa_waivers_count(w), 1);
    tfa_waivers_free(w);
}
END_TEST

typedef struct bad_waiver {
    const char *name, *text, *error;
} bad_waiver;

#define TABLE "| item | owner | expires | reason |\n|---|---|---|---|\n"

static const bad_waiver bad_waivers[] = {
    {"w.md", TABLE "| s-fail | alice | 2025-02-30 | r |\n",
     "w.md:3:20: invalid expiry date '2025-02-30' (YYYY-MM-DD)"},
    {"w.md", TABLE "| s-fail | alice | tomorrow | r |\n",
     "w.md:3:20: invalid expiry date 'tomorrow' (YYYY-MM-DD)"},
    {"w.md", TABLE "| s-fail |  | 2025-06-30 | r |\n", "w.md:3:13: waiver has no owner"},
    {"w.md", TABLE "| s-fail | alice | 2025-06-30 |\n", "w.md:3:1: waiver has no reason"},
    {"w.md", TABLE "| s-fail | a | 2025-06-30 | r |\n| s-fail | b | 2025-06-30 | r |\n",
     "w.md:4:3: item 's-fail' is waived twice (first on line 3)"},
    {"w.md", "| item | owner | expires | reason |\n| s-fail | a | 2025-06-30 | r |\n",
     "w.md:2:1: expected the table's delimiter row (|---|---|)"},
    {"w.md", "# Waivers\n\nnone this time\n",
     "w.md: no waiver table (a Markdown table with columns item, owner, expires and reason)"},
    {"w.json",
     "{\"waivers\": [{\"item\": \"s-fail\", \"owner\": \"a\", \"expiry\": \"2025-06-30\"}]}",
     "w.json:1:47: unknown waiver field (item, owner, expires, reason)"},
    {"w.json",
     "{\"waivers\": [{\"item\": \"s-fail\", \"owner\": \"a\", \"expires\": \"2025-06-30\"}]}",
     "w.json:1:14: waiver has no reason"},
    {"w.json", "{\"waivers\": [\"s-fail\"]}", "w.json:1:14: a waiver must be an object"},
    {"w.json", "{\"waivers\": {}}", "w.json:1:13: expected \"waivers\": [...]"},
    {"w.json", "[{\"item\": 3}]", "w.json:1:11: \"item\" must be a string, not a number"},
    {"w.json", "[{\"item\": \"x\",]",
     "w.json:1:15: unexpected ']', expected an object key in double quotes"},
    /* a table a reader sees as code or does not see at all waives nothing:
     * an example in a fence, a commented-out table, an indented one */
    {"w.md", "```\n" TABLE "| s-fail | a | 2099-01-01 | r |\n```\n",
     "w.md: no waiver table (a Markdown table with columns item, owner, expires and reason)"},
    {"w.md", "<!--\n" TABLE "| s-fail | a | 2099-01-01 | r |\n-->\n",
     "w.md: no waiver table (a Markdown table with columns item, owner, expires and reason)"},
    {"w.md",
     "Example:\n\n    | item | owner | expires | reason |\n    |---|---|---|---|\n"
     "    | s-fail | a | 2099-01-01 | r |\n",
     "w.md: no waiver table (a Markdown table with columns item, owner, expires and reason)"},
    {"w.md", "Old\rwaivers\n" TABLE "| s-fail | a | 2099-01-01 | r |\n",
     "w.md:1:4: a carriage return that ends no line (a Markdown renderer starts a new line "
     "there): save the file with LF or CRLF line ends"},
    /* nor on whether the reader reads past the list: a second list, a second
     * document (before, the first list was taken and the rest never read) */
    {"w.json",
     "{\"waivers\": [{\"item\": \"s-fail\", \"owner\": \"a\", \"expires\": \"2025-06-30\", "
     "\"reason\": \"r\"}], \"waivers\": []}",
     "w.json:1:89: \"waivers\" given twice"},
    {"w.json",
     "{\"waivers\": [{\"item\": \"s-fail\", \"owner\": \"a\", \"expires\": \"2025-06-30\", "
     "\"reason\": \"r\"}]}\n{\"waivers\": []}",
     "w.json:2:1: a second JSON value after the waivers (one document only)"},
    /* which item is waived must not depend on which of two the reader takes */
    {"w.json",
     "[{\"item\": \"s-fail\", \"owner\": \"a\", \"expires\": \"2025-06-30\", \"reason\": \"r\", "
     "\"\\u0069tem\": \"h-fail\"}]",
     "w.json:1:75: \"item\" given twice"},
    {"w.md",
     "| item | owner | expires | reason | Item |\n|---|---|---|---|---|\n"
     "| s-fail | a | 2025-06-30 | r | h-fail |\n",
     "w.md:1:1: the waiver column \"item\" is given twice"},
};

START_TEST(waivers_report_errors_with_position)
{
    const bad_waiver *c = &bad_waivers[_i];
    tfa_waivers *w = NULL;
    tfa_error err;
    char msg[2048];

    tfa_error_init(&err);
    ck_assert_int_ne(tfa_waivers_parse(&w, c->name, c->text, strlen(c->text), &err), 0);
    ck_assert_ptr_null(w);
    tfa_error_format(&err, msg, sizeof(msg));
    ck_assert_msg(strcmp(msg, c->error) == 0, "case %d:\n got  %s\n want %s", _i, msg, c->error);
}
END_TEST

/* A table cell obeys the same field limit as a JSON string (found by
 * fuzz_recfile: the Markdown reader took cells of any length). */
START_TEST(waiver_table_cell_over_the_limit_is_refused)
{
    tfa_waivers *w = NULL;
    tfa_error err;
    tfa_buf t;
    size_t i;

    tfa_buf_init(&t, TFA_BUF_NO_MAX);
    tfa_buf_puts(&t, TABLE "| s-fail | a | 2025-06-30 | ");
    for (i = 0; i < 5000; i++)
        tfa_buf_putc(&t, 'r');
    tfa_buf_puts(&t, " |\n");
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_waivers_parse(&w, "w.md", t.ptr, t.len, &err), TFA_ELIMIT);
    ck_assert_ptr_null(w);
    ck_assert_str_eq(err.message, "waiver reason longer than 4096 bytes");
    ck_assert_uint_eq(err.line, 3);
    tfa_buf_release(&t);
}
END_TEST

START_TEST(waivers_for_unknown_items_are_errors)
{
    tfa_waivers *w = NULL;
    tfa_error err;
    char msg[1024];
    const char *t = TABLE "| s-fail | a | 2025-06-30 | r |\n|  s-fial | a | 2025-06-30 | r |\n";

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_waivers_parse(&w, "w.md", t, strlen(t), &err), &err);
    ck_assert_int_eq(tfa_waivers_check(w, cl, &err), TFA_EINPUT);
    tfa_error_format(&err, msg, sizeof(msg));
    ck_assert_str_eq(msg, "w.md:4:4: waiver for unknown item 's-fial' (did you mean 's-fail'?)");
    tfa_waivers_free(w);
}
END_TEST

START_TEST(verdict_evaluates_one_section)
{
    tfa_eval_options eo = TFA_EVAL_OPTIONS_INIT;
    tfa_verdict *v = evaluate(NULL, "2025-06-01", "post");
    tfa_error err;

    ck_assert_uint_eq(v->n_results, 1);
    ck_assert_str_eq(v->results[0].item->id, "post");
    ck_assert_str_eq(v->section, "Post");
    ck_assert_int_eq(v->go, 1);
    tfa_verdict_free(v);

    tfa_error_init(&err);
    v = NULL;
    eo.section = "During";
    ck_assert_int_eq(tfa_verdict_evaluate(&v, cl, run, &eo, &err), TFA_EUSAGE);
    ck_assert_str_eq(err.message, "no section 'During' in c.md");
    ck_assert_ptr_null(v);
}
END_TEST

START_TEST(waivers_survive_truncated_files)
{
    static const char *const json =
        "{\"waivers\": [{\"item\": \"s-fail\", \"owner\": \"a\", \"expires\": \"2025-06-30\", "
        "\"reason\": \"r\"}]}\n";
    const char *texts[2] = {waivers_md, json};
    size_t t, n;

    for (t = 0; t < 2; t++)
        for (n = 0; n <= strlen(texts[t]); n++) {
            tfa_waivers *w = NULL;
            tfa_error err;
            int rc;
            tfa_error_init(&err);
            rc = tfa_waivers_parse(&w, "w", texts[t], n, &err);
            ck_assert_msg(rc == 0 || rc == TFA_EINPUT, "length %zu: status %d", n, rc);
            ck_assert(rc == 0 ? w != NULL : w == NULL && err.message[0]);
            tfa_waivers_free(w);
        }
}
END_TEST

/* ---- caller-asserted context (eval_context.h) ------------------------------ */

static const char *const asserted =
    "# Asserted\n"
    "## Pre\n"
    "- [ ] `pinned` Approved plan: `plan.pinned`\n"
    "- [ ] `clean` Clean tree: `git.dirty == false`\n"
    "- [ ] `window` Changes expected: `not window.expect_no_changes`\n";

/* The verdict of `asserted` over the fixture's run with `context`. */
static tfa_verdict *evaluate_with(const tfa_checklist *c, const tfa_eval_context *context)
{
    tfa_eval_options eo = TFA_EVAL_OPTIONS_INIT;
    tfa_verdict *v = NULL;
    tfa_error err;

    tfa_error_init(&err);
    eo.now = day("2025-06-01");
    eo.context = context;
    ck_assert_tfa_ok(tfa_verdict_evaluate(&v, c, run, &eo, &err), &err);
    return v;
}

static tfa_eval_context *context_of(const char *approved, int dirty, int expect_none)
{
    tfa_eval_context *ctx = NULL;
    ck_assert_int_eq(tfa_eval_context_new(&ctx), 0);
    if (approved)
        ck_assert_int_eq(tfa_eval_context_set_str(ctx, TFA_CTX_APPROVED, approved), 0);
    ck_assert_int_eq(tfa_eval_context_set_bool(ctx, TFA_CTX_GIT_DIRTY, dirty), 0);
    if (expect_none)
        ck_assert_int_eq(tfa_eval_context_set_bool(ctx, TFA_CTX_EXPECT_NONE, 1), 0);
    return ctx;
}

static void expect_status(const tfa_verdict *v, const char *id, tfa_item_status status,
                          const char *reason)
{
    const tfa_result *r = result(v, id);
    ck_assert_msg(r->status == status, "%s: %s, want %s", id, tfa_item_status_name(r->status),
                  tfa_item_status_name(status));
    if (reason)
        ck_assert_str_eq(r->reason, reason);
}

/* The run holds only what its inputs say: two evaluations of one run with
 * different contexts reach different verdicts, and neither leaks into the
 * other or into a later evaluation without a context. */
START_TEST(context_stays_with_its_evaluation)
{
    char pin[TFA_PIN_CHARS];
    tfa_checklist *c = NULL;
    tfa_eval_context *good, *bad;
    tfa_verdict *v;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_checklist_parse(&c, "a.md", asserted, strlen(asserted), &err), &err);
    ck_assert_int_eq(tfa_plan_pin(run, pin), 0);
    good = context_of(pin, 0, 0);
    bad = context_of("sha256:"
                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                     1, 1);

    v = evaluate_with(c, good);
    ck_assert_int_eq(v->go, 1);
    expect_status(v, "pinned", TFA_ITEM_PASS, NULL);
    expect_status(v, "clean", TFA_ITEM_PASS, NULL);
    expect_status(v, "window", TFA_ITEM_PASS, NULL);
    tfa_verdict_free(v);

    v = evaluate_with(c, bad);
    ck_assert_int_eq(v->go, 0);
    expect_status(v, "pinned", TFA_ITEM_FAIL, "condition not met");
    expect_status(v, "clean", TFA_ITEM_FAIL, "condition not met");
    expect_status(v, "window", TFA_ITEM_FAIL, "condition not met");
    tfa_verdict_free(v);

    /* the bad context left nothing behind in the run */
    v = evaluate_with(c, good);
    ck_assert_int_eq(v->go, 1);
    tfa_verdict_free(v);

    /* no context: fail closed, with the reasons the CLI has always given */
    v = evaluate_with(c, NULL);
    ck_assert_int_eq(v->go, 0);
    expect_status(v, "pinned", TFA_ITEM_ERROR,
                  "plan.pinned has no value: no approved digest given (--approved FILE|DIGEST)");
    expect_status(v, "clean", TFA_ITEM_ERROR,
                  "git.dirty has no value: no IaC repository given (--iac-repo PATH)");
    expect_status(v, "window", TFA_ITEM_PASS, NULL);
    tfa_verdict_free(v);

    tfa_eval_context_free(good);
    tfa_eval_context_free(bad);
    tfa_checklist_free(c);
}
END_TEST

/* Whether `c` is GO with `approved` as the only assertion; a NO-GO must
 * come from plan.pinned failing, not from an item that could not decide. */
static int go_with_approved(const tfa_checklist *c, const char *approved)
{
    tfa_eval_context *ctx = context_of(approved, 0, 0);
    tfa_verdict *v = evaluate_with(c, ctx);
    int go = v->go;

    if (!go)
        expect_status(v, "pinned", TFA_ITEM_FAIL, "condition not met");
    tfa_verdict_free(v);
    tfa_eval_context_free(ctx);
    return go;
}

/* Mutation: an approved digest one character off the plan's pin, or a
 * sha256 of another file, is NO-GO; the plan's pin and its file's own
 * sha256 are GO. */
START_TEST(approved_digest_mismatch_is_nogo)
{
    static const char *const one = "- [ ] `pinned` Approved plan: `plan.pinned`\n";
    char pin[TFA_PIN_CHARS], sha[8 + TFA_SHA256_HEX];
    tfa_checklist *c = NULL;
    tfa_error err;
    size_t last;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_checklist_parse(&c, "p.md", one, strlen(one), &err), &err);
    ck_assert_int_eq(tfa_plan_pin(run, pin), 0);
    ck_assert_int_eq(go_with_approved(c, pin), 1);
    last = strlen(pin) - 1;
    pin[last] = pin[last] == '0' ? '1' : '0';
    ck_assert_int_eq(go_with_approved(c, pin), 0);

    memcpy(sha, "sha256:", 7);
    tfa_sha256_hex(tfa_run_input(run, 0)->sha256, sha + 7);
    ck_assert_int_eq(go_with_approved(c, sha), 1);
    ck_assert_int_eq(go_with_approved(c, sha + 7), 1); /* bare hex */
    sha[7] = sha[7] == 'f' ? '0' : 'f';
    ck_assert_int_eq(go_with_approved(c, sha), 0);
    tfa_checklist_free(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("verdict");
    TCase *tc = tcase_create("verdict");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, verdict_gives_each_status);
    tcase_add_test(tc, verdict_is_go_when_nothing_blocks);
    tcase_add_test(tc, verdict_evaluates_one_section);
    tcase_add_test(tc, context_stays_with_its_evaluation);
    tcase_add_test(tc, approved_digest_mismatch_is_nogo);
    tcase_add_test(tc, signoff_passes_manual_items_with_the_signer);
    tcase_add_loop_test(tc, signoff_rejects_bad_arguments, 0, (int)TFA_ARRAY_SIZE(bad_signoffs));
    tcase_add_test(tc, signoff_rejects_signing_twice);
    tcase_add_test(tc, waivers_apply_until_expiry_inclusive);
    tcase_add_test(tc, waivers_expire_the_day_after);
    tcase_add_test(tc, waivers_read_json);
    tcase_add_loop_test(tc, waivers_report_errors_with_position, 0,
                        (int)TFA_ARRAY_SIZE(bad_waivers));
    tcase_add_test(tc, waivers_for_unknown_items_are_errors);
    tcase_add_test(tc, waiver_table_cell_over_the_limit_is_refused);
    tcase_add_test(tc, waivers_survive_truncated_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
