/*
 * version.c - `tfaudit --version` (see version.h). Run-time versions come
 * from each library's own call, so a bug report says what actually ran.
 */
#include "util/compat.h"

#include <archive.h>
#include <curl/curl.h>
#include <git2.h>
#include <jansson.h>
#include <sqlite3.h>

#include "exit.h"
#include "msg.h"
#include "version.h"

static const char *jansson_version(void)
{
#if JANSSON_VERSION_HEX >= 0x020d00
    return jansson_version_str();
#else
    return JANSSON_VERSION;
#endif
}

int tfa_version_print(FILE *out, const char *commit)
{
    const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
    const char *details = archive_version_details();
    int major = 0, minor = 0, rev = 0;

    git_libgit2_version(&major, &minor, &rev);
    fprintf(out, "tfaudit %s\n", TFA_VERSION);
    fprintf(out, "commit     %s\n", commit && *commit ? commit : "unknown");
    fprintf(out, "jansson    %s\n", jansson_version());
    fprintf(out, "libarchive %s\n", details + (strncmp(details, "libarchive ", 11) ? 0 : 11));
    fprintf(out, "libgit2    %d.%d.%d\n", major, minor, rev);
    fprintf(out, "libcurl    %s%s%s%s\n", curl->version, curl->ssl_version ? " (" : "",
            curl->ssl_version ? curl->ssl_version : "", curl->ssl_version ? ")" : "");
    fprintf(out, "sqlite3    %s\n", sqlite3_libversion());
    if (fflush(out) != 0 || ferror(out))
        return tfa_msg_error("cannot write the output");
    return TFA_EXIT_GO;
}
