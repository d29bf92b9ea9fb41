/*
 * cmd_bundle.c - `tfaudit bundle verify OUT.tar.gz|s3://BUCKET/KEY`: check
 * an audit bundle (storage/bundle.h) against its manifest and the ledger
 * hashes it names; an S3 object (tfaudit archive, gate --archive-to) is
 * downloaded again, streamed, and its SHA-256 shown and, with --sha256,
 * checked.
 */
#include "util/compat.h"

#include <jansson.h>

#include "bundle.h"
#include "cli_net.h"
#include "cli_ledger.h"
#include "commands.h"
#include "exit.h"
#include "msg.h"
#include "render.h"
#include "net/s3.h"
#include "util/alloc.h"

#include <strings.h>

typedef struct bundle_opts {
    const char *format, *sha256, *endpoint;
    tfa_cli_net net;
    const char *trusted_keys;
} bundle_opts;

static const tfa_opt verify_options[] = {
    {"format", 'f', TFA_OPT_CHOICE, offsetof(bundle_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
    {"sha256", 0, TFA_OPT_STRING, offsetof(bundle_opts, sha256), "HEX",
     "the bundle's expected SHA-256 (as 'tfaudit archive' printed it)", NULL},
    {"endpoint", 0, TFA_OPT_STRING, offsetof(bundle_opts, endpoint), "URL",
     "S3-compatible endpoint for s3:// bundles (path-style)", NULL},
    TFA_CLI_NET_OPTIONS(bundle_opts, net),
    {"trusted-keys", 0, TFA_OPT_STRING, offsetof(bundle_opts, trusted_keys), "FILE",
     "the record must be signed by one of these public keys", NULL},
};

static const tfa_cmd_spec verify_spec = {
    "bundle verify",
    "[options] BUNDLE.tar.gz|s3://BUCKET/KEY",
    "Check an audit bundle's hashes and manifest",
    "An s3:// bundle is downloaded again (streamed, never written to disk) with\n"
    "the AWS credentials of 'tfaudit archive'; its SHA-256 is printed and, with\n"
    "--sha256, must match. With --trusted-keys, the ledger record's signature\n"
    "(carried in the manifest) must verify over record.json with one of the keys.\n"
    "Exit status: 0 every hash matches, 1 the bundle was altered (the first\n"
    "problem is named), 2 it could not be read.\n",
    verify_options,
    TFA_ARRAY_SIZE(verify_options),
    1,
    1};

const tfa_cmd_spec *const tfa_cmd_bundle_subspecs[] = {&verify_spec, NULL};

const tfa_cmd_spec tfa_cmd_bundle_spec = {
    "bundle",
    "SUBCOMMAND [options]",
    "Verify audit bundles made by 'tfaudit ledger export'",
    "subcommands:\n"
    "  verify BUNDLE.tar.gz|s3://BUCKET/KEY [--format text|json] [--sha256 HEX]\n"
    "         [--trusted-keys FILE]\n"
    "                                              exit 0 valid, 1 altered, 2 error\n",
    NULL,
    0,
    1,
    TFA_ARGS_UNLIMITED};

static void print_text(const tfa_bundle_verification *v, const char *sha)
{
    const json_t *ledger = json_object_get(v->manifest, "ledger");
    if (sha[0])
        tfa_render_printf(stdout, "sha256: %s\n", sha);
    if (!v->valid) {
        tfa_render_printf(stdout, "bundle: %s\n", v->detail);
        return;
    }
    tfa_render_printf(stdout, "bundle: %zu file%s, all hashes match", v->files,
                      v->files == 1 ? "" : "s");
    if (ledger)
        tfa_render_printf(stdout, ", ledger record %" JSON_INTEGER_FORMAT " sha256:%s",
                          json_integer_value(json_object_get(ledger, "id")),
                          json_string_value(json_object_get(ledger, "hash")));
    fputc('\n', stdout);
    if (v->signed_by[0])
        printf("signature: record signed by trusted key %s\n", v->signed_by);
}

static int print_json(const char *path, const tfa_bundle_verification *v, const char *sha)
{
    json_t *j =
        json_pack("{s:s, s:b, s:I, s:o, s:O?, s:s?}", "bundle", path, "valid", v->valid, "files",
                  (json_int_t)v->files, "detail", v->valid ? json_null() : json_string(v->detail),
                  "ledger", json_object_get(v->manifest, "ledger"), "sha256", sha[0] ? sha : NULL);
    int rc = j ? json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
    json_decref(j);
    if (rc == 0)
        fputc('\n', stdout);
    return rc;
}

/* The SHA-256 of a local file, hex. */
static int file_sha(const char *path, char sha[TFA_SHA256_HEX])
{
    unsigned char d[TFA_SHA256_BYTES], chunk[65536];
    FILE *f = fopen(path, "rb");
    tfa_sha256 ctx;
    size_t n;
    int bad;

    if (!f)
        return -1;
    tfa_sha256_init(&ctx);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        tfa_sha256_update(&ctx, chunk, n);
    bad = ferror(f);
    fclose(f);
    tfa_sha256_final(&ctx, d);
    tfa_sha256_hex(d, sha);
    return bad ? -1 : 0;
}

/* Download and check an s3:// bundle; its SHA-256 into `sha`. */
static int verify_s3(tfa_bundle_verification *v, const char *url, const bundle_opts *o,
                     char sha[TFA_SHA256_HEX], tfa_error *err)
{
    unsigned char d[TFA_SHA256_BYTES];
    char *bucket = NULL, *key = NULL;
    tfa_stream *in = NULL;
    tfa_s3 *s3 = NULL;
    tfa_cli_net_ctx nc;
    tfa_s3_options so;
    int rc;

    if ((rc = tfa_cli_net_init(&nc, &o->net, "bundle verify")) != 0)
        return rc;
    so.http = &nc.http;
    so.env = nc.remote.env;
    so.endpoint = o->endpoint;
    if ((rc = tfa_s3_url_parse(&bucket, &key, url, err)) == 0 &&
        (rc = tfa_s3_new(&s3, &so, err)) == 0 &&
        (rc = tfa_s3_open(&in, s3, bucket, key, url, err)) == 0 &&
        (rc = tfa_bundle_verify_stream(v, in, err)) == 0) {
        tfa_stream_digest(in, d);
        tfa_sha256_hex(d, sha);
    }
    tfa_stream_free(in);
    tfa_s3_free(s3);
    tfa_free(bucket);
    tfa_free(key);
    return rc ? tfa_msg_from_error(err) : 0;
}

static int run_verify(int argc, char **argv)
{
    bundle_opts o = {"text", NULL, NULL, {NULL, 0}, NULL};
    tfa_keyring *trusted = NULL;
    tfa_bundle_verification v;
    tfa_strlist args = {0};
    char sha[TFA_SHA256_HEX] = "";
    tfa_error err;
    int rc = tfa_opts_parse(&verify_spec, argc, argv, &o, &args);

    tfa_error_init(&err);
    memset(&v, 0, sizeof(v));
    if (rc || (o.trusted_keys && (rc = tfa_cli_keyring_load(&trusted, o.trusted_keys)) != 0))
        goto done;
    if (tfa_s3_is_url(args.items[0])) {
        if ((rc = verify_s3(&v, args.items[0], &o, sha, &err)) != 0)
            goto done;
    } else if (tfa_bundle_verify(&v, args.items[0], &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    if (!sha[0] && o.sha256 && file_sha(args.items[0], sha) != 0) {
        rc = tfa_msg_error("cannot read '%s': %s", args.items[0], strerror(errno));
        goto done;
    }
    if (trusted && tfa_bundle_check_signature(&v, trusted) != 0) {
        rc = tfa_msg_error("out of memory");
        goto done;
    }
    if (o.sha256 && v.valid && strcasecmp(o.sha256, sha) != 0) {
        v.valid = 0;
        snprintf(v.detail, sizeof(v.detail), "its sha256 is not the expected %.64s", o.sha256);
    }
    if (strcmp(o.format, "json") == 0) {
        if (print_json(args.items[0], &v, sha) != 0) {
            rc = tfa_msg_error("cannot write the output");
            goto done;
        }
    } else {
        print_text(&v, sha);
    }
    if (fflush(stdout) != 0)
        rc = tfa_msg_error("cannot write the output");
    else
        rc = v.valid ? TFA_EXIT_GO : TFA_EXIT_NOGO;
done:
    tfa_keyring_free(trusted);
    tfa_bundle_verification_release(&v);
    tfa_strlist_release(&args);
    return rc;
}

int tfa_cmd_bundle(int argc, char **argv)
{
    if (argc < 2)
        return tfa_msg_usage("bundle", "bundle needs a subcommand (verify)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        tfa_opts_help(&tfa_cmd_bundle_spec, stdout);
        return TFA_EXIT_HELP;
    }
    if (strcmp(argv[1], "verify") != 0)
        return tfa_msg_usage("bundle", "'%s' is not a bundle subcommand", argv[1]);
    return run_verify(argc - 1, argv + 1);
}
