/*
 * ui_log_ci.c - a `terraform plan|apply -json` log as a CI system stores it
 * (see ui_log.h, tfa_uilog__ci_open).
 *
 * GitHub Actions raw logs put an RFC 3339 timestamp before every line and a
 * runner prelude (setup steps, "##[group]Run terraform apply -json",
 * setup-terraform's "[command]/usr/bin/terraform apply -json" echo) before
 * the first message; GitLab adds colour and section markers; Jenkins'
 * timestamper writes "[HH:MM:SS]". The JSON tokenizer reads a plain stream,
 * so this filter stands between: it hands the tokenizer every line of the
 * input, normalized by the text logs' own normalizer (lines.h: timestamp,
 * CR, colour and GitLab section markers removed), with CI lines blanked
 * out. One line out per line in, so the tokenizer's line numbers are the
 * file's.
 *
 * Which CI lines are taken, and which are an error (fail closed: Terraform
 * writes nothing but JSON on a -json run, so anything else between its
 * messages is another program's output mixed into the stream):
 *   - before the first line that starts with '{': anything (the prelude);
 *   - between messages: blank lines, the runners' group/section/debug
 *     markers ("::group::", "::endgroup::", "::debug::", "##[group]",
 *     "##[endgroup]", "##[section]", "##[debug]"; GitLab's section markers
 *     are gone after normalization) and the echo of a terraform, tofu or
 *     terragrunt command (text_ci.h: a second run in the same job);
 *   - any other line ends the messages: from there on only non-JSON lines
 *     may follow (the epilogue: "##[error]Process completed with exit code
 *     1.", setup-terraform's "::debug::" lines, cleanup steps). A line
 *     starting with '{' after it is an error naming the first such line.
 * A line that starts with '{' goes to the tokenizer whole: one that does not
 * parse (cut off, interleaved) is the reader's error at that line.
 */
#include "util/compat.h"

#include "lines.h"
#include "text_ci.h"
#include "ui_log.h"
#include "util/alloc.h"

enum ci_state { CI_PRELUDE = 0, CI_BODY, CI_EPILOGUE };

struct uilog_ci {
    tfa_lines *lines;
    char *name; /* the input's name, for errors */
    enum ci_state state;
    const char *pend; /* the rest of the current line (its '\n' after it) */
    size_t pend_len;
    int pend_nl;            /* the '\n' is still to be given */
    tfa_pos first_epilogue; /* the first line that ended the messages */
    uilog_ci_counts counts;
    unsigned long tolerated; /* markers since the last message: between or after */
};

/* Marker lines a runner may write between two messages of one step. */
static int tolerated(const char *s, size_t len)
{
    static const char *const leads[] = {"::group::",    "::endgroup::", "::debug::", "##[group]",
                                        "##[endgroup]", "##[section]",  "##[debug]"};
    tfa_ci_cmd cmd;
    size_t k;

    for (k = 0; k < TFA_ARRAY_SIZE(leads); k++)
        if (len >= strlen(leads[k]) && memcmp(s, leads[k], strlen(leads[k])) == 0)
            return 1;
    return tfa_text_ci_command(s, len, &cmd);
}

/* Take the next input line into pend; 0 at the end, < 0 an error. */
static int next_line(uilog_ci *c, tfa_error *err)
{
    tfa_line line;
    int rc = tfa_lines_next(c->lines, &line, err);

    if (rc <= 0)
        return rc;
    c->pend = line.text;
    c->pend_len = 0;
    /* a last line without its newline stays so: a message cut off by the
     * end of the input is the reader's truncated tail, as in a bare log */
    c->pend_nl = !(line.flags & TFA_LINE_NO_EOL);
    if (line.len == 0)
        return 1;
    if (line.text[0] == '{') {
        if (c->state == CI_EPILOGUE) {
            tfa_error_set_source(err, c->name);
            return tfa_error_set_at(err, TFA_EINPUT, &c->first_epilogue,
                                    "output that is not a UI log message between messages (line "
                                    "%lu has more messages after it; only CI markers and command "
                                    "lines may stand between them)",
                                    c->first_epilogue.line);
        }
        c->state = CI_BODY;
        c->counts.between += c->tolerated;
        c->tolerated = 0;
        c->counts.messages_lines++;
        c->pend_len = line.len;
        return 1;
    }
    switch (c->state) {
    case CI_PRELUDE:
        c->counts.before++;
        break;
    case CI_BODY:
        if (tolerated(line.text, line.len)) {
            c->tolerated++;
            break;
        }
        c->state = CI_EPILOGUE;
        c->counts.after += c->tolerated;
        c->tolerated = 0;
        c->first_epilogue = line.pos;
        /* fall through */
    case CI_EPILOGUE:
        c->counts.after++;
        break;
    }
    return 1;
}

static long long ci_read(void *ctx, void *buf, size_t len, tfa_error *err)
{
    uilog_ci *c = ctx;
    char *out = buf;
    size_t n = 0, k;
    int rc;

    while (n < len) {
        if (c->pend_len) {
            k = c->pend_len < len - n ? c->pend_len : len - n;
            memcpy(out + n, c->pend, k);
            c->pend += k;
            c->pend_len -= k;
            n += k;
        } else if (c->pend_nl) {
            out[n++] = '\n';
            c->pend_nl = 0;
        } else if ((rc = next_line(c, err)) <= 0) {
            if (rc < 0)
                return rc;
            c->counts.after += c->tolerated; /* markers after the last message */
            c->tolerated = 0;
            break;
        }
    }
    return (long long)n;
}

static void ci_close(void *ctx)
{
    uilog_ci *c = ctx;
    tfa_lines_free(c->lines);
    tfa_free(c->name);
    tfa_free(c);
}

int tfa_uilog__ci_wanted(tfa_stream *in)
{
    const char *head;
    size_t len, i = 0;
    tfa_error ignored;

    tfa_error_init(&ignored);
    if (tfa_stream_peek(in, &head, &len, &ignored) != 0)
        return 0; /* the reader's first read says what is wrong */
    while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    return i < len && head[i] != '{';
}

int tfa_uilog__ci_open(tfa_stream **out, uilog_ci **ci, tfa_stream *in, tfa_error *err)
{
    tfa_lines_options lo = TFA_LINES_OPTIONS_INIT;
    tfa_stream_source src;
    uilog_ci *c;
    size_t n = strlen(tfa_stream_name(in)) + 1;
    int rc;

    *out = NULL;
    *ci = NULL;
    if (!(c = tfa_calloc(1, sizeof(*c))) || !(c->name = tfa_malloc(n))) {
        tfa_free(c);
        return tfa_error_oom(err);
    }
    memcpy(c->name, tfa_stream_name(in), n);
    if (tfa_lines_new(&c->lines, in, &lo, err) != 0) {
        ci_close(c);
        return tfa_error_oom(err);
    }
    src.read = ci_read;
    src.close = ci_close;
    src.ctx = c;
    /* tfa_stream_new closes c when it fails */
    if ((rc = tfa_stream_new(out, c->name, &src, err)) == 0) {
        *ci = c;
        tfa_stream_unhashed(*out); /* the input's own stream hashes it */
    }
    return rc;
}

const uilog_ci_counts *tfa_uilog__ci_counts(const uilog_ci *ci)
{
    return &ci->counts;
}
