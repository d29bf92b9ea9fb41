/*
 * fuzz_expr.c - fuzz target for the checklist expression parser
 * (checklist/expr_parse.c) and its evaluator. The input is the text after
 * an item's colon. A refused expression must say why, at a position inside
 * the text; an accepted one must evaluate over an empty run (every fact
 * unknown) to true, false or unknown, never fail but for memory.
 */
#include "fuzz.h"
#include "expr.h"
#include "run.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const tfa_expr *e = NULL;
    tfa_arena *arena = NULL;
    tfa_run *run = NULL;
    tfa_fact_source src;
    tfa_evidence ev;
    const char *reason = NULL;
    tfa_error err;
    int result = 0, rc;

    tfa_error_init(&err);
    memset(&ev, 0, sizeof(ev));
    if (tfa_arena_new(&arena) != 0)
        return 0;
    rc = tfa_expr_parse(&e, arena, (const char *)data, size, "fuzz", 1, 1, &err);
    if (rc != 0) {
        FUZZ_CHECK_ERROR(&err);
        FUZZ_CHECK(rc == TFA_EINPUT || rc == TFA_ELIMIT || rc == TFA_ENOMEM);
        FUZZ_CHECK(rc == TFA_ENOMEM ||
                   (err.line == 1 && err.column >= 1 && err.column <= size + 1));
        goto done;
    }
    FUZZ_CHECK(e != NULL && (e->type == TFA_V_BOOL || e->type == TFA_V_ANY));
    if (tfa_run_new(&run) != 0)
        goto done;
    if (tfa_fact_source_init(&src, run, NULL) != 0)
        goto done;
    rc = tfa_expr_eval(e, &src, arena, &ev, &result, &reason);
    FUZZ_CHECK(rc == 0 || rc == TFA_ENOMEM);
    if (rc == 0) {
        FUZZ_CHECK(result == 1 || result == 0 || result == -1);
        FUZZ_CHECK(result != -1 || (reason && reason[0]));
    }
done:
    tfa_run_free(run);
    tfa_arena_free(arena);
    return 0;
}
