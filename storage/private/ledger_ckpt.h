/*
 * ledger_ckpt.h - the SQLite ledger's WAL checkpoints, run beside the
 * appender instead of inside its commit (ledger_ckpt.c says why).
 */
#ifndef TFA_LEDGER_CKPT_H
#define TFA_LEDGER_CKPT_H

#include <sqlite3.h>

typedef struct tfa__ledger_ckpt tfa__ledger_ckpt;

/* Takes over checkpointing for `db`, a writable connection to the WAL
 * database at `path` (copied): SQLite's autocheckpoint is switched off
 * and a commit that leaves the WAL at `pages` or more wakes a thread that
 * checkpoints through a connection of its own. The thread starts at the
 * first such commit, so short sessions (a gate's one record) never start
 * it. NULL on out of memory: the caller keeps SQLite's autocheckpoint. */
tfa__ledger_ckpt *tfa__ledger_ckpt_new(sqlite3 *db, const char *path, int pages);

/* Waits for a checkpoint in progress, stops the thread and gives
 * checkpointing back to `db` (call before closing it: the last connection
 * to close checkpoints what is left and removes the WAL). NULL is a no-op. */
void tfa__ledger_ckpt_free(tfa__ledger_ckpt *c);

#endif
