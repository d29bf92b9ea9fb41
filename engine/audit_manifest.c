/*
 * audit_manifest.c - audit.json (see audit_manifest.h), read with the
 * parsers' one JSON scanner so every error has its line and column.
 */
#include "util/compat.h"

#include <sys/stat.h>

#include "audit_manifest.h"
#include "net/load.h"
#include "jsonread.h"
#include "scan.h"
#include "textfile.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/limits.h"

#define MANIFEST_STRING_BYTES 4096

typedef struct m_ws {
    const char *name;
    const char **inputs;
    size_t n_inputs;
    const tfa_checklist *cl;
    const tfa_waivers *waivers;
    const tfa_known_drift *kd;
    tfa_signoffs *signoffs;
    int expect;
} m_ws;

/* Files named in the manifest, loaded once each. */
typedef struct loaded {
    const char *path;
    int kind; /* 0 checklist, 1 waivers, 2 known drift */
    void *obj;
} loaded;

struct tfa_audit_manifest {
    tfa_arena *arena;
    const char *name, *dir;
    const tfa_checklist *cl;
    const tfa_waivers *waivers;
    const tfa_known_drift *kd;
    int expect;
    m_ws *ws;
    size_t n_ws, cap_ws;
    loaded *files;
    size_t n_files, cap_files;
};

typedef struct reader {
    tfa_audit_manifest *m;
    tfa_scan *sc;
    tfa_buf s;
    tfa_error *err;
} reader;

/* ---- paths and files -------------------------------------------------------------- */

static const char *resolve(tfa_audit_manifest *m, const char *p)
{
    size_t n;
    char *out;
    if (p[0] == '/' || tfa_remote_is_input(p) || strcmp(p, "-") == 0 || !m->dir[0])
        return tfa_arena_strdup(m->arena, p);
    n = strlen(m->dir) + strlen(p) + 2;
    if (!(out = tfa_arena_alloc(m->arena, n)))
        return NULL;
    snprintf(out, n, "%s/%s", m->dir, p);
    return out;
}

/* The string just read as a path that must exist (remote forms excepted). */
static int path_value(reader *r, const tfa_token *t, const char *what, const char **out)
{
    struct stat st;
    int rc = tfa_json_string(r->sc, t, what, &r->s, r->err);
    if (rc < 0)
        return rc;
    if (rc == 0 || r->s.len == 0)
        return tfa_scan_fail(r->sc, r->err, &t->pos, TFA_EINPUT, "%s must be a path", what);
    if (!(*out = resolve(r->m, r->s.ptr)))
        return tfa_error_oom(r->err);
    if (!tfa_remote_is_input(*out) && strcmp(*out, "-") != 0 && stat(*out, &st) != 0)
        return tfa_scan_fail(r->sc, r->err, &t->pos, TFA_EINPUT, "%s '%s' does not exist", what,
                             r->s.ptr);
    return 0;
}

static int load_file(reader *r, const tfa_token *t, int kind, const char *what, void **out)
{
    tfa_audit_manifest *m = r->m;
    const char *path;
    size_t i;
    int rc;

    if ((rc = path_value(r, t, what, &path)) != 0)
        return rc;
    for (i = 0; i < m->n_files; i++)
        if (m->files[i].kind == kind && strcmp(m->files[i].path, path) == 0) {
            *out = m->files[i].obj;
            return 0;
        }
    if (m->n_files == m->cap_files) {
        size_t cap = m->cap_files ? m->cap_files * 2 : 8;
        loaded *v = tfa_realloc(m->files, cap * sizeof(*v));
        if (!v)
            return tfa_error_oom(r->err);
        m->files = v, m->cap_files = cap;
    }
    *out = NULL;
    if (kind == 0)
        rc = tfa_checklist_load((tfa_checklist **)out, path, r->err);
    else if (kind == 1)
        rc = tfa_waivers_load((tfa_waivers **)out, path, r->err);
    else
        rc = tfa_known_drift_load((tfa_known_drift **)out, path, r->err);
    if (rc)
        return rc;
    m->files[m->n_files].path = path;
    m->files[m->n_files].kind = kind;
    m->files[m->n_files++].obj = *out;
    return 0;
}

static int expect_value(reader *r, const tfa_token *t, int *out)
{
    int rc = tfa_json_string(r->sc, t, "expect", &r->s, r->err);
    if (rc < 0)
        return rc;
    if (rc == 0 || strcmp(r->s.ptr, "no-changes") != 0)
        return tfa_scan_fail(r->sc, r->err, &t->pos, TFA_EINPUT, "expect must be \"no-changes\"");
    *out = 1;
    return 0;
}

/* ---- workspaces ------------------------------------------------------------------- */

static int inputs_value(reader *r, m_ws *w, const tfa_token *arr)
{
    tfa_token t;
    size_t cap = 0;
    int rc;

    if (arr->type != TFA_TOK_ARR)
        return tfa_scan_fail(r->sc, r->err, &arr->pos, TFA_EINPUT,
                             "inputs must be a list of paths");
    while ((rc = tfa_scan_next(r->sc, &t, r->err)) == 0 && t.type != TFA_TOK_ARR_END) {
        const char *p;
        if ((rc = path_value(r, &t, "input", &p)) != 0)
            return rc;
        if (w->n_inputs == cap) {
            const char **v = tfa_arena_alloc(r->m->arena, (cap = cap ? cap * 2 : 8) * sizeof(*v));
            if (!v)
                return tfa_error_oom(r->err);
            if (w->n_inputs)
                memcpy(v, w->inputs, w->n_inputs * sizeof(*v));
            w->inputs = v;
        }
        w->inputs[w->n_inputs++] = p;
    }
    return rc;
}

static int signoffs_value(reader *r, m_ws *w, const tfa_token *arr, const tfa_token *at)
{
    tfa_token t;
    int rc;

    (void)at;
    if (arr->type != TFA_TOK_ARR)
        return tfa_scan_fail(r->sc, r->err, &arr->pos, TFA_EINPUT,
                             "sign_offs must be a list of \"ID=NAME[:note]\"");
    if (!w->signoffs && tfa_signoffs_new(&w->signoffs) != 0)
        return tfa_error_oom(r->err);
    while ((rc = tfa_scan_next(r->sc, &t, r->err)) == 0 && t.type != TFA_TOK_ARR_END) {
        const tfa_checklist *cl = w->cl ? w->cl : r->m->cl;
        tfa_error e;
        if ((rc = tfa_json_string(r->sc, &t, "sign-off", &r->s, r->err)) < 0)
            return rc;
        if (!cl)
            return tfa_scan_fail(r->sc, r->err, &t.pos, TFA_EINPUT,
                                 "sign-offs need the checklist first (put \"checklist\" before)");
        tfa_error_init(&e);
        if (tfa_signoffs_add(w->signoffs, cl, r->s.ptr, &e) != 0)
            return tfa_scan_fail(r->sc, r->err, &t.pos, TFA_EINPUT, "%s", e.message);
    }
    return rc;
}

static int workspace(reader *r, const tfa_token *obj)
{
    tfa_audit_manifest *m = r->m;
    tfa_token k, v;
    m_ws *w;
    int rc;

    if (obj->type != TFA_TOK_OBJ)
        return tfa_scan_fail(r->sc, r->err, &obj->pos, TFA_EINPUT, "a workspace must be an object");
    if (m->n_ws == m->cap_ws) {
        size_t cap = m->cap_ws ? m->cap_ws * 2 : 16;
        m_ws *nv = tfa_realloc(m->ws, cap * sizeof(*nv));
        if (!nv)
            return tfa_error_oom(r->err);
        m->ws = nv, m->cap_ws = cap;
    }
    w = &m->ws[m->n_ws++];
    memset(w, 0, sizeof(*w));
    while ((rc = tfa_scan_next(r->sc, &k, r->err)) == 0 && k.type == TFA_TOK_KEY) {
        if ((rc = tfa_scan_next(r->sc, &v, r->err)) != 0)
            return rc;
        if (tfa_token_is(&k, "name")) {
            tfa_error e;
            if ((rc = tfa_json_string(r->sc, &v, "name", &r->s, r->err)) < 0)
                return rc;
            tfa_error_init(&e);
            if (rc == 0 || tfa_ledger_workspace_check(r->s.ptr, &e) != 0)
                return tfa_scan_fail(r->sc, r->err, &v.pos, TFA_EINPUT, "%s",
                                     rc == 0 ? "name must be a string" : e.message);
            if (!(w->name = tfa_arena_strdup(m->arena, r->s.ptr)))
                return tfa_error_oom(r->err);
            rc = 0;
        } else if (tfa_token_is(&k, "inputs")) {
            rc = inputs_value(r, w, &v);
        } else if (tfa_token_is(&k, "checklist")) {
            rc = load_file(r, &v, 0, "checklist", (void **)(uintptr_t)&w->cl);
        } else if (tfa_token_is(&k, "waivers")) {
            rc = load_file(r, &v, 1, "waivers", (void **)(uintptr_t)&w->waivers);
        } else if (tfa_token_is(&k, "known_drift")) {
            rc = load_file(r, &v, 2, "known drift", (void **)(uintptr_t)&w->kd);
        } else if (tfa_token_is(&k, "sign_offs")) {
            rc = signoffs_value(r, w, &v, &k);
        } else if (tfa_token_is(&k, "expect")) {
            rc = expect_value(r, &v, &w->expect);
        } else {
            rc = tfa_scan_fail(r->sc, r->err, &k.pos, TFA_EINPUT,
                               "unknown workspace key (name, inputs, checklist, waivers, "
                               "known_drift, sign_offs, expect)");
        }
        if (rc)
            return rc;
    }
    if (rc)
        return rc;
    if (!w->name)
        return tfa_scan_fail(r->sc, r->err, &obj->pos, TFA_EINPUT, "workspace has no name");
    if (w->n_inputs == 0)
        return tfa_scan_fail(r->sc, r->err, &obj->pos, TFA_EINPUT, "workspace '%s' has no inputs",
                             w->name);
    return 0;
}

static int workspaces(reader *r, const tfa_token *arr)
{
    tfa_token t;
    int rc;
    if (arr->type != TFA_TOK_ARR)
        return tfa_scan_fail(r->sc, r->err, &arr->pos, TFA_EINPUT,
                             "workspaces must be a list of objects");
    while ((rc = tfa_scan_next(r->sc, &t, r->err)) == 0 && t.type != TFA_TOK_ARR_END)
        if ((rc = workspace(r, &t)) != 0)
            return rc;
    return rc;
}

static int top(reader *r)
{
    tfa_audit_manifest *m = r->m;
    tfa_token t, k, v;
    int rc = tfa_json_expect(r->sc, &t, TFA_TOK_OBJ, "the manifest", r->err);

    while (rc == 0 && (rc = tfa_scan_next(r->sc, &k, r->err)) == 0 && k.type == TFA_TOK_KEY) {
        if ((rc = tfa_scan_next(r->sc, &v, r->err)) != 0)
            break;
        if (tfa_token_is(&k, "checklist"))
            rc = load_file(r, &v, 0, "checklist", (void **)(uintptr_t)&m->cl);
        else if (tfa_token_is(&k, "waivers"))
            rc = load_file(r, &v, 1, "waivers", (void **)(uintptr_t)&m->waivers);
        else if (tfa_token_is(&k, "known_drift"))
            rc = load_file(r, &v, 2, "known drift", (void **)(uintptr_t)&m->kd);
        else if (tfa_token_is(&k, "expect"))
            rc = expect_value(r, &v, &m->expect);
        else if (tfa_token_is(&k, "workspaces"))
            rc = workspaces(r, &v);
        else
            rc = tfa_scan_fail(r->sc, r->err, &k.pos, TFA_EINPUT,
                               "unknown manifest key (checklist, waivers, known_drift, expect, "
                               "workspaces)");
    }
    if (rc == 0 && m->n_ws == 0)
        rc = tfa_scan_fail(r->sc, r->err, &t.pos, TFA_EINPUT, "the manifest lists no workspace");
    /* one document: workspaces in a second one (read by jq) went unaudited */
    if (rc == 0 && (rc = tfa_scan_next(r->sc, &k, r->err)) == 0 && k.type != TFA_TOK_EOF)
        rc = tfa_scan_fail(r->sc, r->err, &k.pos, TFA_EINPUT,
                           "a second JSON value after the manifest (one document only)");
    return rc;
}

int tfa_audit_manifest_load(tfa_audit_manifest **out, const char *path, tfa_error *err)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    unsigned char sha[TFA_SHA256_BYTES];
    tfa_audit_manifest *m = tfa_calloc(1, sizeof(*m));
    tfa_stream *in = NULL;
    reader r;
    tfa_buf text;
    const char *slash;
    int rc;

    *out = NULL;
    memset(&r, 0, sizeof(r));
    tfa_buf_init(&text, TFA_BUF_NO_MAX);
    tfa_buf_init(&r.s, MANIFEST_STRING_BYTES);
    if (!m || tfa_arena_new(&m->arena) != 0 || !(m->name = tfa_arena_strdup(m->arena, path))) {
        rc = tfa_error_oom(err);
        goto done;
    }
    slash = strrchr(path, '/');
    m->dir = slash ? tfa_arena_strndup(m->arena, path, (size_t)(slash - path)) : "";
    r.m = m, r.err = err;
    if ((rc = tfa_textfile_read(path, TFA_LIMIT_CHECKLIST_BYTES, &text, sha, err)) != 0 ||
        (rc = tfa_stream_open_memory(&in, m->name, text.ptr, text.len, err)) != 0 ||
        (rc = tfa_scan_new(&r.sc, in, &so, err)) != 0)
        goto done;
    rc = top(&r);
done:
    tfa_scan_free(r.sc);
    tfa_stream_free(in);
    tfa_buf_release(&text);
    tfa_buf_release(&r.s);
    if (rc)
        tfa_audit_manifest_free(m);
    else
        *out = m;
    return rc;
}

void tfa_audit_manifest_free(tfa_audit_manifest *m)
{
    size_t i;
    if (!m)
        return;
    for (i = 0; i < m->n_ws; i++)
        tfa_signoffs_free(m->ws[i].signoffs);
    for (i = 0; i < m->n_files; i++) {
        if (m->files[i].kind == 0)
            tfa_checklist_free(m->files[i].obj);
        else if (m->files[i].kind == 1)
            tfa_waivers_free(m->files[i].obj);
        else
            tfa_known_drift_free(m->files[i].obj);
    }
    tfa_free(m->files);
    tfa_free(m->ws);
    tfa_arena_free(m->arena);
    tfa_free(m);
}

const tfa_checklist *tfa_audit_manifest_checklist(const tfa_audit_manifest *m)
{
    return m->cl;
}

const tfa_waivers *tfa_audit_manifest_waivers(const tfa_audit_manifest *m)
{
    return m->waivers;
}

const tfa_known_drift *tfa_audit_manifest_known_drift(const tfa_audit_manifest *m)
{
    return m->kd;
}

int tfa_audit_manifest_expect_no_changes(const tfa_audit_manifest *m)
{
    return m->expect;
}

int tfa_audit_manifest_add(const tfa_audit_manifest *m, tfa_audit *audit, tfa_error *err)
{
    size_t i, k;
    int rc = 0;

    for (i = 0; i < m->n_ws && rc == 0; i++) {
        const m_ws *w = &m->ws[i];
        tfa_audit_workspace ws;
        memset(&ws, 0, sizeof(ws));
        if (!(ws.inputs = tfa_calloc(w->n_inputs ? w->n_inputs : 1, sizeof(*ws.inputs))))
            return tfa_error_oom(err);
        for (k = 0; k < w->n_inputs; k++)
            if (!(ws.inputs[k].path = tfa_strdup(w->inputs[k])))
                break;
        ws.n_inputs = w->n_inputs;
        if (k < w->n_inputs) {
            tfa_audit_inputs_free(ws.inputs, ws.n_inputs);
            return tfa_error_oom(err);
        }
        ws.name = w->name;
        ws.checklist = w->cl;
        ws.waivers = w->waivers;
        ws.known_drift = w->kd;
        ws.signoffs = w->signoffs;
        ws.expect_no_changes = w->expect;
        rc = tfa_audit_add_take(audit, &ws, err);
    }
    return rc;
}
