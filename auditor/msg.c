/*
 * msg.c - stderr diagnostics (see msg.h).
 */
#include "util/compat.h"

#include "exit.h"
#include "msg.h"

__attribute__((format(printf, 2, 0))) static void vline(const char *prefix, const char *fmt,
                                                        va_list ap)
{
    fputs("tfaudit: ", stderr);
    if (prefix)
        fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int tfa_msg_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(NULL, fmt, ap);
    va_end(ap);
    return TFA_EXIT_USAGE;
}

int tfa_msg_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(NULL, fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "try 'tfaudit %s --help'\n", cmd);
    else
        fputs("try 'tfaudit --help'\n", stderr);
    return TFA_EXIT_USAGE;
}

int tfa_msg_from_error(const tfa_error *err)
{
    char line[TFA_ERROR_SOURCE_MAX + TFA_ERROR_MESSAGE_MAX + 64];
    tfa_error_format(err, line, sizeof(line));
    fprintf(stderr, "tfaudit: %s\n", line);
    return TFA_EXIT_USAGE;
}

void tfa_msg_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(NULL, fmt, ap);
    va_end(ap);
}

void tfa_msg_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline("warning: ", fmt, ap);
    va_end(ap);
}

void tfa_msg_verbose(const char *msg)
{
    fprintf(stderr, "tfaudit: %s\n", msg);
}

void tfa_msg_notes(const tfa_run *run)
{
    tfa_msg_notes_since(run, 0);
}

void tfa_msg_notes_since(const tfa_run *run, size_t first)
{
    size_t i;
    for (i = first; i < tfa_run_note_count(run); i++) {
        const tfa_note *n = tfa_run_note(run, i);
        const tfa_input *in = tfa_run_input(run, n->input);
        const char *path = n->path ? n->path : in ? in->path : "";
        if (n->pos.line)
            fprintf(stderr, "tfaudit: %s:%lu:%lu: note: %s\n", path, n->pos.line, n->pos.column,
                    n->message);
        else
            fprintf(stderr, "tfaudit: %s: note: %s\n", path, n->message);
    }
}
