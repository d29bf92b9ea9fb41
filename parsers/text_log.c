/* text_log.c - placeholder until the text_log reader lands (issue 3). */
#include "util/compat.h"

#include "readers.h"

int tfa_read_text_log(const tfa_read_ctx *ctx)
{
    tfa_error_set_source(ctx->err, tfa_stream_name(ctx->in));
    return tfa_error_set(ctx->err, TFA_EINPUT, "text_log inputs are not readable yet");
}
