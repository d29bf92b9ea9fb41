/*
 * text_markers.h - does a text look like Terraform/OpenTofu CLI output?
 *
 * Used by detection to tell a text log from any other text file. A marker is
 * a line (after colour codes, diagnostic box margins and CI timestamps are
 * stripped) that only these tools print.
 */
#ifndef TFA_TEXT_MARKERS_H
#define TFA_TEXT_MARKERS_H

#include <stddef.h>

int tfa_text_has_marker(const char *text, size_t len);
/* One line (without its line end, not normalized): is it a marker? Only its
 * first TFA_LIMIT_MARKER_LINE_BYTES are looked at. */
int tfa_text_line_is_marker(const char *s, size_t len);

#endif
