/*
 * cmd_diff.c - `tfaudit diff PLAN_A PLAN_B`: how two plans' change sets
 * differ (checklist/plandiff.h). Exit 0 same, 1 different, 2 error.
 */
#include "util/compat.h"

#include "cli_inputs.h"
#include "commands.h"
#include "exit.h"
#include "msg.h"
#include "pin.h"
#include "plandiff.h"
#include "render.h"
#include "util/jbuild.h"

typedef struct diff_opts {
    const char *format;
    tfa_cli_net net;
} diff_opts;

static const tfa_opt options[] = {
    {"format", 'f', TFA_OPT_CHOICE, offsetof(diff_opts, format), "FORMAT",
     "output format: text (default) or json", "text|json"},
    TFA_CLI_NET_OPTIONS(diff_opts, net),
};

const tfa_cmd_spec tfa_cmd_diff_spec = {
    "diff",
    "[options] PLAN_A PLAN_B",
    "Show how two plans' change sets differ (did the plan change since review?)",
    "Resource changes are matched by address: added, removed, a different action,\n"
    "another provider, different attributes changing, or the same attributes\n"
    "changing to different values (values themselves are never shown). Pure\n"
    "no-ops are ignored. Beyond them, everything the pin covers: the configuration\n"
    "(provisioners, provider configuration, modules), variables (names, values by\n"
    "digest) and output changes.\n"
    "Exit status: 0 same changes, 1 different, 2 error.\n",
    options,
    TFA_ARRAY_SIZE(options),
    2,
    2};

static void describe(FILE *out, const tfa_plandiff_item *it)
{
    const tfa_change *c = it->b ? it->b : it->a;
    tfa_render_printf(out, "  %-10s %s", tfa_plandiff_kind_name(it->kind), c->res.address);
    if (c->res.deposed)
        tfa_render_printf(out, " (deposed %s)", c->res.deposed);
    switch (it->kind) {
    case TFA_PLANDIFF_ADDED:
        tfa_render_printf(out, ": %s only in the second plan\n", tfa_action_name(it->b->action));
        break;
    case TFA_PLANDIFF_REMOVED:
        tfa_render_printf(out, ": %s only in the first plan\n", tfa_action_name(it->a->action));
        break;
    case TFA_PLANDIFF_ACTION:
        tfa_render_printf(out, ": %s, now %s\n", tfa_action_name(it->a->action),
                          tfa_action_name(it->b->action));
        break;
    case TFA_PLANDIFF_PROVIDER:
        tfa_render_printf(out, ": provider %s, now %s\n",
                          it->a->res.provider ? it->a->res.provider : "(none)",
                          it->b->res.provider ? it->b->res.provider : "(none)");
        break;
    case TFA_PLANDIFF_PATHS:
        fputs(": was ", out);
        tfa_render_paths(out, it->a);
        fputs("; now ", out);
        tfa_render_paths(out, it->b);
        fputc('\n', out);
        break;
    default:
        fputs(": same attributes, different values\n", out);
        break;
    }
}

/* "  variable   grafana_auth: value differs" */
static void describe_other(FILE *out, const tfa_plandiff_other *o)
{
    static const struct {
        const char *how, *text;
    } texts[] = {{"added", "only in the second plan"},
                 {"removed", "only in the first plan"},
                 {"action", "a different action"},
                 {"value", "value differs"},
                 {"differs", "differs (provisioners, providers, modules or expressions)"}};
    const char *text = o->how;
    size_t i;

    for (i = 0; i < TFA_ARRAY_SIZE(texts); i++)
        if (strcmp(texts[i].how, o->how) == 0)
            text = texts[i].text;
    if (o->name)
        tfa_render_printf(out, "  %-10s %s: %s\n", o->what, o->name, text);
    else
        tfa_render_printf(out, "  %-10s %s\n", o->what, text);
}

static json_t *others_json(const tfa_plandiff_result *d)
{
    json_t *arr = json_array();
    size_t i;
    int bad = 0;
    for (i = 0; i < d->n_others; i++) {
        const tfa_plandiff_other *o = &d->others[i];
        tfa_jbuild_append(arr,
                          json_pack("{s:s, s:o, s:s}", "what", o->what, "name",
                                    o->name ? json_string(o->name) : json_null(), "how", o->how),
                          &bad);
    }
    return tfa_jbuild_done(arr, bad);
}

static json_t *to_json(const tfa_plandiff_result *d, const char *pa, const char *pb)
{
    json_t *items = json_array();
    size_t i;
    int bad = 0;
    for (i = 0; i < d->n_items; i++) {
        const tfa_plandiff_item *it = &d->items[i];
        const tfa_change *c = it->b ? it->b : it->a;
        tfa_jbuild_append(
            items,
            json_pack("{s:s, s:s, s:o, s:o}", "address", c->res.address, "kind",
                      tfa_plandiff_kind_name(it->kind), "before",
                      it->a ? json_string(tfa_action_name(it->a->action)) : json_null(), "after",
                      it->b ? json_string(tfa_action_name(it->b->action)) : json_null()),
            &bad);
    }
    /* "o" refuses NULL (a list that could not be made whole): no document */
    return json_pack("{s:b, s:s, s:s, s:o, s:o}", "same",
                     d->n_items == 0 && d->n_others == 0 && strcmp(pa, pb) == 0, "pin_a", pa,
                     "pin_b", pb, "differences", tfa_jbuild_done(items, bad), "other_differences",
                     others_json(d));
}

/* Load one plan into its own run. */
static int load_one(tfa_run **run, const char *path, const tfa_cli_net *net)
{
    tfa_strlist one = {0};
    int rc;
    tfa_strlist_push(&one, path);
    rc = tfa_cli_load_inputs_net(run, &one, "plan", "diff", net);
    tfa_strlist_release(&one);
    return rc;
}

int tfa_cmd_diff(int argc, char **argv)
{
    diff_opts o = {"text", {NULL, 0}};
    tfa_strlist args = {0};
    tfa_run *a = NULL, *b = NULL;
    tfa_plandiff_result *d = NULL;
    char pa[TFA_PIN_CHARS], pb[TFA_PIN_CHARS];
    size_t i;
    int rc = tfa_opts_parse(&tfa_cmd_diff_spec, argc, argv, &o, &args);

    if (rc || (rc = load_one(&a, args.items[0], &o.net)) != 0 ||
        (rc = load_one(&b, args.items[1], &o.net)) != 0)
        goto done;
    if (tfa_plan_diff(a, b, &d) != 0 || tfa_plan_pin(a, pa) != 0 || tfa_plan_pin(b, pb) != 0) {
        rc = tfa_msg_error("out of memory");
        goto done;
    }
    if (strcmp(o.format, "json") == 0) {
        rc = tfa_render_json(to_json(d, pa, pb));
    } else if (d->n_items == 0 && d->n_others == 0) {
        tfa_render_printf(stdout, "%s\n",
                          strcmp(pa, pb) == 0 ? "Same changes (same pin)."
                                              : "Same changes, but the pins differ: the format or "
                                                "Terraform versions differ.");
    } else {
        if (d->n_items)
            tfa_render_printf(stdout, "The plans differ in %zu resource%s:\n", d->n_items,
                              d->n_items == 1 ? "" : "s");
        for (i = 0; i < d->n_items; i++)
            describe(stdout, &d->items[i]);
        if (d->n_others)
            tfa_render_printf(stdout, "The plans differ beyond their resource changes:\n");
        for (i = 0; i < d->n_others; i++)
            describe_other(stdout, &d->others[i]);
    }
    if (rc == 0 && (rc = tfa_render_finish()) == 0)
        rc = d->n_items == 0 && d->n_others == 0 && strcmp(pa, pb) == 0 ? TFA_EXIT_GO
                                                                        : TFA_EXIT_NOGO;
done:
    tfa_plandiff_result_free(d);
    tfa_run_free(a);
    tfa_run_free(b);
    tfa_strlist_release(&args);
    return rc;
}
