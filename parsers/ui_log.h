/*
 * ui_log.h - internals of the UI log reader, shared by ui_log.c (the message
 * loop, versions, summaries, outputs and facts) and ui_log_records.c (the
 * "change", "hook" and "diagnostic" objects and the records they become).
 * Only those two files include it; the reader's contract is readers.h.
 *
 * Every message is read whole before it is acted on, because Terraform's
 * logger writes the keys in alphabetical order: the payload ("change",
 * "hook", "diagnostic"...) comes before "type", which says what it means.
 * So the payload objects are read into the fields below, and the message
 * is dispatched on its type once its closing brace is seen. A message cut
 * off by the end of the input therefore never leaves a record behind.
 */
#ifndef TFA_UI_LOG_H
#define TFA_UI_LOG_H

#include "readers.h"
#include "scan.h"
#include "util/buf.h"

/* Strings read from one message's payload. */
enum uilog_field {
    UF_ADDR,       /* change.resource.addr, hook.resource.addr */
    UF_PREV_ADDR,  /* change.previous_resource.addr */
    UF_PROVIDER,   /* resource.implied_provider */
    UF_MODULE,     /* resource.module ("" in the root module) */
    UF_TYPE,       /* resource.resource_type */
    UF_NAME,       /* resource.resource_name */
    UF_KEY,        /* resource.resource_key, as JSON text */
    UF_ACTION,     /* change.action, hook.action */
    UF_REASON,     /* change.reason */
    UF_IMPORT_ID,  /* change.importing.id */
    UF_ID_KEY,     /* hook.id_key */
    UF_ID_VALUE,   /* hook.id_value */
    UF_SEVERITY,   /* diagnostic.severity */
    UF_SUMMARY,    /* diagnostic.summary (kept up to TFA_LIMIT_MESSAGE_BYTES) */
    UF_DETAIL,     /* diagnostic.detail (likewise) */
    UF_DIAG_ADDR,  /* diagnostic.address */
    UF_RANGE_FILE, /* diagnostic.range.filename */
    UF_COUNT
};

/* An apply_start (or _progress) not yet matched by _complete/_errored. */
typedef struct uilog_open {
    uint64_t hash; /* of address and action */
    tfa_applied *rec;
} uilog_open;

typedef struct uilog_reader {
    const tfa_read_ctx *ctx;
    tfa_run *run;
    tfa_scan *scan;
    tfa_error *err;
    tfa_input *in;

    /* the message being read */
    tfa_buf f[UF_COUNT];
    int have[UF_COUNT];
    int importing;          /* change.importing present */
    double elapsed;         /* hook.elapsed_seconds; negative when absent */
    long long range_line;   /* diagnostic.range.start.line; 0 when absent */
    long long range_column; /* diagnostic.range.start.column */
    int has_diag;           /* a "diagnostic" object was read */

    int applying; /* the run's apply began (a resource's apply_*, not a read) */

    /* apply records still open, matched by address and action */
    uilog_open *open;
    size_t n_open, open_cap;
    int unknown_action_noted;
} uilog_reader;

/* The "change" or "hook" object (their keys do not overlap). */
int tfa_uilog__read_subject(uilog_reader *r);
/* The "diagnostic" object; the snippet (source code, values) is skipped. */
int tfa_uilog__read_diagnostic(uilog_reader *r);

/* Records, from what the message's payload held. `what` names the message
 * type in errors. */
int tfa_uilog__emit_change(uilog_reader *r, tfa_list list, const tfa_pos *pos, const char *what);
int tfa_uilog__emit_diag(uilog_reader *r, const tfa_pos *pos);

typedef enum uilog_apply_event {
    UILOG_APPLY_START,
    UILOG_APPLY_PROGRESS,
    UILOG_APPLY_COMPLETE,
    UILOG_APPLY_ERRORED
} uilog_apply_event;
int tfa_uilog__apply_event(uilog_reader *r, uilog_apply_event ev, const tfa_pos *pos,
                           const char *what);

/* A string value into `b` (*have = 1); a value of another type is skipped
 * and counts as absent (*have = 0). 0 or a negative status (TFA_ELIMIT when
 * longer than b->max, TFA_ENOMEM). */
int tfa_uilog__string(uilog_reader *r, const tfa_token *v, const char *what, tfa_buf *b, int *have);
/* The same into field `f`. */
int tfa_uilog__field(uilog_reader *r, const tfa_token *v, int f, const char *what);
/* The value after an object key: *is_object says whether it is an object,
 * now open; a value of any other type has been skipped. */
int tfa_uilog__object(uilog_reader *r, int *is_object);
/* Index of the object key `k` in keys[0..n), or -1. Keys must be resolved
 * before the value is read: reading moves the scanner's window under k. */
int tfa_uilog__key(const tfa_token *k, const char *const *keys, size_t n);
/* The same (*key), each key found taken once per object (`seen`, zero when
 * it opens): a second is TFA_EINPUT at it, since Terraform writes each
 * once and tools differ on which of two wins. */
int tfa_uilog__key_once(uilog_reader *r, const tfa_token *k, const char *const *keys, size_t n,
                        unsigned *seen, int *key);
/* An error at `pos` naming the input; returns `status`. */
int tfa_uilog__fail(uilog_reader *r, const tfa_pos *pos, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

void tfa_uilog__release_open(uilog_reader *r);

/* ---- message types (ui_log_types.c) ------------------------------------------ */

/* What the reader does with a message of a type. */
typedef enum uilog_kind {
    UILOG_MSG_OTHER = 0, /* known; nothing recorded */
    UILOG_MSG_VERSION,
    UILOG_MSG_DIAG,
    UILOG_MSG_PLANNED,
    UILOG_MSG_DRIFT,
    UILOG_MSG_SUMMARY,
    UILOG_MSG_OUTPUTS,
    UILOG_MSG_APPLY_START,
    UILOG_MSG_APPLY_PROGRESS,
    UILOG_MSG_APPLY_COMPLETE,
    UILOG_MSG_APPLY_ERRORED
} uilog_kind;

typedef struct uilog_type {
    const char *name;
    uilog_kind kind;
} uilog_type;

/* Types found lately, one reader's (zeroed before use). */
#define TFA_UILOG_SEEN_TYPES 16
typedef struct uilog_type_cache {
    const uilog_type *seen[TFA_UILOG_SEEN_TYPES];
} uilog_type_cache;

/* The type `name` (`len` bytes, NUL-terminated), NULL when this build knows
 * no such type. */
const uilog_type *tfa_uilog__type(uilog_type_cache *c, const char *name, size_t len);

/* ---- CI job logs (ui_log_ci.c) ----------------------------------------------
 * A -json log inside a CI job log: a prelude before the first message, a
 * timestamp (and colour) on every line, markers between messages, an
 * epilogue after the last. The filter gives the tokenizer the same lines
 * with all that removed; what it skipped is counted here. */
typedef struct uilog_ci uilog_ci;
typedef struct uilog_ci_counts {
    unsigned long before, between, after; /* CI lines before, between, after the messages */
    unsigned long messages_lines;         /* lines that start with '{' */
} uilog_ci_counts;

/* Whether the (not yet read) input needs the filter: detection dropped a
 * CI prelude, or its first non-blank byte is not '{'. A plain log keeps
 * the direct, faster path. */
int tfa_uilog__ci_wanted(tfa_stream *in);
/* A stream of the filtered lines of `in` (named like it); *ci stays valid
 * until *out is freed. TFA_ENOMEM. */
int tfa_uilog__ci_open(tfa_stream **out, uilog_ci **ci, tfa_stream *in, tfa_error *err);
const uilog_ci_counts *tfa_uilog__ci_counts(const uilog_ci *ci);

#endif
