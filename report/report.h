/*
 * report.h - verdict reports: text (terminal), Markdown (leadership
 * review), JSON (the stable verdict record) and JUnit XML (CI), and the
 * filled checklist.
 *
 * Writers append to a tfa_buf; the CLI decides where the bytes go. None of
 * them can print an attribute value: they read the verdict, whose evidence
 * holds only fact values, counts, addresses and attribute paths.
 */
#ifndef TFA_REPORT_H
#define TFA_REPORT_H

#include "util/buf.h"
#include "verdict.h"

typedef enum tfa_report_format {
    TFA_REPORT_TEXT = 0,
    TFA_REPORT_MARKDOWN,
    TFA_REPORT_JSON,
    TFA_REPORT_JUNIT,
    TFA_REPORT_SARIF,      /* SARIF 2.1.0 (report_sarif.c) */
    TFA_REPORT_GITHUB,     /* GitHub Actions workflow commands (report_github.c) */
    TFA_REPORT_CODEQUALITY /* GitLab Code Quality (report_codequality.c) */
} tfa_report_format;

/* "text", "markdown", "json", "junit", "sarif", "github", "gitlab-codequality"
 * -> format; 0, or TFA_EUSAGE. */
int tfa_report_format_from_name(const char *name, tfa_report_format *out);

typedef struct tfa_report_options {
    int color;           /* ANSI colour (text only) */
    const char *command; /* "check" or "gate", named in headings */
} tfa_report_options;

#define TFA_REPORT_OPTIONS_INIT                                                                    \
    {                                                                                              \
        0, "check"                                                                                 \
    }

/* Append the report in `format`. Returns 0, or the buffer's failure
 * (TFA_ENOMEM / TFA_ELIMIT). */
int tfa_report_write(tfa_buf *out, const tfa_verdict *v, tfa_report_format format,
                     const tfa_report_options *opts);

int tfa_report_text(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts);
int tfa_report_markdown(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts);
int tfa_report_json(tfa_buf *out, const tfa_verdict *v);
int tfa_report_junit(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts);
int tfa_report_sarif(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts);
int tfa_report_github(tfa_buf *out, const tfa_verdict *v, const tfa_report_options *opts);
int tfa_report_codequality(tfa_buf *out, const tfa_verdict *v);

/* One item's evidence as Markdown, exactly as the Markdown report shows it
 * under the item's heading (for a run task's outcome body). */
int tfa_report_item_markdown(tfa_buf *out, const tfa_result *r);

/*
 * The checklist's own text with this verdict filled in: `[x]` on passed
 * items, `[ ]` on the others, and under each evaluated item a sub-list
 * starting "tfaudit: STATUS" with its evidence. Evidence from an earlier
 * fill is replaced, not repeated, and the result loads again to the same
 * items. Items outside an evaluated section are left as they are.
 */
int tfa_report_fill(tfa_buf *out, const tfa_verdict *v);

/*
 * The fact catalog (`tfaudit facts`): every fact with its type and meaning
 * and, when `run` is given, its value for that run and the caller's
 * `context` (eval_context.h, may be NULL), or why it has none;
 * then every collection with its element fields. Text appends to `out`;
 * JSON is {"facts": [{name, type, description, value, missing}],
 * "collections": [{name, description, elements, fields: [{name, type,
 * description}]}]} with value/missing/elements null without a run.
 */
int tfa_report_facts_text(tfa_buf *out, const tfa_run *run, const tfa_eval_context *context);
json_t *tfa_report_facts_json(const tfa_run *run, const tfa_eval_context *context);

#endif
