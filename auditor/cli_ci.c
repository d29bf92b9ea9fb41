/*
 * cli_ci.c - colour decisions and the GitHub Actions step summary (see
 * cli_ci.h).
 */
#include "util/compat.h"

#include <unistd.h>

#include "cli_ci.h"
#include "msg.h"

int tfa_cli_color(const char *when, int fd)
{
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

    if (when && strcmp(when, "always") == 0)
        return 1;
    if (when && strcmp(when, "never") == 0)
        return 0;
    if (no && *no)
        return 0;
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fd);
}

int tfa_cli_step_summary(const tfa_buf *md)
{
    const char *path = getenv("GITHUB_STEP_SUMMARY");
    FILE *f;
    int ok;

    if (!path || !*path)
        return 0;
    if (!(f = fopen(path, "ab"))) {
        tfa_msg_warn("cannot append the step summary to '%s': %s", path, strerror(errno));
        return 0;
    }
    ok = fwrite(md->ptr, 1, md->len, f) == md->len && fputc('\n', f) != EOF;
    if (fclose(f) != 0 || !ok)
        tfa_msg_warn("cannot append the step summary to '%s': %s", path, strerror(errno));
    return 0;
}
