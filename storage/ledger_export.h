/*
 * ledger_export.h - one ledger record as an audit bundle (bundle.h).
 *
 * The bundle holds:
 *   record.json    the record's ledger body, byte for byte: its SHA-256 is
 *                  the record hash of the ledger chain
 *   report.md      the record rendered as Markdown (record_render.h)
 *   checklist.md   the checklist text the record carries, when it does
 *   waivers.json   the waivers the verdict used ([] when none)
 *   inputs/N-NAME  with include_inputs, each input that a redactor exists
 *                  for (redact.h), redacted; others are listed as omitted
 *   manifest.json  sha256 of every file, plus
 *                  "ledger": {id, hash, prev_hash, time, workspace,
 *                             verdict, head_id, head_hash,
 *                             key, signature (null when unsigned)}
 *                  "trusted_keys": [key ids the export was checked against]
 *                  "inputs": [{path, kind, sha256, bytes, included, reason}]
 *                  "created_by": "tfaudit VERSION"
 * The whole chain is verified first (with opts.trusted, the signatures
 * too): a bundle is never made from a ledger that fails `tfaudit ledger
 * verify`, and it records the head it saw, which anchors the chain outside
 * the database. `tfaudit bundle verify --trusted-keys` checks the record's
 * signature again from the bundle alone.
 */
#ifndef TFA_LEDGER_EXPORT_H
#define TFA_LEDGER_EXPORT_H

#include "ledger.h"

typedef struct tfa_ledger_export_options {
    int include_inputs;         /* try to add the inputs (redacted) */
    const char *tool_version;   /* for "created_by"; may be NULL */
    const tfa_keyring *trusted; /* verify signatures first, and list these keys; may be NULL */
} tfa_ledger_export_options;

#define TFA_LEDGER_EXPORT_OPTIONS_INIT                                                             \
    {                                                                                              \
        .include_inputs = 0, .tool_version = NULL                                                  \
    }

/* An input left out of the bundle, and why. */
typedef struct tfa_export_omitted {
    char *path, *kind, *reason;
} tfa_export_omitted;

typedef struct tfa_ledger_export_result {
    size_t files; /* entries besides the manifest */
    tfa_export_omitted *omitted;
    size_t n_omitted; /* only counted when include_inputs was asked */
} tfa_ledger_export_result;

/*
 * Write record `id` of `ledger` as a bundle at `path`. Errors:
 * TFA_ENOTFOUND (no such record), TFA_EINPUT (the chain does not verify),
 * TFA_EIO, TFA_ENOMEM. Release the result in every case.
 */
int tfa_ledger_export(tfa_ledger_export_result *out, tfa_ledger *ledger, int64_t id,
                      const char *path, const tfa_ledger_export_options *opts, tfa_error *err);
void tfa_ledger_export_result_release(tfa_ledger_export_result *res);

#endif
