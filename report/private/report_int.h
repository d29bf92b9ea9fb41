/*
 * report_int.h - evidence wording shared by the report writers and fill
 * (internal to checklist/), so every format says the same thing.
 */
#ifndef TFA_REPORT_INT_H
#define TFA_REPORT_INT_H

#include "report.h"

/* "drift.count = 0", or "apply.errors: no value (no apply log among the inputs)". */
int tfa_ev_fact(tfa_buf *out, const tfa_fact_read *f);
/* "count(changes where ...) = 2 (2 of 14 changes matched)". */
int tfa_ev_query(tfa_buf *out, const tfa_query_read *q);
/* Sign-off, waiver or pending note of a result: "signed off by NAME: note",
 * "waived by OWNER until DATE: REASON", "awaiting sign-off (--sign-off ID=NAME)",
 * or the ERROR reason. Appends nothing and returns 0 when there is none. */
int tfa_ev_note(tfa_buf *out, const tfa_result *r);
/* "9 items: 6 PASS, 1 FAIL, 1 WAIVED, 1 PENDING, 1 ERROR; 2 blocking". */
int tfa_ev_counts(tfa_buf *out, const tfa_verdict *v);
/* "waiver for 'x' (alice, expires 2025-07-01) expired: not applied", for
 * expired and refused waivers; 0 and nothing for the others. */
int tfa_ev_waiver_warning(tfa_buf *out, const tfa_waiver_result *w);

/* Markdown pieces (report_md.c, fill.c), over the one Markdown escaper in
 * util/escape.h. Free text from people (owners, reasons, notes) is escaped
 * so it renders as typed; a title is kept as its author wrote it (Markdown
 * allowed) with '|' escaped for tables and control characters visible; a
 * code span gets a fence longer than any backtick run inside it. */
void tfa_md_text(tfa_buf *out, const char *s);
void tfa_md_title(tfa_buf *out, const char *s);
void tfa_md_code(tfa_buf *out, const char *s);
void tfa_md_value(tfa_buf *out, const tfa_value *v);
/* A fact read as a Markdown bullet, `indent` spaces in, lines ended by `eol`
 * ("\n" or the checklist's "\r\n"): "- `name` = value" or "- `name`: no
 * value (why)", then its detail lines as bullets two spaces deeper. */
void tfa_md_fact(tfa_buf *out, const tfa_fact_read *f, size_t indent, const char *eol);

/* Append `doc` as indented JSON (keys in insertion order) plus a newline,
 * straight into `out`; `doc` is released (NULL: TFA_ENOMEM, the usual
 * result of building it having failed). The one JSON writer of the JSON,
 * SARIF, Code Quality and audit reports. */
int tfa_report_dump_json(tfa_buf *out, json_t *doc);

/* Release a scratch buffer, passing its failure (out-of-memory) on to
 * `out`: a report that lost text must never pass for a complete one. */
void tfa_scratch_release(tfa_buf *out, tfa_buf *scratch);

#endif
