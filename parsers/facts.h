/*
 * facts.h - an input's facts as JSON: the `summarize --format json` contract.
 *
 * The keys and meanings follow ../shared/corpus/README.md per kind; values a
 * kind does not determine are JSON null. Nothing here can carry an attribute
 * value: facts are built from the run model only.
 */
#ifndef TFA_FACTS_H
#define TFA_FACTS_H

#include <jansson.h>

#include "run.h"

/* A new object {"path","kind","sha256","bytes","encoding","facts":{...}}; NULL on OOM. */
json_t *tfa_input_to_json(const tfa_run *run, size_t input);
/* Just the "facts" object. */
json_t *tfa_input_facts(const tfa_run *run, size_t input);

#endif
