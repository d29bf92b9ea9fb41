/*
 * runfix.h - hand-built runs for the checklist suites.
 *
 * The UI-log and text-log readers land separately, so log, apply, policy
 * and cost facts are tested on runs built directly through run_build.h,
 * shaped like what those readers will produce. Every helper aborts the test
 * on out-of-memory.
 */
#ifndef TFA_TEST_RUNFIX_H
#define TFA_TEST_RUNFIX_H

#include "run_build.h"
#include "testsupport.h"

static inline const char *rf_str(tfa_run *run, const char *s)
{
    const char *c = s ? tfa_run_strdup(run, s) : NULL;
    ck_assert(!s || c);
    return c;
}

static inline tfa_input *rf_input(tfa_run *run, const char *path, tfa_kind kind)
{
    tfa_input *in = tfa_run_push_input(run, path, kind);
    ck_assert_ptr_nonnull(in);
    return in;
}

static inline void rf_resource(tfa_run *run, tfa_resource *r, const char *address,
                               const char *module, const char *type, const char *name,
                               const char *provider)
{
    r->address = rf_str(run, address);
    r->module = rf_str(run, module);
    r->mode = "managed";
    r->type = rf_str(run, type);
    r->name = rf_str(run, name);
    r->provider = rf_str(run, provider);
}

static inline tfa_change *rf_change(tfa_run *run, tfa_list list, unsigned input,
                                    const char *address, const char *module, const char *type,
                                    const char *name, const char *provider, tfa_action action)
{
    tfa_change *c = tfa_run_push_change(run, list);
    ck_assert_ptr_nonnull(c);
    rf_resource(run, &c->res, address, module, type, name, provider);
    c->input = input;
    c->action = action;
    return c;
}

/* Changed paths (copied); `sensitive` may be NULL for none. */
static inline void rf_changed(tfa_run *run, tfa_change *c, const char *const *paths, size_t n,
                              const unsigned char *sensitive)
{
    const char **p = tfa_run_alloc(run, n * sizeof(*p));
    unsigned char *s = tfa_run_alloc(run, n);
    size_t i;
    ck_assert(p && s);
    for (i = 0; i < n; i++) {
        p[i] = rf_str(run, paths[i]);
        s[i] = sensitive ? sensitive[i] : 0;
    }
    c->changed = p;
    c->changed_sensitive = s;
    c->n_changed = n;
}

static inline tfa_applied *rf_applied(tfa_run *run, unsigned input, const char *address,
                                      const char *type, tfa_action action, tfa_apply_status st)
{
    tfa_applied *a = tfa_run_push_applied(run);
    ck_assert_ptr_nonnull(a);
    rf_resource(run, &a->res, address, NULL, type, "x", "registry.terraform.io/grafana/grafana");
    a->input = input;
    a->action = action;
    a->status = st;
    a->elapsed = st == TFA_APPLY_COMPLETE ? 2.0 : -1.0;
    return a;
}

static inline tfa_diag *rf_diag(tfa_run *run, unsigned input, tfa_severity sev, const char *summary,
                                const char *address)
{
    tfa_diag *d = tfa_run_push_diag(run);
    ck_assert_ptr_nonnull(d);
    d->input = input;
    d->severity = sev;
    d->summary = rf_str(run, summary);
    d->address = rf_str(run, address);
    return d;
}

#define RF_GRAFANA "registry.terraform.io/grafana/grafana"
#define RF_AWS     "registry.terraform.io/hashicorp/aws"

/*
 * The standard run of the suites:
 *  input 0 plan.json (plan, Terraform 1.9.5): add 2, change 1, destroy 1,
 *    applyable, not errored, one drift; changes
 *      grafana_dashboard.a  update  changed config_json, tags.owner
 *      module.net.aws_s3_bucket.logs  delete
 *      grafana_folder.f  create
 *      grafana_folder.g  no-op
 *    drift grafana_dashboard.a (update)
 *  input 1 apply.json (UI log, apply): summary add 2 change 1 destroy 1
 *    (last), applied 3, no errors, one warning; applied records: two
 *    complete, one started and never finished.
 */
static inline tfa_run *rf_standard(void)
{
    static const char *const paths[] = {"config_json", "tags.owner"};
    tfa_run *run = NULL;
    tfa_input *in;

    ck_assert_int_eq(tfa_run_new(&run), 0);
    in = rf_input(run, "plan.json", TFA_KIND_PLAN);
    in->tool = "terraform";
    in->tool_version = rf_str(run, "1.9.5");
    in->format_version = rf_str(run, "1.2");
    in->documents = 1;
    in->plan.counts.add = 2, in->plan.counts.change = 1, in->plan.counts.destroy = 1;
    in->plan.actions[TFA_ACTION_UPDATE] = 1, in->plan.actions[TFA_ACTION_DELETE] = 1;
    in->plan.actions[TFA_ACTION_CREATE] = 1, in->plan.actions[TFA_ACTION_NOOP] = 1;
    in->plan.drift = 1;
    in->plan.applyable = TFA_TRUE, in->plan.complete = TFA_TRUE, in->plan.errored = TFA_FALSE;
    rf_changed(run,
               rf_change(run, TFA_LIST_CHANGES, 0, "grafana_dashboard.a", NULL, "grafana_dashboard",
                         "a", RF_GRAFANA, TFA_ACTION_UPDATE),
               paths, 2, NULL);
    rf_change(run, TFA_LIST_CHANGES, 0, "module.net.aws_s3_bucket.logs", "module.net",
              "aws_s3_bucket", "logs", RF_AWS, TFA_ACTION_DELETE);
    rf_change(run, TFA_LIST_CHANGES, 0, "grafana_folder.f", NULL, "grafana_folder", "f", RF_GRAFANA,
              TFA_ACTION_CREATE);
    rf_change(run, TFA_LIST_CHANGES, 0, "grafana_folder.g", NULL, "grafana_folder", "g", RF_GRAFANA,
              TFA_ACTION_NOOP);
    rf_change(run, TFA_LIST_DRIFT, 0, "grafana_dashboard.a", NULL, "grafana_dashboard", "a",
              RF_GRAFANA, TFA_ACTION_UPDATE);

    in = rf_input(run, "apply.json", TFA_KIND_UI_LOG);
    in->tool = "terraform";
    in->tool_version = rf_str(run, "1.9.5");
    in->log.operation = "apply";
    in->log.has_counts = 1;
    in->log.counts.add = 2, in->log.counts.change = 1, in->log.counts.destroy = 1;
    in->log.applied = 3;
    in->log.final_summary = 1; /* its summary came last */
    in->log.warnings = 1;
    in->log.messages = 42;
    in->log.ui_version = rf_str(run, "1.2");
    rf_applied(run, 1, "grafana_dashboard.a", "grafana_dashboard", TFA_ACTION_UPDATE,
               TFA_APPLY_COMPLETE);
    rf_applied(run, 1, "grafana_folder.f", "grafana_folder", TFA_ACTION_CREATE, TFA_APPLY_COMPLETE);
    rf_applied(run, 1, "module.net.aws_s3_bucket.logs", "aws_s3_bucket", TFA_ACTION_DELETE,
               TFA_APPLY_STARTED);
    rf_diag(run, 1, TFA_SEV_WARNING, "Argument is deprecated", "grafana_folder.f");
    return run;
}

#endif
