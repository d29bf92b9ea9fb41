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
 *
 * The filter splits the input into lines itself rather than through
 * tfa_lines, which normalizes in its own window: here the input's bytes are
 * read into two buffers in turn that nothing writes to, so the input stream
 * hashes one on the other core (tfa_stream_async_hash_ahead) while this one
 * reads the next and the tokenizer works; a line is copied to the
 * tokenizer's window without its CI prefix (the normalizer's view, lines.h),
 * or copied and normalized there when it holds a CR or an ESC. The
 * lines are those of tfa_lines: a "\n" ends one, a "\r" before it is dropped,
 * a last line may lack it, one longer than TFA_LIMIT_LINE_BYTES is an error.
 */
#include "util/compat.h"

#include "lines.h"
#include "text_ci.h"
#include "ui_log.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

/* Input bytes asked for per read: one job for the hash thread. */
#define CI_CHUNK (1u << 20)

/* next_line: the line does not fit what is left of this read */
#define LINE_LATER 2

enum ci_state { CI_PRELUDE = 0, CI_BODY, CI_EPILOGUE };

/* A line of the input, as it stands in the raw buffer (not normalized). */
typedef struct raw_line {
    const char *text;
    size_t len;
    int eol;     /* it ended in "\n" */
    size_t next; /* where the line after it starts in the raw buffer */
    tfa_pos pos;
} raw_line;

struct uilog_ci {
    tfa_stream *in;
    char *name; /* the input's name, for errors */
    /* input bytes, never written while the input may be hashing them: each
     * read goes to the other buffer, after the line not yet taken */
    tfa_buf raws[2];
    tfa_buf *raw;            /* the buffer lines are taken from */
    tfa_byte_finder cr, esc; /* the next CR and ESC in raw (lines.h) */
    size_t start;            /* first byte not taken */
    size_t scanned;          /* bytes after start known to hold no newline */
    uint64_t offset;         /* decoded offset of raw->ptr[start] */
    unsigned long count;
    int eof;
    tfa_buf long_line; /* a line longer than the tokenizer's read asked for */
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

/* Append one read of input after the line not yet taken: in the other
 * buffer, which the line moves to, so the one the last read went to may
 * still be hashing; in place when the line fills its buffer from the start
 * (a line longer than a read, rare), once its bytes are hashed. */
static int fill(uilog_ci *c, tfa_error *err)
{
    tfa_buf *other = c->raw == &c->raws[0] ? &c->raws[1] : &c->raws[0];
    long long n;

    if (c->start == 0) {
        tfa_stream_sync(c->in); /* the buffer may move as it grows */
    } else {
        tfa_stream_sync_but_last(c->in); /* the other buffer's read came before the last */
        tfa_buf_truncate(other, 0);
        if (tfa_buf_put(other, c->raw->ptr + c->start, c->raw->len - c->start) != 0)
            return tfa_error_oom(err);
        c->raw = other;
        c->start = 0;
        tfa_byte_finder_reset(&c->cr);
        tfa_byte_finder_reset(&c->esc);
    }
    if (tfa_buf_grow(c->raw, CI_CHUNK) != 0)
        return tfa_error_oom(err);
    n = tfa_stream_read(c->in, c->raw->ptr + c->raw->len, CI_CHUNK, err);
    if (n < 0)
        return (int)n;
    if (n == 0)
        c->eof = 1;
    c->raw->len += (size_t)n;
    return 0;
}

static int too_long(uilog_ci *c, tfa_error *err)
{
    tfa_pos pos;
    pos.line = c->count + 1;
    pos.column = 1;
    pos.offset = c->offset;
    tfa_error_set_source(err, c->name);
    return tfa_error_set_at(err, TFA_ELIMIT, &pos, "line longer than %u bytes",
                            TFA_LIMIT_LINE_BYTES);
}

/* The next line, not yet taken: 1, 0 at the end, < 0 an error. It stays
 * valid until the next fill. */
static int peek_line(uilog_ci *c, raw_line *l, tfa_error *err)
{
    const char *nl;
    size_t avail;
    int rc;

    for (;;) {
        avail = c->raw->len - c->start;
        nl = avail > c->scanned
                 ? memchr(c->raw->ptr + c->start + c->scanned, '\n', avail - c->scanned)
                 : NULL;
        if (nl)
            break;
        c->scanned = avail;
        if (avail > TFA_LIMIT_LINE_BYTES + 1) /* + 1: a CR before the newline does not count */
            return too_long(c, err);
        if (c->eof) {
            if (avail == 0)
                return 0;
            break;
        }
        if ((rc = fill(c, err)) != 0)
            return rc;
    }
    l->text = c->raw->ptr + c->start;
    l->len = nl ? (size_t)(nl - l->text) : avail;
    l->eol = nl != NULL;
    l->next = nl ? (size_t)(nl - c->raw->ptr) + 1 : c->raw->len;
    if (l->len && l->text[l->len - 1] == '\r')
        l->len--;
    if (l->len > TFA_LIMIT_LINE_BYTES)
        return too_long(c, err);
    l->pos.line = c->count + 1;
    l->pos.column = 1;
    l->pos.offset = c->offset;
    return 1;
}

static void take_line(uilog_ci *c, const raw_line *l)
{
    c->count++;
    c->offset += l->next - c->start;
    c->start = l->next;
    c->scanned = 0;
}

/* What a normalized line is: 1 a message line (the tokenizer's), 0 a CI
 * line (blanked), < 0 an error. */
static int classify(uilog_ci *c, const char *text, size_t len, const tfa_pos *pos, tfa_error *err)
{
    if (len == 0)
        return 0;
    if (text[0] == '{') {
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
        return 1;
    }
    switch (c->state) {
    case CI_PRELUDE:
        c->counts.before++;
        break;
    case CI_BODY:
        if (tolerated(text, len)) {
            c->tolerated++;
            break;
        }
        c->state = CI_EPILOGUE;
        c->counts.after += c->tolerated;
        c->tolerated = 0;
        c->first_epilogue = *pos;
        /* fall through */
    case CI_EPILOGUE:
        c->counts.after++;
        break;
    }
    return 0;
}

/*
 * The next line into out[0..room), normalized: where the line needs no
 * rewriting (no CR, no ESC: nearly every line), only what the normalizer
 * keeps of it is copied (the CI prefix of a 500-byte message line used to
 * be copied, then moved out); else the line is copied there and normalized
 * in place (the raw buffer stays as read). Then it is classified. *used is
 * what the tokenizer gets: the line if it is a message line, else nothing
 * (its newline is pend_nl's). A line longer than `room` goes through
 * long_line and pend, but only when `whole` (room is all the read asked
 * for): else LINE_LATER, nothing taken, and the next read starts with it. 1
 * for a line, 0 at the end, or a negative status.
 */
static int next_line(uilog_ci *c, char *out, size_t room, int whole, size_t *used, tfa_error *err)
{
    unsigned flags = 0;
    raw_line l;
    const char *text;
    char *dst = out;
    size_t len, e;
    int rc, view;

    *used = 0;
    memset(&l, 0, sizeof(l));
    if ((rc = peek_line(c, &l, err)) <= 0)
        return rc;
    /* a line with no CR and no ESC: what the normalizer keeps of it is a
     * part of it (the trailing CR of a CRLF line end is not in l.len) */
    e = c->start + l.len;
    view = tfa_byte_finder_next(&c->cr, c->raw->ptr, c->start, e, c->raw->len, '\r') >= e &&
           tfa_byte_finder_next(&c->esc, c->raw->ptr, c->start, e, c->raw->len, '\x1b') >= e;
    if (view) {
        tfa_line_view_plain(l.text, l.len, &text, &len, &flags);
    } else {
        text = l.text;
        len = l.len;
    }
    if (len > room) {
        if (!whole)
            return LINE_LATER;
        tfa_buf_clear(&c->long_line);
        if (tfa_buf_put(&c->long_line, text, len) != 0)
            return tfa_error_oom(err);
        dst = c->long_line.ptr;
    } else {
        memcpy(dst, text, len);
    }
    /* a last line without its newline stays so: a message cut off by the
     * end of the input is the reader's truncated tail, as in a bare log */
    c->pend_nl = l.eol;
    take_line(c, &l);
    if (!view)
        len = tfa_line_normalize(dst, len, &flags);
    if ((rc = classify(c, dst, len, &l.pos, err)) <= 0)
        return rc < 0 ? rc : 1;
    if (dst == out) {
        *used = len;
    } else {
        c->pend = dst;
        c->pend_len = len;
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
        } else if ((rc = next_line(c, out + n, len - n, n == 0, &k, err)) != 1) {
            if (rc == LINE_LATER)
                break;
            if (rc < 0)
                return rc;
            c->counts.after += c->tolerated; /* markers after the last message */
            c->tolerated = 0;
            break;
        } else {
            n += k;
        }
    }
    return (long long)n;
}

static void ci_close(void *ctx)
{
    uilog_ci *c = ctx;
    if (c->in)
        tfa_stream_async_hash_stop(c->in); /* before the bytes it hashes go */
    tfa_buf_release(&c->raws[0]);
    tfa_buf_release(&c->raws[1]);
    tfa_buf_release(&c->long_line);
    tfa_free(c->name);
    tfa_free(c);
}

int tfa_uilog__ci_wanted(tfa_stream *in)
{
    const char *head;
    size_t len, i = 0;
    unsigned long lines;
    uint64_t bytes;
    tfa_error ignored;

    tfa_stream_skipped(in, &lines, &bytes);
    if (lines || bytes)
        return 1; /* detection read past a CI prelude (detect.h): the head is gone */
    tfa_error_init(&ignored);
    if (tfa_stream_peek(in, &head, &len, &ignored) != 0)
        return 0; /* the reader's first read says what is wrong */
    while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    return i < len && head[i] != '{';
}

int tfa_uilog__ci_open(tfa_stream **out, uilog_ci **ci, tfa_stream *in, tfa_error *err)
{
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
    tfa_buf_init(&c->raws[0], TFA_BUF_NO_MAX);
    tfa_buf_init(&c->raws[1], TFA_BUF_NO_MAX);
    c->raw = &c->raws[0];
    tfa_buf_init(&c->long_line, TFA_BUF_NO_MAX);
    /* a prelude detection read through and dropped still counts (stream.h),
     * in line numbers and among the lines before the first message (its
     * blank lines too: detection does not tell them apart) */
    tfa_stream_skipped(in, &c->count, &c->offset);
    c->counts.before = c->count;
    c->in = in;
    tfa_stream_async_hash_ahead(in); /* fill() syncs before a buffer is written */
    src.read = ci_read;
    src.close = ci_close;
    src.ctx = c;
    /* tfa_stream_new closes c when it fails */
    if ((rc = tfa_stream_new(out, c->name, &src, err)) == 0) {
        *ci = c;
        tfa_stream_unhashed(*out); /* the input's own stream hashes it */
        /* the filter gives every line on, so the tokenizer's positions are
         * the input's once they start past what detection dropped */
        rc = tfa_stream_unread(*out, NULL, 0, c->count, c->offset, err);
    }
    return rc;
}

const uilog_ci_counts *tfa_uilog__ci_counts(const uilog_ci *ci)
{
    return &ci->counts;
}
