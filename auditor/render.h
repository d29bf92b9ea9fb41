/*
 * render.h - small pieces of text and JSON output shared by commands.
 */
#ifndef TFA_RENDER_H
#define TFA_RENDER_H

#include <jansson.h>
#include <stdio.h>

#include "run.h"

/* printf to `out` through the text escaper (util/escape.h): every control
 * character the arguments bring (an address with ESC or CR in it) is
 * written as a visible escape. One line break at the very end of `fmt` is
 * the line's own and is written as it is; `fmt` has no other. */
void tfa_render_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* `s` through the text escaper, to `out`. */
void tfa_render_text(FILE *out, const char *s);

/* Terraform's plan symbol for an action: "+", "~", "-", "-/+", "<=", "."... */
const char *tfa_render_symbol(tfa_action action);
/* "tags.owner, password (sensitive)" into `out` for a change's changed paths. */
void tfa_render_paths(FILE *out, const tfa_change *c);
/* [{"path": ..., "sensitive": bool}, ...] for a change's changed paths; NULL
 * when it could not be made whole. */
json_t *tfa_render_paths_json(const tfa_change *c);
/* Write `root` (taken over) to stdout as indented JSON plus a newline; 0 or
 * TFA_EXIT_USAGE. NULL (a document that could not be built whole) is an
 * out-of-memory error. */
int tfa_render_json(json_t *root);
/* Whether stdout was written completely (fflush + ferror); 0 or an exit status. */
int tfa_render_finish(void);

#endif
