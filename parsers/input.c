/*
 * input.c - detect an input's kind and hand it to its reader (see input.h).
 *
 * This file only routes bytes: detection lives in detect.c, formats in their
 * readers, archives in archive.c and directories in dirwalk.c. It also owns
 * what every input gets regardless of kind: size, SHA-256 and encoding,
 * taken from the stream after the reader is done.
 */
#include "util/compat.h"

#include <sys/stat.h>

#include "archive_load.h"
#include "detect.h"
#include "dirwalk.h"
#include "load.h"
#include "readers.h"
#include "text_ci.h"

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

/* Decide the kind of a document stream. TFA_KIND_UNKNOWN with `why` set when
 * it is empty or of no known kind. */
static int stream_kind(tfa_stream *in, const tfa_load_options *opts, tfa_kind *kind,
                       const char **why, tfa_error *err)
{
    const char *head;
    size_t len, i;
    int found, rc = tfa_stream_peek(in, &head, &len, err);

    if (rc)
        return rc;
    for (i = 0;
         i < len && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'); i++)
        ;
    *kind = TFA_KIND_UNKNOWN;
    if (i == len && tfa_stream_head_is_all(in)) {
        *why = "empty";
        return 0;
    }
    *kind = opts->kind;
    if (*kind == TFA_KIND_UNKNOWN &&
        tfa_detect_kind(head, len, tfa_stream_head_is_all(in), kind) != 0)
        return tfa_error_oom(err);
    *why = "not a Terraform plan, state or log";
    /* a CI job log: Terraform's output may start past the head */
    if (*kind == TFA_KIND_UNKNOWN && !tfa_stream_head_is_all(in) &&
        tfa_text_ci_prelude(head, len)) {
        if ((rc = tfa_detect_text_stream(in, &found, err)) != 0)
            return rc;
        if (found)
            *kind = TFA_KIND_TEXT_LOG;
    }
    return 0;
}

int tfa_load_skip(tfa_load *ld, const char *path, const char *why, tfa_error *err)
{
    if (tfa_run_add_path_note(ld->run, path, "skipped: %s", why) != 0)
        return tfa_error_oom(err);
    return 0;
}

int tfa_load_stream(tfa_load *ld, tfa_stream *in, tfa_error *err)
{
    const unsigned char *raw;
    const char *why = NULL;
    tfa_read_ctx ctx;
    tfa_input *input;
    tfa_kind kind;
    size_t len, i;
    int rc;

    if ((rc = tfa_stream_peek_raw(in, &raw, &len, err)) != 0)
        return rc;
    if (tfa_detect_container(raw, len) == TFA_CONTAINER_ARCHIVE)
        return tfa_archive_load(ld, in, err);
    if ((rc = stream_kind(in, ld->opts, &kind, &why, err)) != 0)
        return rc;
    if (kind == TFA_KIND_UNKNOWN) {
        if (ld->member)
            return tfa_load_skip(ld, tfa_stream_name(in), why, err);
        tfa_error_set_source(err, tfa_stream_name(in));
        if (strcmp(why, "empty") == 0)
            return tfa_error_set(err, TFA_EINPUT, "empty input");
        return tfa_error_set(err, TFA_EINPUT, "%s (use --kind to force one)", why);
    }
    input = tfa_run_push_input(ld->run, tfa_stream_name(in), kind);
    if (!input)
        return tfa_error_oom(err);
    ctx.run = ld->run;
    ctx.input = (unsigned)(tfa_run_input_count(ld->run) - 1);
    ctx.in = in;
    ctx.limits = &ld->opts->limits;
    ctx.err = err;
    if ((rc = reader_for(kind)(&ctx)) != 0 || (rc = tfa_stream_drain(in, err)) != 0)
        return rc;
    input->bytes = tfa_stream_bytes(in);
    input->encoding = tfa_encoding_name(tfa_stream_encoding(in));
    tfa_stream_digest(in, input->sha256);
    /* a log of several runs was read as several inputs ("job.log#2"): each
     * names the file it came from by its size and digest */
    for (i = ctx.input + 1; i < tfa_run_input_count(ld->run); i++) {
        tfa_input *run_part = tfa_run_input_mut(ld->run, i);
        run_part->bytes = input->bytes;
        run_part->encoding = input->encoding;
        memcpy(run_part->sha256, input->sha256, sizeof(input->sha256));
    }
    return 0;
}

int tfa_load_require_input(tfa_load *ld, const char *path, const char *what, tfa_error *err)
{
    if (ld->member || ld->each || tfa_run_input_count(ld->run) > ld->inputs_at_start)
        return 0;
    tfa_error_set_source(err, path);
    return tfa_error_set(err, TFA_EINPUT, "no Terraform plan, state or log in this %s", what);
}

int tfa_run_load_stream(tfa_run *run, tfa_stream *in, const tfa_load_options *opts, tfa_error *err)
{
    tfa_load ld = {run, opts, 0, 0, 0, 0, tfa_run_input_count(run), NULL, NULL};
    return tfa_load_stream(&ld, in, err);
}

int tfa_run_load(tfa_run *run, const char *path, const tfa_load_options *opts, tfa_error *err)
{
    tfa_load ld = {run, opts, 0, 0, 0, 0, tfa_run_input_count(run), NULL, NULL};
    tfa_stream *in = NULL;
    struct stat st;
    int rc;

    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return tfa_dir_load(&ld, path, err);
    if ((rc = tfa_stream_open_path(&in, path, err)) == 0)
        rc = tfa_load_stream(&ld, in, err);
    tfa_stream_free(in);
    return rc;
}

int tfa_archive_each(const char *path, const tfa_load_options *opts, tfa_run *notes,
                     tfa_member_fn fn, void *payload, tfa_error *err)
{
    tfa_load ld = {notes, opts, 0, 0, 0, 0, tfa_run_input_count(notes), fn, payload};
    const unsigned char *raw;
    tfa_stream *in = NULL;
    size_t len;
    int rc;

    if ((rc = tfa_stream_open_path(&in, path, err)) == 0 &&
        (rc = tfa_stream_peek_raw(in, &raw, &len, err)) == 0) {
        if (tfa_detect_container(raw, len) == TFA_CONTAINER_ARCHIVE) {
            rc = tfa_archive_load(&ld, in, err);
        } else {
            tfa_error_set_source(err, path);
            rc = tfa_error_set(err, TFA_EINPUT, "not a tar, zip or compressed file");
        }
    }
    tfa_stream_free(in);
    return rc;
}
