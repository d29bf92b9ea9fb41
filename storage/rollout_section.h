/*
 * rollout_section.h - the tfaudit section of a Markdown document (the
 * rollout plan evidence table): the text between
 *     <!-- tfaudit:evidence:start -->
 *     <!-- tfaudit:evidence:end -->
 * HTML comments render as nothing, so the markers stay invisible on GitHub
 * and in any Markdown viewer.
 */
#ifndef TFA_ROLLOUT_SECTION_H
#define TFA_ROLLOUT_SECTION_H

#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

#define TFA_ROLLOUT_START "<!-- tfaudit:evidence:start -->"
#define TFA_ROLLOUT_END   "<!-- tfaudit:evidence:end -->"

/*
 * Write `doc` to `out` with the section replaced by `body` ('\n'-separated
 * lines ending with a newline; written with "\r\n" when the document uses
 * CRLF). Every byte before the end of the first start marker and from the
 * first end marker after it on is copied unchanged. A document without the
 * markers gets them, around the body, after its last line. TFA_EINPUT for an
 * end marker without a start marker before it, or a start without an end.
 */
int tfa_rollout_section_replace(tfa_buf *out, const char *doc, size_t len, const char *body,
                                tfa_error *err);

#endif
