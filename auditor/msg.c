/*
 * msg.c - stderr diagnostics (see msg.h).
 */
#include "util/compat.h"

#include "exit.h"
#include "msg.h"
#include "util/buf.h"
#include "util/escape.h"

/* Every diagnostic is one line: what it quotes from inputs (paths, member
 * names, addresses, notes) goes through the text escaper (util/escape.h),
 * so an input can neither end the line early nor send control sequences to
 * the terminal. */
static void put_line(const char *prefix, const char *text, size_t len)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_puts(&b, "tfaudit: ");
    tfa_buf_puts(&b, prefix ? prefix : "");
    tfa_esc_text_n(&b, text, len);
    tfa_buf_putc(&b, '\n');
    if (tfa_buf_status(&b))
        fputs("tfaudit: out of memory\n", stderr);
    else
        fwrite(b.ptr, 1, b.len, stderr);
    tfa_buf_release(&b);
}

__attribute__((format(printf, 2, 0))) static void vline(const char *prefix, const char *fmt,
                                                        va_list ap)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_vprintf(&b, fmt, ap);
    put_line(prefix, b.ptr, b.len);
    tfa_buf_release(&b);
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
        fprintf(stderr, "try 'tfaudit %s --help'\n", cmd); /* a command's own name */
    else
        fputs("try 'tfaudit --help'\n", stderr);
    return TFA_EXIT_USAGE;
}

int tfa_msg_from_error(const tfa_error *err)
{
    char line[TFA_ERROR_SOURCE_MAX + TFA_ERROR_MESSAGE_MAX + 64];
    tfa_error_format(err, line, sizeof(line));
    put_line(NULL, line, strlen(line));
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
    put_line(NULL, msg, strlen(msg));
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
            tfa_msg_note("%s:%lu:%lu: note: %s", path, n->pos.line, n->pos.column, n->message);
        else
            tfa_msg_note("%s: note: %s", path, n->message);
    }
}
