/*
 * signoff.c - sign-offs for manual items (see waivers.h).
 *
 * A sign-off is the only way a manual item passes: the name of who signed
 * goes into the verdict as evidence, so a ticked box in the file does not
 * count on its own.
 */
#include "util/compat.h"

#include "util/alloc.h"
#include "util/arena.h"
#include "waivers.h"

struct tfa_signoffs {
    tfa_arena *arena;
    tfa_signoff *items;
    size_t n, cap;
};

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

static int trimmed(const char **p, size_t *n)
{
    while (*n && (**p == ' ' || **p == '\t'))
        (*p)++, (*n)--;
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
        (*n)--;
    return *n > 0;
}

int tfa_signoffs_add(tfa_signoffs *s, const tfa_checklist *cl, const char *arg, tfa_error *err)
{
    const char *eq = strchr(arg, '='), *colon, *id = arg, *name, *note = NULL;
    size_t id_len, name_len, note_len = 0;
    const tfa_item *it;
    tfa_signoff *x;
    char key[256];

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
    if (tfa_signoffs_find(s, key))
        return tfa_error_set(err, TFA_EUSAGE, "item '%s' is signed off twice", key);
    if (tfa_array_grow(&s->items, &s->cap, s->n + 1, sizeof(*s->items)) != 0)
        return tfa_error_oom(err);
    x = &s->items[s->n];
    x->item = tfa_arena_strdup(s->arena, key);
    x->name = tfa_arena_strndup(s->arena, name, name_len);
    x->note =
        note && trimmed(&note, &note_len) ? tfa_arena_strndup(s->arena, note, note_len) : NULL;
    if (!x->item || !x->name || (note_len && !x->note))
        return tfa_error_oom(err);
    s->n++;
    return 0;
}
