/*
 * help_topics.c - the text of `tfaudit help TOPIC` (see help_topics.h).
 * The grammar lines are the same as in the manual pages' EXAMPLES blocks;
 * tests/sh/manpages.sh checks that every grammar line of
 * tfaudit-checklist(5) appears here, so the two cannot drift apart.
 */
#include "util/compat.h"

#include "help_topics.h"

static const char checklist[] =
    "Checklist (tfaudit-checklist(5)): Markdown; ATX headings make sections\n"
    "(--section NAME), fenced code blocks are skipped, task-list lines are items:\n"
    "\n"
    "  - [ ] `drift-free` Nothing drifted: `drift.count == 0`\n"
    "  - [ ] `scope` Only Grafana: `none(changes where not type ~ \"grafana_*\")` (soft)\n"
    "  - [ ] `no-destroy` Nothing is destroyed: builtin\n"
    "  - [ ] `leadership` Leadership sign-off: manual\n"
    "\n"
    "item      = marker ws \"[\" (\" \" | \"x\" | \"X\") \"]\" ws \"`\" id \"`\" ws title tail\n"
    "marker    = (\"-\" | \"*\" | \"+\" | digits (\".\" | \")\")), after any indentation\n"
    "id        = (letter | digit) { letter | digit | \"-\" | \"_\" | \".\" }\n"
    "title     = text up to the first \":\" (outside code spans) that starts a valid tail\n"
    "tail      = \":\" ws ( \"`\" expression \"`\" | \"manual\" | \"builtin\" ) [ ws level ]\n"
    "          | [ level ]                    (a built-in id alone; see BUILT-INS)\n"
    "level     = \"(hard)\" | \"(soft)\" | \"(advisory)\"\n"
    "\n"
    "or_expr  = and_expr { \"or\" and_expr }\n"
    "and_expr = not_expr { \"and\" not_expr }\n"
    "not_expr = \"not\" not_expr | cmp\n"
    "cmp      = operand [ op operand ]\n"
    "op       = \"==\" | \"!=\" | \"<\" | \"<=\" | \">\" | \">=\" | \"~\" | \"!~\" | \"in\" | "
    "\"not\" "
    "\"in\"\n"
    "operand  = NUMBER | STRING | \"true\" | \"false\" | \"null\"\n"
    "         | \"[\" [ literal { \",\" literal } ] \"]\"\n"
    "         | NAME\n"
    "         | \"(\" or_expr \")\"\n"
    "         | (\"count\" | \"any\" | \"all\" | \"none\") \"(\" COLLECTION [ \"where\" or_expr ] "
    "\")\"\n"
    "literal  = NUMBER | STRING | \"true\" | \"false\" | \"null\"\n"
    "NUMBER   = [ \"-\" ] digits [ \".\" digits ] [ (\"e\" | \"E\") [ \"+\" | \"-\" ] digits ]\n"
    "STRING   = \" characters \", with escapes \\\" \\\\ \\/ \\n \\t\n"
    "NAME     = a fact (dotted), or inside \"where\" a field of the element\n"
    "\n"
    "Levels: hard (default; blocks, never waivable), soft (blocks unless waived),\n"
    "advisory (never blocks). ~ and !~ match glob patterns (* ? \\); < > order\n"
    "numbers, or strings naturally (\"1.9.10\" > \"1.9.2\"); in is list membership\n"
    "or substring. Built-ins: drift-free, no-destroy, apply-matches-plan,\n"
    "plan-pinned, apply-clean. 'tfaudit facts' lists every fact and collection.\n";

static const char waivers[] =
    "Waivers (tfaudit-waivers(5)), --waivers FILE: Markdown (the first table with\n"
    "these columns) or JSON ({\"waivers\": [...]} or a bare list):\n"
    "\n"
    "  | item  | owner | expires    | reason                            |\n"
    "  |-------|-------|------------|-----------------------------------|\n"
    "  | scope | alice | 2025-07-01 | dashboards move with their folder |\n"
    "\n"
    "item (or id), owner, expires (or expiry, YYYY-MM-DD, valid through that UTC\n"
    "day) and reason are required. Hard items are never waivable; an expired\n"
    "waiver does not apply; every item must exist in the checklist.\n";

static const char known_drift[] =
    "Known drift (tfaudit-known-drift(5)), audit --known-drift FILE: Markdown or\n"
    "JSON ({\"known_drift\": [...]} or a bare list), as waivers:\n"
    "\n"
    "  | address             | attributes    | owner | expires    | reason             |\n"
    "  |---------------------|---------------|-------|------------|--------------------|\n"
    "  | aws_ecs_service.api | desired_count | sre   | 2026-12-31 | autoscaler owns it |\n"
    "\n"
    "address (or resource) is a glob (* ?); attributes (optional) a comma-separated\n"
    "list of attribute path globs, each covering the paths below it; owner, expires\n"
    "and reason are required. Accepted drift is removed before the checklist runs;\n"
    "expired entries accept nothing and stale ones are reported.\n";

static const char manifest[] =
    "Audit manifest (tfaudit-manifest(5)), audit --manifest audit.json:\n"
    "\n"
    "  {\"checklist\": \"checklists/nightly.md\", \"waivers\": \"waivers.md\",\n"
    "   \"known_drift\": \"known-drift.md\", \"expect\": \"no-changes\",\n"
    "   \"workspaces\": [{\"name\": \"prod-api\", \"inputs\": [\"runs/prod-api/plan.json\"],\n"
    "                   \"checklist\": \"...\", \"waivers\": \"...\", \"known_drift\": \"...\",\n"
    "                   \"sign_offs\": [\"leadership=alice:ok\"], \"expect\": \"no-changes\"}]}\n"
    "\n"
    "Only workspaces is required; each workspace needs name and inputs. Relative\n"
    "paths are relative to the manifest; every local path must exist; unknown keys\n"
    "are errors.\n";

static const char config[] =
    "Configuration (tfaudit-config(5)): .tfaudit.yml in the current directory or a\n"
    "parent up to the git repository root, or --config FILE / $TFAUDIT_CONFIG.\n"
    "\n"
    "  defaults:                  # every command that has the option\n"
    "    checklist: checklists/release.md\n"
    "  gate:                      # one command; \"ledger\" covers ledger SUBCOMMAND\n"
    "    notify: ${TFAUDIT_WEBHOOK}\n"
    "  workspaces:\n"
    "    prod:                    # --workspace prod (or TFAUDIT_WORKSPACE)\n"
    "      defaults: {waivers: waivers/prod.md}\n"
    "\n"
    "Keys are long option names. ${VAR} must be set (${VAR:-default} otherwise);\n"
    "$$ is a $. Precedence: --flag > TFAUDIT_NAME > file > built-in default.\n"
    "'tfaudit config show COMMAND [ARGS]' shows each value and where it came from.\n";

static const struct {
    const char *name;
    const char *text;
} topics[] = {
    {"checklist", checklist}, {"waivers", waivers}, {"known-drift", known_drift},
    {"manifest", manifest},   {"config", config},
};

int tfa_help_topic(const char *name, FILE *out)
{
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(topics); i++)
        if (strcmp(topics[i].name, name) == 0) {
            if (out)
                fputs(topics[i].text, out);
            return 1;
        }
    return 0;
}
