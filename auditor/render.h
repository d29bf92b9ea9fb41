/*
 * render.h - small pieces of text and JSON output shared by commands.
 */
#ifndef TFA_RENDER_H
#define TFA_RENDER_H

#include <jansson.h>
#include <stdio.h>

#include "run.h"

/* Terraform's plan symbol for an action: "+", "~", "-", "-/+", "<=", "."... */
const char *tfa_render_symbol(tfa_action action);
/* "tags.owner, password (sensitive)" into `out` for a change's changed paths. */
void tfa_render_paths(FILE *out, const tfa_change *c);
/* [{"path": ..., "sensitive": bool}, ...] for a change's changed paths. */
json_t *tfa_render_paths_json(const tfa_change *c);
/* Write `root` to stdout as indented JSON plus a newline; 0 or TFA_EXIT_USAGE. */
int tfa_render_json(json_t *root);
/* Whether stdout was written completely (fflush + ferror); 0 or an exit status. */
int tfa_render_finish(void);

#endif
