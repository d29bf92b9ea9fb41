/*
 * ledger_ckpt.c - the SQLite ledger's WAL checkpoints, beside the appender.
 *
 * With synchronous=FULL a commit is durable once its WAL frames are synced;
 * copying them into the database file (the checkpoint) only keeps the WAL
 * short. SQLite's autocheckpoint does that copy inside the commit that takes
 * the WAL past 1,000 pages, so a nightly audit, which appends its 2,000
 * records in one transaction, waited for it before it could report: 50 ms
 * on a new ledger and 90 ms on one holding a year of audits, whose
 * workspace index pages are scattered through a 1 GB file. That was most of
 * what made a night with history cost more than the first night
 * (bench/history.sh).
 *
 * Here the commit only wakes a thread, which runs the same checkpoint
 * (PASSIVE: it never waits for, or blocks, a reader or the next appender)
 * through a connection of its own: the appender's connection is opened
 * NOMUTEX and is not shared between threads. The caller meanwhile writes
 * its reports. Closing the ledger joins the thread first, so the process
 * still leaves a checkpointed file, and the last connection's close removes
 * the WAL as before. A checkpoint that cannot run here (no thread, no
 * connection) is left to the next commit or to that close: the WAL holds
 * everything committed either way.
 */
#include "util/compat.h"

#include <pthread.h>

#include "ledger_ckpt.h"
#include "util/alloc.h"

/* SQLite's own default autocheckpoint, given back on free. */
#define AUTOCHECKPOINT_PAGES 1000

struct tfa__ledger_ckpt {
    sqlite3 *db; /* the appender's connection (borrowed) */
    char *path;
    int pages;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int wanted;  /* a commit asked for a checkpoint since the last one began */
    int quit;    /* free() asked the thread to end */
    int started; /* the thread exists and must be joined */
    pthread_t thread;
};

static void *checkpointer(void *arg)
{
    tfa__ledger_ckpt *c = arg;
    sqlite3 *own = NULL;

    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->wanted && !c->quit)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->quit) /* what is left, the closing connection checkpoints */
            break;
        c->wanted = 0;
        pthread_mutex_unlock(&c->mu);
        if (!own && sqlite3_open_v2(c->path, &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                    NULL) != SQLITE_OK) {
            sqlite3_close(own);
            own = NULL;
        }
        if (own)
            sqlite3_wal_checkpoint_v2(own, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    sqlite3_close(own);
    return NULL;
}

/* sqlite3_wal_hook: runs in the committing thread after the commit, with
 * no database lock held. */
static int committed(void *arg, sqlite3 *db, const char *name, int pages)
{
    tfa__ledger_ckpt *c = arg;
    int inline_ckpt = 0;

    if (pages < c->pages)
        return SQLITE_OK;
    pthread_mutex_lock(&c->mu);
    if (!c->started)
        c->started = pthread_create(&c->thread, NULL, checkpointer, c) == 0;
    if (c->started) {
        c->wanted = 1;
        pthread_cond_signal(&c->cv);
    } else {
        inline_ckpt = 1;
    }
    pthread_mutex_unlock(&c->mu);
    if (inline_ckpt) /* no thread: what the autocheckpoint would have done */
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

tfa__ledger_ckpt *tfa__ledger_ckpt_new(sqlite3 *db, const char *path, int pages)
{
    tfa__ledger_ckpt *c = tfa_calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    if (!(c->path = tfa_strdup(path))) {
        tfa_free(c);
        return NULL;
    }
    c->db = db;
    c->pages = pages;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    sqlite3_wal_hook(db, committed, c); /* replaces the autocheckpoint */
    return c;
}

void tfa__ledger_ckpt_free(tfa__ledger_ckpt *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->quit = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if (c->started)
        pthread_join(c->thread, NULL);
    sqlite3_wal_autocheckpoint(c->db, AUTOCHECKPOINT_PAGES); /* replaces our hook */
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    tfa_free(c->path);
    tfa_free(c);
}
