/*
 * main.c - tfaudit's entry point: the command table and dispatch.
 */
#include "util/compat.h"

#include <jansson.h>

#include "commands.h"
#include "exit.h"
#include "help_topics.h"
#include "msg.h"
#include "net/http.h"
#include "tfa_build_info.h"
#include "util/alloc.h"
#include "version.h"

static int usage(FILE *out)
{
    size_t i, n;
    const tfa_command *commands = tfa_commands(&n);
    fputs("usage: tfaudit [--version] [--help] COMMAND [ARGS]\n\n"
          "Audits Terraform and OpenTofu runs before and after an apply window.\n\n"
          "commands:\n",
          out);
    for (i = 0; i < n; i++)
        fprintf(out, "  %-14s %s\n", commands[i].spec->name, commands[i].spec->summary);
    fputs("\nRun 'tfaudit help COMMAND' or 'tfaudit COMMAND --help' for a command's options,\n"
          "'tfaudit help TOPIC' for a file format (" TFA_HELP_TOPICS ").\n"
          "Exit status: 0 GO/pass, 1 NO-GO/fail, 2 usage or input error.\n",
          out);
    return out == stdout ? TFA_EXIT_HELP : TFA_EXIT_USAGE;
}

static int help(int argc, char **argv)
{
    const tfa_command *c;
    if (argc < 3)
        return usage(stdout);
    c = tfa_command_find(argv[2]);
    if (c) { /* "config" is a command and a file format: the command, then the format */
        tfa_opts_help(c->spec, stdout);
        if (tfa_help_topic(argv[2], NULL))
            fputc('\n', stdout), tfa_help_topic(argv[2], stdout);
        return TFA_EXIT_HELP;
    }
    if (tfa_help_topic(argv[2], stdout))
        return TFA_EXIT_GO;
    return tfa_msg_usage(NULL, "'%s' is not a tfaudit command or help topic (%s)", argv[2],
                         TFA_HELP_TOPICS);
}

/* The one place a status becomes an exit code (exit.h). A status no
 * command should return is reported, and is exit 2: it never passes for a
 * GO. A result that could not be written completely is not a result. */
static int finish(int status)
{
    int code = tfa_exit_code(status);

    if (!tfa_exit_known(status))
        tfa_msg_error("internal error: unexpected status %d (%s)", status,
                      status < 0 ? tfa_status_str(status) : "not an exit status");
    if ((fflush(stdout) != 0 || ferror(stdout)) && code != TFA_EXIT_USAGE)
        code = tfa_msg_error("cannot write the output");
    return code;
}

static int dispatch(int argc, char **argv)
{
    const tfa_command *c;

    if (argc < 2)
        return usage(stderr);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return usage(stdout);
    if (strcmp(argv[1], "--version") == 0)
        return tfa_version_print(stdout, TFA_GIT_COMMIT);
    if (strcmp(argv[1], "help") == 0)
        return help(argc, argv);
    c = tfa_command_find(argv[1]);
    if (!c)
        return tfa_msg_usage(NULL, "'%s' is not a tfaudit command", argv[1]);
    return c->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    tfa_error err;
    int status;

    json_set_alloc_funcs(tfa_malloc, tfa_free);
    /* libcurl's global state once, here, before any command starts a thread
     * (net/http.h); commands that never touch the network pay a few ms */
    tfa_error_init(&err);
    if (tfa_http_global_init(&err) != 0)
        return finish(tfa_msg_from_error(&err));
    status = dispatch(argc, argv);
    tfa_http_global_cleanup();
    return finish(status);
}
