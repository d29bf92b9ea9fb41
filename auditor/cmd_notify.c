/*
 * cmd_notify.c - `tfaudit notify`: post a recorded verdict to a webhook.
 *
 * A maintenance command: it re-sends (or shows) the notification `gate
 * --notify` sends after recording a verdict, from the verdict record's JSON
 * (`ledger show ID --format json`), for testing a webhook or replaying one
 * that failed. Unlike gate, a failed post is this command's failure: exit 2.
 */
#include "util/compat.h"

#include <jansson.h>

#include "cli_net.h"
#include "commands.h"
#include "exit.h"
#include "msg.h"
#include "net/notify.h"

typedef struct notify_opts {
    const char *url;
    const char *record;
    int dry_run;
    tfa_cli_net net;
} notify_opts;

static const tfa_opt options[] = {
    {"url", 0, TFA_OPT_STRING, offsetof(notify_opts, url), "URL",
     "the webhook (https; a Slack incoming webhook or anything that takes JSON)", NULL},
    {"record", 0, TFA_OPT_STRING, offsetof(notify_opts, record), "FILE",
     "the verdict record, as JSON ('-' for standard input)", NULL},
    {"dry-run", 'n', TFA_OPT_FLAG, offsetof(notify_opts, dry_run), NULL,
     "print the body that would be posted instead of posting it", NULL},
    TFA_CLI_NET_OPTIONS(notify_opts, net),
};

const tfa_cmd_spec tfa_cmd_notify_spec = {
    "notify",
    "--record FILE (--url URL | --dry-run) [options]",
    "Post a verdict record to a webhook, as gate --notify does",
    "The body is Slack-compatible: {\"text\": \"tfaudit: *NO-GO* for workspace ...\",\n"
    "\"tfaudit\": {\"verdict\", \"workspace\", \"window\", \"operator\", \"time\",\n"
    "\"checklist\", \"failing\": [{\"id\", \"title\", \"status\", \"level\"}],\n"
    "\"failing_count\", \"ledger\": {\"id\", \"hash\"}}}. Only these fields are taken from\n"
    "the record; item evidence is never sent. The webhook URL is treated as a secret:\n"
    "messages show only its host.\n",
    options,
    TFA_ARRAY_SIZE(options),
    0,
    0};

static json_t *load_record(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    json_error_t jerr;
    json_t *rec;

    if (!f) {
        tfa_msg_error("%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    rec = json_loadf(f, 0, &jerr);
    if (f != stdin)
        fclose(f);
    if (!rec)
        tfa_msg_error("%s:%d:%d: not a JSON verdict record", path, jerr.line, jerr.column);
    return rec;
}

int tfa_cmd_notify(int argc, char **argv)
{
    notify_opts o = {NULL, NULL, 0, {NULL, 0}};
    tfa_notify_options no = {NULL};
    tfa_strlist args = {0};
    tfa_cli_net_ctx nc;
    json_t *rec = NULL, *body = NULL;
    tfa_error err;
    int rc = tfa_opts_parse(&tfa_cmd_notify_spec, argc, argv, &o, &args);

    tfa_error_init(&err);
    if (rc)
        goto done;
    if (!o.record || (!o.url && !o.dry_run)) {
        rc = tfa_msg_usage("notify", "notify needs --record and --url (or --dry-run)");
        goto done;
    }
    if (!(rec = load_record(o.record))) {
        rc = TFA_EXIT_USAGE;
        goto done;
    }
    if (o.dry_run) {
        if (tfa_notify_body(&body, rec, &err) != 0) {
            rc = tfa_msg_from_error(&err);
            goto done;
        }
        if (json_dumpf(body, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
            fputc('\n', stdout) == EOF || fflush(stdout) != 0)
            rc = tfa_msg_error("cannot write the output");
        goto done;
    }
    if ((rc = tfa_cli_net_init(&nc, &o.net, "notify")) != 0)
        goto done;
    no.http = &nc.http;
    if (tfa_notify_post(o.url, rec, &no, &err) != 0)
        rc = tfa_msg_from_error(&err);
done:
    json_decref(body);
    json_decref(rec);
    tfa_strlist_release(&args);
    return rc;
}
