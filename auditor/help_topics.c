/*
 * help_topics.c - the text of `tfaudit help TOPIC` (see help_topics.h).
 */
#include "util/compat.h"

#include "help_topics.h"

static const struct {
    const char *name;
    const char *text;
} topics[] = {
    {"checklist", "TODO\n"},
};

int tfa_help_topic(const char *name, FILE *out)
{
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(topics); i++)
        if (strcmp(topics[i].name, name) == 0) {
            fputs(topics[i].text, out);
            return 1;
        }
    return 0;
}
