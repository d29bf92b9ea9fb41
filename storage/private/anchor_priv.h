/*
 * anchor_priv.h - what anchor.c and anchor_remote.c share (not part of
 * anchor.h).
 */
#ifndef TFA_ANCHOR_PRIV_H
#define TFA_ANCHOR_PRIV_H

#include "anchor.h"

/* Append a copy of `a`: TFA_ENOMEM. */
int tfa__anchor_push(tfa_anchor_set *set, const tfa_anchor *a);

/* Every non-blank line of `text` as an anchor ("NAME:LINE" in errors). */
int tfa__anchor_read_lines(tfa_anchor_set *set, const char *text, size_t len, const char *name,
                           const tfa_keyring *trusted, tfa_error *err);

/* Whether `path` is a git repository (a work tree with .git, or bare). */
int tfa__anchor_is_git(const char *path);

/* The git and S3 destinations and sources: `line` is the anchor line
 * (with its newline); they set a->source. */
int tfa__anchor_git_write(tfa_anchor *a, const tfa_buf *line, const char *repo,
                          const tfa_anchor_options *opts, tfa_error *err);
int tfa__anchor_git_read(tfa_anchor_set *set, const char *repo, const tfa_anchor_options *opts,
                         tfa_error *err);
int tfa__anchor_s3_write(tfa_anchor *a, const tfa_buf *line, const char *url,
                         const tfa_anchor_options *opts, tfa_error *err);
int tfa__anchor_s3_read(tfa_anchor_set *set, const char *url, const tfa_anchor_options *opts,
                        tfa_error *err);

#endif
