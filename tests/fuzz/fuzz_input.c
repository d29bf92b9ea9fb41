/*
 * fuzz_input.c - fuzz target for everything behind tfa_run_load_stream:
 * stream decoding, detection, and every reader. The first byte picks the
 * kind (detect, or force one of the kinds) so each reader sees every input.
 */
#include "fuzz.h"
#include "input.h"
#include "run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_stream *in = NULL;
    tfa_run *run = NULL;
    tfa_error err;

    if (size == 0)
        return 0;
    lo.kind = (tfa_kind)(data[0] % TFA_KIND_COUNT);
    tfa_error_init(&err);
    if (tfa_run_new(&run) != 0)
        return 0;
    if (tfa_stream_open_memory(&in, "fuzz", data + 1, size - 1, &err) == 0 &&
        tfa_run_load_stream(run, in, &lo, &err) != 0)
        FUZZ_CHECK_ERROR(&err); /* every failure says why */
    tfa_stream_free(in);
    tfa_run_free(run);
    return 0;
}
