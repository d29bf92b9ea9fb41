/*
 * seq.h - tfa_seq, an append-only sequence of fixed-size records.
 *
 * Records live in chunks that never move, so a pointer to a record stays valid
 * while more are appended, and growth never copies (a plain doubling vector
 * of 100,000 resource changes would briefly hold 1.5x its size). Index access
 * is O(1): chunk i / TFA_SEQ_CHUNK, slot i % TFA_SEQ_CHUNK.
 */
#ifndef TFA_SEQ_H
#define TFA_SEQ_H

#include <stddef.h>

#define TFA_SEQ_CHUNK 1024

typedef struct tfa_seq {
    size_t elem_size;
    size_t count;
    size_t nchunks, chunk_cap;
    char **chunks;
} tfa_seq;

void tfa_seq_init(tfa_seq *seq, size_t elem_size);
void tfa_seq_release(tfa_seq *seq);
/* A zeroed slot at the end; NULL on out-of-memory. */
void *tfa_seq_push(tfa_seq *seq);
/* Drop the last record (to undo a push whose record could not be filled). */
void tfa_seq_pop(tfa_seq *seq);
static inline void *tfa_seq_at(const tfa_seq *seq, size_t i)
{
    return seq->chunks[i / TFA_SEQ_CHUNK] + (i % TFA_SEQ_CHUNK) * seq->elem_size;
}

#endif
