/*
 * scan_key.c - tfa_token_is for keys and strings written with escapes.
 *
 * JSON lets a member name be spelled with escapes: "\u0061ctions" is the
 * name "actions". Every JSON library reads it so (jq, Go's encoding/json,
 * jansson), so a reader that compared the raw text would skip that member
 * while the tools beside it read it: a plan whose second "actions" is
 * escaped would say one thing to tfaudit and another to jq. Terraform
 * never writes such names, so this path is rare and kept out of line.
 */
#include "util/compat.h"

#include "scan_priv.h"

int tfa_token_is_escaped(const tfa_token *tok, const char *lit)
{
    static const char from[] = "bfnrt\"\\/", to[] = "\b\f\n\r\t\"\\/";
    const char *p = tok->ptr, *e = tok->ptr + tok->len;

    while (p < e) { /* the scanner validated every escape */
        char c = *p++;
        if (c == '\\') {
            char x = *p++;
            if (x == 'u') {
                long cp = tfa_scan__hex4(p);
                p += 4;
                if (cp < 0 || cp >= 0x80)
                    return 0; /* literals are ASCII: no match (and no surrogate to pair) */
                c = (char)cp;
            } else {
                const char *f = strchr(from, x);
                if (!x || !f)
                    return 0;
                c = to[f - from];
            }
        }
        if (!*lit || *lit++ != c)
            return 0;
    }
    return *lit == '\0';
}
