/*
 * builtin.c - the built-in requirements (see builtin.h). Each is an
 * ordinary expression over documented facts, so its evidence reads like any
 * other item's.
 */
#include "util/compat.h"

#include "builtin.h"
#include "suggest.h"

static const struct {
    const char *name, *expr, *doc;
} builtins[] = {
    {"drift-free", "drift.free",
     "no drift; with --expect no-changes, no managed resource change either"},
    /* over `changes`, so a text or -json plan log proves it as well as plan
     * JSON (and a log that shows no plan leaves it ERROR, never PASS) */
    {"no-destroy",
     "none(changes where mode == \"managed\" and action in [\"delete\", \"replace\"])",
     "the plan destroys nothing (no managed resource deleted or replaced), from plan JSON, -json "
     "or text plan logs"},
    {"apply-matches-plan", "apply.matches_plan",
     "the apply did exactly what the approved plan said (tfaudit verify-apply)"},
    {"plan-pinned", "plan.pinned",
     "the plan is the approved one: its pin or sha256 equals --approved"},
    {"apply-clean",
     "apply.finished and apply.errors == 0 and apply.errored == 0 and apply.unfinished == 0",
     "the apply ended with its final summary, reported no error and finished every resource it "
     "started"},
};

const char *tfa_builtin_expr(const char *id)
{
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(builtins); i++)
        if (strcmp(builtins[i].name, id) == 0)
            return builtins[i].expr;
    return NULL;
}

const char *tfa_builtin_suggest(const char *name)
{
    tfa_suggest s;
    size_t i;

    tfa_suggest_init(&s, name, strlen(name));
    for (i = 0; i < TFA_ARRAY_SIZE(builtins); i++)
        tfa_suggest_offer(&s, builtins[i].name);
    return tfa_suggest_best(&s);
}

const char *tfa_builtin_names(void)
{
    return "drift-free, no-destroy, apply-matches-plan, plan-pinned, apply-clean";
}

size_t tfa_builtin_count(void)
{
    return TFA_ARRAY_SIZE(builtins);
}

void tfa_builtin_at(size_t i, const char **name, const char **expr, const char **doc)
{
    *name = builtins[i].name;
    *expr = builtins[i].expr;
    *doc = builtins[i].doc;
}
