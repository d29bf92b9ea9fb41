/*
 * builtin.h - requirements a checklist can name without writing them:
 *
 *   - [ ] `drift-free` Nothing changed outside Terraform: builtin
 *   - [ ] `apply-matches-plan` The apply did what was approved
 *
 * An item whose id is a built-in's name and that says `builtin` (or gives
 * no expression at all) is checked with the built-in's expression. Any id
 * can name one explicitly:
 *
 *   - [ ] `no-db-destroy` No database destroyed: builtin no-destroy
 */
#ifndef TFA_BUILTIN_H
#define TFA_BUILTIN_H

#include <stddef.h>

/* The expression of built-in `id`, or NULL when `id` names none. */
const char *tfa_builtin_expr(const char *id);
/* The built-in `name` was most likely meant to be; NULL if none is close. */
const char *tfa_builtin_suggest(const char *name);
/* "drift-free, no-destroy, ..." for messages. */
const char *tfa_builtin_names(void);
size_t tfa_builtin_count(void);
/* Name, expression and one-line description of built-in i. */
void tfa_builtin_at(size_t i, const char **name, const char **expr, const char **doc);

#endif
