/*
 * cmd_ledger.c - `tfaudit ledger list|show|verify|export|append`: read,
 * check and export the ledger of gate verdicts (storage/ledger.h).
 *
 * Each subcommand has its own option table (named "ledger SUB" so usage
 * errors point at the right --help); this file only parses, calls the
 * storage API and prints.
 */
#include "util/compat.h"

#include <jansson.h>

#include "anchor.h"
#include "cli_ledger.h"
#include "commands.h"
#include "exit.h"
#include "ledger_copy.h"
#include "ledger_export.h"
#include "msg.h"
#include "render.h"
#include "record_render.h"
#include "util/utc.h"
#include "util/alloc.h"
#include "util/buf.h"

typedef struct ledger_opts {
    const char *ledger, *format, *workspace, *since, *verdict;
    const char *bundle, *record, *window, *operator_name, *time, *tool_version;
    int include_inputs;
    const char *trusted_keys, *to, *from;
    tfa_strlist anchors;
    tfa_cli_sign sign;
    tfa_cli_net net;
} ledger_opts;

#define OPT_LEDGER                                                                                 \
    {                                                                                              \
        "ledger", 0, TFA_OPT_STRING, offsetof(ledger_opts, ledger), "PATH",                        \
            "the ledger (default $" TFA_CLI_LEDGER_ENV ", else " TFA_CLI_LEDGER_DEFAULT ")", NULL  \
    }

static const tfa_opt list_options[] = {
    OPT_LEDGER,
    {"workspace", 'w', TFA_OPT_STRING, offsetof(ledger_opts, workspace), "W",
     "only records of this workspace", NULL},
    {"since", 0, TFA_OPT_STRING, offsetof(ledger_opts, since), "DATE",
     "only records at or after DATE (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)", NULL},
    {"verdict", 0, TFA_OPT_CHOICE, offsetof(ledger_opts, verdict), "V", "only GO or NO-GO records",
     "GO|NO-GO"},
    {"format", 'f', TFA_OPT_CHOICE, offsetof(ledger_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
};

static const tfa_opt show_options[] = {
    OPT_LEDGER,
    {"format", 'f', TFA_OPT_CHOICE, offsetof(ledger_opts, format), "FORMAT",
     "output format: text (default), markdown or json", "text|markdown|json"},
};

#define OPT_TRUSTED_KEYS                                                                           \
    {                                                                                              \
        "trusted-keys", 0, TFA_OPT_STRING, offsetof(ledger_opts, trusted_keys), "FILE",            \
            "public keys ('ed25519 BASE64 COMMENT' lines): every record must be signed by one",    \
            NULL                                                                                   \
    }

static const tfa_opt verify_options[] = {
    OPT_LEDGER,
    {"format", 'f', TFA_OPT_CHOICE, offsetof(ledger_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
    OPT_TRUSTED_KEYS,
    {"anchor", 0, TFA_OPT_LIST, offsetof(ledger_opts, anchors), "SRC",
     "anchors (file, git repository or s3://BUCKET/PREFIX/) the ledger must hold (repeatable)",
     NULL},
    {"from", 0, TFA_OPT_STRING, offsetof(ledger_opts, from), "SEQ[:HASH]",
     "check from record SEQ on, trusting it as a checkpoint (with HASH: only if it has that hash, "
     "as an earlier verify printed)",
     NULL},
    TFA_CLI_NET_OPTIONS(ledger_opts, net),
};

static const tfa_opt anchor_options[] = {
    OPT_LEDGER,
    {"to", 0, TFA_OPT_STRING, offsetof(ledger_opts, to), "DEST",
     "a file (appended), a git repository (evidence branch) or s3://BUCKET/PREFIX/ (required)",
     NULL},
    {"signing-key", 0, TFA_OPT_STRING, offsetof(ledger_opts, sign.signing_key), "FILE",
     "sign the statement with this key (default: $" TFA_CLI_SIGNING_ENV ")", NULL},
    TFA_CLI_NET_OPTIONS(ledger_opts, net),
};

static const tfa_opt export_options[] = {
    OPT_LEDGER,
    {"bundle", 'o', TFA_OPT_STRING, offsetof(ledger_opts, bundle), "OUT.tar.gz",
     "write the audit bundle here (required)", NULL},
    {"include-inputs", 0, TFA_OPT_FLAG, offsetof(ledger_opts, include_inputs), NULL,
     "add the record's inputs, redacted (kinds without a redactor are left out)", NULL},
    OPT_TRUSTED_KEYS,
};

static const tfa_opt append_options[] = {
    OPT_LEDGER,
    {"record", 0, TFA_OPT_STRING, offsetof(ledger_opts, record), "FILE",
     "the verdict record, a JSON object (required)", NULL},
    {"workspace", 'w', TFA_OPT_STRING, offsetof(ledger_opts, workspace), "W",
     "workspace (required)", NULL},
    {"verdict", 0, TFA_OPT_CHOICE, offsetof(ledger_opts, verdict), "V", "GO or NO-GO (required)",
     "GO|NO-GO"},
    {"window", 0, TFA_OPT_STRING, offsetof(ledger_opts, window), "TEXT", "apply window", NULL},
    {"operator", 0, TFA_OPT_STRING, offsetof(ledger_opts, operator_name), "NAME", "operator", NULL},
    {"time", 0, TFA_OPT_STRING, offsetof(ledger_opts, time), "TIME",
     "record time, YYYY-MM-DDTHH:MM:SSZ (default now)", NULL},
    {"tool-version", 0, TFA_OPT_STRING, offsetof(ledger_opts, tool_version), "V",
     "the tfaudit version that made the record (default this one)", NULL},
    TFA_CLI_SIGN_OPTIONS(ledger_opts, sign),
    TFA_CLI_NET_OPTIONS(ledger_opts, net),
};

static const tfa_opt path_options[] = {OPT_LEDGER};

static const tfa_opt copy_options[] = {
    {"format", 'f', TFA_OPT_CHOICE, offsetof(ledger_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
};

static const tfa_cmd_spec list_spec = {"ledger list",
                                       "[options]",
                                       "List ledger records, oldest first",
                                       NULL,
                                       list_options,
                                       TFA_ARRAY_SIZE(list_options),
                                       0,
                                       0};
static const tfa_cmd_spec show_spec = {"ledger show",
                                       "[options] ID",
                                       "Show one ledger record",
                                       NULL,
                                       show_options,
                                       TFA_ARRAY_SIZE(show_options),
                                       1,
                                       1};
static const tfa_cmd_spec verify_spec = {
    "ledger verify",
    "[--trusted-keys FILE] [--anchor SRC]... [options]",
    "Recompute the ledger's hash chain, check signatures and anchors",
    "The hash chain shows naive edits. With --trusted-keys, every record must also\n"
    "carry a valid signature of one of those keys: a record rewritten with its\n"
    "hashes and the chain head recomputed is caught. With --anchor, every anchored\n"
    "head must still be in the ledger at its position: records cut off the end\n"
    "are caught. Without --trusted-keys, signatures are not checked (and it says\n"
    "so). The ledger is opened read-only: a copy on read-only media works.\n"
    "\n"
    "Exit status: 0 valid, 1 a record was edited, deleted, reordered, truncated,\n"
    "unsigned, signed by an unknown key, forged, or is not as anchored (the first\n"
    "one is named), 2 the ledger, keys or anchors could not be read.\n",
    verify_options,
    TFA_ARRAY_SIZE(verify_options),
    0,
    0};
static const tfa_cmd_spec anchor_spec = {
    "ledger anchor",
    "--to DEST [--signing-key FILE] [options]",
    "Write a signed statement of the ledger head outside the ledger",
    "The statement names the ledger (the hash of its record 1), the head's\n"
    "sequence number and hash, and the time. DEST is a file (one line appended),\n"
    "a git repository (a commit on the tfaudit-evidence branch adding\n"
    "anchors/LEDGER/SEQ.json, the working tree untouched) or s3://BUCKET/PREFIX/\n"
    "(an object under COMPLIANCE retention when the bucket has Object Lock).\n"
    "Check the ledger against it with 'tfaudit ledger verify --anchor DEST'.\n",
    anchor_options,
    TFA_ARRAY_SIZE(anchor_options),
    0,
    0};
static const tfa_cmd_spec export_spec = {
    "ledger export",
    "--bundle OUT.tar.gz [options] ID",
    "Write an audit bundle of one record",
    "The bundle is a deterministic tar.gz: report.md, record.json (the hashed\n"
    "ledger body), checklist.md, waivers.json and manifest.json (sha256 of every\n"
    "file, the ledger chain hashes and the record's signature). With --trusted-keys\n"
    "the signatures are checked before exporting. Check it with 'tfaudit bundle\n"
    "verify [--trusted-keys FILE]'.\n",
    export_options,
    TFA_ARRAY_SIZE(export_options),
    1,
    1};
static const tfa_cmd_spec append_spec = {
    "ledger append",
    "--record FILE --workspace W --verdict V [options]",
    "Append a verdict record (maintenance; 'tfaudit gate' appends by itself)",
    NULL,
    append_options,
    TFA_ARRAY_SIZE(append_options),
    0,
    0};

static const tfa_cmd_spec path_spec = {
    "ledger path",
    "[options]",
    "Print where the ledger is (it need not exist yet)",
    "The default is outside the working tree: $XDG_STATE_HOME/tfaudit/ID/ledger.db\n"
    "($HOME/.local/state/... without XDG_STATE_HOME), ID being the basename of the\n"
    "git repository root (or of the current directory) and a hash of its path.\n",
    path_options,
    TFA_ARRAY_SIZE(path_options),
    0,
    0};

static const tfa_cmd_spec copy_spec = {
    "ledger copy",
    "[options] SRC DST",
    "Copy a ledger into another (SQLite file or postgresql:// URL, either way)",
    "SRC's chain is verified first and every record is checked again as it is\n"
    "copied; the records keep their bodies, hashes and signatures, so the copy\n"
    "verifies with the same keys and anchors. DST is created when absent; it must be\n"
    "empty or hold the start of SRC's chain (an earlier copy: the rest is added).\n"
    "Another chain is refused and nothing is written. Records are committed in\n"
    "batches: an interrupted copy leaves a valid prefix, and running it again\n"
    "resumes. A PostgreSQL URL's password is never printed.\n"
    "\n"
    "Exit status: 0 copied (or nothing to copy), 2 a ledger could not be read or\n"
    "written, SRC's chain is broken, or DST holds another chain.\n",
    copy_options,
    TFA_ARRAY_SIZE(copy_options),
    2,
    2};

const tfa_cmd_spec *const tfa_cmd_ledger_subspecs[] = {&list_spec,   &show_spec,   &verify_spec,
                                                       &export_spec, &append_spec, &anchor_spec,
                                                       &path_spec,   &copy_spec,   NULL};

const tfa_cmd_spec tfa_cmd_ledger_spec = {
    "ledger",
    "SUBCOMMAND [options]",
    "List, show, verify and export the tamper-evident ledger of verdicts",
    "subcommands:\n"
    "  list [--workspace W] [--since DATE] [--verdict GO|NO-GO] [--format text|json]\n"
    "  show ID [--format text|markdown|json]\n"
    "  verify [--trusted-keys FILE] [--anchor SRC]... [--from SEQ[:HASH]] [--format text|json]\n"
    "                                   exit 0 valid, 1 tampered, 2 error\n"
    "  anchor --to DEST [--signing-key FILE]   state the head outside the ledger\n"
    "  export ID --bundle OUT.tar.gz [--include-inputs]\n"
    "  append --record FILE --workspace W --verdict V   (maintenance)\n"
    "  path                             print where the ledger is\n"
    "  copy SRC DST                     copy a ledger (SQLite <-> PostgreSQL)\n"
    "Every subcommand but copy takes --ledger PATH (default $" TFA_CLI_LEDGER_ENV
    ", else " TFA_CLI_LEDGER_DEFAULT ").\n"
    "Run 'tfaudit ledger SUBCOMMAND --help' for its options.\n",
    NULL,
    0,
    1,
    TFA_ARGS_UNLIMITED};

static int write_out(const tfa_buf *b)
{
    if (fwrite(b->ptr, 1, b->len, stdout) != b->len || fflush(stdout) != 0)
        return tfa_msg_error("cannot write the output");
    return 0;
}

/* Print `j` (taken over); NULL, a document json_pack could not make whole,
 * is an out-of-memory error. */
static int print_json(json_t *j)
{
    int rc;

    if (!j)
        return tfa_msg_error("out of memory");
    rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(j);
    if (rc != 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
        return tfa_msg_error("cannot write the output");
    return 0;
}

static int parse_id(const char *s, int64_t *id, const char *cmd)
{
    char *end = NULL;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 1)
        return tfa_msg_usage(cmd, "invalid record id '%s'", s);
    *id = v;
    return 0;
}

/* ---- list --------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int collect(const tfa_ledger_summary *s, void *payload)
{
    char iso[TFA_UTC_ISO_SIZE];
    json_t *o;

    tfa_utc_format_iso(s->time, iso);
    o = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)s->id, "time", iso,
                  "workspace", str_or_null(s->workspace), "window", str_or_null(s->window),
                  "operator", str_or_null(s->operator_name), "verdict", str_or_null(s->verdict),
                  "tool_version", str_or_null(s->tool_version), "hash", str_or_null(s->hash));
    return o && json_array_append_new(payload, o) == 0 ? 0 : TFA_ENOMEM;
}

static const char *member(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "-";
}

static void list_text(const json_t *rows)
{
    static const char *const cols[] = {"workspace", "verdict", "operator"};
    int w[3] = {9, 7, 8};
    const json_t *r;
    size_t i, c;

    json_array_foreach(rows, i, r)
    {
        for (c = 0; c < 3; c++)
            if ((int)strlen(member(r, cols[c])) > w[c])
                w[c] = (int)strlen(member(r, cols[c]));
    }
    if (json_array_size(rows) == 0) {
        fputs("no matching records\n", stdout);
        return;
    }
    tfa_render_printf(stdout, "%-4s %-20s  %-*s  %-*s  %-*s  %s\n", "ID", "TIME", w[0], "WORKSPACE",
                      w[1], "VERDICT", w[2], "OPERATOR", "HASH");
    json_array_foreach(rows, i, r)
    {
        tfa_render_printf(stdout, "%-4" JSON_INTEGER_FORMAT " %-20s  %-*s  %-*s  %-*s  %.12s\n",
                          json_integer_value(json_object_get(r, "id")), member(r, "time"), w[0],
                          member(r, "workspace"), w[1], member(r, "verdict"), w[2],
                          member(r, "operator"), member(r, "hash"));
    }
}

static int run_list(tfa_ledger *l, const ledger_opts *o, const tfa_strlist *args)
{
    tfa_ledger_filter f = TFA_LEDGER_FILTER_INIT;
    json_t *rows = json_array();
    tfa_error err;
    int rc;

    (void)args;
    tfa_error_init(&err);
    f.workspace = o->workspace;
    f.verdict = o->verdict;
    if (!rows)
        return tfa_msg_error("out of memory");
    if (o->since && tfa_utc_parse(&f.since, o->since, &err) != 0) {
        json_decref(rows);
        return tfa_msg_usage(list_spec.name, "%s", err.message);
    }
    rc = tfa_ledger_list(l, &f, collect, rows, &err);
    if (rc) {
        json_decref(rows);
        return rc == TFA_ENOMEM ? tfa_msg_error("out of memory") : tfa_msg_from_error(&err);
    }
    if (strcmp(o->format, "json") == 0)
        return print_json(json_pack("{s:o}", "records", rows));
    list_text(rows);
    json_decref(rows);
    return fflush(stdout) == 0 ? 0 : tfa_msg_error("cannot write the output");
}

/* ---- show, verify ------------------------------------------------------- */

static int run_show(tfa_ledger *l, const ledger_opts *o, const tfa_strlist *args)
{
    tfa_record_format fmt = strcmp(o->format, "json") == 0       ? TFA_RECORD_JSON
                            : strcmp(o->format, "markdown") == 0 ? TFA_RECORD_MARKDOWN
                                                                 : TFA_RECORD_TEXT;
    tfa_ledger_record *rec = NULL;
    tfa_error err;
    tfa_buf out;
    int64_t id = 0;
    int rc;

    tfa_error_init(&err);
    tfa_buf_init(&out, TFA_BUF_NO_MAX);
    if ((rc = parse_id(args->items[0], &id, show_spec.name)) != 0)
        goto done;
    if (tfa_ledger_get(&rec, l, id, &err) != 0 || tfa_record_render(&out, rec, fmt, &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    rc = write_out(&out);
done:
    tfa_ledger_record_free(rec);
    tfa_buf_release(&out);
    return rc;
}

/* --trusted-keys and every --anchor, read before the ledger is checked. */
static int load_checks(const ledger_opts *o, tfa_keyring **trusted, tfa_anchor_set *anchors)
{
    tfa_anchor_options ao = TFA_ANCHOR_OPTIONS_INIT;
    tfa_s3_options s3;
    tfa_cli_net_ctx nc;
    tfa_error err;
    size_t i;
    int rc;

    memset(&s3, 0, sizeof(s3));
    if (o->trusted_keys && (rc = tfa_cli_keyring_load(trusted, o->trusted_keys)) != 0)
        return rc;
    ao.trusted = *trusted;
    for (i = 0; i < o->anchors.n; i++) {
        if (tfa_s3_is_url(o->anchors.items[i]) && !ao.s3) {
            if ((rc = tfa_cli_net_init(&nc, &o->net, verify_spec.name)) != 0)
                return rc;
            s3.http = &nc.http;
            s3.env = nc.remote.env;
            ao.s3 = &s3;
        }
        tfa_error_init(&err);
        if (tfa_anchor_read(anchors, o->anchors.items[i], &ao, &err) != 0)
            return tfa_msg_from_error(&err);
    }
    return 0;
}

static void verify_text(const tfa_ledger_verification *v, int intact)
{
    if (intact) {
        if (v->from_seq > 1)
            printf("ledger: %lld record%s from checkpoint %lld, chain valid", (long long)v->records,
                   v->records == 1 ? "" : "s", (long long)v->from_seq);
        else
            printf("ledger: %lld record%s, chain valid", (long long)v->records,
                   v->records == 1 ? "" : "s");
        if (v->head_id)
            printf(", head %lld sha256:%s", (long long)v->head_id, v->head_hash);
        fputc('\n', stdout);
    } else {
        const char *what = v->fault == TFA_LEDGER_UNANCHORED ? "anchor check failed"
                           : v->fault == TFA_LEDGER_UNSIGNED || v->fault == TFA_LEDGER_UNTRUSTED ||
                                   v->fault == TFA_LEDGER_FORGED
                               ? "signature check failed"
                               : "chain broken";
        tfa_render_printf(stdout, "ledger: %s: %s\n", what, v->detail);
    }
    if (v->signatures_checked && (intact || v->fault == TFA_LEDGER_UNANCHORED))
        printf("signatures: every record signed by a trusted key\n");
    else if (v->signatures_checked)
        printf("signatures: checked up to record %lld\n", (long long)v->bad_id);
    else
        printf("signatures: not checked (no --trusted-keys; %lld of %lld records signed)\n",
               (long long)v->signed_records, (long long)v->records);
    if (v->anchors_checked)
        printf("anchors: %zu checked, newest anchored record %lld\n", v->anchors_checked,
               (long long)v->anchored_seq);
    else
        printf("anchors: none checked (no --anchor)\n");
}

/* --from SEQ or SEQ:HASH (64 lowercase hex digits). */
static int parse_from(const char *s, int64_t *seq, char hash[TFA_LEDGER_HASH_HEX])
{
    const char *colon = strchr(s, ':');
    char num[24];
    size_t n = colon ? (size_t)(colon - s) : strlen(s), i;

    if (n == 0 || n >= sizeof(num))
        return tfa_msg_usage(verify_spec.name, "--from needs SEQ or SEQ:HASH, not '%s'", s);
    memcpy(num, s, n);
    num[n] = '\0';
    if (parse_id(num, seq, verify_spec.name) != 0)
        return TFA_EXIT_USAGE;
    if (!colon)
        return 0;
    for (i = 1; colon[i]; i++)
        if (!((colon[i] >= '0' && colon[i] <= '9') || (colon[i] >= 'a' && colon[i] <= 'f')))
            break;
    if (colon[i] || i - 1 != TFA_LEDGER_HASH_HEX - 1)
        return tfa_msg_usage(verify_spec.name, "--from HASH must be 64 lowercase hex digits");
    memcpy(hash, colon + 1, TFA_LEDGER_HASH_HEX);
    return 0;
}

static int run_verify(tfa_ledger *l, const ledger_opts *o, const tfa_strlist *args)
{
    tfa_ledger_verify_options vo = TFA_LEDGER_VERIFY_OPTIONS_INIT;
    tfa_anchor_set anchors = {NULL, 0, 0};
    tfa_keyring *trusted = NULL;
    tfa_ledger_verification v;
    char from_hash[TFA_LEDGER_HASH_HEX] = "";
    tfa_error err;
    int intact, rc;

    (void)args;
    tfa_error_init(&err);
    if ((rc = load_checks(o, &trusted, &anchors)) != 0)
        goto done;
    vo.trusted = trusted;
    vo.anchors = anchors.items;
    vo.n_anchors = anchors.n;
    if (o->from && (rc = parse_from(o->from, &vo.from_seq, from_hash)) != 0)
        goto done;
    vo.from_hash = from_hash[0] ? from_hash : NULL;
    if (tfa_ledger_verify_with(l, &vo, &v, &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    intact = v.fault == TFA_LEDGER_INTACT;
    if (strcmp(o->format, "json") == 0) {
        json_t *j = json_pack("{s:b, s:I, s:{s:I, s:s}, s:o, s:o, s:o, s:{s:b, s:I}, s:{s:I, s:o}}",
                              "valid", intact, "records", (json_int_t)v.records, "head", "id",
                              (json_int_t)v.head_id, "hash", v.head_hash, "fault",
                              intact ? json_null() : json_string(tfa_ledger_fault_name(v.fault)),
                              "bad_id", intact ? json_null() : json_integer(v.bad_id), "detail",
                              intact ? json_null() : json_string(v.detail), "signatures", "checked",
                              v.signatures_checked, "signed_records", (json_int_t)v.signed_records,
                              "anchors", "checked", (json_int_t)v.anchors_checked, "newest_seq",
                              v.anchors_checked ? json_integer(v.anchored_seq) : json_null());
        if ((rc = print_json(j)) != 0)
            goto done;
    } else {
        verify_text(&v, intact);
    }
    rc = fflush(stdout) != 0 ? tfa_msg_error("cannot write the output")
         : intact            ? TFA_EXIT_GO
                             : TFA_EXIT_NOGO;
done:
    tfa_keyring_free(trusted);
    tfa_anchor_set_release(&anchors);
    return rc;
}

static int run_anchor(tfa_ledger *l, const ledger_opts *o, const tfa_strlist *args)
{
    tfa_signer *signer = NULL;
    int rc;

    (void)args;
    if (!o->to)
        return tfa_msg_usage(anchor_spec.name, "--to DEST is required");
    if ((rc = tfa_cli_signer_load(&signer, &o->sign)) == 0)
        rc = tfa_cli_anchor(l, o->to, signer, (int64_t)time(NULL), &o->net, NULL);
    tfa_signer_free(signer);
    return rc;
}

/* ---- export, append ----------------------------------------------------- */

static int run_export(tfa_ledger *l, const ledger_opts *o, const tfa_strlist *args)
{
    tfa_ledger_export_options eo = TFA_LEDGER_EXPORT_OPTIONS_INIT;
    tfa_ledger_export_result res;
    tfa_keyring *trusted = NULL;
    tfa_error err;
    int64_t id = 0;
    size_t i;
    int rc;

    tfa_error_init(&err);
    if (!o->bundle)
        return tfa_msg_usage(export_spec.name, "--bundle OUT.tar.gz is required");
    if ((rc = parse_id(args->items[0], &id, export_spec.name)) != 0)
        return rc;
    eo.include_inputs = o->include_inputs;
    eo.tool_version = TFA_VERSION;
    if (o->trusted_keys && (rc = tfa_cli_keyring_load(&trusted, o->trusted_keys)) != 0)
        return rc;
    eo.trusted = trusted;
    rc = tfa_ledger_export(&res, l, id, o->bundle, &eo, &err);
    tfa_keyring_free(trusted);
    if (rc != 0)
        return tfa_msg_from_error(&err);
    for (i = 0; i < res.n_omitted; i++)
        tfa_msg_warn("input '%s' (%s) left out of the bundle: %s", res.omitted[i].path,
                     res.omitted[i].kind, res.omitted[i].reason);
    printf("bundle: record %lld, %zu files\n", (long long)id, res.files);
    tfa_ledger_export_result_release(&res);
    return fflush(stdout) == 0 ? 0 : tfa_msg_error("cannot write the output");
}

static int run_append(tfa_ledger *l, const ledger_opts *o, const tfa_strlist *args)
{
    tfa_ledger_entry e = {0,          o->workspace,
                          o->window,  o->operator_name,
                          o->verdict, o->tool_version ? o->tool_version : TFA_VERSION,
                          NULL};
    tfa_ledger_record *rec = NULL;
    tfa_signer *signer = NULL;
    json_error_t jerr;
    tfa_error err;
    json_t *j;
    int rc;

    (void)args;
    tfa_error_init(&err);
    if (!o->record || !o->workspace || !o->verdict)
        return tfa_msg_usage(append_spec.name, "--record, --workspace and --verdict are required");
    if ((rc = tfa_cli_signer_load(&signer, &o->sign)) != 0)
        return rc;
    tfa_ledger_set_signer(l, signer);
    e.time = (int64_t)time(NULL);
    if (o->time && tfa_utc_parse(&e.time, o->time, &err) != 0) {
        rc = tfa_msg_usage(append_spec.name, "%s", err.message);
        goto done;
    }
    /* jansson's message can quote the text near the error: not shown */
    if (!(j = json_load_file(o->record, JSON_REJECT_DUPLICATES, &jerr))) {
        rc = jerr.line > 0
                 ? tfa_msg_error("%s:%d:%d: invalid JSON", o->record, jerr.line, jerr.column)
                 : tfa_msg_error("cannot read '%s'", o->record);
        goto done;
    }
    e.record = j;
    rc = tfa_ledger_append(&rec, l, &e, &err);
    json_decref(j);
    if (rc) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    tfa_render_printf(stdout, "record %lld sha256:%s\n", (long long)rec->id, rec->hash);
    rc = fflush(stdout) == 0 ? 0 : tfa_msg_error("cannot write the output");
    if (rc == 0 && o->sign.anchor_to)
        rc = tfa_cli_anchor(l, o->sign.anchor_to, signer, e.time, &o->net, NULL);
done:
    tfa_ledger_record_free(rec);
    tfa_signer_free(signer);
    return rc;
}

/* ---- dispatch ----------------------------------------------------------- */

enum { LEDGER_OPEN, LEDGER_CREATE, LEDGER_NONE }; /* only appending creates a ledger */

typedef struct subcommand {
    const tfa_cmd_spec *spec;
    int (*run)(tfa_ledger *l, const ledger_opts *o, const tfa_strlist *args);
    int open; /* LEDGER_* */
} subcommand;

static int run_path(tfa_ledger *l, const ledger_opts *o, const tfa_strlist *args)
{
    char *path = NULL, *shown = NULL;
    tfa_error err;
    int rc;

    (void)l;
    (void)args;
    tfa_error_init(&err);
    if (tfa_cli_ledger_resolve(&path, o->ledger, &err) != 0)
        return tfa_msg_from_error(&err);
    if (!(shown = tfa_ledger_display_name(path))) { /* a URL's password is never printed */
        tfa_free(path);
        return tfa_msg_error("out of memory");
    }
    printf("%s\n", shown);
    tfa_free(shown);
    rc = fflush(stdout) == 0 ? TFA_EXIT_GO : tfa_msg_error("cannot write the output");
    tfa_free(path);
    return rc;
}

static int run_copy(tfa_ledger *unused, const ledger_opts *o, const tfa_strlist *args)
{
    tfa_ledger_options so = TFA_LEDGER_OPTIONS_INIT, dop = TFA_LEDGER_OPTIONS_INIT;
    tfa_ledger *src = NULL, *dst = NULL;
    tfa_ledger_copy_result r;
    tfa_error err;
    int rc;

    (void)unused;
    tfa_error_init(&err);
    so.read_only = 1;
    dop.create = 1;
    if (tfa_ledger_open(&src, args->items[0], &so, &err) != 0 ||
        tfa_ledger_open(&dst, args->items[1], &dop, &err) != 0 ||
        tfa_ledger_copy(src, dst, &r, &err) != 0) {
        rc = tfa_msg_from_error(&err);
        goto done;
    }
    if (strcmp(o->format, "json") == 0) {
        json_t *j = json_pack("{s:I, s:I, s:{s:I, s:s}}", "copied", (json_int_t)r.copied, "present",
                              (json_int_t)r.present, "head", "id", (json_int_t)r.head_id, "hash",
                              r.head_hash);
        if (!j) {
            rc = tfa_msg_error("out of memory");
            goto done;
        }
        if ((rc = print_json(j)) != 0)
            goto done;
    } else {
        printf("copied %lld record%s (%lld already there), head %lld sha256:%s\n",
               (long long)r.copied, r.copied == 1 ? "" : "s", (long long)r.present,
               (long long)r.head_id, r.head_hash);
    }
    rc = fflush(stdout) != 0 ? tfa_msg_error("cannot write the output") : TFA_EXIT_GO;
done:
    tfa_ledger_free(src);
    tfa_ledger_free(dst);
    return rc;
}

static const subcommand subs[] = {
    {&list_spec, run_list, LEDGER_OPEN},       {&show_spec, run_show, LEDGER_OPEN},
    {&verify_spec, run_verify, LEDGER_OPEN},   {&export_spec, run_export, LEDGER_OPEN},
    {&append_spec, run_append, LEDGER_CREATE}, {&anchor_spec, run_anchor, LEDGER_OPEN},
    {&path_spec, run_path, LEDGER_NONE},       {&copy_spec, run_copy, LEDGER_NONE},
};

int tfa_cmd_ledger(int argc, char **argv)
{
    ledger_opts o;
    const subcommand *sub = NULL;
    tfa_strlist args = {0};
    tfa_ledger *l = NULL;
    size_t i;
    int rc;

    memset(&o, 0, sizeof(o));
    o.format = "text";
    if (argc < 2)
        return tfa_msg_usage(
            "ledger", "ledger needs a subcommand (list, show, verify, export, anchor, path)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        tfa_opts_help(&tfa_cmd_ledger_spec, stdout);
        return TFA_EXIT_HELP;
    }
    for (i = 0; i < TFA_ARRAY_SIZE(subs); i++)
        if (strcmp(subs[i].spec->name + strlen("ledger "), argv[1]) == 0)
            sub = &subs[i];
    if (!sub)
        return tfa_msg_usage("ledger", "'%s' is not a ledger subcommand", argv[1]);
    rc = tfa_opts_parse(sub->spec, argc - 1, argv + 1, &o, &args);
    if (rc == 0 && sub->open != LEDGER_NONE)
        rc = tfa_cli_ledger_open(&l, o.ledger, sub->open == LEDGER_CREATE);
    if (rc == 0)
        rc = sub->run(l, &o, &args);
    tfa_ledger_free(l);
    tfa_strlist_release(&o.anchors);
    tfa_strlist_release(&args);
    return rc;
}
