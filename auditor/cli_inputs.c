/*
 * cli_inputs.c - INPUT... -> run (see cli_inputs.h).
 */
#include "util/compat.h"

#include "cli_inputs.h"
#include "exit.h"
#include "input.h"
#include "msg.h"
#include "net/load.h"

int tfa_cli_parse_size(const char *s, uint64_t *out)
{
    static const char units[] = "kmg";
    unsigned long long n;
    const char *u;
    char *end;
    int shift = 0;

    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    n = strtoull(s, &end, 10);
    if (errno != 0 || n == 0)
        return -1;
    if (*end) {
        if (end[1] || !(u = strchr(units, *end | 0x20)))
            return -1;
        shift = 10 * (int)(u - units + 1);
    }
    if (n > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)n << shift;
    return 0;
}

/* One INPUT: remote forms go to remote/load.h, with network settings made
 * on first use (so a bad TFAUDIT_HTTP_* only matters when it is used). */
static int load_one(tfa_run *run, const char *path, const tfa_load_options *lo, tfa_cli_net_ctx *nc,
                    int *nc_ready, const tfa_cli_net *net, const char *cmd, tfa_error *err)
{
    if (!tfa_remote_is_input(path))
        return tfa_run_load(run, path, lo, err);
    if (!*nc_ready && tfa_cli_net_init(nc, net, cmd) != 0)
        return TFA_EUSAGE; /* already reported */
    *nc_ready = 1;
    return tfa_run_load_remote(run, path, lo, &nc->remote, err);
}

int tfa_cli_load_options(tfa_load_options *lo, const tfa_cli_inputs *in, const char *cmd)
{
    if (in->kind && (lo->kind = tfa_kind_from_name(in->kind)) == TFA_KIND_UNKNOWN)
        return tfa_msg_usage(cmd, "unknown kind '%s' (plan, ui-log, text-log, state)", in->kind);
    if (in->max_bytes && tfa_cli_parse_size(in->max_bytes, &lo->limits.archive_total_bytes) != 0)
        return tfa_msg_usage(cmd, "invalid value '%s' for --max-bytes (a size such as 512M or 8G)",
                             in->max_bytes);
    lo->skip_unknown = in->skip_unknown.items;
    lo->n_skip_unknown = in->skip_unknown.n;
    return 0;
}

void tfa_cli_inputs_release(tfa_cli_inputs *in)
{
    tfa_strlist_release(&in->skip_unknown);
}

int tfa_cli_load_net(tfa_run **out, const tfa_strlist *paths, const tfa_cli_inputs *in,
                     const char *cmd, const tfa_cli_net *net)
{
    tfa_cli_net_ctx nc;
    int nc_ready = 0;
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_run *run = NULL;
    tfa_error err;
    size_t i;
    int rc = 0;

    *out = NULL;
    tfa_error_init(&err);
    if ((rc = tfa_cli_load_options(&lo, in, cmd)) != 0)
        return rc;
    if (tfa_run_new(&run) != 0)
        return tfa_msg_error("out of memory");
    for (i = 0; i < paths->n && rc == 0; i++)
        rc = load_one(run, paths->items[i], &lo, &nc, &nc_ready, net, cmd, &err);
    if (rc) {
        if (err.status)
            tfa_msg_from_error(&err);
        tfa_run_free(run);
        return TFA_EXIT_USAGE;
    }
    tfa_msg_notes(run);
    *out = run;
    return 0;
}

int tfa_cli_load_each(const tfa_strlist *paths, const tfa_cli_inputs *in, const char *cmd,
                      const tfa_cli_net *net, tfa_document_fn fn, void *payload, tfa_run **skipped)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_cli_net_ctx nc;
    tfa_error err, failed;
    int nc_ready = 0, rc = 0;
    size_t i;

    *skipped = NULL;
    if ((rc = tfa_cli_load_options(&lo, in, cmd)) != 0)
        return rc;
    lo.each_document = fn;
    lo.each_document_payload = payload;
    lo.unpinned = 1; /* its one caller, summarize, shows documents, not pins */
    if (tfa_run_new(skipped) != 0)
        return tfa_msg_error("out of memory");
    for (i = 0; i < paths->n && rc == 0; i++) {
        size_t notes = tfa_run_note_count(*skipped);
        tfa_error_init(&err);
        rc = load_one(*skipped, paths->items[i], &lo, &nc, &nc_ready, net, cmd, &err);
        tfa_msg_notes_since(*skipped, notes); /* what this input skipped, before its error */
        if (rc == TFA_ENOMEM || rc == TFA_EUSAGE)
            break; /* out of memory, or a setting (network, credentials) wrong for all */
        if (rc == 0)
            continue;
        failed = err; /* the container failed: report it, go on with the next input */
        tfa_error_set_source(&failed, paths->items[i]);
        tfa_error_init(&err);
        rc = fn(payload, NULL, &failed, &err);
    }
    if (rc) {
        if (err.status)
            tfa_msg_from_error(&err);
        else if (rc != TFA_EUSAGE)
            tfa_msg_error("out of memory");
        tfa_run_free(*skipped);
        *skipped = NULL;
        return TFA_EXIT_USAGE;
    }
    return 0;
}

int tfa_cli_load(tfa_run **out, const tfa_strlist *paths, const tfa_cli_inputs *in, const char *cmd)
{
    return tfa_cli_load_net(out, paths, in, cmd, NULL);
}

int tfa_cli_load_inputs(tfa_run **out, const tfa_strlist *paths, const char *kind, const char *cmd)
{
    tfa_cli_inputs in = {kind, NULL, {NULL, 0, 0, NULL}};
    return tfa_cli_load_net(out, paths, &in, cmd, NULL);
}

int tfa_cli_load_inputs_net(tfa_run **out, const tfa_strlist *paths, const char *kind,
                            const char *cmd, const tfa_cli_net *net)
{
    tfa_cli_inputs in = {kind, NULL, {NULL, 0, 0, NULL}};
    return tfa_cli_load_net(out, paths, &in, cmd, net);
}
