/*
 * check_arena.c - the arena (util/arena.h): sizes near SIZE_MAX are refused
 * instead of rounding around to a few bytes, and the arena stays usable.
 */
#include "util/compat.h"

#include "testsupport.h"
#include "util/arena.h"

START_TEST(arena_refuses_sizes_that_would_wrap)
{
    tfa_arena *a = NULL;
    size_t k;
    char *p;

    ck_assert_int_eq(tfa_arena_new(&a), 0);
    /* every size within a header and an alignment of SIZE_MAX: before the
     * fix these rounded up to 0 (or a few) bytes and were handed out */
    for (k = 0; k < 32; k++)
        ck_assert_msg(tfa_arena_alloc(a, SIZE_MAX - k) == NULL, "SIZE_MAX - %zu", k);
    ck_assert_ptr_null(tfa_arena_calloc(a, SIZE_MAX / 2 + 1, 2));
    ck_assert_ptr_null(tfa_arena_calloc(a, 1, SIZE_MAX - 3));
    ck_assert_ptr_null(tfa_arena_strndup(a, "x", SIZE_MAX)); /* len + 1 wraps; s is not read */
    ck_assert_uint_eq(tfa_arena_used(a), 0);

    /* and it still works: aligned, usable, counted */
    p = tfa_arena_alloc(a, 3);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % _Alignof(max_align_t), 0);
    memcpy(p, "ab", 3);
    p = tfa_arena_alloc(a, 100000); /* a block of its own */
    ck_assert_ptr_nonnull(p);
    memset(p, 0x5a, 100000);
    ck_assert_str_eq(tfa_arena_strndup(a, "hello world", 5), "hello");
    ck_assert_uint_ge(tfa_arena_used(a), 100000 + 3 + 6);
    tfa_arena_free(a);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("arena");

    tcase_add_test(tc, arena_refuses_sizes_that_would_wrap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
