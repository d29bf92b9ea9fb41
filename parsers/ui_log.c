/* ui_log.c - placeholder until the ui_log reader lands (issue 3). */
#include "util/compat.h"

#include "readers.h"

int tfa_read_ui_log(const tfa_read_ctx *ctx)
{
    tfa_error_set_source(ctx->err, tfa_stream_name(ctx->in));
    return tfa_error_set(ctx->err, TFA_EINPUT, "ui_log inputs are not readable yet");
}
