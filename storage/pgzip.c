/*
 * pgzip.c - gzip members compressed in parallel, written in order (see
 * pgzip.h).
 *
 * A ring of 2 x threads slots. The writer fills the slot of sequence
 * number `next_fill` and marks it READY; workers take READY slots in
 * sequence order and compress them; the writer hands DONE slots to the
 * sink in sequence order (`next_emit`) and reuses them. The writer blocks
 * only when every slot is waiting for a worker or for its turn to be
 * written, which is what bounds memory. The sink is only ever called by
 * the writer, so a sink needs no locking of its own.
 *
 * A stored block is not copied: its worker only takes its CRC-32, and the
 * writer frames it (gzip header, a 5-byte header per 64 KiB of deflate
 * stored block, CRC and size), handing the sink the framing and the
 * block's input in turn. The framing is libdeflate's own for level 0 (the
 * gzip header is taken from libdeflate; check_pgzip compares the two), so
 * the stream is the same bytes as libdeflate storing the block.
 */
#include "util/compat.h"

#include <libdeflate.h>
#include <pthread.h>
#include <unistd.h>

#include "pgzip.h"
#include "util/alloc.h"

/* RFC 1952: a gzip header without optional fields, and the trailer (CRC-32,
 * size); RFC 1951 3.2.4: a stored block's header (BFINAL/BTYPE, LEN, NLEN)
 * and its most bytes. */
#define GZ_HEAD     10
#define GZ_TAIL     8
#define STORED_HEAD 5
#define STORED_MAX  65535u

typedef enum { SLOT_FREE, SLOT_READY, SLOT_BUSY, SLOT_DONE } slot_state;

typedef struct slot {
    unsigned char *in, *out;
    size_t in_len, out_len; /* out_len: a compressed block's */
    slot_state state;
    int planned;  /* a plan's choice: 1 stored, 0 compressed; -1 none */
    int stored;   /* the choice made */
    uint32_t crc; /* a stored block's */
} slot;

typedef struct worker {
    tfa_pgzip *z;
    struct libdeflate_compressor *c, *probe; /* level, 1 */
    pthread_t thread;
    int started;
} worker;

struct tfa_pgzip {
    tfa_pgzip_sink sink;
    void *payload;
    size_t block, out_cap;
    slot *slots;
    size_t n_slots;
    worker *workers;
    unsigned n_workers;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    unsigned long long next_fill, next_take, next_emit; /* sequence numbers */
    int filling;                                        /* the writer holds slot next_fill */
    int closing;
    int status; /* sticky: the first failure */
    tfa_pgzip_plan *plan;
    unsigned char gz_head[GZ_HEAD]; /* libdeflate's gzip header, level 0 */
};

static slot *slot_of(tfa_pgzip *z, unsigned long long seq)
{
    return &z->slots[seq % z->n_slots];
}

/*
 * Whether a block is not worth compressing: deflate (level 1) of PROBES
 * slices spread over it, and none of them saves PROBE_GAIN. Already
 * compressed inputs (a .tar.gz, a zip, encrypted state) are like that, and
 * deflate spends as long failing on them as on text (about 60 MB/s a core
 * at any level) to emit stored blocks in the end; storing them straight
 * (libdeflate level 0, memcpy and CRC speed) costs about 4% of that for
 * the probe. A block with one compressible slice is compressed as usual,
 * so the cost of a wrong guess is at most that block's lost ratio. The
 * choice depends only on the block's bytes: the output stays deterministic.
 */
#define PROBES      4
#define PROBE_BYTES 4096
#define PROBE_GAIN  32 /* 1/32: about 3% */

static int incompressible(const worker *w, const unsigned char *in, size_t len)
{
    unsigned char out[PROBE_BYTES];
    size_t i;
    if (len < 4 * PROBES * PROBE_BYTES)
        return 0;
    for (i = 0; i < PROBES; i++) {
        const unsigned char *s = in + (len - PROBE_BYTES) / (PROBES - 1) * i;
        /* 0: the slice did not fit in the smaller buffer, nothing saved */
        if (libdeflate_deflate_compress(w->probe, s, PROBE_BYTES, out,
                                        PROBE_BYTES - PROBE_BYTES / PROBE_GAIN) != 0)
            return 0;
    }
    return 1;
}

static void *work(void *arg)
{
    worker *w = arg;
    tfa_pgzip *z = w->z;
    for (;;) {
        slot *s;
        pthread_mutex_lock(&z->mu);
        while (z->next_take == z->next_fill && !z->closing)
            pthread_cond_wait(&z->cv_work, &z->mu);
        if (z->next_take == z->next_fill) {
            pthread_mutex_unlock(&z->mu);
            return NULL;
        }
        s = slot_of(z, z->next_take++);
        s->state = SLOT_BUSY;
        pthread_mutex_unlock(&z->mu);
        s->stored = s->planned >= 0 ? s->planned : incompressible(w, s->in, s->in_len);
        if (s->stored && s->planned < 0)
            s->crc = (uint32_t)libdeflate_crc32(0, s->in, s->in_len);
        /* 0 means the output did not fit: impossible within the bound, and
         * caught by the writer as a failure if it ever happens */
        if (!s->stored)
            s->out_len = libdeflate_gzip_compress(w->c, s->in, s->in_len, s->out, z->out_cap);
        pthread_mutex_lock(&z->mu);
        s->state = SLOT_DONE;
        pthread_cond_broadcast(&z->cv_done);
        pthread_mutex_unlock(&z->mu);
    }
}

/* The gzip header libdeflate writes for a stored member (its level 0):
 * stored blocks framed here are the bytes libdeflate would make. */
static int stored_header(tfa_pgzip *z, tfa_error *err)
{
    struct libdeflate_compressor *store = libdeflate_alloc_compressor(0);
    unsigned char out[GZ_HEAD + STORED_HEAD + GZ_TAIL + 16];
    size_t n = store ? libdeflate_gzip_compress(store, "", 0, out, sizeof(out)) : 0;
    libdeflate_free_compressor(store);
    if (!store)
        return tfa_error_oom(err);
    if (n != GZ_HEAD + STORED_HEAD + GZ_TAIL)
        return tfa_error_set(err, TFA_EIO, "libdeflate frames an empty member in %zu bytes", n);
    memcpy(z->gz_head, out, GZ_HEAD);
    return 0;
}

static unsigned default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > TFA_PGZIP_MAX_THREADS ? TFA_PGZIP_MAX_THREADS : (unsigned)n;
}

int tfa_pgzip_new(tfa_pgzip **out, tfa_pgzip_sink sink, void *payload,
                  const tfa_pgzip_options *opts, tfa_error *err)
{
    tfa_pgzip *z = tfa_calloc(1, sizeof(*z));
    int level = opts && opts->level ? opts->level : TFA_PGZIP_LEVEL;
    unsigned threads = opts && opts->threads ? opts->threads : default_threads(), i;
    int rc = 0;

    *out = NULL;
    if (!z)
        return tfa_error_oom(err);
    pthread_mutex_init(&z->mu, NULL);
    pthread_cond_init(&z->cv_work, NULL);
    pthread_cond_init(&z->cv_done, NULL);
    z->sink = sink;
    z->payload = payload;
    z->block = opts && opts->block_bytes ? opts->block_bytes : TFA_PGZIP_BLOCK_BYTES;
    if (threads > TFA_PGZIP_MAX_THREADS)
        threads = TFA_PGZIP_MAX_THREADS;
    if (level < 1 || level > 12) {
        rc = tfa_error_set(err, TFA_EUSAGE, "gzip level %d is not 1 to 12", level);
        goto fail;
    }
    z->n_slots = 2 * (size_t)threads;
    if (!(z->workers = tfa_calloc(threads, sizeof(*z->workers))) ||
        !(z->slots = tfa_calloc(z->n_slots, sizeof(*z->slots)))) {
        rc = tfa_error_oom(err);
        goto fail;
    }
    for (i = 0; i < threads; i++) {
        z->workers[i].z = z;
        if (!(z->workers[i].c = libdeflate_alloc_compressor(level)) ||
            !(z->workers[i].probe = libdeflate_alloc_compressor(1))) {
            z->n_workers = i + 1; /* freed with the others */
            rc = tfa_error_oom(err);
            goto fail;
        }
        z->n_workers = i + 1;
    }
    z->out_cap = libdeflate_gzip_compress_bound(z->workers[0].c, z->block);
    z->plan = opts ? opts->plan : NULL;
    if ((rc = stored_header(z, err)) != 0)
        goto fail;
    for (i = 0; i < z->n_slots; i++)
        if (!(z->slots[i].in = tfa_malloc(z->block)) ||
            !(z->slots[i].out = tfa_malloc(z->out_cap))) {
            rc = tfa_error_oom(err);
            goto fail;
        }
    for (i = 0; i < z->n_workers; i++)
        z->workers[i].started =
            pthread_create(&z->workers[i].thread, NULL, work, &z->workers[i]) == 0;
    if (!z->workers[0].started) {
        rc = tfa_error_set(err, TFA_EIO, "cannot start a compression thread");
        goto fail;
    }
    *out = z;
    return 0;
fail:
    tfa_pgzip_free(z);
    return rc;
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}

/* A stored block's member, to the sink: its framing, and its input as it
 * is, at most STORED_MAX bytes a stored block (as libdeflate cuts them). */
static int emit_stored(tfa_pgzip *z, const slot *s, tfa_error *err)
{
    unsigned char frame[GZ_HEAD + STORED_HEAD], tail[GZ_TAIL];
    size_t at = 0, head = GZ_HEAD, n;
    int rc = 0;

    memcpy(frame, z->gz_head, GZ_HEAD);
    do {
        n = s->in_len - at > STORED_MAX ? STORED_MAX : s->in_len - at;
        frame[head] = at + n == s->in_len; /* BFINAL; BTYPE 00, stored */
        frame[head + 1] = (unsigned char)n, frame[head + 2] = (unsigned char)(n >> 8);
        frame[head + 3] = (unsigned char)~n, frame[head + 4] = (unsigned char)(~n >> 8);
        rc = z->sink(z->payload, frame, head + STORED_HEAD, err);
        if (rc == 0 && n)
            rc = z->sink(z->payload, s->in + at, n, err);
        at += n;
        head = 0;
    } while (rc == 0 && at < s->in_len);
    put_le32(tail, s->crc);
    put_le32(tail + 4, (uint32_t)s->in_len);
    return rc ? rc : z->sink(z->payload, tail, GZ_TAIL, err);
}

/* A recording plan's next choice: the one just emitted. */
static int record_choice(tfa_pgzip *z, const slot *s, tfa_error *err)
{
    tfa_pgzip_plan *p = z->plan;
    if (!p || p->replay)
        return 0;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        tfa_pgzip_choice *b = tfa_realloc(p->blocks, cap * sizeof(*b));
        if (!b)
            return tfa_error_oom(err);
        p->blocks = b;
        p->cap = cap;
    }
    p->blocks[p->n].len = (uint32_t)s->in_len;
    p->blocks[p->n].crc = s->stored ? s->crc : 0;
    p->blocks[p->n++].stored = s->stored;
    return 0;
}

/* Hand the oldest slot to the sink, waiting for its worker. */
static int emit_one(tfa_pgzip *z, tfa_error *err)
{
    slot *s = slot_of(z, z->next_emit);
    int rc;

    pthread_mutex_lock(&z->mu);
    while (s->state != SLOT_DONE)
        pthread_cond_wait(&z->cv_done, &z->mu);
    pthread_mutex_unlock(&z->mu);
    if (s->stored)
        rc = emit_stored(z, s, err);
    else if (s->out_len == 0)
        rc = tfa_error_set(err, TFA_EIO, "gzip compression failed");
    else
        rc = z->sink(z->payload, s->out, s->out_len, err);
    if (rc == 0)
        rc = record_choice(z, s, err);
    pthread_mutex_lock(&z->mu);
    s->state = SLOT_FREE;
    z->next_emit++;
    pthread_mutex_unlock(&z->mu);
    if (rc)
        z->status = rc;
    return rc;
}

/* Emit every slot that is already compressed, in order, without waiting. */
static int emit_ready(tfa_pgzip *z, tfa_error *err)
{
    int rc = 0;
    while (rc == 0 && z->next_emit < z->next_fill) {
        slot_state st;
        pthread_mutex_lock(&z->mu);
        st = slot_of(z, z->next_emit)->state;
        pthread_mutex_unlock(&z->mu);
        if (st != SLOT_DONE)
            break;
        rc = emit_one(z, err);
    }
    return rc;
}

static void submit(tfa_pgzip *z)
{
    slot *s = slot_of(z, z->next_fill);
    const tfa_pgzip_plan *p = z->plan;
    const tfa_pgzip_choice *c =
        p && p->replay && z->next_fill < p->n ? &p->blocks[z->next_fill] : NULL;

    s->planned = -1; /* chosen from the bytes, as without a plan */
    if (c && c->len == s->in_len) {
        s->planned = c->stored;
        s->crc = c->crc;
    }
    pthread_mutex_lock(&z->mu);
    s->state = SLOT_READY;
    z->next_fill++;
    z->filling = 0;
    pthread_cond_signal(&z->cv_work);
    pthread_mutex_unlock(&z->mu);
}

/* The slot to fill, once the ring has room for it. */
static int acquire(tfa_pgzip *z, slot **out, tfa_error *err)
{
    int rc = 0;
    if (!z->filling) {
        while (rc == 0 && z->next_fill - z->next_emit >= z->n_slots)
            rc = emit_one(z, err);
        if (rc)
            return rc;
        slot_of(z, z->next_fill)->in_len = 0;
        z->filling = 1;
    }
    *out = slot_of(z, z->next_fill);
    return 0;
}

static int failed_again(tfa_pgzip *z, tfa_error *err)
{
    if (!err->status)
        tfa_error_set(err, z->status, "the compressed stream failed already");
    return z->status;
}

int tfa_pgzip_write(tfa_pgzip *z, const void *data, size_t len, tfa_error *err)
{
    const unsigned char *p = data;
    int rc;

    if (z->status)
        return failed_again(z, err);
    while (len) {
        slot *s;
        size_t n;
        if ((rc = acquire(z, &s, err)) != 0)
            return rc;
        n = z->block - s->in_len < len ? z->block - s->in_len : len;
        memcpy(s->in + s->in_len, p, n);
        s->in_len += n;
        p += n;
        len -= n;
        if (s->in_len == z->block) {
            submit(z);
            if ((rc = emit_ready(z, err)) != 0)
                return rc;
        }
    }
    return 0;
}

int tfa_pgzip_finish(tfa_pgzip *z, tfa_error *err)
{
    slot *s;
    int rc;

    if (z->status)
        return failed_again(z, err);
    /* the partial block, or the one empty member of an empty stream */
    if (z->filling || z->next_fill == 0) {
        if ((rc = acquire(z, &s, err)) != 0)
            return rc;
        submit(z);
    }
    while (z->next_emit < z->next_fill)
        if ((rc = emit_one(z, err)) != 0)
            return rc;
    return 0;
}

void tfa_pgzip_free(tfa_pgzip *z)
{
    size_t i;
    if (!z)
        return;
    pthread_mutex_lock(&z->mu);
    z->closing = 1;
    pthread_cond_broadcast(&z->cv_work);
    pthread_mutex_unlock(&z->mu);
    for (i = 0; i < z->n_workers; i++) {
        if (z->workers[i].started)
            pthread_join(z->workers[i].thread, NULL);
        libdeflate_free_compressor(z->workers[i].c);
        libdeflate_free_compressor(z->workers[i].probe);
    }
    for (i = 0; z->slots && i < z->n_slots; i++) {
        tfa_free(z->slots[i].in);
        tfa_free(z->slots[i].out);
    }
    tfa_free(z->slots);
    tfa_free(z->workers);
    pthread_cond_destroy(&z->cv_work);
    pthread_cond_destroy(&z->cv_done);
    pthread_mutex_destroy(&z->mu);
    tfa_free(z);
}

void tfa_pgzip_plan_release(tfa_pgzip_plan *plan)
{
    tfa_free(plan->blocks);
    memset(plan, 0, sizeof(*plan));
}
