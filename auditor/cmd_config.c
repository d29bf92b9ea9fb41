/*
 * cmd_config.c - `tfaudit config show|path`: what a command would run with,
 * and where each value came from (flag, environment, configuration file
 * line, built-in default), resolved by the very parser the command uses
 * (opts.h), so the answer cannot differ from what the command does.
 */
#include "util/compat.h"

#include "cli_ledger.h"
#include "commands.h"
#include "exit.h"
#include "msg.h"
#include "util/alloc.h"
#include "util/buf.h"

static const tfa_cmd_spec show_spec = {
    "config show",
    "COMMAND [SUBCOMMAND] [ARGS...]",
    "Show the options COMMAND would use and where each comes from",
    "Resolves COMMAND's options as COMMAND itself would, with ARGS as its command\n"
    "line, and prints each one's value and origin: a flag, an environment variable\n"
    "(TFAUDIT_NAME), a line of the configuration file, or the built-in default.\n"
    "Precedence: flag > environment > configuration file > built-in default.\n"
    "Values read from the environment are shown as ${NAME}, never expanded.\n"
    "Example: tfaudit config show gate --workspace prod\n",
    NULL,
    0,
    1,
    TFA_ARGS_UNLIMITED};

static const tfa_cmd_spec path_spec = {
    "config path",
    "[--config FILE]",
    "Print the configuration file that applies here (nothing when none does)",
    "Searched: --config FILE, else $TFAUDIT_CONFIG, else .tfaudit.yml in the\n"
    "current directory or a parent, up to the git repository root.\n",
    NULL,
    0,
    0,
    0};

const tfa_cmd_spec *const tfa_cmd_config_subspecs[] = {&show_spec, &path_spec, NULL};

const tfa_cmd_spec tfa_cmd_config_spec = {
    "config",
    "SUBCOMMAND [options]",
    "Show the configuration (.tfaudit.yml) and where each value comes from",
    "subcommands:\n"
    "  show COMMAND [SUBCOMMAND] [ARGS...]   options COMMAND would use, with origins\n"
    "  path                                  the configuration file that applies\n"
    "See tfaudit-config(5) for the file format.\n",
    NULL,
    0,
    1,
    TFA_ARGS_UNLIMITED};

/* An options struct large enough for every field of `spec`'s table. */
static size_t opts_size(const tfa_cmd_spec *spec)
{
    size_t i, size = sizeof(tfa_strlist);
    for (i = 0; i < spec->nopts; i++) {
        size_t field = spec->opts[i].type == TFA_OPT_FLAG   ? sizeof(int)
                       : spec->opts[i].type == TFA_OPT_LIST ? sizeof(tfa_strlist)
                                                            : sizeof(const char *);
        if (spec->opts[i].offset + field > size)
            size = spec->opts[i].offset + field;
    }
    return size;
}

static void value_of(tfa_buf *out, const tfa_opt *o, const tfa_opt_origin *origin, const char *opts)
{
    const char *field = opts + o->offset;
    size_t i;

    if (origin->shown) {
        tfa_buf_puts(out, origin->shown);
        return;
    }
    switch (o->type) {
    case TFA_OPT_FLAG:
        tfa_buf_puts(out, *(const int *)(const void *)field ? "true" : "false");
        return;
    case TFA_OPT_LIST: {
        const tfa_strlist *l = (const tfa_strlist *)(const void *)field;
        if (!l->n) {
            tfa_buf_puts(out, "-");
            return;
        }
        tfa_buf_putc(out, '[');
        for (i = 0; i < l->n; i++)
            tfa_buf_printf(out, "%s%s", i ? ", " : "", l->items[i]);
        tfa_buf_putc(out, ']');
        return;
    }
    default: {
        const char *s = *(const char *const *)(const void *)field;
        tfa_buf_puts(out, s ? s : "-");
    }
    }
}

/* The built-in default when a command computes it (the ledger's place). */
static void default_of(tfa_buf *out, const tfa_opt *o)
{
    char *path = NULL;
    tfa_error err;

    tfa_error_init(&err);
    if (strcmp(o->name, "ledger") == 0 && tfa_cli_ledger_resolve(&path, NULL, &err) == 0)
        tfa_buf_puts(out, path);
    else
        tfa_buf_puts(out, "-");
    tfa_free(path);
}

static void print_show(const tfa_cmd_spec *spec, const tfa_opts_parse_options *po, const char *opts)
{
    tfa_buf v;
    size_t i;

    tfa_buf_init(&v, TFA_BUF_NO_MAX);
    printf("command: %s\n", spec->name);
    printf("config: %s\n", po->config_path ? po->config_path : "none");
    printf("workspace: %s\n", po->workspace ? po->workspace : "none");
    for (i = 0; i < spec->nopts; i++) {
        const tfa_opt *o = &spec->opts[i];
        tfa_buf_clear(&v);
        if (po->origins[i].source == TFA_OPT_FROM_DEFAULT)
            default_of(&v, o);
        else
            value_of(&v, o, &po->origins[i], opts);
        printf("%-16s %-40s %s\n", o->name, v.ptr, po->origins[i].where);
    }
    tfa_buf_release(&v);
}

/* argv: "show" COMMAND [SUB] ARGS... */
static int run_show(int argc, char **argv)
{
    tfa_opts_parse_options po = TFA_OPTS_PARSE_OPTIONS_INIT;
    const tfa_cmd_spec *spec = NULL;
    tfa_strlist args = {0};
    char name[128], *opts = NULL;
    int rc, used = 2;

    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            tfa_opts_help(&show_spec, stdout);
            return TFA_EXIT_GO;
        }
        return tfa_msg_usage(show_spec.name, "config show needs a command name");
    }
    if (argc >= 3) {
        snprintf(name, sizeof(name), "%s %s", argv[1], argv[2]);
        if ((spec = tfa_command_spec_find(name)) != NULL)
            used = 3;
    }
    if (!spec && !(spec = tfa_command_spec_find(argv[1])))
        return tfa_msg_usage(show_spec.name, "'%s' is not a command with options%s", argv[1],
                             argc >= 3 ? " (or a subcommand is missing)" : "");
    if (!(po.origins = tfa_calloc(spec->nopts + 1, sizeof(*po.origins))) ||
        !(opts = tfa_calloc(1, opts_size(spec)))) {
        rc = tfa_msg_error("out of memory");
        goto done;
    }
    po.any_args = 1;
    /* the command's own argv: its name then ARGS */
    rc = tfa_opts_parse_ext(spec, argc - used + 1, argv + used - 1, opts, &args, &po);
    if (rc == 0) {
        print_show(spec, &po, opts);
        rc = fflush(stdout) == 0 ? TFA_EXIT_GO : tfa_msg_error("cannot write the output");
    }
done:
    if (opts) {
        size_t i;
        for (i = 0; i < spec->nopts; i++)
            if (spec->opts[i].type == TFA_OPT_LIST)
                tfa_strlist_release((tfa_strlist *)(void *)(opts + spec->opts[i].offset));
    }
    tfa_strlist_release(&args);
    tfa_free(opts);
    tfa_free(po.origins);
    return rc;
}

static int run_path(int argc, char **argv)
{
    tfa_opts_parse_options po = TFA_OPTS_PARSE_OPTIONS_INIT;
    tfa_strlist args = {0};
    int rc = tfa_opts_parse_ext(&path_spec, argc, argv, NULL, &args, &po);

    if (rc == 0 && po.config_path) {
        printf("%s\n", po.config_path);
        rc = fflush(stdout) == 0 ? TFA_EXIT_GO : tfa_msg_error("cannot write the output");
    }
    tfa_strlist_release(&args);
    return rc;
}

int tfa_cmd_config(int argc, char **argv)
{
    if (argc < 2)
        return tfa_msg_usage("config", "config needs a subcommand (show, path)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        tfa_opts_help(&tfa_cmd_config_spec, stdout);
        return TFA_EXIT_GO;
    }
    if (strcmp(argv[1], "show") == 0)
        return run_show(argc - 1, argv + 1);
    if (strcmp(argv[1], "path") == 0)
        return run_path(argc - 1, argv + 1);
    return tfa_msg_usage("config", "'%s' is not a config subcommand", argv[1]);
}
