/*
 * detect.h - what an input is, from its content (never its name).
 *
 * Two questions, asked on the first TFA_LIMIT_DETECT_BYTES:
 *  - is it a container (tar, zip, gzip/bzip2/xz/zstd stream)? -> tfa_detect_container
 *    on the raw bytes;
 *  - if not, which kind of document? -> tfa_detect_kind on the decoded text.
 */
#ifndef TFA_DETECT_H
#define TFA_DETECT_H

#include <stddef.h>

#include "run.h"
#include "stream.h"

typedef enum tfa_container {
    TFA_CONTAINER_NONE = 0,
    TFA_CONTAINER_ARCHIVE /* something libarchive reads: tar, zip, compressed streams */
} tfa_container;

tfa_container tfa_detect_container(const unsigned char *head, size_t len);

/*
 * The kind of a decoded text head. `complete` says the head is the whole
 * input. JSON objects are told apart by their keys (a plan's, a state's, or
 * a UI log message's "@level"/"type"); text is a text log when it has a line
 * Terraform, OpenTofu, Sentinel or cost estimation prints. TFA_KIND_UNKNOWN
 * when nothing matches (binary data, other JSON, other text). Returns 0, or
 * TFA_ENOMEM (detection scans JSON heads with the real tokenizer).
 */
int tfa_detect_kind(const char *head, size_t len, int complete, tfa_kind *out);

/*
 * A text input whose head has no Terraform line but may be a CI job or shell
 * log (tfa_text_ci_prelude): read on, in bounded memory, for the first line
 * that is a Terraform text marker (*found TFA_KIND_TEXT_LOG) or, once
 * normalized as the CI readers do, a `-json` UI log message
 * (TFA_KIND_UI_LOG). When one is found, the stream gives back the part of
 * the input from shortly before that line (the prelude before it is
 * dropped, see stream.h tfa_stream_unread); else *found is TFA_KIND_UNKNOWN
 * and the stream is at its end. Only valid before the first read. Returns
 * 0, or a stream error (TFA_EIO, TFA_EINPUT for broken UTF-16), TFA_ENOMEM.
 */
int tfa_detect_text_stream(tfa_stream *in, tfa_kind *found, tfa_error *err);

/* The kind of a stream that is not a container, from its decoded head
 * (`head`, `len`: tfa_stream_peek) and, for a CI job log whose Terraform
 * output starts past the head, from what follows (tfa_detect_text_stream).
 * With `head_only` the stream is not read on: *more is 1 instead when it
 * would have been. 0, TFA_ENOMEM or a stream error. */
int tfa_detect_stream_kind(tfa_stream *in, const char *head, size_t len, int head_only,
                           tfa_kind *kind, int *more, tfa_error *err);

/* One line of a CI job log: *json is 1 when it starts with '{' once
 * normalized, and *out then says what that JSON is (TFA_KIND_UI_LOG for a
 * UI log message). 0 or TFA_ENOMEM. */
int tfa_detect_ci_ui_line(const char *s, size_t n, int *json, tfa_kind *out);

#endif
