/*
 * sha256.c - SHA-256 per FIPS 180-4, with an x86 SHA-NI block function
 * (Intel SHA Extensions, as in Intel's white paper "New Instructions
 * Supporting the Secure Hash Algorithm on Intel Architecture Processors").
 */
#include "compat.h"

#include "sha256.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TFA_HAVE_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#include <stdatomic.h>
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static inline uint32_t ror(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void blocks_portable(uint32_t st[8], const unsigned char *p, size_t n)
{
    uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
    int i;

    while (n--) {
        for (i = 0; i < 16; i++)
            w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
                   (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
        for (i = 16; i < 64; i++) {
            uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
        for (i = 0; i < 64; i++) {
            t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
            t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
        }
        st[0] += a, st[1] += b, st[2] += c, st[3] += d;
        st[4] += e, st[5] += f, st[6] += g, st[7] += h;
        p += 64;
    }
}

#ifdef TFA_HAVE_SHANI
/* Four rounds with message words `w`; with `next`/`prev` set, also derive the
 * schedule words four groups ahead (msg1 prepares, alignr+msg2 completes). */
__attribute__((target("sha,sse4.1"))) static void blocks_shani(uint32_t st[8],
                                                               const unsigned char *p, size_t n)
{
    const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bull, 0x0405060700010203ull);
    __m128i s0, s1, tmp, msg, w[4], abef, cdgh;
    int i;

    tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[0]), 0xB1); /* CDAB */
    s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[4]), 0x1B);  /* EFGH */
    s0 = _mm_alignr_epi8(tmp, s1, 8);                                        /* ABEF */
    s1 = _mm_blend_epi16(s1, tmp, 0xF0);                                     /* CDGH */

    while (n--) {
        abef = s0;
        cdgh = s1;
        /* unrolled, so w[] stays in registers and the round conditions
         * fold away: the loop form ran at ~1.25 GB/s, the input hash
         * every reader waits for */
#pragma GCC unroll 4
        for (i = 0; i < 4; i++)
            w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), mask);
#pragma GCC unroll 16
        for (i = 0; i < 16; i++) {
            __m128i *cur = &w[i & 3];
            msg = _mm_add_epi32(*cur, _mm_loadu_si128((const __m128i *)&K[4 * i]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
            if (i >= 3 && i <= 14) {
                __m128i *nx = &w[(i + 1) & 3];
                tmp = _mm_alignr_epi8(*cur, w[(i + 3) & 3], 4);
                *nx = _mm_sha256msg2_epu32(_mm_add_epi32(*nx, tmp), *cur);
            }
            msg = _mm_shuffle_epi32(msg, 0x0E);
            s0 = _mm_sha256rnds2_epu32(s0, s1, msg);
            if (i >= 1 && i <= 12)
                w[(i + 3) & 3] = _mm_sha256msg1_epu32(w[(i + 3) & 3], *cur);
        }
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
        p += 64;
    }

    tmp = _mm_shuffle_epi32(s0, 0x1B);   /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);    /* DCHG */
    s0 = _mm_blend_epi16(tmp, s1, 0xF0); /* DCBA */
    s1 = _mm_alignr_epi8(s1, tmp, 8);    /* ABEF */
    _mm_storeu_si128((__m128i *)&st[0], s0);
    _mm_storeu_si128((__m128i *)&st[4], s1);
}

static int probe_shani(void)
{
    unsigned a, b, c, d;
    if (getenv("TFA_SHA256_PORTABLE"))
        return 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1))
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b & (1u << 29)) != 0; /* CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29] */
}

/*
 * Probed once per process: cpuid traps to the hypervisor in a VM (tens of
 * microseconds), which made it 90% of the time of reading 100,000 tiny
 * archive members when every stream's init asked again. The cache is the
 * CPU's answer, not program state; racing first callers store the same value.
 */
static int cpu_has_shani(void)
{
    static atomic_int known; /* 0 unknown, 1 no, 2 yes */
    int v = atomic_load_explicit(&known, memory_order_relaxed);
    if (v == 0) {
        v = probe_shani() ? 2 : 1;
        atomic_store_explicit(&known, v, memory_order_relaxed);
    }
    return v == 2;
}
#endif

void tfa_sha256_init(tfa_sha256 *ctx)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(ctx->state, iv, sizeof(iv));
    ctx->total = 0;
    ctx->used = 0;
    ctx->blocks = blocks_portable;
#ifdef TFA_HAVE_SHANI
    if (cpu_has_shani())
        ctx->blocks = blocks_shani;
#endif
}

void tfa_sha256_update(tfa_sha256 *ctx, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t take;

    ctx->total += len;
    if (ctx->used) {
        take = 64 - ctx->used < len ? 64 - ctx->used : len;
        memcpy(ctx->block + ctx->used, p, take);
        ctx->used += take;
        p += take;
        len -= take;
        if (ctx->used < 64)
            return;
        ctx->blocks(ctx->state, ctx->block, 1);
        ctx->used = 0;
    }
    if (len >= 64) {
        ctx->blocks(ctx->state, p, len / 64);
        p += len & ~(size_t)63;
        len &= 63;
    }
    memcpy(ctx->block, p, len);
    ctx->used = len;
}

void tfa_sha256_final(tfa_sha256 *ctx, unsigned char out[TFA_SHA256_BYTES])
{
    uint64_t bits = ctx->total * 8;
    unsigned char pad[72];
    size_t padlen = (ctx->used < 56 ? 56 : 120) - ctx->used;
    int i;

    memset(pad, 0, sizeof(pad));
    pad[0] = 0x80;
    for (i = 0; i < 8; i++)
        pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
    tfa_sha256_update(ctx, pad, padlen + 8);
    for (i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(ctx->state[i] >> 24);
        out[4 * i + 1] = (unsigned char)(ctx->state[i] >> 16);
        out[4 * i + 2] = (unsigned char)(ctx->state[i] >> 8);
        out[4 * i + 3] = (unsigned char)ctx->state[i];
    }
}

void tfa_sha256_digest(const void *data, size_t len, unsigned char out[TFA_SHA256_BYTES])
{
    tfa_sha256 ctx;
    tfa_sha256_init(&ctx);
    tfa_sha256_update(&ctx, data, len);
    tfa_sha256_final(&ctx, out);
}

void tfa_sha256_hex(const unsigned char digest[TFA_SHA256_BYTES], char hex[TFA_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    int i;
    for (i = 0; i < TFA_SHA256_BYTES; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * TFA_SHA256_BYTES] = '\0';
}
