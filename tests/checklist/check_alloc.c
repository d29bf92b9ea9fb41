/*
 * check_alloc.c - allocation failure (STYLE.md rules 20 and 24): make the
 * Nth allocation fail, for every N the whole pipeline makes (load the
 * checklist and waivers, sign off, evaluate, write every report, fill,
 * list facts), and check each step reports TFA_ENOMEM or succeeds, never
 * crashes, leaks (under ASan) or returns a half-written result as success.
 * The sweep itself is tests/support/alloc_sweep.h, shared with the storage
 * (tests/storage/check_storage_faults.c) and audit engine
 * (tests/engine/check_audit_engine.c) sweeps. The gate record is swept
 * twice: every allocation from the Nth failing, and the Nth alone failing
 * (a builder that ignored one failure would return a record a field short).
 */
#include "util/compat.h"

#include "alloc_sweep.h"
#include "gate_record.h"
#include "report.h"
#include "runfix.h"
#include "util/alloc.h"

static const char *const text =
    "# Alloc\n"
    "## Pre\n"
    "- [ ] `a` Adds: `plan.add == 2 and plan.terraform_version ~ \"1.9.*\"`\n"
    "- [ ] `b` Deletes: `none(changes where action in [\"delete\", \"replace\"])` (soft)\n"
    "- [ ] `c` State: `state.serial > 0` (advisory)\n"
    "- [ ] `m` Sign-off: manual\n";

static const char *const waivers = "| item | owner | expires | reason |\n|---|---|---|---|\n"
                                   "| b | alice | 2030-01-01 | accepted |\n";

/* One pass of the pipeline. Returns 0 when every step succeeded, or the
 * first failure, which must be TFA_ENOMEM. */
static int pipeline(const tfa_run *run, size_t *out_bytes)
{
    tfa_eval_options eo = TFA_EVAL_OPTIONS_INIT;
    tfa_checklist *cl = NULL;
    tfa_waivers *w = NULL;
    tfa_signoffs *so = NULL;
    tfa_verdict *v = NULL;
    tfa_report_options ro = TFA_REPORT_OPTIONS_INIT;
    tfa_report_format f;
    tfa_error err;
    tfa_buf b;
    json_t *j = NULL;
    int rc;

    tfa_error_init(&err);
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if ((rc = tfa_checklist_parse(&cl, "c.md", text, strlen(text), &err)) != 0 ||
        (rc = tfa_waivers_parse(&w, "w.md", waivers, strlen(waivers), &err)) != 0 ||
        (rc = tfa_signoffs_new(&so)) != 0 || (rc = tfa_signoffs_add(so, cl, "m=Dana", &err)) != 0)
        goto done;
    eo.waivers = w, eo.signoffs = so, eo.now = 1748736000;
    if ((rc = tfa_verdict_evaluate(&v, cl, run, &eo, &err)) != 0)
        goto done;
    for (f = TFA_REPORT_TEXT; f <= TFA_REPORT_JUNIT && rc == 0; f++)
        rc = tfa_report_write(&b, v, f, &ro);
    if (rc || (rc = tfa_report_fill(&b, v)) != 0 ||
        (rc = tfa_report_facts_text(&b, run, NULL)) != 0)
        goto done;
    if (!(j = tfa_report_facts_json(run, NULL))) {
        rc = TFA_ENOMEM;
        goto done;
    }
    *out_bytes = b.len;
done:
    json_decref(j);
    tfa_buf_release(&b);
    tfa_verdict_free(v);
    tfa_signoffs_free(so);
    tfa_waivers_free(w);
    tfa_checklist_free(cl);
    if (rc)
        ck_assert_msg(rc == TFA_ENOMEM, "status %d (%s): %s", rc, tfa_status_str(rc), err.message);
    return rc;
}

typedef struct pipe_job {
    tfa_run *run;
    size_t bytes;
} pipe_job;

static int pipeline_step(void *payload)
{
    pipe_job *p = payload;
    return pipeline(p->run, &p->bytes);
}

START_TEST(pipeline_survives_every_allocation_failure)
{
    pipe_job p = {rf_standard(), 0};
    size_t full = 0;

    json_set_alloc_funcs(tfa_malloc, tfa_free);
    ck_assert_int_eq(pipeline(p.run, &full), 0);
    ck_assert_int_gt(tfa_alloc_sweep("pipeline", pipeline_step, NULL, &p), 50);
    ck_assert_int_eq(pipeline(p.run, &p.bytes), 0);
    ck_assert_uint_eq(p.bytes, full);
    tfa_run_free(p.run);
}
END_TEST

/* The gate record of one evaluation over `run` and `context`, or NULL. */
static json_t *gate_record_of(const tfa_run *run, const tfa_eval_context *context)
{
    tfa_eval_options eo = TFA_EVAL_OPTIONS_INIT;
    tfa_gate_meta meta = {"ws", NULL, "ops", NULL, 1748736000};
    tfa_checklist *cl = NULL;
    tfa_verdict *v = NULL;
    tfa_error err;
    json_t *record = NULL;

    tfa_error_init(&err);
    eo.now = 1748736000;
    eo.context = context;
    if (tfa_checklist_parse(&cl, "c.md", text, strlen(text), &err) == 0 &&
        tfa_verdict_evaluate(&v, cl, run, &eo, &err) == 0)
        record = tfa_gate_record(v, cl, run, context, &meta);
    tfa_verdict_free(v);
    tfa_checklist_free(cl);
    return record;
}

typedef struct record_job {
    tfa_run *run;
    tfa_eval_context *context;
    const json_t *full;
} record_job;

/* A record is whole or absent, never one a field short. */
static int record_step(void *payload)
{
    record_job *r = payload;
    return tfa_sweep_doc(gate_record_of(r->run, r->context), r->full);
}

START_TEST(gate_record_is_whole_or_absent_under_allocation_failure)
{
    record_job r = {rf_standard(), NULL, NULL};
    json_t *full;

    json_set_alloc_funcs(tfa_malloc, tfa_free);
    /* caller-asserted context goes into the record: sweep that too */
    ck_assert_int_eq(tfa_eval_context_new(&r.context), 0);
    ck_assert_int_eq(tfa_eval_context_set_str(r.context, TFA_CTX_GIT_COMMIT, "0123456789abcdef"),
                     0);
    ck_assert_int_eq(tfa_eval_context_set_bool(r.context, TFA_CTX_GIT_DIRTY, 0), 0);
    full = gate_record_of(r.run, r.context);
    ck_assert_ptr_nonnull(full);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(full, "context"), "git.commit")),
        "0123456789abcdef");
    ck_assert(json_is_string(
        json_object_get(json_array_get(json_object_get(full, "inputs"), 0), "encoding")));
    r.full = full;
    ck_assert_int_gt(tfa_alloc_sweep("gate record", record_step, NULL, &r), 20);
    /* one allocation failing while the later ones succeed: a builder that
     * ignored it would return a record one field short */
    ck_assert_int_gt(tfa_alloc_sweep_alone("gate record", record_step, &r), 20);
    json_decref(full);
    tfa_eval_context_free(r.context);
    tfa_run_free(r.run);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("alloc");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, pipeline_survives_every_allocation_failure);
    tcase_add_test(tc, gate_record_is_whole_or_absent_under_allocation_failure);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
