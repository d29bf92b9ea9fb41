/*
 * json_doc.c - whole small JSON documents (see json_doc.h).
 */
#include "util/compat.h"

#include "net/json_doc.h"
#include "scan.h"
#include "stream.h"

/* Scan the whole text: 0 when it is valid JSON, else the scanner's error. */
static int scan_all(const char *name, const char *data, size_t len, tfa_error *err)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    tfa_stream *in = NULL;
    tfa_scan *sc = NULL;
    tfa_token tok;
    int rc;

    if ((rc = tfa_stream_open_memory(&in, name, data, len, err)) == 0 &&
        (rc = tfa_scan_new(&sc, in, &so, err)) == 0) {
        while ((rc = tfa_scan_next(sc, &tok, err)) == 0 && tok.type != TFA_TOK_EOF)
            ;
    }
    tfa_scan_free(sc);
    tfa_stream_free(in);
    return rc;
}

int tfa_json_doc_parse(json_t **out, const char *name, const char *data, size_t len, tfa_error *err)
{
    json_error_t jerr;
    int rc;

    *out = json_loadb(data, len, 0, &jerr);
    if (*out)
        return 0;
    if ((rc = scan_all(name, data, len, err)) != 0)
        return rc;
    /* valid JSON that jansson could not load: it ran out of memory (or the
     * text has several top-level values, which a document may not) */
    if (json_error_code(&jerr) == json_error_end_of_input_expected) {
        tfa_error_set_source(err, name);
        return tfa_error_set(err, TFA_EINPUT, "more than one JSON value");
    }
    return tfa_error_oom(err);
}
