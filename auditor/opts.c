/*
 * opts.c - option table parsing and help (see opts.h).
 */
#include "util/compat.h"

#include "exit.h"
#include "msg.h"
#include "opts.h"
#include "util/alloc.h"

int tfa_strlist_push(tfa_strlist *l, const char *s)
{
    if (tfa_array_grow(&l->items, &l->cap, l->n + 1, sizeof(*l->items)) != 0)
        return TFA_ENOMEM;
    l->items[l->n++] = s;
    return 0;
}

void tfa_strlist_release(tfa_strlist *l)
{
    tfa_free(l->items);
    memset(l, 0, sizeof(*l));
}

static int choice_ok(const char *choices, const char *v)
{
    size_t n = strlen(v);
    const char *p = choices;
    while (p && *p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

static const tfa_opt *find_long(const tfa_cmd_spec *spec, const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < spec->nopts; i++)
        if (strlen(spec->opts[i].name) == len && strncmp(spec->opts[i].name, name, len) == 0)
            return &spec->opts[i];
    return NULL;
}

static const tfa_opt *find_short(const tfa_cmd_spec *spec, char c)
{
    size_t i;
    for (i = 0; i < spec->nopts; i++)
        if (spec->opts[i].short_name == c)
            return &spec->opts[i];
    return NULL;
}

static int store(const tfa_cmd_spec *spec, const tfa_opt *o, const char *value, void *opts)
{
    char *base = opts;
    switch (o->type) {
    case TFA_OPT_FLAG:
        *(int *)(void *)(base + o->offset) = 1;
        return 0;
    case TFA_OPT_CHOICE:
        if (!choice_ok(o->choices, value))
            return tfa_msg_usage(spec->name, "invalid value '%s' for --%s (choose %s)", value,
                                 o->name, o->choices);
        /* fall through */
    case TFA_OPT_STRING:
        *(const char **)(void *)(base + o->offset) = value;
        return 0;
    case TFA_OPT_LIST:
        if (tfa_strlist_push((tfa_strlist *)(void *)(base + o->offset), value))
            return tfa_msg_error("out of memory");
        return 0;
    }
    return 0;
}

/* One option at argv[*i]; advances *i past its value. */
static int parse_one(const tfa_cmd_spec *spec, int argc, char **argv, int *i, void *opts)
{
    const char *arg = argv[*i], *value = NULL, *eq;
    const tfa_opt *o;

    if (arg[1] == '-') {
        eq = strchr(arg + 2, '=');
        o = find_long(spec, arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
        if (!o)
            return tfa_msg_usage(spec->name, "unknown option '%.*s'",
                                 (int)(eq ? (size_t)(eq - arg) : strlen(arg)), arg);
        if (eq && o->type == TFA_OPT_FLAG)
            return tfa_msg_usage(spec->name, "option '--%s' takes no value", o->name);
        value = eq ? eq + 1 : NULL;
    } else {
        o = find_short(spec, arg[1]);
        if (!o || arg[2])
            return tfa_msg_usage(spec->name, "unknown option '%s'", arg);
    }
    if (o->type != TFA_OPT_FLAG && !value) {
        if (*i + 1 >= argc)
            return tfa_msg_usage(spec->name, "option '--%s' needs a value", o->name);
        value = argv[++*i];
    }
    return store(spec, o, value, opts);
}

int tfa_opts_parse(const tfa_cmd_spec *spec, int argc, char **argv, void *opts, tfa_strlist *args)
{
    int i, rc, only_args = 0;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_args && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            tfa_opts_help(spec, stdout);
            return TFA_EXIT_HELP;
        }
        if (!only_args && strcmp(a, "--") == 0) {
            only_args = 1;
        } else if (!only_args && a[0] == '-' && a[1] != '\0') {
            if ((rc = parse_one(spec, argc, argv, &i, opts)) != 0)
                return rc;
        } else if (tfa_strlist_push(args, a)) {
            return tfa_msg_error("out of memory");
        }
    }
    if (args->n < spec->min_args)
        return tfa_msg_usage(spec->name, "%s needs %s", spec->name,
                             spec->min_args == 1 ? "an argument" : "more arguments");
    if (spec->max_args != TFA_ARGS_UNLIMITED && args->n > spec->max_args)
        return tfa_msg_usage(spec->name, "too many arguments");
    return 0;
}

void tfa_opts_help(const tfa_cmd_spec *spec, FILE *out)
{
    size_t i;
    fprintf(out, "usage: tfaudit %s %s\n\n%s\n", spec->name, spec->usage, spec->summary);
    if (spec->nopts)
        fputs("\noptions:\n", out);
    for (i = 0; i < spec->nopts; i++) {
        const tfa_opt *o = &spec->opts[i];
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        fprintf(out, "  %-30s %s\n", left, o->help);
    }
    fprintf(out, "  %-30s %s\n", "-h, --help", "show this help");
    if (spec->description)
        fprintf(out, "\n%s", spec->description);
}
