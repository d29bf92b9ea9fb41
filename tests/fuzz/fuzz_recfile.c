/*
 * fuzz_recfile.c - fuzz target for the record files beside a checklist
 * (checklist/recfile.c: Markdown tables and JSON of waivers, known drift).
 * The first byte picks the spec (waivers' or known drift's fields). Every
 * record delivered must hold its required fields, not empty, within the
 * field limit, on a line of the file; a refused file must say why.
 */
#include "fuzz.h"
#include "recfile.h"

#define FIELD_BYTES 64

static const tfa_recfile_field waiver_fields[] = {
    {"item", "id", 1}, {"owner", NULL, 1}, {"expires", "expiry", 1}, {"reason", NULL, 1}};
static const tfa_recfile_field drift_fields[] = {{"address", "resource", 1},
                                                 {"attributes", "attribute", 0},
                                                 {"owner", NULL, 1},
                                                 {"expires", "expiry", 1},
                                                 {"reason", NULL, 1}};
static const tfa_recfile_spec specs[] = {
    {"waiver", "waivers", "item, owner, expires and reason", waiver_fields,
     TFA_ARRAY_SIZE(waiver_fields), FIELD_BYTES},
    {"known drift entry", "known_drift", "address, owner, expires and reason", drift_fields,
     TFA_ARRAY_SIZE(drift_fields), FIELD_BYTES}};

typedef struct seen {
    const tfa_recfile_spec *spec;
    unsigned long lines; /* lines in the input */
    size_t rows;
} seen;

static int check_row(void *payload, const tfa_recfile_row *row, tfa_error *err)
{
    seen *s = payload;
    size_t k;

    (void)err;
    FUZZ_CHECK(row->line >= 1 && row->line <= s->lines);
    for (k = 0; k < s->spec->n_fields; k++) {
        if (s->spec->fields[k].required)
            FUZZ_CHECK(row->f[k] != NULL && row->len[k] > 0);
        if (row->f[k])
            FUZZ_CHECK(row->len[k] <= FIELD_BYTES); /* the spec's limit, in both syntaxes */
        FUZZ_CHECK(row->cols[k] >= 1);
    }
    s->rows++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seen s = {NULL, 1, 0};
    tfa_error err;
    size_t i;
    int rc;

    if (size == 0)
        return 0;
    s.spec = &specs[data[0] % TFA_ARRAY_SIZE(specs)];
    for (i = 1; i < size; i++)
        s.lines += data[i] == '\n';
    tfa_error_init(&err);
    rc = tfa_recfile_parse(s.spec, "fuzz", (const char *)data + 1, size - 1, check_row, &s, &err);
    if (rc != 0) {
        FUZZ_CHECK_ERROR(&err);
        FUZZ_CHECK(rc == TFA_EINPUT || rc == TFA_ELIMIT || rc == TFA_ENOMEM);
    }
    return 0;
}
