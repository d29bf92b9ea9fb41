/*
 * cmd_archive.c - `tfaudit archive --to s3://BUCKET/PREFIX/ INPUT...`: pack
 * a run's inputs into one audit bundle, redacted, and upload it to S3
 * (engine/s3_archive.h).
 */
#include "util/compat.h"

#include <jansson.h>
#include <unistd.h>

#include "cli_inputs.h"
#include "cli_net.h"
#include "cli_time.h"
#include "commands.h"
#include "util/utc.h"
#include "exit.h"
#include "msg.h"
#include "render.h"
#include "s3_archive.h"
#include "util/jbuild.h"

typedef struct archive_opts {
    const char *to, *workspace, *retain_until, *sse, *endpoint, *now, *format, *multipart;
    int raw;
    tfa_cli_net net;
} archive_opts;

static const tfa_opt options[] = {
    {"to", 0, TFA_OPT_STRING, offsetof(archive_opts, to), "s3://BUCKET/PREFIX/",
     "where to upload (required)", NULL},
    {"workspace", 'w', TFA_OPT_STRING, offsetof(archive_opts, workspace), "NAME",
     "workspace, the next key component (default 'default')", NULL},
    {"raw", 0, TFA_OPT_FLAG, offsetof(archive_opts, raw), NULL,
     "keep the inputs as they are: no redaction, logs included", NULL},
    {"retain-until", 0, TFA_OPT_STRING, offsetof(archive_opts, retain_until), "TIME",
     "S3 Object Lock, compliance mode, until TIME: " TFA_UTC_FORMS, NULL},
    {"sse", 0, TFA_OPT_CHOICE, offsetof(archive_opts, sse), "ALGORITHM",
     "server-side encryption: aws:kms or AES256", "aws:kms|AES256"},
    {"endpoint", 0, TFA_OPT_STRING, offsetof(archive_opts, endpoint), "URL",
     "S3-compatible endpoint (path-style), instead of AWS_ENDPOINT_URL_S3 or AWS", NULL},
    {"now", 0, TFA_OPT_STRING, offsetof(archive_opts, now), "TIME",
     TFA_CLI_NOW_HELP("name and date the archive"), NULL},
    {"multipart-threshold", 0, TFA_OPT_STRING, offsetof(archive_opts, multipart), "SIZE",
     "archives over SIZE (K, M, G; at most 5G) go as multipart uploads (default 128M)", NULL},
    {"format", 'f', TFA_OPT_CHOICE, offsetof(archive_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
    TFA_CLI_NET_OPTIONS(archive_opts, net),
};

const tfa_cmd_spec tfa_cmd_archive_spec = {
    "archive",
    "--to s3://BUCKET/PREFIX/ [options] INPUT...",
    "Pack inputs into a redacted audit bundle and upload it to S3",
    "Uploads PREFIX/WORKSPACE/<UTC time>.tar.gz: a deterministic tar.gz of the\n"
    "inputs with manifest.json (path, kind, bytes and sha256 of every input, as\n"
    "given and as archived, tool version, time, \"redacted\": true|false). Prints\n"
    "the object's URL and the archive's SHA-256; 'tfaudit bundle verify s3://...'\n"
    "checks it later.\n"
    "\n"
    "By default the values Terraform marks sensitive are replaced in plans and\n"
    "'terraform show -json' states (everything else is kept byte for byte), and\n"
    "what cannot be redacted is left out with a warning naming it: logs (free\n"
    "text, no sensitivity marks), raw terraform.tfstate files, anything else.\n"
    "--raw keeps every input as it is, for buckets that are the system of record.\n"
    "\n"
    "INPUT is a file or s3://BUCKET/KEY (s3://BUCKET/PREFIX/ for every object\n"
    "under it). Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
    "AWS_SESSION_TOKEN, or AWS_PROFILE with ~/.aws/credentials and ~/.aws/config;\n"
    "region: AWS_REGION or AWS_DEFAULT_REGION. The archive is compressed on every\n"
    "core as gzip members (any gzip or tar reads it; blocks that do not compress\n"
    "are stored). Up to --multipart-threshold it is held (in memory up to the\n"
    "default 128M; past a higher threshold, in an unnamed file in $TMPDIR) and\n"
    "sent as one PUT; past it, as a multipart upload in 16 MiB parts, 4 at once\n"
    "while it is compressed, aborted on any failure. With --raw and local files\n"
    "only, it is not held: measured first, then packed again while it is sent,\n"
    "and refused unless the bytes sent are the ones measured. Every body's\n"
    "SHA-256 is signed.\n"
    "Exit status: 0 uploaded, 2 error.\n",
    options,
    TFA_ARRAY_SIZE(options),
    1,
    TFA_ARGS_UNLIMITED};

static int print_json(const tfa_s3_archive_result *r, int raw)
{
    json_t *omitted = json_array(), *j;
    size_t i;
    int rc, bad = 0;

    for (i = 0; i < r->n_omitted; i++)
        tfa_jbuild_append(omitted,
                          json_pack("{s:s, s:s, s:s}", "path", r->omitted[i].path, "kind",
                                    r->omitted[i].kind, "reason", r->omitted[i].reason),
                          &bad);
    /* a list an entry short would hide an omitted input: no document */
    if (!(omitted = tfa_jbuild_done(omitted, bad)))
        return -1;
    j = json_pack("{s:s, s:s, s:s, s:I, s:i, s:b, s:I, s:I, s:o}", "object", r->object, "url",
                  r->url, "sha256", r->sha256, "bytes", (json_int_t)r->bytes, "parts",
                  (int)r->parts, "redacted", !raw, "included", (json_int_t)r->included,
                  "redacted_values", (json_int_t)r->redacted_values, "omitted", omitted);
    rc = j ? json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
    json_decref(j);
    if (rc == 0)
        fputc('\n', stdout);
    return rc;
}

static void print_text(const tfa_s3_archive_result *r, int raw)
{
    tfa_render_printf(stdout, "archived %zu input%s (%s) to %s\n", r->included,
                      r->included == 1 ? "" : "s", raw ? "raw, not redacted" : "redacted",
                      r->object);
    tfa_render_printf(stdout, "url: %s\n", r->url);
    tfa_render_printf(stdout, "sha256: %s\n", r->sha256);
    if (r->parts)
        printf("bytes: %llu (multipart upload, %u parts)\n", (unsigned long long)r->bytes,
               r->parts);
    else
        printf("bytes: %llu\n", (unsigned long long)r->bytes);
}

int tfa_cmd_archive(int argc, char **argv)
{
    archive_opts o = {NULL, NULL, NULL, NULL, NULL, NULL, "text", NULL, 0, {NULL, 0}};
    tfa_s3_archive_options ao;
    tfa_s3_archive_result res;
    tfa_strlist args = {0};
    tfa_cli_net_ctx nc;
    tfa_error err;
    size_t i;
    int rc = tfa_opts_parse(&tfa_cmd_archive_spec, argc, argv, &o, &args);

    tfa_error_init(&err);
    memset(&res, 0, sizeof(res));
    memset(&ao, 0, sizeof(ao));
    if (rc)
        goto done;
    if (!o.to) {
        rc = tfa_msg_usage("archive", "--to s3://BUCKET/PREFIX/ is required");
        goto done;
    }
    if (o.multipart && tfa_cli_parse_size(o.multipart, &ao.put.multipart_over) != 0) {
        rc = tfa_msg_usage("archive", "--multipart-threshold '%.40s' is not a size (128M, 1G)",
                           o.multipart);
        goto done;
    }
    if ((rc = tfa_cli_now(o.now, &ao.now)) != 0 || (rc = tfa_cli_net_init(&nc, &o.net, "archive")))
        goto done;
    ao.to = o.to;
    ao.workspace = o.workspace;
    ao.raw = o.raw;
    ao.retain_until = o.retain_until;
    ao.sse = o.sse;
    ao.tool_version = TFA_VERSION;
    ao.s3.http = &nc.http;
    ao.s3.env = nc.remote.env;
    ao.s3.endpoint = o.endpoint;
    if (tfa_s3_archive_run(&res, args.items, args.n, &ao, &err) != 0) {
        for (i = 0; i < res.n_omitted; i++)
            tfa_msg_warn("input '%s' (%s) left out of the archive: %s", res.omitted[i].path,
                         res.omitted[i].kind, res.omitted[i].reason);
        rc = err.status == TFA_EUSAGE && !err.source[0]
                 ? tfa_msg_usage("archive", "%s", err.message)
                 : tfa_msg_from_error(&err);
        goto done;
    }
    for (i = 0; i < res.n_omitted; i++)
        tfa_msg_warn("input '%s' (%s) left out of the archive: %s", res.omitted[i].path,
                     res.omitted[i].kind, res.omitted[i].reason);
    if (strcmp(o.format, "json") == 0)
        rc = print_json(&res, o.raw) ? tfa_msg_error("cannot write the output") : 0;
    else
        print_text(&res, o.raw);
    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout)))
        rc = tfa_msg_error("cannot write the output");
done:
    tfa_s3_archive_result_release(&res);
    tfa_strlist_release(&args);
    return rc;
}
