/*
 * report_safety.h - the output-safety invariants of every report writer,
 * shared by the property test (tests/checklist/check_escape.c, thousands of
 * generated hostile strings in `make test`) and the fuzz target
 * (tests/fuzz/fuzz_reports.c).
 *
 * One call builds a verdict (check/gate reports, the filled checklist), an
 * audit result (audit and trend reports) and a ledger record (ledger show)
 * in which every string an input could supply - resource addresses,
 * attribute values, sign-off names and notes, waiver owners and reasons,
 * known-drift owners, workspace names, input paths - is the hostile string,
 * runs every writer in every format, and checks each output against the
 * same world built with a harmless string:
 *
 *  text      no control character but the writer's own line breaks, no DEL,
 *            no C1 control or bidirectional override, valid UTF-8, and the
 *            same number of lines;
 *  markdown  the same, plus no '<', no "](", every '&' an entity, and each
 *            line starting with the same character (so input cannot start a
 *            heading, a list item or a table row); fenced JSON is skipped;
 *  xml/html  valid UTF-8 without the characters XML 1.0 forbids, the same
 *            number of tags, the same number of quotes inside tags, every
 *            '&' an entity;
 *  json      parses.
 *
 * These are real checks, not asserts: they hold with NDEBUG too.
 */
#ifndef TFA_REPORT_SAFETY_H
#define TFA_REPORT_SAFETY_H

#include <stddef.h>

#define TFA_SAFETY_WHY_MAX 512

/* 0 when every writer keeps every invariant for `s` (len bytes; a NUL
 * ends it early); -1 with the writer, format and broken invariant in `why`
 * otherwise. Out of memory is reported the same way. */
int tfa_report_safety_check(const char *s, size_t len, char why[TFA_SAFETY_WHY_MAX]);

#endif
