/*
 * scan.c - streaming JSON tokenizer (RFC 8259; see scan.h for the contract).
 *
 * The window `buf[0..len)` holds decoded bytes, `pos` the next unread one.
 * When a token runs past `len`, its bytes move to the front of the other
 * window, which is refilled behind them and becomes the window. A string
 * that fills the whole window is switched to streaming: it is validated and
 * hashed chunk by chunk and handed out as `truncated`.
 *
 * Two windows in turn, because the stream hashes what a read stored on the
 * other core (stream.h tfa_stream_async_hash_ahead): the thread hashes one
 * window while this one scans the next, and the scanner never waits for it,
 * nor hashes a window itself, at a refill. With one window, every refill
 * had to wait for the window's hashing first, and hashed it on the main
 * thread when the hasher had not started it yet (8% of the main thread's
 * time summarizing a 100k-resource plan). On large files the same thread
 * also reads the next bytes into the other window ahead of time (refill,
 * stream.h tfa_stream_ahead), so this one does neither the kernel copy nor
 * the hashing.
 *
 * Newlines are only legal between tokens (a raw newline inside a string is a
 * control character), so line counting happens in the whitespace loop alone
 * and costs nothing on the hot string path.
 */
#include "util/compat.h"

#include "scan_priv.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/limits.h"

int tfa_scan_new(tfa_scan **out, tfa_stream *in, const tfa_scan_options *opts, tfa_error *err)
{
    tfa_scan *s = tfa_calloc(1, sizeof(*s));
    *out = NULL;
    if (!s)
        return tfa_error_oom(err);
    s->cap = TFA_LIMIT_SCAN_WINDOW;
    if (opts && opts->window >= TFA_SCAN_MIN_WINDOW && opts->window < s->cap)
        s->cap = opts->window;
    s->room = s->cap / 8;
    s->win[0] = tfa_malloc(s->room + s->cap + 1);
    s->win[1] = tfa_malloc(s->room + s->cap + 1);
    if (!s->win[0] || !s->win[1]) {
        tfa_free(s->win[0]);
        tfa_free(s->win[1]);
        tfa_free(s);
        return tfa_error_oom(err);
    }
    s->buf = s->win[0];
    s->buf[0] = '\0';
    s->in = in;
    tfa_stream_async_hash_ahead(in); /* refill() syncs before it writes a window */
    /* a prelude detection dropped still counts in positions (stream.h) */
    tfa_stream_skipped(in, &s->line, &s->base);
    s->line_start = s->base;
    s->line++;
    s->state = ST_TOP;
    s->max_depth = opts && opts->max_depth ? opts->max_depth : TFA_LIMIT_JSON_DEPTH;
    if (s->max_depth > TFA_LIMIT_JSON_DEPTH)
        s->max_depth = TFA_LIMIT_JSON_DEPTH;
    s->ci_noise = opts ? opts->ci_noise : 0;
    s->lines = opts ? opts->lines : 0;
    tfa_buf_init(&s->key, TFA_LIMIT_SCAN_WINDOW);
    *out = s;
    return 0;
}

void tfa_scan_free(tfa_scan *s)
{
    if (!s)
        return;
    tfa_stream_ahead_cancel(s->in); /* what it read stays the stream's */
    /* the windows may still be being hashed; and the next reader of the
     * stream has not promised what tfa_scan_new did */
    tfa_stream_async_hash_stop(s->in);
    tfa_buf_release(&s->key);
    tfa_free(s->win[0]);
    tfa_free(s->win[1]);
    tfa_free(s);
}

int tfa_scan_truncated(const tfa_scan *s)
{
    return s->truncated;
}

unsigned tfa_scan_depth(const tfa_scan *s)
{
    return s->depth;
}

const char *tfa_scan_name(const tfa_scan *s)
{
    return tfa_stream_name(s->in);
}

static tfa_pos pos_at(const tfa_scan *s, size_t i)
{
    tfa_pos p;
    p.offset = s->base + i;
    p.line = s->line;
    p.column = (unsigned long)(p.offset - s->line_start + 1);
    return p;
}

tfa_pos tfa_scan_pos(const tfa_scan *s)
{
    return pos_at(s, s->pos);
}

int tfa_scan_fail(const tfa_scan *s, tfa_error *err, const tfa_pos *pos, int status,
                  const char *fmt, ...)
{
    tfa_pos here = pos ? *pos : pos_at(s, s->pos);
    va_list ap;

    if (!err || err->status)
        return status;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    err->status = status;
    err->line = here.line;
    err->column = here.column;
    err->offset = here.offset;
    tfa_error_set_source(err, tfa_stream_name(s->in));
    return status;
}

/* The input ended inside a value: report it at the end of the input. */
static int fail_at_end(tfa_scan *s, tfa_error *err, const char *where)
{
    s->pos = s->len;
    s->truncated = 1;
    return tfa_scan_fail(s, err, NULL, TFA_EINPUT, "unexpected end of input%s (truncated JSON?)",
                         where);
}

/*
 * Make more bytes available, keeping buf[keep..len) (the token being read).
 * Returns the number of new bytes (0 at the end of input) or a status. The
 * kept bytes move to the other window, which becomes buf: callers re-base
 * their indices by `keep`, and a pointer into the window does not survive
 * a refill.
 *
 * Once the stream hashes on its thread, that thread also reads the next
 * bytes ahead into the other window, `room` bytes from its start
 * (stream.h tfa_stream_ahead): a refill then only copies the kept bytes
 * in front of them, and this thread does no kernel copy and no hashing.
 * Reading cap - room bytes ahead keeps the window within cap bytes; a
 * token longer than room gives the read ahead back to the stream and
 * reads as before, so tokens up to the window's size behave the same.
 */
static long long refill(tfa_scan *s, size_t keep, tfa_error *err)
{
    size_t kept = s->len - keep;
    char *next = s->win[!s->cur];
    long long n = 0;
    int ahead = s->ahead && kept <= s->room;

    if (s->eof)
        return 0;
    if (kept == s->cap)
        return TFA_ELIMIT; /* the caller decides what a full window means */
    if (ahead) {
        n = tfa_stream_ahead_take(s->in, err);
        next += s->room - kept; /* the kept bytes just in front of the new ones */
    } else if (s->ahead) {
        tfa_stream_ahead_cancel(s->in); /* its bytes come back through the read below */
        tfa_stream_sync(s->in);         /* the kept bytes go where it read */
    } else {
        /* the other window was read into before the last read: its
         * hashing is the one that must be over before it is written */
        tfa_stream_sync_but_last(s->in);
    }
    s->ahead = 0;
    memcpy(next, s->buf + keep, kept);
    s->buf = next;
    s->cur ^= 1;
    s->base += keep;
    s->pos -= keep;
    s->len = kept;
    if (!ahead)
        n = tfa_stream_read(s->in, s->buf + s->len, s->cap - s->len, err);
    if (n < 0)
        return n;
    if (n == 0)
        s->eof = 1;
    s->len += (size_t)n;
    s->buf[s->len] = '\0';
    /* the window just left is the next one: its bytes are no longer needed */
    if (!s->eof)
        s->ahead = tfa_stream_ahead(s->in, s->win[!s->cur] + s->room, s->cap - s->room);
    return n;
}

/* String state while the window moves under it. */
typedef struct strscan {
    size_t start;   /* index of the first content byte still in the window */
    int streaming;  /* content no longer kept, only hashed */
    tfa_sha256 sha; /* chunking-independent, so equal strings get equal digests */
    tfa_pos at;     /* token position, for errors */
} strscan;

/* Get more bytes inside a string, keeping its content unless streaming. */
static int string_more(tfa_scan *s, strscan *st, int is_key, tfa_error *err)
{
    long long n;
    if (!st->streaming && st->start == 0 && s->len == s->cap) {
        if (is_key)
            return tfa_scan_fail(s, err, &st->at, TFA_ELIMIT, "object key longer than %zu bytes",
                                 s->cap);
        st->streaming = 1;
        tfa_sha256_init(&st->sha);
    }
    if (st->streaming) {
        tfa_sha256_update(&st->sha, s->buf + st->start, s->pos - st->start);
        st->start = s->pos;
    }
    n = refill(s, st->start, err);
    st->start = 0;
    if (n < 0)
        return (int)n;
    if (n == 0)
        return fail_at_end(s, err, " inside a string");
    return 0;
}

static int bad_string_byte(tfa_scan *s, unsigned char c, tfa_error *err)
{
    if (c == 0)
        return tfa_scan_fail(s, err, NULL, TFA_EINPUT, "NUL byte in string");
    if (c < 0x20)
        return tfa_scan_fail(s, err, NULL, TFA_EINPUT,
                             "control character 0x%02x in string (unescaped newline?)", c);
    return tfa_scan_fail(s, err, NULL, TFA_EINPUT, "invalid UTF-8 in string");
}

/* s->pos is just past the opening quote. */
static int scan_string(tfa_scan *s, tfa_token *tok, int is_key, tfa_error *err)
{
    strscan st;
    int rc, n;

    st.start = s->pos;
    st.streaming = 0;
    st.at = tok->pos;
    tok->escaped = 0;
    for (;;) {
        size_t i = tfa_scan__find_special(s->buf, s->pos, s->len);
        unsigned char c;
        s->pos = i;
        if (i == s->len) {
            if ((rc = string_more(s, &st, is_key, err)) != 0)
                return rc;
            continue;
        }
        c = (unsigned char)s->buf[i];
        if (c == '"')
            break;
        if (c == '\\') {
            n = tfa_scan__escape_len(s->buf + i, s->len - i);
            tok->escaped = 1;
        } else if (c >= 0x80) {
            n = tfa_scan__utf8_seq((const unsigned char *)s->buf + i, s->len - i);
        } else {
            return bad_string_byte(s, c, err);
        }
        if (n == 0)
            return c == '\\' ? tfa_scan_fail(s, err, NULL, TFA_EINPUT, "invalid escape in string")
                             : bad_string_byte(s, c, err);
        if (n < 0) {
            if (s->eof)
                return fail_at_end(s, err, " inside a string");
            if ((rc = string_more(s, &st, is_key, err)) != 0)
                return rc;
            continue;
        }
        s->pos += (size_t)n;
    }
    if (st.streaming) {
        unsigned char d[TFA_SHA256_BYTES];
        tfa_sha256_update(&st.sha, s->buf + st.start, s->pos - st.start);
        tfa_sha256_final(&st.sha, d);
        tok->truncated = 1;
        tok->ptr = NULL;
        tok->len = 0;
        tok->digest = tfa_hash64(d, sizeof(d), 0);
    } else {
        tok->truncated = 0;
        tok->ptr = s->buf + st.start;
        tok->len = s->pos - st.start;
    }
    s->pos++; /* closing quote */
    return 0;
}

/* Make at least `need` bytes from s->pos available if the input has them. */
static int ensure(tfa_scan *s, size_t need, tfa_error *err)
{
    long long n;
    while (s->len - s->pos < need && !s->eof) {
        n = refill(s, s->pos, err);
        if (n < 0)
            return (int)n;
    }
    return 0;
}

/* A number per RFC 8259 section 6, kept whole in the window as its exact
 * text. Its magnitude is not limited: a value beyond a double's range
 * (1e400, a 309-digit integer) is still a number, which digests and pins
 * read from its digits (jsonread.h tfa_json_number_hash); only a reader that
 * needs it as a count converts it, and says when it does not fit. */
static int scan_number(tfa_scan *s, tfa_token *tok, tfa_error *err)
{
    size_t start = s->pos, i;
    const char *p, *e;
    long long n;
    int frac = 0, expo = 0;

    for (;;) { /* find the end, refilling while the number runs to the window's end */
        i = s->pos;
        while (i < s->len &&
               (s->buf[i] == '-' || s->buf[i] == '+' || s->buf[i] == '.' || s->buf[i] == 'e' ||
                s->buf[i] == 'E' || (s->buf[i] >= '0' && s->buf[i] <= '9')))
            i++;
        if (i < s->len || s->eof)
            break;
        if (start == 0 && s->len == s->cap)
            return tfa_scan_fail(s, err, &tok->pos, TFA_ELIMIT, "number longer than %zu bytes",
                                 s->cap);
        n = refill(s, start, err);
        start = 0;
        if (n < 0)
            return (int)n;
    }
    tok->ptr = s->buf + start;
    tok->len = i - start;
    /* validate the grammar: -? int frac? exp? */
    p = tok->ptr, e = tok->ptr + tok->len;
    {
        if (p < e && *p == '-')
            p++;
        if (p == e || !(*p >= '0' && *p <= '9'))
            goto bad;
        if (*p == '0' && p + 1 < e && p[1] >= '0' && p[1] <= '9')
            return tfa_scan_fail(s, err, &tok->pos, TFA_EINPUT, "invalid number: leading zero");
        while (p < e && *p >= '0' && *p <= '9')
            p++;
        if (p < e && *p == '.') {
            frac = 1;
            if (++p == e || !(*p >= '0' && *p <= '9'))
                goto bad;
            while (p < e && *p >= '0' && *p <= '9')
                p++;
        }
        if (p < e && (*p == 'e' || *p == 'E')) {
            expo = 1;
            p++;
            if (p < e && (*p == '+' || *p == '-'))
                p++;
            if (p == e || !(*p >= '0' && *p <= '9'))
                goto bad;
            while (p < e && *p >= '0' && *p <= '9')
                p++;
        }
        if (p != e)
            goto bad;
    }
    (void)frac;
    (void)expo;
    s->pos = i;
    return 0;
bad:
    if (p == e && i == s->len && s->eof) /* "-", "1.", "1e" cut off by the end */
        return fail_at_end(s, err, "");
    return tfa_scan_fail(s, err, &tok->pos, TFA_EINPUT, "invalid number");
}

static int scan_literal(tfa_scan *s, tfa_token *tok, tfa_error *err)
{
    static const struct {
        const char *text;
        size_t len;
        tfa_tok type;
    } lits[] = {{"true", 4, TFA_TOK_TRUE}, {"false", 5, TFA_TOK_FALSE}, {"null", 4, TFA_TOK_NULL}};
    size_t k;
    int rc = ensure(s, 5, err);
    if (rc)
        return rc;
    for (k = 0; k < TFA_ARRAY_SIZE(lits); k++) {
        size_t avail = s->len - s->pos;
        if (avail >= lits[k].len && memcmp(s->buf + s->pos, lits[k].text, lits[k].len) == 0) {
            tok->type = lits[k].type;
            tok->ptr = s->buf + s->pos;
            tok->len = lits[k].len;
            s->pos += lits[k].len;
            return 0;
        }
        if (s->eof && avail < lits[k].len && memcmp(s->buf + s->pos, lits[k].text, avail) == 0)
            return fail_at_end(s, err, ""); /* "tr" cut off by the end */
    }
    return tfa_scan_fail(s, err, &tok->pos, TFA_EINPUT,
                         "invalid literal (expected true, false or null)");
}

/* Skip whitespace, counting lines. Returns 1 when a byte is available, 0 at
 * the end of input, or a negative status. */
static int skip_ws(tfa_scan *s, tfa_error *err)
{
    long long n;
    for (;;) {
        while (s->pos < s->len) {
            char c = s->buf[s->pos];
            if (c == ' ' || c == '\t' || c == '\r') {
                s->pos++;
            } else if (c == '\n') {
                s->pos++;
                s->line++;
                s->line_start = s->base + s->pos;
            } else {
                return 1;
            }
        }
        n = refill(s, s->pos, err);
        if (n < 0)
            return (int)n;
        if (n == 0)
            return 0;
    }
}

/* Between top-level values: skip one piece of CI wrapper noise if present.
 * Returns 1 if something was skipped. */
static int skip_noise(tfa_scan *s, tfa_error *err)
{
    static const char *const line_prefixes[] = {"[command]", "::", "##["};
    static const char *const escapes[] = {"%0A", "%0D"};
    size_t k;
    int rc = ensure(s, 9, err);
    if (rc)
        return rc;
    for (k = 0; k < TFA_ARRAY_SIZE(escapes); k++)
        if (s->len - s->pos >= 3 && memcmp(s->buf + s->pos, escapes[k], 3) == 0) {
            s->pos += 3;
            return 1;
        }
    for (k = 0; k < TFA_ARRAY_SIZE(line_prefixes); k++) {
        size_t l = strlen(line_prefixes[k]);
        if (s->len - s->pos < l || memcmp(s->buf + s->pos, line_prefixes[k], l) != 0)
            continue;
        for (;;) { /* to the end of the line, however long */
            char *nl = memchr(s->buf + s->pos, '\n', s->len - s->pos);
            if (nl) {
                s->pos = (size_t)(nl - s->buf);
                return 1;
            }
            s->pos = s->len;
            if ((rc = (int)refill(s, s->pos, err)) < 0)
                return rc;
            if (rc == 0)
                return 1;
        }
    }
    return 0;
}

static int unexpected(tfa_scan *s, char c, const char *expected, tfa_error *err)
{
    if (c >= 0x21 && c <= 0x7e)
        return tfa_scan_fail(s, err, NULL, TFA_EINPUT, "unexpected '%c', expected %s", c, expected);
    if (c == 0)
        return tfa_scan_fail(s, err, NULL, TFA_EINPUT, "unexpected NUL byte, expected %s",
                             expected);
    return tfa_scan_fail(s, err, NULL, TFA_EINPUT, "unexpected byte 0x%02x, expected %s",
                         (unsigned char)c, expected);
}

/* A value starts at s->pos (state allows one). */
static int scan_value(tfa_scan *s, tfa_token *tok, tfa_error *err)
{
    char c = s->buf[s->pos];
    int rc;

    if (s->lines && s->state == ST_TOP && s->documents > 0 && s->line == s->value_end_line)
        return unexpected(s, c, "a line break after the JSON value", err);
    switch (c) {
    case '{':
    case '[':
        if (s->depth >= s->max_depth)
            return tfa_scan_fail(s, err, NULL, TFA_ELIMIT, "nesting deeper than %u levels",
                                 s->max_depth);
        tfa_scan__push(s, c == '{');
        s->pos++;
        tok->type = c == '{' ? TFA_TOK_OBJ : TFA_TOK_ARR;
        s->state = c == '{' ? ST_KEY_OR_END : ST_VALUE_OR_END;
        return 0;
    case '"':
        s->pos++;
        tok->type = TFA_TOK_STR;
        rc = scan_string(s, tok, 0, err);
        break;
    case 't':
    case 'f':
    case 'n':
        rc = scan_literal(s, tok, err);
        break;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            tok->type = TFA_TOK_NUM;
            rc = scan_number(s, tok, err);
            break;
        }
        if (s->state == ST_TOP && s->documents > 0 && !s->lines)
            return unexpected(s, c, "end of input after the JSON document", err);
        return unexpected(s, c, "a JSON value", err);
    }
    if (rc == 0)
        tfa_scan__after_value(s);
    return rc;
}

static int close_container(tfa_scan *s, tfa_token *tok, char c)
{
    tok->type = c == '}' ? TFA_TOK_OBJ_END : TFA_TOK_ARR_END;
    s->pos++;
    s->depth--;
    tfa_scan__after_value(s);
    return 0;
}

int tfa_scan_next(tfa_scan *s, tfa_token *tok, tfa_error *err)
{
    int rc;
    char c;

    tok->escaped = tok->truncated = 0;
    tok->ptr = NULL;
    tok->len = 0;
    for (;;) {
        rc = skip_ws(s, err);
        if (rc < 0)
            return rc;
        tok->pos = pos_at(s, s->pos);
        if (rc == 0) {
            if (s->state == ST_TOP) {
                tok->type = TFA_TOK_EOF;
                return 0;
            }
            return fail_at_end(s, err, "");
        }
        c = s->buf[s->pos];
        switch (s->state) {
        case ST_TOP:
            if (s->ci_noise) {
                if ((rc = skip_noise(s, err)) < 0)
                    return rc;
                if (rc)
                    continue;
            }
            return scan_value(s, tok, err);
        case ST_VALUE:
            return scan_value(s, tok, err);
        case ST_VALUE_OR_END:
            if (c == ']')
                return close_container(s, tok, c);
            return scan_value(s, tok, err);
        case ST_KEY_OR_END:
            if (c == '}')
                return close_container(s, tok, c);
            /* fall through */
        case ST_KEY:
            if (c != '"')
                return unexpected(s, c, "an object key in double quotes", err);
            s->pos++;
            tok->type = TFA_TOK_KEY;
            if ((rc = scan_string(s, tok, 1, err)) != 0)
                return rc;
            /* keys are compared after their value was read: keep them out
             * of the window, which the value's refill may move */
            if (tok->len < s->key.cap) { /* tfa_buf_put's work, without its calls */
                memcpy(s->key.ptr, tok->ptr, tok->len);
                s->key.ptr[tok->len] = '\0';
                s->key.len = tok->len;
            } else {
                tfa_buf_clear(&s->key);
                if (tfa_buf_put(&s->key, tok->ptr, tok->len) != 0)
                    return tfa_error_oom(err);
            }
            tok->ptr = s->key.ptr;
            /* the ':' belongs to the key; look only at bytes already in
             * the window (a refill here would split the token protocol) */
            {
                size_t i = s->pos;
                while (i < s->len && (s->buf[i] == ' ' || s->buf[i] == '\t' || s->buf[i] == '\r' ||
                                      s->buf[i] == '\n')) {
                    if (s->buf[i] == '\n') {
                        s->line++;
                        s->line_start = s->base + i + 1;
                    }
                    i++;
                }
                if (i < s->len && s->buf[i] == ':') {
                    s->pos = i + 1;
                    s->state = ST_VALUE;
                    return 0;
                }
                s->pos = i;
                s->state = ST_COLON;
                return 0;
            }
        case ST_COMMA_OR_END:
            if (c == ',') {
                s->pos++;
                s->state = tfa_scan__in_object(s) ? ST_KEY : ST_VALUE;
                continue;
            }
            if ((c == '}' && tfa_scan__in_object(s)) || (c == ']' && !tfa_scan__in_object(s)))
                return close_container(s, tok, c);
            return unexpected(s, c, tfa_scan__in_object(s) ? "',' or '}'" : "',' or ']'", err);
        case ST_COLON:
            if (c != ':')
                return unexpected(s, c, "':' after the object key", err);
            s->pos++;
            s->state = ST_VALUE;
            continue;
        }
    }
}

int tfa_utf8_seq(const unsigned char *p, size_t n)
{
    return tfa_scan__utf8_seq(p, n);
}
