/*
 * seq.c - tfa_seq (see seq.h).
 */
#include "compat.h"

#include "alloc.h"
#include "seq.h"

void tfa_seq_init(tfa_seq *seq, size_t elem_size)
{
    memset(seq, 0, sizeof(*seq));
    seq->elem_size = elem_size;
}

void tfa_seq_release(tfa_seq *seq)
{
    size_t i;
    for (i = 0; i < seq->nchunks; i++)
        tfa_free(seq->chunks[i]);
    tfa_free(seq->chunks);
    tfa_seq_init(seq, seq->elem_size);
}

void *tfa_seq_push(tfa_seq *seq)
{
    size_t slot = seq->count % TFA_SEQ_CHUNK;
    void *p;

    if (slot == 0 && seq->count / TFA_SEQ_CHUNK == seq->nchunks) {
        if (tfa_array_grow(&seq->chunks, &seq->chunk_cap, seq->nchunks + 1, sizeof(*seq->chunks)) !=
            0)
            return NULL;
        seq->chunks[seq->nchunks] = tfa_malloc(TFA_SEQ_CHUNK * seq->elem_size);
        if (!seq->chunks[seq->nchunks])
            return NULL;
        seq->nchunks++;
    }
    p = tfa_seq_at(seq, seq->count);
    memset(p, 0, seq->elem_size);
    seq->count++;
    return p;
}

void tfa_seq_pop(tfa_seq *seq)
{
    if (seq->count)
        seq->count--;
}
