/*
 * archive_load.h - archives as inputs, read in memory (internal to parsers/).
 *
 * (Not "archive.h": every file here is compiled with parsers/ on the include
 * path, which would shadow libarchive's own <archive.h>.)
 *
 * tar (plain, gzip, bzip2, xz, zstd), zip, and single gzip/bzip2/xz/zstd
 * files (plan.json.gz) are read with libarchive from the archive's own
 * tfa_stream, member by member; nothing is ever extracted or written. Each
 * regular member becomes a tfa_stream named "outer!member/path" and goes back
 * through tfa_load_stream, so members are detected and read exactly like
 * loose files, and an archive inside an archive is read the same way (up to
 * TFA_LIMIT_ARCHIVE_DEPTH levels): "a.tar.gz!inner.zip!plan.json".
 *
 * Never followed, never read: symbolic and hard links, devices, FIFOs,
 * sockets, members with absolute or ".." names; these and members of no
 * known kind are refused with TFA_EINPUT naming the member, or skipped and
 * listed when --skip-unknown matches (tfa_load_refuse). Refused with an error (TFA_ELIMIT) naming
 * the member: the guards of tfa_limits (total and member size, member count, compression ratio,
 * depth). Refused with TFA_EINPUT: truncated or corrupt archives, naming the
 * member being read or the last one read.
 */
#ifndef TFA_ARCHIVE_LOAD_H
#define TFA_ARCHIVE_LOAD_H

#include "load.h"

/* Read every member of the archive `in` (detect.c said it is one) into
 * ld->run. Errors: TFA_EINPUT, TFA_ELIMIT, TFA_EIO, TFA_ENOMEM, or whatever a
 * member's reader returns; the run must then be discarded. */
int tfa_archive_load(tfa_load *ld, tfa_stream *in, tfa_error *err);

#endif
