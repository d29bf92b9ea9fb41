/*
 * s3_xml.c - element lookup in S3's XML answers (see s3_xml.h).
 */
#include "util/compat.h"

#include "net/s3_xml.h"

/* Whether a start tag of `name` begins at p: "<name" then '>', '/' or a blank. */
static int start_tag(const char *p, const char *end, const char *name, size_t n)
{
    if ((size_t)(end - p) < n + 2 || p[0] != '<' || memcmp(p + 1, name, n) != 0)
        return 0;
    p += n + 1;
    return *p == '>' || *p == '/' || *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
}

int tfa_xml_next(const char **cursor, const char *end, const char *name, const char **text,
                 size_t *len)
{
    size_t n = strlen(name);
    const char *p = *cursor, *gt, *q;

    for (; p < end; p++) {
        p = memchr(p, '<', (size_t)(end - p));
        if (!p)
            return 0;
        if (!start_tag(p, end, name, n))
            continue;
        if (!(gt = memchr(p, '>', (size_t)(end - p))))
            return -1;
        if (gt[-1] == '/') { /* <Name/> */
            *text = gt + 1;
            *len = 0;
            *cursor = gt + 1;
            return 1;
        }
        /* the matching end tag: S3 never nests an element in one of its own name */
        for (q = gt + 1; q < end; q++) {
            q = memchr(q, '<', (size_t)(end - q));
            if (!q)
                break;
            if ((size_t)(end - q) >= n + 3 && q[1] == '/' && memcmp(q + 2, name, n) == 0 &&
                q[n + 2] == '>') {
                *text = gt + 1;
                *len = (size_t)(q - (gt + 1));
                *cursor = q + n + 3;
                return 1;
            }
        }
        return -1;
    }
    return 0;
}

static int put_code_point(tfa_buf *out, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    if (cp < 0x80)
        u[0] = (char)cp, n = 1;
    else if (cp < 0x800)
        u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    else
        u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    return tfa_buf_put(out, u, n) ? -1 : 0;
}

int tfa_xml_unescape(tfa_buf *out, const char *p, size_t len)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    const char *end = p + len;

    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p)), *semi;
        size_t i, n;
        if (!amp)
            return tfa_buf_put(out, p, (size_t)(end - p)) ? -1 : 0;
        tfa_buf_put(out, p, (size_t)(amp - p));
        if (!(semi = memchr(amp, ';', (size_t)(end - amp))) || semi - amp > 12)
            return -1;
        n = (size_t)(semi - amp - 1);
        if (n >= 2 && amp[1] == '#') {
            int hex = amp[2] == 'x';
            const char *d = amp + (hex ? 3 : 2);
            unsigned long cp = 0;
            if (d == semi)
                return -1;
            for (; d < semi; d++) {
                int v = *d >= '0' && *d <= '9'          ? *d - '0'
                        : hex && *d >= 'a' && *d <= 'f' ? *d - 'a' + 10
                        : hex && *d >= 'A' && *d <= 'F' ? *d - 'A' + 10
                                                        : -1;
                if (v < 0)
                    return -1;
                cp = cp * (hex ? 16 : 10) + (unsigned long)v;
            }
            if (put_code_point(out, cp) != 0)
                return -1;
        } else {
            for (i = 0; i < TFA_ARRAY_SIZE(named); i++)
                if (strlen(named[i].name) == n && memcmp(amp + 1, named[i].name, n) == 0)
                    break;
            if (i == TFA_ARRAY_SIZE(named))
                return -1;
            tfa_buf_putc(out, named[i].c);
        }
        p = semi + 1;
    }
    return tfa_buf_status(out) ? -1 : 0;
}

int tfa_xml_get(tfa_buf *out, const char *p, const char *end, const char *name)
{
    const char *text;
    size_t len;
    int rc = tfa_xml_next(&p, end, name, &text, &len);
    tfa_buf_clear(out);
    if (rc <= 0)
        return rc;
    return tfa_xml_unescape(out, text, len) ? -1 : 1;
}
