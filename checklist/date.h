/*
 * date.h - calendar dates and UTC timestamps without the C library's time
 * zone machinery: waiver expiry dates, `--now`, and the evaluation time
 * printed in reports. Days count from 1970-01-01 (proleptic Gregorian).
 */
#ifndef TFA_DATE_H
#define TFA_DATE_H

#include <stddef.h>
#include <stdint.h>

/* "YYYY-MM-DD" in len bytes -> days since 1970-01-01. 0, or TFA_EINPUT for
 * anything else (including impossible dates such as 2025-02-30). */
int tfa_date_parse(const char *s, size_t len, long *day);

/* "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ" -> seconds since
 * the epoch. 0 or TFA_EINPUT. */
int tfa_time_parse(const char *s, int64_t *out);

/* The day a timestamp falls on (UTC). */
long tfa_time_day(int64_t t);

#define TFA_DATE_BUF 11 /* "YYYY-MM-DD" and NUL */
#define TFA_TIME_BUF 21 /* "YYYY-MM-DDTHH:MM:SSZ" and NUL */

void tfa_date_format(long day, char out[TFA_DATE_BUF]);
void tfa_time_format(int64_t t, char out[TFA_TIME_BUF]);

#endif
