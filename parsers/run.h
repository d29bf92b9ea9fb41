/*
 * run.h - the normalized model of a Terraform/OpenTofu run.
 *
 * Every input format (plan JSON, -json UI logs, text logs, state) is read into
 * this one model; nothing downstream (checklists, storage, reports) ever sees
 * a format. A tfa_run holds the inputs it was built from and, across them,
 * lists of records: resource changes, drift, planned and applied resources,
 * diagnostics, outputs, variables, state resources, lock events and notes.
 *
 * What the model never holds: attribute values. Only names and attribute
 * paths are kept, so nothing Terraform marks sensitive (before_sensitive /
 * after_sensitive, sensitive outputs and variables) is reachable from it. A
 * changed path inside a sensitive value is collapsed to the sensitive path
 * itself and flagged, so even map keys under a sensitive value stay out.
 *
 * Ownership: the run owns everything reachable from it, in one arena freed by
 * tfa_run_free. Every pointer returned by an accessor is borrowed and lives
 * as long as the run. Strings are NUL-terminated UTF-8; a NULL string means
 * "not present in the input".
 */
#ifndef TFA_RUN_H
#define TFA_RUN_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/sha256.h"

typedef enum tfa_kind {
    TFA_KIND_UNKNOWN = 0,
    TFA_KIND_PLAN,     /* terraform show -json PLANFILE, HCP redacted plan JSON */
    TFA_KIND_UI_LOG,   /* terraform plan|apply -json streaming log */
    TFA_KIND_TEXT_LOG, /* plain CLI output, Sentinel and cost estimation logs */
    TFA_KIND_STATE,    /* terraform show -json of state, raw terraform.tfstate */
    TFA_KIND_COUNT
} tfa_kind;

/* "plan", "ui-log", "text-log", "state" ("unknown"); and back (UNKNOWN if none). */
const char *tfa_kind_name(tfa_kind kind);
tfa_kind tfa_kind_from_name(const char *name);

/* Action classes, as the corpus README and Terraform's own counts use them. */
typedef enum tfa_action {
    TFA_ACTION_NOOP = 0,
    TFA_ACTION_CREATE,
    TFA_ACTION_READ,
    TFA_ACTION_UPDATE,
    TFA_ACTION_DELETE,
    TFA_ACTION_REPLACE, /* ["delete","create"], ["create","delete"], ["create","forget"] */
    TFA_ACTION_FORGET,
    TFA_ACTION_UNKNOWN, /* an action list this version does not know */
    TFA_ACTION_COUNT
} tfa_action;

/* "no-op", "create", "read", "update", "delete", "replace", "forget", "unknown". */
const char *tfa_action_name(tfa_action action);
tfa_action tfa_action_from_name(const char *name); /* UNKNOWN when not a class name */

/* How a replace happens (TFA_ACTION_REPLACE only). */
typedef enum tfa_replace {
    TFA_REPLACE_NONE = 0,
    TFA_REPLACE_DELETE_FIRST, /* ["delete","create"] */
    TFA_REPLACE_CREATE_FIRST, /* ["create","delete"], create_before_destroy */
    TFA_REPLACE_CREATE_FORGET /* ["create","forget"] */
} tfa_replace;

/* true / false / not stated by the input. */
typedef enum tfa_tristate { TFA_UNSET = 0, TFA_FALSE, TFA_TRUE } tfa_tristate;

/* The resource instance a record is about. */
typedef struct tfa_resource {
    const char *address;  /* module.a.aws_instance.web["x"] */
    const char *module;   /* module.a; NULL in the root module */
    const char *mode;     /* "managed" or "data" */
    const char *type;     /* aws_instance */
    const char *name;     /* web */
    const char *index;    /* JSON text of the instance key: 0 or "x"; NULL if none */
    const char *provider; /* registry.terraform.io/hashicorp/aws */
    const char *deposed;  /* deposed object key; NULL for the current object */
} tfa_resource;

/*
 * A resource change: an entry of a plan's resource_changes, resource_drift
 * or deferred_changes, a UI log's planned_change or resource_drift message,
 * or a text log's drift or plan line. Fields a format does not carry are NULL
 * or zero.
 */
typedef struct tfa_change {
    tfa_resource res;
    unsigned input; /* index of the input it came from */
    tfa_action action;
    tfa_replace replace;
    const char *prev_address;         /* previous_address (a move); NULL if not moved */
    const char *reason;               /* action_reason, e.g. replace_because_cannot_update */
    const char *deferred;             /* deferred_changes reason; NULL if not deferred */
    int importing;                    /* an import is part of this change */
    const char *importing_id;         /* importing.id; NULL if not given */
    const char *const *replace_paths; /* paths that force replacement */
    size_t n_replace_paths;
    /* Attribute paths whose value changes (before vs after, plus values only
     * known after apply), e.g. "tags.owner", "ingress[0].cidr_blocks[1]",
     * sorted. changed_sensitive[i] says path i is (inside) a sensitive value;
     * such a path is never deeper than the sensitive value itself, and ""
     * stands for the whole object. */
    const char *const *changed;
    const unsigned char *changed_sensitive;
    size_t n_changed;
    int changed_truncated; /* more than TFA_LIMIT_CHANGED_PATHS paths */
    /* Order-independent digest of the change's before/after values (for plan
     * pinning); never shown, never stored, not reversible to a value. */
    uint64_t value_digest[2];
    tfa_pos pos; /* where the record starts in its input */
} tfa_change;

/* A resource an apply (or destroy) worked on: apply_start/_progress/
 * _complete/_errored messages of a UI log, or "Creation complete after 2s
 * [id=...]" lines of a text log. */
typedef enum tfa_apply_status {
    TFA_APPLY_STARTED = 0, /* started, never seen finishing */
    TFA_APPLY_COMPLETE,
    TFA_APPLY_ERRORED
} tfa_apply_status;

typedef struct tfa_applied {
    tfa_resource res;
    unsigned input;
    tfa_action action;
    tfa_apply_status status;
    const char *id_key;   /* "id" */
    const char *id_value; /* the resource ID Terraform printed */
    double elapsed;       /* seconds; negative when unknown */
    tfa_pos pos;
} tfa_applied;

typedef enum tfa_severity { TFA_SEV_ERROR = 0, TFA_SEV_WARNING, TFA_SEV_INFO } tfa_severity;
const char *tfa_severity_name(tfa_severity sev); /* "error", "warning", "info" */

typedef struct tfa_diag {
    unsigned input;
    tfa_severity severity;
    const char *summary;
    const char *detail;     /* may be NULL */
    const char *address;    /* resource the diagnostic is about; may be NULL */
    const char *range_file; /* configuration file:line:col; may be NULL */
    unsigned long range_line, range_column;
    tfa_pos pos;
} tfa_diag;

typedef struct tfa_output {
    unsigned input;
    const char *name;
    tfa_action action;
    int sensitive;
    /* issue 14 (plan pins): digest of the plan's output change (before,
     * after, after_unknown...), never shown, not reversible to a value;
     * has_value is 0 for outputs of logs */
    int has_value;
    unsigned char value_digest[TFA_SHA256_BYTES];
} tfa_output;

typedef struct tfa_variable {
    unsigned input;
    const char *name;
    /* issue 14 (plan pins): digest of the variable's value, sensitive ones
     * included; never shown, never stored anywhere else */
    int has_value;
    unsigned char value_digest[TFA_SHA256_BYTES];
} tfa_variable;

/* A managed (or data) resource instance recorded in a state. */
typedef struct tfa_state_resource {
    tfa_resource res;
    unsigned input;
} tfa_state_resource;

/* State lock lines of a text log (and lock diagnostics). */
typedef enum tfa_lock_event {
    TFA_LOCK_ACQUIRING = 0,
    TFA_LOCK_RELEASING,
    TFA_LOCK_ERROR /* "Error acquiring the state lock" */
} tfa_lock_event;

typedef struct tfa_lock {
    unsigned input;
    tfa_lock_event event;
    const char *id, *path, *operation, *who, *version, *created; /* Lock Info fields */
    const char *info; /* Lock Info "Info:"; NULL when empty */
    tfa_pos pos;
} tfa_lock;

/* Something a reader noticed that is not an error: a newer minor format
 * version, a truncated final log line, a skipped file. */
typedef struct tfa_note {
    unsigned input; /* TFA_NOTE_NO_INPUT when about a file that is no input */
    const char *message;
    tfa_pos pos;      /* line 0 when not about a position */
    const char *path; /* the skipped file or archive member; NULL when `input` says */
} tfa_note;

#define TFA_NOTE_NO_INPUT UINT_MAX

/* Change counts, Terraform's arithmetic: add = create + replace, change =
 * update, destroy = delete + replace (managed resources only). */
typedef struct tfa_counts {
    long add, change, destroy, import, forget;
} tfa_counts;

/* Facts of a plan JSON input (several documents are summed). */
typedef struct tfa_plan_info {
    const char *plan_format_version; /* HCP Terraform redacted JSON */
    const char *timestamp;
    tfa_tristate applyable, complete, errored;
    long actions[TFA_ACTION_COUNT]; /* every mode, by class */
    tfa_counts counts;              /* managed resources only */
    long drift, deferred, outputs, variables;
    int format_newer; /* a later 1.x minor than this build knows */
    /* issue 14 (plan pins): digest of the "configuration" section
     * (provisioners, provider configuration, module sources and versions),
     * canonical (jsondigest.h); several documents are added up */
    int has_configuration;
    int configuration_unread; /* read without its digest (tfa_load_options.unpinned) */
    unsigned char configuration_digest[TFA_SHA256_BYTES];
} tfa_plan_info;

/* Facts of a UI log or text log. Counts are those of the last summary:
 * `change_summary` messages, or "Plan:" / "Apply complete!" / "Destroy
 * complete!" lines. A text log of several runs leaves them undetermined. */
typedef struct tfa_log_info {
    const char *operation; /* "plan", "apply", "destroy", "refresh"...; NULL unknown */
    int has_counts;        /* counts below are determined */
    tfa_counts counts;
    int no_changes;         /* "No changes." / an all-zero plan summary */
    long errors, warnings;  /* error / warning diagnostics ("Error: " lines) */
    long drift;             /* resource_drift messages / drifted resources */
    long planned;           /* planned_change messages / "will be" lines */
    long planned_open;      /* of those, listed after the last plan summary of their run: a
                               plan that never ended (cut, or failed), so maybe not all */
    long applied;           /* apply_complete messages / "complete after" lines */
    long apply_errors;      /* apply_errored messages */
    long messages;          /* UI log: messages read; text log: lines read */
    long unknown_messages;  /* UI log: message types this build does not know */
    const char *ui_version; /* UI log "ui" (or "tofu.ui") version */
    int truncated_tail;     /* the last line was cut off and skipped */
    /* Sentinel policy checks (text logs). */
    tfa_tristate sentinel_result;
    long policies_evaluated, policies_passed, policies_failed;
    long policies_hard_failed, policies_soft_failed, policies_advisory_failed;
    /* Cost estimation (text logs). */
    int has_cost;
    const char *cost_monthly;       /* e.g. "$25.488/mo", as printed */
    const char *cost_monthly_delta; /* e.g. "+$25.488" */
    long cost_resources, cost_estimated;
    /* -- apply outcome and drift completeness (issue 14: an apply log proves
     * success only with its final summary; a drift banner whose entries
     * cannot be read leaves drift unknown). Read by checklist/verify.c and
     * checklist/drift.c. -- */
    int final_summary;        /* an apply or destroy summary (line or change_summary) comes
                                 after the last resource event: the apply ended */
    int drift_banner;         /* text log: "Objects have changed outside of ..." seen */
    long drift_unread;        /* lines of a drift section that no entry explains */
    tfa_pos drift_unread_pos; /* the first of them */
    /* -- a plan the log says is partial. Read by checklist/collections.c. -- */
    long plan_errors;            /* error diagnostics before the run's apply began: the plan
                                    failed, and Terraform 1.6+ still shows what it planned before
                                    the error (then its summary), so that may not be all */
    tfa_pos plan_error_pos;      /* the first of them */
    long plan_partial;           /* the log says its plan covers part of the configuration:
                                    "Resource targeting is in effect" (-target), "This is a
                                    partial plan" (deferred changes); drift of the rest unread */
    unsigned long plan_unended;  /* line where a plan began that no summary followed (0:
                                    none): text log "... will perform the following
                                    actions:", or a refresh after a summary; -json log, a
                                    version message after one. Its changes were cut off */
    unsigned long drift_unended; /* the same before its drift could have been printed (a
                                    refresh; a version message before any planned_change) */
} tfa_log_info;

/* Facts of a state input. */
typedef struct tfa_state_info {
    const char *lineage;
    long long serial;   /* -1 when not given */
    long state_version; /* raw tfstate "version" (3, 4); -1 for show -json */
    long resources;     /* managed resource instances, all modules */
    long data_sources;
    long outputs;
} tfa_state_info;

/* One input the run was built from (a file, stdin, an archive member...). */
typedef struct tfa_input {
    const char *path; /* as given; archive members as "bundle.tar.gz!logs/apply.json" */
    tfa_kind kind;
    uint64_t bytes; /* raw size */
    unsigned char sha256[TFA_SHA256_BYTES];
    const char *encoding;       /* "utf-8", "utf-8-bom", "utf-16le", "utf-16be" */
    const char *tool;           /* "terraform" or "opentofu"; NULL when the input does not say */
    const char *tool_version;   /* terraform_version / version message / "Terraform v..." */
    const char *format_version; /* JSON format_version; NULL when absent */
    unsigned documents;         /* JSON documents, or runs in a log */
    tfa_plan_info plan;         /* meaningful for TFA_KIND_PLAN */
    tfa_log_info log;           /* TFA_KIND_UI_LOG and TFA_KIND_TEXT_LOG */
    tfa_state_info state;       /* TFA_KIND_STATE */
} tfa_input;

/* The record lists of a run. */
typedef enum tfa_list {
    TFA_LIST_CHANGES = 0, /* plan resource_changes */
    TFA_LIST_DRIFT,       /* resource_drift from any input */
    TFA_LIST_PLANNED,     /* UI log planned_change, text log "will be ..." lines */
    TFA_LIST_DEFERRED,    /* plan deferred_changes */
    TFA_LIST_CHANGE_COUNT
} tfa_list;

typedef struct tfa_run tfa_run;

int tfa_run_new(tfa_run **out);
void tfa_run_free(tfa_run *run);

size_t tfa_run_input_count(const tfa_run *run);
const tfa_input *tfa_run_input(const tfa_run *run, size_t i);

size_t tfa_run_change_count(const tfa_run *run, tfa_list list);
const tfa_change *tfa_run_change(const tfa_run *run, tfa_list list, size_t i);
size_t tfa_run_applied_count(const tfa_run *run);
const tfa_applied *tfa_run_applied(const tfa_run *run, size_t i);
size_t tfa_run_diag_count(const tfa_run *run);
const tfa_diag *tfa_run_diag(const tfa_run *run, size_t i);
size_t tfa_run_output_count(const tfa_run *run);
const tfa_output *tfa_run_output(const tfa_run *run, size_t i);
size_t tfa_run_variable_count(const tfa_run *run);
const tfa_variable *tfa_run_variable(const tfa_run *run, size_t i);
size_t tfa_run_state_resource_count(const tfa_run *run);
const tfa_state_resource *tfa_run_state_resource(const tfa_run *run, size_t i);
size_t tfa_run_lock_count(const tfa_run *run);
const tfa_lock *tfa_run_lock(const tfa_run *run, size_t i);
size_t tfa_run_note_count(const tfa_run *run);
const tfa_note *tfa_run_note(const tfa_run *run, size_t i);

/*
 * Remove the records of `list` for which `drop` returns non-zero, keeping
 * the others in order; returns how many were removed. Pointers to records
 * of that list are invalid afterwards. For callers that judge records
 * before evaluation (the nightly audit removes accepted drift, see
 * checklist/known_drift.h); readers never remove anything.
 */
size_t tfa_run_drop_changes(tfa_run *run, tfa_list list,
                            int (*drop)(const tfa_change *c, size_t i, void *payload),
                            void *payload);

/* ---- One change model for every input kind (issue 14) ----------------------
 *
 * The record lists above keep every record as its input said it. Checklists
 * and reports read these merged views instead, so that a plan given as plan
 * JSON, as a -json log and as a text log says the same thing once:
 *
 *   TFA_VIEW_CHANGES  planned changes: plan resource_changes, UI log
 *                     planned_change messages, text log "# ADDR will be ..."
 *                     blocks (TFA_LIST_CHANGES and TFA_LIST_PLANNED)
 *   TFA_VIEW_DRIFT    resources changed outside Terraform (TFA_LIST_DRIFT)
 *   TFA_VIEW_APPLIED  resources an apply worked on (the applied records)
 *
 * Deduplication, chosen so that no query can miss a record: two records are
 * the same when they name the same resource instance (address and deposed
 * key) with the same action (and, for applied records, the same status).
 * Of such a group only the records of the most exact input are kept: plan
 * JSON over a -json UI log over a text log (a text log loses list indexes,
 * nested paths and the provider), and of inputs of one kind the first given.
 * Records that disagree (one input says update, another delete) are all
 * kept, so a `none(...)`/`all(...)` query sees each claim. Records of one
 * input are never merged with each other (a terragrunt file holds several
 * plans, whose counts are summed like Terraform's).
 *
 * Views are built on first use after the lists last changed and cached in
 * the run (a logically const cache: a run is never shared between threads
 * while it is read). Building needs memory: when it fails, the view is
 * empty and tfa_run_view_ok says so, and readers must treat the collection
 * as unknown, never as empty.
 */
typedef enum tfa_view {
    TFA_VIEW_CHANGES = 0,
    TFA_VIEW_DRIFT,
    TFA_VIEW_APPLIED,
    TFA_VIEW_COUNT
} tfa_view;

/* 1 when view `v` could be built (0 only on out-of-memory). */
int tfa_run_view_ok(const tfa_run *run, tfa_view v);
size_t tfa_run_view_count(const tfa_run *run, tfa_view v);
/* Element i of TFA_VIEW_CHANGES or TFA_VIEW_DRIFT; NULL past the end. */
const tfa_change *tfa_run_view_change(const tfa_run *run, tfa_view v, size_t i);
/* Element i of TFA_VIEW_APPLIED; NULL past the end. */
const tfa_applied *tfa_run_view_applied(const tfa_run *run, size_t i);
/* Records left out of view `v` because a more exact input said the same. */
size_t tfa_run_view_merged(const tfa_run *run, tfa_view v);
/* How exact an input kind is for the views: 0 plan, 1 ui-log, 2 text-log,
 * 3 anything else (lower wins). */
int tfa_kind_rank(tfa_kind kind);

/* Bytes the run's records and strings use (for benchmarks). */
size_t tfa_run_memory(const tfa_run *run);

#endif
