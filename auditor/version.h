/*
 * version.h - `tfaudit --version`: the version, the git commit it was built
 * from, and the versions of the libraries it runs with (as loaded, not as
 * compiled against, where the library can say).
 */
#ifndef TFA_VERSION_H
#define TFA_VERSION_H

#include <stdio.h>

/* Print the version lines to `out`; `commit` is the build's git commit
 * ("unknown" outside a checkout). Returns 0 or the exit status. */
int tfa_version_print(FILE *out, const char *commit);

#endif
