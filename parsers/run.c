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

/* A merged view (run.h, "One change model"), cached until the lists change. */
typedef struct view_cache {
    const void **items;
    size_t n, cap, merged;
    size_t stamp[2]; /* sizes of the lists it was built from */
    unsigned gen;    /* run->gen it was built at */
    int built, ok;
} view_cache;

struct tfa_run {
    tfa_arena *arena;
    tfa_seq inputs;
    tfa_seq changes[TFA_LIST_CHANGE_COUNT];
    tfa_seq applied, diags, outputs, variables, state_resources, locks, notes;
    intern_slot *intern;
    size_t intern_cap, intern_count;
    view_cache views[TFA_VIEW_COUNT];
    unsigned gen; /* bumped when records are removed (stale views) */
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
    for (i = 0; i < TFA_VIEW_COUNT; i++)
        tfa_free(run->views[i].items);
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
    for (i = 0; i < TFA_VIEW_COUNT; i++)
        n += run->views[i].cap * sizeof(*run->views[i].items);
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
    run->gen++;
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

/* ---- merged views (run.h, "One change model for every input kind") ------- */

int tfa_kind_rank(tfa_kind kind)
{
    switch (kind) {
    case TFA_KIND_PLAN:
        return 0;
    case TFA_KIND_UI_LOG:
        return 1;
    case TFA_KIND_TEXT_LOG:
        return 2;
    default:
        return 3;
    }
}

/* One candidate of a view: the record, what makes it "the same", and how
 * exact its input is. */
typedef struct view_cand {
    const void *rec;
    const tfa_resource *res;
    unsigned input;
    int action, status;
    int rank;
    uint64_t hash;
} view_cand;

static uint64_t cand_hash(const view_cand *c)
{
    const char *a = c->res->address ? c->res->address : "";
    const char *d = c->res->deposed ? c->res->deposed : "";
    int tag[2];
    uint64_t h = tfa_hash64(a, strlen(a), 0x7661u);

    h = tfa_hash64(d, strlen(d), h);
    tag[0] = c->action, tag[1] = c->status;
    return tfa_hash64(tag, sizeof(tag), h);
}

static int opt_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int cand_same(const view_cand *x, const view_cand *y)
{
    return x->hash == y->hash && x->action == y->action && x->status == y->status &&
           opt_eq(x->res->address, y->res->address) && opt_eq(x->res->deposed, y->res->deposed);
}

/* Whether x comes from a more exact input than y (rank, then input order). */
static int cand_better(const view_cand *x, const view_cand *y)
{
    return x->rank != y->rank ? x->rank < y->rank : x->input < y->input;
}

static void cand_fill(const tfa_run *run, view_cand *c, const void *rec, const tfa_resource *res,
                      unsigned input, int action, int status)
{
    const tfa_input *in = tfa_run_input(run, input);
    c->rec = rec, c->res = res, c->input = input, c->action = action, c->status = status;
    c->rank = tfa_kind_rank(in ? in->kind : TFA_KIND_UNKNOWN);
    c->hash = cand_hash(c);
}

/* The candidates of view v, in list order (plan records first). */
static view_cand *view_candidates(const tfa_run *run, tfa_view v, size_t *n)
{
    const tfa_seq *lists[2] = {NULL, NULL};
    view_cand *cands;
    size_t total = 0, i, k, j = 0;

    if (v == TFA_VIEW_APPLIED) {
        lists[0] = &run->applied;
    } else if (v == TFA_VIEW_DRIFT) {
        lists[0] = &run->changes[TFA_LIST_DRIFT];
    } else {
        lists[0] = &run->changes[TFA_LIST_CHANGES];
        lists[1] = &run->changes[TFA_LIST_PLANNED];
    }
    for (k = 0; k < 2; k++)
        total += lists[k] ? lists[k]->count : 0;
    *n = total;
    if (!(cands = tfa_calloc(total ? total : 1, sizeof(*cands))))
        return NULL;
    for (k = 0; k < 2 && lists[k]; k++)
        for (i = 0; i < lists[k]->count; i++, j++) {
            const void *rec = tfa_seq_at(lists[k], i);
            if (v == TFA_VIEW_APPLIED) {
                const tfa_applied *a = rec;
                cand_fill(run, &cands[j], rec, &a->res, a->input, (int)a->action, (int)a->status);
            } else {
                const tfa_change *c = rec;
                cand_fill(run, &cands[j], rec, &c->res, c->input, (int)c->action, 0);
            }
        }
    return cands;
}

/* Keep, in order, each candidate whose input is the best of its group. */
static int view_build(const tfa_run *run, tfa_view v, view_cache *vc)
{
    view_cand *cands = NULL;
    size_t n = 0, cap, i, j, *slots = NULL;
    int rc = TFA_ENOMEM;

    vc->n = vc->merged = 0;
    if (!(cands = view_candidates(run, v, &n)))
        goto done;
    for (cap = 16; cap < 2 * n; cap *= 2)
        ;
    if (!(slots = tfa_malloc(cap * sizeof(*slots))))
        goto done;
    for (j = 0; j < cap; j++)
        slots[j] = (size_t)-1;
    /* slots map a group to its best candidate so far */
    for (i = 0; i < n; i++) {
        for (j = cands[i].hash & (cap - 1); slots[j] != (size_t)-1; j = (j + 1) & (cap - 1))
            if (cand_same(&cands[slots[j]], &cands[i]))
                break;
        if (slots[j] == (size_t)-1 || cand_better(&cands[i], &cands[slots[j]]))
            slots[j] = i;
    }
    if (n > vc->cap) {
        const void **items = tfa_realloc(vc->items, n * sizeof(*items));
        if (!items)
            goto done;
        vc->items = items, vc->cap = n;
    }
    for (i = 0; i < n; i++) {
        const view_cand *best;
        for (j = cands[i].hash & (cap - 1); !cand_same(&cands[slots[j]], &cands[i]);
             j = (j + 1) & (cap - 1))
            ;
        best = &cands[slots[j]];
        if (best->rank == cands[i].rank && best->input == cands[i].input)
            vc->items[vc->n++] = cands[i].rec;
        else
            vc->merged++;
    }
    rc = 0;
done:
    tfa_free(slots);
    tfa_free(cands);
    return rc;
}

/* The cached view, rebuilt when its lists changed since it was built. */
static const view_cache *view_get(const tfa_run *run, tfa_view v)
{
    /* logically const: the cache only memoizes what the lists determine */
    view_cache *vc = (view_cache *)(uintptr_t)&run->views[v];
    size_t a = 0, b = 0;

    if (v == TFA_VIEW_APPLIED)
        a = run->applied.count;
    else if (v == TFA_VIEW_DRIFT)
        a = run->changes[TFA_LIST_DRIFT].count;
    else
        a = run->changes[TFA_LIST_CHANGES].count, b = run->changes[TFA_LIST_PLANNED].count;
    if (!vc->built || vc->gen != run->gen || vc->stamp[0] != a || vc->stamp[1] != b) {
        vc->ok = view_build(run, v, vc) == 0;
        if (!vc->ok)
            vc->n = 0;
        vc->built = 1, vc->gen = run->gen, vc->stamp[0] = a, vc->stamp[1] = b;
    }
    return vc;
}

int tfa_run_view_ok(const tfa_run *run, tfa_view v)
{
    return (unsigned)v < TFA_VIEW_COUNT && view_get(run, v)->ok;
}

size_t tfa_run_view_count(const tfa_run *run, tfa_view v)
{
    return (unsigned)v < TFA_VIEW_COUNT ? view_get(run, v)->n : 0;
}

size_t tfa_run_view_merged(const tfa_run *run, tfa_view v)
{
    return (unsigned)v < TFA_VIEW_COUNT ? view_get(run, v)->merged : 0;
}

const tfa_change *tfa_run_view_change(const tfa_run *run, tfa_view v, size_t i)
{
    const view_cache *vc;
    if (v != TFA_VIEW_CHANGES && v != TFA_VIEW_DRIFT)
        return NULL;
    vc = view_get(run, v);
    return i < vc->n ? vc->items[i] : NULL;
}

const tfa_applied *tfa_run_view_applied(const tfa_run *run, size_t i)
{
    const view_cache *vc = view_get(run, TFA_VIEW_APPLIED);
    return i < vc->n ? vc->items[i] : NULL;
}
