/*
 * check_archive_tail.c - what follows an archive's last member is read or
 * refused, never ignored: tar archives put one after the other are read
 * whole (the guards counting the zeros between them), bytes after a
 * compressed stream's end (a file appended to a .tar.gz) are an error unless
 * they are zero padding, and a zip is read only when its central directory
 * (what `unzip` and every seeking tool read) lists the entries stored in
 * order before it (what the streaming reader reads). Archives are built here
 * with libarchive's writer from the fixtures in fixtures/archive/, joined as
 * `cat` joins them, and zips edited byte by byte as a hostile writer would
 * (APPNOTE.TXT 4.3).
 */
#include "util/compat.h"

#include <archive.h>
#include <archive_entry.h>

#include "input.h"
#include "testsupport.h"
#include "util/alloc.h"

static char *plan, *state;
static size_t plan_len, state_len;

static void load_fixtures(void)
{
    plan = tfa_test_read_file("fixtures/archive/plan.json", &plan_len);
    state = tfa_test_read_file("fixtures/archive/state.json", &state_len);
    ck_assert_msg(plan && state, "fixtures/archive/ is missing");
}

static void free_fixtures(void)
{
    free(plan), free(state);
}

/* a + b, as `cat a b` writes them; frees both. */
static char *join(char *a, size_t a_len, const char *b, size_t b_len, size_t *len)
{
    char *out = malloc(a_len + b_len + 1);
    ck_assert_ptr_nonnull(out);
    memcpy(out, a, a_len);
    memcpy(out + a_len, b, b_len);
    *len = a_len + b_len;
    free(a);
    return out;
}

/* The plan archived as `format` behind `filter`, then `tail` appended. */
static char *plan_then(int format, int filter, const char *tail, size_t tail_len, size_t *len)
{
    tfa_test_member m[] = {{"plan.json", plan, plan_len, 0, NULL}};
    size_t n;
    char *a = tfa_test_archive(format, filter, m, 1, &n);

    ck_assert_ptr_nonnull(a);
    return join(a, n, tail, tail_len, len);
}

/* Two archives in `filter`, one member each, joined: the plan first, then
 * the state. */
static char *two_archives(int filter, size_t *len)
{
    tfa_test_member m1[] = {{"plan.json", plan, plan_len, 0, NULL}};
    tfa_test_member m2[] = {{"logs/state.json", state, state_len, 0, NULL}};
    size_t l1, l2;
    char *a = tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, filter, m1, 1, &l1);
    char *b = tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, filter, m2, 1, &l2);
    char *out;

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    out = join(a, l1, b, l2, len);
    free(b);
    return out;
}

static const struct {
    int filter;
    const char *name;
} joined[] = {
    {ARCHIVE_FILTER_NONE, "two.tar"},      /* cat a.tar b.tar */
    {ARCHIVE_FILTER_GZIP, "two.tar.gz"},   /* cat a.tar.gz b.tar.gz: two gzip members */
    {ARCHIVE_FILTER_BZIP2, "two.tar.bz2"}, /* cat a.tar.bz2 b.tar.bz2: two bzip2 streams */
};

/* Before, reading stopped at the first end-of-archive marker: the state
 * after it was neither read nor reported, and a destroying plan appended to
 * a clean run's archive went unseen. */
START_TEST(archive_reads_tar_archives_joined_one_after_the_other)
{
    tfa_run *run = NULL;
    tfa_error err;
    char p1[64], p2[64];
    size_t len;
    char *ar = two_archives(joined[_i].filter, &len);

    tfa_error_init(&err);
    snprintf(p1, sizeof(p1), "%s!plan.json", joined[_i].name);
    snprintf(p2, sizeof(p2), "%s!logs/state.json", joined[_i].name);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, joined[_i].name, ar, len, TFA_KIND_UNKNOWN, &err),
                     &err);
    ck_assert_uint_eq(tfa_run_input_count(run), 2);
    ck_assert_str_eq(tfa_run_input(run, 0)->path, p1);
    ck_assert_str_eq(tfa_run_input(run, 1)->path, p2);
    ck_assert_int_eq(tfa_run_input(run, 1)->kind, TFA_KIND_STATE);
    tfa_run_free(run);
    free(ar);
}
END_TEST

static void expect_refused(const char *name, const char *data, size_t len, const char *message)
{
    tfa_run *run = NULL;
    tfa_error err;
    int rc;

    tfa_error_init(&err);
    rc = tfa_test_load_mem(&run, name, data, len, TFA_KIND_UNKNOWN, &err);

    ck_assert_msg(rc == TFA_EINPUT, "%s: status %d (%s)", name, rc, err.message);
    ck_assert_str_eq(err.source, name);
    ck_assert_str_eq(err.message, message);
    tfa_run_free(run);
}

/* gzip and GNU tar refuse trailing garbage ("decompression OK, trailing
 * garbage ignored", exit 2); libarchive would stop at the stream's end. */
START_TEST(archive_refuses_bytes_after_the_compressed_stream)
{
    static const char junk[] = "Error: apply failed\n";
    tfa_test_member s[] = {{"state.json", state, state_len, 0, NULL}};
    size_t st_len, i;
    char *st =
        tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, s, 1, &st_len);
    const struct {
        int format;
        const char *tail;
        size_t tail_len;
        const char *name;
    } cases[] = {
        {ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, junk, sizeof(junk) - 1, "run.tar.gz"},
        /* an uncompressed tar appended to a .tar.gz is not a gzip member */
        {ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, st, st_len, "run.tar.gz"},
        /* a single compressed file too */
        {ARCHIVE_FORMAT_RAW, junk, sizeof(junk) - 1, "plan.json.gz"},
    };

    ck_assert_ptr_nonnull(st);
    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++) {
        char msg[128];
        size_t len;
        char *ar =
            plan_then(cases[i].format, ARCHIVE_FILTER_GZIP, cases[i].tail, cases[i].tail_len, &len);
        snprintf(msg, sizeof(msg),
                 "data after the end of the archive at byte %zu (something appended to it?)",
                 len - cases[i].tail_len);
        expect_refused(cases[i].name, ar, len, msg);
        free(ar);
    }
    free(st);
}
END_TEST

/* Zeros after the end are blocking padding (tapes, `tar -b`), as gzip and
 * tar take them; an uncompressed tar's trailing garbage is a damaged
 * header. */
START_TEST(archive_takes_zero_padding_and_refuses_other_tails)
{
    char *zeros = calloc(1, 300000); /* more than one of the reader's chunks */
    tfa_run *run = NULL;
    tfa_error err;
    size_t len;
    char *ar;

    ck_assert_ptr_nonnull(zeros);
    tfa_error_init(&err);
    ar = plan_then(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, zeros, 300000, &len);
    ck_assert_tfa_ok(tfa_test_load_mem(&run, "pad.tar.gz", ar, len, TFA_KIND_UNKNOWN, &err), &err);
    ck_assert_uint_eq(tfa_run_input_count(run), 1);
    tfa_run_free(run);
    /* one byte that is not zero, far into the padding */
    ar[len - 1] = 'x';
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_test_load_mem(&run, "pad.tar.gz", ar, len, TFA_KIND_UNKNOWN, &err),
                     TFA_EINPUT);
    ck_assert_msg(strstr(err.message, "data after the end of the archive") != NULL, "%s",
                  err.message);
    tfa_run_free(run);
    free(ar);
    ar = plan_then(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, zeros, 512, &len);
    memcpy(ar + len - 512, "not a tar header", 16);
    expect_refused("junk.tar", ar, len,
                   "cannot read archive after member 'plan.json': damaged tar archive");
    free(ar), free(zeros);
}
END_TEST

/* The tar of the plan, then `zeros` zero bytes, gzipped as one stream:
 * past the end-of-archive marker, read through for a next archive. */
static char *plan_then_zeros_gz(size_t zeros, size_t *len)
{
    tfa_test_member m[] = {{"plan.json", plan, plan_len, 0, NULL}};
    tfa_test_member raw[1];
    size_t tar_len;
    char *tar =
        tfa_test_archive(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, m, 1, &tar_len);
    char *body, *gz;

    ck_assert_ptr_nonnull(tar);
    body = calloc(1, tar_len + zeros);
    ck_assert_ptr_nonnull(body);
    memcpy(body, tar, tar_len);
    raw[0] = (tfa_test_member){"data", body, tar_len + zeros, 0, NULL};
    gz = tfa_test_archive(ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_GZIP, raw, 1, len);
    ck_assert_ptr_nonnull(gz);
    free(tar), free(body);
    return gz;
}

static int load_limited(const char *name, const char *data, size_t len, const tfa_limits *lim,
                        tfa_error *err)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_stream *in = NULL;
    tfa_run *run = NULL;
    int rc;

    lo.limits = *lim;
    tfa_error_init(err);
    ck_assert_int_eq(tfa_run_new(&run), 0);
    rc = tfa_stream_open_memory(&in, name, data, len, err);
    if (rc == 0)
        rc = tfa_run_load_stream(run, in, &lo, err);
    tfa_stream_free(in);
    tfa_run_free(run);
    return rc;
}

/* Reading past the marker decompresses what follows it: the guards count
 * those bytes too, or a few megabytes of gzipped zeros after a tar would
 * keep the reader busy for minutes. */
START_TEST(archive_guards_count_the_zeros_after_the_end)
{
    tfa_limits lim = TFA_LIMITS_INIT;
    tfa_error err;
    size_t len;
    char *gz = plan_then_zeros_gz(16u << 20, &len);

    ck_assert_int_eq(load_limited("pad.tar.gz", gz, len, &lim, &err), 0);
    lim.archive_total_bytes = 4u << 20;
    lim.archive_ratio_min_bytes = 1u << 20;
    ck_assert_int_eq(load_limited("pad.tar.gz", gz, len, &lim, &err), TFA_ELIMIT);
    ck_assert_str_eq(err.source, "pad.tar.gz");
    ck_assert_str_eq(err.message, "archives decompress to more than 4 MiB (see --max-bytes)");
    lim = (tfa_limits)TFA_LIMITS_INIT;
    lim.archive_ratio = 50;
    lim.archive_ratio_min_bytes = 1u << 20;
    ck_assert_int_eq(load_limited("pad.tar.gz", gz, len, &lim, &err), TFA_ELIMIT);
    ck_assert_str_eq(err.message,
                     "compression ratio above 50:1, refusing a likely decompression bomb");
    free(gz);
}
END_TEST

/* ---- zip ---------------------------------------------------------------- */

static uint32_t get16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
    return get16(p) | get16(p + 2) << 16;
}

static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xFFFF), put16(p + 2, v >> 16);
}

/* A zip of the plan and the state, in that order; room for `extra` more
 * bytes. Its end record is the last 22 bytes (no comment). */
typedef struct zip {
    unsigned char *b;
    size_t len;
    size_t cd, cd_len; /* the central directory */
    size_t second;     /* the second entry's directory record, in the directory */
} zip;

static zip two_entry_zip(size_t extra)
{
    tfa_test_member m[] = {{"plan.json", plan, plan_len, 0, NULL},
                           {"logs/state.json", state, state_len, 0, NULL}};
    zip z;
    char *ar = tfa_test_archive(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, m, 2, &z.len);
    const unsigned char *end;

    ck_assert_ptr_nonnull(ar);
    z.b = realloc(ar, z.len + extra);
    ck_assert_ptr_nonnull(z.b);
    end = z.b + z.len - 22;
    ck_assert_uint_eq(get32(end), 0x06054b50);
    ck_assert_uint_eq(get16(end + 10), 2);
    z.cd = get32(end + 16);
    z.cd_len = get32(end + 12);
    /* the first record: 46 bytes, then name, extra field and comment */
    z.second = 46 + get16(z.b + z.cd + 28) + get16(z.b + z.cd + 30) + get16(z.b + z.cd + 32);
    return z;
}

static void expect_zip_refused(const char *name, const zip *z, const char *message)
{
    tfa_run *run = NULL;
    tfa_error err;
    int rc;

    tfa_error_init(&err);
    rc = tfa_test_load_mem(&run, name, (const char *)z->b, z->len, TFA_KIND_UNKNOWN, &err);
    ck_assert_msg(rc == TFA_EINPUT, "%s: status %d (%s)", name, rc, err.message);
    ck_assert_str_eq(err.source, name);
    ck_assert_str_eq(err.message, message);
    tfa_run_free(run);
}

static void expect_zip_read(const char *name, const zip *z, size_t inputs)
{
    tfa_run *run = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(
        tfa_test_load_mem(&run, name, (const char *)z->b, z->len, TFA_KIND_UNKNOWN, &err), &err);
    ck_assert_uint_eq(tfa_run_input_count(run), inputs);
    tfa_run_free(run);
}

START_TEST(zip_reads_what_its_directory_lists)
{
    zip z = two_entry_zip(64);
    static const char comment[] = "built by CI; PK\x05\x06 is not a record";

    expect_zip_read("ok.zip", &z, 2);
    /* a comment, holding the end record's signature */
    put16(z.b + z.len - 2, sizeof(comment) - 1);
    memcpy(z.b + z.len, comment, sizeof(comment) - 1);
    z.len += sizeof(comment) - 1;
    expect_zip_read("comment.zip", &z, 2);
    /* zero padding after the end */
    memset(z.b + z.len, 0, 16);
    z.len += 16;
    expect_zip_read("padded.zip", &z, 2);
    free(z.b);
}
END_TEST

/* The second entry's local header and data moved after the directory, its
 * directory record pointing there: `unzip` lists both, the streaming
 * reader finds one, and a GO would stand on the first alone. */
START_TEST(zip_refuses_an_entry_only_its_directory_shows)
{
    zip z = two_entry_zip(0);
    size_t second = get32(z.b + z.cd + z.second + 42), moved = z.cd - second;
    unsigned char *out = malloc(z.len);

    ck_assert_ptr_nonnull(out);
    memcpy(out, z.b, second);
    memcpy(out + second, z.b + z.cd, z.cd_len);
    memcpy(out + second + z.cd_len, z.b + second, moved);
    memcpy(out + second + z.cd_len + moved, z.b + z.len - 22, 22);
    put32(out + second + z.second + 42, (uint32_t)(second + z.cd_len));
    put32(out + z.len - 22 + 16, (uint32_t)second);
    free(z.b);
    z.b = out;
    expect_zip_refused(
        "hidden.zip", &z,
        "the zip's central directory lists \"logs/state.json\" (record at byte 799), an "
        "entry the archive does not store in order before it");
    free(z.b);
}
END_TEST

/* The reverse: the directory leaves the second entry out. */
START_TEST(zip_refuses_an_entry_its_directory_leaves_out)
{
    zip z = two_entry_zip(0);
    size_t rec = z.cd_len - z.second;

    memmove(z.b + z.cd + z.second, z.b + z.cd + z.cd_len, 22);
    z.len -= rec;
    put16(z.b + z.len - 22 + 8, 1);
    put16(z.b + z.len - 22 + 10, 1);
    put32(z.b + z.len - 22 + 12, (uint32_t)z.second);
    expect_zip_refused(
        "unlisted.zip", &z,
        "its central directory lists 1 entries, but 2 are stored in order before it: "
        "a tool reading the directory would see other members");
    free(z.b);
}
END_TEST

START_TEST(zip_refuses_data_after_its_end)
{
    zip z = two_entry_zip(64);
    char msg[128];

    memcpy(z.b + z.len, "Error: apply failed\n", 20);
    snprintf(msg, sizeof(msg),
             "data after the end of the archive at byte %zu (something appended to it?)", z.len);
    z.len += 20;
    expect_zip_refused("appended.zip", &z, msg);
    /* without an end record at all */
    z.len -= 20 + 22;
    snprintf(msg, sizeof(msg), "the zip ends inside its central directory at byte %zu", z.len);
    expect_zip_refused("cut.zip", &z, msg);
    free(z.b);
}
END_TEST

/* Zip64: the end record says 0xFFFF and the count is in the zip64 end
 * record, right before its locator, right before the end record. */
START_TEST(zip_reads_the_zip64_count)
{
    zip z = two_entry_zip(76);
    char msg[128];
    unsigned char *end = z.b + z.len - 22, *rec = end, *loc = end + 56;

    memmove(end + 76, end, 22);
    memset(rec, 0, 76);
    put32(rec, 0x06064b50);
    put32(rec + 4, 44);       /* the record's size after this field */
    rec[24] = 2, rec[32] = 2; /* entries on this disk, in all */
    put32(rec + 40, (uint32_t)z.cd_len), put32(rec + 48, (uint32_t)z.cd); /* size, offset */
    put32(loc, 0x07064b50);
    put32(loc + 8, (uint32_t)(rec - z.b));
    put32(loc + 16, 1);
    z.len += 76;
    end = z.b + z.len - 22;
    put16(end + 8, 0xFFFF), put16(end + 10, 0xFFFF);
    expect_zip_read("zip64.zip", &z, 2);
    rec[32] = 3; /* the zip64 record's count, now wrong */
    snprintf(msg, sizeof(msg),
             "the zip's zip64 end record at byte %zu does not describe its central directory",
             (size_t)(rec - z.b));
    expect_zip_refused("zip64.zip", &z, msg);
    free(z.b);
}
END_TEST

/* ---- zips written byte by byte (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16) ------ */

/* CRC-32 as zip stores it: libarchive checks stored entries against it. */
static uint32_t crc32_of(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;

    for (i = 0; i < len; i++)
        for (c ^= p[i], k = 0; k < 8; k++)
            c = c >> 1 ^ (0xEDB88320u & (0u - (c & 1u)));
    return ~c;
}

/* A zip built in a buffer of fixed room. */
typedef struct hand_zip {
    unsigned char *b;
    size_t len, cap;
} hand_zip;

static unsigned char *hz_grow(hand_zip *z, size_t n)
{
    unsigned char *p;

    if (z->len + n > z->cap) {
        z->cap = (z->len + n) * 2;
        z->b = realloc(z->b, z->cap);
        ck_assert_ptr_nonnull(z->b);
    }
    p = z->b + z->len;
    memset(p, 0, n);
    z->len += n;
    return p;
}

static void hz_put(hand_zip *z, const void *p, size_t n)
{
    if (n)
        memcpy(hz_grow(z, n), p, n);
}

/* A stored entry's local header and data; returns its offset. */
static size_t hz_local(hand_zip *z, const char *name, const void *data, size_t len)
{
    size_t at = z->len;
    unsigned char *h = hz_grow(z, 30);

    put32(h, 0x04034b50), put16(h + 4, 20);
    put32(h + 14, crc32_of(data, len)), put32(h + 18, (uint32_t)len), put32(h + 22, (uint32_t)len);
    put16(h + 26, (uint32_t)strlen(name));
    hz_put(z, name, strlen(name));
    hz_put(z, data, len);
    return at;
}

/* Its central directory record; `zip64` puts the sizes and the offset in a
 * zip64 extra field (4.5.3), as writers do past 4 GiB. */
static void hz_central(hand_zip *z, const char *name, const void *data, size_t len, size_t at,
                       int zip64)
{
    unsigned char *h = hz_grow(z, 46), *x;
    size_t i;

    put32(h, 0x02014b50), put16(h + 4, 20), put16(h + 6, zip64 ? 45 : 20);
    put32(h + 16, crc32_of(data, len));
    put32(h + 20, zip64 ? 0xFFFFFFFFu : (uint32_t)len);
    put32(h + 24, zip64 ? 0xFFFFFFFFu : (uint32_t)len);
    put16(h + 28, (uint32_t)strlen(name)), put16(h + 30, zip64 ? 28 : 0);
    put32(h + 38, name[strlen(name) - 1] == '/' ? 0x10 : 0);
    put32(h + 42, zip64 ? 0xFFFFFFFFu : (uint32_t)at);
    hz_put(z, name, strlen(name));
    if (!zip64)
        return;
    x = hz_grow(z, 28);
    put16(x, 1), put16(x + 2, 24);
    for (i = 0; i < 2; i++)
        put32(x + 4 + 8 * i, (uint32_t)len);
    put32(x + 20, (uint32_t)at);
}

static void hz_end(hand_zip *z, size_t entries, size_t cd)
{
    unsigned char *e;
    size_t cd_len = z->len - cd;

    e = hz_grow(z, 22);
    put32(e, 0x06054b50), put16(e + 8, (uint32_t)entries), put16(e + 10, (uint32_t)entries);
    put32(e + 12, (uint32_t)cd_len), put32(e + 16, (uint32_t)cd);
}

static void expect_hand_zip_refused(const char *name, hand_zip *z, const char *message)
{
    zip view = {z->b, z->len, 0, 0, 0};
    expect_zip_refused(name, &view, message);
}

/*
 * The embedded-entry attack: the streaming reader meets the plan and a
 * directory entry whose stored data holds a whole local entry of another
 * "plan.json"; the central directory lists two entries, as many as the
 * stream holds, but its "plan.json" points at the embedded one. `unzip -p`
 * extracts the state (standing for a destroying plan), tfaudit read the
 * plan: before the directory was read record by record this was a GO.
 */
START_TEST(zip_refuses_an_entry_embedded_in_another)
{
    hand_zip inner = {NULL, 0, 0}, z = {NULL, 0, 0};
    size_t first, docs, cd;
    char msg[256];

    hz_local(&inner, "plan.json", state, state_len);
    first = hz_local(&z, "plan.json", plan, plan_len);
    docs = hz_local(&z, "docs/", inner.b, inner.len);
    cd = z.len;
    hz_central(&z, "plan.json", state, state_len, docs + 30 + 5, 0);
    hz_central(&z, "docs/", "", 0, docs, 0);
    hz_end(&z, 2, cd);
    snprintf(msg, sizeof(msg),
             "the zip's central directory lists \"plan.json\" at byte %zu, which the archive's "
             "entries do not have there (its entry starts at byte %zu)",
             docs + 35, first);
    expect_hand_zip_refused("embedded.zip", &z, msg);
    free(inner.b), free(z.b);
}
END_TEST

/* The same two entries, listed truly, in zip64 records: read. */
START_TEST(zip_reads_zip64_directory_records)
{
    hand_zip z = {NULL, 0, 0};
    size_t a, b, cd;
    tfa_run *run = NULL;
    tfa_error err;
    char msg[256];

    a = hz_local(&z, "plan.json", plan, plan_len);
    b = hz_local(&z, "logs/state.json", state, state_len);
    cd = z.len;
    hz_central(&z, "plan.json", plan, plan_len, a, 1);
    hz_central(&z, "logs/state.json", state, state_len, b, 1);
    hz_end(&z, 2, cd);
    tfa_error_init(&err);
    ck_assert_tfa_ok(
        tfa_test_load_mem(&run, "zip64.zip", (const char *)z.b, z.len, TFA_KIND_UNKNOWN, &err),
        &err);
    ck_assert_uint_eq(tfa_run_input_count(run), 2);
    tfa_run_free(run);
    /* a zip64 offset that points elsewhere is still refused */
    put32(z.b + cd + 46 + 9 + 20, (uint32_t)b);
    snprintf(msg, sizeof(msg),
             "the zip's central directory lists \"plan.json\" at byte %zu, which the archive's "
             "entries do not have there (its entry starts at byte %zu)",
             b, a);
    expect_hand_zip_refused("zip64-moved.zip", &z, msg);
    free(z.b);
}
END_TEST

/* A directory that tells another story than the entries: another name,
 * the offsets of the two records swapped with their names, another size,
 * another CRC-32. */
START_TEST(zip_refuses_a_directory_that_differs)
{
    zip z = two_entry_zip(0);
    unsigned char *first = z.b + z.cd, *second = z.b + z.cd + z.second;
    uint32_t a = get32(first + 42), b = get32(second + 42), size = get32(first + 24), crc;
    char msg[256];

    second[46 + 14] = 'N'; /* "logs/state.jsoN" */
    expect_zip_refused("renamed.zip", &z,
                       "the zip's central directory lists \"logs/state.jsoN\" where the archive "
                       "stores \"logs/state.json\"");
    second[46 + 14] = 'n';
    put32(first + 42, b), put32(second + 42, a);
    snprintf(msg, sizeof(msg),
             "the zip's central directory lists \"plan.json\" at byte %u, which the archive's "
             "entries do not have there (its entry starts at byte %u)",
             b, a);
    expect_zip_refused("swapped.zip", &z, msg);
    put32(first + 42, a), put32(second + 42, b);
    put32(first + 24, size + 1);
    snprintf(msg, sizeof(msg),
             "the zip's central directory says \"plan.json\" holds %u bytes, but its entry holds "
             "%u",
             size + 1, size);
    expect_zip_refused("resized.zip", &z, msg);
    put32(first + 24, size);
    crc = get32(first + 16);
    put32(first + 16, crc ^ 1);
    snprintf(msg, sizeof(msg),
             "the zip's central directory gives \"plan.json\" CRC-32 %08lx, but its data's is "
             "%08lx",
             (unsigned long)(crc ^ 1), (unsigned long)crc);
    expect_zip_refused("crc.zip", &z, msg);
    free(z.b);
}
END_TEST

/* The records in the other order: the first names the second entry. */
START_TEST(zip_refuses_its_records_in_another_order)
{
    zip z = two_entry_zip(0);
    unsigned char *rec = malloc(z.cd_len);

    ck_assert_ptr_nonnull(rec);
    memcpy(rec, z.b + z.cd + z.second, z.cd_len - z.second);
    memcpy(rec + z.cd_len - z.second, z.b + z.cd, z.second);
    memcpy(z.b + z.cd, rec, z.cd_len);
    expect_zip_refused("reordered.zip", &z,
                       "the zip's central directory lists \"logs/state.json\" where the archive "
                       "stores \"plan.json\"");
    free(rec), free(z.b);
}
END_TEST

/* A directory of more than 64 KiB (many entries) is read as it comes. */
START_TEST(zip_reads_a_directory_larger_than_its_end_search)
{
    enum { DIRS = 1200 };
    tfa_test_member *m = calloc(DIRS + 1, sizeof(*m));
    char(*names)[128] = calloc(DIRS, sizeof(*names));
    size_t i, len;
    zip z;

    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(names);
    m[0].path = "plan.json", m[0].data = plan, m[0].len = plan_len;
    for (i = 0; i < DIRS; i++) {
        snprintf(names[i], sizeof(names[i]), "modules/%04zu/%0100d/", i, 0);
        m[i + 1].path = names[i], m[i + 1].type = AE_IFDIR;
    }
    z.b = (unsigned char *)tfa_test_archive(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, m, DIRS + 1,
                                            &len);
    ck_assert_ptr_nonnull(z.b);
    z.len = len;
    ck_assert_uint_gt(get32(z.b + z.len - 22 + 12), 128 * 1024); /* the directory's size */
    expect_zip_read("many.zip", &z, 1);
    free(z.b), free(m), free(names);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("archive_tail");
    TCase *tc = tcase_create("tail");
    tcase_add_checked_fixture(tc, load_fixtures, free_fixtures);
    tcase_add_loop_test(tc, archive_reads_tar_archives_joined_one_after_the_other, 0,
                        (int)TFA_ARRAY_SIZE(joined));
    tcase_add_test(tc, archive_refuses_bytes_after_the_compressed_stream);
    tcase_add_test(tc, archive_takes_zero_padding_and_refuses_other_tails);
    tcase_add_test(tc, archive_guards_count_the_zeros_after_the_end);
    suite_add_tcase(s, tc);
    tc = tcase_create("zip");
    tcase_add_checked_fixture(tc, load_fixtures, free_fixtures);
    tcase_add_test(tc, zip_reads_what_its_directory_lists);
    tcase_add_test(tc, zip_refuses_an_entry_only_its_directory_shows);
    tcase_add_test(tc, zip_refuses_an_entry_its_directory_leaves_out);
    tcase_add_test(tc, zip_refuses_data_after_its_end);
    tcase_add_test(tc, zip_reads_the_zip64_count);
    tcase_add_test(tc, zip_refuses_an_entry_embedded_in_another);
    tcase_add_test(tc, zip_reads_zip64_directory_records);
    tcase_add_test(tc, zip_refuses_a_directory_that_differs);
    tcase_add_test(tc, zip_refuses_its_records_in_another_order);
    tcase_add_test(tc, zip_reads_a_directory_larger_than_its_end_search);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
