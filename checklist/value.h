/*
 * value.h - the values checklist expressions compute with.
 *
 * A value is a null, a boolean, a number, a string or a list. Strings and
 * list items are borrowed: from the run model (addresses, versions, changed
 * attribute paths), from the checklist (literals) or from a verdict's arena
 * (evidence copies). A value never owns memory, so copying the struct is
 * free and nothing needs releasing.
 *
 * No value ever holds an attribute value of a resource: the run model has
 * none, and facts are built from the model only.
 */
#ifndef TFA_VALUE_H
#define TFA_VALUE_H

#include <stddef.h>

#include "util/buf.h"

typedef enum tfa_vtype {
    TFA_V_NULL = 0,
    TFA_V_BOOL,
    TFA_V_NUM,
    TFA_V_STR,
    TFA_V_LIST, /* a list literal (items) or a list of strings (strs) */
    TFA_V_ANY   /* static types only: the type is known when evaluated */
} tfa_vtype;

typedef struct tfa_value {
    tfa_vtype type;
    int b;                         /* TFA_V_BOOL */
    double n;                      /* TFA_V_NUM */
    const char *s;                 /* TFA_V_STR */
    const struct tfa_value *items; /* TFA_V_LIST of values, or NULL ... */
    const char *const *strs;       /* ... TFA_V_LIST of strings (e.g. changed paths) */
    size_t n_items;
} tfa_value;

/* "null", "boolean", "number", "string", "list", "any". */
const char *tfa_vtype_name(tfa_vtype type);

tfa_value tfa_value_null(void);
tfa_value tfa_value_bool(int b);
tfa_value tfa_value_num(double n);
/* A string, or null when s is NULL (a field the input does not state). */
tfa_value tfa_value_str(const char *s);
tfa_value tfa_value_strs(const char *const *strs, size_t n);

/* Item i of a list as a value. */
tfa_value tfa_value_item(const tfa_value *list, size_t i);

/* Equality: same type and same content; values of different types are
 * never equal (1 == "1" is false); null equals only null. */
int tfa_value_eq(const tfa_value *a, const tfa_value *b);

/* Order two numbers, or two strings "naturally": runs of digits compare as
 * numbers, so "1.10.0" > "1.9.2" as versions should. Sets *out to <0, 0 or
 * >0 and returns 1; returns 0 when the two cannot be ordered (other types,
 * or a null). */
int tfa_value_order(const tfa_value *a, const tfa_value *b, int *out);

/* Membership: an item of a list equal to `needle`, or, when `hay` is a
 * string, `needle` a substring of it. 0 for other types. */
int tfa_value_in(const tfa_value *needle, const tfa_value *hay);

/* Glob match of a whole string: `*` any run, `?` one byte, `\` escapes the
 * next byte. No character classes: addresses contain brackets. */
int tfa_glob_match(const char *pattern, const char *s);

/* `subject ~ pattern`: a string against a pattern or any of a list of
 * patterns; a list of strings matches when any item does. Null never
 * matches. */
int tfa_value_match(const tfa_value *subject, const tfa_value *pattern);

/* Append the value as written in an expression: 3, 2.5, "text", true,
 * null, ["a", "b"]. Strings are quoted with JSON escapes. */
int tfa_value_format(tfa_buf *out, const tfa_value *v);

#endif
