/*
 * text_log.h - the text log reader's state, shared by its parts (internal to
 * parsers/; readers.h has the entry point tfa_read_text_log).
 *
 * The reader is one pass over normalized lines (lines.h). text_log.c runs
 * the loop and owns the run-level facts (summaries, versions, lock lines);
 * each part below owns one kind of multi-line block and is fed the lines
 * that belong to it:
 *   text_log_diag.c     Error:/Warning: diagnostics, with Lock Info blocks
 *   text_log_changes.c  "# ADDR will be ..." plan and drift blocks (names only)
 *   text_log_apply.c    "ADDR: Creating..." progress lines -> applied records
 *   text_log_policy.c   Sentinel / HCP policy results and cost estimation
 */
#ifndef TFA_TEXT_LOG_H
#define TFA_TEXT_LOG_H

#include "lines.h"
#include "readers.h"
#include "text_ci.h"
#include "text_grammar.h"
#include "util/buf.h"

/* A resource block being read: a plan or drift entry and its body. */
typedef struct tfa_tl_block {
    tfa_change *change; /* NULL when no block is open */
    int legacy;         /* Terraform 0.11 body ("      name: value") */
    int body;           /* the body's opening line was seen */
    int skipping;       /* inside a multi-line value (heredoc, jsonencode) */
    long skip_indent;
    tfa_buf skip_end; /* the line that ends the skipped value */
    tfa_buf path;     /* the container path the current line is in */
    tfa_buf frames;   /* stack of tfa_tl_frame */
    tfa_buf changed;  /* entries: sensitive byte, path, NUL */
    size_t n_changed;
    tfa_buf forces; /* entries: path, NUL */
    size_t n_forces;
    int truncated;
} tfa_tl_block;

typedef struct tfa_tl_policy {
    int level;            /* of the "## Policy N:" being read: 1 hard, 2 soft, 3 advisory */
    int open;             /* a policy waits for its "Result:" line */
    int cost, cost_table; /* inside "Cost estimation:" / its table */
} tfa_tl_policy;

/* The runs of one log (text_log.c): a CI job, a TF_LOG file or an Atlantis
 * comment holding several terraform commands is read as several inputs,
 * "job.log#1", "job.log#2"..., each with its own operation and counts. */
typedef struct tfa_tl_runs {
    unsigned count; /* inputs split off so far (0: one run, named as the file) */
    tfa_ci_cmd cmd; /* the command that started the current run */
    int have_cmd;
    size_t drift0, planned0, diags0; /* records before the current run */
    size_t tally0;                   /* planned changes before the current plan's */
    size_t apply0;                   /* applied records before the current apply's */
    unsigned long line0;             /* lines before the current run */
    int progress;                    /* mutating progress lines after the last plan summary */
    int applying;                    /* a mutating progress line: the run's apply began */
    int only_deletes;                /* ... and all of them were deletes */
    int destroy_prompt;              /* "Do you really want to destroy all resources?" */
    int partial;                     /* an apply that stopped before its summary */
    long vertex_errors;              /* TF_LOG "vertex ... error:" lines */
    const char *project;             /* Atlantis "dir: `x` workspace: `y`" of the current run */
} tfa_tl_runs;

typedef struct tfa_text_log {
    const tfa_read_ctx *ctx;
    tfa_run *run;
    tfa_error *err;
    tfa_input *in;
    unsigned input;
    tfa_line line; /* the line being handled */

    /* run summaries */
    long summaries[TFA_TEXT_OP_COUNT];
    tfa_text_summary last;
    int have_last;

    /* tool and version */
    const char *tool, *wording_tool;
    tfa_buf version;
    int have_version, version_conflict, wording_conflict;

    int drift_section;          /* inside "Objects have changed outside of ..." */
    size_t drift_first;         /* drift records before the open drift section */
    unsigned long summary_line; /* line of the last apply or destroy summary line */
    unsigned long last_line;    /* line of the last summary line of any kind */
    unsigned long event_line;   /* line of the last apply progress line (not an import) */
    int actions_legacy;         /* after "... will perform the following actions:" */
    unsigned long announced;    /* line of the last such announcement no plan summary ended */
    unsigned long refreshed;    /* line of a refresh after a summary, before its plan's drift
                                   could have been printed (cut there: drift unknown) */

    tfa_tl_block block;

    /* the open diagnostic */
    tfa_diag *diag;
    int diag_boxed;
    tfa_buf detail;
    int detail_gap;  /* a blank line separates the next prose line */
    int detail_full; /* TFA_LIMIT_MESSAGE_BYTES reached */
    tfa_lock *lock;  /* lock error of the open diagnostic */
    int lock_info;   /* inside its "Lock Info:" lines */

    /* applied records: latest record per address (open addressing) */
    size_t applied_first; /* first applied record of this input */
    struct tfa_tl_slot {
        uint64_t hash;
        tfa_applied *rec; /* NULL = empty slot */
    } * slots;
    size_t slot_cap, slot_count;

    tfa_tl_policy policy;
    tfa_tl_runs runs;
} tfa_text_log;

/* Copy `len` bytes of `s` into the run, cut to `max` bytes at a UTF-8
 * character boundary; NULL on out-of-memory. */
const char *tfa_tl_strndup(tfa_text_log *r, const char *s, size_t len, size_t max);
/* Record out-of-memory; returns TFA_ENOMEM. */
int tfa_tl_oom(tfa_text_log *r);

/* text_log_diag.c */
void tfa_tl_diag_init(tfa_text_log *r);
void tfa_tl_diag_release(tfa_text_log *r);
int tfa_tl_diag_open(tfa_text_log *r, tfa_severity sev, const char *summary, size_t len, int boxed);
int tfa_tl_diag_feed(tfa_text_log *r);
int tfa_tl_diag_close(tfa_text_log *r);

/* text_log_changes.c */
void tfa_tl_block_init(tfa_tl_block *b);
void tfa_tl_block_release(tfa_tl_block *b);
/* A "# ADDR will be ..." header (or a 0.11 plan line when `legacy`) opens a block. */
int tfa_tl_block_open(tfa_text_log *r, const tfa_text_header *h, int legacy);
/* Offer the line to the open block: 1 = consumed, 0 = the block ended (and
 * was closed) and the line is for someone else, < 0 = error. */
int tfa_tl_block_feed(tfa_text_log *r);
int tfa_tl_block_close(tfa_text_log *r);

/* text_log_apply.c */
void tfa_tl_apply_release(tfa_text_log *r);
int tfa_tl_apply_progress(tfa_text_log *r, const tfa_text_progress *p);
/* A diagnostic names `addr`: its apply in progress failed. */
int tfa_tl_apply_errored(tfa_text_log *r, const char *addr, size_t len);
void tfa_tl_apply_facts(tfa_text_log *r);

/* text_log_policy.c: 1 when the line was a policy or cost line. */
int tfa_tl_policy_line(tfa_text_log *r);

#endif
