/*
 * redact.c - redactor dispatch (see redact.h).
 *
 * Plans and `terraform show -json` states go through the JSON redactor
 * (parsers/plan_redact.h). Logs have no redactor and never will in this
 * form: a UI or text log carries whatever a provider, a provisioner or
 * TF_LOG printed, in free text, with no marks saying what was sensitive, so
 * nothing can tell a secret from the rest.
 */
#include "util/compat.h"

#include "plan_redact.h"
#include "redact.h"

int tfa_redact_supported(tfa_kind kind)
{
    return kind == TFA_KIND_PLAN || kind == TFA_KIND_STATE;
}

int tfa_redact_input(tfa_buf *out, tfa_kind kind, const char *data, size_t len, tfa_error *err)
{
    if (!tfa_redact_supported(kind))
        return tfa_error_set(err, TFA_ENOTFOUND,
                             "no redactor for %s inputs: logs carry free text "
                             "with no marks of what is sensitive",
                             tfa_kind_name(kind));
    return tfa_plan_redact(out, kind, "input", data, len, NULL, err);
}
