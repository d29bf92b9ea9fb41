/*
 * signoff.c - sign-offs for manual items (see waivers.h; tokens are read
 * and made in signoff_token.c).
 *
 * A sign-off is the only way a manual item passes: the name of who signed
 * goes into the verdict as evidence, so a ticked box in the file does not
 * count on its own.
 */
#include "util/compat.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "util/utc.h"
#include "textfile.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/sort.h"
#include "signoff_priv.h"
#include "waivers.h"

struct tfa_signoffs {
    tfa_arena *arena;
    tfa_signoff *items;
    size_t n, cap;
    const tfa_keyring *allowed; /* non-NULL: only signed tokens count */
};

void tfa_signoffs_require_signed(tfa_signoffs *s, const tfa_keyring *allowed)
{
    s->allowed = allowed;
}

int tfa_signoffs_new(tfa_signoffs **out)
{
    tfa_signoffs *s = tfa_calloc(1, sizeof(*s));
    *out = NULL;
    if (!s || tfa_arena_new(&s->arena) != 0) {
        tfa_free(s);
        return TFA_ENOMEM;
    }
    *out = s;
    return 0;
}

void tfa_signoffs_free(tfa_signoffs *s)
{
    if (!s)
        return;
    tfa_arena_free(s->arena);
    tfa_free(s->items);
    tfa_free(s);
}

const tfa_signoff *tfa_signoffs_find(const tfa_signoffs *s, const char *item)
{
    size_t i;
    for (i = 0; s && i < s->n; i++)
        if (strcmp(s->items[i].item, item) == 0)
            return &s->items[i];
    return NULL;
}

const tfa_signoff *tfa_signoffs_find_for(const tfa_signoffs *s, const char *item, const char *pin,
                                         int64_t now)
{
    const tfa_signoff *first = NULL, *same_plan = NULL;
    char buf[8];
    size_t i;

    for (i = 0; s && i < s->n; i++) {
        const tfa_signoff *so = &s->items[i];
        if (strcmp(so->item, item) != 0)
            continue;
        if (!tfa_signoff_refusal(s, so, pin, now, buf, sizeof(buf)))
            return so;
        if (!first)
            first = so;
        if (!same_plan && so->is_signed && !so->refused && pin && strcmp(so->pin, pin) == 0)
            same_plan = so;
    }
    /* none counts: the reason shown is about this plan's token when there is one */
    return same_plan ? same_plan : first;
}

static int trimmed(const char **p, size_t *n)
{
    while (*n && (**p == ' ' || **p == '\t'))
        (*p)++, (*n)--;
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
        (*n)--;
    return *n > 0;
}

/* `key` must be a manual item of `cl`, not signed off yet. Several signed
 * tokens may name one item (a sign-off directory keeps tokens for many
 * plans, and renewed ones): tfa_signoffs_find_for picks the one that
 * counts. A plain sign-off stands alone. */
static int check_item(const tfa_signoffs *s, const tfa_checklist *cl, const char *key, int is_token,
                      tfa_error *err)
{
    const tfa_signoff *had;

    const tfa_item *it;

    if (!(it = tfa_checklist_find(cl, key))) {
        const char *near = tfa_checklist_suggest(cl, key);
        if (near)
            return tfa_error_set(err, TFA_EUSAGE,
                                 "sign-off for unknown item '%s' (did you mean '%s'?)", key, near);
        return tfa_error_set(err, TFA_EUSAGE, "sign-off for unknown item '%s'", key);
    }
    if (!it->manual)
        return tfa_error_set(err, TFA_EUSAGE,
                             "item '%s' is checked, not manual: only manual items take a sign-off",
                             key);
    if ((had = tfa_signoffs_find(s, key)) != NULL && !(is_token && had->is_signed))
        return tfa_error_set(err, TFA_EUSAGE, "item '%s' is signed off twice", key);
    return 0;
}

static int add_token(tfa_signoffs *s, const tfa_checklist *cl, const char *arg, tfa_error *err)
{
    tfa_signoff so;
    int rc;

    if (!s->allowed)
        return tfa_error_set(err, TFA_EUSAGE,
                             "a signed sign-off token needs --allowed-signers to be checked");
    memset(&so, 0, sizeof(so));
    if ((rc = tfa__signoff_token_read(&so, s->arena, arg, s->allowed, err)) != 0 ||
        (rc = check_item(s, cl, so.item, 1, err)) != 0)
        return rc;
    if (tfa_array_grow(&s->items, &s->cap, s->n + 1, sizeof(*s->items)) != 0)
        return tfa_error_oom(err);
    s->items[s->n++] = so;
    return 0;
}

const char *tfa_signoff_refusal(const tfa_signoffs *s, const tfa_signoff *so, const char *pin,
                                int64_t now, char *buf, size_t size)
{
    char when[TFA_UTC_ISO_SIZE];

    if (!so->is_signed)
        return s && s->allowed ? "unsigned sign-off refused: --allowed-signers requires a signed "
                                 "token ('tfaudit sign-off')"
                               : NULL;
    if (so->refused)
        return so->refused;
    if (!pin)
        return "signed sign-off is bound to a plan, and no plan was gated";
    if (strcmp(pin, so->pin) != 0) {
        snprintf(buf, size, "signed sign-off is for another plan (%.24s..., this plan is %.24s...)",
                 so->pin, pin);
        return buf;
    }
    if (now >= so->expires) {
        tfa_utc_format_iso(so->expires, when);
        snprintf(buf, size, "signed sign-off by %s expired at %s", so->name, when);
        return buf;
    }
    if (so->issued > now + TFA_SIGNOFF_CLOCK_SKEW) {
        tfa_utc_format_iso(so->issued, when);
        snprintf(buf, size, "signed sign-off by %s is issued in the future (%s)", so->name, when);
        return buf;
    }
    return NULL;
}

int tfa_signoffs_add(tfa_signoffs *s, const tfa_checklist *cl, const char *arg, tfa_error *err)
{
    const char *eq = strchr(arg, '='), *colon, *id = arg, *name, *note = NULL;
    size_t id_len, name_len, note_len = 0;
    tfa_signoff *x;
    char key[256];
    int rc;

    if (strncmp(arg, TFA_SIGNOFF_TOKEN_PREFIX, strlen(TFA_SIGNOFF_TOKEN_PREFIX)) == 0)
        return add_token(s, cl, arg, err);
    if (!eq)
        return tfa_error_set(err, TFA_EUSAGE, "invalid sign-off '%s' (expected ID=NAME[:note])",
                             arg);
    id_len = (size_t)(eq - arg);
    name = eq + 1;
    colon = strchr(name, ':');
    name_len = colon ? (size_t)(colon - name) : strlen(name);
    if (colon)
        note = colon + 1, note_len = strlen(note);
    if (!trimmed(&id, &id_len) || !trimmed(&name, &name_len) || id_len >= sizeof(key))
        return tfa_error_set(err, TFA_EUSAGE, "invalid sign-off '%s' (expected ID=NAME[:note])",
                             arg);
    memcpy(key, id, id_len);
    key[id_len] = '\0';
    if ((rc = check_item(s, cl, key, 0, err)) != 0)
        return rc;
    if (tfa_array_grow(&s->items, &s->cap, s->n + 1, sizeof(*s->items)) != 0)
        return tfa_error_oom(err);
    x = &s->items[s->n];
    memset(x, 0, sizeof(*x));
    x->item = tfa_arena_strdup(s->arena, key);
    x->name = tfa_arena_strndup(s->arena, name, name_len);
    x->note =
        note && trimmed(&note, &note_len) ? tfa_arena_strndup(s->arena, note, note_len) : NULL;
    if (!x->item || !x->name || (note_len && !x->note))
        return tfa_error_oom(err);
    s->n++;
    return 0;
}

int tfa_signoffs_add_file(tfa_signoffs *s, const tfa_checklist *cl, const char *path,
                          tfa_error *err)
{
    unsigned char sha[TFA_SHA256_BYTES];
    tfa_buf text;
    char *line, *next;
    unsigned lineno = 0;
    int rc;

    tfa_buf_init(&text, TFA_BUF_NO_MAX);
    if ((rc = tfa_textfile_read(path, TFA_LIMIT_KEYRING_BYTES, &text, sha, err)) != 0)
        goto done;
    for (line = text.ptr; rc == 0 && line && *line; line = next) {
        size_t n;
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        if (*line && *line != '#' && (rc = tfa_signoffs_add(s, cl, line, err)) != 0) {
            tfa_error_set_source(err, path);
            if (!err->line)
                err->line = lineno;
        }
    }
done:
    tfa_buf_release(&text);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in `dir` that may hold tokens, sorted (the order tokens are
 * added in does not depend on the file system). */
static int list_dir(char ***out, size_t *n_out, const char *dir, tfa_error *err)
{
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    DIR *d;
    int rc = 0;

    if (!(d = opendir(dir))) {
        rc = tfa_error_set(err, errno == ENOENT ? TFA_ENOTFOUND : TFA_EIO,
                           "cannot open the sign-off directory: %s", strerror(errno));
        tfa_error_set_source(err, dir);
        return rc;
    }
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ".", "..", editors' and tools' temporary files */
        if (n >= TFA_SIGNOFF_DIR_FILES)
            rc = tfa_error_set(err, TFA_ELIMIT, "more than %d files in the sign-off directory",
                               TFA_SIGNOFF_DIR_FILES);
        else if (tfa_array_grow(&names, &cap, n + 1, sizeof(*names)) != 0 ||
                 !(names[n] = tfa_strdup(de->d_name)))
            rc = tfa_error_oom(err);
        else
            n++;
    }
    closedir(d);
    if (rc == 0)
        tfa_sort(names, n, sizeof(*names), by_name);
    else
        tfa_error_set_source(err, dir);
    *out = names, *n_out = n;
    return rc;
}

int tfa_signoffs_add_dir(tfa_signoffs *s, const tfa_checklist *cl, const char *dir, tfa_error *err)
{
    char **names = NULL;
    size_t n = 0, i;
    int rc;

    rc = list_dir(&names, &n, dir, err);
    for (i = 0; rc == 0 && i < n; i++) {
        struct stat st;
        tfa_buf path;
        tfa_buf_init(&path, TFA_BUF_NO_MAX);
        tfa_buf_printf(&path, "%s/%s", dir, names[i]);
        if (tfa_buf_status(&path) != 0) {
            rc = tfa_error_oom(err);
        } else if (stat(path.ptr, &st) != 0) {
            rc = tfa_error_set(err, TFA_EIO, "cannot read: %s", strerror(errno));
            tfa_error_set_source(err, path.ptr);
        } else if (S_ISREG(st.st_mode)) {
            rc = tfa_signoffs_add_file(s, cl, path.ptr, err);
        } else if (!S_ISDIR(st.st_mode)) {
            /* a socket or device where tokens were expected: not understood */
            rc = tfa_error_set(err, TFA_EINPUT, "not a regular file in the sign-off directory");
            tfa_error_set_source(err, path.ptr);
        }
        tfa_buf_release(&path);
    }
    for (i = 0; i < n; i++)
        tfa_free(names[i]);
    tfa_free(names);
    return rc;
}
