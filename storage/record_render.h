/*
 * record_render.h - a stored ledger record as text, Markdown or JSON
 * (`tfaudit ledger show`, the report.md of an audit bundle).
 *
 * The ledger stores the gate's verdict record whole and never depends on
 * its internals; these renderers read the members below when present and
 * skip what is absent, so a record of another shape still renders (its JSON
 * is always complete):
 *   checklist  {"path", "sha256", "text"}
 *   items      [{"id", "title", "level", "status", "reason"?, "evidence"?}]
 *   waivers    [{"item", "reason", "owner", "expires"}]
 *   sign_offs  [{"item", "name", "note"}]
 *   inputs     [{"path", "kind", "sha256", "bytes"}]
 */
#ifndef TFA_RECORD_RENDER_H
#define TFA_RECORD_RENDER_H

#include "ledger.h"
#include "util/buf.h"

typedef enum tfa_record_format {
    TFA_RECORD_TEXT = 0,
    TFA_RECORD_MARKDOWN,
    TFA_RECORD_JSON
} tfa_record_format;

/* Append the rendering of `rec` to `out`. Errors: TFA_ENOMEM. */
int tfa_record_render(tfa_buf *out, const tfa_ledger_record *rec, tfa_record_format format,
                      tfa_error *err);

/* The record's metadata and verdict record as one JSON object
 * {"id","time","workspace","window","operator","verdict","tool_version",
 *  "hash","prev_hash","record"}; NULL on out-of-memory. */
json_t *tfa_record_to_json(const tfa_ledger_record *rec);

#endif
