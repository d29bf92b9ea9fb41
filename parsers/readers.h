/*
 * readers.h - the format readers, internal to parsers/.
 *
 * input.c detects an input's kind, pushes its tfa_input and calls one of
 * these with the decoded stream. A reader fills the kind's facts (in->plan,
 * in->log, in->state, versions, documents) and adds its records to the run;
 * input.c then drains the stream and sets size, digest and encoding. On
 * error the reader leaves `err` set and the run is discarded by the caller.
 */
#ifndef TFA_READERS_H
#define TFA_READERS_H

#include "run_build.h"
#include "scan.h"
#include "stream.h"
#include "util/limits.h"

typedef struct tfa_read_ctx {
    tfa_run *run;
    unsigned input; /* index of the tfa_input to fill */
    tfa_stream *in;
    const tfa_limits *limits;
    int unpinned; /* tfa_load_options.unpinned */
    tfa_error *err;
} tfa_read_ctx;

int tfa_read_plan_json(const tfa_read_ctx *ctx);
/* Whether a top-level KEY token is one only plan documents have. */
int tfa_plan_is_plan_key(const tfa_token *k);
int tfa_read_ui_log(const tfa_read_ctx *ctx);
int tfa_read_text_log(const tfa_read_ctx *ctx);
int tfa_read_state_json(const tfa_read_ctx *ctx);

#endif
