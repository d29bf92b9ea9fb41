/*
 * input.c - detect an input's kind and hand it to its reader (see input.h).
 *
 * This file only routes bytes: detection lives in detect.c, formats in their
 * readers. It also owns what every input gets regardless of kind: size,
 * SHA-256 and encoding, taken from the stream after the reader is done.
 */
#include "util/compat.h"

#include "detect.h"
#include "input.h"
#include "readers.h"

typedef int (*reader_fn)(const tfa_read_ctx *ctx);

static reader_fn reader_for(tfa_kind kind)
{
    switch (kind) {
    case TFA_KIND_PLAN:
        return tfa_read_plan_json;
    case TFA_KIND_UI_LOG:
        return tfa_read_ui_log;
    case TFA_KIND_TEXT_LOG:
        return tfa_read_text_log;
    case TFA_KIND_STATE:
        return tfa_read_state_json;
    default:
        return NULL;
    }
}

/* Decide the kind of a non-archive stream. */
static int stream_kind(tfa_stream *in, const tfa_load_options *opts, tfa_kind *kind, tfa_error *err)
{
    const char *head;
    size_t len, i;
    int rc = tfa_stream_peek(in, &head, &len, err);

    if (rc)
        return rc;
    for (i = 0;
         i < len && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'); i++)
        ;
    if (i == len && tfa_stream_head_is_all(in)) {
        tfa_error_set_source(err, tfa_stream_name(in));
        return tfa_error_set(err, TFA_EINPUT, "empty input");
    }
    *kind = opts->kind;
    if (*kind == TFA_KIND_UNKNOWN &&
        tfa_detect_kind(head, len, tfa_stream_head_is_all(in), kind) != 0)
        return tfa_error_oom(err);
    if (*kind == TFA_KIND_UNKNOWN) {
        tfa_error_set_source(err, tfa_stream_name(in));
        return tfa_error_set(err, TFA_EINPUT,
                             "not a Terraform plan, state or log (use --kind to force one)");
    }
    return 0;
}

int tfa_run_load_stream(tfa_run *run, tfa_stream *in, const tfa_load_options *opts, tfa_error *err)
{
    const unsigned char *raw;
    tfa_read_ctx ctx;
    tfa_input *input;
    tfa_kind kind;
    size_t len;
    int rc;

    if ((rc = tfa_stream_peek_raw(in, &raw, &len, err)) != 0)
        return rc;
    if (tfa_detect_container(raw, len) == TFA_CONTAINER_ARCHIVE) {
        tfa_error_set_source(err, tfa_stream_name(in));
        return tfa_error_set(err, TFA_EINPUT, "archive inputs are not readable yet");
    }
    if ((rc = stream_kind(in, opts, &kind, err)) != 0)
        return rc;
    input = tfa_run_push_input(run, tfa_stream_name(in), kind);
    if (!input)
        return tfa_error_oom(err);
    ctx.run = run;
    ctx.input = (unsigned)(tfa_run_input_count(run) - 1);
    ctx.in = in;
    ctx.limits = &opts->limits;
    ctx.err = err;
    if ((rc = reader_for(kind)(&ctx)) != 0 || (rc = tfa_stream_drain(in, err)) != 0)
        return rc;
    input->bytes = tfa_stream_bytes(in);
    input->encoding = tfa_encoding_name(tfa_stream_encoding(in));
    tfa_stream_digest(in, input->sha256);
    return 0;
}

int tfa_run_load(tfa_run *run, const char *path, const tfa_load_options *opts, tfa_error *err)
{
    tfa_stream *in = NULL;
    int rc = tfa_stream_open_path(&in, path, err);
    if (rc == 0)
        rc = tfa_run_load_stream(run, in, opts, err);
    tfa_stream_free(in);
    return rc;
}
