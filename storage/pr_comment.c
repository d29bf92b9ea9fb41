/*
 * pr_comment.c - the sticky PR / MR comment over GitHub's and GitLab's
 * REST APIs (see pr_comment.h for the endpoints and rules).
 */
#include "util/compat.h"

#include <jansson.h>

#include "pr_comment.h"
#include "util/alloc.h"
#include "util/limits.h"

#define GITHUB_ACCEPT  "application/vnd.github+json"
#define GITHUB_VERSION "X-GitHub-Api-Version: 2022-11-28"
#define MARKER_FMT     "<!-- tfaudit:%s -->"
#define HEADER_MAX     4096 /* a Link header: two or three URLs */
#define NOTE_ROOM      400  /* characters kept for the "trimmed" note */

/* ---- the target ------------------------------------------------------------------- */

static int name_char(char c, const char *extra)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr(extra, c));
}

/* Digits after `sep` to the end: the PR number. */
static int number(const char *p, unsigned long *out)
{
    unsigned long n = 0;
    const char *s = p;
    for (; *p >= '0' && *p <= '9' && n < 1000000000ul; p++)
        n = n * 10 + (unsigned long)(*p - '0');
    if (*p || p == s || n == 0)
        return -1;
    *out = n;
    return 0;
}

int tfa_pr_target_parse(tfa_pr_target *t, tfa_forge forge, const char *text, tfa_error *err)
{
    const char *sep = strrchr(text, forge == TFA_FORGE_GITHUB ? '#' : '!'), *p, *slash;
    size_t len = sep ? (size_t)(sep - text) : 0;

    memset(t, 0, sizeof(*t));
    t->forge = forge;
    if (forge == TFA_FORGE_GITHUB) {
        slash = memchr(text, '/', len);
        for (p = text; p < text + len; p++)
            if (!name_char(*p, p == slash ? "/" : "-._"))
                break;
        if (!sep || !slash || slash == text || slash + 1 == sep || p != sep ||
            memchr(text, '.', (size_t)(slash - text)) || strncmp(slash + 1, ".#", 2) == 0 ||
            strncmp(slash + 1, "..#", 3) == 0 || len >= sizeof(t->repo) ||
            number(sep + 1, &t->number) != 0)
            return tfa_error_set(err, TFA_EUSAGE,
                                 "invalid GitHub pull request '%s' (OWNER/REPO#NUMBER)", text);
    } else {
        for (p = text; p < text + len; p++)
            if (!name_char(*p, "-._/"))
                break;
        if (!sep || len == 0 || p != sep || text[0] == '/' || sep[-1] == '/' ||
            strstr(text, "//") || strstr(text, "..") || len >= sizeof(t->repo) ||
            number(sep + 1, &t->number) != 0)
            return tfa_error_set(err, TFA_EUSAGE,
                                 "invalid GitLab merge request '%s' (PROJECT!IID, PROJECT a "
                                 "path such as group/project or a numeric id)",
                                 text);
    }
    memcpy(t->repo, text, len);
    t->repo[len] = '\0';
    return 0;
}

/* ---- the body --------------------------------------------------------------------- */

static size_t chars(const char *s, size_t len)
{
    size_t i, n = 0;
    for (i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

int tfa_pr_comment_body(tfa_buf *out, const char *workspace, const char *md, size_t len,
                        size_t budget, tfa_error *err)
{
    size_t start = out->len, marker, room, kept = 0, lines = 0, total_lines = 0, i;
    const char *p = md, *end = md + len;
    json_t *probe;

    if (memchr(md, '\0', len))
        return tfa_error_set(err, TFA_EINPUT, "the report holds a NUL byte");
    if (!(probe = json_stringn(md, len)))
        return tfa_error_set(err, TFA_EINPUT, "the report is not valid UTF-8");
    json_decref(probe);
    if (!budget)
        budget = TFA_PR_COMMENT_MAX;
    tfa_buf_printf(out, MARKER_FMT "\n", workspace);
    if (chars(out->ptr + start, out->len - start) + chars(md, len) <= budget) {
        tfa_buf_put(out, md, len);
        return tfa_buf_status(out) ? tfa_error_oom(err) : 0;
    }
    for (i = 0; i < len; i++)
        total_lines += md[i] == '\n';
    /* the closing note and the marker have their room kept from the start */
    marker = chars(out->ptr + start, out->len - start);
    room = budget > marker + NOTE_ROOM ? budget - marker - NOTE_ROOM : 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) + 1 : (size_t)(end - p), c = chars(p, n);
        if (kept + c > room)
            break;
        tfa_buf_put(out, p, n);
        kept += c;
        lines++;
        p += n;
    }
    tfa_buf_printf(out,
                   "\n---\n\n> **Report trimmed** to fit a comment (%zu characters at most): "
                   "the first %zu of its %zu lines are shown; the full report is in the run "
                   "that posted this comment.\n",
                   budget, lines, total_lines);
    return tfa_buf_status(out) ? tfa_error_oom(err) : 0;
}

/* ---- the API ---------------------------------------------------------------------- */

typedef struct api {
    const tfa_pr_target *t;
    const tfa_pr_comment_options *o;
    tfa_buf base;   /* the API root without a trailing slash */
    tfa_buf thread; /* .../issues/N/comments or .../merge_requests/N/notes */
    char marker[128];
    tfa_error *err;
} api;

/* GitLab wants a project path as one segment: "group%2Fproject". */
static void encode_segment(tfa_buf *out, const char *s)
{
    for (; *s; s++)
        if (name_char(*s, "-._~"))
            tfa_buf_putc(out, *s);
        else
            tfa_buf_printf(out, "%%%02X", (unsigned char)*s);
}

static int call(api *a, const char *method, const char *url, const char *body,
                tfa_http_response *res)
{
    const char *gh_headers[] = {GITHUB_VERSION, NULL};
    tfa_http_request req;

    memset(&req, 0, sizeof(req));
    req.method = method;
    req.url = url;
    req.accept = a->t->forge == TFA_FORGE_GITHUB ? GITHUB_ACCEPT : "application/json";
    req.headers = a->t->forge == TFA_FORGE_GITHUB ? gh_headers : NULL;
    req.token = a->o->token;
    req.token_origin = a->base.ptr;
    req.token_source = a->o->token_source;
    req.max_bytes = TFA_LIMIT_HTTP_API_BYTES;
    if (body) {
        req.content_type = "application/json";
        req.body = body;
        req.body_len = strlen(body);
    }
    tfa_http_response_release(res);
    tfa_http_response_init(res);
    return tfa_http_perform(res, &req, a->o->http, a->err);
}

static json_t *parse(api *a, const tfa_http_response *res, const char *url, int array)
{
    json_error_t jerr;
    json_t *j = json_loadb(res->body.ptr, res->body.len, 0, &jerr);
    if (!j || (array ? !json_is_array(j) : !json_is_object(j))) {
        json_decref(j);
        tfa_error_set_source(a->err, url);
        tfa_error_set(a->err, TFA_EIO, "the API answered with something else than a JSON %s",
                      array ? "array" : "object");
        return NULL;
    }
    return j;
}

/* The URL of rel="next" in a Link header into `out`; 0 when there is none. */
static int link_next(const char *link, tfa_buf *out)
{
    const char *p = link;
    while ((p = strchr(p, '<')) != NULL) {
        const char *close = strchr(p, '>'), *params, *next;
        if (!close)
            return 0;
        params = close + 1;
        next = strchr(params, '<');
        if (!next)
            next = params + strlen(params);
        {
            const char *rel = strstr(params, "rel=");
            if (rel && rel < next &&
                (strncmp(rel, "rel=\"next\"", 10) == 0 || strncmp(rel, "rel=next", 8) == 0)) {
                tfa_buf_put(out, p + 1, (size_t)(close - p - 1));
                return 1;
            }
        }
        p = next;
    }
    return 0;
}

/* The next page's URL into `url`, or 0 when this was the last page. A link
 * that leaves the API root is an error: the token would follow it. */
static int next_page(api *a, const tfa_http_response *res, unsigned page, tfa_buf *url, int *more)
{
    char h[HEADER_MAX];

    *more = 0;
    if (a->t->forge == TFA_FORGE_GITLAB) {
        const char *p;
        if (!tfa_http_response_header(res, "X-Next-Page", h, sizeof(h)) || !h[0])
            return 0;
        for (p = h; *p >= '0' && *p <= '9'; p++)
            ;
        if (*p || p - h > 9)
            return tfa_error_set(a->err, TFA_EIO, "X-Next-Page '%.40s' is not a page number", h);
        (void)page;
        tfa_buf_clear(url);
        tfa_buf_printf(url, "%s?per_page=100&sort=asc&order_by=created_at&page=%s", a->thread.ptr,
                       h);
        *more = 1;
        return tfa_buf_status(url) ? tfa_error_oom(a->err) : 0;
    }
    if (!tfa_http_response_header(res, "Link", h, sizeof(h)))
        return 0;
    tfa_buf_clear(url);
    if (!link_next(h, url))
        return 0;
    if (strncmp(url->ptr, a->base.ptr, a->base.len) != 0 || url->ptr[a->base.len] != '/')
        return tfa_error_set(a->err, TFA_EIO, "the next page of comments is outside %s: refused",
                             a->base.ptr);
    *more = 1;
    return tfa_buf_status(url) ? tfa_error_oom(a->err) : 0;
}

/* Look through the comments for our marker: *id set when found. */
static int find(api *a, tfa_pr_comment_result *r, long long *id)
{
    tfa_http_response res;
    tfa_buf url;
    unsigned page;
    int rc = 0, more = 1;

    *id = 0;
    tfa_http_response_init(&res);
    tfa_buf_init(&url, TFA_BUF_NO_MAX);
    tfa_buf_printf(&url, "%s?per_page=100%s", a->thread.ptr,
                   a->t->forge == TFA_FORGE_GITLAB ? "&sort=asc&order_by=created_at&page=1" : "");
    for (page = 0; rc == 0 && more && !*id; page++) {
        json_t *list, *c;
        size_t i;
        if (page >= TFA_PR_COMMENT_PAGES) {
            rc = tfa_error_set(a->err, TFA_ELIMIT, "more than %d pages of comments",
                               TFA_PR_COMMENT_PAGES);
            break;
        }
        if (tfa_buf_status(&url)) {
            rc = tfa_error_oom(a->err);
            break;
        }
        if ((rc = call(a, "GET", url.ptr, NULL, &res)) != 0)
            break;
        r->pages++;
        if (!(list = parse(a, &res, url.ptr, 1))) {
            rc = TFA_EIO;
            break;
        }
        json_array_foreach(list, i, c)
        {
            const char *body = json_string_value(json_object_get(c, "body"));
            if (!body || json_is_true(json_object_get(c, "system")) ||
                strncmp(body, a->marker, strlen(a->marker)) != 0)
                continue;
            *id = json_integer_value(json_object_get(c, "id"));
            break;
        }
        json_decref(list);
        if (!*id)
            rc = next_page(a, &res, page, &url, &more);
    }
    tfa_buf_release(&url);
    tfa_http_response_release(&res);
    return rc;
}

static int write_comment(api *a, tfa_pr_comment_result *r, long long id, const char *body)
{
    json_t *doc = json_pack("{s:s}", "body", body), *reply = NULL;
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    const char *method = "POST", *web;
    tfa_http_response res;
    json_free_t free_fn = NULL;
    tfa_buf url;
    int rc;

    tfa_http_response_init(&res);
    tfa_buf_init(&url, TFA_BUF_NO_MAX);
    if (id && a->t->forge == TFA_FORGE_GITHUB) {
        method = "PATCH";
        tfa_buf_printf(&url, "%s/repos/%s/issues/comments/%lld", a->base.ptr, a->t->repo, id);
    } else if (id) {
        method = "PUT";
        tfa_buf_printf(&url, "%s/%lld", a->thread.ptr, id);
    } else {
        tfa_buf_puts(&url, a->thread.ptr);
    }
    if (!text || tfa_buf_status(&url)) {
        rc = tfa_error_oom(a->err);
        goto done;
    }
    if ((rc = call(a, method, url.ptr, text, &res)) != 0)
        goto done;
    if (!(reply = parse(a, &res, url.ptr, 0))) {
        rc = TFA_EIO;
        goto done;
    }
    r->updated = id != 0;
    r->id = json_integer_value(json_object_get(reply, "id"));
    web = json_string_value(json_object_get(reply, "html_url"));
    snprintf(r->url, sizeof(r->url), "%s", web ? web : "");
done:
    json_decref(reply);
    json_decref(doc);
    json_get_alloc_funcs(NULL, &free_fn);
    if (text)
        free_fn(text);
    tfa_buf_release(&url);
    tfa_http_response_release(&res);
    return rc;
}

int tfa_pr_comment_post(tfa_pr_comment_result *res, const tfa_pr_target *t, const char *body,
                        const tfa_pr_comment_options *opts, tfa_error *err)
{
    api a;
    long long id = 0;
    int rc;

    memset(res, 0, sizeof(*res));
    memset(&a, 0, sizeof(a));
    a.t = t, a.o = opts, a.err = err;
    tfa_buf_init(&a.base, TFA_BUF_NO_MAX);
    tfa_buf_init(&a.thread, TFA_BUF_NO_MAX);
    tfa_buf_puts(&a.base, opts->api_url);
    while (a.base.len && a.base.ptr[a.base.len - 1] == '/')
        tfa_buf_truncate(&a.base, a.base.len - 1);
    if (t->forge == TFA_FORGE_GITHUB) {
        tfa_buf_printf(&a.thread, "%s/repos/%s/issues/%lu/comments", a.base.ptr, t->repo,
                       t->number);
    } else {
        tfa_buf_printf(&a.thread, "%s/projects/", a.base.ptr);
        encode_segment(&a.thread, t->repo);
        tfa_buf_printf(&a.thread, "/merge_requests/%lu/notes", t->number);
    }
    snprintf(a.marker, sizeof(a.marker), MARKER_FMT, opts->workspace);
    if (tfa_buf_status(&a.base) || tfa_buf_status(&a.thread))
        rc = tfa_error_oom(err);
    else if ((rc = find(&a, res, &id)) == 0)
        rc = write_comment(&a, res, id, body);
    tfa_buf_release(&a.base);
    tfa_buf_release(&a.thread);
    return rc;
}
