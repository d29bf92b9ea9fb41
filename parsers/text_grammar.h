/*
 * text_grammar.h - recognizers for single lines of Terraform's and OpenTofu's
 * plain-text output (internal to parsers/).
 *
 * Each function looks at one normalized line (lines.h) and says whether it
 * is a line of that shape, filling a small struct of spans into the line.
 * They keep no state and allocate nothing, so detection (text_markers.c)
 * and the reader (text_log*.c) agree on what a Terraform line is. The
 * wording follows hashicorp/terraform internal/command/views (hook_ui.go,
 * apply.go, operation.go), internal/command/jsonformat/plan.go, the 0.11
 * command/format package, and opentofu/opentofu's copies of the same.
 *
 * No recognizer returns a span holding an attribute value: attribute lines
 * yield the attribute's name and flags only.
 */
#ifndef TFA_TEXT_GRAMMAR_H
#define TFA_TEXT_GRAMMAR_H

#include <stddef.h>

#include "run.h"

typedef struct tfa_text_span {
    const char *ptr;
    size_t len; /* 0 = absent */
} tfa_text_span;

/* ---- run summaries ----------------------------------------------------- */

typedef enum tfa_text_op {
    TFA_TEXT_OP_PLAN = 0, /* "Plan: ...", "No changes." */
    TFA_TEXT_OP_APPLY,    /* "Apply complete! Resources: ..." */
    TFA_TEXT_OP_DESTROY,  /* "Destroy complete! Resources: ..." */
    TFA_TEXT_OP_COUNT
} tfa_text_op;

const char *tfa_text_op_name(tfa_text_op op); /* "plan", "apply", "destroy" */

typedef struct tfa_text_summary {
    tfa_text_op op;
    int no_changes;
    tfa_counts counts;
} tfa_text_summary;

/* "Plan: [N to import, ]N to add, N to change, N to destroy[, N to forget].",
 * "No changes.", "Apply complete! Resources: [N imported, ]N added, N changed,
 * N destroyed[, N forgotten].", "Destroy complete! Resources: N destroyed." */
int tfa_text_summary_parse(const char *s, size_t len, tfa_text_summary *out);

/* "Terraform v1.9.5" / "OpenTofu v1.8.0" as a whole line: tool is
 * "terraform" or "opentofu", version the text after the "v". */
int tfa_text_version_parse(const char *s, size_t len, const char **tool, tfa_text_span *version);

/* ---- resources ------------------------------------------------------------ */

/* Length of the resource instance address at the start of s, which ends at a
 * blank (or a ':' when `colon`) outside brackets and quotes; 0 when the text
 * there is not a resource instance address. */
size_t tfa_text_address_len(const char *s, size_t len, int colon);
/* Where an address would end: the first blank (or ':' with `colon`)
 * outside quotes and brackets, or len; *open is set when a quote or bracket
 * is still open there. The scan of tfa_text_address_len without the parse
 * (the marker prefilter uses it alone). */
size_t tfa_text_address_end(const char *s, size_t len, int colon, int *open);

/* "  # ADDR will be created" and the other change headers of the plan
 * renderer; "has changed" (1.2+) / "has been changed" (0.15.4 to 1.1) / "has
 * been deleted" in the drift section. */
typedef struct tfa_text_header {
    tfa_text_span addr, deposed;
    tfa_text_span prev; /* "# OLD has moved to NEW": OLD (addr is NEW) */
    tfa_action action;
    tfa_replace replace;
    const char *reason; /* action_reason as plan JSON names it; NULL if none */
    int importing;
    int drift; /* drift wording: "has changed", "has been deleted" */
} tfa_text_header;

int tfa_text_header_parse(const char *s, size_t len, tfa_text_header *out);

/* Comment lines under a header: "  # (moved from OLD)", "  # (imported from
 * "ID")", "  # (because ...)". Fills prev / importing id / reason of `h`;
 * returns 1 if the line is such a comment. */
int tfa_text_header_note(const char *s, size_t len, tfa_text_header *h, tfa_text_span *import_id);

/* The symbol line opening a resource body, "  + resource "t" "n" {", "-/+ data
 * ...": the replace order it shows ("-/+" delete first, "+/-" create first). */
int tfa_text_body_open(const char *s, size_t len, tfa_replace *replace);

/* Terraform 0.11's plan lines: "  + ADDR", "  ~ ADDR", "  - ADDR", "-/+ ADDR
 * (new resource required)", "+/- ADDR", " <= ADDR". */
int tfa_text_legacy_plan_parse(const char *s, size_t len, tfa_text_header *out);

/* ---- attribute lines (names only) ------------------------------------------ */

typedef enum tfa_text_attr_kind {
    TFA_ATTR_NONE = 0, /* not a named line (a list element, a comment, a value) */
    TFA_ATTR_LEAF,     /* name = value */
    TFA_ATTR_OPEN,     /* name = {, name = [, name {: children follow */
    TFA_ATTR_SKIP,     /* name = jsonencode(, name = <<-EOT: a value spans lines */
    TFA_ATTR_CLOSE     /* }, ], ) closing a container */
} tfa_text_attr_kind;

typedef struct tfa_text_attr {
    tfa_text_attr_kind kind;
    long indent;        /* column of the change symbol (of where it would be) */
    int changed;        /* has a change symbol: + - ~ -/+ +/- */
    tfa_text_span name; /* identifier or map key, without quotes */
    int quoted;         /* the name was a quoted map key */
    int sensitive;      /* value is "(sensitive value)" / "(sensitive)" */
    int forces;         /* "# forces replacement" */
    int elem_open;      /* an unnamed "{" / "[" list element opens */
    tfa_text_span end;  /* SKIP: the line that ends it ("EOT" or ")") */
} tfa_text_attr;

/* A line of a resource body as the 0.12+ renderer prints it. */
void tfa_text_attr_parse(const char *s, size_t len, tfa_text_attr *out);
/* A Terraform 0.11 body line "      name: value"; only name, sensitive
 * ("<sensitive>") and forces ("(forces new resource)") are filled. */
int tfa_text_legacy_attr_parse(const char *s, size_t len, tfa_text_attr *out);

/* ---- apply progress ---------------------------------------------------------- */

typedef enum tfa_text_phase {
    TFA_PHASE_START = 0, /* "Creating...", "Importing..." */
    TFA_PHASE_STILL,     /* "Still creating... [10s elapsed]" */
    TFA_PHASE_COMPLETE,  /* "Creation complete after 2s [id=...]" */
    TFA_PHASE_ERRORED    /* "Creation errored after 2s" */
} tfa_text_phase;

typedef struct tfa_text_progress {
    tfa_text_span addr, deposed;
    tfa_action action; /* an import is TFA_ACTION_NOOP with `importing` set */
    int importing;
    tfa_text_phase phase;
    double elapsed; /* seconds; negative when the line has none */
    tfa_text_span id_key, id_value;
} tfa_text_progress;

/* "ADDR: Creating...", "ADDR: Creation complete after 2s [id=i-1]", 0.11's
 * "ADDR: Destroying... (ID: x)". Refreshing lines are not progress. */
int tfa_text_progress_parse(const char *s, size_t len, tfa_text_progress *out);

/* "ADDR: Refreshing state... [id=...]" (any version). */
int tfa_text_refresh_parse(const char *s, size_t len);

/* A Go time.Duration string ("2s", "1m30s", "1h0m0s", "1.5s", "250ms") in
 * seconds; 0 if s[0..len) is not one. */
int tfa_text_duration(const char *s, size_t len, double *seconds);

/* ---- diagnostics ----------------------------------------------------------------- */

/* "  on main.tf line 3, in resource ...:" / "  on main.tf line 3:". */
int tfa_text_diag_range(const char *s, size_t len, tfa_text_span *file, unsigned long *line);
/* "  with aws_instance.x," */
int tfa_text_diag_with(const char *s, size_t len, tfa_text_span *addr);
/* A "Lock Info:" field line "  Who:       user@host": the field name
 * (one of ID, Path, Operation, Who, Version, Created, Info) and value. */
int tfa_text_lock_field(const char *s, size_t len, tfa_text_span *key, tfa_text_span *value);

/* ---- cost estimation -------------------------------------------------------------- */

/* The header of HCP's cost table, "| PRODUCT | NAME | SKU | DESCRIPTION | DELTA |"
 * (spaces ignored). */
int tfa_text_cost_table_header(const char *s, size_t len);

#endif
