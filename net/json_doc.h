/*
 * json_doc.h - small JSON documents (API answers, the credentials file)
 * parsed whole with jansson, with errors told apart properly.
 *
 * jansson reports an allocation failure as a syntax error (or as nothing),
 * and its messages quote the text near the error, which may be a token. So
 * when it fails, the document is run through the project's own scanner
 * (scan.h): a scanner error is the message, with the scanner's position and
 * without the text; a document the scanner accepts failed for lack of
 * memory.
 */
#ifndef TFA_JSON_DOC_H
#define TFA_JSON_DOC_H

#include <jansson.h>
#include <stddef.h>

#include "util/error.h"

/* *out = the document (caller decrefs). Errors name `name`: TFA_EINPUT with
 * a position, TFA_ELIMIT (nesting), TFA_ENOMEM. */
int tfa_json_doc_parse(json_t **out, const char *name, const char *data, size_t len,
                       tfa_error *err);

#endif
