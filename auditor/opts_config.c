/*
 * opts_config.c - the layers under the command line: TFAUDIT_NAME from the
 * environment, then key NAME of the configuration file (config.h), for
 * every option of a command's table that no flag set (see opts.h).
 *
 * Values from the environment are never shown: an origin's `shown` spells
 * them "${NAME}", since a webhook URL or a token may be in them.
 */
#include "util/compat.h"

#include "commands.h"
#include "config.h"
#include "exit.h"
#include "msg.h"
#include "opts_priv.h"
#include "util/alloc.h"
#include "util/buf.h"

struct tfa_opts_store {
    tfa_config *cfg;
    char **strings;
    size_t n, cap;
};

typedef struct layer {
    const tfa_cmd_spec *spec;
    void *opts;
    tfa_opts_store *st;
    const tfa_config *cfg;
    const char *workspace;
    tfa_opts_parse_options *po;
} layer;

void tfa_opts__store_free(tfa_opts_store *st)
{
    size_t i;
    if (!st)
        return;
    for (i = 0; i < st->n; i++)
        tfa_free(st->strings[i]);
    tfa_free(st->strings);
    tfa_config_free(st->cfg);
    tfa_free(st);
}

/* Hand `s` to the store; returns it, or NULL (and frees it) on OOM. */
static const char *keep(tfa_opts_store *st, char *s)
{
    if (!s || tfa_array_grow(&st->strings, &st->cap, st->n + 1, sizeof(*st->strings)) != 0) {
        tfa_free(s);
        return NULL;
    }
    st->strings[st->n++] = s;
    return s;
}

static const char *keep_printf(tfa_opts_store *st, const char *fmt, ...) TFA_PRINTF(2, 3);
static const char *keep_printf(tfa_opts_store *st, const char *fmt, ...)
{
    tfa_buf b;
    va_list ap;
    char *s = NULL;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    va_start(ap, fmt);
    tfa_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (tfa_buf_status(&b) == 0)
        s = tfa_buf_detach(&b, NULL);
    tfa_buf_release(&b);
    return keep(st, s);
}

/* TFAUDIT_KNOWN_DRIFT for "known-drift". */
static void env_name(char *out, size_t size, const char *opt)
{
    size_t i, n = (size_t)snprintf(out, size, "TFAUDIT_");
    for (i = 0; opt[i] && n + 1 < size; i++, n++)
        out[n] =
            opt[i] == '-' ? '_' : (char)(opt[i] >= 'a' && opt[i] <= 'z' ? opt[i] - 32 : opt[i]);
    out[n < size ? n : size - 1] = '\0';
}

/* Option values that name files: relative ones in the configuration file
 * are relative to the file's directory, so a file found in a parent
 * directory means the same wherever tfaudit runs below it. */
static int names_a_path(const tfa_opt *o)
{
    static const char *const args[] = {"FILE", "PATH", "DIR"};
    size_t i;
    if (!o->arg)
        return 0;
    for (i = 0; i < TFA_ARRAY_SIZE(args); i++)
        if (strcmp(o->arg, args[i]) == 0)
            return 1;
    return strncmp(o->arg, "OUT", 3) == 0;
}

static void set_origin(layer *l, size_t i, tfa_opt_source src, const char *shown, const char *fmt,
                       ...) TFA_PRINTF(5, 6);
static void set_origin(layer *l, size_t i, tfa_opt_source src, const char *shown, const char *fmt,
                       ...)
{
    tfa_opt_origin *o;
    va_list ap;

    if (!l->po || !l->po->origins)
        return;
    o = &l->po->origins[i];
    o->source = src;
    o->shown = shown;
    va_start(ap, fmt);
    vsnprintf(o->where, sizeof(o->where), fmt, ap);
    va_end(ap);
}

/* Store one value of option `o` (not from a flag). Returns 0, or an exit
 * status after printing `where` and why. */
static int put(layer *l, const tfa_opt *o, const char *value, const char *where)
{
    char *field = (char *)l->opts + o->offset;

    switch (o->type) {
    case TFA_OPT_FLAG:
        if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "yes") == 0)
            *(int *)(void *)field = 1;
        else if (strcmp(value, "false") != 0 && strcmp(value, "0") != 0 && strcmp(value, "no") != 0)
            return tfa_msg_error("%s: '%s' is true or false", where, o->name);
        return 0;
    case TFA_OPT_CHOICE:
        if (!tfa_opts__choice_ok(o->choices, value))
            return tfa_msg_error("%s: invalid value '%s' for '%s' of %s (choose %s)", where, value,
                                 o->name, l->spec->name, o->choices);
        /* fall through */
    case TFA_OPT_STRING:
        *(const char **)(void *)field = value;
        return 0;
    case TFA_OPT_LIST:
        if (tfa_strlist_push((tfa_strlist *)(void *)field, value))
            return tfa_msg_error("out of memory");
        return 0;
    }
    return 0;
}

static int from_env(layer *l, size_t i, const char *name, const char *value)
{
    const tfa_opt *o = &l->spec->opts[i];
    char where[300];
    int rc;

    snprintf(where, sizeof(where), "environment variable %s", name);
    if ((rc = put(l, o, value, where)) != 0)
        return rc;
    set_origin(l, i, TFA_OPT_FROM_ENV, keep_printf(l->st, "${%s}", name), "env %s", name);
    return 0;
}

/* One value of the file, interpolated and made relative to its directory. */
static int config_value(const char **out, int *secret, layer *l, const tfa_opt *o,
                        const tfa_config_scalar *v)
{
    const char *dir = tfa_config_dir(l->cfg);
    char *text = NULL;
    tfa_error err;

    tfa_error_init(&err);
    if (tfa_config_interpolate(&text, secret, l->cfg, v, &err) != 0)
        return tfa_msg_from_error(&err);
    if (names_a_path(o) && text[0] != '/' && strcmp(text, "-") != 0 && !strstr(text, "://") &&
        strcmp(dir, ".") != 0) {
        *out = keep_printf(l->st, "%s/%s", dir, text);
        tfa_free(text);
    } else {
        *out = keep(l->st, text);
    }
    return *out ? 0 : tfa_msg_error("out of memory");
}

static int from_config(layer *l, size_t i, const tfa_config_entry *e)
{
    const tfa_opt *o = &l->spec->opts[i];
    const char *path = tfa_config_path(l->cfg), *value = NULL, *shown = NULL;
    tfa_buf list;
    size_t k;
    int rc = 0, secret = 0, any_secret = 0;
    size_t empty = 0;

    tfa_buf_init(&list, TFA_BUF_NO_MAX);
    for (k = 0; k < e->n && rc == 0; k++) {
        char where[TFA_OPT_WHERE_MAX];
        snprintf(where, sizeof(where), "%s:%lu:%lu", path, e->values[k].line, e->values[k].column);
        if ((rc = config_value(&value, &secret, l, o, &e->values[k])) != 0)
            break;
        if (!*value) { /* "${HOOK:-}": an optional value that is not there */
            empty++;
            continue;
        }
        if ((rc = put(l, o, value, where)) != 0)
            break;
        any_secret |= secret;
        tfa_buf_printf(&list, "%s%s", k ? ", " : "", secret ? e->values[k].text : value);
    }
    if (rc == 0 && empty == e->n) {
        set_origin(l, i, TFA_OPT_FROM_DEFAULT, NULL, "default (%s:%lu:%lu is empty)", path,
                   e->values[0].line, e->values[0].column);
    } else if (rc == 0) {
        shown = e->is_sequence ? keep_printf(l->st, "[%s]", list.ptr)
                               : (any_secret ? e->values[0].text : value);
        set_origin(l, i, TFA_OPT_FROM_CONFIG, shown, "%s:%lu:%lu (%s)", path, e->values[0].line,
                   e->values[0].column, e->section);
    }
    tfa_buf_release(&list);
    return rc;
}

static const tfa_opt *find_opt(const tfa_cmd_spec *spec, const char *name, size_t *index)
{
    size_t i;
    for (i = 0; i < spec->nopts; i++)
        if (strcmp(spec->opts[i].name, name) == 0) {
            *index = i;
            return &spec->opts[i];
        }
    return NULL;
}

/* The workspace whose overrides apply: the command's --workspace (or the
 * global one), TFAUDIT_WORKSPACE, else `workspace` in the file's
 * non-workspace sections. */
static int pick_workspace(layer *l, const unsigned char *set, const tfa_opts__globals *g)
{
    const char *env = getenv(TFA_WORKSPACE_ENV);
    tfa_config_entry e;
    size_t i;
    int secret;

    if (find_opt(l->spec, "workspace", &i) && set[i])
        l->workspace = *(const char **)(void *)((char *)l->opts + l->spec->opts[i].offset);
    else if (g->workspace)
        l->workspace = g->workspace;
    else if (env && *env)
        l->workspace = env;
    else if (l->cfg && tfa_config_lookup(&e, l->cfg, l->spec->name, NULL, "workspace") &&
             !e.is_sequence) {
        const tfa_opt ws = {"workspace", 0, TFA_OPT_STRING, 0, NULL, NULL, NULL};
        return config_value(&l->workspace, &secret, l, &ws, &e.values[0]);
    }
    return 0;
}

static int load_config(layer *l, const tfa_opts__globals *g)
{
    const tfa_cmd_spec *specs[TFA_COMMAND_SPECS_MAX];
    tfa_config_catalog cat;
    char *path = NULL;
    tfa_error err;
    int rc = 0;

    tfa_error_init(&err);
    cat.specs = specs;
    cat.n = tfa_command_specs(specs, TFA_ARRAY_SIZE(specs));
    if (cat.n > TFA_ARRAY_SIZE(specs)) /* a programming error: raise TFA_COMMAND_SPECS_MAX */
        return tfa_msg_error("more than %d commands", TFA_COMMAND_SPECS_MAX);
    if (tfa_config_locate(&path, g->config, &err) != 0)
        return tfa_msg_from_error(&err);
    if (path && tfa_config_load(&l->st->cfg, path, &cat, &err) != 0)
        rc = tfa_msg_from_error(&err);
    tfa_free(path);
    l->cfg = l->st->cfg;
    return rc;
}

int tfa_opts__layer(const tfa_cmd_spec *spec, void *opts, const unsigned char *set,
                    const tfa_opts__globals *g, tfa_strlist *args, tfa_opts_parse_options *po)
{
    layer l = {spec, opts, NULL, NULL, NULL, po};
    size_t i;
    int rc;

    if (!args->store && !(args->store = tfa_calloc(1, sizeof(*args->store))))
        return tfa_msg_error("out of memory");
    l.st = args->store;
    if ((rc = load_config(&l, g)) != 0 || (rc = pick_workspace(&l, set, g)) != 0)
        return rc;
    for (i = 0; i < spec->nopts && rc == 0; i++) {
        const tfa_opt *o = &spec->opts[i];
        char name[128];
        const char *env;
        tfa_config_entry e;

        env_name(name, sizeof(name), o->name);
        env = getenv(name);
        if (set[i])
            set_origin(&l, i, TFA_OPT_FROM_FLAG, NULL, "--%s", o->name);
        else if (env && *env)
            rc = from_env(&l, i, name, env);
        else if (l.cfg && tfa_config_lookup(&e, l.cfg, spec->name, l.workspace, o->name))
            rc = from_config(&l, i, &e);
        else
            set_origin(&l, i, TFA_OPT_FROM_DEFAULT, NULL, "default");
    }
    if (po) {
        po->config_path = l.cfg ? tfa_config_path(l.cfg) : NULL;
        po->workspace = l.workspace;
    }
    return rc;
}
