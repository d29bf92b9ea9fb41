/*
 * fuzz.h - what every fuzz target shares: its entry point and its oracle.
 *
 * The oracle is FUZZ_CHECK, not assert: the replay runs in release builds
 * too (NDEBUG), where an assert would check nothing and every replay would
 * pass. A broken check prints where and what, then aborts, so libFuzzer
 * saves the input and the replay's ctest fails.
 */
#ifndef TFA_FUZZ_H
#define TFA_FUZZ_H

#include "util/compat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A failure said why: a status and a message. */
#define FUZZ_CHECK_ERROR(err) FUZZ_CHECK((err)->status != 0 && (err)->message[0] != '\0')

#endif
