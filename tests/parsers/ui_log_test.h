/*
 * ui_log_test.h - what the UI log suites share: loading a fixture or a text
 * that must read as a UI log, or a file that must fail.
 */
#ifndef TFA_UI_LOG_TEST_H
#define TFA_UI_LOG_TEST_H

#include "input.h"
#include "run.h"
#include "testsupport.h"

#define FIX "fixtures/ui-logs/"

static inline tfa_run *load(const char *path)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_run *run = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_int_eq(tfa_run_new(&run), 0);
    ck_assert_tfa_ok(tfa_run_load(run, path, &lo, &err), &err);
    ck_assert_uint_eq(tfa_run_input_count(run), 1);
    ck_assert_int_eq(tfa_run_input(run, 0)->kind, TFA_KIND_UI_LOG);
    return run;
}

/* Load a file that must fail; returns the status, `err` holds the error. */
static inline int load_fails(const char *path, tfa_error *err)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_run *run = NULL;
    int rc;

    tfa_error_init(err);
    ck_assert_int_eq(tfa_run_new(&run), 0);
    rc = tfa_run_load(run, path, &lo, err);
    tfa_run_free(run);
    ck_assert_int_ne(rc, 0);
    return rc;
}

static inline tfa_run *load_text(const char *text)
{
    tfa_run *run = NULL;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "mem.log", text, strlen(text), TFA_KIND_UI_LOG, &err),
                     &err);
    return run;
}

static inline void str_eq_or_null(const char *got, const char *want, const char *what)
{
    if (!want)
        ck_assert_msg(got == NULL, "%s: \"%s\", expected NULL", what, got ? got : "");
    else
        ck_assert_msg(got && strcmp(got, want) == 0, "%s: \"%s\", expected \"%s\"", what,
                      got ? got : "(null)", want);
}

#endif
