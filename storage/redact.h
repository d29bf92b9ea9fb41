/*
 * redact.h - the one door through which run inputs may enter an audit
 * bundle: a redactor per input kind that removes every sensitive value.
 *
 * Plans and `terraform show -json` states are redacted by
 * parsers/plan_redact.h (every value Terraform marks sensitive replaced,
 * the rest byte for byte). Raw terraform.tfstate files and logs have no
 * redactor: logs carry anything a provider or TF_LOG printed, unmarked, so
 * inputs of those kinds are left out of bundles and the manifest says why.
 * A redactor plugs in here and nowhere else.
 */
#ifndef TFA_REDACT_H
#define TFA_REDACT_H

#include <stddef.h>

#include "run.h"
#include "util/buf.h"
#include "util/error.h"

/* Whether a redactor exists for `kind` (callers skip reading inputs that
 * could not be included anyway). */
int tfa_redact_supported(tfa_kind kind);

/*
 * Append a redacted copy of `data` (an input of `kind`) to `out`.
 * TFA_ENOTFOUND (with the reason in err) when no redactor exists for the
 * kind; the caller must then leave the input out.
 */
int tfa_redact_input(tfa_buf *out, tfa_kind kind, const char *data, size_t len, tfa_error *err);

#endif
