/*
 * standalone.c - runs a fuzz target over files and directories given on the
 * command line (libgit2's fuzzers/standalone_driver.c), so every target's
 * seed corpus is replayed as a normal ctest with gcc and the sanitizers.
 * Each file is fed once per leading kind byte.
 */
#include "util/compat.h"

#include <dirent.h>
#include <sys/stat.h>

#include "run.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    tfa_buf b;
    size_t n;
    int k;

    if (!f)
        return 0;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_putc(&b, 0);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        tfa_buf_put(&b, chunk, n);
    fclose(f);
    for (k = 0; k < TFA_KIND_COUNT; k++) {
        b.ptr[0] = (char)k;
        LLVMFuzzerTestOneInput((const uint8_t *)b.ptr, b.len);
    }
    tfa_buf_release(&b);
    return 1;
}

static long replay(const char *path)
{
    struct stat st;
    struct dirent *e;
    DIR *d;
    long n = 0;

    if (stat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    if (!(d = opendir(path)))
        return 0;
    while ((e = readdir(d)) != NULL) {
        char sub[4096];
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        n += replay(sub);
    }
    closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    long n = 0;
    int i;
    for (i = 1; i < argc; i++)
        n += replay(argv[i]);
    printf("replayed %ld files\n", n);
    return 0;
}
