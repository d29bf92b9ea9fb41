/*
 * run.c - the run model's storage: inputs, record lists, arena, interning.
 */
#include "util/compat.h"

#include "run_build.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/seq.h"

typedef struct intern_slot {
    uint64_t hash;
    const char *str;
    size_t len;
} intern_slot;

struct tfa_run {
    tfa_arena *arena;
    tfa_seq inputs;
    tfa_seq changes[TFA_LIST_CHANGE_COUNT];
    tfa_seq applied, diags, outputs, variables, state_resources, locks, notes;
    tfa_seq context;
    intern_slot *intern;
    size_t intern_cap, intern_count;
};

static const char *const kind_names[TFA_KIND_COUNT] = {"unknown", "plan", "ui-log", "text-log",
                                                       "state"};

const char *tfa_kind_name(tfa_kind kind)
{
    return (unsigned)kind < TFA_KIND_COUNT ? kind_names[kind] : "unknown";
}

tfa_kind tfa_kind_from_name(const char *name)
{
    int k;
    for (k = 1; k < TFA_KIND_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return (tfa_kind)k;
    return TFA_KIND_UNKNOWN;
}

static const char *const action_names[TFA_ACTION_COUNT] = {
    "no-op", "create", "read", "update", "delete", "replace", "forget", "unknown"};

const char *tfa_action_name(tfa_action action)
{
    return (unsigned)action < TFA_ACTION_COUNT ? action_names[action] : "unknown";
}

tfa_action tfa_action_from_name(const char *name)
{
    int a;
    for (a = 0; a < TFA_ACTION_COUNT; a++)
        if (strcmp(name, action_names[a]) == 0)
            return (tfa_action)a;
    return TFA_ACTION_UNKNOWN;
}

const char *tfa_severity_name(tfa_severity sev)
{
    switch (sev) {
    case TFA_SEV_ERROR:
        return "error";
    case TFA_SEV_WARNING:
        return "warning";
    default:
        return "info";
    }
}

int tfa_run_new(tfa_run **out)
{
    tfa_run *run = tfa_calloc(1, sizeof(*run));
    int i;

    *out = NULL;
    if (!run)
        return TFA_ENOMEM;
    if (tfa_arena_new(&run->arena) != 0) {
        tfa_free(run);
        return TFA_ENOMEM;
    }
    tfa_seq_init(&run->inputs, sizeof(tfa_input));
    for (i = 0; i < TFA_LIST_CHANGE_COUNT; i++)
        tfa_seq_init(&run->changes[i], sizeof(tfa_change));
    tfa_seq_init(&run->applied, sizeof(tfa_applied));
    tfa_seq_init(&run->diags, sizeof(tfa_diag));
    tfa_seq_init(&run->outputs, sizeof(tfa_output));
    tfa_seq_init(&run->variables, sizeof(tfa_variable));
    tfa_seq_init(&run->state_resources, sizeof(tfa_state_resource));
    tfa_seq_init(&run->locks, sizeof(tfa_lock));
    tfa_seq_init(&run->notes, sizeof(tfa_note));
    tfa_seq_init(&run->context, sizeof(tfa_context));
    *out = run;
    return 0;
}

void tfa_run_free(tfa_run *run)
{
    int i;
    if (!run)
        return;
    tfa_seq_release(&run->inputs);
    for (i = 0; i < TFA_LIST_CHANGE_COUNT; i++)
        tfa_seq_release(&run->changes[i]);
    tfa_seq_release(&run->applied);
    tfa_seq_release(&run->diags);
    tfa_seq_release(&run->outputs);
    tfa_seq_release(&run->variables);
    tfa_seq_release(&run->state_resources);
    tfa_seq_release(&run->locks);
    tfa_seq_release(&run->notes);
    tfa_seq_release(&run->context);
    tfa_free(run->intern);
    tfa_arena_free(run->arena);
    tfa_free(run);
}

size_t tfa_run_memory(const tfa_run *run)
{
    size_t n = tfa_arena_used(run->arena) + run->intern_cap * sizeof(intern_slot);
    const tfa_seq *seqs[] = {&run->inputs,     &run->applied,    &run->diags,
                             &run->outputs,    &run->variables,  &run->state_resources,
                             &run->locks,      &run->notes,      &run->changes[0],
                             &run->changes[1], &run->changes[2], &run->changes[3]};
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(seqs); i++)
        n += seqs[i]->nchunks * TFA_SEQ_CHUNK * seqs[i]->elem_size;
    return n;
}

/* ---- accessors ------------------------------------------------------------ */

#define ACCESSORS(noun, type, seqfield)                                                            \
    size_t tfa_run_##noun##_count(const tfa_run *run)                                              \
    {                                                                                              \
        return run->seqfield.count;                                                                \
    }                                                                                              \
    const type *tfa_run_##noun(const tfa_run *run, size_t i)                                       \
    {                                                                                              \
        return i < run->seqfield.count ? tfa_seq_at(&run->seqfield, i) : NULL;                     \
    }                                                                                              \
    type *tfa_run_push_##noun(tfa_run *run)                                                        \
    {                                                                                              \
        return tfa_seq_push(&run->seqfield);                                                       \
    }

ACCESSORS(applied, tfa_applied, applied)
ACCESSORS(diag, tfa_diag, diags)
ACCESSORS(output, tfa_output, outputs)
ACCESSORS(variable, tfa_variable, variables)
ACCESSORS(state_resource, tfa_state_resource, state_resources)
ACCESSORS(lock, tfa_lock, locks)

size_t tfa_run_input_count(const tfa_run *run)
{
    return run->inputs.count;
}

const tfa_input *tfa_run_input(const tfa_run *run, size_t i)
{
    return i < run->inputs.count ? tfa_seq_at(&run->inputs, i) : NULL;
}

tfa_input *tfa_run_input_mut(tfa_run *run, size_t i)
{
    return i < run->inputs.count ? tfa_seq_at(&run->inputs, i) : NULL;
}

size_t tfa_run_change_count(const tfa_run *run, tfa_list list)
{
    return (unsigned)list < TFA_LIST_CHANGE_COUNT ? run->changes[list].count : 0;
}

const tfa_change *tfa_run_change(const tfa_run *run, tfa_list list, size_t i)
{
    if ((unsigned)list >= TFA_LIST_CHANGE_COUNT || i >= run->changes[list].count)
        return NULL;
    return tfa_seq_at(&run->changes[list], i);
}

size_t tfa_run_drop_changes(tfa_run *run, tfa_list list,
                            int (*drop)(const tfa_change *c, size_t i, void *payload),
                            void *payload)
{
    tfa_seq *seq;
    size_t i, kept = 0, n;

    if ((unsigned)list >= TFA_LIST_CHANGE_COUNT)
        return 0;
    seq = &run->changes[list];
    n = seq->count;
    for (i = 0; i < n; i++) {
        tfa_change *c = tfa_seq_at(seq, i);
        if (drop(c, i, payload))
            continue;
        if (kept != i)
            memcpy(tfa_seq_at(seq, kept), c, sizeof(*c));
        kept++;
    }
    while (seq->count > kept)
        tfa_seq_pop(seq);
    return n - kept;
}

size_t tfa_run_note_count(const tfa_run *run)
{
    return run->notes.count;
}

const tfa_note *tfa_run_note(const tfa_run *run, size_t i)
{
    return i < run->notes.count ? tfa_seq_at(&run->notes, i) : NULL;
}

/* ---- building ------------------------------------------------------------- */

tfa_input *tfa_run_push_input(tfa_run *run, const char *path, tfa_kind kind)
{
    tfa_input *in = tfa_seq_push(&run->inputs);
    if (!in)
        return NULL;
    in->kind = kind;
    in->path = tfa_run_strdup(run, path);
    in->encoding = "utf-8";
    in->state.serial = -1;
    in->state.state_version = -1;
    if (!in->path) {
        tfa_seq_pop(&run->inputs);
        return NULL;
    }
    return in;
}

tfa_change *tfa_run_push_change(tfa_run *run, tfa_list list)
{
    assert((unsigned)list < TFA_LIST_CHANGE_COUNT);
    return tfa_seq_push(&run->changes[list]);
}

int tfa_run_add_note(tfa_run *run, unsigned input, const tfa_pos *pos, const char *fmt, ...)
{
    char msg[TFA_ERROR_MESSAGE_MAX];
    tfa_note *note;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    note = tfa_seq_push(&run->notes);
    if (!note)
        return TFA_ENOMEM;
    note->input = input;
    if (pos)
        note->pos = *pos;
    note->message = tfa_run_strdup(run, msg);
    return note->message ? 0 : TFA_ENOMEM;
}

int tfa_run_add_path_note(tfa_run *run, const char *path, const char *fmt, ...)
{
    char msg[TFA_ERROR_MESSAGE_MAX];
    tfa_note *note;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    note = tfa_seq_push(&run->notes);
    if (!note)
        return TFA_ENOMEM;
    note->input = TFA_NOTE_NO_INPUT;
    note->path = tfa_run_strdup(run, path);
    note->message = tfa_run_strdup(run, msg);
    return note->path && note->message ? 0 : TFA_ENOMEM;
}

const char *tfa_run_strndup(tfa_run *run, const char *s, size_t len)
{
    return tfa_arena_strndup(run->arena, s, len);
}

const char *tfa_run_strdup(tfa_run *run, const char *s)
{
    return s ? tfa_arena_strdup(run->arena, s) : NULL;
}

void *tfa_run_alloc(tfa_run *run, size_t size)
{
    return tfa_arena_alloc(run->arena, size);
}

static int intern_grow(tfa_run *run)
{
    size_t cap = run->intern_cap ? run->intern_cap * 2 : 256, i;
    intern_slot *slots = tfa_calloc(cap, sizeof(*slots));
    if (!slots)
        return TFA_ENOMEM;
    for (i = 0; i < run->intern_cap; i++) {
        intern_slot *old = &run->intern[i];
        size_t j;
        if (!old->str)
            continue;
        for (j = old->hash & (cap - 1); slots[j].str; j = (j + 1) & (cap - 1))
            ;
        slots[j] = *old;
    }
    tfa_free(run->intern);
    run->intern = slots;
    run->intern_cap = cap;
    return 0;
}

const char *tfa_run_intern(tfa_run *run, const char *s, size_t len)
{
    uint64_t h = tfa_hash64(s, len, 0);
    size_t j;

    if ((run->intern_count + 1) * 4 > run->intern_cap * 3 && intern_grow(run) != 0)
        return NULL;
    for (j = h & (run->intern_cap - 1); run->intern[j].str; j = (j + 1) & (run->intern_cap - 1)) {
        intern_slot *sl = &run->intern[j];
        if (sl->hash == h && sl->len == len && memcmp(sl->str, s, len) == 0)
            return sl->str;
    }
    run->intern[j].str = tfa_arena_strndup(run->arena, s, len);
    if (!run->intern[j].str)
        return NULL;
    run->intern[j].hash = h;
    run->intern[j].len = len;
    run->intern_count++;
    return run->intern[j].str;
}

static int copy_str(tfa_run *run, const char **dst, const char *src, int intern)
{
    if (!src) {
        *dst = NULL;
        return 0;
    }
    *dst = intern ? tfa_run_intern(run, src, strlen(src)) : tfa_run_strdup(run, src);
    return *dst ? 0 : TFA_ENOMEM;
}

int tfa_run_copy_resource(tfa_run *run, tfa_resource *dst, const tfa_resource *src)
{
    if (copy_str(run, &dst->address, src->address, 0) ||
        copy_str(run, &dst->module, src->module, 1) || copy_str(run, &dst->mode, src->mode, 1) ||
        copy_str(run, &dst->type, src->type, 1) || copy_str(run, &dst->name, src->name, 0) ||
        copy_str(run, &dst->index, src->index, 0) ||
        copy_str(run, &dst->provider, src->provider, 1) ||
        copy_str(run, &dst->deposed, src->deposed, 0))
        return TFA_ENOMEM;
    return 0;
}

/* ---- context ---------------------------------------------------------------- */

const tfa_context *tfa_run_context(const tfa_run *run, const char *name)
{
    size_t i;
    for (i = 0; i < run->context.count; i++) {
        const tfa_context *c = tfa_seq_at(&run->context, i);
        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

static tfa_context *context_slot(tfa_run *run, const char *name)
{
    tfa_context *c = (tfa_context *)(uintptr_t)tfa_run_context(run, name);
    if (c)
        return c;
    c = tfa_seq_push(&run->context);
    if (!c)
        return NULL;
    if (!(c->name = tfa_run_strdup(run, name))) {
        tfa_seq_pop(&run->context);
        return NULL;
    }
    return c;
}

int tfa_run_set_context_str(tfa_run *run, const char *name, const char *value)
{
    tfa_context *c = context_slot(run, name);
    if (!c || !(c->str = tfa_run_strdup(run, value)))
        return TFA_ENOMEM;
    c->type = TFA_CONTEXT_STR;
    return 0;
}

int tfa_run_set_context_bool(tfa_run *run, const char *name, int value)
{
    tfa_context *c = context_slot(run, name);
    if (!c)
        return TFA_ENOMEM;
    c->type = TFA_CONTEXT_BOOL;
    c->boolean = value != 0;
    return 0;
}
