/*
 * cmd_bundle.c - `tfaudit bundle verify OUT.tar.gz`: check an audit bundle
 * (storage/bundle.h) against its manifest and the ledger hashes it names.
 */
#include "util/compat.h"

#include <jansson.h>

#include "bundle.h"
#include "commands.h"
#include "exit.h"
#include "msg.h"

typedef struct bundle_opts {
    const char *format;
} bundle_opts;

static const tfa_opt verify_options[] = {
    {"format", 'f', TFA_OPT_CHOICE, offsetof(bundle_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
};

static const tfa_cmd_spec verify_spec = {
    "bundle verify",
    "[options] BUNDLE.tar.gz",
    "Check an audit bundle's hashes and manifest",
    "Exit status: 0 every hash matches, 1 the bundle was altered (the first\n"
    "problem is named), 2 it could not be read.\n",
    verify_options,
    TFA_ARRAY_SIZE(verify_options),
    1,
    1};

const tfa_cmd_spec tfa_cmd_bundle_spec = {
    "bundle",
    "SUBCOMMAND [options]",
    "Verify audit bundles made by 'tfaudit ledger export'",
    "subcommands:\n"
    "  verify BUNDLE.tar.gz [--format text|json]   exit 0 valid, 1 altered, 2 error\n",
    NULL,
    0,
    1,
    TFA_ARGS_UNLIMITED};

static void print_text(const tfa_bundle_verification *v)
{
    const json_t *ledger = json_object_get(v->manifest, "ledger");
    if (!v->valid) {
        printf("bundle: %s\n", v->detail);
        return;
    }
    printf("bundle: %zu file%s, all hashes match", v->files, v->files == 1 ? "" : "s");
    if (ledger)
        printf(", ledger record %" JSON_INTEGER_FORMAT " sha256:%s",
               json_integer_value(json_object_get(ledger, "id")),
               json_string_value(json_object_get(ledger, "hash")));
    fputc('\n', stdout);
}

static int print_json(const char *path, const tfa_bundle_verification *v)
{
    json_t *j =
        json_pack("{s:s, s:b, s:I, s:o, s:O?}", "bundle", path, "valid", v->valid, "files",
                  (json_int_t)v->files, "detail", v->valid ? json_null() : json_string(v->detail),
                  "ledger", json_object_get(v->manifest, "ledger"));
    int rc = j ? json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
    json_decref(j);
    if (rc == 0)
        fputc('\n', stdout);
    return rc;
}

static int run_verify(int argc, char **argv)
{
    bundle_opts o = {"text"};
    tfa_bundle_verification v;
    tfa_strlist args = {0};
    tfa_error err;
    int rc = tfa_opts_parse(&verify_spec, argc, argv, &o, &args);

    tfa_error_init(&err);
    memset(&v, 0, sizeof(v));
    if (rc)
        goto done;
    if (tfa_bundle_verify(&v, args.items[0], &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    if (strcmp(o.format, "json") == 0) {
        if (print_json(args.items[0], &v) != 0) {
            rc = tfa_msg_error("cannot write the output");
            goto done;
        }
    } else {
        print_text(&v);
    }
    if (fflush(stdout) != 0)
        rc = tfa_msg_error("cannot write the output");
    else
        rc = v.valid ? TFA_EXIT_GO : TFA_EXIT_NOGO;
done:
    tfa_bundle_verification_release(&v);
    tfa_strlist_release(&args);
    return rc < 0 ? TFA_EXIT_GO : rc;
}

int tfa_cmd_bundle(int argc, char **argv)
{
    if (argc < 2)
        return tfa_msg_usage("bundle", "bundle needs a subcommand (verify)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        tfa_opts_help(&tfa_cmd_bundle_spec, stdout);
        return TFA_EXIT_GO;
    }
    if (strcmp(argv[1], "verify") != 0)
        return tfa_msg_usage("bundle", "'%s' is not a bundle subcommand", argv[1]);
    return run_verify(argc - 1, argv + 1);
}
