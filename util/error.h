/*
 * error.h - status codes and the caller-owned error record.
 *
 * Fallible functions return int: 0 on success, a negative tfa_status on
 * failure. Details go into a tfa_error the caller owns (jansson's json_error_t,
 * curl's error buffer). The first error wins: later tfa_error_set calls on an
 * error that already holds one are ignored, so the layer that detects a problem
 * writes the message and callers just propagate the code. All fields are
 * fixed-size, so reporting out-of-memory allocates nothing.
 *
 * Messages follow git's guidelines: lowercase start, no full stop, user values
 * quoted, never a value from the input that could be secret.
 */
#ifndef TFA_ERROR_H
#define TFA_ERROR_H

#include <stddef.h>
#include <stdint.h>

typedef enum tfa_status {
    TFA_OK = 0,
    TFA_EINPUT = -1,    /* malformed or unusable input */
    TFA_ENOTFOUND = -2, /* a named thing does not exist */
    TFA_EIO = -3,       /* reading or writing failed */
    TFA_ENOMEM = -4,    /* out of memory */
    TFA_EVERSION = -5,  /* a format version we do not read */
    TFA_ELIMIT = -6,    /* a named limit (limits.h) was hit */
    TFA_EUSAGE = -7,    /* the caller asked for something invalid */
    TFA_ECONFLICT = -8, /* a concurrent writer won a race; retry */
    TFA_ENODOC = -9     /* a directory or archive that holds no document at all */
} tfa_status;

#define TFA_ERROR_SOURCE_MAX  1024
#define TFA_ERROR_PATH_MAX    256
#define TFA_ERROR_MESSAGE_MAX 512

typedef struct tfa_error {
    int status;                         /* 0 while no error is recorded */
    char source[TFA_ERROR_SOURCE_MAX];  /* file, or archive!member; may be empty */
    unsigned long line, column;         /* 1-based; 0 when not applicable */
    uint64_t offset;                    /* byte offset; UINT64_MAX when not applicable */
    char json_path[TFA_ERROR_PATH_MAX]; /* e.g. resource_changes[3].change; may be empty */
    char message[TFA_ERROR_MESSAGE_MAX];
} tfa_error;

/* A position in an input, as the scanners report it. */
typedef struct tfa_pos {
    unsigned long line, column; /* 1-based, column in bytes */
    uint64_t offset;            /* 0-based byte offset in the decoded text */
} tfa_pos;

/* Name of a status code, e.g. "bad input". Never NULL. */
const char *tfa_status_str(int status);

void tfa_error_init(tfa_error *err);
/* Forget a recorded error (the libgit2 git_error_clear convention): call it
 * when an error is handled and not propagated. */
void tfa_error_clear(tfa_error *err);

/* Record an error unless one is recorded already; returns `status` either way
 * so call sites read `return tfa_error_set(err, TFA_EINPUT, "...")`. */
int tfa_error_set(tfa_error *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, with a position. */
int tfa_error_set_at(tfa_error *err, int status, const tfa_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int tfa_error_oom(tfa_error *err);

/* Set the source name if none is recorded yet (callers that know the file add
 * it to messages produced by layers that do not). */
void tfa_error_set_source(tfa_error *err, const char *source);
/* Prefix the source with "outer!" (archive members): "bundle.tar.gz!plan.json". */
void tfa_error_prefix_source(tfa_error *err, const char *outer);

/* One line: "source:line:column: message" (parts omitted when unknown). */
void tfa_error_format(const tfa_error *err, char *out, size_t size);

#endif
