/*
 * utc.h - UTC timestamps as the ledger and evidence files write them.
 *
 * Times are seconds since the Unix epoch (int64_t), always UTC, and always
 * passed in by the caller: storage never reads the clock. Years 0000-9999.
 */
#ifndef TFA_UTC_H
#define TFA_UTC_H

#include <stdint.h>

#include "util/error.h"

#define TFA_UTC_ISO_SIZE     21 /* "2025-03-01T10:00:00Z" + NUL */
#define TFA_UTC_COMPACT_SIZE 17 /* "20250301T100000Z" + NUL (file names) */

/* RFC 3339 / ISO 8601 with a "Z": 2025-03-01T10:00:00Z. */
void tfa_utc_format_iso(int64_t t, char out[TFA_UTC_ISO_SIZE]);
/* Basic ISO 8601, safe in file names on every platform: 20250301T100000Z. */
void tfa_utc_format_compact(int64_t t, char out[TFA_UTC_COMPACT_SIZE]);

/*
 * Parse "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MM:SSZ" or
 * "YYYY-MM-DDTHH:MM:SS" (UTC assumed; ' ' may replace 'T'). TFA_EINPUT,
 * with the value quoted in the message, when it is none of those or not a
 * real date.
 */
int tfa_utc_parse(int64_t *out, const char *s, tfa_error *err);

#endif
