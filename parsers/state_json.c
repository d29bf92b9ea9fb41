/*
 * state_json.c - reads Terraform state into the run model:
 *  - `terraform show -json` of a state (JSON Output Format, "values
 *    representation", format_version 0.1 to 1.0): values.root_module and
 *    its child_modules, one entry per resource instance;
 *  - raw `terraform.tfstate` version 4 (Terraform 0.12+, OpenTofu):
 *    resources[] each with instances[];
 *  - raw version 3 (Terraform 0.11): modules[] with a resources map keyed
 *    "TYPE.NAME[.INDEX]", data sources as "data.TYPE.NAME".
 * Instance attributes (which hold secrets in clear text) are skipped unread.
 */
#include "util/compat.h"

#include "jsonread.h"
#include "readers.h"

#define STATE_FORMAT_MAJOR 1
#define STATE_FORMAT_MINOR 0

typedef struct state_reader {
    const tfa_read_ctx *ctx;
    tfa_scan *scan;
    tfa_error *err;
    tfa_input *in;
    tfa_buf s1, s2, addr; /* scratch strings */
    tfa_buf module, mode, type, name, index, provider, deposed;
} state_reader;

static int next(state_reader *r, tfa_token *t)
{
    return tfa_scan_next(r->scan, t, r->err);
}

static int skip_next(state_reader *r)
{
    tfa_token v;
    int rc = next(r, &v);
    return rc ? rc : tfa_scan_skip(r->scan, &v, r->err);
}

static int fail(state_reader *r, const tfa_pos *pos, const char *msg)
{
    return tfa_scan_fail(r->scan, r->err, pos, TFA_EINPUT, "%s", msg);
}

/* Read the next value as a string into `out` (1 string, 0 null, <0 error). */
static int next_string(state_reader *r, const char *what, tfa_buf *out)
{
    tfa_token v;
    int rc = next(r, &v);
    return rc ? rc : tfa_json_string(r->scan, &v, what, out, r->err);
}

/* Index value token -> "0" or "\"key\"" in out. */
static int index_text(state_reader *r, const tfa_token *v, tfa_buf *out)
{
    tfa_buf_clear(out);
    if (v->type == TFA_TOK_NUM)
        tfa_buf_put(out, v->ptr, v->len);
    else if (v->type == TFA_TOK_STR && !v->truncated)
        tfa_buf_printf(out, "\"%.*s\"", (int)v->len, v->ptr);
    else if (v->type != TFA_TOK_NULL)
        return fail(r, &v->pos, "an instance key must be a number or a string");
    return tfa_buf_status(out) ? tfa_error_oom(r->err) : 0;
}

static const char *opt(const tfa_buf *b)
{
    return b->len ? b->ptr : NULL;
}

/* Record one instance from the scratch fields; builds the address when the
 * format does not state it (raw tfstate). */
static int emit(state_reader *r, const char *address)
{
    tfa_run *run = r->ctx->run;
    tfa_state_resource *sr = tfa_run_push_state_resource(run);
    int data = r->mode.len && strcmp(r->mode.ptr, "data") == 0;
    tfa_resource res;

    if (!address) {
        tfa_buf_clear(&r->addr);
        if (r->module.len)
            tfa_buf_printf(&r->addr, "%s.", r->module.ptr);
        tfa_buf_printf(&r->addr, "%s%s.%s", data ? "data." : "", r->type.ptr, r->name.ptr);
        if (r->index.len)
            tfa_buf_printf(&r->addr, "[%s]", r->index.ptr);
        address = r->addr.ptr;
    }
    res.address = address;
    res.module = opt(&r->module);
    res.mode = r->mode.len ? r->mode.ptr : "managed";
    res.type = opt(&r->type);
    res.name = opt(&r->name);
    res.index = opt(&r->index);
    res.provider = opt(&r->provider);
    res.deposed = opt(&r->deposed);
    if (!sr || tfa_buf_status(&r->addr) || tfa_run_copy_resource(run, &sr->res, &res))
        return tfa_error_oom(r->err);
    sr->input = r->ctx->input;
    if (data)
        r->in->state.data_sources++;
    else
        r->in->state.resources++;
    if (res.provider && strstr(res.provider, "registry.opentofu.org/"))
        r->in->tool = "opentofu";
    return 0;
}

static void clear_fields(state_reader *r)
{
    tfa_buf_clear(&r->module);
    tfa_buf_clear(&r->mode);
    tfa_buf_clear(&r->type);
    tfa_buf_clear(&r->name);
    tfa_buf_clear(&r->index);
    tfa_buf_clear(&r->provider);
    tfa_buf_clear(&r->deposed);
}

/* A string member of a resource that names it (address, type, name...):
 * field `f` of its table, taken once (a second could rename the resource
 * for tfaudit while another tool reads the first). */
static int take_field(state_reader *r, const tfa_token *k, unsigned *seen, size_t f,
                      const char *name, tfa_buf *buf)
{
    if (tfa_json_once(r->scan, k, seen, 1u << f, name, r->err) != 0 ||
        next_string(r, name, buf) < 0)
        return r->err->status;
    return 0;
}

/* ---- show -json: values.root_module ------------------------------------- */

static int read_module(state_reader *r, unsigned depth);

/* One element of a module's "resources": an instance with its address. */
static int read_values_resource(state_reader *r, const tfa_token *open)
{
    const struct {
        const char *key;
        tfa_buf *buf;
    } fields[] = {{"address", &r->s1},
                  {"mode", &r->mode},
                  {"type", &r->type},
                  {"name", &r->name},
                  {"provider_name", &r->provider},
                  {"deposed_key", &r->deposed}};
    tfa_token k, v;
    unsigned seen = 0; /* what names the instance is taken once */
    size_t f;
    int rc;

    if (open->type != TFA_TOK_OBJ)
        return fail(r, &open->pos, "a state resource must be an object");
    clear_fields(r);
    tfa_buf_clear(&r->s1);
    for (;;) {
        if ((rc = next(r, &k)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            break;
        for (f = 0; f < TFA_ARRAY_SIZE(fields) && !tfa_token_is(&k, fields[f].key); f++)
            ;
        if (f < TFA_ARRAY_SIZE(fields))
            rc = take_field(r, &k, &seen, f, fields[f].key, fields[f].buf);
        else if (tfa_token_is(&k, "index")) {
            if ((rc = tfa_json_once(r->scan, &k, &seen, 1u << f, "index", r->err)) == 0 &&
                (rc = next(r, &v)) == 0)
                rc = index_text(r, &v, &r->index);
        } else
            rc = skip_next(r);
        if (rc)
            return rc;
    }
    if (!r->s1.len)
        return fail(r, &open->pos, "state resource without an \"address\"");
    return emit(r, r->s1.ptr);
}

static int read_module_list(state_reader *r, int children, unsigned depth)
{
    tfa_token t;
    int rc;
    if ((rc = tfa_json_open(r->scan, &t, TFA_TOK_ARR, children ? "child_modules" : "resources",
                            r->err)) <= 0)
        return rc;
    for (;;) {
        if ((rc = next(r, &t)) != 0)
            return rc;
        if (t.type == TFA_TOK_ARR_END)
            return 0;
        if (children) {
            if (t.type != TFA_TOK_OBJ)
                return fail(r, &t.pos, "a child module must be an object");
            rc = read_module(r, depth + 1);
        } else {
            rc = read_values_resource(r, &t);
        }
        if (rc)
            return rc;
    }
}

/* The members each level of a state is read from, each given once: a
 * second one is an edit that Terraform (Go keeps the last) and this reader
 * would read differently, so it is refused, not merged. */
static const char *const module_members[] = {"resources", "child_modules"};
static const char *const values_members[] = {"root_module", "outputs"};
static const char *const v3_module_members[] = {"path", "resources"};
static const char *const instance_members[] = {"index_key", "deposed"};
static const char *const top_members[] = {"values",         "resources",         "modules",
                                          "format_version", "terraform_version", "version",
                                          "serial",         "lineage",           "outputs"};

static int once(state_reader *r, const tfa_token *k, unsigned *seen, const char *const *names,
                size_t n)
{
    return tfa_json_once_of(r->scan, k, seen, names, n, r->err);
}

#define ONCE(r, k, seen, names) once((r), (k), (seen), (names), TFA_ARRAY_SIZE(names))

/* A module object whose '{' was consumed: resources and child_modules. */
static int read_module(state_reader *r, unsigned depth)
{
    tfa_token k;
    unsigned seen = 0;
    int rc;
    for (;;) {
        if ((rc = next(r, &k)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            return 0;
        if ((rc = ONCE(r, &k, &seen, module_members)) != 0)
            return rc;
        if (tfa_token_is(&k, "resources"))
            rc = read_module_list(r, 0, depth);
        else if (tfa_token_is(&k, "child_modules"))
            rc = read_module_list(r, 1, depth);
        else
            rc = skip_next(r);
        if (rc)
            return rc;
    }
}

/* "values": {"outputs": {...}, "root_module": {...}} */
static int read_values(state_reader *r)
{
    tfa_token t;
    unsigned seen = 0;
    int rc;
    if ((rc = tfa_json_open(r->scan, &t, TFA_TOK_OBJ, "values", r->err)) <= 0)
        return rc;
    for (;;) {
        if ((rc = next(r, &t)) != 0)
            return rc;
        if (t.type == TFA_TOK_OBJ_END)
            return 0;
        if ((rc = ONCE(r, &t, &seen, values_members)) != 0)
            return rc;
        if (tfa_token_is(&t, "root_module")) {
            tfa_token o;
            if ((rc = tfa_json_expect(r->scan, &o, TFA_TOK_OBJ, "root_module", r->err)) != 0 ||
                (rc = read_module(r, 0)) != 0)
                return rc;
        } else if (tfa_token_is(&t, "outputs")) {
            tfa_token o;
            if ((rc = next(r, &o)) != 0)
                return rc;
            if (o.type == TFA_TOK_OBJ) {
                while ((rc = next(r, &o)) == 0 && o.type == TFA_TOK_KEY) {
                    r->in->state.outputs++;
                    if ((rc = skip_next(r)) != 0)
                        return rc;
                }
            } else {
                rc = tfa_scan_skip(r->scan, &o, r->err);
            }
            if (rc)
                return rc;
        } else if ((rc = skip_next(r)) != 0) {
            return rc;
        }
    }
}

/* ---- raw terraform.tfstate --------------------------------------------------- */

/* Instances seen before their resource's mode/type/name: NUL-separated
 * (index, deposed) pairs in r->s2, emitted when the resource object ends. */
static int read_instances(state_reader *r, size_t *count)
{
    tfa_token t, k, v;
    unsigned seen;
    int rc;

    if ((rc = tfa_json_expect(r->scan, &t, TFA_TOK_ARR, "instances", r->err)) != 0)
        return rc;
    for (;;) {
        if ((rc = next(r, &t)) != 0)
            return rc;
        if (t.type == TFA_TOK_ARR_END)
            return 0;
        if (t.type != TFA_TOK_OBJ)
            return fail(r, &t.pos, "an instance must be an object");
        tfa_buf_clear(&r->index);
        tfa_buf_clear(&r->deposed);
        seen = 0;
        while ((rc = next(r, &k)) == 0 && k.type == TFA_TOK_KEY) {
            if ((rc = ONCE(r, &k, &seen, instance_members)) != 0)
                return rc;
            if (tfa_token_is(&k, "index_key"))
                rc = (rc = next(r, &v)) != 0 ? rc : index_text(r, &v, &r->index);
            else if (tfa_token_is(&k, "deposed"))
                rc = next_string(r, "deposed", &r->deposed) < 0 ? r->err->status : 0;
            else
                rc = skip_next(r); /* attributes: never read */
            if (rc)
                return rc;
        }
        if (rc)
            return rc;
        tfa_buf_put(&r->s2, r->index.ptr, r->index.len + 1);
        tfa_buf_put(&r->s2, r->deposed.ptr, r->deposed.len + 1);
        if (tfa_buf_status(&r->s2))
            return tfa_error_oom(r->err);
        (*count)++;
    }
}

/* A version 4 resources[] element. */
static int read_v4_resource(state_reader *r, const tfa_token *open)
{
    const struct {
        const char *key;
        tfa_buf *buf;
    } fields[] = {{"module", &r->module},
                  {"mode", &r->mode},
                  {"type", &r->type},
                  {"name", &r->name},
                  {"provider", &r->provider}};
    size_t count = 0, i, f;
    unsigned seen = 0;
    const char *p;
    tfa_token k;
    int rc;

    if (open->type != TFA_TOK_OBJ)
        return fail(r, &open->pos, "a state resource must be an object");
    clear_fields(r);
    tfa_buf_clear(&r->s2);
    while ((rc = next(r, &k)) == 0 && k.type == TFA_TOK_KEY) {
        for (f = 0; f < TFA_ARRAY_SIZE(fields) && !tfa_token_is(&k, fields[f].key); f++)
            ;
        if (f < TFA_ARRAY_SIZE(fields))
            rc = take_field(r, &k, &seen, f, fields[f].key, fields[f].buf);
        else if (tfa_token_is(&k, "instances")) {
            if ((rc = tfa_json_once(r->scan, &k, &seen, 1u << f, "instances", r->err)) == 0)
                rc = read_instances(r, &count);
        } else
            rc = skip_next(r);
        if (rc)
            return rc;
    }
    if (rc)
        return rc;
    if (!r->type.len || !r->name.len)
        return fail(r, &open->pos, "state resource without \"type\" and \"name\"");
    for (i = 0, p = r->s2.ptr; i < count; i++) {
        tfa_buf_clear(&r->index);
        tfa_buf_clear(&r->deposed);
        tfa_buf_puts(&r->index, p);
        p += strlen(p) + 1;
        tfa_buf_puts(&r->deposed, p);
        p += strlen(p) + 1;
        if ((rc = emit(r, NULL)) != 0)
            return rc;
    }
    return 0;
}

/* A version 3 module: {"path": ["root", "a"], "resources": {"aws_instance.x.0": {...}}}. */
static int read_v3_module(state_reader *r, const tfa_token *open)
{
    tfa_token k, t;
    size_t count = 0, i;
    unsigned seen = 0;
    const char *p;
    int rc;

    if (open->type != TFA_TOK_OBJ)
        return fail(r, &open->pos, "a state module must be an object");
    tfa_buf_clear(&r->s2);
    tfa_buf_clear(&r->s1); /* module address */
    while ((rc = next(r, &k)) == 0 && k.type == TFA_TOK_KEY) {
        if ((rc = ONCE(r, &k, &seen, v3_module_members)) != 0)
            return rc;
        if (tfa_token_is(&k, "path")) {
            if ((rc = tfa_json_expect(r->scan, &t, TFA_TOK_ARR, "path", r->err)) != 0)
                return rc;
            for (i = 0; (rc = next(r, &t)) == 0 && t.type == TFA_TOK_STR; i++)
                if (i > 0) /* skip "root" */
                    tfa_buf_printf(&r->s1, "%smodule.%.*s", r->s1.len ? "." : "", (int)t.len,
                                   t.ptr);
            if (rc || t.type != TFA_TOK_ARR_END)
                return rc ? rc : fail(r, &t.pos, "\"path\" must be an array of strings");
        } else if (tfa_token_is(&k, "resources")) {
            if ((rc = tfa_json_expect(r->scan, &t, TFA_TOK_OBJ, "resources", r->err)) != 0)
                return rc;
            while ((rc = next(r, &t)) == 0 && t.type == TFA_TOK_KEY && !t.truncated) {
                tfa_buf_put(&r->s2, t.ptr, t.len);
                tfa_buf_putc(&r->s2, '\0');
                count++;
                if ((rc = skip_next(r)) != 0)
                    return rc;
            }
            if (rc)
                return rc;
        } else if ((rc = skip_next(r)) != 0) {
            return rc;
        }
    }
    if (rc)
        return rc;
    if (tfa_buf_status(&r->s1) || tfa_buf_status(&r->s2))
        return tfa_error_oom(r->err);
    for (i = 0, p = r->s2.ptr; i < count; i++, p += strlen(p) + 1) {
        /* "TYPE.NAME", "TYPE.NAME.INDEX" or "data.TYPE.NAME[.INDEX]" */
        const char *d1, *d2;
        clear_fields(r);
        tfa_buf_puts(&r->module, r->s1.ptr);
        if (strncmp(p, "data.", 5) == 0) {
            tfa_buf_puts(&r->mode, "data");
            p += 5;
        }
        d1 = strchr(p, '.');
        if (!d1)
            return fail(r, &open->pos, "a version 3 resource key must be TYPE.NAME");
        d2 = strchr(d1 + 1, '.');
        tfa_buf_put(&r->type, p, (size_t)(d1 - p));
        tfa_buf_put(&r->name, d1 + 1, d2 ? (size_t)(d2 - d1 - 1) : strlen(d1 + 1));
        if (d2)
            tfa_buf_puts(&r->index, d2 + 1);
        if ((rc = emit(r, NULL)) != 0)
            return rc;
    }
    return 0;
}

/* ---- top level ---------------------------------------------------------------- */

static int read_array_of(state_reader *r, int v3)
{
    tfa_token t;
    int rc;
    if ((rc = tfa_json_expect(r->scan, &t, TFA_TOK_ARR, v3 ? "modules" : "resources", r->err)) != 0)
        return rc;
    while ((rc = next(r, &t)) == 0 && t.type != TFA_TOK_ARR_END)
        if ((rc = v3 ? read_v3_module(r, &t) : read_v4_resource(r, &t)) != 0)
            return rc;
    return rc;
}

static int read_scalar_key(state_reader *r, const tfa_token *k, int *marks)
{
    tfa_state_info *st = &r->in->state;
    tfa_token v;
    long long n;
    int rc, newer = 0;

    if ((rc = next(r, &v)) != 0)
        return rc;
    if (tfa_token_is(k, "format_version")) {
        if ((rc = tfa_json_string(r->scan, &v, "format_version", &r->s1, r->err)) <= 0 ||
            (rc = tfa_json_check_version(r->scan, &v, "format_version", r->s1.ptr,
                                         STATE_FORMAT_MAJOR, STATE_FORMAT_MINOR, &newer, r->err)))
            return rc;
        if (newer && tfa_run_add_note(r->ctx->run, r->ctx->input, &v.pos,
                                      "format_version \"%s\" is newer than %d.%d", r->s1.ptr,
                                      STATE_FORMAT_MAJOR, STATE_FORMAT_MINOR))
            return tfa_error_oom(r->err);
        r->in->format_version = tfa_run_intern(r->ctx->run, r->s1.ptr, r->s1.len);
        return r->in->format_version ? 0 : tfa_error_oom(r->err);
    }
    if (tfa_token_is(k, "terraform_version")) {
        if ((rc = tfa_json_string(r->scan, &v, "terraform_version", &r->s1, r->err)) <= 0)
            return rc;
        r->in->tool_version = tfa_run_intern(r->ctx->run, r->s1.ptr, r->s1.len);
        return r->in->tool_version ? 0 : tfa_error_oom(r->err);
    }
    if (tfa_token_is(k, "version")) {
        if ((rc = tfa_json_integer(r->scan, &v, "version", 0, LONG_MAX, &n, r->err)) <= 0)
            return rc;
        if (n < 3 || n > 4)
            return tfa_scan_fail(r->scan, r->err, &v.pos, TFA_EVERSION,
                                 "unsupported state version %lld (this build reads 3 and 4)", n);
        st->state_version = (long)n;
        (*marks)++;
        return 0;
    }
    if (tfa_token_is(k, "serial")) {
        (*marks)++;
        return tfa_json_integer(r->scan, &v, "serial", 0, LLONG_MAX, &st->serial, r->err) < 0
                   ? r->err->status
                   : 0;
    }
    if (tfa_token_is(k, "lineage")) {
        (*marks)++;
        if ((rc = tfa_json_string(r->scan, &v, "lineage", &r->s1, r->err)) <= 0)
            return rc;
        st->lineage = tfa_run_strdup(r->ctx->run, r->s1.ptr);
        return st->lineage ? 0 : tfa_error_oom(r->err);
    }
    if (tfa_token_is(k, "outputs") && v.type == TFA_TOK_OBJ) {
        while ((rc = next(r, &v)) == 0 && v.type == TFA_TOK_KEY) {
            st->outputs++;
            if ((rc = skip_next(r)) != 0)
                return rc;
        }
        return rc;
    }
    return tfa_scan_skip(r->scan, &v, r->err);
}

static int read_document(state_reader *r, const tfa_token *open)
{
    int marks = 0, plan_marks = 0, rc;
    unsigned seen = 0;
    tfa_token k;

    if (open->type != TFA_TOK_OBJ)
        return fail(r, &open->pos, "expected a JSON object (a Terraform state)");
    while ((rc = next(r, &k)) == 0 && k.type == TFA_TOK_KEY) {
        if ((rc = ONCE(r, &k, &seen, top_members)) != 0)
            return rc;
        if (tfa_token_is(&k, "values")) {
            marks++;
            rc = read_values(r);
        } else if (tfa_token_is(&k, "resources")) {
            marks++;
            rc = read_array_of(r, 0);
        } else if (tfa_token_is(&k, "modules")) {
            marks++;
            rc = read_array_of(r, 1);
        } else {
            plan_marks +=
                tfa_token_is(&k, "resource_changes") || tfa_token_is(&k, "planned_values");
            marks += tfa_token_is(&k, "format_version");
            rc = read_scalar_key(r, &k, &marks);
        }
        if (rc)
            return rc;
    }
    if (rc)
        return rc;
    if (plan_marks)
        return fail(r, &open->pos, "this JSON document is a plan, not a state");
    if (!marks)
        return fail(r, &open->pos, "this JSON document is not a Terraform state");
    return 0;
}

int tfa_read_state_json(const tfa_read_ctx *ctx)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    tfa_buf *bufs[10];
    state_reader r;
    unsigned docs = 0;
    tfa_token t;
    size_t i;
    int rc;

    memset(&r, 0, sizeof(r));
    r.ctx = ctx;
    r.err = ctx->err;
    r.in = tfa_run_input_mut(ctx->run, ctx->input);
    bufs[0] = &r.s1, bufs[1] = &r.s2, bufs[2] = &r.addr, bufs[3] = &r.module, bufs[4] = &r.mode;
    bufs[5] = &r.type, bufs[6] = &r.name, bufs[7] = &r.index, bufs[8] = &r.provider;
    bufs[9] = &r.deposed;
    for (i = 0; i < TFA_ARRAY_SIZE(bufs); i++)
        tfa_buf_init(bufs[i], i == 1 ? TFA_BUF_NO_MAX : ctx->limits->string_bytes);
    so.ci_noise = 1;
    so.max_depth = ctx->limits->json_depth;
    rc = tfa_scan_new(&r.scan, ctx->in, &so, ctx->err);
    while (rc == 0 && (rc = next(&r, &t)) == 0 && t.type != TFA_TOK_EOF) {
        rc = read_document(&r, &t);
        docs++;
    }
    if (rc == 0 && docs == 0)
        rc = fail(&r, &t.pos, "no JSON document in the input");
    if (rc == 0) {
        r.in->documents = docs;
        if (!r.in->tool && r.in->tool_version)
            r.in->tool = "terraform";
    }
    for (i = 0; i < TFA_ARRAY_SIZE(bufs); i++)
        tfa_buf_release(bufs[i]);
    tfa_scan_free(r.scan);
    return rc;
}
