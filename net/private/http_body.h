/*
 * http_body.h - a request body made as it is sent (tfa_http_body, http.h):
 * libcurl's read callback over it, for http.c. Private to net/.
 */
#ifndef TFA_HTTP_BODY_H
#define TFA_HTTP_BODY_H

#include <curl/curl.h>

#include "net/http.h"

/* One request's reading of its body. */
typedef struct tfa_http__upload {
    const tfa_http_body *body;
    uint64_t sent; /* bytes handed to libcurl in this attempt */
    int failed;    /* the body's own error stopped the attempt: `why` */
    tfa_error why;
} tfa_http__upload;

/* Before an attempt: the body started over (rewound). 0, or the body's
 * status with `err` set. */
int tfa_http__upload_start(tfa_http__upload *u, tfa_error *err);

/* CURLOPT_READFUNCTION, with a tfa_http__upload as its data. */
size_t tfa_http__upload_read(char *buf, size_t size, size_t n, void *payload);

/* libcurl's buffer for the body's pieces (its default is 64 KiB: a larger
 * one means fewer callbacks and fewer, larger writes to the socket). */
#define TFA_HTTP__UPLOAD_BUFFER (512L * 1024L)

#endif
