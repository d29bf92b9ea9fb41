/*
 * check_plan_json.c - the plan JSON reader: action classes, addresses, moves,
 * imports, deposed objects, changed attribute paths, sensitivity, documents,
 * versions, errors, allocation failures, and that no secret reaches the model.
 */
#include "util/compat.h"

#include "pin.h"
#include "plandiff.h"
#include "testsupport.h"
#include "util/alloc.h"
#include "util/buf.h"

static tfa_run *load_file(const char *path)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;
    tfa_run *run = NULL;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_run_new(&run), 0);
    ck_assert_tfa_ok(tfa_run_load(run, path, &lo, &err), &err);
    return run;
}

static const tfa_change *find(const tfa_run *run, tfa_list list, const char *address)
{
    size_t i;
    for (i = 0; i < tfa_run_change_count(run, list); i++)
        if (strcmp(tfa_run_change(run, list, i)->res.address, address) == 0)
            return tfa_run_change(run, list, i);
    ck_abort_msg("no change for %s", address);
    return NULL;
}

/* "a,b,c" from the changed paths, sensitive ones marked with a '*'. */
static const char *changed(const tfa_change *c, tfa_buf *b)
{
    size_t i;
    tfa_buf_clear(b);
    for (i = 0; i < c->n_changed; i++)
        tfa_buf_printf(b, "%s%s%s", i ? "," : "", c->changed[i],
                       c->changed_sensitive[i] ? "*" : "");
    return b->ptr;
}

static int str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

START_TEST(plan_counts_every_action_class)
{
    tfa_run *run = load_file("fixtures/plans/actions-all.json");
    const tfa_input *in = tfa_run_input(run, 0);
    const tfa_plan_info *p = &in->plan;

    ck_assert_int_eq(in->kind, TFA_KIND_PLAN);
    ck_assert_str_eq(in->format_version, "1.2");
    ck_assert_str_eq(in->tool_version, "1.9.5");
    ck_assert_str_eq(in->tool, "terraform");
    ck_assert_int_eq(p->actions[TFA_ACTION_CREATE], 1);
    ck_assert_int_eq(p->actions[TFA_ACTION_UPDATE], 2);
    ck_assert_int_eq(p->actions[TFA_ACTION_DELETE], 2);
    ck_assert_int_eq(p->actions[TFA_ACTION_REPLACE], 3);
    ck_assert_int_eq(p->actions[TFA_ACTION_READ], 1);
    ck_assert_int_eq(p->actions[TFA_ACTION_NOOP], 3);
    ck_assert_int_eq(p->actions[TFA_ACTION_FORGET], 1);
    /* Terraform's arithmetic, managed only: replace adds and destroys,
     * create-then-forget adds and forgets */
    ck_assert_int_eq(p->counts.add, 4);
    ck_assert_int_eq(p->counts.change, 2);
    ck_assert_int_eq(p->counts.destroy, 4);
    ck_assert_int_eq(p->counts.forget, 2);
    ck_assert_int_eq(p->counts.import, 2);
    ck_assert_int_eq(p->drift, 1);
    ck_assert_int_eq(p->outputs, 2);
    ck_assert_int_eq(p->variables, 2);
    ck_assert_int_eq(p->applyable, TFA_TRUE);
    ck_assert_int_eq(p->errored, TFA_FALSE);
    ck_assert_str_eq(p->timestamp, "2026-11-20T09:00:00Z");
    ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_CHANGES), 13);
    tfa_run_free(run);
}
END_TEST

START_TEST(plan_keeps_addresses_moves_imports_and_deposed_objects)
{
    tfa_run *run = load_file("fixtures/plans/actions-all.json");
    const tfa_change *c;

    c = find(run, TFA_LIST_CHANGES, "aws_instance.web[0]");
    ck_assert_str_eq(c->res.type, "aws_instance");
    ck_assert_str_eq(c->res.name, "web");
    ck_assert_str_eq(c->res.index, "0");
    ck_assert_str_eq(c->res.mode, "managed");
    ck_assert_ptr_null(c->res.module);
    ck_assert_str_eq(c->res.provider, "registry.terraform.io/hashicorp/aws");

    c = find(run, TFA_LIST_CHANGES, "aws_instance.db");
    ck_assert_int_eq(c->action, TFA_ACTION_REPLACE);
    ck_assert_int_eq(c->replace, TFA_REPLACE_DELETE_FIRST);
    ck_assert_str_eq(c->reason, "replace_because_cannot_update");
    ck_assert_uint_eq(c->n_replace_paths, 1);
    ck_assert_str_eq(c->replace_paths[0], "ami");

    c = find(run, TFA_LIST_CHANGES, "module.net.aws_lb.main");
    ck_assert_int_eq(c->replace, TFA_REPLACE_CREATE_FIRST);
    ck_assert_str_eq(c->res.module, "module.net");

    c = find(run, TFA_LIST_CHANGES, "aws_instance.cache");
    ck_assert_int_eq(c->replace, TFA_REPLACE_CREATE_FORGET);

    c = find(run, TFA_LIST_CHANGES, "aws_instance.renamed");
    ck_assert_str_eq(c->prev_address, "aws_instance.original");
    ck_assert_int_eq(c->action, TFA_ACTION_NOOP);

    c = find(run, TFA_LIST_CHANGES, "aws_vpc.imported");
    ck_assert(c->importing);
    ck_assert_str_eq(c->importing_id, "vpc-0abc");

    c = find(run, TFA_LIST_CHANGES, "module.app[\"eu\"].aws_instance.api[\"blue\"]");
    ck_assert_str_eq(c->res.deposed, "00000001");
    ck_assert_str_eq(c->res.index, "\"blue\"");
    ck_assert_str_eq(c->res.module, "module.app[\"eu\"]");

    c = find(run, TFA_LIST_CHANGES, "data.aws_ami.base");
    ck_assert_str_eq(c->res.mode, "data");
    ck_assert_int_eq(c->action, TFA_ACTION_READ);

    c = find(run, TFA_LIST_CHANGES, "aws_iam_role.legacy");
    ck_assert_int_eq(c->action, TFA_ACTION_FORGET);
    ck_assert(str_eq(tfa_run_output(run, 1)->name, "db_url"));
    ck_assert(tfa_run_output(run, 1)->sensitive);
    ck_assert(!tfa_run_output(run, 0)->sensitive);
    ck_assert_str_eq(tfa_run_variable(run, 1)->name, "db_password");
    tfa_run_free(run);
}
END_TEST

START_TEST(plan_finds_changed_attribute_paths)
{
    tfa_run *run = load_file("fixtures/plans/actions-all.json");
    tfa_buf b;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    /* tags.owner changed, a list grew, arn becomes known after apply */
    ck_assert_str_eq(changed(find(run, TFA_LIST_CHANGES, "aws_instance.web[0]"), &b),
                     "arn,ebs[1].size,tags.owner");
    /* a create: every non-null leaf plus unknowns; null and {} are not values */
    ck_assert_str_eq(changed(find(run, TFA_LIST_CHANGES, "aws_s3_bucket.logs"), &b),
                     "arn,bucket,id");
    ck_assert_str_eq(changed(find(run, TFA_LIST_CHANGES, "aws_instance.db"), &b), "ami,id");
    ck_assert_str_eq(changed(find(run, TFA_LIST_CHANGES, "aws_instance.old"), &b), "ami");
    /* no-op changes are not walked at all */
    ck_assert_str_eq(changed(find(run, TFA_LIST_CHANGES, "grafana_folder.obs"), &b), "");
    ck_assert_str_eq(changed(find(run, TFA_LIST_DRIFT, "aws_instance.web[0]"), &b), "tags.owner");
    tfa_buf_release(&b);
    tfa_run_free(run);
}
END_TEST

START_TEST(plan_collapses_changes_inside_sensitive_values)
{
    tfa_run *run = load_file("fixtures/plans/sensitive-canary.json");
    tfa_buf b;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_str_eq(changed(find(run, TFA_LIST_CHANGES, "aws_db_instance.main"), &b), "password*");
    /* map keys under a sensitive map never leave the reader */
    ck_assert_str_eq(changed(find(run, TFA_LIST_CHANGES, "aws_ssm_parameter.secrets"), &b),
                     "values*");
    /* a wholly sensitive object: the root path "" */
    ck_assert_str_eq(
        changed(find(run, TFA_LIST_CHANGES, "aws_secretsmanager_secret_version.v"), &b), "*");
    ck_assert_str_eq(changed(find(run, TFA_LIST_CHANGES, "aws_instance.visible"), &b), "ami");
    tfa_buf_release(&b);
    tfa_run_free(run);
}
END_TEST

/* Every string reachable from the model, appended to `b`. */
static void model_strings(const tfa_run *run, tfa_buf *b)
{
    size_t i, j;
    int l;
    for (i = 0; i < tfa_run_input_count(run); i++) {
        const tfa_input *in = tfa_run_input(run, i);
        tfa_buf_printf(b, "%s|%s|%s|%s|", in->path, in->tool_version ? in->tool_version : "",
                       in->format_version ? in->format_version : "",
                       in->plan.timestamp ? in->plan.timestamp : "");
    }
    for (l = 0; l < TFA_LIST_CHANGE_COUNT; l++) {
        for (i = 0; i < tfa_run_change_count(run, (tfa_list)l); i++) {
            const tfa_change *c = tfa_run_change(run, (tfa_list)l, i);
            const char *f[] = {c->res.address,  c->res.module, c->res.mode,     c->res.type,
                               c->res.name,     c->res.index,  c->res.provider, c->res.deposed,
                               c->prev_address, c->reason,     c->importing_id};
            for (j = 0; j < TFA_ARRAY_SIZE(f); j++)
                tfa_buf_printf(b, "%s|", f[j] ? f[j] : "");
            for (j = 0; j < c->n_changed; j++)
                tfa_buf_printf(b, "%s|", c->changed[j]);
            for (j = 0; j < c->n_replace_paths; j++)
                tfa_buf_printf(b, "%s|", c->replace_paths[j]);
        }
    }
    for (i = 0; i < tfa_run_output_count(run); i++)
        tfa_buf_printf(b, "%s|", tfa_run_output(run, i)->name);
    for (i = 0; i < tfa_run_variable_count(run); i++)
        tfa_buf_printf(b, "%s|", tfa_run_variable(run, i)->name);
    for (i = 0; i < tfa_run_note_count(run); i++)
        tfa_buf_printf(b, "%s|", tfa_run_note(run, i)->message);
}

START_TEST(plan_model_holds_no_sensitive_value)
{
    const char *files[] = {"fixtures/plans/sensitive-canary.json",
                           "fixtures/plans/actions-all.json"};
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(files); i++) {
        const char *argv_text[] = {"tfaudit", "summarize", files[i], NULL};
        const char *argv_json[] = {"tfaudit", "summarize", "--format", "json", files[i], NULL};
        tfa_run *run = load_file(files[i]);
        tfa_test_output out;
        tfa_buf b;

        tfa_buf_init(&b, TFA_BUF_NO_MAX);
        model_strings(run, &b);
        ck_assert_msg(!tfa_test_contains(b.ptr, b.len, TFA_TEST_CANARY), "canary in the model");
        ck_assert_msg(!tfa_test_contains(b.ptr, b.len, "CANARY"), "canary part in the model");
        tfa_buf_release(&b);
        tfa_run_free(run);
        ck_assert_int_eq(tfa_test_run(argv_text, NULL, 0, &out), 0);
        ck_assert_int_eq(out.status, 0);
        ck_assert(!tfa_test_contains(out.out, out.out_len, "CANARY"));
        ck_assert(!tfa_test_contains(out.err, out.err_len, "CANARY"));
        tfa_test_output_release(&out);
        ck_assert_int_eq(tfa_test_run(argv_json, NULL, 0, &out), 0);
        ck_assert_int_eq(out.status, 0);
        ck_assert(!tfa_test_contains(out.out, out.out_len, "CANARY"));
        tfa_test_output_release(&out);
    }
}
END_TEST

static int load_text(const char *doc, tfa_kind kind, tfa_run **run, tfa_error *err)
{
    tfa_error_init(err);
    return tfa_test_load_mem(run, "plan.json", doc, strlen(doc), kind, err);
}

START_TEST(plan_versions_are_checked)
{
    tfa_run *run = NULL;
    tfa_error err;

    ck_assert_int_eq(load_text("{\"format_version\": \"2.0\", \"resource_changes\": []}",
                               TFA_KIND_UNKNOWN, &run, &err),
                     TFA_EVERSION);
    ck_assert_str_eq(err.message,
                     "unsupported format_version \"2.0\" (this build reads up to 1.2)");
    ck_assert_uint_eq(err.line, 1);
    ck_assert_uint_eq(err.column, 20);
    ck_assert_int_eq(load_text("{\"format_version\": \"one\", \"resource_changes\": []}",
                               TFA_KIND_UNKNOWN, &run, &err),
                     TFA_EINPUT);
    /* a later minor is read, with a note */
    ck_assert_tfa_ok(load_text("{\"format_version\": \"1.7\", \"resource_changes\": []}",
                               TFA_KIND_UNKNOWN, &run, &err),
                     &err);
    ck_assert(tfa_run_input(run, 0)->plan.format_newer);
    ck_assert_uint_eq(tfa_run_note_count(run), 1);
    ck_assert_str_eq(tfa_run_note(run, 0)->message,
                     "format_version \"1.7\" is newer than 1.2; reading it as 1.2");
    tfa_run_free(run);
}
END_TEST

START_TEST(plan_rejects_documents_that_are_not_plans)
{
    tfa_run *run = NULL;
    tfa_error err;

    ck_assert_int_eq(
        load_text("{\"format_version\": \"1.0\", \"values\": {}}", TFA_KIND_PLAN, &run, &err),
        TFA_EINPUT);
    ck_assert_str_eq(err.message, "this JSON document is a state, not a plan");
    ck_assert_int_eq(load_text("{\"hello\": 1}", TFA_KIND_PLAN, &run, &err), TFA_EINPUT);
    ck_assert_str_eq(err.message, "this JSON document is not a Terraform plan (no plan keys)");
    ck_assert_int_eq(load_text("[1, 2]", TFA_KIND_PLAN, &run, &err), TFA_EINPUT);
    ck_assert_int_eq(
        load_text("{\"resource_changes\": [{\"change\": {\"actions\": [\"create\"]}}]}",
                  TFA_KIND_PLAN, &run, &err),
        TFA_EINPUT);
    ck_assert_str_eq(err.message, "resource change without an \"address\"");
    ck_assert_uint_eq(err.column, 23);
    ck_assert_int_eq(
        load_text("{\"resource_changes\": [{\"address\": 7}]}", TFA_KIND_PLAN, &run, &err),
        TFA_EINPUT);
    ck_assert_str_eq(err.message, "\"address\" must be a string, not a number");
}
END_TEST

/* A change whose values contradict its action (Terraform's plan writer puts
 * the prior object in "before" and the planned one in "after") is refused:
 * a "no-op" whose "after" is null would hide a destroy. In any key order,
 * in resource_drift too; deferred changes and reads are not judged. */
START_TEST(plan_refuses_values_its_action_contradicts)
{
    static const struct {
        const char *list, *actions, *before, *after;
        int ok;
    } cases[] = {
        {"resource_changes", "\"create\"", "null", "{}", 1},
        {"resource_changes", "\"create\"", "{}", "{}", 0},
        {"resource_changes", "\"delete\"", "{}", "null", 1},
        {"resource_changes", "\"delete\"", "{}", "{}", 0},
        {"resource_changes", "\"forget\"", "{}", "[]", 0},
        {"resource_changes", "\"update\"", "{}", "{}", 1},
        {"resource_changes", "\"update\"", "{}", "null", 1}, /* an "after" wholly unknown */
        {"resource_changes", "\"update\"", "null", "{}", 0},
        {"resource_changes", "\"delete\", \"create\"", "null", "{}", 0},
        {"resource_changes", "\"create\", \"delete\"", "{}", "{}", 1},
        {"resource_changes", "\"no-op\"", "{\"a\": 1}", "{\"a\": 1}", 1},
        {"resource_changes", "\"no-op\"", "{\"a\": 1}", "null", 0},
        {"resource_changes", "\"no-op\"", "null", "{\"a\": 1}", 0},
        {"resource_changes", "\"read\"", "{}", "{}", 1},
        {"resource_drift", "\"delete\"", "{}", "{\"a\": 1}", 0},
        {"resource_drift", "\"update\"", "{}", "{}", 1},
    };
    tfa_buf doc;
    tfa_run *run = NULL;
    tfa_error err;
    size_t i;
    int order;

    tfa_buf_init(&doc, TFA_BUF_NO_MAX);
    for (i = 0; i < TFA_ARRAY_SIZE(cases); i++)
        for (order = 0; order < 2; order++) {
            tfa_buf_clear(&doc);
            tfa_buf_printf(&doc, "{\"format_version\": \"1.2\", \"%s\": [{\"address\": \"a.b\", ",
                           cases[i].list);
            if (order)
                tfa_buf_printf(&doc,
                               "\"change\": {\"b\\u0065fore\": %s, \"after\": %s, "
                               "\"actions\": [%s]}}]}",
                               cases[i].before, cases[i].after, cases[i].actions);
            else
                tfa_buf_printf(&doc,
                               "\"change\": {\"actions\": [%s], \"before\": %s, "
                               "\"after\": %s}}]}",
                               cases[i].actions, cases[i].before, cases[i].after);
            ck_assert_int_eq(tfa_buf_status(&doc), 0);
            if (cases[i].ok) {
                ck_assert_msg(load_text(doc.ptr, TFA_KIND_PLAN, &run, &err) == 0, "%s: %s", doc.ptr,
                              err.message);
                tfa_run_free(run);
                continue;
            }
            ck_assert_msg(load_text(doc.ptr, TFA_KIND_PLAN, &run, &err) == TFA_EINPUT, "%s",
                          doc.ptr);
            ck_assert_msg(strstr(err.message, "resource change \"a.b\": a") &&
                              strstr(err.message, "(Terraform never writes that)"),
                          "%s", err.message);
            ck_assert_uint_eq(err.column, (unsigned long)strlen(cases[i].list) + 32); /* its { */
        }
    /* a deferred change's values are Terraform's guess: not judged */
    ck_assert_int_eq(
        load_text("{\"format_version\": \"1.2\", \"deferred_changes\": [{\"reason\": "
                  "\"resource_config_unknown\", \"resource_change\": {\"address\": \"a.b\", "
                  "\"change\": {\"actions\": [\"no-op\"], \"before\": {}, \"after\": null}}}]}",
                  TFA_KIND_PLAN, &run, &err),
        0);
    tfa_run_free(run);
    tfa_buf_release(&doc);
}
END_TEST

/* Load `doc` as a plan, with its configuration digested or (unpinned, as
 * summarize loads) only read. */
static int load_plan(const char *doc, int unpinned, tfa_run **out, tfa_error *err)
{
    tfa_load_options lo = TFA_LOAD_OPTIONS_INIT;

    lo.kind = TFA_KIND_PLAN;
    lo.unpinned = unpinned;
    tfa_error_init(err);
    return tfa_test_load_mem_with(out, "plan.json", doc, strlen(doc), &lo, err);
}

/* A plan loaded unpinned (summarize) reads as the same run, is refused
 * for the same configuration errors at the same place, and cannot be
 * pinned or diffed: either would leave the configuration out. */
START_TEST(plan_loaded_unpinned_reads_the_same_and_pins_nothing)
{
    static const char *const bad[] = {
        "{\"format_version\": \"1.2\", \"configuration\": {\"a\": [1, tru]}}",
        "{\"format_version\": \"1.2\", \"configuration\": {\"a\": \"\\q\"}}",
        "{\"format_version\": \"1.2\", \"configuration\": {\"a\": 1,}}",
        "{\"format_version\": \"1.2\", \"configuration\": {\"a\": {\"b\": 1}",
    };
    char *doc;
    char pin[TFA_PIN_CHARS];
    tfa_plandiff_result *d = NULL;
    size_t len, i;
    tfa_run *a = NULL, *b = NULL;
    tfa_error ea, eb;

    ck_assert_ptr_nonnull(doc = tfa_test_read_file("fixtures/plans/grafana-clean.json", &len));
    ck_assert_tfa_ok(load_plan(doc, 0, &a, &ea), &ea);
    ck_assert_tfa_ok(load_plan(doc, 1, &b, &eb), &eb);
    ck_assert_int_eq(tfa_run_input(a, 0)->plan.has_configuration, 1);
    ck_assert_int_eq(tfa_run_input(b, 0)->plan.configuration_unread, 1);
    ck_assert_uint_eq(tfa_run_change_count(a, TFA_LIST_CHANGES),
                      tfa_run_change_count(b, TFA_LIST_CHANGES));
    ck_assert_int_eq(memcmp(&tfa_run_input(a, 0)->plan.counts, &tfa_run_input(b, 0)->plan.counts,
                            sizeof(tfa_counts)),
                     0);
    ck_assert_int_eq(tfa_plan_pin(a, pin), 0);
    ck_assert_int_eq(tfa_plan_pin(b, pin), TFA_EUSAGE);
    ck_assert_int_eq(tfa_plan_diff(a, a, &d), 0); /* nor diffed as if it had none */
    tfa_plandiff_result_free(d);
    ck_assert_int_eq(tfa_plan_diff(a, b, &d), TFA_EUSAGE);
    ck_assert_ptr_null(d);
    tfa_run_free(a);
    tfa_run_free(b);
    free(doc);
    for (i = 0; i < TFA_ARRAY_SIZE(bad); i++) {
        ck_assert_int_eq(load_plan(bad[i], 0, &a, &ea), TFA_EINPUT);
        ck_assert_int_eq(load_plan(bad[i], 1, &b, &eb), TFA_EINPUT);
        ck_assert_str_eq(ea.message, eb.message);
        ck_assert_uint_eq(ea.line, eb.line);
        ck_assert_uint_eq(ea.column, eb.column);
        tfa_run_free(a);
        tfa_run_free(b);
    }
}
END_TEST

START_TEST(plan_documents_are_summed_and_noise_skipped)
{
    const char *doc =
        "[command]/home/runner/work/_temp/terraform-bin show -json tfplan\n"
        "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\",\"resource_changes\":"
        "[{\"address\":\"a.b\",\"mode\":\"managed\",\"type\":\"a\",\"name\":\"b\","
        "\"change\":{\"actions\":[\"create\"]}}]}%0A\n"
        "::debug::Terraform exited with code 0.\n"
        "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.6\",\"resource_changes\":"
        "[{\"address\":\"a.c\",\"mode\":\"managed\",\"type\":\"a\",\"name\":\"c\","
        "\"change\":{\"actions\":[\"delete\"]}}]}\n";
    tfa_run *run = NULL;
    tfa_error err;
    const tfa_input *in;

    ck_assert_tfa_ok(load_text(doc, TFA_KIND_UNKNOWN, &run, &err), &err);
    in = tfa_run_input(run, 0);
    ck_assert_int_eq(in->kind, TFA_KIND_PLAN);
    ck_assert_uint_eq(in->documents, 2);
    ck_assert_int_eq(in->plan.counts.add, 1);
    ck_assert_int_eq(in->plan.counts.destroy, 1);
    ck_assert_str_eq(in->format_version, "1.2"); /* all agree */
    ck_assert_ptr_null(in->tool_version);        /* they differ */
    tfa_run_free(run);
}
END_TEST

START_TEST(plan_value_digest_ignores_layout_not_values)
{
    const char *a = "{\"resource_changes\":[{\"address\":\"x.y\",\"change\":{\"actions\":"
                    "[\"update\"],\"before\":{\"a\":1,\"b\":[\"p\",\"q\"]},\"after\":{\"a\":2,"
                    "\"b\":[\"p\",\"q\"]}}}]}";
    const char *b = "{\"resource_changes\": [ {\"change\": {\"after\": {\"b\": [\"p\", \"q\"], "
                    "\"a\": 2},\n \"before\": {\"b\": [\"p\",\"q\"], \"a\": 1}, \"actions\": "
                    "[\"update\"]}, \"address\": \"x.y\"} ] }";
    /* the same values spelled differently: escapes, number forms */
    const char *d = "{\"resource_changes\":[{\"address\":\"x.y\",\"change\":{\"actions\":"
                    "[\"update\"],\"before\":{\"a\":1.0,\"b\":[\"\\u0070\",\"q\"]},\"after\":"
                    "{\"\\u0061\":0.2e1,\"b\":[\"p\",\"q\"]}}}]}";
    const char *c = "{\"resource_changes\":[{\"address\":\"x.y\",\"change\":{\"actions\":"
                    "[\"update\"],\"before\":{\"a\":1,\"b\":[\"p\",\"q\"]},\"after\":{\"a\":3,"
                    "\"b\":[\"p\",\"q\"]}}}]}";
    tfa_run *ra = NULL, *rb = NULL, *rc = NULL, *rd = NULL;
    const tfa_change *ca, *cb, *cc, *cd;
    tfa_error err;

    ck_assert_tfa_ok(load_text(a, TFA_KIND_PLAN, &ra, &err), &err);
    ck_assert_tfa_ok(load_text(b, TFA_KIND_PLAN, &rb, &err), &err);
    ck_assert_tfa_ok(load_text(c, TFA_KIND_PLAN, &rc, &err), &err);
    ck_assert_tfa_ok(load_text(d, TFA_KIND_PLAN, &rd, &err), &err);
    ca = tfa_run_change(ra, TFA_LIST_CHANGES, 0);
    cb = tfa_run_change(rb, TFA_LIST_CHANGES, 0);
    cc = tfa_run_change(rc, TFA_LIST_CHANGES, 0);
    cd = tfa_run_change(rd, TFA_LIST_CHANGES, 0);
    ck_assert(ca->value_digest[0] == cd->value_digest[0]);
    ck_assert(ca->value_digest[1] == cd->value_digest[1]);
    ck_assert(ca->value_digest[0] == cb->value_digest[0]);
    ck_assert(ca->value_digest[1] == cb->value_digest[1]);
    ck_assert(ca->value_digest[0] != cc->value_digest[0]);
    ck_assert_uint_eq(cb->n_changed, 1);
    ck_assert_str_eq(cb->changed[0], "a");
    tfa_run_free(ra);
    tfa_run_free(rb);
    tfa_run_free(rc);
    tfa_run_free(rd);
}
END_TEST

START_TEST(plan_odd_keys_become_bracketed_paths)
{
    const char *doc = "{\"resource_changes\":[{\"address\":\"x.y\",\"change\":{\"actions\":"
                      "[\"update\"],\"before\":{\"tags\":{\"kubernetes.io/role\":\"a\","
                      "\"q\\\"x\":\"1\"}},\"after\":{\"tags\":{\"kubernetes.io/role\":\"b\","
                      "\"q\\u0022x\":\"2\"}}}}]}";
    tfa_run *run = NULL;
    tfa_error err;
    tfa_buf b;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    ck_assert_tfa_ok(load_text(doc, TFA_KIND_PLAN, &run, &err), &err);
    ck_assert_str_eq(changed(tfa_run_change(run, TFA_LIST_CHANGES, 0), &b),
                     "tags[\"kubernetes.io/role\"],tags[\"q\\\"x\"]");
    tfa_buf_release(&b);
    tfa_run_free(run);
}
END_TEST

START_TEST(plan_reader_survives_allocation_failures)
{
    size_t len;
    char *doc = tfa_test_read_file("fixtures/plans/actions-all.json", &len);
    long n, failures = 0;

    ck_assert_ptr_nonnull(doc);
    for (n = 1; n < 400; n += 3) {
        tfa_run *run = NULL;
        tfa_error err;
        int rc;
        tfa_error_init(&err);
        tfa_alloc_fail_after(n);
        rc = tfa_test_load_mem(&run, "plan.json", doc, len, TFA_KIND_UNKNOWN, &err);
        failures += tfa_alloc_failures() > 0;
        tfa_alloc_fail_after(0);
        ck_assert_msg(rc == 0 || rc == TFA_ENOMEM, "allocation %ld: status %d (%s)", n, rc,
                      err.message);
        if (rc == TFA_ENOMEM)
            ck_assert_str_eq(err.message, "out of memory");
        tfa_run_free(run);
    }
    ck_assert_int_gt(failures, 10);
    free(doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plan_json");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, plan_counts_every_action_class);
    tcase_add_test(tc, plan_keeps_addresses_moves_imports_and_deposed_objects);
    tcase_add_test(tc, plan_finds_changed_attribute_paths);
    tcase_add_test(tc, plan_collapses_changes_inside_sensitive_values);
    tcase_add_test(tc, plan_model_holds_no_sensitive_value);
    tcase_add_test(tc, plan_value_digest_ignores_layout_not_values);
    tcase_add_test(tc, plan_odd_keys_become_bracketed_paths);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, plan_versions_are_checked);
    tcase_add_test(tc, plan_rejects_documents_that_are_not_plans);
    tcase_add_test(tc, plan_refuses_values_its_action_contradicts);
    tcase_add_test(tc, plan_loaded_unpinned_reads_the_same_and_pins_nothing);
    tcase_add_test(tc, plan_documents_are_summed_and_noise_skipped);
    tcase_add_test(tc, plan_reader_survives_allocation_failures);
    suite_add_tcase(s, tc);
    return tfa_test_main(s);
}
