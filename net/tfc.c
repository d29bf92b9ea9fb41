/*
 * tfc.c - HCP Terraform / Terraform Enterprise runs and assessments (see tfc.h).
 */
#include "util/compat.h"

#include <jansson.h>

#include "net/json_doc.h"
#include "net/tfc.h"
#include "net/url.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

#define JSONAPI "application/vnd.api+json"

/* An apply's log exists once it started; these never started. */
static const char *const apply_not_run[] = {"pending", "managed_queued", "queued", "unreachable",
                                            "canceled_before_start"};

int tfa_tfc_id_valid(const char *id, const char *prefix)
{
    size_t n = strlen(prefix), i;
    if (!id || strncmp(id, prefix, n) != 0)
        return 0;
    for (i = n; id[i]; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') ||
              (id[i] >= '0' && id[i] <= '9')) ||
            i - n >= 64)
            return 0;
    return i > n;
}

int tfa_tfc_host_parse(char **base_url, char **host, const char *spec, tfa_error *err)
{
    tfa_url u = TFA_URL_INIT;
    tfa_buf url;
    int rc;

    *base_url = *host = NULL;
    tfa_buf_init(&url, TFA_BUF_NO_MAX);
    if (tfa_url_is_http(spec))
        tfa_buf_puts(&url, spec);
    else
        tfa_buf_printf(&url, "https://%s", spec);
    while (url.len > 8 && url.ptr[url.len - 1] == '/')
        tfa_buf_truncate(&url, url.len - 1);
    if (tfa_buf_status(&url)) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = tfa_url_parse(&u, url.ptr, err)) != 0)
        goto done;
    if (strcmp(u.path, "/") != 0 || strpbrk(url.ptr, "?#@")) {
        tfa_error_set_source(err, u.display);
        rc = tfa_error_set(err, TFA_EUSAGE, "a host is a name and an optional port, not a URL");
        goto done;
    }
    if (!(*host = tfa_url_host_key(&u)) || !(*base_url = tfa_buf_detach(&url, NULL))) {
        tfa_free(*host);
        *host = NULL;
        rc = tfa_error_oom(err);
    }
done:
    tfa_url_release(&u);
    tfa_buf_release(&url);
    return rc;
}

int tfa_tfc_fetch_new(tfa_tfc_fetch **out, const char *base_url, tfa_error *err)
{
    tfa_tfc_fetch *f = tfa_calloc(1, sizeof(*f));
    char *base = NULL;
    int rc;

    *out = NULL;
    if (!f)
        return tfa_error_oom(err);
    f->drifted = -1;
    rc = tfa_tfc_host_parse(&base, &f->host, base_url, err);
    tfa_free(base);
    if (rc) {
        tfa_tfc_fetch_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

void tfa_tfc_fetch_free(tfa_tfc_fetch *f)
{
    size_t i;
    if (!f)
        return;
    for (i = 0; i < f->n_files; i++) {
        tfa_free(f->files[i].source);
        tfa_free(f->files[i].data);
    }
    tfa_free(f->host);
    tfa_free(f->run_id);
    tfa_free(f->run_status);
    tfa_free(f->workspace_id);
    tfa_free(f->plan_status);
    tfa_free(f->apply_status);
    tfa_free(f->assessment_id);
    tfa_free(f);
}

/* ---- requests ------------------------------------------------------------ */

/* One document to GET into a new file of the fetch. */
typedef struct get_spec {
    const char *url;
    const char *owner; /* "run-ID" or "ws-ID", for the source name */
    const char *name;  /* the file name: "plan.log" */
    int api;           /* a JSON:API document: Accept header and API size cap */
    int hide_url;      /* a signed URL: errors name the source, not the URL */
} get_spec;

/* GET into f->files[f->n_files++]; a 204 or an empty body adds no file. */
static int get_file(tfa_tfc_fetch *f, const tfa_tfc_options *o, const get_spec *g, tfa_error *err)
{
    tfa_http_request req = {0};
    tfa_http_response res;
    tfa_tfc_file *file;
    tfa_buf src;
    int rc;

    if (f->n_files >= TFA_TFC_MAX_FILES)
        return tfa_error_set(err, TFA_ELIMIT, "too many documents in one fetch");
    tfa_http_response_init(&res);
    tfa_buf_init(&src, TFA_BUF_NO_MAX);
    tfa_buf_printf(&src, "tfc:%s/%s/%s", f->host, g->owner, g->name);
    req.url = g->url;
    req.name = g->hide_url ? src.ptr : NULL;
    req.accept = g->api ? JSONAPI : NULL;
    req.content_type = g->api ? JSONAPI : NULL;
    req.token = o->token;
    req.token_origin = o->base_url; /* never to archivist or a storage host */
    req.token_source = o->token_source;
    req.max_bytes = g->api ? TFA_LIMIT_HTTP_API_BYTES : 0;
    if (tfa_buf_status(&src)) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = tfa_http_perform(&res, &req, o->http, err)) != 0 || res.body.len == 0)
        goto done;
    file = &f->files[f->n_files];
    file->name = g->name;
    file->len = res.body.len;
    file->terraform = !g->api;
    if (!(file->data = tfa_buf_detach(&res.body, NULL)) ||
        !(file->source = tfa_buf_detach(&src, NULL))) {
        tfa_free(file->data);
        memset(file, 0, sizeof(*file));
        rc = tfa_error_oom(err);
        goto done;
    }
    f->n_files++;
done:
    tfa_buf_release(&src);
    tfa_http_response_release(&res);
    return rc;
}

/* The file fetched last, if it is `name`. */
static tfa_tfc_file *last(tfa_tfc_fetch *f, const char *name)
{
    if (f->n_files && strcmp(f->files[f->n_files - 1].name, name) == 0)
        return &f->files[f->n_files - 1];
    return NULL;
}

/* Drop archivist's STX ... ETX frame around a log. */
static void unframe(tfa_tfc_file *file)
{
    if (file->len && file->data[0] == '\x02') {
        memmove(file->data, file->data + 1, file->len);
        file->len--;
    }
    if (file->len && file->data[file->len - 1] == '\x03')
        file->data[--file->len] = '\0';
}

/* BASE/api/v2/COLLECTION/ID + TAIL (IDs are checked before they get here). */
static char *url_of(const tfa_tfc_options *o, const char *collection, const char *id,
                    const char *tail)
{
    tfa_buf b;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_puts(&b, o->base_url);
    while (b.len && b.ptr[b.len - 1] == '/')
        tfa_buf_truncate(&b, b.len - 1);
    tfa_buf_printf(&b, "/api/v2/%s/%s%s", collection, id, tail);
    return tfa_buf_detach(&b, NULL);
}

/* ---- JSON:API ------------------------------------------------------------ */

static json_t *parse_doc(const tfa_tfc_file *file, const char *what, tfa_error *err)
{
    json_t *doc = NULL, *data;
    if (tfa_json_doc_parse(&doc, file->source, file->data, file->len, err) != 0)
        return NULL;
    data = json_object_get(doc, "data");
    if (!json_is_object(data) || !json_is_string(json_object_get(data, "type")) ||
        strcmp(json_string_value(json_object_get(data, "type")), what) != 0) {
        json_decref(doc);
        tfa_error_set_source(err, file->source);
        tfa_error_set(err, TFA_EINPUT, "not a JSON:API %s document", what);
        return NULL;
    }
    return doc;
}

/* *dst = a copy of `v` when it is a string; -1 on out-of-memory only. */
static int take_str(char **dst, json_t *v)
{
    const char *s = json_string_value(v);
    *dst = s ? tfa_strdup(s) : NULL;
    return s && !*dst ? -1 : 0;
}

/* data.relationships.NAME.data.id */
static const char *rel_id(json_t *data, const char *name)
{
    return json_string_value(json_object_get(
        json_object_get(json_object_get(json_object_get(data, "relationships"), name), "data"),
        "id"));
}

/* The attributes of included[] entry TYPE/ID. */
static json_t *included(json_t *doc, const char *type, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(doc, "included"), i, e)
    {
        const char *t = json_string_value(json_object_get(e, "type"));
        const char *x = json_string_value(json_object_get(e, "id"));
        if (t && x && id && strcmp(t, type) == 0 && strcmp(x, id) == 0)
            return json_object_get(e, "attributes");
    }
    return NULL;
}

static int bad_id(const tfa_tfc_file *file, const char *what, tfa_error *err)
{
    tfa_error_set_source(err, file->source);
    return tfa_error_set(err, TFA_EINPUT, "the run document has no valid %s id", what);
}

/* ---- runs ---------------------------------------------------------------- */

static int bad_run_id(const char *id, tfa_error *err)
{
    return tfa_error_set(err, TFA_EUSAGE, "'%.80s' is not a run ID (run- and letters or digits)",
                         id);
}

/* Whether an apply in `status` has a log to read. */
static int apply_ran(const char *status)
{
    size_t i;
    if (!status)
        return 0;
    for (i = 0; i < TFA_ARRAY_SIZE(apply_not_run); i++)
        if (strcmp(status, apply_not_run[i]) == 0)
            return 0;
    return 1;
}

/* A log at a log-read-url, unframed. Absent or empty URLs fetch nothing. */
static int get_log(tfa_tfc_fetch *f, const tfa_tfc_options *o, json_t *attrs, const char *owner,
                   const char *name, tfa_error *err)
{
    const char *url = json_string_value(json_object_get(attrs, "log-read-url"));
    get_spec g = {url, owner, name, 0, 1};
    tfa_tfc_file *file;
    int rc;

    if (!url || !*url)
        return 0;
    if ((rc = get_file(f, o, &g, err)) == 0 && (file = last(f, name)) != NULL)
        unframe(file);
    return rc;
}

/* Run metadata from the run document into `f`; the plan's and apply's
 * attributes (borrowed from `doc`) through the out-parameters. */
static int read_run(tfa_tfc_fetch *f, json_t *doc, const tfa_tfc_file *file, const char **plan_id,
                    json_t **plan, json_t **apply, tfa_error *err)
{
    json_t *data = json_object_get(doc, "data");
    const char *apply_id = rel_id(data, "apply");

    *plan_id = rel_id(data, "plan");
    if (!tfa_tfc_id_valid(*plan_id, "plan-"))
        return bad_id(file, "plan", err);
    if (apply_id && !tfa_tfc_id_valid(apply_id, "apply-"))
        return bad_id(file, "apply", err);
    if (rel_id(data, "workspace") && !tfa_tfc_id_valid(rel_id(data, "workspace"), "ws-"))
        return bad_id(file, "workspace", err);
    if (!json_is_string(json_object_get(data, "id")) ||
        strcmp(json_string_value(json_object_get(data, "id")), f->run_id) != 0) {
        tfa_error_set_source(err, file->source);
        return tfa_error_set(err, TFA_EINPUT, "the run document is not about %s", f->run_id);
    }
    *plan = included(doc, "plans", *plan_id);
    *apply = apply_id ? included(doc, "applies", apply_id) : NULL;
    if (take_str(&f->run_status, json_object_get(json_object_get(data, "attributes"), "status")) ||
        (rel_id(data, "workspace") && !(f->workspace_id = tfa_strdup(rel_id(data, "workspace")))) ||
        take_str(&f->plan_status, json_object_get(*plan, "status")) ||
        take_str(&f->apply_status, json_object_get(*apply, "status")))
        return tfa_error_oom(err);
    return 0;
}

int tfa_tfc_fetch_run(tfa_tfc_fetch *f, const char *run_id, const tfa_tfc_options *o,
                      tfa_error *err)
{
    json_t *doc = NULL, *plan = NULL, *apply = NULL;
    const char *plan_id = NULL;
    char *url = NULL;
    get_spec g = {NULL, run_id, "run.json", 1, 0};
    int rc;

    assert(!f->run_id); /* one run per fetch */
    if (!tfa_tfc_id_valid(run_id, "run-"))
        return bad_run_id(run_id, err);
    if (!(f->run_id = tfa_strdup(run_id)) ||
        !(url = url_of(o, "runs", run_id, "?include=plan,apply"))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    g.url = url;
    if ((rc = get_file(f, o, &g, err)) != 0)
        goto done;
    if (!last(f, "run.json")) {
        tfa_error_set_source(err, url);
        rc = tfa_error_set(err, TFA_EINPUT, "empty answer instead of a run document");
        goto done;
    }
    if (!(doc = parse_doc(last(f, "run.json"), "runs", err))) {
        rc = err->status;
        goto done;
    }
    if ((rc = read_run(f, doc, last(f, "run.json"), &plan_id, &plan, &apply, err)) != 0)
        goto done;
    if (f->plan_status && strcmp(f->plan_status, "finished") == 0) {
        tfa_free(url);
        if (!(url = url_of(o, "plans", plan_id, "/json-output"))) {
            rc = tfa_error_oom(err);
            goto done;
        }
        g.url = url, g.name = "plan.json", g.api = 0;
        if ((rc = get_file(f, o, &g, err)) != 0)
            goto done;
    }
    if ((rc = get_log(f, o, plan, run_id, "plan.log", err)) != 0)
        goto done;
    if (apply_ran(f->apply_status))
        rc = get_log(f, o, apply, run_id, "apply.log", err);
done:
    json_decref(doc);
    tfa_free(url);
    return rc;
}

/* ---- assessments --------------------------------------------------------- */

static int read_assessment(tfa_tfc_fetch *f, const tfa_tfc_file *file, tfa_error *err)
{
    json_t *doc = parse_doc(file, "assessment-results", err);
    json_t *data = json_object_get(doc, "data"), *attrs = json_object_get(data, "attributes");
    const char *id = json_string_value(json_object_get(data, "id"));
    int rc = 0;

    if (!doc)
        return err->status;
    if (!tfa_tfc_id_valid(id, "asmtres-")) {
        tfa_error_set_source(err, file->source);
        rc = tfa_error_set(err, TFA_EINPUT, "the assessment document has no valid id");
    } else if (json_is_false(json_object_get(attrs, "succeeded"))) {
        tfa_error_set_source(err, file->source);
        rc = tfa_error_set(err, TFA_EINPUT, "the current assessment did not succeed");
    } else if (!(f->assessment_id = tfa_strdup(id))) {
        rc = tfa_error_oom(err);
    } else if (json_is_boolean(json_object_get(attrs, "drifted"))) {
        f->drifted = json_is_true(json_object_get(attrs, "drifted"));
    }
    json_decref(doc);
    return rc;
}

int tfa_tfc_fetch_assessment(tfa_tfc_fetch *f, const char *ws, const tfa_tfc_options *o,
                             tfa_error *err)
{
    get_spec g = {NULL, ws, "assessment.json", 1, 0};
    char *url = NULL;
    tfa_tfc_file *file;
    int rc;

    if (!tfa_tfc_id_valid(ws, "ws-"))
        return tfa_error_set(err, TFA_EUSAGE,
                             "'%.80s' is not a workspace ID (ws- and letters or digits)", ws);
    if (!(g.url = url = url_of(o, "workspaces", ws, "/current-assessment-result")))
        return tfa_error_oom(err);
    rc = get_file(f, o, &g, err);
    if (rc == TFA_ENOTFOUND) {
        tfa_error_clear(err); /* the 404 means "none": say so */
        tfa_error_set_source(err, url);
        rc = tfa_error_set(err, TFA_ENOTFOUND,
                           "no current assessment result (health assessments off or not run "
                           "yet, or not readable with the token from %s)",
                           o->token_source ? o->token_source : "the configured source");
    }
    if (rc || (rc = read_assessment(f, last(f, "assessment.json"), err)) != 0)
        goto done;
    tfa_free(url);
    g.url = url = url_of(o, "assessment-results", f->assessment_id, "/json-output");
    g.name = "assessment-plan.json", g.api = 0;
    if (!url || (rc = get_file(f, o, &g, err)) != 0)
        goto done;
    tfa_free(url);
    g.url = url = url_of(o, "assessment-results", f->assessment_id, "/log-output");
    g.name = "assessment.log";
    if (!url || (rc = get_file(f, o, &g, err)) != 0)
        goto done;
    if ((file = last(f, "assessment.log")) != NULL)
        unframe(file);
done:
    if (!url && rc == 0)
        rc = tfa_error_oom(err);
    tfa_free(url);
    return rc;
}
