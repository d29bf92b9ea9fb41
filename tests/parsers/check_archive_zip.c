/*
 * check_archive_zip.c - a zip is read only when its central directory (what
 * `unzip` and every seeking tool read) lists the entries stored in order
 * before it (what the streaming reader reads), and nothing but zero padding
 * follows its end record. Zips are written here with libarchive's writer,
 * from the fixtures in fixtures/archive/, then edited byte by byte as a
 * hostile writer would (APPNOTE.TXT 4.3).
 */
#include "util/compat.h"

#include <archive.h>
#include <archive_entry.h>

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

static void expect_refused(const char *name, const zip *z, const char *message)
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

static void expect_read(const char *name, const zip *z, size_t inputs)
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

    expect_read("ok.zip", &z, 2);
    /* a comment, holding the end record's signature */
    put16(z.b + z.len - 2, sizeof(comment) - 1);
    memcpy(z.b + z.len, comment, sizeof(comment) - 1);
    z.len += sizeof(comment) - 1;
    expect_read("comment.zip", &z, 2);
    /* zero padding after the end */
    memset(z.b + z.len, 0, 16);
    z.len += 16;
    expect_read("padded.zip", &z, 2);
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
    expect_refused("hidden.zip", &z,
                   "its central directory does not end where its end record starts: other bytes "
                   "lie between them, or before its first entry");
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
    expect_refused("unlisted.zip", &z,
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
    expect_refused("appended.zip", &z, msg);
    /* without an end record at all */
    z.len -= 20 + 22;
    expect_refused("cut.zip", &z, "zip without an end of central directory record");
    free(z.b);
}
END_TEST

/* Zip64: the end record says 0xFFFF and the count is in the zip64 end
 * record, right before its locator, right before the end record. */
START_TEST(zip_reads_the_zip64_count)
{
    zip z = two_entry_zip(76);
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
    expect_read("zip64.zip", &z, 2);
    rec[32] = 3; /* the zip64 record's count, now wrong */
    expect_refused("zip64.zip", &z,
                   "its central directory lists 3 entries, but 2 are stored in order before it: "
                   "a tool reading the directory would see other members");
    free(z.b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("archive_zip");
    TCase *tc = tcase_create("zip");
    tcase_add_checked_fixture(tc, load_fixtures, free_fixtures);
    tcase_add_test(tc, zip_reads_what_its_directory_lists);
    tcase_add_test(tc, zip_refuses_an_entry_only_its_directory_shows);
    tcase_add_test(tc, zip_refuses_an_entry_its_directory_leaves_out);
    tcase_add_test(tc, zip_refuses_data_after_its_end);
    tcase_add_test(tc, zip_reads_the_zip64_count);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
