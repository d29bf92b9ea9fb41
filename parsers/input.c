/*
 * input.c - detect an input's kind and hand it to its reader (see input.h).
 *
 * This file only routes bytes: detection lives in detect.c, formats in their
 * readers, archives in archive.c and directories in dirwalk.c. It also owns
 * what every input gets regardless of kind: size, SHA-256 and encoding,
 * taken from the stream after the reader is done.
 */
#include "util/compat.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include "archive_load.h"
#include "detect.h"
#include "dirwalk.h"
#include "load.h"
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

/* Decide the kind of a document stream. TFA_KIND_UNKNOWN with `why` set when
 * it is empty or of no known kind. */
static int stream_kind(tfa_stream *in, const tfa_load_options *opts, tfa_kind *kind,
                       const char **why, tfa_error *err)
{
    const char *head;
    size_t len, i;
    int more, rc = tfa_stream_peek(in, &head, &len, err);

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
    *why = "not a Terraform plan, state or log";
    *kind = opts->kind;
    if (*kind != TFA_KIND_UNKNOWN)
        return 0;
    return tfa_detect_stream_kind(in, head, len, 0, kind, &more, err);
}

const char *tfa_load_skip_glob(const tfa_load_options *opts, const char *name)
{
    size_t i, at;

    /* the name from each component on: "bundle.tar.gz!logs/x.txt",
     * "logs/x.txt", "x.txt" (a directory's entries likewise) */
    for (i = 0; i < opts->n_skip_unknown; i++)
        for (at = 0; name[at]; at++)
            if ((at == 0 || name[at - 1] == '/' || name[at - 1] == '!') &&
                fnmatch(opts->skip_unknown[i], name + at, 0) == 0)
                return opts->skip_unknown[i];
    return NULL;
}

/* A document that could not be read, for opts->each_document: reported,
 * and the load goes on. */
static int report_failed(tfa_load *ld, const char *name, tfa_error *failed, tfa_error *err)
{
    tfa_error_set_source(failed, name);
    ld->documents++;
    return ld->opts->each_document(ld->opts->each_document_payload, NULL, failed, err);
}

/* Refuse member `path`; `hint` (what the user can do) goes in the error only. */
static int refuse(tfa_load *ld, const char *path, const char *why, const char *hint, tfa_error *err)
{
    const char *glob = tfa_load_skip_glob(ld->opts, path);
    size_t n = strlen(why);
    /* "WHY (HINT)", or "WHY (...); HINT" when WHY ends in parentheses */
    int paren = n && why[n - 1] == ')';
    tfa_error mine;

    if (glob)
        return tfa_run_add_path_note(ld->run, path, "skipped (--skip-unknown '%s'): %s", glob, why)
                   ? tfa_error_oom(err)
                   : 0;
    if (!ld->opts->each_document) {
        tfa_error_set_source(err, path);
        return tfa_error_set(err, TFA_EINPUT, "%s%s%s%s", why, paren ? "; " : " (", hint,
                             paren ? "" : ")");
    }
    tfa_error_init(&mine);
    tfa_error_set(&mine, TFA_EINPUT, "%s%s%s%s", why, paren ? "; " : " (", hint, paren ? "" : ")");
    return report_failed(ld, path, &mine, err);
}

int tfa_load_refuse(tfa_load *ld, const char *path, const char *why, tfa_error *err)
{
    return refuse(ld, path, why, "--skip-unknown GLOB skips it", err);
}

/* The manifest.json `tfaudit archive` writes at the top of its bundles
 * (storage/bundle.h, "format": "tfaudit-bundle/1") is identified: the
 * bundle's own metadata beside its inputs, not an input and not unknown. */
static int is_bundle_manifest(tfa_stream *in)
{
    static const char tag[] = "\"tfaudit-bundle/";
    const char *name = tfa_stream_name(in), *head, *bang = strrchr(name, '!');
    size_t len;
    tfa_error ignored;

    tfa_error_init(&ignored);
    if (!bang || strcmp(bang, "!manifest.json") != 0 ||
        tfa_stream_peek(in, &head, &len, &ignored) != 0)
        return 0;
    return memmem(head, len, tag, sizeof(tag) - 1) != NULL;
}

/* Why a stream of no known kind is refused, worded for a member or for a
 * file named directly (which no glob can skip). */
static int refuse_unknown(tfa_load *ld, tfa_stream *in, const char *why, tfa_error *err)
{
    char msg[128];
    int empty = strcmp(why, "empty") == 0;

    if (ld->member && is_bundle_manifest(in))
        return 0;
    if (ld->member)
        return refuse(ld, tfa_stream_name(in), empty ? "empty input" : why,
                      empty ? "--skip-unknown GLOB skips it"
                            : "use --kind to force one, or --skip-unknown GLOB to skip it",
                      err);
    snprintf(msg, sizeof(msg), "%s (use --kind to force one)", why);
    if (ld->opts->each_document) {
        tfa_error mine;
        tfa_error_init(&mine);
        tfa_error_set(&mine, TFA_EINPUT, "%s", empty ? "empty input" : msg);
        return report_failed(ld, tfa_stream_name(in), &mine, err);
    }
    tfa_error_set_source(err, tfa_stream_name(in));
    return tfa_error_set(err, TFA_EINPUT, "%s", empty ? "empty input" : msg);
}

/* Read a document of a known kind into `run` (the load's, or one of its own). */
static int read_document(tfa_run *run, tfa_stream *in, tfa_kind kind, const tfa_load_options *opts,
                         tfa_error *err)
{
    tfa_read_ctx ctx;
    tfa_input *input = tfa_run_push_input(run, tfa_stream_name(in), kind);
    size_t i;
    int rc;

    if (!input)
        return tfa_error_oom(err);
    ctx.run = run;
    ctx.input = (unsigned)(tfa_run_input_count(run) - 1);
    ctx.in = in;
    ctx.limits = &opts->limits;
    ctx.unpinned = opts->unpinned;
    ctx.err = err;
    if ((rc = reader_for(kind)(&ctx)) != 0 || (rc = tfa_stream_drain(in, err)) != 0)
        return rc;
    input->bytes = tfa_stream_bytes(in);
    input->encoding = tfa_encoding_name(tfa_stream_encoding(in));
    tfa_stream_digest(in, input->sha256);
    /* a log of several runs was read as several inputs ("job.log#2"): each
     * names the file it came from by its size and digest */
    for (i = ctx.input + 1; i < tfa_run_input_count(run); i++) {
        tfa_input *run_part = tfa_run_input_mut(run, i);
        run_part->bytes = input->bytes;
        run_part->encoding = input->encoding;
        memcpy(run_part->sha256, input->sha256, sizeof(input->sha256));
    }
    return 0;
}

/* opts->each_document: the document in a run of its own, read or not. */
static int document_alone(tfa_load *ld, tfa_stream *in, tfa_kind kind, tfa_error *err)
{
    tfa_run *doc = NULL;
    tfa_error mine;
    int rc;

    tfa_error_init(&mine);
    if (tfa_run_new(&doc) != 0)
        return tfa_error_oom(err);
    rc = read_document(doc, in, kind, ld->opts, &mine);
    if (rc == TFA_ENOMEM) {
        rc = tfa_error_oom(err);
    } else if (rc == TFA_ELIMIT || rc == TFA_EIO) { /* a guard or the container: stop */
        *err = mine;
    } else if (rc) {
        rc = report_failed(ld, tfa_stream_name(in), &mine, err);
    } else {
        ld->documents++;
        rc = ld->opts->each_document(ld->opts->each_document_payload, doc, NULL, err);
    }
    tfa_run_free(doc);
    return rc;
}

int tfa_load_stream(tfa_load *ld, tfa_stream *in, tfa_error *err)
{
    const unsigned char *raw;
    const char *why = NULL;
    tfa_kind kind;
    size_t len;
    int rc;

    if ((rc = tfa_stream_peek_raw(in, &raw, &len, err)) != 0)
        return rc;
    if (tfa_detect_container(raw, len) == TFA_CONTAINER_ARCHIVE)
        return tfa_archive_load(ld, in, err);
    if ((rc = stream_kind(in, ld->opts, &kind, &why, err)) != 0)
        return rc;
    if (kind == TFA_KIND_UNKNOWN)
        return refuse_unknown(ld, in, why, err);
    if (ld->opts->each_document)
        return document_alone(ld, in, kind, err);
    ld->documents++;
    return read_document(ld->run, in, kind, ld->opts, err);
}

int tfa_load_require_input(tfa_load *ld, const char *path, const char *what, tfa_error *err)
{
    if (ld->member || ld->each || ld->documents > 0 ||
        tfa_run_input_count(ld->run) > ld->inputs_at_start)
        return 0;
    tfa_error_set_source(err, path);
    return tfa_error_set(err, TFA_ENODOC, "no Terraform plan, state or log in this %s", what);
}

static void load_init(tfa_load *ld, tfa_run *run, const tfa_load_options *opts)
{
    memset(ld, 0, sizeof(*ld));
    ld->run = run;
    ld->opts = opts;
    ld->inputs_at_start = tfa_run_input_count(run);
}

int tfa_run_load_stream(tfa_run *run, tfa_stream *in, const tfa_load_options *opts, tfa_error *err)
{
    tfa_load ld;
    load_init(&ld, run, opts);
    return tfa_load_stream(&ld, in, err);
}

int tfa_run_load_member(tfa_run *run, tfa_stream *in, const tfa_load_options *opts, tfa_error *err)
{
    tfa_load ld;
    load_init(&ld, run, opts);
    ld.member = 1;
    return tfa_load_stream(&ld, in, err);
}

int tfa_run_refuse_member(tfa_run *run, const char *name, const char *why,
                          const tfa_load_options *opts, tfa_error *err)
{
    tfa_load ld;
    load_init(&ld, run, opts);
    ld.member = 1;
    return tfa_load_refuse(&ld, name, why, err);
}

int tfa_run_load(tfa_run *run, const char *path, const tfa_load_options *opts, tfa_error *err)
{
    tfa_load ld;
    tfa_stream *in = NULL;
    struct stat st;
    int rc;

    load_init(&ld, run, opts);
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
    tfa_load ld;
    const unsigned char *raw;
    tfa_stream *in = NULL;
    size_t len;
    int rc;

    load_init(&ld, notes, opts);
    ld.each = fn;
    ld.each_payload = payload;
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
