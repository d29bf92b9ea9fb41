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
#include <stdint.h>

int tfa_text_has_marker(const char *text, size_t len);
/* One line (without its line end, not normalized): is it a marker? Only its
 * first TFA_LIMIT_MARKER_LINE_BYTES are looked at. */
int tfa_text_line_is_marker(const char *s, size_t len);

/* The bytes a marker prefix or whole marker line starts with, worked out
 * from the tables once per detection rather than per line: most lines of a
 * CI log are ruled out of every table by their first byte. */
typedef struct tfa_text_markers {
    uint64_t first[4];      /* bit c: a marker may start with byte c */
    uint64_t prefixes[256]; /* bit i of [c]: prefix i starts with byte c */
} tfa_text_markers;

void tfa_text_markers_init(tfa_text_markers *m);
/* tfa_text_line_is_marker with `m` from tfa_text_markers_init. */
int tfa_text_markers_line(const tfa_text_markers *m, const char *s, size_t len);
/* The same for a line the caller knows holds no carriage return and no ESC
 * (lines.h tfa_line_view_plain). */
int tfa_text_markers_line_plain(const tfa_text_markers *m, const char *s, size_t len);

#endif
