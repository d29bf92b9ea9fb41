/*
 * detect_stream.c - log detection past the head (see detect.h).
 *
 * A CI job log can hold megabytes of runner prelude before the first line
 * Terraform prints. The stream is read once (stdin, HTTP bodies, archive
 * members cannot be rewound), so detection reads on through a window of
 * bounded size: lines are tested as they pass and dropped, keeping only the
 * last CONTEXT bytes of whole lines. At the first marker line (a line
 * Terraform prints as text, or a `-json` message behind the CI's line
 * prefix) the context
 * and the rest of the window are given back to the stream (tfa_stream_unread)
 * and the reader starts there: the context keeps the command line that
 * started the run ("[command].../terraform-bin apply"), which names its
 * operation. What was dropped is counted, so line numbers stay true.
 *
 * Memory: two windows of CONTEXT + CHUNK bytes, whatever the input's size;
 * a line longer than a chunk is tested on its start and skipped. Time:
 * one pass, each line tested once, while the stream hashes the chunk on
 * another thread: the windows take turns (the context moves to the other
 * one), so the thread hashes one while this one reads and tests the next
 * (stream.h tfa_stream_async_hash_ahead). SHA-256 costs about what the
 * tests do; each waiting for the other at every chunk cost a tenth.
 */
#include "util/compat.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "detect.h"
#include "lines.h"
#include "text_ci.h"
#include "text_markers.h"
#include "util/alloc.h"

#define CONTEXT (64u * 1024u)
#define CHUNK   (1024u * 1024u) /* few hand-offs to the hashing thread per GB */
/* After the first text marker, how far a `-json` message is looked for:
 * a CI job runs `terraform init` (text) before `plan -json`, and in the
 * head the first JSON message wins over such lines (detect.c); past the
 * head the same holds within this distance of the marker. Counted in
 * bytes of the input, not reads, so the answer does not depend on how
 * the input arrives. */
#define LOOKAHEAD (CHUNK / 2)

typedef struct scan_win {
    char *buf;
    char *next;                     /* the other window, for the context (being hashed) */
    size_t have;                    /* bytes in buf */
    size_t scan;                    /* start of the first line not yet tested */
    unsigned long lines;            /* lines dropped before buf[0] */
    unsigned long ended;            /* line ends in buf[0..scan), counted as tested */
    uint64_t bytes;                 /* decoded bytes dropped before buf[0] */
    int skipping;                   /* buf[0] continues a line already tested */
    tfa_kind found;                 /* what the line test_lines stopped at is */
    int text_seen;                  /* a text marker was found: looking ahead for -json only */
    uint64_t text_end;              /* ...in the lines that start before this (decoded bytes) */
    tfa_byte_finder cr, esc, brace; /* where the next CR, ESC and '{' are */
    tfa_text_markers markers;
} scan_win;

/* The positions looked for are those of buf: drop() moves its bytes. */
static void next_reset(scan_win *w)
{
    tfa_byte_finder_reset(&w->cr);
    tfa_byte_finder_reset(&w->esc);
    tfa_byte_finder_reset(&w->brace);
}

static unsigned long count_lines(const char *s, size_t n)
{
    unsigned long k = 0;
    size_t i = 0;
#if defined(__SSE2__)
    /* the context kept at every chunk passes here: each compare adds 1 to
     * a byte lane (at most 255 times), summed up with psadbw */
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        __m128i acc = zero, sums;
        size_t end = n - i >= 255 * 16 ? i + 255 * 16 : i + (n - i) / 16 * 16;
        for (; i < end; i += 16)
            acc = _mm_sub_epi8(
                acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), nl));
        sums = _mm_sad_epu8(acc, zero);
        k += (unsigned long)_mm_cvtsi128_si32(sums) +
             (unsigned long)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
    }
#endif
    for (; i < n; i++)
        k += s[i] == '\n';
    return k;
}

/* Drop buf[0..n): the rest moves to the other window, which becomes buf.
 * The stream may still be hashing buf; the other window it must have
 * finished (it was read into before the last read). */
static void drop(tfa_stream *in, scan_win *w, size_t n)
{
    unsigned long kept = count_lines(w->buf + n, w->scan - n); /* n <= scan: the context */
    char *t;

    w->lines += w->ended - kept;
    w->ended = kept;
    w->bytes += n;
    tfa_stream_sync_but_last(in);
    memcpy(w->next, w->buf + n, w->have - n);
    t = w->buf;
    w->buf = w->next;
    w->next = t;
    w->have -= n;
    w->scan -= n;
    next_reset(w);
}

/* The start of the first whole line at or after `from` (at most `limit`). */
static size_t line_start_from(const scan_win *w, size_t from, size_t limit)
{
    const char *nl;
    if (from == 0)
        return 0;
    nl = memchr(w->buf + from - 1, '\n', limit - (from - 1));
    return nl ? (size_t)(nl - w->buf) + 1 : limit;
}

/* A `-json` message behind a CI prefix (a timestamp, colour): its '{'
 * comes early in the line, which rules out nearly every prelude line
 * before the full test. */
#define JSON_BRACE_WITHIN 128

/* Whether the line is a Terraform text marker or a UI log message (the
 * kind in w->found). 0 no, 1 yes, or TFA_ENOMEM. */
static int marker_line(scan_win *w, size_t start, size_t n)
{
    const char *s = w->buf + start;
    size_t end = start + n;
    int json, rc, marker;

    if (!w->text_seen) {
        /* a line with neither CR nor ESC is looked at where it is */
        if (tfa_byte_finder_next(&w->cr, w->buf, start, end, w->have, '\r') >= end &&
            tfa_byte_finder_next(&w->esc, w->buf, start, end, w->have, '\x1b') >= end)
            marker = tfa_text_markers_line_plain(&w->markers, s, n);
        else
            marker = tfa_text_markers_line(&w->markers, s, n);
        if (marker) {
            w->found = TFA_KIND_TEXT_LOG;
            return 1;
        }
    }
    end = start + (n < JSON_BRACE_WITHIN ? n : JSON_BRACE_WITHIN);
    if (tfa_byte_finder_next(&w->brace, w->buf, start, end, w->have, '{') >= end)
        return 0;
    if ((rc = tfa_detect_ci_ui_line(s, n, &json, &w->found)) != 0)
        return rc;
    return w->found == TFA_KIND_UI_LOG;
}

/* Test the complete lines of the window (all of it at the end of input):
 * 1 with *at the offset of the first marker line, 0 when there is none,
 * or TFA_ENOMEM. */
static int test_lines(scan_win *w, int eof, size_t *at)
{
    const char *nl;
    size_t start;
    int rc;

    while (w->scan < w->have) {
        nl = memchr(w->buf + w->scan, '\n', w->have - w->scan);
        if (!nl && !eof)
            break;
        start = w->scan;
        if (w->text_seen && w->bytes + start >= w->text_end)
            return 0; /* the look-ahead ends here, however much was read */
        w->scan = nl ? (size_t)(nl - w->buf) + 1 : w->have;
        w->ended += nl != NULL;
        if (w->skipping) {
            w->skipping = 0;
            continue;
        }
        if ((rc = marker_line(w, start, w->scan - start - (nl != NULL))) != 0) {
            *at = start;
            return rc;
        }
    }
    return 0;
}

int tfa_detect_text_stream(tfa_stream *in, tfa_kind *found, tfa_error *err)
{
    scan_win w;
    size_t at, from;
    long long n;
    int rc = 0, eof = 0, hit;

    *found = TFA_KIND_UNKNOWN;
    memset(&w, 0, sizeof(w));
    tfa_text_markers_init(&w.markers);
    w.buf = tfa_malloc(CONTEXT + CHUNK);
    w.next = tfa_malloc(CONTEXT + CHUNK);
    if (!w.buf || !w.next) {
        tfa_free(w.buf);
        tfa_free(w.next);
        return tfa_error_oom(err);
    }
    /* the second core hashes a chunk while this one tests its lines */
    tfa_stream_async_hash_ahead(in);
    while (!eof) {
        n = tfa_stream_read(in, w.buf + w.have, CONTEXT + CHUNK - w.have, err);
        if (n < 0) {
            rc = (int)n;
            goto done;
        }
        eof = n == 0;
        w.have += (size_t)n;
        if ((hit = test_lines(&w, eof, &at)) < 0) {
            rc = tfa_error_oom(err);
            goto done;
        }
        if (hit && w.found == TFA_KIND_TEXT_LOG) {
            /* keep the marker's context at the window's start and look on */
            from = line_start_from(&w, at > CONTEXT ? at - CONTEXT : 0, at);
            drop(in, &w, from);
            w.text_seen = 1;
            w.text_end = w.bytes + (at - from) + LOOKAHEAD;
            hit = test_lines(&w, eof, &at);
            if (hit < 0) {
                rc = tfa_error_oom(err);
                goto done;
            }
        }
        if (hit ||
            (w.text_seen && (eof || w.bytes + w.scan >= w.text_end || w.have == CONTEXT + CHUNK))) {
            /* a -json message (past a text marker or not), or the marker
             * with no message within the look-ahead: the reader starts
             * from the context before the first of them */
            from = w.text_seen ? 0 : line_start_from(&w, at > CONTEXT ? at - CONTEXT : 0, at);
            *found = hit ? w.found : TFA_KIND_TEXT_LOG;
            rc = tfa_stream_unread(in, w.buf + from, w.have - from,
                                   w.lines + count_lines(w.buf, from), w.bytes + from, err);
            goto done;
        }
        if (w.text_seen)
            continue; /* the window keeps everything from the marker's context */
        if (w.have - w.scan >= CHUNK) {
            /* a line longer than a chunk: its start is tested, the rest skipped */
            if (!w.skipping && tfa_text_markers_line(&w.markers, w.buf + w.scan, w.have - w.scan)) {
                *found = TFA_KIND_TEXT_LOG;
                rc = tfa_stream_unread(in, w.buf + w.scan, w.have - w.scan,
                                       w.lines + count_lines(w.buf, w.scan), w.bytes + w.scan, err);
                goto done;
            }
            w.skipping = 1;
            w.scan = w.have;
        }
        /* keep the last CONTEXT bytes of whole lines before the untested tail */
        from = w.scan > CONTEXT ? line_start_from(&w, w.scan - CONTEXT, w.scan) : 0;
        if (w.skipping && w.scan == w.have)
            from = w.have;
        drop(in, &w, from);
    }
done:
    /* the reader that gets the stream next (lines.h) writes into the bytes
     * it reads: it must find them hashed */
    tfa_stream_async_hash_stop(in);
    tfa_free(w.buf);
    tfa_free(w.next);
    return rc;
}

int tfa_detect_stream_kind(tfa_stream *in, const char *head, size_t len, int head_only,
                           tfa_kind *kind, int *more, tfa_error *err)
{
    *more = 0;
    if (tfa_detect_kind(head, len, tfa_stream_head_is_all(in), kind) != 0)
        return tfa_error_oom(err);
    /* a CI job log: Terraform's output may start past the head */
    if (*kind != TFA_KIND_UNKNOWN || tfa_stream_head_is_all(in) || !tfa_text_ci_prelude(head, len))
        return 0;
    if (head_only) {
        *more = 1;
        return 0;
    }
    return tfa_detect_text_stream(in, kind, err);
}
