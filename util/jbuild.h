/*
 * jbuild.h - JSON documents built whole or not at all.
 *
 * jansson's json_object_set_new and json_array_append_new refuse a NULL
 * value (a json_string or json_pack that failed: out of memory, a NULL
 * string json_pack would not take) and drop the value when they fail; a
 * builder that ignores their result writes a record or a response with a
 * member missing and calls it complete. These note every failure in a
 * caller's flag instead, so a builder makes its calls in a row and asks
 * once, at the end, whether the document is whole (tfa_jbuild_done).
 *
 *     int bad = 0;
 *     json_t *o = json_object();
 *     tfa_jbuild_set(o, "name", json_string(name), &bad);
 *     tfa_jbuild_append(list, json_pack("{s:s}", "path", path), &bad);
 *     return tfa_jbuild_done(o, bad); // o, or NULL with o freed
 *
 * Every function takes over the value it is given, in every case (the
 * jansson "_new" convention). A NULL container counts as a failure.
 */
#ifndef TFA_JBUILD_H
#define TFA_JBUILD_H

#include <jansson.h>

/* Set `key` of the object `o` to `v`; on failure *bad = 1. */
void tfa_jbuild_set(json_t *o, const char *key, json_t *v, int *bad);
/* Append `v` to the array `a`; on failure *bad = 1. */
void tfa_jbuild_append(json_t *a, json_t *v, int *bad);
/* `doc` when it is not NULL and nothing failed (`bad` 0); otherwise
 * doc is freed and NULL returned. */
json_t *tfa_jbuild_done(json_t *doc, int bad);

#endif
