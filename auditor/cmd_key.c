/*
 * cmd_key.c - `tfaudit key generate|public`: Ed25519 signing keys for the
 * ledger, anchors and sign-offs (crypto/sign.h).
 */
#include "util/compat.h"

#include "commands.h"
#include "exit.h"
#include "msg.h"
#include "sign.h"
#include "util/buf.h"

typedef struct key_opts {
    const char *out, *comment;
} key_opts;

static const tfa_opt generate_options[] = {
    {"out", 'o', TFA_OPT_STRING, offsetof(key_opts, out), "FILE",
     "write the private key here (PEM, mode 0600; never overwritten) (required)", NULL},
    {"comment", 0, TFA_OPT_STRING, offsetof(key_opts, comment), "TEXT",
     "comment on the public key line (default: the key file's name)", NULL},
};

static const tfa_opt public_options[] = {
    {"comment", 0, TFA_OPT_STRING, offsetof(key_opts, comment), "TEXT",
     "comment on the public key line (default: the key file's name)", NULL},
};

static const tfa_cmd_spec generate_spec = {
    "key generate",
    "--out FILE [--comment TEXT]",
    "Create an Ed25519 signing key",
    "Prints the public key as one line, 'ed25519 BASE64 COMMENT': add it to the\n"
    "--trusted-keys file of whoever verifies, or prefix it with a role in an\n"
    "--allowed-signers file.\n",
    generate_options,
    TFA_ARRAY_SIZE(generate_options),
    0,
    0};

static const tfa_cmd_spec public_spec = {"key public",
                                         "[--comment TEXT] FILE",
                                         "Print the public key line of a private key",
                                         NULL,
                                         public_options,
                                         TFA_ARRAY_SIZE(public_options),
                                         1,
                                         1};

const tfa_cmd_spec tfa_cmd_key_spec = {
    "key",
    "SUBCOMMAND [options]",
    "Create Ed25519 signing keys and print their public keys",
    "subcommands:\n"
    "  generate --out FILE [--comment TEXT]   new private key; prints its public key\n"
    "  public FILE [--comment TEXT]           print the public key line again\n"
    "The public key line is 'ed25519 BASE64 COMMENT' (as in OpenSSH allowed-signers\n"
    "files). Records, anchors and sign-offs name keys by their id, SHA256:...\n",
    NULL,
    0,
    1,
    TFA_ARGS_UNLIMITED};

/* The file name without directories or extension: the default comment. */
static void default_comment(char *out, size_t size, const char *path)
{
    const char *base = strrchr(path, '/'), *dot;
    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    snprintf(out, size, "%.*s", dot && dot != base ? (int)(dot - base) : (int)strlen(base), base);
}

static int print_public(const tfa_signer *key, const char *comment, const char *path)
{
    char fallback[256];
    tfa_buf line;
    int rc = 0;

    tfa_buf_init(&line, TFA_BUF_NO_MAX);
    if (!comment)
        default_comment(fallback, sizeof(fallback), path), comment = fallback;
    if (strpbrk(comment, "\r\n"))
        rc = tfa_msg_usage("key", "--comment must be one line");
    else if (tfa_signer_public_line(&line, key, comment) != 0)
        rc = tfa_msg_error("out of memory");
    else if (printf("%s\n", line.ptr) < 0 || fflush(stdout) != 0)
        rc = tfa_msg_error("cannot write the output");
    tfa_buf_release(&line);
    return rc;
}

static int run_generate(const key_opts *o, const tfa_strlist *args)
{
    tfa_signer *key = NULL;
    tfa_error err;
    int rc;

    (void)args;
    tfa_error_init(&err);
    if (!o->out)
        return tfa_msg_usage(generate_spec.name, "--out FILE is required");
    if (tfa_signer_generate(&key, o->out, &err) != 0)
        return err.status == TFA_EUSAGE ? tfa_msg_usage(generate_spec.name, "%s", err.message)
                                        : tfa_msg_from_error(&err);
    rc = print_public(key, o->comment, o->out);
    if (rc == 0)
        tfa_msg_note("private key written to %s (key id %s)", o->out, tfa_signer_key_id(key));
    tfa_signer_free(key);
    return rc;
}

static int run_public(const key_opts *o, const tfa_strlist *args)
{
    tfa_signer *key = NULL;
    tfa_error err;
    int rc;

    tfa_error_init(&err);
    if (tfa_signer_load(&key, args->items[0], &err) != 0)
        return tfa_msg_from_error(&err);
    rc = print_public(key, o->comment, args->items[0]);
    tfa_signer_free(key);
    return rc;
}

typedef struct subcommand {
    const tfa_cmd_spec *spec;
    int (*run)(const key_opts *o, const tfa_strlist *args);
} subcommand;

static const subcommand subs[] = {{&generate_spec, run_generate}, {&public_spec, run_public}};

int tfa_cmd_key(int argc, char **argv)
{
    key_opts o = {NULL, NULL};
    const subcommand *sub = NULL;
    tfa_strlist args = {0};
    size_t i;
    int rc;

    if (argc < 2)
        return tfa_msg_usage("key", "key needs a subcommand (generate, public)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        tfa_opts_help(&tfa_cmd_key_spec, stdout);
        return TFA_EXIT_GO;
    }
    for (i = 0; i < TFA_ARRAY_SIZE(subs); i++)
        if (strcmp(subs[i].spec->name + strlen("key "), argv[1]) == 0)
            sub = &subs[i];
    if (!sub)
        return tfa_msg_usage("key", "'%s' is not a key subcommand", argv[1]);
    rc = tfa_opts_parse(sub->spec, argc - 1, argv + 1, &o, &args);
    if (rc == 0)
        rc = sub->run(&o, &args);
    tfa_strlist_release(&args);
    return rc < 0 ? TFA_EXIT_GO : rc;
}
