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
        if (seq->nchunks == seq->chunk_cap) {
            size_t cap = seq->chunk_cap ? seq->chunk_cap * 2 : 8;
            char **c = tfa_realloc(seq->chunks, cap * sizeof(*c));
            if (!c)
                return NULL;
            seq->chunks = c;
            seq->chunk_cap = cap;
        }
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
