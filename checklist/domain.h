/*
 * domain.h - typed values: the closed sets (enumerations) and the version
 * domain that facts and collection fields take (issue 14, "Typed values").
 *
 * A checklist that compares a typed name with a literal outside its set is
 * refused at load, with the literal's position and the closest value:
 *
 *   checklist.md:3:40: "destroy" is not an action (did you mean "delete"?)
 *
 * Enumerations: action, mode, source/kind (input kinds), severity, status,
 * operation, tool, encoding. Open sets (action_reason, deferred reasons,
 * resource types, providers) are plain strings: Terraform adds new words,
 * and a checklist must be able to name them before this build knows them.
 *
 * Versions (plan.terraform_version, inputs' terraform_version, ...) compare
 * as semantic versions with <, <=, >, >=: numeric components left to right
 * ("1.10.0" > "1.9.2"), missing components are 0 ("1.9" == "1.9.0" in
 * order), a pre-release sorts before its release ("1.9.0-beta1" <
 * "1.9.0"), build metadata ("+ent") is ignored and a leading "v" is
 * allowed. A literal ordered against a version must itself be a version
 * (checked at load). `==`/`!=` compare the text exactly, and `~` globs
 * ("1.9.*"). A value the input states that is not a version orders with
 * nothing: such a comparison is unknown, and the item an ERROR
 * (expr_eval.c), never a false that `not` would turn into a pass.
 *
 * Everything here is static data; pointers live forever.
 */
#ifndef TFA_DOMAIN_H
#define TFA_DOMAIN_H

#include <stddef.h>

typedef struct tfa_domain {
    const char *name;          /* "action", for "is not an action" */
    const char *article;       /* "an" */
    const char *const *values; /* NULL-terminated enumeration; NULL for versions */
    int version;               /* ordered as versions */
    /* word pairs {other word, value}, NULL-terminated: the words people use
     * for a value ("destroy" for delete), too far apart for edit distance */
    const char *const *aliases;
} tfa_domain;

/* The domain of a fact (by name) or of a collection field (by name); NULL
 * for an untyped (open) string, a number or a boolean. */
const tfa_domain *tfa_domain_of_fact(const char *fact);
const tfa_domain *tfa_domain_of_field(const char *field);

/* Whether `value` is in enumeration `d` (always 1 for versions). */
int tfa_domain_has(const tfa_domain *d, const char *value);

/* The value of `d` that `value` (len bytes) most likely meant: an alias or
 * the closest value by edit distance; NULL if none is close. */
const char *tfa_domain_suggest(const tfa_domain *d, const char *value, size_t len);

/* "no-op, create, ..." into buf (for messages and `tfaudit facts`). */
void tfa_domain_list(const tfa_domain *d, char *buf, size_t size);

/* 1 when `s` is a version as described above. */
int tfa_version_valid(const char *s);
/* Compare two versions: sets *out to <0, 0 or >0 and returns 1, or returns
 * 0 when either is not a version. */
int tfa_version_cmp(const char *a, const char *b, int *out);

#endif
