/*
 * report_ci.c - SARIF, GitHub workflow command and Code Quality pieces
 * shared by the check and audit writers (see report_ci.h).
 */
#include "util/compat.h"

#include "report_ci.h"
#include "report_int.h"
#include "util/escape.h"
#include "util/jbuild.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define TOOL_URI     "https://github.com/tfaudit/tfaudit"

/* The key of our own fingerprint: versioned, so a change in what it covers
 * can move to "tfaudit/v2" without matching old alerts wrongly. */
#define FINGERPRINT_KEY "tfaudit/v1"

tfa_level tfa_ci_level(const char *name)
{
    if (name && strcmp(name, "soft") == 0)
        return TFA_LEVEL_SOFT;
    if (name && strcmp(name, "advisory") == 0)
        return TFA_LEVEL_ADVISORY;
    return TFA_LEVEL_HARD;
}

const char *tfa_ci_sarif_level(tfa_level level)
{
    return level == TFA_LEVEL_SOFT ? "warning" : level == TFA_LEVEL_ADVISORY ? "note" : "error";
}

const char *tfa_ci_github_command(tfa_level level)
{
    return level == TFA_LEVEL_SOFT ? "warning" : level == TFA_LEVEL_ADVISORY ? "notice" : "error";
}

const char *tfa_ci_codequality_severity(tfa_level level)
{
    return level == TFA_LEVEL_SOFT ? "major" : level == TFA_LEVEL_ADVISORY ? "info" : "blocker";
}

void tfa_ci_fingerprint(const char *const *parts, size_t n, char hex[TFA_SHA256_HEX])
{
    unsigned char d[TFA_SHA256_BYTES];
    tfa_sha256 ctx;
    size_t i;

    tfa_sha256_init(&ctx);
    for (i = 0; i < n; i++) {
        const char *p = parts[i] ? parts[i] : "";
        tfa_sha256_update(&ctx, p, strlen(p) + 1);
    }
    tfa_sha256_final(&ctx, d);
    tfa_sha256_hex(d, hex);
}

json_t *tfa_ci_str(const char *s)
{
    return tfa_verdict_json_str(s ? s : "");
}

int tfa_ci_item_message(tfa_buf *m, const tfa_result *r, int multiline)
{
    char addr[TFA_ERROR_MESSAGE_MAX];
    const char *first = multiline ? "\n" : ". ", *sep = multiline ? "\n" : "; ";
    size_t i, j, n = 0;

    tfa_buf_printf(m, "%s: %s (%s%s)", tfa_item_status_name(r->status), r->item->title,
                   tfa_level_name(r->item->level), r->blocks ? ", blocks" : "");
    if (r->reason && r->status != TFA_ITEM_PENDING) /* the note below says it better */
        tfa_buf_printf(m, ": %s", r->reason);
    for (i = 0; i < r->evidence.n_facts; i++) {
        tfa_buf_puts(m, n++ ? sep : first);
        tfa_ev_fact(m, &r->evidence.facts[i]);
    }
    for (i = 0; i < r->evidence.n_queries; i++) {
        const tfa_query_read *q = &r->evidence.queries[i];
        tfa_buf_puts(m, n++ ? sep : first);
        tfa_ev_query(m, q);
        for (j = 0; multiline && j < q->n_labels; j++)
            tfa_buf_printf(m, "\n  - %s", tfa_ci_address(q->labels[j], addr, sizeof(addr)));
        if (multiline && tfa_ev_more(q))
            tfa_buf_printf(m, "\n  - ... and %zu more", tfa_ev_more(q));
    }
    if (r->signoff || r->waiver || r->status == TFA_ITEM_PENDING) {
        tfa_buf_puts(m, n++ ? sep : first);
        tfa_ev_note(m, r);
    }
    return tfa_buf_status(m);
}

/* ---- SARIF ------------------------------------------------------------------------ */

/* Builders note a failed allocation in *bad (util/jbuild.h: jansson frees what it could
 * not attach), so one check at the end covers a whole object. */
static json_t *text_obj(const char *s, int *bad)
{
    json_t *o = json_object();
    if (!o) {
        *bad = 1;
        return NULL;
    }
    tfa_jbuild_set(o, "text", tfa_ci_str(s), bad);
    return o;
}

json_t *tfa_sarif_log_new(json_t **run)
{
    json_t *log = json_object(), *r = json_object(), *tool = json_object(), *driver = json_object(),
           *runs = json_array();
    int bad = !log || !r || !tool || !driver || !runs;

    *run = NULL;
    if (bad) {
        json_decref(log), json_decref(r), json_decref(tool), json_decref(driver), json_decref(runs);
        return NULL;
    }
    tfa_jbuild_set(driver, "name", json_string("tfaudit"), &bad);
    tfa_jbuild_set(driver, "version", json_string(TFA_VERSION), &bad);
    tfa_jbuild_set(driver, "semanticVersion", json_string(TFA_VERSION), &bad);
    tfa_jbuild_set(driver, "informationUri", json_string(TOOL_URI), &bad);
    tfa_jbuild_set(driver, "rules", json_array(), &bad);
    tfa_jbuild_set(tool, "driver", driver, &bad);
    tfa_jbuild_set(r, "tool", tool, &bad);
    tfa_jbuild_set(r, "columnKind", json_string("unicodeCodePoints"), &bad);
    tfa_jbuild_set(r, "results", json_array(), &bad);
    tfa_jbuild_set(r, "artifacts", json_array(), &bad);
    if (json_array_append(runs, r) != 0)
        bad = 1;
    tfa_jbuild_set(log, "$schema", json_string(SARIF_SCHEMA), &bad);
    tfa_jbuild_set(log, "version", json_string("2.1.0"), &bad);
    tfa_jbuild_set(log, "runs", runs, &bad);
    json_decref(r); /* the array holds it */
    if (bad) {
        json_decref(log);
        return NULL;
    }
    *run = r;
    return log;
}

int tfa_sarif_add_rule(json_t *run, const char *id, const char *title, const char *condition,
                       tfa_level level, const char *section, size_t *index)
{
    json_t *rules =
               json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules"),
           *rule = json_object(), *conf = json_object(), *props = json_object(),
           *tags = json_array();
    tfa_buf full;
    int bad = !rules || !rule || !conf || !props || !tags;

    tfa_buf_init(&full, TFA_BUF_NO_MAX);
    if (condition)
        tfa_buf_printf(&full, "%s: `%s` (%s)", title, condition, tfa_level_name(level));
    else
        tfa_buf_printf(&full, "%s: manual sign-off (%s)", title, tfa_level_name(level));
    bad |= tfa_buf_status(&full) != 0;
    tfa_jbuild_set(rule, "id", tfa_ci_str(id), &bad);
    tfa_jbuild_set(rule, "name", tfa_ci_str(id), &bad);
    tfa_jbuild_set(rule, "shortDescription", text_obj(title, &bad), &bad);
    tfa_jbuild_set(rule, "fullDescription", text_obj(full.ptr, &bad), &bad);
    tfa_jbuild_set(conf, "level", json_string(tfa_ci_sarif_level(level)), &bad);
    tfa_jbuild_set(rule, "defaultConfiguration", conf, &bad);
    conf = NULL;
    if (json_array_append_new(tags, json_string(tfa_level_name(level))) != 0)
        bad = 1;
    tfa_jbuild_set(props, "tags", tags, &bad);
    tags = NULL;
    tfa_jbuild_set(props, "level", json_string(tfa_level_name(level)), &bad);
    tfa_jbuild_set(props, "kind", json_string(condition ? "check" : "manual"), &bad);
    if (section)
        tfa_jbuild_set(props, "section", tfa_ci_str(section), &bad);
    tfa_jbuild_set(rule, "properties", props, &bad);
    props = NULL;
    tfa_buf_release(&full);
    if (!bad && rules) {
        *index = json_array_size(rules);
        if (json_array_append(rules, rule) != 0)
            bad = 1;
    }
    json_decref(rule);
    json_decref(conf);
    json_decref(props);
    json_decref(tags);
    return bad ? TFA_ENOMEM : 0;
}

/* RFC 3986: unreserved, sub-delims, ':', '@' and '/' stay; the rest is
 * percent-encoded byte by byte. */
static void uri_path(tfa_buf *out, const char *s)
{
    static const char keep[] = "-._~!$&'()*+,;=:@/";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            (c && strchr(keep, c)))
            tfa_buf_putc(out, (char)c);
        else
            tfa_buf_printf(out, "%%%02X", c);
    }
}

/* "https://...", "s3://...", "tfc:run-..." name themselves. */
static int is_url(const char *s)
{
    const char *p = s;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    return *p == ':' && p - s > 1; /* not a Windows drive letter */
}

json_t *tfa_sarif_location(const char *path, unsigned long line)
{
    json_t *loc = json_object(), *phys = json_object(), *art = json_object(), *region = NULL;
    tfa_buf uri;
    int bad = !loc || !phys || !art;

    tfa_buf_init(&uri, TFA_BUF_NO_MAX);
    if (is_url(path)) {
        uri_path(&uri, path);
    } else {
        if (path[0] == '/')
            tfa_buf_puts(&uri, "file://");
        uri_path(&uri, path);
    }
    bad |= tfa_buf_status(&uri) != 0;
    if (!bad)
        tfa_jbuild_set(art, "uri", json_string(uri.ptr), &bad);
    tfa_jbuild_set(phys, "artifactLocation", art, &bad);
    art = NULL;
    if (line) {
        region = json_object();
        if (region)
            tfa_jbuild_set(region, "startLine", json_integer((json_int_t)line), &bad);
        tfa_jbuild_set(phys, "region", region, &bad);
    }
    tfa_jbuild_set(loc, "physicalLocation", phys, &bad);
    phys = NULL;
    tfa_buf_release(&uri);
    json_decref(art);
    json_decref(phys);
    if (bad) {
        json_decref(loc);
        return NULL;
    }
    return loc;
}

json_t *tfa_sarif_result(const char *rule_id, size_t rule_index, tfa_level level,
                         const char *message, json_t *loc, const char *fingerprint)
{
    json_t *r = json_object(), *fp = json_object(), *locs = json_array();
    int bad = !r || !fp || !locs;

    tfa_jbuild_set(r, "ruleId", tfa_ci_str(rule_id), &bad);
    tfa_jbuild_set(r, "ruleIndex", json_integer((json_int_t)rule_index), &bad);
    tfa_jbuild_set(r, "level", json_string(tfa_ci_sarif_level(level)), &bad);
    tfa_jbuild_set(r, "message", text_obj(message, &bad), &bad);
    if (loc && locs && json_array_append_new(locs, loc) != 0)
        bad = 1;
    loc = NULL;
    tfa_jbuild_set(r, "locations", locs, &bad);
    locs = NULL;
    tfa_jbuild_set(fp, FINGERPRINT_KEY, json_string(fingerprint), &bad);
    tfa_jbuild_set(r, "partialFingerprints", fp, &bad);
    fp = NULL;
    json_decref(loc);
    json_decref(locs);
    json_decref(fp);
    if (bad) {
        json_decref(r);
        return NULL;
    }
    return r;
}

int tfa_sarif_push(json_t *run, json_t *result)
{
    json_t *results = json_object_get(run, "results");
    if (!result || !results || json_array_append_new(results, result) != 0)
        return TFA_ENOMEM;
    return 0;
}

/* ---- GitHub workflow commands ----------------------------------------------------- */

/* The runner unescapes %25, %0D, %0A (and in properties %3A, %2C); escaping
 * exactly these keeps a hostile address from ending the command or adding
 * properties. Invalid UTF-8 becomes U+FFFD first. */
static void github_escape(tfa_buf *out, const char *s, int property)
{
    tfa_buf clean;
    const char *p;

    tfa_buf_init(&clean, TFA_BUF_NO_MAX);
    tfa_esc_utf8(&clean, s);
    for (p = clean.ptr; *p; p++) {
        if (*p == '%')
            tfa_buf_puts(out, "%25");
        else if (*p == '\r')
            tfa_buf_puts(out, "%0D");
        else if (*p == '\n')
            tfa_buf_puts(out, "%0A");
        else if (property && *p == ':')
            tfa_buf_puts(out, "%3A");
        else if (property && *p == ',')
            tfa_buf_puts(out, "%2C");
        else
            tfa_buf_putc(out, *p);
    }
    tfa_scratch_release(out, &clean);
}

int tfa_github_command(tfa_buf *out, const char *cmd, const char *file, unsigned long line,
                       const char *title, const char *message)
{
    const char *sep = " ";

    tfa_buf_printf(out, "::%s", cmd);
    if (file) {
        tfa_buf_printf(out, "%sfile=", sep);
        github_escape(out, file, 1);
        sep = ",";
        if (line) {
            tfa_buf_printf(out, ",line=%lu", line);
        }
    }
    if (title) {
        tfa_buf_printf(out, "%stitle=", sep);
        github_escape(out, title, 1);
    }
    tfa_buf_puts(out, "::");
    github_escape(out, message, 0);
    return tfa_buf_putc(out, '\n');
}

/* ---- Code Quality ----------------------------------------------------------------- */

json_t *tfa_codequality_issue(const char *description, const char *check_name,
                              const char *fingerprint, tfa_level level, const char *path,
                              unsigned long line)
{
    json_t *o = json_object(), *loc = json_object(), *lines = json_object();
    int bad = !o || !loc || !lines;

    tfa_jbuild_set(o, "type", json_string("issue"), &bad);
    tfa_jbuild_set(o, "description", tfa_ci_str(description), &bad);
    tfa_jbuild_set(o, "check_name", tfa_ci_str(check_name), &bad);
    tfa_jbuild_set(o, "fingerprint", json_string(fingerprint), &bad);
    tfa_jbuild_set(o, "severity", json_string(tfa_ci_codequality_severity(level)), &bad);
    tfa_jbuild_set(lines, "begin", json_integer((json_int_t)(line ? line : 1)), &bad);
    tfa_jbuild_set(loc, "path", tfa_ci_str(path), &bad);
    tfa_jbuild_set(loc, "lines", lines, &bad);
    lines = NULL;
    tfa_jbuild_set(o, "location", loc, &bad);
    loc = NULL;
    json_decref(lines);
    json_decref(loc);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

const char *tfa_ci_address(const char *label, char *buf, size_t size)
{
    static const char *const kinds[] = {" (plan ", " (ui-log ", " (text-log ", " (state "};
    const char *cut = NULL, *at;
    size_t i, len = strlen(label);

    if (len == 0 || label[len - 1] != ')')
        return label;
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        for (at = strstr(label, kinds[i]); at; at = strstr(at + 1, kinds[i]))
            if (!cut || at > cut)
                cut = at;
    if (!cut || (size_t)(cut - label) >= size)
        return label;
    memcpy(buf, label, (size_t)(cut - label));
    buf[cut - label] = '\0';
    return buf;
}
