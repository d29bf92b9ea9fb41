/*
 * storage_test.h - what the storage suites share: verdict records built
 * from a real run of fixtures/ledger/plan-canary.json (whose sensitive
 * values hold TFA_TEST_CANARY), and shell helpers for the sqlite3 and git
 * command-line tools the tests tamper and inspect with.
 *
 * The record has the shape the gate writes (see storage/ledger.h): inputs
 * with their facts from parsers/facts.h, the checklist with its full text,
 * items with status and evidence taken from the run model (addresses and
 * changed attribute paths, never values), waivers and sign-offs.
 */
#ifndef TFA_STORAGE_TEST_H
#define TFA_STORAGE_TEST_H

#include "util/compat.h"

#include <jansson.h>
#include <sys/wait.h>

#include "facts.h"
#include "input.h"
#include "ledger.h"
#include "testsupport.h"
#include "util/buf.h"
#include "util/sha256.h"

#define TEST_PLAN      "fixtures/ledger/plan-canary.json"
#define TEST_CHECKLIST "fixtures/ledger/checklist.md"

static inline json_t *test_item(const char *id, const char *title, const char *level,
                                const char *status, json_t *evidence)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "title", title, "level", level,
                     "status", status, "evidence", evidence);
}

/* Evidence of the `scope` item: the changes from the model, addresses and
 * changed paths (the sensitive `auth` path is a name, its value is not). */
static inline json_t *test_scope_evidence(const tfa_run *run)
{
    json_t *addrs = json_array(), *paths = json_array();
    size_t i, j, n = tfa_run_change_count(run, TFA_LIST_CHANGES);
    for (i = 0; i < n; i++) {
        const tfa_change *c = tfa_run_change(run, TFA_LIST_CHANGES, i);
        json_array_append_new(addrs, json_string(c->res.address));
        for (j = 0; j < c->n_changed; j++)
            json_array_append_new(paths, json_string(c->changed[j]));
    }
    return json_pack("{s:s, s:I, s:o, s:o}", "query",
                     "count(changes where action != \"no-op\" and not type ~ \"grafana_*\")",
                     "count", (json_int_t)n, "elements", addrs, "changed", paths);
}

/* A verdict record for `verdict` ("GO" or "NO-GO") from a real run. */
static inline json_t *test_record(const char *verdict)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    unsigned char digest[TFA_SHA256_BYTES];
    char hex[TFA_SHA256_HEX];
    tfa_run *run = NULL;
    tfa_error err;
    json_t *rec, *inputs = json_array(), *items = json_array(), *facts;
    size_t len = 0, i;
    char *text = tfa_test_read_file(TEST_CHECKLIST, &len);
    int go = strcmp(verdict, "GO") == 0;

    tfa_error_init(&err);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(tfa_run_new(&run), 0);
    ck_assert_tfa_ok(tfa_run_load(run, TEST_PLAN, &lo, &err), &err);
    for (i = 0; i < tfa_run_input_count(run); i++)
        json_array_append_new(inputs, tfa_input_to_json(run, i));
    facts = tfa_input_facts(run, 0);
    tfa_sha256_digest(text, len, digest);
    tfa_sha256_hex(digest, hex);
    json_array_append_new(items, test_item("drift-free", "Plan shows zero drift", "hard", "PASS",
                                           json_pack("{s:{s:O}}", "facts", "drift.count",
                                                     json_object_get(facts, "drift"))));
    json_array_append_new(items, test_item("scope", "Only Grafana resources change", "soft",
                                           go ? "WAIVED" : "FAIL", test_scope_evidence(run)));
    json_array_append_new(items, test_item("leadership", "Leadership go/no-go sign-off", "hard",
                                           go ? "PASS" : "PENDING", json_object()));
    rec = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:o, s:o, s:[{s:s, s:s, s:s, s:s}],"
                    " s:[{s:s, s:s, s:s}]}",
                    "schema", "tfaudit.verdict/1", "verdict", verdict, "checklist", "path",
                    TEST_CHECKLIST, "sha256", hex, "text", text, "inputs", inputs, "facts", facts,
                    "items", items, "waivers", "item", "scope", "reason",
                    "dashboard folder moves with the stack", "owner", "sre-team", "expires",
                    "2099-12-31", "sign_offs", "item", "leadership", "name", "dana", "note",
                    go ? "approved in the window review" : "");
    ck_assert_ptr_nonnull(rec);
    free(text);
    tfa_run_free(run);
    return rec;
}

/* Exit status of a shell command (printf-style). */
static inline int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    int st;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Standard output of a shell command, malloc'd (NULL if it failed). */
static inline char *sh_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline char *sh_out(const char *fmt, ...)
{
    char cmd[8192], chunk[4096];
    tfa_buf b;
    va_list ap;
    size_t n;
    FILE *p;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    if (!(p = popen(cmd, "r")))
        return NULL;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        tfa_buf_put(&b, chunk, n);
    if (pclose(p) != 0) {
        tfa_buf_release(&b);
        return NULL;
    }
    return tfa_buf_detach(&b, NULL);
}

/* Whether a file's raw bytes contain `needle` (0 when it cannot be read). */
static inline int file_contains(const char *path, const char *needle)
{
    size_t len = 0;
    char *data = tfa_test_read_file(path, &len);
    int found = tfa_test_contains(data, len, needle);
    free(data);
    return found;
}

#endif
