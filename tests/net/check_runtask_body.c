/*
 * check_runtask_body.c - the run task callback body (serve/runtask.h) is
 * whole or absent: with any one allocation failing, the later succeeding,
 * it is NULL or equal to the full body, never one posted with an outcome,
 * an outcome's tags or the link missing (json_pack's "o*"/"s*" leave an
 * optional member out when its value cannot be made).
 */
#include "util/compat.h"

#include "alloc_sweep.h"
#include "runtask.h"
#include "testsupport.h"
#include "util/alloc.h"

static const char *const text = "# Run task\n"
                                "## Pre\n"
                                "- [ ] `adds` Adds: `plan.add == 1`\n"
                                "- [ ] `soft` Soft: `plan.destroy == 0` (soft)\n"
                                "- [ ] `note` Advisory: `plan.change == 0` (advisory)\n";

typedef struct body_sweep {
    const tfa_runtask_result *res;
    const json_t *full;
} body_sweep;

static int body_step(void *payload)
{
    body_sweep *b = payload;
    return tfa_sweep_doc(tfa_runtask_callback_body(b->res), b->full);
}

START_TEST(runtask_body_is_whole_or_absent)
{
    body_sweep sweep;
    tfa_eval_options eo = TFA_EVAL_OPTIONS_INIT;
    tfa_runtask_result res = {0, "NO-GO: 3 items", "https://tfaudit.invalid/r/1", NULL};
    tfa_checklist *cl = NULL;
    tfa_verdict *v = NULL;
    tfa_run *run = NULL;
    json_t *full, *outcomes, *o;
    tfa_error err;
    size_t i;

    json_set_alloc_funcs(tfa_malloc, tfa_free);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_run_new(&run), 0);
    ck_assert_tfa_ok(tfa_checklist_parse(&cl, "c.md", text, strlen(text), &err), &err);
    /* no plan among the inputs: every item is an ERROR, each an outcome */
    ck_assert_tfa_ok(tfa_verdict_evaluate(&v, cl, run, &eo, &err), &err);
    res.verdict = v;
    full = tfa_runtask_callback_body(&res);
    ck_assert_ptr_nonnull(full);
    outcomes = json_object_get(
        json_object_get(json_object_get(json_object_get(full, "data"), "relationships"),
                        "outcomes"),
        "data");
    ck_assert_uint_eq(json_array_size(outcomes), 3);
    json_array_foreach(outcomes, i, o)
    {
        ck_assert(json_is_object(json_object_get(json_object_get(o, "attributes"), "tags")));
    }
    sweep.res = &res, sweep.full = full;
    ck_assert_int_gt(tfa_alloc_sweep_alone("run task body", body_step, &sweep), 20);
    json_decref(full);
    tfa_verdict_free(v);
    tfa_checklist_free(cl);
    tfa_run_free(run);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("runtask_body");
    TCase *tc = tcase_create("runtask_body");
    tcase_add_test(tc, runtask_body_is_whole_or_absent);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
