/*
 * dirwalk.h - a directory as an input (internal to parsers/).
 *
 * The walk is recursive and deterministic: entries are visited in byte order
 * of their names (strcmp), depth first. Every regular file goes through
 * tfa_load_stream, so archives inside the tree are read too, and is named
 * as given plus its relative path ("runs" -> "runs/42/plan.json").
 *
 * Symbolic links are never followed, whether they point into the tree or out
 * of it: a walk can then neither leave the tree nor loop, and no file is read
 * twice under two names. FIFOs, sockets and devices are never opened
 * (opening a FIFO would block). Links, special files, files of no known kind
 * and empty files are refused with an error naming them (tfa_load_refuse),
 * or skipped and listed when --skip-unknown matches: an audit must not
 * silently miss a file the user pointed it at. A regular file or directory
 * that cannot be opened is an error too.
 */
#ifndef TFA_DIRWALK_H
#define TFA_DIRWALK_H

#include "load.h"

/* Walk the directory `path` into ld->run. Errors: TFA_EIO (unreadable file or
 * directory), TFA_EINPUT (nothing found when `path` is the argument itself),
 * and whatever a file's reader returns. */
int tfa_dir_load(tfa_load *ld, const char *path, tfa_error *err);

#endif
