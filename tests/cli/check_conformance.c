/*
 * check_conformance.c - `tfaudit summarize --format json` on every file of
 * ../shared/corpus agrees with expected.jsonl on every key it lists; files
 * whose expected kind is "invalid" or "empty" exit 2 with a one-line error
 * naming the file. Skips when the corpus is absent.
 *
 * Also: the same corpus files, re-encoded as UTF-16 LE/BE with a BOM and as
 * UTF-8 with a BOM, give the same facts (corpus README: encodings).
 */
#include "util/compat.h"

#include <jansson.h>

#include "testsupport.h"
#include "util/buf.h"

typedef struct expectation {
    json_t *line;
    const char *file;
    const char *kind;
} expectation;

static json_t *load_expected(void)
{
    char *path = tfa_test_corpus_path("expected.jsonl");
    json_t *all = json_array();
    FILE *f = path ? fopen(path, "r") : NULL;
    char line[65536];
    while (f && fgets(line, sizeof(line), f)) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        ck_assert_msg(o != NULL, "expected.jsonl: %s", je.text);
        json_array_append_new(all, o);
    }
    if (f)
        fclose(f);
    free(path);
    return all;
}

/* Compare expected values with the facts; appends differences to `why`. */
static int compare(json_t *want, json_t *got_input, tfa_buf *why)
{
    json_t *facts = json_object_get(got_input, "facts");
    const char *key;
    json_t *v;
    int ok = 1;

    if (!json_equal(json_object_get(want, "kind"), json_object_get(got_input, "kind"))) {
        tfa_buf_printf(why, " kind=%s", json_string_value(json_object_get(got_input, "kind")));
        ok = 0;
    }
    json_object_foreach(want, key, v)
    {
        json_t *g;
        if (strcmp(key, "file") == 0 || strcmp(key, "kind") == 0)
            continue;
        g = json_object_get(facts, key);
        if (json_is_object(v)) {
            const char *k2;
            json_t *v2;
            json_object_foreach(v, k2, v2)
            {
                if (!json_equal(v2, json_object_get(g, k2))) {
                    tfa_buf_printf(why, " %s.%s", key, k2);
                    ok = 0;
                }
            }
        } else if (!g || !json_equal(v, g)) {
            char *s = g ? json_dumps(g, JSON_ENCODE_ANY) : NULL;
            tfa_buf_printf(why, " %s=%s", key, s ? s : "(missing)");
            free(s);
            ok = 0;
        }
    }
    return ok;
}

static int check_one(json_t *want, const char *path, tfa_buf *why)
{
    const char *argv[] = {"tfaudit", "summarize", "--format", "json", path, NULL};
    const char *kind = json_string_value(json_object_get(want, "kind"));
    tfa_test_output out;
    json_t *doc;
    int ok;

    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    if (strcmp(kind, "invalid") == 0 || strcmp(kind, "empty") == 0) {
        /* one line on stderr, and the input in the JSON with its error */
        doc = json_loads(out.out, 0, NULL);
        ok = out.status == 2 && strchr(out.err, '\n') == out.err + out.err_len - 1 &&
             tfa_test_contains(out.err, out.err_len, path) &&
             json_array_size(json_object_get(doc, "inputs")) == 1 &&
             json_is_string(
                 json_object_get(json_array_get(json_object_get(doc, "inputs"), 0), "error"));
        json_decref(doc);
        if (!ok)
            tfa_buf_printf(why, " status=%d stderr=%s", out.status, out.err);
        tfa_test_output_release(&out);
        return ok;
    }
    if (out.status != 0) {
        tfa_buf_printf(why, " status=%d stderr=%s", out.status, out.err);
        tfa_test_output_release(&out);
        return 0;
    }
    doc = json_loads(out.out, 0, NULL);
    ok = doc && compare(want, json_array_get(json_object_get(doc, "inputs"), 0), why);
    json_decref(doc);
    tfa_test_output_release(&out);
    return ok;
}

START_TEST(corpus_facts_match_expected)
{
    json_t *all, *want;
    size_t i, bad = 0;
    tfa_buf why;

    ck_assert_msg(tfa_test_corpus() != NULL, "the corpus is absent, yet a corpus case ran");
    all = load_expected();
    ck_assert_uint_gt(json_array_size(all), 0);
    tfa_buf_init(&why, TFA_BUF_NO_MAX);
    json_array_foreach(all, i, want)
    {
        char *path = tfa_test_corpus_path(json_string_value(json_object_get(want, "file")));
        size_t before = why.len;
        tfa_buf_printf(&why, "\n  %s:", json_string_value(json_object_get(want, "file")));
        if (check_one(want, path, &why))
            tfa_buf_truncate(&why, before);
        else
            bad++;
        free(path);
    }
    if (bad) /* Check caps assertion messages at a few KB: details go to stderr */
        fprintf(stderr, "disagreements:%s\n", why.ptr);
    ck_assert_msg(bad == 0, "%zu of %zu corpus files disagree (see stderr)", bad,
                  json_array_size(all));
    tfa_buf_release(&why);
    json_decref(all);
}
END_TEST

/* Re-encode `utf8` as UTF-16 (little or big endian) with a BOM. */
static char *to_utf16(const char *s, size_t len, int le, size_t *out_len)
{
    tfa_buf b;
    size_t i = 0;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_put(&b, le ? "\xff\xfe" : "\xfe\xff", 2);
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        unsigned long cp;
        int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4, k;
        cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
        for (k = 1; k < n; k++)
            cp = (cp << 6) | ((unsigned char)s[i + (size_t)k] & 0x3Fu);
        i += (size_t)n;
        unsigned long units[2] = {cp, 0};
        int nu = 1;
        if (cp >= 0x10000) {
            units[0] = 0xD800 + ((cp - 0x10000) >> 10);
            units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            nu = 2;
        }
        for (k = 0; k < nu; k++) {
            char u[2] = {(char)(le ? units[k] & 0xFF : units[k] >> 8),
                         (char)(le ? units[k] >> 8 : units[k] & 0xFF)};
            tfa_buf_put(&b, u, 2);
        }
    }
    return tfa_buf_detach(&b, out_len);
}

START_TEST(corpus_facts_survive_reencoding)
{
    json_t *all, *want;
    char *dir;
    size_t i;
    tfa_buf why;
    int bad = 0;

    ck_assert_msg(tfa_test_corpus() != NULL, "the corpus is absent, yet a corpus case ran");
    all = load_expected();
    dir = tfa_test_mkdtemp();
    tfa_buf_init(&why, TFA_BUF_NO_MAX);
    json_array_foreach(all, i, want)
    {
        const char *kind = json_string_value(json_object_get(want, "kind"));
        char *path = tfa_test_corpus_path(json_string_value(json_object_get(want, "file")));
        size_t len, elen, enc;
        char *data = tfa_test_read_file(path, &len);
        if (strcmp(kind, "invalid") == 0 || strcmp(kind, "empty") == 0 || !data) {
            free(data), free(path);
            continue;
        }
        for (enc = 0; enc < 3; enc++) {
            char out[4096];
            char *e;
            if (enc < 2) {
                e = to_utf16(data, len, enc == 0, &elen);
            } else {
                e = malloc(len + 3);
                memcpy(e, "\xef\xbb\xbf", 3), memcpy(e + 3, data, len), elen = len + 3;
            }
            snprintf(out, sizeof(out), "%s/file-%zu-%zu", dir, i, enc);
            tfa_test_write_file(out, e, elen);
            tfa_buf_printf(&why, "\n  %s (encoding %zu):",
                           json_string_value(json_object_get(want, "file")), enc);
            if (check_one(want, out, &why))
                tfa_buf_truncate(&why, strrchr(why.ptr, '\n') - why.ptr);
            else
                bad++;
            free(e);
        }
        free(data);
        free(path);
    }
    if (bad)
        fprintf(stderr, "disagreements:%s\n", why.ptr);
    ck_assert_msg(bad == 0, "%d re-encoded files disagree (see stderr)", bad);
    tfa_buf_release(&why);
    tfa_test_rmtree(dir);
    free(dir);
    json_decref(all);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conformance");
    TCase *tc = tfa_test_corpus_case("corpus");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, corpus_facts_match_expected);
    tcase_add_test(tc, corpus_facts_survive_reencoding);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
