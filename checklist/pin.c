/*
 * pin.c - plan pins (see pin.h). The listing is built as lines, sorted, and
 * hashed, so the order in which documents list things does not matter.
 */
#include "util/compat.h"

#include "util/sort.h"

#include "pin.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/sha256.h"

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static int add_line(lines *l, tfa_buf *b)
{
    char *s;
    if (tfa_buf_status(b))
        return TFA_ENOMEM;
    if (tfa_array_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) != 0)
        return TFA_ENOMEM;
    if (!(s = tfa_buf_detach(b, NULL)))
        return TFA_ENOMEM;
    l->v[l->n++] = s;
    return 0;
}

static const char *or_dash(const char *s)
{
    return s ? s : "-";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A pure no-op changes nothing the pin should cover (moves and imports do). */
static int pinned(const tfa_change *c)
{
    return c->action != TFA_ACTION_NOOP || c->prev_address || c->importing;
}

static int list_plan(const tfa_run *run, lines *l, int *plans)
{
    tfa_buf b;
    size_t i;
    int rc = 0;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    for (i = 0; i < tfa_run_input_count(run) && !rc; i++) {
        const tfa_input *in = tfa_run_input(run, i);
        if (in->kind != TFA_KIND_PLAN)
            continue;
        (*plans)++;
        tfa_buf_printf(&b, "version\t%s\t%s\t%s", or_dash(in->format_version),
                       or_dash(in->plan.plan_format_version), or_dash(in->tool_version));
        rc = add_line(l, &b);
    }
    for (i = 0; i < tfa_run_variable_count(run) && !rc; i++) {
        const tfa_variable *v = tfa_run_variable(run, i);
        if (tfa_run_input(run, v->input)->kind != TFA_KIND_PLAN)
            continue;
        tfa_buf_printf(&b, "variable\t%s", v->name);
        rc = add_line(l, &b);
    }
    for (i = 0; i < tfa_run_output_count(run) && !rc; i++) {
        const tfa_output *o = tfa_run_output(run, i);
        if (o->action == TFA_ACTION_NOOP || tfa_run_input(run, o->input)->kind != TFA_KIND_PLAN)
            continue;
        tfa_buf_printf(&b, "output\t%s\t%s", o->name, tfa_action_name(o->action));
        rc = add_line(l, &b);
    }
    for (i = 0; i < tfa_run_change_count(run, TFA_LIST_CHANGES) && !rc; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_CHANGES, i);
        if (!pinned(c) || tfa_run_input(run, c->input)->kind != TFA_KIND_PLAN)
            continue;
        tfa_buf_printf(&b, "change\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%016llx%016llx", c->res.address,
                       or_dash(c->res.deposed), tfa_action_name(c->action), (int)c->replace,
                       or_dash(c->prev_address), c->importing ? or_dash(c->importing_id) : "-",
                       or_dash(c->reason), (unsigned long long)c->value_digest[0],
                       (unsigned long long)c->value_digest[1]);
        rc = add_line(l, &b);
    }
    tfa_buf_release(&b);
    return rc;
}

int tfa_plan_pin(const tfa_run *run, char out[TFA_PIN_CHARS])
{
    unsigned char digest[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX];
    lines l = {NULL, 0, 0};
    tfa_sha256 sha;
    int plans = 0, rc;
    size_t i;

    rc = list_plan(run, &l, &plans);
    if (rc == 0 && plans == 0)
        rc = TFA_ENOTFOUND;
    if (rc == 0) {
        tfa_sort(l.v, l.n, sizeof(*l.v), cmp_str);
        tfa_sha256_init(&sha);
        tfa_sha256_update(&sha, "tfaudit plan pin v1\n", 20);
        for (i = 0; i < l.n; i++) {
            tfa_sha256_update(&sha, l.v[i], strlen(l.v[i]));
            tfa_sha256_update(&sha, "\n", 1);
        }
        tfa_sha256_final(&sha, digest);
        tfa_sha256_hex(digest, hex);
        snprintf(out, TFA_PIN_CHARS, "%s%s", TFA_PIN_PREFIX, hex);
    }
    for (i = 0; i < l.n; i++)
        tfa_free(l.v[i]);
    tfa_free(l.v);
    return rc;
}

int tfa_pin_is_valid(const char *s)
{
    size_t i, n = strlen(TFA_PIN_PREFIX);
    if (strncmp(s, TFA_PIN_PREFIX, n) != 0 || strlen(s) != n + 64)
        return 0;
    for (i = n; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}
