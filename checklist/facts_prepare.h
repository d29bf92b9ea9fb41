/*
 * facts_prepare.h - compute, once after loading, the run-wide strings some
 * facts report (the plan's pin and file digest), keeping them in the run's
 * context so fact values can borrow them like any other model string.
 */
#ifndef TFA_FACTS_PREPARE_H
#define TFA_FACTS_PREPARE_H

#include "run.h"

/* Context names this sets, and the caller-asserted ones facts read. */
#define TFA_CTX_PLAN_PIN    "plan.pin"
#define TFA_CTX_PLAN_SHA256 "plan.sha256"
#define TFA_CTX_APPROVED    "approved.plan_digest"
#define TFA_CTX_EXPECT_NONE "window.expect_no_changes"
#define TFA_CTX_GIT_COMMIT  "git.commit"
#define TFA_CTX_GIT_BRANCH  "git.branch"
#define TFA_CTX_GIT_DIRTY   "git.dirty"

/* 0 or TFA_ENOMEM. Call after every input is loaded. */
int tfa_facts_prepare(tfa_run *run);

#endif
