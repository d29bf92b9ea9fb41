/*
 * jbuild.c - checked JSON building (see jbuild.h).
 */
#include "util/compat.h"

#include "util/jbuild.h"

void tfa_jbuild_set(json_t *o, const char *key, json_t *v, int *bad)
{
    if (json_object_set_new(o, key, v) != 0) /* frees v unless it is NULL */
        *bad = 1;
}

void tfa_jbuild_append(json_t *a, json_t *v, int *bad)
{
    if (json_array_append_new(a, v) != 0) /* frees v unless it is NULL */
        *bad = 1;
}

json_t *tfa_jbuild_done(json_t *doc, int bad)
{
    if (doc && !bad)
        return doc;
    json_decref(doc);
    return NULL;
}
