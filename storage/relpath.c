/*
 * relpath.c - see relpath.h.
 */
#include "util/compat.h"

#include "relpath.h"

int tfa_relpath_ok(const char *path)
{
    const char *p = path, *seg = path;

    if (!path || !*path || *path == '/')
        return 0;
    for (;; p++) {
        if (*p == '/' || *p == '\0') {
            size_t n = (size_t)(p - seg);
            if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
                return 0;
            if (*p == '\0')
                return 1;
            seg = p + 1;
        } else if ((unsigned char)*p < 0x20 || *p == '\\') {
            return 0;
        }
    }
}
