/*
 * config.c - .tfaudit.yml: find, read with libyaml, validate against the
 * option tables, look values up by (command, workspace, option) and expand
 * ${VAR} (see config.h and tfaudit-config(5)).
 *
 * The YAML document is flattened once into "settings" (workspace, section,
 * key, values with their positions) and freed; lookups scan that list, which
 * holds tens of rows.
 */
#include "util/compat.h"

#include <sys/stat.h>
#include <yaml.h>

#include "config.h"
#include "suggest.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"
#include "textfile.h"

typedef struct setting {
    char *workspace; /* NULL outside workspaces: */
    char *section;   /* "defaults" or a command or group name */
    char *key;
    tfa_config_scalar *values;
    size_t n;
    int is_sequence;
    char *label; /* "workspaces.prod.gate" */
} setting;

struct tfa_config {
    char *path, *dir;
    setting *settings;
    size_t n, cap;
};

typedef struct loader {
    tfa_config *cfg;
    const tfa_config_catalog *cat;
    yaml_document_t *doc;
    tfa_error *err;
} loader;

/* ---- locating the file -------------------------------------------------- */

static int exists(const char *path, int want_dir)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    return want_dir ? S_ISDIR(st.st_mode) || S_ISREG(st.st_mode) : S_ISREG(st.st_mode);
}

int tfa_config_locate(char **out, const char *explicit_path, tfa_error *err)
{
    const char *env = getenv(TFA_CONFIG_ENV);
    tfa_buf prefix, probe;
    int rc = 0, depth;

    *out = NULL;
    if (explicit_path || (env && *env)) {
        if (!(*out = tfa_strdup(explicit_path ? explicit_path : env)))
            return tfa_error_oom(err);
        return 0;
    }
    tfa_buf_init(&prefix, PATH_MAX);
    tfa_buf_init(&probe, PATH_MAX);
    /* "./", "../", "../../", ... until a repository root or "/" */
    for (depth = 0; depth < PATH_MAX / 3; depth++) {
        char *real = NULL;
        int at_root;
        tfa_buf_clear(&probe);
        tfa_buf_printf(&probe, "%s.%s", prefix.ptr, TFA_CONFIG_FILE_NAME);
        if ((rc = tfa_buf_status(&probe)) != 0)
            break;
        if (exists(probe.ptr, 0)) {
            if (!(*out =
                      tfa_strdup(probe.len > 2 && strncmp(probe.ptr, "./", 2) == 0 ? probe.ptr + 2
                                                                                   : probe.ptr)))
                rc = TFA_ENOMEM;
            break;
        }
        tfa_buf_clear(&probe);
        tfa_buf_printf(&probe, "%s.git", prefix.ptr);
        if (exists(probe.ptr, 1))
            break; /* the repository root: a parent's file belongs to someone else */
        real = realpath(prefix.len ? prefix.ptr : ".", NULL);
        at_root = !real || strcmp(real, "/") == 0;
        free(real); /* realpath's own allocation */
        if (at_root)
            break;
        tfa_buf_puts(&prefix, "../");
    }
    tfa_buf_release(&prefix);
    tfa_buf_release(&probe);
    return rc == 0 ? 0 : tfa_error_oom(err);
}

/* ---- loading ------------------------------------------------------------ */

static int error_at(loader *ld, const yaml_node_t *node, const char *fmt, ...) TFA_PRINTF(3, 4);
static int error_at(loader *ld, const yaml_node_t *node, const char *fmt, ...)
{
    tfa_pos pos = {node->start_mark.line + 1, node->start_mark.column + 1, node->start_mark.index};
    char msg[TFA_ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    tfa_error_set_at(ld->err, TFA_EINPUT, &pos, "%s", msg);
    tfa_error_set_source(ld->err, ld->cfg->path);
    return TFA_EINPUT;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const tfa_opt *spec_opt(const tfa_cmd_spec *spec, const char *name)
{
    size_t i;
    for (i = 0; i < spec->nopts; i++)
        if (strcmp(spec->opts[i].name, name) == 0)
            return &spec->opts[i];
    return NULL;
}

/* Does `spec` belong to `section` ("defaults", its name, or its group)? */
static int in_section(const tfa_cmd_spec *spec, const char *section)
{
    size_t len = strlen(section);
    if (strcmp(section, "defaults") == 0 || strcmp(spec->name, section) == 0)
        return 1;
    return strncmp(spec->name, section, len) == 0 && spec->name[len] == ' ';
}

static int is_command_section(const tfa_config_catalog *cat, const char *name)
{
    size_t i;
    for (i = 0; i < cat->n; i++)
        if (strcmp(name, "defaults") != 0 && in_section(cat->specs[i], name))
            return 1;
    return 0;
}

/* The type `key` has in the section's commands (-1: no command has it). */
static int option_type(const tfa_config_catalog *cat, const char *section, const char *key)
{
    size_t i;
    int type = -1;
    for (i = 0; i < cat->n; i++) {
        const tfa_opt *o = in_section(cat->specs[i], section) ? spec_opt(cat->specs[i], key) : NULL;
        if (o && (type == -1 || o->type == TFA_OPT_LIST))
            type = (int)o->type;
    }
    return type;
}

static const char *suggest_option(const tfa_config_catalog *cat, const char *section,
                                  const char *key, tfa_suggest *s)
{
    size_t i, j;
    tfa_suggest_init(s, key, strlen(key));
    for (i = 0; i < cat->n; i++)
        if (in_section(cat->specs[i], section))
            for (j = 0; j < cat->specs[i]->nopts; j++)
                tfa_suggest_offer(s, cat->specs[i]->opts[j].name);
    return tfa_suggest_best(s);
}

static int unknown_key(loader *ld, const yaml_node_t *k, const char *what, const char *best)
{
    if (best)
        return error_at(ld, k, "unknown key '%s' %s (did you mean '%s'?)", scalar(k), what, best);
    return error_at(ld, k, "unknown key '%s' %s", scalar(k), what);
}

/* Append scalar `v` to the setting's values. */
static int add_value(loader *ld, setting *s, size_t *cap, const yaml_node_t *v)
{
    const char *text = scalar(v);
    tfa_config_scalar *sc;

    if (!text)
        return error_at(ld, v, "'%s' takes a string%s", s->key,
                        s->is_sequence ? "" : " or a list of strings");
    if (v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (!*text || strcmp(text, "~") == 0 || strcmp(text, "null") == 0))
        return error_at(ld, v, "'%s' has no value", s->key);
    if (tfa_array_grow(&s->values, cap, s->n + 1, sizeof(*s->values)) != 0)
        return tfa_error_oom(ld->err);
    sc = &s->values[s->n];
    sc->line = v->start_mark.line + 1;
    sc->column = v->start_mark.column + 1;
    if (!(sc->text = tfa_strdup(text)))
        return tfa_error_oom(ld->err);
    s->n++;
    return 0;
}

static int add_setting(loader *ld, const char *ws, const char *section, const yaml_node_t *k,
                       const yaml_node_t *v, int type)
{
    tfa_config *cfg = ld->cfg;
    yaml_node_item_t *it;
    size_t cap = 0;
    setting *s;
    tfa_buf label;
    int rc = 0;

    if (tfa_array_grow(&cfg->settings, &cfg->cap, cfg->n + 1, sizeof(*cfg->settings)) != 0)
        return tfa_error_oom(ld->err);
    s = &cfg->settings[cfg->n++];
    memset(s, 0, sizeof(*s));
    tfa_buf_init(&label, TFA_BUF_NO_MAX);
    if (ws)
        tfa_buf_printf(&label, "workspaces.%s.", ws);
    tfa_buf_puts(&label, section);
    s->label = tfa_buf_status(&label) == 0 ? tfa_buf_detach(&label, NULL) : NULL;
    tfa_buf_release(&label);
    s->workspace = ws ? tfa_strdup(ws) : NULL;
    s->section = tfa_strdup(section);
    s->key = tfa_strdup(scalar(k));
    if (!s->section || !s->key || !s->label || (ws && !s->workspace))
        return tfa_error_oom(ld->err);
    if (v->type == YAML_SEQUENCE_NODE) {
        if (type != TFA_OPT_LIST)
            return error_at(ld, v, "'%s' takes one value, not a list", s->key);
        s->is_sequence = 1;
        for (it = v->data.sequence.items.start; rc == 0 && it < v->data.sequence.items.top; it++)
            rc = add_value(ld, s, &cap, yaml_document_get_node(ld->doc, *it));
        return rc;
    }
    if (type == TFA_OPT_FLAG && scalar(v) && strcmp(scalar(v), "true") != 0 &&
        strcmp(scalar(v), "false") != 0)
        return error_at(ld, v, "'%s' is true or false", s->key);
    return add_value(ld, s, &cap, v);
}

static int check_duplicate(loader *ld, const yaml_node_t *map, const yaml_node_pair_t *upto)
{
    const yaml_node_pair_t *p;
    const yaml_node_t *k = yaml_document_get_node(ld->doc, upto->key);
    for (p = map->data.mapping.pairs.start; p < upto; p++)
        if (strcmp(scalar(yaml_document_get_node(ld->doc, p->key)), scalar(k)) == 0)
            return error_at(ld, k, "duplicate key '%s'", scalar(k));
    return 0;
}

/* The keys of one section: option names of the section's commands. */
static int load_options(loader *ld, const char *ws, const char *section, const yaml_node_t *map)
{
    yaml_node_pair_t *p;
    int rc;

    if (map->type != YAML_MAPPING_NODE)
        return error_at(ld, map, "'%s' is a mapping of option names to values", section);
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(ld->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(ld->doc, p->value);
        tfa_suggest s;
        int type;
        if (!scalar(k))
            return error_at(ld, k, "keys are option names");
        if ((rc = check_duplicate(ld, map, p)) != 0)
            return rc;
        if ((type = option_type(ld->cat, section, scalar(k))) < 0) {
            char what[256];
            snprintf(what, sizeof(what), "in '%s'%s%s: not an option of %s", section,
                     ws ? " of workspace " : "", ws ? ws : "",
                     strcmp(section, "defaults") == 0 ? "any command" : section);
            return unknown_key(ld, k, what, suggest_option(ld->cat, section, scalar(k), &s));
        }
        if ((rc = add_setting(ld, ws, section, k, v, type)) != 0)
            return rc;
    }
    return 0;
}

static const char *suggest_section(const tfa_config_catalog *cat, const char *key, int top,
                                   tfa_suggest *s)
{
    size_t i;
    tfa_suggest_init(s, key, strlen(key));
    tfa_suggest_offer(s, "defaults");
    if (top)
        tfa_suggest_offer(s, "workspaces");
    for (i = 0; i < cat->n; i++)
        tfa_suggest_offer(s, cat->specs[i]->name);
    return tfa_suggest_best(s);
}

/* A top-level mapping or one workspace's: defaults, commands (and, at the
 * top, workspaces). */
static int load_sections(loader *ld, const char *ws, const yaml_node_t *map);

static int load_workspaces(loader *ld, const yaml_node_t *map)
{
    yaml_node_pair_t *p;
    int rc;

    if (map->type != YAML_MAPPING_NODE)
        return error_at(ld, map, "'workspaces' is a mapping of workspace names to sections");
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(ld->doc, p->key);
        if (!scalar(k) || !*scalar(k))
            return error_at(ld, k, "workspace names are strings");
        if ((rc = check_duplicate(ld, map, p)) != 0 ||
            (rc = load_sections(ld, scalar(k), yaml_document_get_node(ld->doc, p->value))) != 0)
            return rc;
    }
    return 0;
}

static int load_sections(loader *ld, const char *ws, const yaml_node_t *map)
{
    yaml_node_pair_t *p;
    int rc;

    if (map->type != YAML_MAPPING_NODE)
        return error_at(ld, map,
                        ws ? "workspace '%s' is a mapping of sections"
                           : "the configuration is a mapping%s",
                        ws ? ws : " (defaults:, workspaces:, or a command name)");
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(ld->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(ld->doc, p->value);
        const char *key = scalar(k);
        tfa_suggest s;
        if (!key)
            return error_at(ld, k, "keys are section names");
        if ((rc = check_duplicate(ld, map, p)) != 0)
            return rc;
        if (!ws && strcmp(key, "workspaces") == 0)
            rc = load_workspaces(ld, v);
        else if (strcmp(key, "defaults") == 0 || is_command_section(ld->cat, key))
            rc = load_options(ld, ws, key, v);
        else
            rc = unknown_key(ld, k,
                             ws ? "in a workspace: defaults or a command name expected"
                                : "at the top: defaults, workspaces or a command name "
                                  "expected",
                             suggest_section(ld->cat, key, !ws, &s));
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int parse_yaml(loader *ld, const tfa_buf *text)
{
    yaml_parser_t parser;
    yaml_document_t extra;
    yaml_node_t *root;
    int rc = 0;

    if (!yaml_parser_initialize(&parser))
        return tfa_error_oom(ld->err);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text->ptr, text->len);
    if (!yaml_parser_load(&parser, ld->doc)) {
        tfa_pos pos = {parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                       parser.problem_mark.index};
        rc = tfa_error_set_at(ld->err, TFA_EINPUT, &pos, "not YAML: %s",
                              parser.problem ? parser.problem : "unreadable");
        tfa_error_set_source(ld->err, ld->cfg->path);
        memset(ld->doc, 0, sizeof(*ld->doc));
        goto done;
    }
    root = yaml_document_get_root_node(ld->doc);
    if (root && yaml_parser_load(&parser, &extra)) {
        const yaml_node_t *second = yaml_document_get_root_node(&extra);
        if (second)
            rc = error_at(ld, second, "one YAML document per file");
        yaml_document_delete(&extra);
    }
    if (rc == 0 && root)
        rc = load_sections(ld, NULL, root);
done:
    yaml_parser_delete(&parser);
    return rc;
}

static int set_dir(tfa_config *cfg)
{
    const char *slash = strrchr(cfg->path, '/');
    if (!slash)
        cfg->dir = tfa_strdup(".");
    else
        cfg->dir = tfa_strndup(cfg->path, slash == cfg->path ? 1 : (size_t)(slash - cfg->path));
    return cfg->dir ? 0 : TFA_ENOMEM;
}

int tfa_config_load(tfa_config **out, const char *path, const tfa_config_catalog *cat,
                    tfa_error *err)
{
    unsigned char sha[TFA_SHA256_BYTES];
    yaml_document_t doc;
    tfa_buf text;
    loader ld;
    tfa_config *cfg;
    int rc;

    *out = NULL;
    memset(&doc, 0, sizeof(doc));
    tfa_buf_init(&text, TFA_BUF_NO_MAX);
    if (!(cfg = tfa_calloc(1, sizeof(*cfg))) || !(cfg->path = tfa_strdup(path)) ||
        set_dir(cfg) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = tfa_textfile_read(path, TFA_LIMIT_CONFIG_BYTES, &text, sha, err)) != 0)
        goto done;
    ld.cfg = cfg;
    ld.cat = cat;
    ld.doc = &doc;
    ld.err = err;
    rc = parse_yaml(&ld, &text);
    yaml_document_delete(&doc);
done:
    tfa_buf_release(&text);
    if (rc != 0)
        tfa_config_free(cfg);
    else
        *out = cfg;
    return rc;
}

void tfa_config_free(tfa_config *cfg)
{
    size_t i, j;
    if (!cfg)
        return;
    for (i = 0; i < cfg->n; i++) {
        setting *s = &cfg->settings[i];
        for (j = 0; j < s->n; j++)
            tfa_free((char *)(uintptr_t)s->values[j].text); /* owned here, borrowed outside */
        tfa_free(s->values);
        tfa_free(s->workspace);
        tfa_free(s->section);
        tfa_free(s->key);
        tfa_free(s->label);
    }
    tfa_free(cfg->settings);
    tfa_free(cfg->path);
    tfa_free(cfg->dir);
    tfa_free(cfg);
}

const char *tfa_config_path(const tfa_config *cfg)
{
    return cfg->path;
}

const char *tfa_config_dir(const tfa_config *cfg)
{
    return cfg->dir;
}

/* ---- lookup ------------------------------------------------------------- */

static const setting *find(const tfa_config *cfg, const char *ws, const char *section,
                           size_t section_len, const char *opt)
{
    size_t i;
    for (i = 0; i < cfg->n; i++) {
        const setting *s = &cfg->settings[i];
        if ((ws == NULL) != (s->workspace == NULL) || (ws && strcmp(ws, s->workspace) != 0))
            continue;
        if (strlen(s->section) == section_len && strncmp(s->section, section, section_len) == 0 &&
            strcmp(s->key, opt) == 0)
            return s;
    }
    return NULL;
}

int tfa_config_lookup(tfa_config_entry *out, const tfa_config *cfg, const char *cmd,
                      const char *workspace, const char *opt)
{
    const char *space = strchr(cmd, ' ');
    size_t group_len = space ? (size_t)(space - cmd) : 0;
    const char *wss[2] = {workspace, NULL};
    const setting *s = NULL;
    size_t w;

    memset(out, 0, sizeof(*out));
    for (w = workspace ? 0 : 1; w < 2 && !s; w++) {
        s = find(cfg, wss[w], cmd, strlen(cmd), opt);
        if (!s && group_len)
            s = find(cfg, wss[w], cmd, group_len, opt);
        if (!s)
            s = find(cfg, wss[w], "defaults", strlen("defaults"), opt);
    }
    if (!s)
        return 0;
    out->values = s->values;
    out->n = s->n;
    out->is_sequence = s->is_sequence;
    out->section = s->label;
    return 1;
}

/* ---- ${VAR} ------------------------------------------------------------- */

static int var_error(const tfa_config *cfg, const tfa_config_scalar *v, tfa_error *err,
                     const char *fmt, ...) TFA_PRINTF(4, 5);
static int var_error(const tfa_config *cfg, const tfa_config_scalar *v, tfa_error *err,
                     const char *fmt, ...)
{
    tfa_pos pos = {v->line, v->column, UINT64_MAX};
    char msg[TFA_ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    tfa_error_set_at(err, TFA_EINPUT, &pos, "%s", msg);
    tfa_error_set_source(err, cfg->path);
    return TFA_EINPUT;
}

/* ${NAME} or ${NAME:-DEFAULT} at *p; advances *p past the '}'. */
static int expand_var(tfa_buf *b, const char **p, int *used_env, const tfa_config *cfg,
                      const tfa_config_scalar *v, tfa_error *err)
{
    const char *start = *p + 2, *end = strchr(start, '}'), *name_end, *value;
    char name[TFA_CONFIG_VAR_MAX + 1];
    size_t name_len;

    if (!end)
        return var_error(cfg, v, err, "'${' without a closing '}'");
    name_end = strstr(start, ":-");
    if (!name_end || name_end > end)
        name_end = end;
    name_len = (size_t)(name_end - start);
    if (name_len == 0 || name_len > TFA_CONFIG_VAR_MAX ||
        strspn(start, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
            name_len)
        return var_error(cfg, v, err, "invalid variable name '%.*s'", (int)name_len, start);
    memcpy(name, start, name_len);
    name[name_len] = '\0';
    value = getenv(name);
    *used_env = 1;
    if (value && *value)
        tfa_buf_puts(b, value);
    else if (name_end != end)
        tfa_buf_put(b, name_end + 2, (size_t)(end - name_end - 2));
    else
        return var_error(cfg, v, err,
                         "environment variable '%s' is not set (write ${%s:-DEFAULT} for a "
                         "default)",
                         name, name);
    *p = end + 1;
    return 0;
}

int tfa_config_interpolate(char **out, int *used_env, const tfa_config *cfg,
                           const tfa_config_scalar *v, tfa_error *err)
{
    const char *p = v->text;
    tfa_buf b;
    int rc = 0;

    *out = NULL;
    *used_env = 0;
    tfa_buf_init(&b, TFA_LIMIT_CONFIG_BYTES);
    while (*p && rc == 0) {
        if (p[0] == '$' && p[1] == '$') {
            tfa_buf_putc(&b, '$');
            p += 2;
        } else if (p[0] == '$' && p[1] == '{') {
            rc = expand_var(&b, &p, used_env, cfg, v, err);
        } else {
            tfa_buf_putc(&b, *p++);
        }
    }
    if (rc == 0 && tfa_buf_status(&b) == TFA_ELIMIT)
        rc = var_error(cfg, v, err, "value longer than %u bytes", TFA_LIMIT_CONFIG_BYTES);
    else if (rc == 0 && tfa_buf_status(&b) != 0)
        rc = tfa_error_oom(err);
    if (rc == 0)
        *out = tfa_buf_detach(&b, NULL);
    tfa_buf_release(&b);
    return rc;
}
