/*
 * check_utc.c - the one time module (util/utc.h): every form --now, --since,
 * TFAUDIT_NOW, waiver expiries and the ledger's records are read in, and the
 * formats records and reports are written in.
 */
#include "util/compat.h"

#include "testsupport.h"
#include "util/utc.h"

START_TEST(utc_formats)
{
    char iso[TFA_UTC_ISO_SIZE], compact[TFA_UTC_COMPACT_SIZE], date[TFA_UTC_DATE_SIZE];

    tfa_utc_format_iso(0, iso);
    ck_assert_str_eq(iso, "1970-01-01T00:00:00Z");
    tfa_utc_format_iso(1740823200, iso);
    ck_assert_str_eq(iso, "2025-03-01T10:00:00Z");
    tfa_utc_format_compact(1740823200, compact);
    ck_assert_str_eq(compact, "20250301T100000Z");
    tfa_utc_format_iso(951782400, iso); /* leap day of a /400 year */
    ck_assert_str_eq(iso, "2000-02-29T00:00:00Z");
    tfa_utc_format_iso(-1, iso);
    ck_assert_str_eq(iso, "1969-12-31T23:59:59Z");
    tfa_utc_format_iso(INT64_MAX, iso); /* clamped to what four digits show */
    ck_assert_str_eq(iso, "9999-12-31T23:59:59Z");
    tfa_utc_format_iso(INT64_MIN, iso);
    ck_assert_str_eq(iso, "0000-01-01T00:00:00Z");
    tfa_utc_format_date(20240, date);
    ck_assert_str_eq(date, "2025-06-01");
    ck_assert_int_eq(tfa_utc_day(-1), -1);
    ck_assert_int_eq(tfa_utc_day(86399), 0);
    ck_assert_int_eq(tfa_utc_day(86400), 1);
}
END_TEST

/* Every accepted form of one instant, 2025-06-01T12:34:56Z = 1748781296. */
static const char *const same_instant[] = {
    "2025-06-01T12:34:56Z",      "2025-06-01t12:34:56z",      "2025-06-01 12:34:56Z",
    "2025-06-01T12:34:56",       "2025-06-01 12:34:56",       "2025-06-01T12:34:56.999Z",
    "2025-06-01T12:34:56.5",     "2025-06-01T14:34:56+02:00", "2025-06-01T07:04:56-05:30",
    "2025-06-01T12:34:56+00:00", "2025-06-01T12:34:56-00:00", "2025-06-02T00:34:56+12:00",
};

START_TEST(utc_parses_every_form)
{
    tfa_error err;
    int64_t t = 0;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_utc_parse(&t, same_instant[_i], &err), &err);
    ck_assert_int_eq(t, 1748781296);
}
END_TEST

static const char *const refused[] = {
    "",
    "yesterday",
    "2025-02-29",           /* not a leap year */
    "2025-06-31",           /* June has 30 days */
    "2025-13-01",           /* month */
    "2025-6-01",            /* two-digit month */
    "2025-06-01T10:00",     /* seconds are required */
    "2025-06-01T24:00:00Z", /* hour */
    "2025-06-01T10:60:00Z", /* minute */
    "2025-06-01T10:00:61Z", /* second (60 is a leap second) */
    "2025-06-01T10:00:00.Z",
    "2025-06-01T10:00:00+02",
    "2025-06-01T10:00:00+0200",
    "2025-06-01T10:00:00+24:00",
    "2025-06-01T10:00:00Z ",
    "2025-06-01T",
    "2025-06-01X10:00:00Z",
    "1748781296",
    "@1748781296",
};

START_TEST(utc_refuses_the_rest)
{
    tfa_error err;
    int64_t t = 42;
    char want[TFA_ERROR_MESSAGE_MAX];

    tfa_error_init(&err);
    ck_assert_int_eq(tfa_utc_parse(&t, refused[_i], &err), TFA_EINPUT);
    ck_assert_int_eq(t, 42);
    snprintf(want, sizeof(want), "invalid time '%s' (use %s)", refused[_i], TFA_UTC_FORMS);
    ck_assert_str_eq(err.message, want);
    /* without an error to fill the status is the same */
    ck_assert_int_eq(tfa_utc_parse(&t, refused[_i], NULL), TFA_EINPUT);
}
END_TEST

START_TEST(utc_leap_second_and_date_only)
{
    int64_t t = 0;

    ck_assert_int_eq(tfa_utc_parse(&t, "2016-12-31T23:59:60Z", NULL), 0);
    ck_assert_int_eq(t, 1483228800); /* counts as 2017-01-01T00:00:00Z */
    ck_assert_int_eq(tfa_utc_parse(&t, "2025-03-01", NULL), 0);
    ck_assert_int_eq(t, 1740787200);
    ck_assert_int_eq(tfa_utc_parse(&t, "2000-02-29 00:00:00", NULL), 0);
    ck_assert_int_eq(t, 951782400);
    ck_assert_int_eq(tfa_utc_parse(&t, "1969-12-31T23:59:59Z", NULL), 0);
    ck_assert_int_eq(t, -1);
}
END_TEST

START_TEST(utc_parses_dates_of_a_given_length)
{
    long d = 7;

    ck_assert_int_eq(tfa_utc_parse_date("1970-01-01", 10, &d), 0);
    ck_assert_int_eq(d, 0);
    ck_assert_int_eq(tfa_utc_parse_date("2024-02-29 and more", 10, &d), 0);
    ck_assert_int_eq(d, 19782);
    ck_assert_int_ne(tfa_utc_parse_date("2025-02-29", 10, &d), 0);
    ck_assert_int_ne(tfa_utc_parse_date("2025-13-01", 10, &d), 0);
    ck_assert_int_ne(tfa_utc_parse_date("2025-1-01", 9, &d), 0);
    ck_assert_int_ne(tfa_utc_parse_date("2025-01-01", 9, &d), 0);
    ck_assert_int_ne(tfa_utc_parse_date("2025-01-01T", 11, &d), 0);
}
END_TEST

START_TEST(utc_round_trips_every_day_for_800_years)
{
    char iso[TFA_UTC_ISO_SIZE];
    int64_t t, back = 0;
    tfa_error err;

    tfa_error_init(&err);
    for (t = -5364662400LL; t < 20000000000LL; t += 86400 + 3661) {
        tfa_utc_format_iso(t, iso);
        ck_assert_tfa_ok(tfa_utc_parse(&back, iso, &err), &err);
        ck_assert_int_eq(back, t);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("utc");
    TCase *tc = tcase_create("utc");

    tcase_add_test(tc, utc_formats);
    tcase_add_loop_test(tc, utc_parses_every_form, 0, (int)TFA_ARRAY_SIZE(same_instant));
    tcase_add_loop_test(tc, utc_refuses_the_rest, 0, (int)TFA_ARRAY_SIZE(refused));
    tcase_add_test(tc, utc_leap_second_and_date_only);
    tcase_add_test(tc, utc_parses_dates_of_a_given_length);
    tcase_add_test(tc, utc_round_trips_every_day_for_800_years);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
