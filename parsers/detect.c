/*
 * detect.c - content detection (see detect.h).
 *
 * JSON heads are scanned with the real tokenizer over the head bytes, so
 * detection and reading agree on what JSON is; a head cut in the middle of a
 * value simply stops the key scan.
 */
#include "util/compat.h"

#include "detect.h"
#include "readers.h"
#include "lines.h"
#include "scan.h"
#include "text_markers.h"
#include "util/limits.h"

tfa_container tfa_detect_container(const unsigned char *h, size_t n)
{
    static const struct {
        size_t off, len;
        const char *magic;
    } magics[] = {
        {0, 2, "\x1f\x8b"}, /* gzip */
        {0, 3, "BZh"},      /* bzip2 */
        {0, 6,
         "\xfd"
         "7zXZ\x00"},               /* xz */
        {0, 4, "\x28\xb5\x2f\xfd"}, /* zstd */
        {0, 4, "PK\x03\x04"},       /* zip */
        {0, 4, "PK\x05\x06"},       /* empty zip */
        {257, 5, "ustar"},          /* POSIX / GNU tar */
    };
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(magics); i++)
        if (n >= magics[i].off + magics[i].len &&
            memcmp(h + magics[i].off, magics[i].magic, magics[i].len) == 0)
            return TFA_CONTAINER_ARCHIVE;
    return TFA_CONTAINER_NONE;
}

/* What the top-level keys of the first JSON object say. */
typedef struct json_vote {
    int plan, state, ui, other, versions;
} json_vote;

static void vote_key(json_vote *v, const tfa_token *k)
{
    static const char *const state_keys[] = {"values",  "lineage",   "serial",        "version",
                                             "modules", "resources", "check_results", "outputs"};
    static const char *const ui_keys[] = {"@level", "@message", "@module", "@timestamp", "type"};
    size_t i;

    if (tfa_plan_is_plan_key(k)) {
        v->plan++;
        return;
    }
    for (i = 0; i < TFA_ARRAY_SIZE(state_keys); i++)
        if (tfa_token_is(k, state_keys[i])) {
            v->state++;
            return;
        }
    for (i = 0; i < TFA_ARRAY_SIZE(ui_keys); i++)
        if (tfa_token_is(k, ui_keys[i])) {
            v->ui++;
            return;
        }
    if (tfa_token_is(k, "format_version") || tfa_token_is(k, "terraform_version"))
        v->versions++;
    else
        v->other++;
}

static int detect_json(const char *head, size_t len, int complete, tfa_kind *out)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    tfa_stream *st = NULL;
    tfa_scan *sc = NULL;
    json_vote v = {0, 0, 0, 0, 0};
    tfa_error err;
    tfa_token t;
    tfa_kind kind = TFA_KIND_UNKNOWN;
    int ended = 0;

    tfa_error_init(&err);
    so.ci_noise = 1;
    if (tfa_stream_open_memory(&st, "head", head, len, &err) || tfa_scan_new(&sc, st, &so, &err) ||
        tfa_scan_next(sc, &t, &err) || t.type != TFA_TOK_OBJ)
        goto done;
    /* top-level keys only: nested values are skipped */
    while (tfa_scan_next(sc, &t, &err) == 0 && t.type == TFA_TOK_KEY) {
        vote_key(&v, &t);
        if (v.ui >= 2 || v.plan || (v.state && !v.ui))
            break;
        if (tfa_scan_next(sc, &t, &err) || tfa_scan_skip(sc, &t, &err))
            break;
    }
    ended = t.type == TFA_TOK_OBJ_END;
    if (v.ui >= 2)
        kind = TFA_KIND_UI_LOG;
    else if (v.plan)
        kind = TFA_KIND_PLAN;
    else if (v.state)
        kind = TFA_KIND_STATE;
    else if (v.versions && ended)
        kind = TFA_KIND_STATE; /* {"format_version": "1.0"}: an empty state */
    else if (v.versions && !complete)
        kind = TFA_KIND_PLAN; /* keys beyond the head decide; the plan reader says if not */
done:
    tfa_scan_free(sc);
    tfa_stream_free(st);
    *out = kind;
    /* out of memory is the only failure detection passes on: anything else
     * just means "not this kind", and the reader will say what is wrong */
    return err.status == TFA_ENOMEM ? TFA_ENOMEM : 0;
}

/* A `terraform plan|apply -json` log inside a CI job log (ui_log_ci.c): the
 * first line that starts with '{' once normalized (timestamp, CR, colour
 * removed, as the reader does) is a UI log message. Lines before it are the
 * CI prelude, whatever they say: a job runs `terraform init` (text) before
 * `plan -json`, so a text marker there decides nothing in the head. Past
 * the head, tfa_detect_text_stream asks tfa_detect_ci_ui_line of each line. */
int tfa_detect_ci_ui_line(const char *s, size_t n, int *json, tfa_kind *out)
{
    char copy[TFA_LIMIT_MARKER_LINE_BYTES];
    unsigned flags = 0;

    *json = 0;
    *out = TFA_KIND_UNKNOWN;
    n = n < sizeof(copy) ? n : sizeof(copy);
    memcpy(copy, s, n);
    n = tfa_line_normalize(copy, n, &flags);
    if (!n || copy[0] != '{')
        return 0;
    *json = 1;
    return detect_json(copy, n, 0, out);
}

static int detect_ci_ui(const char *head, size_t len, tfa_kind *out)
{
    const char *s;
    size_t pos = 0, n;
    int json, rc;

    while (tfa_lines_split(head, len, &pos, &s, &n))
        if ((rc = tfa_detect_ci_ui_line(s, n, &json, out)) != 0 || json)
            return rc;
    return 0;
}

int tfa_detect_kind(const char *head, size_t len, int complete, tfa_kind *out)
{
    size_t i = 0;
    int rc;

    *out = TFA_KIND_UNKNOWN;
    while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    if (i < len && (head[i] == '{' || head[i] == '[' || head[i] == ':' || head[i] == '%')) {
        if ((rc = detect_json(head + i, len - i, complete, out)) != 0 || *out != TFA_KIND_UNKNOWN)
            return rc;
    }
    if (memchr(head, '\0', len))
        return 0; /* binary */
    if ((rc = detect_ci_ui(head, len, out)) != 0 || *out == TFA_KIND_UI_LOG)
        return rc;
    *out = TFA_KIND_UNKNOWN; /* other JSON after a prelude: text rules decide */
    if (tfa_text_has_marker(head, len))
        *out = TFA_KIND_TEXT_LOG;
    return 0;
}
