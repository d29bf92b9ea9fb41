/*
 * utc.c - UTC timestamps and dates (see utc.h).
 *
 * The civil-date arithmetic is Howard Hinnant's days_from_civil /
 * civil_from_days (public domain, howardhinnant.github.io/date_algorithms.html),
 * so the result does not depend on the C library's time zone state.
 */
#include "util/compat.h"

#include "util/utc.h"

#define SECS_PER_DAY 86400

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

typedef struct civil {
    int64_t year;
    unsigned month, day, hour, minute, second;
} civil;

static void civil_from_days(int64_t days, civil *c)
{
    int64_t era, doe, yoe, doy, mp;
    days += 719468;
    era = (days >= 0 ? days : days - 146096) / 146097;
    doe = days - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    c->day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    c->month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    c->year = yoe + era * 400 + (c->month <= 2);
}

/* Clamp to the four-digit years the formats can show. */
static int64_t clamp(int64_t t)
{
    const int64_t lo = -62167219200LL, hi = 253402300799LL; /* 0000-01-01 .. 9999-12-31 */
    return t < lo ? lo : t > hi ? hi : t;
}

long tfa_utc_day(int64_t t)
{
    int64_t d = t / SECS_PER_DAY;
    if (t % SECS_PER_DAY < 0)
        d--;
    return (long)d;
}

static void civil_from_time(int64_t t, civil *c)
{
    int64_t days = tfa_utc_day(clamp(t)), secs = clamp(t) - days * SECS_PER_DAY;
    civil_from_days(days, c);
    c->hour = (unsigned)(secs / 3600);
    c->minute = (unsigned)(secs / 60 % 60);
    c->second = (unsigned)(secs % 60);
}

void tfa_utc_format_iso(int64_t t, char out[TFA_UTC_ISO_SIZE])
{
    civil c;
    civil_from_time(t, &c);
    /* the modulos only tell the compiler the widths: the values are in range */
    snprintf(out, TFA_UTC_ISO_SIZE, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)c.year % 10000u,
             c.month % 100u, c.day % 100u, c.hour % 100u, c.minute % 100u, c.second % 100u);
}

void tfa_utc_format_compact(int64_t t, char out[TFA_UTC_COMPACT_SIZE])
{
    civil c;
    civil_from_time(t, &c);
    snprintf(out, TFA_UTC_COMPACT_SIZE, "%04u%02u%02uT%02u%02u%02uZ", (unsigned)c.year % 10000u,
             c.month % 100u, c.day % 100u, c.hour % 100u, c.minute % 100u, c.second % 100u);
}

void tfa_utc_format_date(long day, char out[TFA_UTC_DATE_SIZE])
{
    civil c;
    civil_from_time((int64_t)day * SECS_PER_DAY, &c);
    snprintf(out, TFA_UTC_DATE_SIZE, "%04u-%02u-%02u", (unsigned)c.year % 10000u, c.month % 100u,
             c.day % 100u);
}

/* `n` digits at *p into *v, advancing *p; 0 when they are not all digits. */
static int digits(const char **p, unsigned n, unsigned *v)
{
    unsigned i;
    *v = 0;
    for (i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return 0;
        *v = *v * 10 + (unsigned)((*p)[i] - '0');
    }
    *p += n;
    return 1;
}

static int expect(const char **p, char c)
{
    if (**p != c)
        return 0;
    (*p)++;
    return 1;
}

static unsigned month_days(unsigned y, unsigned m)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* "YYYY-MM-DD" at *p, advancing it; 0 when it is not a real date. */
static int date_at(const char **p, int64_t *day)
{
    unsigned y, mo, d;
    if (!(digits(p, 4, &y) && expect(p, '-') && digits(p, 2, &mo) && expect(p, '-') &&
          digits(p, 2, &d)))
        return 0;
    if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
        return 0;
    *day = days_from_civil(y, mo, d);
    return 1;
}

/* "[.frac](Z|+HH:MM|-HH:MM)?" at the end of a time: the offset east of UTC
 * in seconds, or 0 when the text is something else. */
static int zone_at(const char *p, int64_t *offset)
{
    unsigned oh, om;
    int sign;

    *offset = 0;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == '\0')
        return 1;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
        return 1;
    if (*p != '+' && *p != '-')
        return 0;
    sign = *p++ == '-' ? -1 : 1;
    if (!(digits(&p, 2, &oh) && expect(&p, ':') && digits(&p, 2, &om)) || *p || oh > 23 || om > 59)
        return 0;
    *offset = sign * (int64_t)(oh * 3600 + om * 60);
    return 1;
}

static int parse(const char *s, int64_t *out)
{
    const char *p = s;
    unsigned h, mi, sec;
    int64_t day, offset;

    if (!date_at(&p, &day))
        return 0;
    if (*p == '\0') {
        *out = day * SECS_PER_DAY;
        return 1;
    }
    if (*p != 'T' && *p != 't' && *p != ' ')
        return 0;
    p++;
    if (!(digits(&p, 2, &h) && expect(&p, ':') && digits(&p, 2, &mi) && expect(&p, ':') &&
          digits(&p, 2, &sec)) ||
        h > 23 || mi > 59 || sec > 60 || !zone_at(p, &offset))
        return 0;
    *out = day * SECS_PER_DAY + h * 3600 + mi * 60 + sec - offset;
    return 1;
}

int tfa_utc_parse(int64_t *out, const char *s, tfa_error *err)
{
    if (s && parse(s, out))
        return 0;
    return tfa_error_set(err, TFA_EINPUT, "invalid time '%s' (use " TFA_UTC_FORMS ")", s ? s : "");
}

int tfa_utc_parse_date(const char *s, size_t len, long *day)
{
    const char *p = s;
    int64_t d;

    if (len != 10 || !date_at(&p, &d))
        return TFA_EINPUT;
    *day = (long)d;
    return 0;
}
