/*
 * relpath.h - the relative paths storage writes into archives and git
 * trees: '/'-separated, no empty, "." or ".." component, no leading '/',
 * no backslash or control character. Shared so a bundle entry and an
 * evidence path obey one rule.
 */
#ifndef TFA_RELPATH_H
#define TFA_RELPATH_H

/* 1 when `path` is such a path, else 0. */
int tfa_relpath_ok(const char *path);

#endif
