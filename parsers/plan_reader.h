/*
 * plan_reader.h - state shared by plan_json.c (documents, resource changes,
 * outputs) and plan_change.c (the "change" object: actions, values, paths).
 * Internal to parsers/; `__` marks functions private to the plan reader.
 */
#ifndef TFA_PLAN_READER_H
#define TFA_PLAN_READER_H

#include "readers.h"
#include "scan.h"
#include "valdiff.h"

/* Newest plan format this build knows (jsonplan.FormatVersion). */
#define PLAN_FORMAT_MAJOR 1
#define PLAN_FORMAT_MINOR 2

enum field {
    F_ADDRESS,
    F_PREV,
    F_MODULE,
    F_MODE,
    F_TYPE,
    F_NAME,
    F_INDEX,
    F_PROVIDER,
    F_DEPOSED,
    F_REASON,
    F_IMPORT_ID,
    F_DEFERRED,
    F_COUNT
};

typedef struct plan_reader {
    const tfa_read_ctx *ctx;
    tfa_run *run;
    tfa_scan *scan;
    tfa_error *err;
    tfa_input *in;
    tfa_valdiff *diff;
    tfa_buf path;           /* attribute path being walked */
    tfa_buf scratch;        /* decoded text of escaped keys and strings */
    tfa_buf field[F_COUNT]; /* strings of the resource change being read */
    int have[F_COUNT];
    /* members of the resource change (bit f for field f, F_COUNT for
     * "change") and of its "change" object taken so far: each once */
    unsigned seen, change_seen;
    tfa_buf version; /* scratch for version strings */
    tfa_buf rpaths;  /* replace paths, NUL separated */
    size_t n_rpaths;
    tfa_action action;
    tfa_replace replace;
    int action_known, importing;
    /* whether the change's "before" and "after" were null (-1: absent) */
    int before_null, after_null;
    unsigned long documents;
    int tool_version_conflict, format_version_conflict;
} plan_reader;

int tfa_plan__fail(plan_reader *r, const tfa_pos *pos, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Classify a resource's or output's "actions" array (the next value). */
/* The members of an object whose '{' was just read: `fn` is called with
 * each key token and reads (or skips) its value; the walk ends at '}'. The
 * one object loop of the plan reader. */
typedef int (*plan_member_fn)(plan_reader *r, const tfa_token *key, void *payload);
int tfa_plan__each_member(plan_reader *r, plan_member_fn fn, void *payload);
/* The same for the elements of an array whose '[' was just read: `fn` gets
 * each element's first token (its "key" argument) and reads the rest. */
int tfa_plan__each_element(plan_reader *r, plan_member_fn fn, void *payload);
/* Read the value of the key just read, a string or null, into field `f`
 * (r->have[f] says whether it was a string). */
int tfa_plan__read_field(plan_reader *r, const char *what, int f);
/* Skip the value of the key just read. */
int tfa_plan__skip_value(plan_reader *r);
int tfa_plan__read_actions(plan_reader *r, tfa_action *action, tfa_replace *replace);
/* NULL when a change's "before" and "after" can be what Terraform writes
 * for its action, else why they cannot. */
const char *tfa_plan__values_contradict(const plan_reader *r);
/* Forget the resource change being read. */
void tfa_plan__reset_change(plan_reader *r);
/* One key of a resource change object (its value follows in the scanner). */
int tfa_plan__read_change_key(plan_reader *r, const tfa_token *key);

#endif
