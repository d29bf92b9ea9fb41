/*
 * help_topics.h - `tfaudit help TOPIC`: the grammar of each file tfaudit
 * reads, in brief (the manual pages in section 5 have the full text).
 */
#ifndef TFA_HELP_TOPICS_H
#define TFA_HELP_TOPICS_H

#include <stdio.h>

#define TFA_HELP_TOPICS "checklist, waivers, known-drift, manifest, config"

/* Print topic `name` to `out`; 0 when there is no such topic. */
int tfa_help_topic(const char *name, FILE *out);

#endif
