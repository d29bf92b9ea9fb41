/*
 * notify.c - verdict webhooks (see notify.h).
 */
#include "util/compat.h"

#include "net/notify.h"
#include "net/url.h"
#include "util/alloc.h"
#include "util/buf.h"

/* Items listed by id in the one-line text; the structured part has more. */
#define TEXT_ITEMS 5

/* A copy of a record string, at most TFA_NOTIFY_MAX_FIELD bytes, cut on a
 * UTF-8 character boundary; NULL on out-of-memory. `v` is a string. */
static json_t *clipped(const json_t *v)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > TFA_NOTIFY_MAX_FIELD) {
        n = TFA_NOTIFY_MAX_FIELD;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    return json_stringn(s, n);
}

/* dst[key] = clipped copy of src[key] when that is a string. The helpers
 * below return -1 on out-of-memory only (jansson's set_new and append_new
 * fail on a NULL value, and release the value when they fail). */
static int copy_str(json_t *dst, const char *key, const json_t *src)
{
    const json_t *v = json_object_get(src, key);
    if (!json_is_string(v))
        return 0;
    return json_object_set_new(dst, key, clipped(v));
}

static int is_failing(const char *status)
{
    return status && (strcasecmp(status, "FAIL") == 0 || strcasecmp(status, "ERROR") == 0 ||
                      strcasecmp(status, "PENDING") == 0);
}

/* {"failing": [...], "failing_count": N} from record.items. */
static int failing_items(json_t *out, const json_t *record)
{
    json_t *list = json_array(), *it;
    json_int_t count = 0;
    size_t i;
    int bad = 0;

    json_array_foreach(json_object_get(record, "items"), i, it)
    {
        json_t *one;
        if (!is_failing(json_string_value(json_object_get(it, "status"))))
            continue;
        if (count++ >= TFA_NOTIFY_MAX_ITEMS)
            continue;
        one = json_object();
        bad |= copy_str(one, "id", it) | copy_str(one, "title", it) | copy_str(one, "status", it) |
               copy_str(one, "level", it);
        bad |= json_array_append_new(list, one);
    }
    bad |= json_object_set_new(out, "failing", list);
    bad |= json_object_set_new(out, "failing_count", json_integer(count));
    return bad ? -1 : 0;
}

/* A ledger id or hash: an integer or a clipped string; NULL when `v` is
 * neither, or on out-of-memory (then *bad is set). */
static json_t *ledger_value(const json_t *v, int integer_ok, int *bad)
{
    json_t *j = NULL;
    if (integer_ok && json_is_integer(v))
        j = json_integer(json_integer_value(v));
    else if (json_is_string(v))
        j = clipped(v);
    else
        return NULL;
    if (!j)
        *bad = 1;
    return j;
}

static int ledger(json_t *out, const json_t *record)
{
    const json_t *l = json_object_get(record, "ledger");
    int bad = 0;
    json_t *id = ledger_value(json_object_get(l, "id"), 1, &bad);
    json_t *hash = ledger_value(json_object_get(l, "hash"), 0, &bad);
    json_t *obj;

    if (!id)
        id = ledger_value(json_object_get(record, "record_id"), 1, &bad);
    if (!hash)
        hash = ledger_value(json_object_get(record, "record_hash"), 0, &bad);
    if (!id && !hash)
        return bad ? -1 : 0;
    obj = json_object();
    if (id)
        bad |= json_object_set_new(obj, "id", id);
    if (hash)
        bad |= json_object_set_new(obj, "hash", hash);
    bad |= json_object_set_new(out, "ledger", obj);
    return bad ? -1 : 0;
}

/* Slack mrkdwn needs &, < and > escaped in text it should not interpret. */
static void put_escaped(tfa_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '&')
            tfa_buf_puts(b, "&amp;");
        else if (*s == '<')
            tfa_buf_puts(b, "&lt;");
        else if (*s == '>')
            tfa_buf_puts(b, "&gt;");
        else
            tfa_buf_putc(b, *s);
    }
}

static const char *field(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* The one-line `text`, built from the structured part only. */
static char *summary_text(const json_t *t)
{
    const json_t *fail = json_object_get(t, "failing"), *it, *l = json_object_get(t, "ledger");
    json_int_t n = json_integer_value(json_object_get(t, "failing_count"));
    tfa_buf b;
    size_t i;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_puts(&b, "tfaudit: *");
    put_escaped(&b, field(t, "verdict"));
    tfa_buf_putc(&b, '*');
    if (field(t, "workspace")) {
        tfa_buf_puts(&b, " for workspace `");
        put_escaped(&b, field(t, "workspace"));
        tfa_buf_putc(&b, '`');
    }
    if (field(t, "window")) {
        tfa_buf_puts(&b, " (window ");
        put_escaped(&b, field(t, "window"));
        tfa_buf_putc(&b, ')');
    }
    if (n > 0)
        tfa_buf_printf(&b, ": %lld failing item%s:", (long long)n, n == 1 ? "" : "s");
    json_array_foreach(fail, i, it)
    {
        if (i == TEXT_ITEMS)
            break;
        tfa_buf_puts(&b, i ? ", `" : " `");
        put_escaped(&b, field(it, "id"));
        tfa_buf_puts(&b, "` ");
        put_escaped(&b, field(it, "status"));
    }
    if (n > TEXT_ITEMS)
        tfa_buf_printf(&b, " and %lld more", (long long)(n - TEXT_ITEMS));
    if (json_is_integer(json_object_get(l, "id")))
        tfa_buf_printf(&b, ". Ledger record %lld",
                       (long long)json_integer_value(json_object_get(l, "id")));
    else if (field(l, "id")) {
        tfa_buf_puts(&b, ". Ledger record ");
        put_escaped(&b, field(l, "id"));
    }
    if (field(l, "hash"))
        tfa_buf_printf(&b, "%s sha256 %.12s", l && json_object_get(l, "id") ? "," : ". Record",
                       field(l, "hash"));
    tfa_buf_putc(&b, '.');
    return tfa_buf_detach(&b, NULL);
}

/* The structured part: only whitelisted fields of the record. */
static json_t *structured(const json_t *record)
{
    json_t *t = json_object(), *checklist = json_object_get(record, "checklist");
    int bad = !t;

    /* who, where and when: the gate record keeps them under "gate"
     * (engine/gate_record.h); a flat record states them at the top */
    const json_t *gate =
        json_is_object(json_object_get(record, "gate")) ? json_object_get(record, "gate") : record;
    bad |= copy_str(t, "verdict", record) | copy_str(t, "workspace", gate) |
           copy_str(t, "window", gate) | copy_str(t, "operator", gate) | copy_str(t, "time", gate);
    if (json_is_string(checklist))
        bad |= json_object_set_new(t, "checklist", clipped(checklist));
    else if (json_is_string(json_object_get(checklist, "path")))
        bad |= json_object_set_new(t, "checklist", clipped(json_object_get(checklist, "path")));
    bad |= failing_items(t, record) | ledger(t, record);
    if (bad) {
        json_decref(t);
        return NULL;
    }
    return t;
}

int tfa_notify_body(json_t **out, const json_t *record, tfa_error *err)
{
    json_t *body = NULL, *t = NULL;
    char *text = NULL;

    *out = NULL;
    if (!field(record, "verdict"))
        return tfa_error_set(err, TFA_EINPUT, "the verdict record has no verdict");
    if ((t = structured(record)) != NULL && (text = summary_text(t)) != NULL &&
        (body = json_object()) != NULL &&
        (json_object_set_new(body, "text", json_string(text)) != 0 ||
         json_object_set(body, "tfaudit", t) != 0)) {
        json_decref(body);
        body = NULL;
    }
    tfa_free(text);
    json_decref(t);
    if (!body)
        return tfa_error_oom(err);
    *out = body;
    return 0;
}

int tfa_notify_post(const char *url, const json_t *record, const tfa_notify_options *opts,
                    tfa_error *err)
{
    tfa_http_request req = {0};
    tfa_http_response res;
    tfa_url u = TFA_URL_INIT;
    tfa_error why;
    json_t *body = NULL;
    char *text = NULL, name[600];
    int rc;

    tfa_http_response_init(&res);
    tfa_error_init(&why);
    if (tfa_url_parse(&u, url, &why) != 0) {
        /* the URL's path may be the webhook's secret: give the reason only */
        rc = why.status == TFA_ENOMEM
                 ? tfa_error_oom(err)
                 : tfa_error_set(err, why.status, "webhook URL refused: %s", why.message);
        goto done;
    }
    if ((strcmp(u.scheme, "https") == 0 && u.port == 443) ||
        (strcmp(u.scheme, "http") == 0 && u.port == 80))
        snprintf(name, sizeof(name), "webhook %s://%s/...", u.scheme, u.host);
    else
        snprintf(name, sizeof(name), "webhook %s://%s:%u/...", u.scheme, u.host, u.port);
    if ((rc = tfa_notify_body(&body, record, err)) != 0)
        goto done;
    if (!(text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    req.method = "POST";
    req.url = url;
    req.name = name;
    req.content_type = "application/json";
    req.body = text;
    req.body_len = strlen(text);
    rc = tfa_http_perform(&res, &req, opts->http, err);
done:
    tfa_free(text);
    json_decref(body);
    tfa_url_release(&u);
    tfa_http_response_release(&res);
    return rc;
}
