/*
 * cli_net.c - options and environment -> HTTP and remote settings (see cli_net.h).
 */
#include "util/compat.h"

#include <unistd.h>

#include "cli_net.h"
#include "msg.h"

static void trace_line(void *payload, const char *msg)
{
    (void)payload;
    tfa_msg_verbose(msg);
}

/* A TFAUDIT_HTTP_* number in [lo, hi] into *out; absent leaves *out alone. */
static int knob(const char *name, long long lo, long long hi, long long *out, const char *cmd)
{
    const char *v = getenv(name);
    char *end;
    long long n;

    if (!v || !*v)
        return 0;
    errno = 0;
    n = strtoll(v, &end, 10);
    if (errno || *end || n < lo || n > hi)
        return tfa_msg_usage(cmd, "%s must be a whole number from %lld to %lld, not '%s'", name, lo,
                             hi, v);
    *out = n;
    return 0;
}

int tfa_cli_net_init(tfa_cli_net_ctx *ctx, const tfa_cli_net *net, const char *cmd)
{
    tfa_http_options *h = &ctx->http;
    long long retries, backoff, connect, timeout, speed, speed_time, max;
    int rc;

    memset(ctx, 0, sizeof(*ctx));
    tfa_http_options_init(h);
    retries = h->max_retries, backoff = h->backoff_ms, connect = h->connect_timeout_ms / 1000;
    timeout = h->timeout_ms / 1000, speed = h->low_speed_bytes, speed_time = h->low_speed_seconds;
    max = (long long)h->max_bytes;
    if ((rc = knob("TFAUDIT_HTTP_RETRIES", 0, 20, &retries, cmd)) != 0 ||
        (rc = knob("TFAUDIT_HTTP_BACKOFF_MS", 1, 600000, &backoff, cmd)) != 0 ||
        (rc = knob("TFAUDIT_HTTP_CONNECT_TIMEOUT", 1, 3600, &connect, cmd)) != 0 ||
        (rc = knob("TFAUDIT_HTTP_TIMEOUT", 1, 86400, &timeout, cmd)) != 0 ||
        (rc = knob("TFAUDIT_HTTP_LOW_SPEED_LIMIT", 1, 1LL << 40, &speed, cmd)) != 0 ||
        (rc = knob("TFAUDIT_HTTP_LOW_SPEED_TIME", 1, 3600, &speed_time, cmd)) != 0 ||
        (rc = knob("TFAUDIT_HTTP_MAX_BYTES", 1, 1LL << 50, &max, cmd)) != 0)
        return rc;
    h->max_retries = (unsigned)retries;
    h->backoff_ms = (long)backoff;
    h->connect_timeout_ms = (long)connect * 1000;
    h->timeout_ms = (long)timeout * 1000;
    h->low_speed_bytes = (long)speed;
    h->low_speed_seconds = (long)speed_time;
    h->max_bytes = (uint64_t)max;
    if (net) {
        h->cacert = net->cacert;
        if (net->verbose)
            h->trace = trace_line;
    }
    ctx->remote.http = h;
    ctx->remote.env.environ = (const char *const *)environ;
    ctx->remote.env.home = getenv("HOME");
    ctx->remote.tfc_host = getenv("TF_CLOUD_HOSTNAME");
    if (ctx->remote.tfc_host && !*ctx->remote.tfc_host)
        ctx->remote.tfc_host = NULL;
    return 0;
}
