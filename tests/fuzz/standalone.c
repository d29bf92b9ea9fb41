/*
 * standalone.c - runs a fuzz target over files and directories given on the
 * command line (libgit2's fuzzers/standalone_driver.c), so every target's
 * seeds are replayed as a normal ctest with gcc and the sanitizers, in
 * every build type.
 *
 *   fuzz_NAME_replay SEEDS [--kinds PATH...] [--optional PATH...]
 *
 * Options apply to the paths after them. Seeds are fed as they are (they
 * carry whatever leading byte their target reads). After --kinds, each file
 * is fed once per leading kind byte (raw fixtures for targets whose first
 * byte picks a reader, fuzz_input.c). A path that is missing or unreadable
 * fails the replay, as does replaying no file at all: a replay that checked
 * nothing must not pass. Paths after --optional (the shared corpus) may be
 * absent.
 */
#include "util/compat.h"

#include <dirent.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "run.h"
#include "util/buf.h"

typedef struct replay_state {
    int kinds;
    long files;
    int failed;
} replay_state;

static void replay_file(replay_state *st, const char *path)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    tfa_buf b;
    size_t n;
    int k, rounds;

    if (!f) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        st->failed = 1;
        return;
    }
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if (st->kinds)
        tfa_buf_putc(&b, 0);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        tfa_buf_put(&b, chunk, n);
    if (ferror(f) || tfa_buf_status(&b) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        st->failed = 1;
    } else {
        rounds = st->kinds ? TFA_KIND_COUNT : 1;
        for (k = 0; k < rounds; k++) {
            if (st->kinds)
                b.ptr[0] = (char)k;
            LLVMFuzzerTestOneInput((const uint8_t *)b.ptr, b.len);
        }
        st->files++;
    }
    fclose(f);
    tfa_buf_release(&b);
}

static void replay(replay_state *st, const char *path, int optional)
{
    struct stat st_;
    struct dirent *e;
    DIR *d;

    if (stat(path, &st_) != 0) {
        if (!optional) {
            fprintf(stderr, "replay: %s is missing\n", path);
            st->failed = 1;
        }
        return;
    }
    if (!S_ISDIR(st_.st_mode)) {
        replay_file(st, path);
        return;
    }
    if (!(d = opendir(path))) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        st->failed = 1;
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char sub[4096];
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        replay(st, sub, 0);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    replay_state st = {0, 0, 0};
    int i, optional = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--kinds") == 0)
            st.kinds = 1;
        else if (strcmp(argv[i], "--optional") == 0)
            optional = 1;
        else
            replay(&st, argv[i], optional);
    }
    printf("replayed %ld files\n", st.files);
    if (st.files == 0) {
        fprintf(stderr, "replay: no file replayed: the target checked nothing\n");
        return 1;
    }
    return st.failed ? 1 : 0;
}
