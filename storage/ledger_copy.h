/*
 * ledger_copy.h - move a ledger between backends (SQLite <-> PostgreSQL),
 * record by record, the chain checked as it goes.
 *
 * The records are copied as stored: the same canonical bodies, hashes and
 * signatures, so the copy verifies with the same keys and anchors. The
 * destination must be empty or a prefix of the source (an earlier copy,
 * interrupted or not): then the rest is appended. Anything else is another
 * chain, and nothing is written.
 */
#ifndef TFA_LEDGER_COPY_H
#define TFA_LEDGER_COPY_H

#include "ledger.h"

typedef struct tfa_ledger_copy_result {
    int64_t copied;  /* records appended to the destination */
    int64_t present; /* records the destination held already */
    int64_t head_id; /* the destination's head afterwards */
    char head_hash[TFA_LEDGER_HASH_HEX];
} tfa_ledger_copy_result;

/*
 * Copy `src` into `dst`. The source is verified first (its whole chain); the
 * records are committed in batches, so an interrupted copy leaves a valid
 * prefix and running it again resumes; the destination is verified over
 * what was copied at the end. Errors: TFA_EINPUT (the source's chain is
 * broken, or the destination holds another chain: *err says which record),
 * TFA_ECONFLICT (someone appended to the destination meanwhile), TFA_EIO,
 * TFA_ENOMEM.
 */
int tfa_ledger_copy(tfa_ledger *src, tfa_ledger *dst, tfa_ledger_copy_result *out, tfa_error *err);

#endif
