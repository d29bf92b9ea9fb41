/*
 * date.c - civil dates <-> day numbers (see date.h), after Howard Hinnant's
 * days_from_civil / civil_from_days algorithms (public domain).
 */
#include "util/compat.h"

#include "date.h"
#include "util/error.h"

#define SECONDS_PER_DAY 86400

static long days_from_civil(long y, unsigned m, unsigned d)
{
    long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
    long era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long)yoe + era * 400 + (*m <= 2);
}

/* n digits at s as a number, or -1. */
static long digits(const char *s, size_t n)
{
    long v = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int tfa_date_parse(const char *s, size_t len, long *day)
{
    long y, m, d, check_y;
    unsigned cm, cd;

    if (len != 10 || s[4] != '-' || s[7] != '-')
        return TFA_EINPUT;
    y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31)
        return TFA_EINPUT;
    *day = days_from_civil(y, (unsigned)m, (unsigned)d);
    /* round trip rejects 2025-02-30 and friends */
    civil_from_days(*day, &check_y, &cm, &cd);
    return check_y == y && cm == (unsigned)m && cd == (unsigned)d ? 0 : TFA_EINPUT;
}

int tfa_time_parse(const char *s, int64_t *out)
{
    size_t len = strlen(s);
    long day, h, mi, se;

    if (len < 10 || tfa_date_parse(s, 10, &day) != 0)
        return TFA_EINPUT;
    if (len == 10) {
        *out = (int64_t)day * SECONDS_PER_DAY;
        return 0;
    }
    if (len != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return TFA_EINPUT;
    h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
        return TFA_EINPUT;
    *out = (int64_t)day * SECONDS_PER_DAY + h * 3600 + mi * 60 + se;
    return 0;
}

long tfa_time_day(int64_t t)
{
    int64_t d = t / SECONDS_PER_DAY;
    if (t % SECONDS_PER_DAY < 0)
        d--;
    return (long)d;
}

void tfa_date_format(long day, char out[TFA_DATE_BUF])
{
    long y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999;
    snprintf(out, TFA_DATE_BUF, "%04ld-%02u-%02u", y, m % 100, d % 100);
}

void tfa_time_format(int64_t t, char out[TFA_TIME_BUF])
{
    long day = tfa_time_day(t);
    int64_t rem = t - (int64_t)day * SECONDS_PER_DAY;
    char date[TFA_DATE_BUF];

    tfa_date_format(day, date);
    /* rem is in [0, 86400): the modulos only tell the compiler the widths */
    snprintf(out, TFA_TIME_BUF, "%.10sT%02u:%02u:%02uZ", date, (unsigned)(rem / 3600) % 24u,
             (unsigned)(rem % 3600 / 60) % 60u, (unsigned)(rem % 60) % 60u);
}
