/*
 * cmd_fetch.c - `tfaudit fetch run RUN_ID`: download an HCP Terraform or
 * Terraform Enterprise run (remote/tfc.h), list what came, and with --out
 * keep the files (storage/outdir.h).
 */
#include "util/compat.h"

#include <jansson.h>

#include "cli_net.h"
#include "commands.h"
#include "exit.h"
#include "msg.h"
#include "render.h"
#include "outdir.h"
#include "net/load.h"
#include "util/sha256.h"
#include "util/jbuild.h"

typedef struct fetch_opts {
    const char *host;
    const char *out;
    int assessment;
    const char *format;
    tfa_cli_net net;
} fetch_opts;

static const tfa_opt options[] = {
    {"host", 0, TFA_OPT_STRING, offsetof(fetch_opts, host), "HOST",
     "HCP Terraform or Terraform Enterprise host (default TF_CLOUD_HOSTNAME or app.terraform.io)",
     NULL},
    {"out", 'o', TFA_OPT_STRING, offsetof(fetch_opts, out), "DIR",
     "write the fetched files into DIR (created if absent)", NULL},
    {"assessment", 0, TFA_OPT_FLAG, offsetof(fetch_opts, assessment), NULL,
     "also fetch the workspace's current health assessment (drift)", NULL},
    {"format", 'f', TFA_OPT_CHOICE, offsetof(fetch_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
    TFA_CLI_NET_OPTIONS(fetch_opts, net),
};

const tfa_cmd_spec tfa_cmd_fetch_spec = {
    "fetch",
    "run RUN_ID [options]",
    "Download an HCP Terraform run: its plan JSON, plan and apply logs",
    "Reads the run (GET /api/v2/runs/RUN_ID?include=plan,apply), the plan's JSON\n"
    "output, the plan log and, when the apply ran, the apply log; with --assessment\n"
    "also the run's workspace's current health assessment (its plan JSON and log).\n"
    "Lists each document with its size and SHA-256; --out DIR writes them as\n"
    "run.json, plan.json, plan.log, apply.log, assessment.json,\n"
    "assessment-plan.json and assessment.log (mode 0600: plan JSON holds sensitive\n"
    "values). To audit a run without keeping files, give tfc:RUN_ID as an INPUT.\n"
    "\n"
    "The API token comes from TF_TOKEN_<host> (dots as '_', hyphens as '__'),\n"
    "TFE_TOKEN, or ~/.terraform.d/credentials.tfrc.json ('terraform login'). It is\n"
    "sent only to HOST, never printed, and a rejected token is named by its source.\n"
    "HOST may be 'http://127.0.0.1:PORT' for a loopback test server.\n",
    options,
    TFA_ARRAY_SIZE(options),
    2,
    2};

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static void file_hex(const tfa_tfc_file *file, char hex[TFA_SHA256_HEX])
{
    unsigned char d[TFA_SHA256_BYTES];
    tfa_sha256_digest(file->data, file->len, d);
    tfa_sha256_hex(d, hex);
}

static void print_text(const tfa_tfc_fetch *f, const char *out_dir)
{
    char hex[TFA_SHA256_HEX];
    size_t i;

    tfa_render_printf(stdout, "run %s on %s: %s", f->run_id, f->host,
                      f->run_status ? f->run_status : "unknown");
    if (f->workspace_id)
        tfa_render_printf(stdout, ", workspace %s", f->workspace_id);
    tfa_render_printf(stdout, ", plan %s, apply %s\n", f->plan_status ? f->plan_status : "absent",
                      f->apply_status ? f->apply_status : "absent");
    if (f->assessment_id)
        tfa_render_printf(stdout, "assessment %s: %s\n", f->assessment_id,
                          f->drifted == 1   ? "drift detected"
                          : f->drifted == 0 ? "no drift"
                                            : "drift unknown");
    for (i = 0; i < f->n_files; i++) {
        file_hex(&f->files[i], hex);
        tfa_render_printf(stdout, "  %-21s %10zu bytes  sha256 %s\n", f->files[i].name,
                          f->files[i].len, hex);
    }
    if (out_dir)
        tfa_render_printf(stdout, "wrote %zu files to %s\n", f->n_files, out_dir);
}

static int print_json(const tfa_tfc_fetch *f, const char *out_dir)
{
    json_t *root = json_object(), *run = json_object(), *files = json_array(), *a = json_null();
    char hex[TFA_SHA256_HEX];
    size_t i;
    int bad = 0;

    /* every member checked: a failed one makes no document, never one a
     * member short (tfa_render_json reports it) */
    tfa_jbuild_set(run, "id", str_or_null(f->run_id), &bad);
    tfa_jbuild_set(run, "status", str_or_null(f->run_status), &bad);
    tfa_jbuild_set(run, "workspace", str_or_null(f->workspace_id), &bad);
    tfa_jbuild_set(run, "plan_status", str_or_null(f->plan_status), &bad);
    tfa_jbuild_set(run, "apply_status", str_or_null(f->apply_status), &bad);
    if (f->assessment_id) {
        a = json_object();
        tfa_jbuild_set(a, "id", json_string(f->assessment_id), &bad);
        tfa_jbuild_set(a, "drifted", f->drifted < 0 ? json_null() : json_boolean(f->drifted), &bad);
    }
    for (i = 0; i < f->n_files; i++) {
        json_t *one = json_object();
        file_hex(&f->files[i], hex);
        tfa_jbuild_set(one, "name", json_string(f->files[i].name), &bad);
        tfa_jbuild_set(one, "source", json_string(f->files[i].source), &bad);
        tfa_jbuild_set(one, "bytes", json_integer((json_int_t)f->files[i].len), &bad);
        tfa_jbuild_set(one, "sha256", json_string(hex), &bad);
        tfa_jbuild_append(files, one, &bad);
    }
    tfa_jbuild_set(root, "host", json_string(f->host), &bad);
    tfa_jbuild_set(root, "run", run, &bad);
    tfa_jbuild_set(root, "assessment", a, &bad);
    tfa_jbuild_set(root, "files", files, &bad);
    tfa_jbuild_set(root, "out", str_or_null(out_dir), &bad);
    return tfa_render_json(tfa_jbuild_done(root, bad));
}

static int write_files(const tfa_tfc_fetch *f, const char *dir, tfa_error *err)
{
    tfa_outdir *d = NULL;
    size_t i;
    int rc = tfa_outdir_open(&d, dir, err);

    for (i = 0; rc == 0 && i < f->n_files; i++)
        rc = tfa_outdir_write(d, f->files[i].name, f->files[i].data, f->files[i].len, err);
    tfa_outdir_free(d);
    return rc;
}

/* The fetching itself; 0 or a tfa_status with `err` set. */
static int fetch(tfa_tfc_fetch **out, const fetch_opts *o, const char *run_id,
                 const tfa_cli_net_ctx *nc, tfa_error *err)
{
    tfa_tfc_session s;
    int rc;

    *out = NULL;
    if ((rc = tfa_tfc_session_open(&s, o->host, &nc->remote, err)) != 0 ||
        (rc = tfa_tfc_fetch_new(out, s.base_url, err)) != 0 ||
        (rc = tfa_tfc_fetch_run(*out, run_id, &s.opts, err)) != 0)
        goto done;
    if (o->assessment) {
        if (!(*out)->workspace_id)
            rc = tfa_error_set(err, TFA_EINPUT, "the run names no workspace to assess");
        else
            rc = tfa_tfc_fetch_assessment(*out, (*out)->workspace_id, &s.opts, err);
    }
    if (rc == 0 && o->out)
        rc = write_files(*out, o->out, err);
done:
    tfa_tfc_session_release(&s);
    return rc;
}

int tfa_cmd_fetch(int argc, char **argv)
{
    fetch_opts o = {NULL, NULL, 0, "text", {NULL, 0}};
    tfa_strlist args = {0};
    tfa_tfc_fetch *f = NULL;
    tfa_cli_net_ctx nc;
    tfa_error err;
    int rc = tfa_opts_parse(&tfa_cmd_fetch_spec, argc, argv, &o, &args);

    tfa_error_init(&err);
    if (rc)
        goto done;
    if (strcmp(args.items[0], "run") != 0) {
        rc = tfa_msg_usage("fetch", "cannot fetch '%s' (only 'run')", args.items[0]);
        goto done;
    }
    if (!tfa_tfc_id_valid(args.items[1], "run-")) {
        rc = tfa_msg_usage("fetch", "'%s' is not a run ID (run- and letters or digits)",
                           args.items[1]);
        goto done;
    }
    if ((rc = tfa_cli_net_init(&nc, &o.net, "fetch")) != 0)
        goto done;
    if (fetch(&f, &o, args.items[1], &nc, &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    if (strcmp(o.format, "json") == 0)
        rc = print_json(f, o.out);
    else
        print_text(f, o.out);
    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout)))
        rc = tfa_msg_error("cannot write the output");
done:
    tfa_tfc_fetch_free(f);
    tfa_strlist_release(&args);
    return rc;
}
