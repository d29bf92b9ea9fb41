/*
 * fuzz_s3_xml.c - fuzz target for the element reader of S3's XML answers
 * (net/s3_xml.c). The first byte picks the element name looked for. Every
 * element found must lie inside the answer, each step must advance, and
 * decoding must never grow the text (entities only shrink) or accept what
 * it cannot decode.
 */
#include "fuzz.h"
#include "net/s3_xml.h"

static const char *const names[] = {"Key",      "Contents", "Code",        "Message",
                                    "UploadId", "ETag",     "IsTruncated", "NextContinuationToken",
                                    "Size",     "Upload",   "Error",       "a"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *name, *p, *end, *text;
    size_t len;
    tfa_buf out;
    int rc = 0, steps = 0;

    if (size == 0)
        return 0;
    name = names[data[0] % TFA_ARRAY_SIZE(names)];
    p = (const char *)data + 1;
    end = (const char *)data + size;
    tfa_buf_init(&out, TFA_BUF_NO_MAX);
    for (;;) {
        const char *prev = p;
        if ((rc = tfa_xml_next(&p, end, name, &text, &len)) != 1)
            break;
        FUZZ_CHECK(text > prev && text + len <= end);
        FUZZ_CHECK(p > prev && p <= end && p >= text + len);
        tfa_buf_clear(&out);
        if (tfa_xml_unescape(&out, text, len) == 0)
            FUZZ_CHECK(out.len <= len);
        FUZZ_CHECK(++steps <= (int)size);
    }
    FUZZ_CHECK(rc == 0 || rc == -1);
    /* the first element, as callers read it */
    rc = tfa_xml_get(&out, (const char *)data + 1, end, name);
    FUZZ_CHECK(rc == 1 || rc == 0 || rc == -1);
    FUZZ_CHECK(rc != 0 || out.len == 0);
    tfa_buf_release(&out);
    return 0;
}
