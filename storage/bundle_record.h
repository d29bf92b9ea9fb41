/*
 * bundle_record.h - what a ledger bundle derives from its record (private
 * to storage/: ledger_export.c writes it, bundle_verify.c checks it).
 *
 * record.json is the one entry a chain hash and a signature vouch for.
 * Everything else a reader of the bundle trusts (the verdict the manifest
 * states, report.md, checklist.md, waivers.json, the list of inputs) is
 * written from it, so `bundle verify` writes it again and compares: an
 * edited report saying GO over a signed NO-GO record is no intact bundle.
 */
#ifndef TFA_BUNDLE_RECORD_H
#define TFA_BUNDLE_RECORD_H

#include <jansson.h>

#include "util/buf.h"
#include "util/error.h"

#define TFA_BUNDLE_RECORD    "record.json"
#define TFA_BUNDLE_REPORT    "report.md"
#define TFA_BUNDLE_CHECKLIST "checklist.md"
#define TFA_BUNDLE_WAIVERS   "waivers.json"

/* The entries written from the record besides record.json: report.md,
 * checklist.md, waivers.json. */
#define TFA_BUNDLE_DERIVED 3
/* Which of them `name` is (0 to TFA_BUNDLE_DERIVED - 1), or -1. */
int tfa__bundle_derived(const char *name);

/* waivers.json of a verdict record: its "waivers" list ([] when none),
 * indented, with a final newline. Errors: TFA_ENOMEM. */
int tfa__bundle_waivers_text(tfa_buf *out, const json_t *record, tfa_error *err);

/* The name of input `i` (0-based) of path `path` under inputs/: "1-plan.json"
 * (an archive member's name after its '!'). */
void tfa__bundle_input_base(char *buf, size_t size, size_t i, const char *path);

/* A bundle entry as read: its name and bytes. */
typedef struct tfa__bundle_entry {
    const char *name;
    const char *data;
    size_t len;
} tfa__bundle_entry;

/*
 * Check what `manifest` (a ledger bundle's, already matched to the archive's
 * digests and to record.json's hash) and the derived entries say against
 * record.json's bytes `body`. `entries` are every entry but the manifest,
 * with the bytes of the derived ones (data NULL for others). Returns 1 with
 * the problem in `detail`, 0 when all agree, or a negative status (err).
 */
int tfa__bundle_check_record(const json_t *manifest, const char *body, size_t body_len,
                             const tfa__bundle_entry *entries, size_t n, char *detail,
                             size_t detail_size, tfa_error *err);

#endif
