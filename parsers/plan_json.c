/*
 * plan_json.c - reads `terraform show -json PLANFILE` (and `tofu show -json`,
 * and HCP Terraform's redacted plan JSON) into the run model.
 *
 * Follows Terraform's "JSON Output Format" documentation, plan representation,
 * format_version 0.1 through 1.2 (hashicorp/terraform internal/command/
 * jsonplan). Later 1.x minors are read and noted; a later major is refused.
 * HCP Terraform's redacted form has plan_format_version instead and no
 * terraform_version; several documents in one file (terragrunt run-all) are
 * summed.
 *
 * One streaming pass: top-level keys are dispatched as they come; the big
 * sections nobody audits from (planned_values, prior_state,
 * provider_schemas) are skipped by the scanner without allocating. The
 * configuration section, variable values and output changes are digested
 * (jsondigest.h) for the plan's pin, never kept. For each
 * resource change, `before`/`after`/`after_unknown` leaves are fed to
 * valdiff as (path, digest) so changed attribute paths are found without
 * keeping any value; no-op changes skip their values entirely.
 */
#include "util/compat.h"

#include "jsondigest.h"
#include "jsonread.h"
#include "readers.h"
#include "plan_reader.h"

/* ---- emitting ------------------------------------------------------------------ */

static const char *field(plan_reader *r, int f)
{
    return r->have[f] ? r->field[f].ptr : NULL;
}

static void count_change(plan_reader *r, tfa_list list, const tfa_change *c)
{
    tfa_plan_info *p = &r->in->plan;
    int managed = !c->res.mode || strcmp(c->res.mode, "managed") == 0;

    if (list == TFA_LIST_DRIFT) {
        p->drift++;
        return;
    }
    if (list == TFA_LIST_DEFERRED) {
        p->deferred++;
        return;
    }
    p->actions[c->action]++;
    if (!managed)
        return;
    switch (c->action) {
    case TFA_ACTION_CREATE:
        p->counts.add++;
        break;
    case TFA_ACTION_UPDATE:
        p->counts.change++;
        break;
    case TFA_ACTION_DELETE:
        p->counts.destroy++;
        break;
    case TFA_ACTION_FORGET:
        p->counts.forget++;
        break;
    case TFA_ACTION_REPLACE:
        p->counts.add++;
        if (c->replace == TFA_REPLACE_CREATE_FORGET)
            p->counts.forget++;
        else
            p->counts.destroy++;
        break;
    default:
        break;
    }
    if (c->importing)
        p->counts.import++;
}

/* Copy the changed paths and replace paths into the run. */
static int emit_paths(plan_reader *r, tfa_change *c)
{
    tfa_valdiff_result res;
    const char **paths;
    unsigned char *sens;
    const char *p;
    size_t i;

    if (tfa_valdiff_finish(r->diff, r->ctx->limits->changed_paths, &res) != 0)
        return TFA_ENOMEM;
    c->value_digest[0] = res.digest[0];
    c->value_digest[1] = res.digest[1];
    c->changed_truncated = res.truncated;
    if (res.n) {
        paths = tfa_run_alloc(r->run, res.n * sizeof(*paths));
        sens = tfa_run_alloc(r->run, res.n);
        if (!paths || !sens)
            return TFA_ENOMEM;
        for (i = 0; i < res.n; i++) {
            if (!(paths[i] = tfa_run_strdup(r->run, res.paths[i])))
                return TFA_ENOMEM;
            sens[i] = res.sensitive[i];
        }
        c->changed = paths;
        c->changed_sensitive = sens;
        c->n_changed = res.n;
    }
    if (r->n_rpaths) {
        paths = tfa_run_alloc(r->run, r->n_rpaths * sizeof(*paths));
        if (!paths)
            return TFA_ENOMEM;
        for (i = 0, p = r->rpaths.ptr; i < r->n_rpaths; i++, p += strlen(p) + 1)
            if (!(paths[i] = tfa_run_strdup(r->run, p)))
                return TFA_ENOMEM;
        c->replace_paths = paths;
        c->n_replace_paths = r->n_rpaths;
    }
    return 0;
}

/*
 * The address of an entry that has none: Terraform 1.0.0 wrote its
 * resource_drift entries without one. Rebuilt from module_address, mode,
 * type, name and index as Terraform prints addresses:
 * module.a["x"].data.aws_ami.this[0]. The index is kept as JSON text (a
 * number, or a quoted string), which is how an address writes it too. NULL
 * when type or name is missing as well; TFA_ENOMEM through *rc.
 */
static const char *address_from_parts(plan_reader *r, const tfa_resource *res, int *rc)
{
    tfa_buf b;
    const char *out = NULL;

    *rc = 0;
    if (!res->type || !res->name)
        return NULL;
    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    if (res->module)
        tfa_buf_printf(&b, "%s.", res->module);
    if (res->mode && strcmp(res->mode, "data") == 0)
        tfa_buf_puts(&b, "data.");
    tfa_buf_printf(&b, "%s.%s", res->type, res->name);
    if (res->index)
        tfa_buf_printf(&b, "[%s]", res->index);
    if (tfa_buf_status(&b) || !(out = tfa_run_strndup(r->run, b.ptr, b.len)))
        *rc = TFA_ENOMEM;
    tfa_buf_release(&b);
    return out;
}

static int emit_change(plan_reader *r, tfa_list list, const tfa_pos *pos)
{
    tfa_resource res = {field(r, F_ADDRESS),  field(r, F_MODULE), field(r, F_MODE),
                        field(r, F_TYPE),     field(r, F_NAME),   field(r, F_INDEX),
                        field(r, F_PROVIDER), field(r, F_DEPOSED)};
    const char *why;
    tfa_change *c;
    int rc;

    if (!res.address && !(res.address = address_from_parts(r, &res, &rc)) && rc)
        return tfa_error_oom(r->err);
    if (!res.address)
        return tfa_plan__fail(r, pos, TFA_EINPUT, "resource change without an \"address\"");
    if (!r->action_known)
        return tfa_plan__fail(r, pos, TFA_EINPUT, "resource change \"%s\" without change.actions",
                              res.address);
    if (list != TFA_LIST_DEFERRED && (why = tfa_plan__values_contradict(r)) != NULL)
        return tfa_plan__fail(r, pos, TFA_EINPUT,
                              "resource change \"%s\": %s (Terraform never writes that)",
                              res.address, why);
    c = tfa_run_push_change(r->run, list);
    if (!c || tfa_run_copy_resource(r->run, &c->res, &res) != 0)
        return tfa_error_oom(r->err);
    c->input = r->ctx->input;
    c->action = r->action;
    c->replace = r->replace;
    c->importing = r->importing;
    c->pos = *pos;
    if ((r->have[F_PREV] && !(c->prev_address = tfa_run_strdup(r->run, field(r, F_PREV)))) ||
        (r->have[F_REASON] &&
         !(c->reason = tfa_run_intern(r->run, r->field[F_REASON].ptr, r->field[F_REASON].len))) ||
        (r->have[F_IMPORT_ID] &&
         !(c->importing_id = tfa_run_strdup(r->run, field(r, F_IMPORT_ID)))) ||
        (r->have[F_DEFERRED] && !(c->deferred = tfa_run_intern(r->run, r->field[F_DEFERRED].ptr,
                                                               r->field[F_DEFERRED].len))) ||
        emit_paths(r, c) != 0)
        return tfa_error_oom(r->err);
    if (res.provider && strncmp(res.provider, "registry.opentofu.org/", 22) == 0)
        r->in->tool = "opentofu";
    count_change(r, list, c);
    return 0;
}

static int change_key(plan_reader *r, const tfa_token *key, void *payload)
{
    (void)payload;
    return tfa_plan__read_change_key(r, key);
}

/* The keys of a resource change object; `open` is its '{' token. */
static int read_resource_fields(plan_reader *r, const tfa_token *open)
{
    if (open->type != TFA_TOK_OBJ)
        return tfa_plan__fail(r, &open->pos, TFA_EINPUT, "a resource change must be an object");
    return tfa_plan__each_member(r, change_key, NULL);
}

static int read_resource_change(plan_reader *r, tfa_list list, const tfa_token *open)
{
    int rc;
    tfa_plan__reset_change(r);
    if ((rc = read_resource_fields(r, open)) != 0)
        return rc;
    return emit_change(r, list, &open->pos);
}

static int deferred_key(plan_reader *r, const tfa_token *t, void *payload)
{
    tfa_token v;
    int rc;

    if (tfa_token_is(t, "resource_change")) {
        *(int *)payload = 1;
        if ((rc = tfa_scan_next(r->scan, &v, r->err)) != 0)
            return rc;
        return read_resource_fields(r, &v);
    }
    return tfa_token_is(t, "reason") ? tfa_plan__read_field(r, "reason", F_DEFERRED)
                                     : tfa_plan__skip_value(r);
}

/* A deferred_changes element: {"reason": "...", "resource_change": {...}}. */
static int read_deferred(plan_reader *r, const tfa_token *open)
{
    int rc, seen = 0;

    if (open->type != TFA_TOK_OBJ)
        return tfa_plan__fail(r, &open->pos, TFA_EINPUT, "a deferred change must be an object");
    tfa_plan__reset_change(r);
    if ((rc = tfa_plan__each_member(r, deferred_key, &seen)) != 0)
        return rc;
    if (!seen)
        return tfa_plan__fail(r, &open->pos, TFA_EINPUT,
                              "deferred change without \"resource_change\"");
    return emit_change(r, TFA_LIST_DEFERRED, &open->pos);
}

/* ---- top level --------------------------------------------------------------------- */

static int change_element(plan_reader *r, const tfa_token *t, void *payload)
{
    tfa_list list = *(const tfa_list *)payload;
    return list == TFA_LIST_DEFERRED ? read_deferred(r, t) : read_resource_change(r, list, t);
}

static int read_change_list(plan_reader *r, tfa_list list)
{
    static const char *const names[] = {"resource_changes", "resource_drift", "planned",
                                        "deferred_changes"};
    tfa_token t;
    int rc = tfa_json_open(r->scan, &t, TFA_TOK_ARR, names[list], r->err);
    return rc <= 0 ? rc : tfa_plan__each_element(r, change_element, &list);
}

/* "output_changes": {"name": {"actions": [...], "after_sensitive": true, ...}}. */
/* The digest of an object key's decoded text, for member digests. */
static int digest_key(plan_reader *r, const tfa_token *k, unsigned char out[TFA_SHA256_BYTES])
{
    const char *text;
    size_t len;
    if (k->truncated)
        return tfa_plan__fail(r, &k->pos, TFA_ELIMIT, "key too long");
    if (tfa_json_string_text(k, &r->scratch, &text, &len) != 0)
        return tfa_error_oom(r->err);
    tfa_sha256_digest(text, len, out);
    return 0;
}

/* One key of an output change: its actions, its sensitivity, or a
 * member that goes into the value digest. */
static int output_key(plan_reader *r, const tfa_token *t, void *payload)
{
    unsigned char key[TFA_SHA256_BYTES], entry[2 * TFA_SHA256_BYTES];
    tfa_output *o = payload;
    tfa_replace rep;
    tfa_token v;
    int rc, sens;

    if (tfa_token_is(t, "actions"))
        return tfa_plan__read_actions(r, &o->action, &rep);
    if (tfa_token_is(t, "before_sensitive") || tfa_token_is(t, "after_sensitive")) {
        if ((rc = tfa_scan_next(r->scan, &v, r->err)) != 0 ||
            (rc = tfa_json_any_true(r->scan, &v, &sens, r->err)) != 0)
            return rc;
        o->sensitive |= sens;
        return 0;
    }
    if ((rc = digest_key(r, t, key)) != 0 || (rc = tfa_scan_next(r->scan, &v, r->err)) != 0 ||
        (rc = tfa_jsondigest_value(r->scan, &v, &r->scratch, entry + TFA_SHA256_BYTES, r->err)) !=
            0)
        return rc;
    /* members in any order: add up the digests of (key, value) */
    memcpy(entry, key, TFA_SHA256_BYTES);
    tfa_sha256_digest(entry, sizeof(entry), key);
    tfa_digest_add(o->value_digest, key);
    return 0;
}

static int read_output(plan_reader *r, const tfa_token *name)
{
    tfa_output *o = tfa_run_push_output(r->run);
    tfa_token t;
    int rc;

    tfa_buf_clear(&r->version); /* it may hold a version or another name */
    if (!o || tfa_scan_decode(name, &r->version) != 0 ||
        !(o->name = tfa_run_strndup(r->run, r->version.ptr, r->version.len)))
        return tfa_error_oom(r->err);
    tfa_buf_clear(&r->version);
    o->input = r->ctx->input;
    o->action = TFA_ACTION_UNKNOWN;
    if ((rc = tfa_json_expect(r->scan, &t, TFA_TOK_OBJ, "output change", r->err)) != 0 ||
        (rc = tfa_plan__each_member(r, output_key, o)) != 0)
        return rc;
    o->has_value = 1;
    r->in->plan.outputs++;
    return 0;
}

/* One member of output_changes or variables (`payload`: outputs or not). */
static int named_key(plan_reader *r, const tfa_token *t, void *payload)
{
    tfa_variable *var;
    tfa_token v;
    int rc;

    if (t->truncated)
        return tfa_plan__fail(r, &t->pos, TFA_ELIMIT, "name too long");
    if (*(const int *)payload)
        return read_output(r, t);
    /* variables: the name only; the value (maybe sensitive) is skipped */
    var = tfa_run_push_variable(r->run);
    tfa_buf_clear(&r->version);
    if (!var || tfa_scan_decode(t, &r->version) != 0 ||
        !(var->name = tfa_run_strndup(r->run, r->version.ptr, r->version.len)))
        return tfa_error_oom(r->err);
    var->input = r->ctx->input;
    r->in->plan.variables++;
    /* the value is pinned by digest only (sensitive ones too) */
    if ((rc = tfa_scan_next(r->scan, &v, r->err)) != 0 ||
        (rc = tfa_jsondigest_value(r->scan, &v, &r->scratch, var->value_digest, r->err)) != 0)
        return rc;
    var->has_value = 1;
    return 0;
}

/* An object whose keys are names (output_changes, variables). */
static int read_named(plan_reader *r, int outputs)
{
    tfa_token t;
    int rc;

    if ((rc = tfa_json_open(r->scan, &t, TFA_TOK_OBJ, outputs ? "output_changes" : "variables",
                            r->err)) <= 0)
        return rc;
    return tfa_plan__each_member(r, named_key, &outputs);
}

/* Versions of one document, merged into the input when it ends, and the
 * members it has given (top_members bits). */
typedef struct doc_versions {
    const char *format, *tool, *plan_format;
    unsigned seen;
} doc_versions;

static int read_version(plan_reader *r, const tfa_token *v, const char *what, int check,
                        const char **slot)
{
    int rc = tfa_json_string(r->scan, v, what, &r->version, r->err), newer = 0;
    if (rc <= 0)
        return rc;
    if (check && (rc = tfa_json_check_version(r->scan, v, what, r->version.ptr, PLAN_FORMAT_MAJOR,
                                              PLAN_FORMAT_MINOR, &newer, r->err)) != 0)
        return rc;
    if (newer) {
        r->in->plan.format_newer = 1;
        if (tfa_run_add_note(r->run, r->ctx->input, &v->pos,
                             "%s \"%s\" is newer than %d.%d; reading it as %d.%d", what,
                             r->version.ptr, PLAN_FORMAT_MAJOR, PLAN_FORMAT_MINOR,
                             PLAN_FORMAT_MAJOR, PLAN_FORMAT_MINOR) != 0)
            return tfa_error_oom(r->err);
    }
    *slot = tfa_run_intern(r->run, r->version.ptr, r->version.len);
    return *slot ? 0 : tfa_error_oom(r->err);
}

static int read_tristate(plan_reader *r, const tfa_token *v, const char *what, tfa_tristate *out,
                         int any)
{
    int b, rc = tfa_json_bool(r->scan, v, what, &b, r->err);
    if (rc <= 0)
        return rc;
    /* several documents: errored if any is, applyable/complete if all are */
    if (*out == TFA_UNSET || (any ? b : !b))
        *out = b ? TFA_TRUE : TFA_FALSE;
    return 0;
}

/* Keys that only a plan document has (format and tool versions do not
 * count); detection votes with the same list. */
int tfa_plan_is_plan_key(const tfa_token *k)
{
    static const char *const keys[] = {"planned_values",
                                       "resource_changes",
                                       "resource_drift",
                                       "output_changes",
                                       "prior_state",
                                       "configuration",
                                       "plan_format_version",
                                       "relevant_attributes",
                                       "variables",
                                       "applyable",
                                       "complete",
                                       "errored",
                                       "deferred_changes",
                                       "action_invocations",
                                       "timestamp"};
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(keys); i++)
        if (tfa_token_is(k, keys[i]))
            return 1;
    return 0;
}

/* The members of a plan document this reader takes, each once: a second
 * one is an edit that tools resolve differently (jq keeps the last, Go and
 * jansson other ones), so it is refused, not merged. */
static const char *const top_members[] = {
    "resource_changes", "resource_drift",      "deferred_changes",
    "output_changes",   "variables",           "configuration",
    "format_version",   "plan_format_version", "terraform_version",
    "timestamp",        "applyable",           "complete",
    "errored"};

static int read_top_key(plan_reader *r, const tfa_token *k, doc_versions *dv)
{
    tfa_plan_info *p = &r->in->plan;
    tfa_token v;
    int rc;

    if ((rc = tfa_json_once_of(r->scan, k, &dv->seen, top_members, TFA_ARRAY_SIZE(top_members),
                               r->err)) != 0)
        return rc;
    if (tfa_token_is(k, "resource_changes"))
        return read_change_list(r, TFA_LIST_CHANGES);
    if (tfa_token_is(k, "resource_drift"))
        return read_change_list(r, TFA_LIST_DRIFT);
    if (tfa_token_is(k, "deferred_changes"))
        return read_change_list(r, TFA_LIST_DEFERRED);
    if (tfa_token_is(k, "output_changes") || tfa_token_is(k, "variables"))
        return read_named(r, tfa_token_is(k, "output_changes"));
    if ((rc = tfa_scan_next(r->scan, &v, r->err)) != 0)
        return rc;
    if (tfa_token_is(k, "configuration") && r->ctx->unpinned) {
        p->configuration_unread = 1;
        return tfa_scan_skip(r->scan, &v, r->err);
    }
    if (tfa_token_is(k, "configuration")) {
        unsigned char d[TFA_SHA256_BYTES];
        if ((rc = tfa_jsondigest_value(r->scan, &v, &r->scratch, d, r->err)) != 0)
            return rc;
        tfa_digest_add(p->configuration_digest, d);
        p->has_configuration = 1;
        return 0;
    }
    if (tfa_token_is(k, "format_version"))
        return read_version(r, &v, "format_version", 1, &dv->format);
    if (tfa_token_is(k, "plan_format_version"))
        return read_version(r, &v, "plan_format_version", 1, &dv->plan_format);
    if (tfa_token_is(k, "terraform_version"))
        return read_version(r, &v, "terraform_version", 0, &dv->tool);
    if (tfa_token_is(k, "timestamp")) {
        const char *ts = NULL;
        rc = read_version(r, &v, "timestamp", 0, &ts);
        p->timestamp = ts ? ts : p->timestamp;
        return rc;
    }
    if (tfa_token_is(k, "applyable"))
        return read_tristate(r, &v, "applyable", &p->applyable, 0);
    if (tfa_token_is(k, "complete"))
        return read_tristate(r, &v, "complete", &p->complete, 0);
    if (tfa_token_is(k, "errored"))
        return read_tristate(r, &v, "errored", &p->errored, 1);
    return tfa_scan_skip(r->scan, &v, r->err);
}

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Fold one document's versions into the input: kept only where all agree. */
static void merge_versions(plan_reader *r, const doc_versions *dv)
{
    tfa_input *in = r->in;
    if (r->documents == 0) {
        in->format_version = dv->format;
        in->tool_version = dv->tool;
        in->plan.plan_format_version = dv->plan_format;
        return;
    }
    if (!same(in->format_version, dv->format))
        r->format_version_conflict = 1;
    if (!same(in->tool_version, dv->tool))
        r->tool_version_conflict = 1;
    if (!same(in->plan.plan_format_version, dv->plan_format))
        in->plan.plan_format_version = NULL;
}

static int read_document(plan_reader *r, const tfa_token *open)
{
    doc_versions dv = {NULL, NULL, NULL, 0};
    int plan_keys = 0, state_keys = 0, rc;
    tfa_token k;

    if (open->type != TFA_TOK_OBJ)
        return tfa_plan__fail(r, &open->pos, TFA_EINPUT,
                              "expected a JSON object (a Terraform plan)");
    for (;;) {
        if ((rc = tfa_scan_next(r->scan, &k, r->err)) != 0)
            return rc;
        if (k.type == TFA_TOK_OBJ_END)
            break;
        plan_keys += tfa_plan_is_plan_key(&k);
        state_keys += tfa_token_is(&k, "values") || tfa_token_is(&k, "lineage");
        if ((rc = read_top_key(r, &k, &dv)) != 0)
            return rc;
    }
    if (!plan_keys)
        return tfa_plan__fail(r, &open->pos, TFA_EINPUT, "%s",
                              state_keys
                                  ? "this JSON document is a state, not a plan"
                                  : "this JSON document is not a Terraform plan (no plan keys)");
    merge_versions(r, &dv);
    r->documents++;
    return 0;
}

static int reader_init(plan_reader *r, const tfa_read_ctx *ctx)
{
    tfa_scan_options so = TFA_SCAN_OPTIONS_INIT;
    int f, rc;

    memset(r, 0, sizeof(*r));
    r->ctx = ctx;
    r->run = ctx->run;
    r->err = ctx->err;
    r->in = tfa_run_input_mut(ctx->run, ctx->input);
    for (f = 0; f < F_COUNT; f++)
        tfa_buf_init(&r->field[f], ctx->limits->string_bytes);
    tfa_buf_init(&r->path, TFA_LIMIT_PATH_BYTES);
    tfa_buf_init(&r->scratch, TFA_LIMIT_SCAN_WINDOW);
    tfa_buf_init(&r->version, ctx->limits->string_bytes);
    tfa_buf_init(&r->rpaths, TFA_BUF_NO_MAX);
    so.ci_noise = 1;
    so.max_depth = ctx->limits->json_depth;
    if ((rc = tfa_scan_new(&r->scan, ctx->in, &so, ctx->err)) != 0)
        return rc;
    return tfa_valdiff_new(&r->diff) ? tfa_error_oom(ctx->err) : 0;
}

static void reader_release(plan_reader *r)
{
    int f;
    for (f = 0; f < F_COUNT; f++)
        tfa_buf_release(&r->field[f]);
    tfa_buf_release(&r->path);
    tfa_buf_release(&r->scratch);
    tfa_buf_release(&r->version);
    tfa_buf_release(&r->rpaths);
    tfa_valdiff_free(r->diff);
    tfa_scan_free(r->scan);
}

int tfa_read_plan_json(const tfa_read_ctx *ctx)
{
    plan_reader r;
    tfa_token t;
    int rc = reader_init(&r, ctx);

    while (rc == 0) {
        if ((rc = tfa_scan_next(r.scan, &t, r.err)) != 0 || t.type == TFA_TOK_EOF)
            break;
        rc = read_document(&r, &t);
    }
    if (rc == 0 && r.documents == 0)
        rc = tfa_plan__fail(&r, &t.pos, TFA_EINPUT, "no JSON document in the input");
    if (rc == 0) {
        if (r.format_version_conflict)
            r.in->format_version = NULL;
        if (r.tool_version_conflict)
            r.in->tool_version = NULL;
        if (!r.in->tool && r.in->tool_version)
            r.in->tool = "terraform";
        r.in->documents = (unsigned)r.documents;
        if (r.documents > 1 &&
            tfa_run_add_note(r.run, ctx->input, NULL, "%lu plan documents, counts summed",
                             r.documents) != 0)
            rc = tfa_error_oom(r.err);
    }
    reader_release(&r);
    return rc;
}
