/*
 * ledger_priv.h - what ledger.c and ledger_verify.c share. Not part of the
 * storage contract (ledger.h is).
 */
#ifndef TFA_LEDGER_PRIV_H
#define TFA_LEDGER_PRIV_H

#include <sqlite3.h>

#include "ledger.h"

struct tfa_ledger {
    sqlite3 *db;
    char *path;
    tfa_ledger_options opts;
    int64_t schema;           /* the file's schema version (older when opened read-only) */
    const tfa_signer *signer; /* signs what is appended; NULL: unsigned records */
};

/* The signature column, or NULL in a schema-1 file opened read-only. */
#define TFA__LEDGER_SIGNATURE_COL(l) ((l)->schema >= 2 ? "signature" : "NULL")

/* The hash record 1 chains to. */
#define TFA__LEDGER_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Record an SQLite failure as "PATH: WHAT: SQLITE MESSAGE"; returns the
 * tfa_status it maps to (TFA_ECONFLICT for busy, TFA_EINPUT for a file that
 * is not a database, TFA_EIO otherwise). */
int tfa__ledger_sql_error(tfa_ledger *ledger, int rc, const char *what, tfa_error *err);

/* A copy of `s` (NULL stays NULL); sets *oom when the copy fails. */
char *tfa__ledger_dup(const char *s, int *oom);

/* Bind text or NULL. */
void tfa__ledger_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif
