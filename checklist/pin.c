/*
 * pin.c - plan pins (see pin.h for exactly what a pin covers). The listing
 * is built as lines of tab-separated, escaped fields, sorted, and hashed, so
 * the order in which documents list things does not matter. Values enter
 * only as the digests the plan reader computed (plan_json.c, jsondigest.h).
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

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A pure no-op changes nothing the pin should cover (moves and imports do). */
static int pinned(const tfa_change *c)
{
    return c->action != TFA_ACTION_NOOP || c->prev_address || c->importing;
}

/* A field of a listing line: tab, newline and backslash escaped, so no
 * name can forge another field or line; NULL (absent) is distinct from
 * every string. */
static void put_field(tfa_buf *b, const char *s)
{
    tfa_buf_put(b, "\t", 1);
    if (!s) { /* "\0": no escaped string can spell it */
        tfa_buf_put(b, "\\0", 2);
        return;
    }
    for (; *s; s++) {
        if (*s == '\t' || *s == '\n' || *s == '\\')
            tfa_buf_printf(b, "\\x%02x", (unsigned)(unsigned char)*s);
        else
            tfa_buf_put(b, s, 1);
    }
}

static void put_digest(tfa_buf *b, const unsigned char d[TFA_SHA256_BYTES], int has)
{
    char hex[TFA_SHA256_HEX];
    if (!has) {
        put_field(b, NULL);
        return;
    }
    tfa_sha256_hex(d, hex);
    put_field(b, hex);
}

static int is_plan(const tfa_run *run, unsigned input)
{
    return tfa_run_input(run, input)->kind == TFA_KIND_PLAN;
}

static int list_inputs(const tfa_run *run, lines *l, tfa_buf *b, int *plans)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < tfa_run_input_count(run) && !rc; i++) {
        const tfa_input *in = tfa_run_input(run, i);
        if (in->kind != TFA_KIND_PLAN)
            continue;
        if (in->plan.configuration_unread)
            return TFA_EUSAGE; /* loaded unpinned: the pin would leave its configuration out */
        (*plans)++;
        tfa_buf_put(b, "version", 7);
        put_field(b, in->format_version);
        put_field(b, in->plan.plan_format_version);
        put_field(b, in->tool_version);
        if ((rc = add_line(l, b)) != 0 || !in->plan.has_configuration)
            continue;
        tfa_buf_put(b, "configuration", 13);
        put_digest(b, in->plan.configuration_digest, 1);
        rc = add_line(l, b);
    }
    return rc;
}

static int list_named(const tfa_run *run, lines *l, tfa_buf *b)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < tfa_run_variable_count(run) && !rc; i++) {
        const tfa_variable *v = tfa_run_variable(run, i);
        if (!is_plan(run, v->input))
            continue;
        tfa_buf_put(b, "variable", 8);
        put_field(b, v->name);
        put_digest(b, v->value_digest, v->has_value);
        rc = add_line(l, b);
    }
    for (i = 0; i < tfa_run_output_count(run) && !rc; i++) {
        const tfa_output *o = tfa_run_output(run, i);
        if (o->action == TFA_ACTION_NOOP || !is_plan(run, o->input))
            continue;
        tfa_buf_put(b, "output", 6);
        put_field(b, o->name);
        put_field(b, tfa_action_name(o->action));
        put_field(b, o->sensitive ? "sensitive" : "-");
        put_digest(b, o->value_digest, o->has_value);
        rc = add_line(l, b);
    }
    return rc;
}

static int list_changes(const tfa_run *run, lines *l, tfa_buf *b)
{
    char num[48];
    size_t i;
    int rc = 0;

    for (i = 0; i < tfa_run_change_count(run, TFA_LIST_CHANGES) && !rc; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_CHANGES, i);
        if (!pinned(c) || !is_plan(run, c->input))
            continue;
        tfa_buf_put(b, "change", 6);
        put_field(b, c->res.address);
        put_field(b, c->res.deposed);
        put_field(b, tfa_action_name(c->action));
        snprintf(num, sizeof(num), "%d", (int)c->replace);
        put_field(b, num);
        put_field(b, c->prev_address);
        put_field(b, c->importing ? c->importing_id : NULL);
        put_field(b, c->reason);
        put_field(b, c->res.provider);
        snprintf(num, sizeof(num), "%016llx%016llx", (unsigned long long)c->value_digest[0],
                 (unsigned long long)c->value_digest[1]);
        put_field(b, num);
        rc = add_line(l, b);
    }
    return rc;
}

static int list_plan(const tfa_run *run, lines *l, int *plans)
{
    tfa_buf b;
    int rc;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    rc = list_inputs(run, l, &b, plans);
    if (rc == 0)
        rc = list_named(run, l, &b);
    if (rc == 0)
        rc = list_changes(run, l, &b);
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
        tfa_sha256_update(&sha, "tfaudit plan pin v2\n", 20);
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

int tfa_pin_version(const char *s)
{
    unsigned long v;
    char *end;
    size_t i;

    if (strncmp(s, "tfapin", 6) != 0 || !(s[6] >= '1' && s[6] <= '9'))
        return 0;
    v = strtoul(s + 6, &end, 10);
    if (*end != ':' || v > 1000 || strlen(end + 1) != 64)
        return 0;
    for (i = 1; end[i]; i++)
        if (!((end[i] >= '0' && end[i] <= '9') || (end[i] >= 'a' && end[i] <= 'f')))
            return 0;
    return (int)v;
}

int tfa_pin_is_valid(const char *s)
{
    return tfa_pin_version(s) == TFA_PIN_VERSION;
}
