/*
 * cmd_signoff.c - `tfaudit sign-off`: a signed sign-off token for one
 * manual item (its role) of one plan (its pin), for `gate --sign-off` with
 * `--allowed-signers` (checklist/waivers.h).
 */
#include "util/compat.h"

#include "cli_inputs.h"
#include "cli_time.h"
#include "commands.h"
#include "util/utc.h"
#include "exit.h"
#include "msg.h"
#include "pin.h"
#include "util/buf.h"
#include "waivers.h"

#define DEFAULT_VALIDITY (24 * 3600) /* a sign-off is for this window, not forever */

typedef struct signoff_opts {
    const char *key, *role, *note, *expires, *now;
    tfa_cli_net net;
} signoff_opts;

static const tfa_opt options[] = {
    {"key", 'k', TFA_OPT_STRING, offsetof(signoff_opts, key), "FILE",
     "the signer's Ed25519 private key (required)", NULL},
    {"role", 'r', TFA_OPT_STRING, offsetof(signoff_opts, role), "ROLE",
     "the manual item signed off, e.g. leadership (required)", NULL},
    {"note", 0, TFA_OPT_STRING, offsetof(signoff_opts, note), "TEXT",
     "a note kept with the sign-off (a change ticket)", NULL},
    {"expires", 0, TFA_OPT_STRING, offsetof(signoff_opts, expires), "WHEN",
     "Nm, Nh or Nd from now, or a time: " TFA_UTC_FORMS " (default: 24h)", NULL},
    {"now", 0, TFA_OPT_STRING, offsetof(signoff_opts, now), "TIME", TFA_CLI_NOW_HELP("sign"), NULL},
    TFA_CLI_NET_OPTIONS(signoff_opts, net),
};

const tfa_cmd_spec tfa_cmd_signoff_spec = {
    "sign-off",
    "--key FILE --role ROLE [--note TEXT] [--expires WHEN] PLAN|PIN",
    "Sign off a manual item for one plan: print a signed token",
    "The token binds the role, the plan's pin (from PLAN, or a pin given as is),\n"
    "the signer's key, the time and the expiry, and is signed with the key. Pass\n"
    "it to 'tfaudit gate --sign-off TOKEN' (or --sign-off-file); with\n"
    "--allowed-signers the item passes only if the key is listed for the role, the\n"
    "pin is the gated plan's and the token has not expired.\n",
    options,
    TFA_ARRAY_SIZE(options),
    1,
    1};

/* "30m", "12h", "7d" after `now`, or an absolute date. */
static int parse_expiry(const char *s, int64_t now, int64_t *out)
{
    char *end = NULL;
    long long n;

    if (tfa_utc_parse(out, s, NULL) == 0)
        return 0;
    errno = 0;
    n = strtoll(s, &end, 10);
    if (errno || end == s || n <= 0 || n > 3660 || !end[0] || end[1])
        return -1;
    switch (end[0]) {
    case 'm':
        *out = now + n * 60;
        return 0;
    case 'h':
        *out = now + n * 3600;
        return 0;
    case 'd':
        *out = now + n * 86400;
        return 0;
    default:
        return -1;
    }
}

static int resolve_times(const signoff_opts *o, tfa_signoff_claim *c)
{
    int rc;

    if ((rc = tfa_cli_now(o->now, &c->issued)) != 0)
        return rc;
    c->expires = c->issued + DEFAULT_VALIDITY;
    if (o->expires && parse_expiry(o->expires, c->issued, &c->expires) != 0)
        return tfa_msg_usage(tfa_cmd_signoff_spec.name,
                             "invalid --expires '%s' (Nm, Nh, Nd or " TFA_UTC_FORMS ")",
                             o->expires);
    if (c->expires <= c->issued)
        return tfa_msg_usage(tfa_cmd_signoff_spec.name, "--expires '%s' is not after the signing",
                             o->expires);
    return 0;
}

int tfa_cmd_signoff(int argc, char **argv)
{
    signoff_opts o;
    tfa_signoff_claim claim;
    tfa_strlist args = {0};
    char pin[TFA_PIN_CHARS], when[TFA_UTC_ISO_SIZE];
    tfa_signer *key = NULL;
    tfa_run *run = NULL;
    tfa_error err;
    tfa_buf token;
    int rc;

    memset(&o, 0, sizeof(o));
    memset(&claim, 0, sizeof(claim));
    tfa_error_init(&err);
    tfa_buf_init(&token, TFA_BUF_NO_MAX);
    if ((rc = tfa_opts_parse(&tfa_cmd_signoff_spec, argc, argv, &o, &args)) != 0)
        goto done;
    if (!o.key || !o.role) {
        rc = tfa_msg_usage(tfa_cmd_signoff_spec.name, "--key FILE and --role ROLE are required");
        goto done;
    }
    if ((rc = resolve_times(&o, &claim)) != 0)
        goto done;
    if (tfa_signer_load(&key, o.key, &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    /* a pin given as is stays opaque; anything else is a plan to pin */
    if (tfa_pin_is_valid(args.items[0])) {
        snprintf(pin, sizeof(pin), "%s", args.items[0]);
    } else if ((rc = tfa_cli_load_inputs_net(&run, &args, "plan", tfa_cmd_signoff_spec.name,
                                             &o.net)) != 0) {
        goto done;
    } else if (tfa_plan_pin(run, pin) != 0) {
        rc = tfa_msg_error("'%s' holds no plan to sign off", args.items[0]);
        goto done;
    }
    claim.role = o.role;
    claim.pin = pin;
    claim.note = o.note;
    if (tfa_signoff_token_make(&token, key, &claim, &err) != 0) {
        rc = err.status == TFA_EUSAGE ? tfa_msg_usage(tfa_cmd_signoff_spec.name, "%s", err.message)
                                      : tfa_msg_from_error(&err);
        goto done;
    }
    if (printf("%s\n", token.ptr) < 0 || fflush(stdout) != 0) {
        rc = tfa_msg_error("cannot write the output");
        goto done;
    }
    tfa_utc_format_iso(claim.expires, when);
    tfa_msg_note("'%s' signed off for plan %s by key %s, valid until %s", o.role, pin,
                 tfa_signer_key_id(key), when);
done:
    tfa_run_free(run);
    tfa_signer_free(key);
    tfa_buf_release(&token);
    tfa_strlist_release(&args);
    return rc < 0 ? TFA_EXIT_GO : rc;
}
