/*
 * ledger_prep.c - the canonical forms of a batch's entries, made ahead of
 * the appends (ledger_priv.h: tfa__ledger_prep).
 *
 * Why a thread: canonicalizing a nightly audit's 2,000 records is more
 * than half of its append, and the inserts that follow wait on nothing
 * but the record before. On a second thread the canonical forms are made
 * while the first records are chained and written, so a batch costs about
 * the longer of the two instead of their sum (bench/history.sh). A batch
 * of a few entries (every gate) is prepared in place: a thread would cost
 * more than it saves.
 *
 * Entries are checked and canonicalized in order, as before any thread:
 * the append that waits for entry i gets entry i's error, the first one in
 * the batch, and nothing after a failed entry is prepared.
 */
#include "util/compat.h"

#include <pthread.h>

#include "canon.h"
#include "ledger_priv.h"
#include "util/alloc.h"
#include "util/buf.h"

/* Batches below this are prepared in place. */
#define PREP_THREAD_MIN 16

struct tfa__ledger_prep {
    const tfa_ledger_entry *e;
    size_t n;
    tfa_buf *canon; /* TFA__LEDGER_CANON_PER_ENTRY per entry */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t ready;   /* entries prepared, in order */
    size_t fail_at; /* the entry that failed, or n */
    tfa_error err;  /* its error */
    int stop;       /* the append is over: prepare no more */
    int threaded;
    pthread_t thread;
};

/* Entry i's checks and canonical forms: the record, and the members kept
 * in indexed columns too, in the form verify recomputes. */
static int prepare_one(tfa__ledger_prep *p, size_t i, tfa_error *err)
{
    const tfa_ledger_entry *e = &p->e[i];
    tfa_buf *c = &p->canon[i * TFA__LEDGER_CANON_PER_ENTRY];
    const json_t *summary, *audit;
    int rc;

    if ((rc = tfa__ledger_check_entry(e, err)) != 0 ||
        (rc = tfa_canon_json(&c[TFA__LEDGER_CANON_RECORD], e->record, err)) != 0)
        return rc;
    summary = json_object_get(e->record, "audit_summary");
    audit = json_object_get(e->record, "audit");
    if (summary && (rc = tfa_canon_json(&c[TFA__LEDGER_CANON_SUMMARY], summary, err)) != 0)
        return rc;
    if (json_is_object(audit))
        rc = tfa_canon_json(&c[TFA__LEDGER_CANON_AUDIT], audit, err);
    return rc;
}

/* Prepare entries in order until one fails, all are done, or stop. */
static void prepare_all(tfa__ledger_prep *p)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        tfa_error err;
        int rc, stop;

        pthread_mutex_lock(&p->mu);
        stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            return;
        tfa_error_init(&err);
        rc = prepare_one(p, i, &err);
        pthread_mutex_lock(&p->mu);
        if (rc) {
            p->fail_at = i;
            p->err = err.status ? err : p->err;
            if (!p->err.status)
                tfa_error_oom(&p->err);
        } else {
            p->ready = i + 1;
        }
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (rc)
            return;
    }
}

static void *prep_thread(void *arg)
{
    prepare_all(arg);
    return NULL;
}

int tfa__ledger_prep_start(tfa__ledger_prep **out, const tfa_ledger_entry *entries, size_t n,
                           tfa_error *err)
{
    tfa__ledger_prep *p = tfa_calloc(1, sizeof(*p));
    size_t i;

    *out = NULL;
    if (!p || !(p->canon = tfa_calloc(n ? TFA__LEDGER_CANON_PER_ENTRY * n : 1, sizeof(tfa_buf)))) {
        tfa_free(p);
        return tfa_error_oom(err);
    }
    for (i = 0; i < TFA__LEDGER_CANON_PER_ENTRY * n; i++)
        tfa_buf_init(&p->canon[i], TFA_BUF_NO_MAX);
    p->e = entries;
    p->n = n;
    p->fail_at = n;
    tfa_error_init(&p->err);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    /* in place when small, or when no thread starts */
    p->threaded = n >= PREP_THREAD_MIN && pthread_create(&p->thread, NULL, prep_thread, p) == 0;
    if (!p->threaded)
        prepare_all(p);
    *out = p;
    return 0;
}

int tfa__ledger_prep_wait(tfa__ledger_prep *p, size_t i, const tfa_buf **canon, tfa_error *err)
{
    int rc = 0;

    pthread_mutex_lock(&p->mu);
    while (p->ready <= i && p->fail_at > i)
        pthread_cond_wait(&p->cv, &p->mu);
    if (p->ready <= i) { /* entry i is the one that failed */
        if (err)
            *err = p->err;
        rc = p->err.status;
    }
    pthread_mutex_unlock(&p->mu);
    *canon = &p->canon[i * TFA__LEDGER_CANON_PER_ENTRY];
    return rc;
}

void tfa__ledger_prep_free(tfa__ledger_prep *p)
{
    size_t i;

    if (!p)
        return;
    if (p->threaded) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->thread, NULL);
    }
    for (i = 0; i < TFA__LEDGER_CANON_PER_ENTRY * p->n; i++)
        tfa_buf_release(&p->canon[i]);
    tfa_free(p->canon);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    tfa_free(p);
}
