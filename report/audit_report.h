/*
 * audit_report.h - reports of a nightly audit (audit.h) and of the audit
 * history (`tfaudit trend`).
 *
 *  text      the terminal summary: verdict, counts, regressions first
 *  json      tfaudit.audit-report/1 (schema in audit_report_json.c): stable,
 *            fields are only ever added
 *  junit     a <testsuite> per workspace, a <testcase> per item
 *  markdown  for a PR comment or a chat post: always at most `budget`
 *            characters (65,536 by default); when the whole report is
 *            larger it keeps the verdict, the counts and every regression it
 *            can (saying how many it could not list), shortens the rest with
 *            "and N more", and names the ledger audit id and the SHA-256 of
 *            the full JSON report
 *  sarif, github, gitlab-codequality
 *            for CI (audit_report_ci.c)
 *  html      one self-contained page for a leadership review (inline CSS and
 *            SVG, a Content-Security-Policy that forbids every load, no
 *            script): verdict, regressions, charts, workspace table
 *
 * Writers append to a tfa_buf and return 0 or the buffer's failure. They
 * read only the result: names, statuses, ids and addresses, never an
 * attribute value (the run model has none). Every string from an input goes
 * through its format's escaper (util/escape.h): visible control characters
 * in text, escaped Markdown, entities in JUnit and HTML, valid UTF-8 in
 * JSON.
 */
#ifndef TFA_AUDIT_REPORT_H
#define TFA_AUDIT_REPORT_H

#include <jansson.h>

#include "audit.h"
#include "util/buf.h"
#include "util/sha256.h"

#define TFA_AUDIT_MD_BUDGET 65536

int tfa_audit_report_text(tfa_buf *out, const tfa_audit_result *r);
json_t *tfa_audit_report_json(const tfa_audit_result *r);
/* The JSON report as written (indented, keys in order) and its SHA-256. */
int tfa_audit_report_json_text(tfa_buf *out, const tfa_audit_result *r,
                               char sha256[TFA_SHA256_HEX]);
int tfa_audit_report_junit(tfa_buf *out, const tfa_audit_result *r);
/* `json_sha256`: the digest of the full JSON report; budget 0 = default. */
int tfa_audit_report_markdown(tfa_buf *out, const tfa_audit_result *r, const char *json_sha256,
                              size_t budget);
int tfa_audit_report_html(tfa_buf *out, const tfa_audit_result *r, const char *json_sha256);

/* CI formats (audit_report_ci.c): SARIF 2.1.0, GitHub workflow commands and
 * GitLab Code Quality, a finding per missing or unreadable workspace,
 * failing item and drifted address. `cl` is the audit's default checklist,
 * where findings are located (may be NULL). */
int tfa_audit_report_sarif(tfa_buf *out, const tfa_audit_result *r, const tfa_checklist *cl);
int tfa_audit_report_github(tfa_buf *out, const tfa_audit_result *r, const tfa_checklist *cl);
int tfa_audit_report_codequality(tfa_buf *out, const tfa_audit_result *r, const tfa_checklist *cl);

/* `tfaudit trend`: the history, oldest first; `workspace` names the filter
 * (NULL: all). */
int tfa_audit_trend_text(tfa_buf *out, const tfa_audit_summary *h, size_t n, const char *workspace);
json_t *tfa_audit_trend_json(const tfa_audit_summary *h, size_t n, const char *workspace);
int tfa_audit_trend_html(tfa_buf *out, const tfa_audit_summary *h, size_t n, const char *workspace);

/* ---- shared by the writers (audit_report_common.c) ---- */

/* A regression, in report order (workspaces by name; in each: missing or
 * unreadable, then new failures, then new drift). */
typedef struct tfa_audit_regression {
    const tfa_audit_ws *ws;
    const tfa_audit_item *item;   /* a new failure */
    const tfa_audit_drift *drift; /* new drift */
} tfa_audit_regression;

typedef int (*tfa_audit_regression_fn)(const tfa_audit_regression *g, void *payload);
/* Visit every regression; a non-zero return stops and is returned. */
int tfa_audit_regressions(const tfa_audit_result *r, tfa_audit_regression_fn fn, void *payload);
/* How a writer escapes what came from inputs (workspace names, addresses,
 * reasons, known-drift owners): one wording, each format's escaper
 * (util/escape.h). `text` is free text, `code` an item id. */
typedef struct tfa_audit_style {
    int (*text)(tfa_buf *out, const char *s);
    int (*code)(tfa_buf *out, const char *s);
} tfa_audit_style;
/* Terminal and logs: control characters visible, ids in backticks. */
extern const tfa_audit_style tfa_audit_style_text;
/* Markdown: escaped text, ids as code spans. */
extern const tfa_audit_style tfa_audit_style_md;

/* One line describing a regression, in `style`. */
void tfa_audit_regression_text(const tfa_audit_regression *g, const tfa_audit_style *style,
                               tfa_buf *out);

/* "2026-11-27T02:00:00Z" */
void tfa_audit_time(int64_t t, char out[32]);

#endif
