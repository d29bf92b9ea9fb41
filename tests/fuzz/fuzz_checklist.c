/*
 * fuzz_checklist.c - fuzz target for checklist Markdown (checklist/
 * checklist.c): headings, items, levels, expressions on item lines. A
 * refused file must say why; an accepted one must describe its items with
 * positions inside the text, and evaluate over an empty run without error:
 * no item of an empty run may PASS silently on a fact it could not read.
 */
#include "fuzz.h"
#include "checklist.h"
#include "run.h"
#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tfa_eval_options eo = TFA_EVAL_OPTIONS_INIT;
    tfa_checklist *cl = NULL;
    tfa_verdict *v = NULL;
    tfa_run *run = NULL;
    const char *src;
    size_t i, n, len = 0;
    tfa_error err;
    int rc;

    tfa_error_init(&err);
    rc = tfa_checklist_parse(&cl, "fuzz.md", (const char *)data, size, &err);
    if (rc != 0) {
        FUZZ_CHECK_ERROR(&err);
        FUZZ_CHECK(cl == NULL);
        return 0;
    }
    src = tfa_checklist_source(cl, &len);
    FUZZ_CHECK(src != NULL);
    n = tfa_checklist_item_count(cl);
    for (i = 0; i < n; i++) {
        const tfa_item *it = tfa_checklist_item(cl, i);
        FUZZ_CHECK(it != NULL && it->line >= 1);
        FUZZ_CHECK(it->line_offset <= it->line_end && it->line_end <= len);
        FUZZ_CHECK(it->box_offset >= it->line_offset && it->box_offset < it->line_end);
        FUZZ_CHECK(tfa_checklist_find(cl, it->id) != NULL);
    }
    if (n > 0 && tfa_run_new(&run) == 0) {
        tfa_error_clear(&err);
        rc = tfa_verdict_evaluate(&v, cl, run, &eo, &err);
        FUZZ_CHECK(rc == 0 || rc == TFA_ENOMEM);
    }
    tfa_verdict_free(v);
    tfa_run_free(run);
    tfa_checklist_free(cl);
    return 0;
}
