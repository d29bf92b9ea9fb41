/*
 * address.c - resource address splitting (see address.h). Grammar from
 * Terraform's "Resource Addressing" documentation:
 *   [module.NAME[KEY].]... [data.|ephemeral.]TYPE.NAME[KEY]
 */
#include "util/compat.h"

#include "address.h"
#include "run_build.h"

/* End of a bracketed key starting at s[i] == '[', or 0 if unterminated. */
static size_t bracket_end(const char *s, size_t len, size_t i)
{
    int quoted = 0;
    for (i++; i < len; i++) {
        if (quoted) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                quoted = 0;
        } else if (s[i] == '"') {
            quoted = 1;
        } else if (s[i] == ']') {
            return i + 1;
        }
    }
    return 0;
}

/* Next component: an identifier with an optional [key]. */
static int component(const char *s, size_t len, size_t *i, tfa_span *word, tfa_span *key)
{
    size_t start = *i;
    while (*i < len && s[*i] != '.' && s[*i] != '[')
        (*i)++;
    if (*i == start)
        return TFA_EINPUT;
    word->off = start;
    word->len = *i - start;
    key->off = key->len = 0;
    if (*i < len && s[*i] == '[') {
        size_t end = bracket_end(s, len, *i);
        if (!end || end - *i < 3)
            return TFA_EINPUT;
        key->off = *i + 1;
        key->len = end - *i - 2;
        *i = end;
    }
    return 0;
}

static int word_is(const char *s, const tfa_span *w, const char *lit)
{
    return w->len == strlen(lit) && memcmp(s + w->off, lit, w->len) == 0;
}

int tfa_address_parse(const char *s, size_t len, tfa_address *out)
{
    tfa_span w, k;
    size_t i = 0, mod_end = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    for (;;) { /* module path */
        size_t save = i;
        if ((rc = component(s, len, &i, &w, &k)) != 0)
            return rc;
        if (!word_is(s, &w, "module") || k.len || i >= len || s[i] != '.') {
            i = save;
            break;
        }
        i++;
        if ((rc = component(s, len, &i, &w, &k)) != 0 || i >= len || s[i] != '.')
            return TFA_EINPUT;
        mod_end = i;
        i++;
    }
    if (mod_end) {
        out->module.off = 0;
        out->module.len = mod_end;
    }
    if ((rc = component(s, len, &i, &w, &k)) != 0 || k.len)
        return TFA_EINPUT;
    if ((word_is(s, &w, "data") || word_is(s, &w, "ephemeral")) && i < len && s[i] == '.') {
        out->mode = w;
        i++;
        if ((rc = component(s, len, &i, &w, &k)) != 0 || k.len)
            return TFA_EINPUT;
    }
    out->type = w;
    if (i >= len || s[i] != '.')
        return TFA_EINPUT;
    i++;
    if ((rc = component(s, len, &i, &w, &k)) != 0)
        return rc;
    out->name = w;
    out->index = k;
    return i == len ? 0 : TFA_EINPUT;
}

int tfa_run_resource_from_address(tfa_run *run, tfa_resource *dst, const char *addr, size_t len)
{
    tfa_address a;
    int rc = tfa_address_parse(addr, len, &a);

    memset(dst, 0, sizeof(*dst));
    dst->address = tfa_run_strndup(run, addr, len);
    if (!dst->address)
        return TFA_ENOMEM;
    if (rc)
        return rc;
    dst->mode = a.mode.len ? tfa_run_intern(run, addr + a.mode.off, a.mode.len)
                           : tfa_run_intern(run, "managed", 7);
    dst->type = tfa_run_intern(run, addr + a.type.off, a.type.len);
    dst->name = tfa_run_strndup(run, addr + a.name.off, a.name.len);
    if (!dst->mode || !dst->type || !dst->name)
        return TFA_ENOMEM;
    if (a.module.len && !(dst->module = tfa_run_intern(run, addr, a.module.len)))
        return TFA_ENOMEM;
    if (a.index.len && !(dst->index = tfa_run_strndup(run, addr + a.index.off, a.index.len)))
        return TFA_ENOMEM;
    return 0;
}
