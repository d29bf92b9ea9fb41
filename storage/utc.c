/*
 * utc.c - UTC timestamp formatting and parsing (see utc.h).
 *
 * The civil-date arithmetic is Howard Hinnant's days_from_civil /
 * civil_from_days (public domain, howardhinnant.github.io/date_algorithms.html),
 * so the result does not depend on the C library's time zone state.
 */
#include "util/compat.h"

#include "utc.h"

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

static void civil_from_time(int64_t t, civil *c)
{
    int64_t days = t / SECS_PER_DAY, secs = t % SECS_PER_DAY, era, doe, yoe, doy, mp;
    if (secs < 0) {
        secs += SECS_PER_DAY;
        days--;
    }
    days += 719468;
    era = (days >= 0 ? days : days - 146096) / 146097;
    doe = days - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    c->day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    c->month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    c->year = yoe + era * 400 + (c->month <= 2);
    c->hour = (unsigned)(secs / 3600);
    c->minute = (unsigned)(secs / 60 % 60);
    c->second = (unsigned)(secs % 60);
}

/* Clamp to the four-digit years the formats can show. */
static int64_t clamp(int64_t t)
{
    const int64_t lo = -62167219200LL, hi = 253402300799LL; /* 0000-01-01 .. 9999-12-31 */
    return t < lo ? lo : t > hi ? hi : t;
}

void tfa_utc_format_iso(int64_t t, char out[TFA_UTC_ISO_SIZE])
{
    civil c;
    civil_from_time(clamp(t), &c);
    snprintf(out, TFA_UTC_ISO_SIZE, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)c.year, c.month,
             c.day, c.hour, c.minute, c.second);
}

void tfa_utc_format_compact(int64_t t, char out[TFA_UTC_COMPACT_SIZE])
{
    civil c;
    civil_from_time(clamp(t), &c);
    snprintf(out, TFA_UTC_COMPACT_SIZE, "%04u%02u%02uT%02u%02u%02uZ", (unsigned)c.year, c.month,
             c.day, c.hour, c.minute, c.second);
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

int tfa_utc_parse(int64_t *out, const char *s, tfa_error *err)
{
    const char *p = s;
    unsigned y, mo, d, h = 0, mi = 0, sec = 0;
    int ok = digits(&p, 4, &y) && expect(&p, '-') && digits(&p, 2, &mo) && expect(&p, '-') &&
             digits(&p, 2, &d);

    if (ok && (*p == 'T' || *p == ' ')) {
        p++;
        ok = digits(&p, 2, &h) && expect(&p, ':') && digits(&p, 2, &mi) && expect(&p, ':') &&
             digits(&p, 2, &sec);
        if (ok && *p == 'Z')
            p++;
    }
    ok = ok && *p == '\0' && mo >= 1 && mo <= 12 && d >= 1 && d <= month_days(y, mo) && h < 24 &&
         mi < 60 && sec < 60;
    if (!ok)
        return tfa_error_set(err, TFA_EINPUT,
                             "invalid date '%s' (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", s);
    *out = days_from_civil(y, mo, d) * SECS_PER_DAY + h * 3600 + mi * 60 + sec;
    return 0;
}
