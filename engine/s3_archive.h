/*
 * s3_archive.h - a run's inputs packed into one audit bundle (bundle.h) and
 * uploaded to S3: `tfaudit archive --to`, and `gate --archive-to` (the gate
 * calls tfa_s3_archive_run with its inputs and records the result).
 *
 * The object is PREFIX/<workspace>/<UTC time, 20261127T020000Z>.tar.gz, a
 * deterministic tar.gz (bundle.h) holding:
 *   inputs/N-NAME  every input that may be archived (see below)
 *   manifest.json  {"format": "tfaudit-bundle/1",
 *                   "files": [{name, bytes, sha256}]       (bundle.h)
 *                   "created_by": "tfaudit VERSION", "time": ISO 8601 UTC,
 *                   "workspace", "object": "s3://BUCKET/KEY",
 *                   "redacted": true unless --raw,
 *                   "inputs": [{path, kind, bytes, sha256,  the original
 *                               included, redacted, redacted_values,
 *                               archived: {name, bytes, sha256} or null,
 *                               reason (when left out)}]}
 * What goes in, by default (fail closed):
 *  - plans and `terraform show -json` states, redacted (plan_redact.h);
 *    one the redactor cannot read (a raw terraform.tfstate) is left out;
 *  - logs, anything else, and archives are left out: a log carries
 *    whatever a provider or TF_LOG printed, with no marks saying what is
 *    secret, so nothing can redact it. Each left-out input is listed with
 *    its reason (the CLI warns, naming it).
 * With `raw`, every input goes in unchanged and the manifest says
 * "redacted": false: for teams whose bucket is the system of record.
 * `tfaudit bundle verify s3://...` checks such an object.
 */
#ifndef TFA_S3_ARCHIVE_H
#define TFA_S3_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "net/s3.h"

typedef struct tfa_s3_archive_options {
    const char *to;           /* s3://BUCKET/PREFIX/ */
    const char *workspace;    /* NULL: "default" */
    int raw;                  /* keep originals, logs included */
    const char *retain_until; /* Object Lock (COMPLIANCE) until this date; NULL none */
    const char *sse;          /* "aws:kms" or "AES256"; NULL none */
    int64_t now;              /* UTC seconds: the object's name and the manifest's time */
    const char *tool_version; /* for "created_by" */
    tfa_s3_options s3;        /* HTTP settings, environment, --endpoint */
    tfa_s3_put_options put;   /* content type and thresholds (tests); the rest is set here */
} tfa_s3_archive_options;

/* An input left out, and why (a message that never holds input bytes). */
typedef struct tfa_s3_archive_omitted {
    char *path, *kind, *reason;
} tfa_s3_archive_omitted;

typedef struct tfa_s3_archive_result {
    char *object;    /* s3://BUCKET/KEY */
    char *url;       /* the object's HTTP URL */
    char sha256[65]; /* of the uploaded tar.gz, hex */
    uint64_t bytes;  /* its size */
    unsigned parts;  /* multipart parts; 0 for one PutObject */
    size_t included; /* inputs in the archive */
    size_t redacted_values;
    tfa_s3_archive_omitted *omitted;
    size_t n_omitted;
} tfa_s3_archive_result;

/*
 * Pack `inputs` (local paths and s3:// objects or prefixes) and upload them.
 * Errors: TFA_EUSAGE (a bad --to, workspace, date or SSE, credentials),
 * TFA_ENOTFOUND, TFA_EIO, TFA_ELIMIT, TFA_ENOMEM and the S3 client's; an
 * archive with no input left in it is TFA_EINPUT. Nothing is left in the
 * bucket on failure. Release `out` in every case.
 */
int tfa_s3_archive_run(tfa_s3_archive_result *out, const char *const *inputs, size_t n_inputs,
                       const tfa_s3_archive_options *opts, tfa_error *err);
void tfa_s3_archive_result_release(tfa_s3_archive_result *res);

#endif
