/*
 * eval_context.h - what the caller asserts about a run, beside what its
 * inputs say: the approved plan digest (--approved), whether the window
 * expects no changes (--expect no-changes), the git state of the IaC
 * repository (--iac-repo).
 *
 * The run model holds only what the inputs say; an evaluation reads these
 * through tfa_eval_options.context, so two evaluations of one run may assert
 * different things without one leaking into the other. Facts read them under
 * the names below; an evaluation without a context, or a name never set,
 * has no value for those facts (fail closed: the item that needs one is an
 * ERROR with the reason facts_derived.c gives).
 *
 * Ownership: the caller creates the context, sets it before evaluating,
 * and frees it after every verdict and record that read it; evaluation only
 * reads it, so concurrent evaluations may share one.
 */
#ifndef TFA_EVAL_CONTEXT_H
#define TFA_EVAL_CONTEXT_H

#define TFA_CTX_APPROVED    "approved.plan_digest"
#define TFA_CTX_EXPECT_NONE "window.expect_no_changes"
#define TFA_CTX_GIT_COMMIT  "git.commit"
#define TFA_CTX_GIT_BRANCH  "git.branch"
#define TFA_CTX_GIT_DIRTY   "git.dirty"

typedef struct tfa_eval_context tfa_eval_context;

typedef enum tfa_context_type { TFA_CONTEXT_STR = 0, TFA_CONTEXT_BOOL } tfa_context_type;

typedef struct tfa_context_value {
    tfa_context_type type;
    const char *str; /* TFA_CONTEXT_STR; owned by the context */
    int boolean;     /* TFA_CONTEXT_BOOL */
} tfa_context_value;

/* 0 or TFA_ENOMEM. */
int tfa_eval_context_new(tfa_eval_context **out);
/* Accepts NULL. */
void tfa_eval_context_free(tfa_eval_context *ctx);

/* 0 or TFA_ENOMEM; names and strings are copied, a later set of the same
 * name replaces the value. */
int tfa_eval_context_set_str(tfa_eval_context *ctx, const char *name, const char *value);
int tfa_eval_context_set_bool(tfa_eval_context *ctx, const char *name, int value);

/* The value set under `name`, valid until the context is freed or the name
 * set again; NULL when not set or `ctx` is NULL. */
const tfa_context_value *tfa_eval_context_get(const tfa_eval_context *ctx, const char *name);

#endif
