/*
 * fuzz_reports.c - fuzz target for every report writer: the input is the
 * hostile string put in every field an input can supply (addresses,
 * sign-off names, waiver and known-drift owners and reasons, workspace
 * names, input paths), and tests/support/report_safety.c checks each output
 * for its format's invariants. A broken invariant aborts (with NDEBUG too),
 * so libFuzzer and the replay driver both report it.
 */
#include "fuzz.h"
#include "report_safety.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[TFA_SAFETY_WHY_MAX];
    size_t off = 0;

    /* the replay driver prefixes a kind byte (fuzz_input.c); skip it so
     * each file is tried as it is and from its second byte */
    if (size > 0 && data[0] < 8)
        off = 1;
    if (tfa_report_safety_check((const char *)data + off, size - off, why) != 0) {
        fprintf(stderr, "fuzz_reports: output safety broken: %s\n", why);
        abort();
    }
    return 0;
}
