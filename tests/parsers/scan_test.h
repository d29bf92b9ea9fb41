/*
 * scan_test.h - what the scanner suites share: a scanner over bytes in
 * memory, with the window size a test chooses.
 */
#ifndef TFA_SCAN_TEST_H
#define TFA_SCAN_TEST_H

#include "scan.h"
#include "stream.h"
#include "testsupport.h"

typedef struct scanned {
    tfa_stream *in;
    tfa_scan *sc;
    tfa_error err;
} scanned;

/* A scanner over `data` whose window holds `window` bytes (0: the default).
 * An odd window reads ahead on the stream's thread after a head of that
 * size (stream.h tfa_stream_ahead, tfa_stream_test_early), an even one on this thread, as small
 * inputs do: the sweeps over every window size check both paths. */
static inline void open_scan_window(scanned *s, const char *data, size_t len, int ci_noise,
                                    size_t window)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    so.ci_noise = ci_noise;
    so.window = window;
    tfa_error_init(&s->err);
    ck_assert_tfa_ok(tfa_stream_open_memory(&s->in, "doc.json", data, len, &s->err), &s->err);
    if (window % 2)
        tfa_stream_test_early(s->in, window);
    ck_assert_tfa_ok(tfa_scan_new(&s->sc, s->in, &so, &s->err), &s->err);
}

static inline void open_scan(scanned *s, const char *data, size_t len, int ci_noise)
{
    open_scan_window(s, data, len, ci_noise, 0);
}

static inline void close_scan(scanned *s)
{
    tfa_scan_free(s->sc);
    tfa_stream_free(s->in);
}

#endif
