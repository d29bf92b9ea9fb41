/*
 * notify.h - post a verdict to a chat webhook (`gate --notify URL`).
 *
 * The body is Slack-compatible (an incoming webhook's `text`, mrkdwn) and
 * carries the same facts structured, for anything else that listens:
 *
 *   {"text": "tfaudit: *NO-GO* for workspace `grafana-prod`: 2 failing items: ...",
 *    "tfaudit": {"verdict": "NO-GO", "workspace": "grafana-prod", "window": ...,
 *                "operator": ..., "time": ..., "checklist": ...,
 *                "failing": [{"id", "title", "status", "level"}], "failing_count": 2,
 *                "ledger": {"id": 42, "hash": "..."}}}
 *
 * Only these fields are copied, and only from the verdict record, which by
 * construction never holds an attribute value: an item's evidence (fact
 * values, offending addresses) is deliberately left out, so nothing a plan
 * marks sensitive can reach a chat channel even if a future record carried
 * more. Fields read from the record (all optional but `verdict`):
 *   verdict ("GO" / "NO-GO"), workspace, window, operator, time (at the top,
 *   or in the gate record's "gate" object),
 *   checklist (a string, or an object with "path"),
 *   items[] of {id, title, status, level}: failing when status is FAIL,
 *     ERROR or PENDING (case-insensitive); the first 20 are listed,
 *   ledger {id, hash}, or top-level record_id / record_hash.
 *
 * A webhook URL is a credential (Slack's secret is its path), so errors and
 * traces name only its origin: "https://hooks.slack.com/...". The POST is
 * retried only when it cannot have been delivered (http.h). The caller
 * decides what a failure means; for `gate` it is reported and changes
 * neither the verdict nor the ledger record.
 */
#ifndef TFA_NOTIFY_H
#define TFA_NOTIFY_H

#include <jansson.h>

#include "net/http.h"
#include "util/error.h"

#define TFA_NOTIFY_MAX_ITEMS 20  /* failing items listed by id */
#define TFA_NOTIFY_MAX_FIELD 200 /* bytes kept of any copied string */

typedef struct tfa_notify_options {
    const tfa_http_options *http;
} tfa_notify_options;

/* The webhook body for `record` as a new JSON object (*out, caller decrefs).
 * Errors: TFA_EINPUT (no verdict), TFA_ENOMEM. */
int tfa_notify_body(json_t **out, const json_t *record, tfa_error *err);

/* POST the body for `record` to `url`. Errors: those of tfa_notify_body and
 * tfa_http_perform, naming the webhook by its origin only. */
int tfa_notify_post(const char *url, const json_t *record, const tfa_notify_options *opts,
                    tfa_error *err);

#endif
