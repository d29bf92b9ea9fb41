/*
 * utc.h - the one time module: UTC timestamps and calendar dates without the
 * C library's time zone machinery. Waiver and known-drift expiry dates,
 * `--now`, `--since`, TFAUDIT_NOW, the ledger's and evidence files' times and
 * the evaluation time printed in reports all go through it, so every place
 * accepts and writes the same forms.
 *
 * Times are seconds since the Unix epoch (int64_t), always UTC, and always
 * passed in by the caller: nothing here reads the clock. Days count from
 * 1970-01-01 (proleptic Gregorian). Formatted years are 0000-9999.
 */
#ifndef TFA_UTIL_UTC_H
#define TFA_UTIL_UTC_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define TFA_UTC_ISO_SIZE     21 /* "2025-03-01T10:00:00Z" + NUL */
#define TFA_UTC_COMPACT_SIZE 17 /* "20250301T100000Z" + NUL (file names) */
#define TFA_UTC_DATE_SIZE    11 /* "2025-03-01" + NUL */

/* The forms tfa_utc_parse accepts, for usage messages and --help. */
#define TFA_UTC_FORMS "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.frac] with Z or +HH:MM/-HH:MM"

/* RFC 3339 / ISO 8601 with a "Z": 2025-03-01T10:00:00Z. */
void tfa_utc_format_iso(int64_t t, char out[TFA_UTC_ISO_SIZE]);
/* Basic ISO 8601, safe in file names on every platform: 20250301T100000Z. */
void tfa_utc_format_compact(int64_t t, char out[TFA_UTC_COMPACT_SIZE]);
/* A day number as YYYY-MM-DD. */
void tfa_utc_format_date(long day, char out[TFA_UTC_DATE_SIZE]);

/*
 * A time as a person or a record writes it:
 *   YYYY-MM-DD                      midnight UTC
 *   YYYY-MM-DDTHH:MM:SS[.frac]Z     RFC 3339 in UTC ('t', 'z' and ' ' for 'T'
 *                                   also accepted, as RFC 3339 allows)
 *   YYYY-MM-DDTHH:MM:SS[.frac]+HH:MM  or -HH:MM, an RFC 3339 offset
 *   YYYY-MM-DDTHH:MM:SS[.frac]      UTC assumed
 * A fraction of a second is dropped; a leap second (:60) counts as the next
 * second. TFA_EINPUT, with the value quoted in the message, for anything else
 * or a date that does not exist (2025-02-30). err may be NULL.
 */
int tfa_utc_parse(int64_t *out, const char *s, tfa_error *err);

/* Exactly "YYYY-MM-DD" in len bytes -> days since 1970-01-01. 0, or
 * TFA_EINPUT for anything else, including impossible dates. */
int tfa_utc_parse_date(const char *s, size_t len, long *day);

/* The day a time falls on (UTC). */
long tfa_utc_day(int64_t t);

#endif
