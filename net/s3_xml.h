/*
 * s3_xml.h - the few elements tfaudit reads from S3's XML answers.
 *
 * Not an XML parser: S3 answers (ListObjectsV2, InitiateMultipartUpload,
 * CompleteMultipartUpload, ListMultipartUploads, Error) are flat documents
 * of named elements holding text, and a reader needs a handful of them. So
 * this finds the next <Name>...</Name> (attributes allowed, <Name/> empty)
 * inside a bounded byte range and decodes the five predefined entities and
 * numeric character references. Nested elements of another name are simply
 * part of an outer element's text range, so <Contents> can be found first
 * and its <Key> looked up inside. Answers are capped by the HTTP client
 * (TFA_LIMIT_HTTP_API_BYTES) before they get here.
 */
#ifndef TFA_S3_XML_H
#define TFA_S3_XML_H

#include <stddef.h>

#include "util/buf.h"

/*
 * The next element called `name` at or after *cursor, before `end`: its
 * inner text range in [*text, *text + *len), and *cursor moved past its end
 * tag. Returns 1 when found, 0 when there is none, -1 when a start tag has
 * no matching end tag.
 */
int tfa_xml_next(const char **cursor, const char *end, const char *name, const char **text,
                 size_t *len);

/* The first element `name` in [p, end), decoded into `out` (cleared first).
 * 1 found, 0 absent, -1 malformed (bad entity, no end tag) or out of memory. */
int tfa_xml_get(tfa_buf *out, const char *p, const char *end, const char *name);

/* Decode entities of [text, text+len) into `out` (appended). 0, or -1 for an
 * unknown entity or out of memory. */
int tfa_xml_unescape(tfa_buf *out, const char *text, size_t len);

#endif
