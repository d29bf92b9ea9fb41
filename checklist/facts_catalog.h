/*
 * facts_catalog.h - every name a checklist expression may use: the one table.
 *
 * Facts are dotted names (`plan.destroy`, `apply.errors`, `state.serial`)
 * computed from the run model through parsers/run.h accessors only.
 * Collections (`changes`, `drift`, `planned`, `deferred`, `applied`,
 * `diagnostics`, `inputs`) are the model's record lists, queried with
 * count/any/all/none; inside `where`, bare names are the element's fields.
 *
 * A fact can exist and still have no value for a given run: `apply.errors`
 * when no apply log was read, `plan.timestamp` when the plan omits it. Then
 * tfa_fact_value says why, and the checklist item that read it is an ERROR
 * (a check that could not be made blocks like a failure).
 *
 * The table is static data; every pointer returned here lives forever.
 * `tfaudit facts` prints it, with values for the inputs given.
 */
#ifndef TFA_FACTS_CATALOG_H
#define TFA_FACTS_CATALOG_H

#include <stddef.h>

#include "eval_context.h"
#include "pin.h"
#include "run.h"
#include "util/sha256.h"
#include "value.h"

typedef struct tfa_fact tfa_fact;

/*
 * What facts are read from: the run (what the inputs say), the caller's
 * context (what it asserts, eval_context.h; NULL asserts nothing), and the
 * plan's digests, computed from the run's plan inputs when the source is
 * made (plan.pin with any plan among the inputs, plan.sha256 with exactly
 * one). Fact values borrow strings from all three: keep the source, the
 * run and the context alive while a value is used.
 */
typedef struct tfa_fact_source {
    const tfa_run *run;
    const tfa_eval_context *context;
    int has_pin, has_sha256;
    char pin[TFA_PIN_CHARS];
    char sha256[TFA_SHA256_HEX];
    /* why no input proves drift, as tfa_coll_proven says it ("" when one
     * does): the drift facts' reason, naming the partial input */
    char drift_why[256];
} tfa_fact_source;

/* 0 or TFA_ENOMEM. Call after every input is loaded; nothing to release. */
int tfa_fact_source_init(tfa_fact_source *src, const tfa_run *run, const tfa_eval_context *context);

size_t tfa_fact_count(void);
const tfa_fact *tfa_fact_at(size_t i);
/* The fact named by the first `len` bytes of `name`; NULL if none. */
const tfa_fact *tfa_fact_find(const char *name, size_t len);
const char *tfa_fact_name(const tfa_fact *f);
tfa_vtype tfa_fact_type(const tfa_fact *f);
const char *tfa_fact_doc(const tfa_fact *f);

/*
 * The fact's value for `src`. Returns 1 with *out set (strings borrowed from
 * the source, see above), or 0 with *why set to a reason such as "no apply log
 * among the inputs" when the inputs give it no value (static, or borrowed
 * from `src`).
 */
int tfa_fact_value(const tfa_fact *f, const tfa_fact_source *src, tfa_value *out, const char **why);

/*
 * Lines that explain a fact's value for `src`: the differences behind
 * apply.matches_plan, the drifted resources behind drift.free, the digests
 * behind plan.pinned. At most TFA_FACT_DETAILS lines, each handed to `add`
 * (which copies it). Facts without an explanation add nothing. 0 or
 * TFA_ENOMEM.
 */
#define TFA_FACT_DETAILS 20
typedef int (*tfa_fact_detail_fn)(void *payload, const char *line);
int tfa_fact_explain(const tfa_fact *f, const tfa_fact_source *src, tfa_fact_detail_fn add,
                     void *payload);

typedef enum tfa_coll {
    TFA_COLL_CHANGES = 0, /* plan resource changes */
    TFA_COLL_DRIFT,       /* resources changed outside Terraform */
    TFA_COLL_PLANNED,     /* changes a log announced */
    TFA_COLL_DEFERRED,    /* changes a plan deferred */
    TFA_COLL_APPLIED,     /* resources an apply worked on */
    TFA_COLL_DIAGNOSTICS, /* errors and warnings */
    TFA_COLL_INPUTS,      /* the inputs themselves */
    TFA_COLL_COUNT
} tfa_coll;

const char *tfa_coll_name(tfa_coll c);
const char *tfa_coll_doc(tfa_coll c);
/* The collection named by name[0..len), or -1. */
int tfa_coll_find(const char *name, size_t len);
size_t tfa_coll_size(const tfa_run *run, tfa_coll c);
/* How evidence names element i, appended to `out`: its resource address
 * (for a diagnostic without one, its summary) and the input that says so,
 * "aws_db_instance.main (text-log plan.log:61)"; for an input, its path.
 * 0 or TFA_ENOMEM. */
int tfa_coll_label(tfa_buf *out, const tfa_run *run, tfa_coll c, size_t i);

/*
 * What each input kind can prove (README "What each input proves"; issue
 * 14). Collections: `tfa_coll_proven` says whether the inputs of `run` fill
 * collection c, so that an empty result means "none there": 1, or 0 with
 * the reason in why[0..size) (size may be 0), "no input provides changes: give the plan
 * JSON, a -json log or a text log of the plan". A query over a collection
 * no input fills is an ERROR, never an empty PASS. Facts: the `from` column
 * of the catalog (tfa_fact_kind_proves); a fact no input selects has no
 * value (tfa_fact_value's why).
 */
int tfa_coll_proven(const tfa_run *run, tfa_coll c, char *why, size_t size);
/* "no input provides C: give ...", static. */
const char *tfa_coll_missing(tfa_coll c);
/* Which inputs can fill c, as text for `tfaudit facts`. */
const char *tfa_coll_proven_by(tfa_coll c);
/* Which inputs can give f a value, in a word for the PROVEN BY column:
 * "plan", "logs" (ui-log or text-log), "ui-log", "text-log", "apply log",
 * "policy log", "cost log", "state", "plan, logs", "any", or "derived"
 * (computed over several inputs, see the description). */
const char *tfa_fact_proven_by(const tfa_fact *f);
/* Whether an input of kind k can fill c / give f a value at all. */
int tfa_coll_kind_proves(tfa_coll c, tfa_kind k);
int tfa_fact_kind_proves(const tfa_fact *f, tfa_kind k);

typedef struct tfa_field tfa_field;

size_t tfa_field_count(tfa_coll c);
const tfa_field *tfa_field_at(tfa_coll c, size_t i);
const tfa_field *tfa_field_find(tfa_coll c, const char *name, size_t len);
const char *tfa_field_name(const tfa_field *f);
tfa_vtype tfa_field_type(const tfa_field *f);
const char *tfa_field_doc(const tfa_field *f);
/* Field `f` of element i of collection c (null when the input does not
 * state it, e.g. `module` in the root module). */
tfa_value tfa_field_value(const tfa_field *f, const tfa_run *run, tfa_coll c, size_t i);

/* Whether field `f` of element i is a value the input stated but this
 * build could not read (an action it does not know): a condition on it
 * cannot be decided, so the caller treats it as missing (ERROR), writing
 * why into `why`. 0 for every other field and element. */
int tfa_field_unread(const tfa_field *f, const tfa_run *run, tfa_coll c, size_t i, char *why,
                     size_t why_size);

#endif
