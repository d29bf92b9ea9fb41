/*
 * plan_redact.h - a copy of a plan or state JSON with every sensitive value
 * replaced, everything else byte for byte.
 *
 * What is sensitive (Terraform's "JSON Output Format", plan and values
 * representations, format_version 0.1 to 1.2):
 *  - in each resource change, drift entry and deferred change, the parts of
 *    `before` / `after` that `before_sensitive` / `after_sensitive` mark
 *    `true` (the union of both marks applies to both sides, as the plan
 *    reader's changed paths do);
 *  - `output_changes` values whose before/after_sensitive is true;
 *  - in planned_values, prior_state and a state's values: the parts of a
 *    resource's `values` that its `sensitive_values` marks, and the `value`
 *    of every output marked `"sensitive": true`;
 *  - the top-level `variables` values of variables declared sensitive in
 *    configuration.root_module.variables, and the `default` of every
 *    sensitive variable declaration;
 *  - every `constant_value` in `configuration`: literals written in .tf
 *    files, which Terraform never marks and which is where provider
 *    credentials end up when someone hard-codes them.
 * Fail closed: a value without its marks (format 0.1 plans have none), marks
 * that are not booleans, marks deeper than the value, a variable that the
 * configuration does not declare, and the value of any key this redactor
 * does not know (unless it is a number, boolean or null) are all replaced.
 *
 * A replaced value becomes the JSON string "(sensitive value)", Terraform's
 * own wording. Where a sensitive value changed between before and after,
 * the after side says "(sensitive value, changed)", so the redacted plan
 * still yields the same changed attribute paths (one bit Terraform's own
 * plan rendering shows too). Nulls and empty containers carry no value and
 * are kept. Map keys inside a sensitive value go with it, and a
 * `replace_paths` step that names a key inside a sensitive value is
 * replaced too.
 *
 * The document is read through the shared scanner (scan.h) once; the values
 * of one resource change are looked at a second time, from memory, once its
 * marks are known. Memory beyond the input and output: the replaced spans
 * and one resource's marks. Output is UTF-8 (a UTF-16 or BOM input comes
 * out decoded; a UTF-8 input comes out identical outside replaced values).
 * Raw terraform.tfstate files (version 4) are not redacted: TFA_EINPUT.
 */
#ifndef TFA_PLAN_REDACT_H
#define TFA_PLAN_REDACT_H

#include <stddef.h>

#include "run.h"
#include "util/buf.h"
#include "util/error.h"

#define TFA_REDACTED         "(sensitive value)"
#define TFA_REDACTED_CHANGED "(sensitive value, changed)"

typedef struct tfa_redact_stats {
    size_t values; /* values replaced */
} tfa_redact_stats;

/*
 * Append the redacted copy of `data` (a plan or a state JSON, `kind`;
 * named `name` in errors) to `out`. `stats` may be NULL. Errors:
 * TFA_EINPUT (not JSON, not a plan or state document, a raw tfstate),
 * TFA_ELIMIT (a scanner limit), TFA_ENOMEM (also when `out` hits its max).
 */
int tfa_plan_redact(tfa_buf *out, tfa_kind kind, const char *name, const char *data, size_t len,
                    tfa_redact_stats *stats, tfa_error *err);

#endif
