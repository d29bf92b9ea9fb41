/*
 * plandiff.h - how two plans differ ("did the plan change between review
 * and apply?"), over everything a pin covers (pin.h). Resource changes are
 * matched by address and deposed key; pure no-ops are ignored on both sides
 * (as for pins). Beside them: the configuration section, variables (by
 * name, values by digest) and output changes (by name; no-ops ignored).
 * Values are never shown, only that they differ.
 */
#ifndef TFA_PLANDIFF_H
#define TFA_PLANDIFF_H

#include <stddef.h>

#include "run.h"

typedef enum tfa_plandiff_kind {
    TFA_PLANDIFF_ADDED = 0, /* only in the second plan */
    TFA_PLANDIFF_REMOVED,   /* only in the first plan */
    TFA_PLANDIFF_ACTION,    /* a different action */
    TFA_PLANDIFF_PATHS,     /* the same action on different attributes */
    TFA_PLANDIFF_VALUES,    /* the same attributes change to different values */
    TFA_PLANDIFF_PROVIDER,  /* the same change, served by another provider */
    TFA_PLANDIFF_KIND_COUNT
} tfa_plandiff_kind;

const char *tfa_plandiff_kind_name(tfa_plandiff_kind kind);

typedef struct tfa_plandiff_item {
    tfa_plandiff_kind kind;
    const tfa_change *a, *b; /* borrowed; NULL on the side it is missing from */
} tfa_plandiff_item;

/* A difference outside the resource changes. */
typedef struct tfa_plandiff_other {
    const char *what; /* "configuration", "variable", "output" */
    const char *name; /* the variable or output (borrowed); NULL for configuration */
    const char *how;  /* "added", "removed", "action", "value", "differs" */
} tfa_plandiff_other;

typedef struct tfa_plandiff_result {
    tfa_plandiff_item *items; /* sorted by address; owned by the result */
    size_t n_items;
    size_t count[TFA_PLANDIFF_KIND_COUNT];
    tfa_plandiff_other *others; /* configuration first, then variables, outputs by name; owned */
    size_t n_others;
} tfa_plandiff_result;

/* Compare the plan JSON inputs of two runs. TFA_ENOMEM, or TFA_EUSAGE when
 * a plan was loaded unpinned (input.h: its configuration not digested). */
int tfa_plan_diff(const tfa_run *a, const tfa_run *b, tfa_plandiff_result **out);
void tfa_plandiff_result_free(tfa_plandiff_result *res);

#endif
