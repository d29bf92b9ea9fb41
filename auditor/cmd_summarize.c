/*
 * cmd_summarize.c - `tfaudit summarize`: what each input is and says.
 */
#include "util/compat.h"

#include <jansson.h>

#include "cli_inputs.h"
#include "commands.h"
#include "exit.h"
#include "facts.h"
#include "msg.h"
#include "render.h"
#include "util/alloc.h"
#include "util/jbuild.h"

typedef struct summarize_opts {
    const char *format;
    tfa_cli_inputs in;
    tfa_cli_net net;
} summarize_opts;

static const tfa_opt options[] = {
    {"format", 'f', TFA_OPT_CHOICE, offsetof(summarize_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
    TFA_CLI_INPUT_OPTIONS(summarize_opts, in),
    TFA_CLI_NET_OPTIONS(summarize_opts, net),
};

const tfa_cmd_spec tfa_cmd_summarize_spec = {
    "summarize",
    "[options] INPUT...",
    "Summarize plans, logs and states: kind, versions, change counts, drift",
    "INPUT is a file, '-' for standard input, a directory (walked in name order,\n"
    "links not followed), an archive (tar, tar.gz/bz2/xz/zst, zip, or a single\n"
    "compressed file such as plan.json.gz, read in memory; members are named\n"
    "ARCHIVE!PATH), an https:// URL, or tfc:[HOST/]run-ID (an HCP Terraform run's\n"
    "plan JSON and logs) or tfc:[HOST/]ws-ID (a workspace's current assessment).\n"
    "Kinds are detected from content. Every input is read and shown: one that\n"
    "cannot be read or identified (also inside a directory or archive, unless\n"
    "--skip-unknown skips it) is reported on stderr and in the JSON with its\n"
    "error, the others are still shown, and the exit status is then 2. The JSON\n"
    "format is a stable contract:\n"
    "  {\"inputs\": [{\"path\", \"kind\", \"sha256\", \"bytes\", \"encoding\", \"facts\": "
    "{...}}\n"
    "              | {\"path\", \"error\"}],\n"
    "   \"skipped\": [{\"path\", \"reason\"}]}\n",
    options,
    TFA_ARRAY_SIZE(options),
    1,
    TFA_ARGS_UNLIMITED};

/* Terraform's own summary line (views/operation.go wording). */
static void plan_line(FILE *out, const tfa_counts *c, int no_changes)
{
    if (no_changes) {
        fputs("  No changes. Your infrastructure matches the configuration.\n", out);
        return;
    }
    fputs("  Plan: ", out);
    if (c->import)
        fprintf(out, "%ld to import, ", c->import);
    fprintf(out, "%ld to add, %ld to change, %ld to destroy", c->add, c->change, c->destroy);
    if (c->forget)
        fprintf(out, ", %ld to forget", c->forget);
    fputs(".\n", out);
}

/* A log's last summary, worded as Terraform prints it for its operation. */
static void summary_line(FILE *out, const char *op, const tfa_counts *c, int no_changes)
{
    if (op && strcmp(op, "apply") == 0) {
        fputs("  Apply complete! Resources: ", out);
        if (c->import)
            fprintf(out, "%ld imported, ", c->import);
        fprintf(out, "%ld added, %ld changed, %ld destroyed", c->add, c->change, c->destroy);
        if (c->forget)
            fprintf(out, ", %ld forgotten", c->forget);
        fputs(".\n", out);
    } else if (op && strcmp(op, "destroy") == 0) {
        fprintf(out, "  Destroy complete! Resources: %ld destroyed.\n", c->destroy);
    } else {
        plan_line(out, c, no_changes);
    }
}

static void drift_line(FILE *out, long drift)
{
    if (drift == 0)
        fputs("  Drift: none detected.\n", out);
    else
        tfa_render_printf(out, "  Drift: %ld resource%s changed outside of Terraform.\n", drift,
                          drift == 1 ? "" : "s");
}

static void text_input(FILE *out, const tfa_input *in)
{
    const tfa_counts *c;
    char hex[TFA_SHA256_HEX];

    tfa_sha256_hex(in->sha256, hex);
    tfa_render_printf(out, "%s: %s", in->path, tfa_kind_name(in->kind));
    if (in->format_version)
        tfa_render_printf(out, ", format %s", in->format_version);
    if (in->kind == TFA_KIND_PLAN && in->plan.plan_format_version)
        tfa_render_printf(out, ", plan format %s", in->plan.plan_format_version);
    if (in->tool_version)
        tfa_render_printf(out, ", %s %s",
                          in->tool && strcmp(in->tool, "opentofu") == 0 ? "OpenTofu" : "Terraform",
                          in->tool_version);
    fputc('\n', out);
    switch (in->kind) {
    case TFA_KIND_PLAN:
        c = &in->plan.counts;
        plan_line(out, c, !c->add && !c->change && !c->destroy && !c->import && !c->forget);
        drift_line(out, in->plan.drift);
        if (in->plan.errored == TFA_TRUE)
            fputs("  Errored: the plan did not complete.\n", out);
        break;
    case TFA_KIND_UI_LOG:
    case TFA_KIND_TEXT_LOG:
        tfa_render_printf(out, "  Operation: %s\n",
                          in->log.operation ? in->log.operation : "unknown");
        if (in->log.has_counts)
            summary_line(out, in->log.operation, &in->log.counts, in->log.no_changes);
        drift_line(out, in->log.drift);
        fprintf(out, "  Errors: %ld, applied: %ld, apply errors: %ld\n", in->log.errors,
                in->log.applied, in->log.apply_errors);
        break;
    case TFA_KIND_STATE:
        fprintf(out, "  Resources: %ld managed, %ld data sources\n", in->state.resources,
                in->state.data_sources);
        break;
    default:
        break;
    }
    tfa_render_printf(out, "  %llu bytes, sha256 %s\n", (unsigned long long)in->bytes, hex);
}

/* What summarize has shown so far: the JSON entries, or text printed as
 * each document arrives. */
typedef struct summary {
    int json;
    json_t *inputs;
    size_t failed;
} summary;

/* One document, read or not (tfa_cli_load_each): shown, or its error
 * reported and the others still shown. */
static int on_document(void *payload, const tfa_run *doc, const tfa_error *failed, tfa_error *err)
{
    summary *s = payload;
    char line[TFA_ERROR_SOURCE_MAX + TFA_ERROR_MESSAGE_MAX];
    size_t i;

    if (failed) {
        s->failed++;
        tfa_msg_from_error(failed);
        if (!s->json)
            return 0;
        tfa_error_format(failed, line, sizeof(line));
        return json_array_append_new(s->inputs,
                                     json_pack("{s:s, s:s}", "path", failed->source, "error", line))
                   ? tfa_error_oom(err)
                   : 0;
    }
    tfa_msg_notes(doc); /* the readers' notes (a cut-off last line...) */
    for (i = 0; i < tfa_run_input_count(doc); i++) {
        if (!s->json)
            text_input(stdout, tfa_run_input(doc, i));
        else if (json_array_append_new(s->inputs, tfa_input_to_json(doc, i)) != 0)
            return tfa_error_oom(err);
    }
    return 0;
}

/* Members --skip-unknown skipped, for the JSON output. */
static json_t *skipped_json(const tfa_run *notes)
{
    json_t *a = json_array();
    size_t i;
    int bad = 0;
    for (i = 0; i < tfa_run_note_count(notes); i++) {
        const tfa_note *n = tfa_run_note(notes, i);
        if (n->path)
            tfa_jbuild_append(a, json_pack("{s:s, s:s}", "path", n->path, "reason", n->message),
                              &bad);
    }
    return tfa_jbuild_done(a, bad);
}

static int print_json(summary *s, const tfa_run *notes)
{
    json_t *root = json_object();
    int bad = 0;

    tfa_jbuild_set(root, "inputs", json_incref(s->inputs), &bad);
    if (tfa_run_note_count(notes)) /* only when --skip-unknown skipped something */
        tfa_jbuild_set(root, "skipped", skipped_json(notes), &bad);
    return tfa_render_json(tfa_jbuild_done(root, bad));
}

int tfa_cmd_summarize(int argc, char **argv)
{
    summarize_opts o = {"text", {NULL, NULL, {NULL, 0, 0, NULL}}, {NULL, 0}};
    summary s = {0, NULL, 0};
    tfa_strlist args = {0};
    tfa_run *notes = NULL;
    int rc = tfa_opts_parse(&tfa_cmd_summarize_spec, argc, argv, &o, &args);

    if (rc)
        goto done;
    s.json = strcmp(o.format, "json") == 0;
    if (!(s.inputs = json_array())) {
        rc = tfa_msg_error("out of memory");
        goto done;
    }
    if ((rc = tfa_cli_load_each(&args, &o.in, "summarize", &o.net, on_document, &s, &notes)) != 0)
        goto done;
    if (s.json)
        rc = print_json(&s, notes);
    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout)))
        rc = tfa_msg_error("cannot write the output");
    if (rc == 0 && s.failed) /* every input shown; an unreadable one still fails the run */
        rc = TFA_EXIT_USAGE;
done:
    json_decref(s.inputs);
    tfa_run_free(notes);
    tfa_cli_inputs_release(&o.in);
    tfa_strlist_release(&args);
    return rc;
}
