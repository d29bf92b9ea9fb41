/*
 * load.c - remote inputs into a run (see load.h).
 */
#include "util/compat.h"

#include "net/load.h"
#include "net/s3_walk.h"
#include "net/url.h"
#include "util/alloc.h"
#include "util/buf.h"

int tfa_remote_is_input(const char *arg)
{
    return tfa_url_is_http(arg) || strncmp(arg, "tfc:", 4) == 0 || tfa_s3_is_url(arg);
}

/* Every object an s3:// input names, streamed into the run. */
static int load_s3(tfa_run *run, const char *arg, const tfa_load_options *lo,
                   const tfa_remote_options *ro, tfa_error *err)
{
    tfa_s3_options so = {ro->http, ro->env, ro->s3_endpoint};
    tfa_s3_walk *w = NULL;
    tfa_stream *in = NULL;
    tfa_s3 *s3 = NULL;
    const char *name;
    int rc;

    if ((rc = tfa_s3_new(&s3, &so, err)) != 0 || (rc = tfa_s3_walk_open(&w, s3, arg, err)) != 0)
        goto done;
    if (tfa_s3_walk_count(w) == 0) {
        tfa_error_set_source(err, arg);
        rc = tfa_error_set(err, TFA_ENOTFOUND, "no objects under this prefix");
        goto done;
    }
    while ((rc = tfa_s3_walk_next(w, &name, &in, err)) == 1) {
        rc = tfa_run_load_member(run, in, lo, err); /* a prefix is read like a directory */
        tfa_stream_free(in);
        in = NULL;
        if (rc)
            break;
    }
done:
    tfa_s3_walk_free(w);
    tfa_s3_free(s3);
    return rc;
}

/* Load one in-memory document named `name`. */
static int load_bytes(tfa_run *run, const char *name, const char *data, size_t len,
                      const tfa_load_options *lo, tfa_error *err)
{
    tfa_stream *in = NULL;
    int rc = tfa_stream_open_memory(&in, name, data, len, err);
    if (rc == 0)
        rc = tfa_run_load_stream(run, in, lo, err);
    tfa_stream_free(in);
    return rc;
}

static int load_url(tfa_run *run, const char *arg, const tfa_load_options *lo,
                    const tfa_remote_options *ro, tfa_error *err)
{
    tfa_http_request req = {0};
    tfa_http_response res;
    tfa_auth_token tok = TFA_AUTH_TOKEN_INIT;
    tfa_url u = TFA_URL_INIT;
    char *key = NULL;
    int rc;

    tfa_http_response_init(&res);
    if ((rc = tfa_url_parse(&u, arg, err)) != 0)
        goto done;
    if (!(key = tfa_url_host_key(&u))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = tfa_credentials_find(&tok, key, &ro->env, 1, err)) != 0)
        goto done;
    req.url = arg;
    req.token = tok.value;
    req.token_source = tok.source;
    if ((rc = tfa_http_perform(&res, &req, ro->http, err)) != 0)
        goto done;
    rc = load_bytes(run, u.display, res.body.ptr, res.body.len, lo, err);
done:
    tfa_http_response_release(&res);
    tfa_auth_token_release(&tok);
    tfa_free(key);
    tfa_url_release(&u);
    return rc;
}

int tfa_tfc_session_open(tfa_tfc_session *s, const char *host_spec, const tfa_remote_options *ro,
                         tfa_error *err)
{
    char var[300];
    int rc;

    memset(s, 0, sizeof(*s));
    if (!host_spec)
        host_spec = ro->tfc_host ? ro->tfc_host : TFA_TFC_DEFAULT_HOST;
    if ((rc = tfa_tfc_host_parse(&s->base_url, &s->host, host_spec, err)) != 0 ||
        (rc = tfa_credentials_find(&s->token, s->host, &ro->env, 0, err)) != 0)
        return rc;
    if (!s->token.value) {
        tfa_error_set_source(err, s->host);
        if (tfa_credentials_env_name(var, sizeof(var), s->host) == 0)
            return tfa_error_set(err, TFA_EUSAGE,
                                 "no API token: set %s or TFE_TOKEN, or run 'terraform login'",
                                 var);
        return tfa_error_set(err, TFA_EUSAGE,
                             "no API token: set TFE_TOKEN or add it to the credentials file");
    }
    s->opts.base_url = s->base_url;
    s->opts.token = s->token.value;
    s->opts.token_source = s->token.source;
    s->opts.http = ro->http;
    return 0;
}

void tfa_tfc_session_release(tfa_tfc_session *s)
{
    tfa_free(s->base_url);
    tfa_free(s->host);
    tfa_auth_token_release(&s->token);
    memset(s, 0, sizeof(*s));
}

/* "tfc:[HOST/]ID": the host part (owned, NULL when absent) and the ID. */
static int split_tfc(const char *arg, char **host, const char **id, tfa_error *err)
{
    const char *spec = arg + 4, *slash = strrchr(spec, '/');

    *host = NULL;
    *id = slash ? slash + 1 : spec;
    if (slash && !(*host = tfa_strndup(spec, (size_t)(slash - spec))))
        return tfa_error_oom(err);
    return 0;
}

static int load_tfc(tfa_run *run, const char *arg, const tfa_load_options *lo,
                    const tfa_remote_options *ro, tfa_error *err)
{
    tfa_tfc_session s;
    tfa_tfc_fetch *f = NULL;
    const char *id;
    char *host = NULL;
    size_t i;
    int rc;

    memset(&s, 0, sizeof(s));
    if ((rc = split_tfc(arg, &host, &id, err)) != 0)
        goto done;
    if (strncmp(id, "run-", 4) != 0 && strncmp(id, "ws-", 3) != 0) {
        rc = tfa_error_set(err, TFA_EUSAGE, "'%.80s' is not tfc:[HOST/]run-ID or tfc:[HOST/]ws-ID",
                           arg);
        goto done;
    }
    if ((rc = tfa_tfc_session_open(&s, host, ro, err)) != 0 ||
        (rc = tfa_tfc_fetch_new(&f, s.base_url, err)) != 0)
        goto done;
    rc = id[0] == 'r' ? tfa_tfc_fetch_run(f, id, &s.opts, err)
                      : tfa_tfc_fetch_assessment(f, id, &s.opts, err);
    for (i = 0; rc == 0 && i < f->n_files; i++)
        if (f->files[i].terraform)
            rc = load_bytes(run, f->files[i].source, f->files[i].data, f->files[i].len, lo, err);
done:
    tfa_tfc_fetch_free(f);
    tfa_tfc_session_release(&s);
    tfa_free(host);
    return rc;
}

int tfa_run_load_remote(tfa_run *run, const char *arg, const tfa_load_options *lo,
                        const tfa_remote_options *ro, tfa_error *err)
{
    if (strncmp(arg, "tfc:", 4) == 0)
        return load_tfc(run, arg, lo, ro, err);
    if (tfa_s3_is_url(arg))
        return load_s3(run, arg, lo, ro, err);
    return load_url(run, arg, lo, ro, err);
}
