/*
 * report_ci.h - the pieces the CI formats share, so that a check, a gate
 * and a nightly audit speak each format the same way:
 *
 *  SARIF 2.1.0   (OASIS, "Static Analysis Results Interchange Format
 *                Version 2.1.0", errata 01): one log, one run, tool
 *                "tfaudit" with a rule per checklist item; results with a
 *                level from the item's level, a location at the checklist
 *                line, related locations at the inputs, and a stable
 *                fingerprint under partialFingerprints["tfaudit/v1"]
 *  GitHub        workflow commands ("::error file=F,line=N,title=T::MSG"),
 *                escaped as the Actions runner unescapes them
 *                (actions/toolkit, packages/core/src/command.ts): '%', CR
 *                and LF everywhere, ':' and ',' in properties too
 *  Code Quality  GitLab's Code Climate subset: a JSON array of issues
 *                {description, check_name, fingerprint, severity,
 *                location: {path, lines: {begin}}}
 *
 * Levels map as hard -> error / blocker, soft -> warning / major,
 * advisory -> note / info. Builders return new jansson references (NULL on
 * out-of-memory, never half-built); text helpers append to a tfa_buf and
 * return its status.
 */
#ifndef TFA_REPORT_CI_H
#define TFA_REPORT_CI_H

#include <jansson.h>

#include "checklist.h"
#include "util/buf.h"
#include "util/sha256.h"
#include "verdict.h"

/* "hard", "soft", "advisory" -> the level; unknown names are hard (the
 * strictest reading). */
tfa_level tfa_ci_level(const char *name);
/* SARIF result level: "error", "warning", "note". */
const char *tfa_ci_sarif_level(tfa_level level);
/* GitHub workflow command: "error", "warning", "notice". */
const char *tfa_ci_github_command(tfa_level level);
/* Code Climate severity: "blocker", "major", "info". */
const char *tfa_ci_codequality_severity(tfa_level level);

/* SHA-256 over `parts` (each followed by a NUL byte, so ("ab","c") and
 * ("a","bc") differ), as lowercase hex: the fingerprint of a finding. */
void tfa_ci_fingerprint(const char *const *parts, size_t n, char hex[TFA_SHA256_HEX]);

/* The address of an evidence label "ADDRESS (KIND PATH:LINE)" (collections'
 * labels name their source), copied into `buf`: CI findings are named and
 * fingerprinted by the address alone, so they stay the same finding when
 * the plan file moves or grows. */
const char *tfa_ci_address(const char *label, char *buf, size_t size);

/* A JSON string that survives invalid UTF-8 (bytes become U+FFFD). */
json_t *tfa_ci_str(const char *s);

/* What a result says, for messages: "FAIL: Title (hard, blocks): reason",
 * then its evidence. One line with `multiline` 0 (evidence after ". ",
 * separated by "; "); else a line per fact and query with the offending
 * addresses under it as "  - ADDRESS". */
int tfa_ci_item_message(tfa_buf *m, const tfa_result *r, int multiline);

/* ---- SARIF ------------------------------------------------------------------------ */

/* A new log {"$schema", "version": "2.1.0", "runs": [run]}; *run is the run
 * (borrowed from the log) with tool.driver {name, version, informationUri,
 * rules: []}, results: [] and artifacts: []. */
json_t *tfa_sarif_log_new(json_t **run);

/* Append a rule; its index in driver.rules into *index. `condition` (the
 * expression, or NULL for a manual item) and `section` may be NULL. Returns
 * 0 or TFA_ENOMEM. */
int tfa_sarif_add_rule(json_t *run, const char *id, const char *title, const char *condition,
                       tfa_level level, const char *section, size_t *index);

/* A physicalLocation-bearing location: `path` as a URI reference (relative
 * paths stay relative, absolute ones become file:// URIs, URLs stay as
 * they are), `line` 0 for the whole artifact. */
json_t *tfa_sarif_location(const char *path, unsigned long line);

/* A result: ruleId and ruleIndex, level, message text, `loc` as its only
 * location (taken over; may be NULL) and the fingerprint. */
json_t *tfa_sarif_result(const char *rule_id, size_t rule_index, tfa_level level,
                         const char *message, json_t *loc, const char *fingerprint);

/* Append `result` (taken over) to the run's results; 0 or TFA_ENOMEM. */
int tfa_sarif_push(json_t *run, json_t *result);

/* ---- GitHub workflow commands ----------------------------------------------------- */

/* One command line: "::CMD file=F,line=N,title=T::MESSAGE\n". `file` NULL
 * or `line` 0 leaves the property out; `title` may be NULL. */
int tfa_github_command(tfa_buf *out, const char *cmd, const char *file, unsigned long line,
                       const char *title, const char *message);

/* ---- Code Quality ----------------------------------------------------------------- */

/* One issue; `line` 0 becomes 1 (GitLab needs a line). */
json_t *tfa_codequality_issue(const char *description, const char *check_name,
                              const char *fingerprint, tfa_level level, const char *path,
                              unsigned long line);

#endif
