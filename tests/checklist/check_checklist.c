/*
 * check_checklist.c - the Markdown checklist loader: what an item is, and
 * every error caught at load with its exact line, column and wording.
 */
#include "util/compat.h"

#include "checklist.h"
#include "testsupport.h"
#include "util/buf.h"

typedef struct load_case {
    const char *text;
    int status;
    const char *error; /* tfa_error_format of the error */
} load_case;

#define ITEM(expr) "# T\n\n- [ ] `a` Title: `" expr "`\n"

/* In ITEM(), the code span opens at line 3, column 18; the expression starts at 19. */
#define FENCE_REFUSED                                                                              \
    "a code fence on a list marker's line, in a quote, indented unlike the text of its list "      \
    "item, or after a line that may continue an item: start it at column 1 or at its item's "      \
    "text column, after a blank line"

static const load_case errors[] = {
    {ITEM("drift.cont == 0"), TFA_EINPUT,
     "c.md:3:19: unknown fact 'drift.cont' (did you mean 'drift.count'?)"},
    {ITEM("plan.destroyed == 0"), TFA_EINPUT,
     "c.md:3:19: unknown fact 'plan.destroyed' (did you mean 'plan.destroy'?)"},
    {ITEM("apply.eror == 0"), TFA_EINPUT,
     "c.md:3:19: unknown fact 'apply.eror' (did you mean 'apply.errors'?)"},
    {ITEM("zzz.qqq == 0"), TFA_EINPUT, "c.md:3:19: unknown fact 'zzz.qqq' (see 'tfaudit facts')"},
    {ITEM("count(changes where adress == \"x\") == 0"), TFA_EINPUT,
     "c.md:3:39: unknown field 'adress' of changes (did you mean 'address'?)"},
    {ITEM("any(applied where statsu == \"errored\")"), TFA_EINPUT,
     "c.md:3:37: unknown field 'statsu' of applied (did you mean 'status'?)"},
    {ITEM("action == \"delete\""), TFA_EINPUT,
     "c.md:3:19: 'action' is a field of an element: use it inside 'where'"},
    {ITEM("changes == 0"), TFA_EINPUT,
     "c.md:3:19: 'changes' is a collection: query it with count(changes where ...), any, all or "
     "none"},
    {ITEM("count(chnges) == 0"), TFA_EINPUT,
     "c.md:3:25: unknown collection 'chnges' (did you mean 'changes'?)"},
    {ITEM("count(changes where any(drift)) == 0"), TFA_EINPUT,
     "c.md:3:39: collection queries do not nest"},
    {ITEM("drift.count = 0"), TFA_EINPUT, "c.md:3:31: '=' is not an operator; use '=='"},
    {ITEM("drift.count == 0 && plan.add == 0"), TFA_EINPUT, "c.md:3:36: use 'and' instead of '&&'"},
    {ITEM("drift.count == 0 || plan.add == 0"), TFA_EINPUT, "c.md:3:36: use 'or' instead of '||'"},
    {ITEM("!plan.errored"), TFA_EINPUT, "c.md:3:19: use 'not' instead of '!'"},
    {ITEM("plan.tool == 'terraform'"), TFA_EINPUT, "c.md:3:32: strings use double quotes"},
    {ITEM("plan.tool == \"terraform"), TFA_EINPUT, "c.md:3:32: unterminated string"},
    {ITEM("plan.tool == \"a\\qb\""), TFA_EINPUT, "c.md:3:34: unknown escape '\\q' in a string"},
    {ITEM("plan.add == 1.2.3"), TFA_EINPUT, "c.md:3:31: invalid number '1.2.'"},
    {ITEM("plan.add == 1 $"), TFA_EINPUT, "c.md:3:33: unexpected character '$'"},
    {ITEM("plan.tool < 3"), TFA_EINPUT,
     "c.md:3:29: '<' orders two numbers or two strings, not a string and a number"},
    {ITEM("plan.add == \"2\""), TFA_EINPUT, "c.md:3:28: cannot compare a number with a string"},
    {ITEM("plan.add ~ \"2*\""), TFA_EINPUT,
     "c.md:3:28: '~' matches a string against a pattern, not a number"},
    {ITEM("plan.tool ~ 3"), TFA_EINPUT,
     "c.md:3:31: '~' needs a pattern string or a list of patterns, not a number"},
    {ITEM("plan.tool in 3"), TFA_EINPUT,
     "c.md:3:32: 'in' needs a list or a string on its right, not a number"},
    {ITEM("plan.add and plan.errored"), TFA_EINPUT,
     "c.md:3:19: 'and' needs a condition, not a number"},
    {ITEM("plan.errored or plan.tool"), TFA_EINPUT,
     "c.md:3:35: 'or' needs a condition, not a string"},
    {ITEM("not plan.add"), TFA_EINPUT, "c.md:3:23: 'not' needs a condition, not a number"},
    {ITEM("any(changes where module)"), TFA_EINPUT,
     "c.md:3:37: 'where' needs a condition, not a string"},
    {ITEM("plan.add"), TFA_EINPUT,
     "c.md:3:19: the expression is a number, not a condition (compare it: '== 0')"},
    {ITEM("count(changes)"), TFA_EINPUT,
     "c.md:3:19: the expression is a number, not a condition (compare it: '== 0')"},
    {ITEM("plan.add == 1 == 2"), TFA_EINPUT,
     "c.md:3:33: comparisons do not chain; combine them with 'and'"},
    {ITEM("(plan.add == 1"), TFA_EINPUT, "c.md:3:19: unclosed '('"},
    {ITEM("count(changes where action == \"x\" == 0"), TFA_EINPUT,
     "c.md:3:53: comparisons do not chain; combine them with 'and'"},
    {ITEM("count(changes where true"), TFA_EINPUT, "c.md:3:19: unclosed 'count('"},
    {ITEM("plan.add == 1 plan.add"), TFA_EINPUT, "c.md:3:33: unexpected 'plan.add'"},
    {ITEM("plan.add =="), TFA_EINPUT, "c.md:3:30: unexpected end of expression"},
    {ITEM("plan.tool not plan.add"), TFA_EINPUT, "c.md:3:33: expected 'in' after 'not'"},
    {ITEM("plan.tool in [\"a\", plan.tool]"), TFA_EINPUT,
     "c.md:3:38: a list holds numbers, strings, true, false or null"},
    {ITEM("plan.tool in [\"a\" \"b\"]"), TFA_EINPUT, "c.md:3:37: expected ',' or ']' in a list"},
    {ITEM(" "), TFA_EINPUT, "c.md:3:18: empty expression"},
    /* typed values (issue 14, observation 2): a literal outside the
     * enumeration is refused where it stands */
    {ITEM("none(changes where action == \"destroy\")"), TFA_EINPUT,
     "c.md:3:48: \"destroy\" is not an action (did you mean \"delete\"?)"},
    {ITEM("any(changes where action in [\"delete\", \"destroyed\"])"), TFA_EINPUT,
     "c.md:3:58: \"destroyed\" is not an action (did you mean \"delete\"?)"},
    {ITEM("any(diagnostics where severity == \"fatal\")"), TFA_EINPUT,
     "c.md:3:53: \"fatal\" is not a severity (error, warning, info)"},
    {ITEM("apply.operation == \"aply\""), TFA_EINPUT,
     "c.md:3:38: \"aply\" is not an operation (did you mean \"apply\"?)"},
    {ITEM("any(applied where status != \"failed\")"), TFA_EINPUT,
     "c.md:3:47: \"failed\" is not an apply status (did you mean \"errored\"?)"},
    {ITEM("any(changes where action < \"delete\")"), TFA_EINPUT,
     "c.md:3:44: '<' does not order actions; compare with '==' or 'in'"},
    {ITEM("any(changes where action ~ \"destr*\")"), TFA_EINPUT,
     "c.md:3:46: \"destr*\" matches no action (no-op, create, read, update, delete, replace, "
     "forget, unknown)"},
    /* every literal meeting an enumeration, however it meets it: a pattern
     * in a list, a substring, the value matched against the field (a typo
     * there made `none(...)` true on any plan) */
    {ITEM("none(changes where action ~ [\"del*\", \"destr*\"])"), TFA_EINPUT,
     "c.md:3:56: \"destr*\" matches no action (no-op, create, read, update, delete, replace, "
     "forget, unknown)"},
    {ITEM("none(changes where \"destroy\" in action)"), TFA_EINPUT,
     "c.md:3:38: \"destroy\" is part of no action (no-op, create, read, update, delete, "
     "replace, forget, unknown)"},
    {ITEM("none(changes where \"destory\" ~ action)"), TFA_EINPUT,
     "c.md:3:38: \"destory\" is matched by no action (no-op, create, read, update, delete, "
     "replace, forget, unknown)"},
    {ITEM("plan.tool !~ [\"terra*\", \"tofu\"]"), TFA_EINPUT,
     "c.md:3:43: \"tofu\" matches no tool (terraform, opentofu)"},
    {ITEM("plan.terraform_version >= \"latest\""), TFA_EINPUT,
     "c.md:3:45: \"latest\" is not a version (write it like \"1.9.0\")"},
    /* what a renderer and a line reader could read apart is refused at its
     * line: a fence in a comment (an item after it was skipped), on a list
     * marker's line or indented unlike its item's text, a heading in a
     * comment (it moved the items after it out of their section), an item
     * in a quote, a lone carriage return */
    {"# T\n- [ ] `a` A: manual\n<!--\n```\n-->\n- [ ] `b` B: builtin no-destroy\n```\n", TFA_EINPUT,
     "c.md:4:1: a code fence inside raw HTML (a comment or an HTML block above): a renderer "
     "shows it as HTML; end the HTML before the fence"},
    {"# T\n- [ ] `a` A: manual\n<details>\n```\n\n- [ ] `b` B: manual\n", TFA_EINPUT,
     "c.md:4:1: a code fence inside raw HTML (a comment or an HTML block above): a renderer "
     "shows it as HTML; end the HTML before the fence"},
    {"# T\n- ```\n  x\n  ```\n- [ ] `b` B: manual\n", TFA_EINPUT, "c.md:2:3: " FENCE_REFUSED},
    /* a lazy line may have kept the item open (a renderer then ends the
     * fence at "- [ ] `b`"), or not (a top-level fence runs on) */
    {"# T\n- [ ] `a` A: manual\nlazy\n  ```\n  x\n- [ ] `b` B: manual\n", TFA_EINPUT,
     "c.md:4:3: " FENCE_REFUSED},
    /* four spaces past its item's text: indented code, not a fence */
    {"# T\n- [ ] `a` A: manual\n\n      ```\n- [ ] `b` B: manual\n", TFA_EINPUT,
     "c.md:4:7: " FENCE_REFUSED},
    {"# T\n## Before\n- [ ] `a` A: manual\n<!--\n## After\n-->\n- [ ] `b` B: manual\n", TFA_EINPUT,
     "c.md:5:1: a heading inside raw HTML (a comment or an HTML block above): a renderer shows "
     "no heading here; end the HTML before it"},
    {"# T\n- [ ] `a` A: manual\n- ## After\n- [ ] `b` B: manual\n", TFA_EINPUT,
     "c.md:3:3: a heading in a list item or a quote starts no section; start it at column 1"},
    {"# T\n- [ ] `a` A: manual\n> - [ ] `b` B: manual\n", TFA_EINPUT,
     "c.md:3:5: a checklist item in a block quote is not read; take it out of the quote"},
    {"# T\n- [ ] `a` A: manual\nprose\r- [ ] `b` B: manual\n", TFA_EINPUT,
     "c.md:3:6: a carriage return that ends no line (a Markdown renderer starts a new line "
     "there): save the file with LF or CRLF line ends"},
    /* an underlined heading moved the items under it into the '#' section
     * above it: the "Before apply" gate skipped a second "Before apply" */
    {"# T\n## Before apply\n- [ ] `a` A: manual\n\n## After apply\n- [ ] `b` B: manual\n\n"
     "Before apply\n------------\n- [ ] `c` C: manual\n",
     TFA_EINPUT,
     "c.md:9:1: an underlined heading: tfaudit reads '#' headings only; write it as '# TEXT' or "
     "'## TEXT' (or put a blank line above a rule)"},
    {"- [ ] `a` A: manual\n- [ ] `b` B: manual\n- [ ] `a` C: manual\n", TFA_EINPUT,
     "c.md:3:8: duplicate item id 'a' (first on line 1)"},
    {"# T\n- [ ] Tell the on-call team\n", TFA_EINPUT,
     "c.md:2:7: expected the item id in backticks after the checkbox"},
    {"- [ ] `a b` T: manual\n", TFA_EINPUT,
     "c.md:1:8: invalid item id 'a b' (letters, digits, '-', '_' and '.')"},
    {"- [ ] `a` Title without a condition\n", TFA_EINPUT,
     "c.md:1:36: expected ': `expression`', ': manual' or ': builtin' after the title"},
    {"- [ ] `a` T: manual (blocking)\n", TFA_EINPUT,
     "c.md:1:22: unknown level 'blocking' (hard, soft or advisory)"},
    {"- [ ] `a` T: `plan.add == 1` (soft\n", TFA_EINPUT,
     "c.md:1:30: unclosed '(' after the expression"},
    {"- [ ] `a` T: `plan.add == 1` extra\n", TFA_EINPUT,
     "c.md:1:30: unexpected text after the expression"},
    {"- [ ] `a` T: manual (soft) extra\n", TFA_EINPUT,
     "c.md:1:28: unexpected text after the word manual"},
    {"- [ ] `a`: manual\n", TFA_EINPUT, "c.md:1:10: item 'a' has no title"},
    {"- [ ] `a T: manual\n", TFA_EINPUT, "c.md:1:7: unterminated code span"},
    {"- [ ] `a` T: `plan.add == 1\n", TFA_EINPUT, "c.md:1:14: unterminated code span"},
    {"# Title\n\nJust prose, no items.\n", TFA_EINPUT,
     "c.md: no checklist items (an item is a line like - [ ] `id` Title: `expression`)"},
    {"", TFA_EINPUT,
     "c.md: no checklist items (an item is a line like - [ ] `id` Title: `expression`)"},
};

START_TEST(load_reports_error_with_position)
{
    const load_case *c = &errors[_i];
    tfa_checklist *cl = NULL;
    char msg[2048];
    tfa_error err;
    int rc;

    tfa_error_init(&err);
    rc = tfa_checklist_parse(&cl, "c.md", c->text, strlen(c->text), &err);
    tfa_error_format(&err, msg, sizeof(msg));
    ck_assert_msg(rc == c->status, "case %d: status %d, want %d (%s)", _i, rc, c->status, msg);
    ck_assert_ptr_null(cl);
    ck_assert_msg(strcmp(msg, c->error) == 0, "case %d:\n got  %s\n want %s", _i, msg, c->error);
}
END_TEST

START_TEST(load_limits_expression_nesting)
{
    tfa_checklist *cl = NULL;
    tfa_buf b;
    tfa_error err;
    int i;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    tfa_buf_puts(&b, "- [ ] `deep` Deep: `");
    for (i = 0; i < 70; i++)
        tfa_buf_putc(&b, '(');
    tfa_buf_puts(&b, "true");
    for (i = 0; i < 70; i++)
        tfa_buf_putc(&b, ')');
    tfa_buf_puts(&b, "`\n");
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_checklist_parse(&cl, "c.md", b.ptr, b.len, &err), TFA_ELIMIT);
    ck_assert_str_eq(err.message, "expression nested deeper than 64 levels");
    ck_assert_uint_eq(err.column, 21 + 64); /* the 65th '(' */
    tfa_buf_release(&b);
}
END_TEST

/* The item limit is TFA_ELIMIT with its own message; an error already in
 * `err` stays as it was, status and message (the first error wins). */
START_TEST(parse_item_limit_keeps_the_first_error)
{
    tfa_checklist *cl = NULL;
    tfa_buf b;
    tfa_error err;
    int i;

    tfa_buf_init(&b, TFA_BUF_NO_MAX);
    for (i = 0; i <= TFA_LIMIT_CHECKLIST_ITEMS; i++)
        tfa_buf_printf(&b, "- [ ] `i%d` Item %d: manual\n", i, i);
    ck_assert_int_eq(tfa_buf_status(&b), 0);
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_checklist_parse(&cl, "c.md", b.ptr, b.len, &err), TFA_ELIMIT);
    ck_assert_int_eq(err.status, TFA_ELIMIT);
    ck_assert_str_eq(err.message, "more than 4096 items");
    ck_assert_uint_eq(err.line, TFA_LIMIT_CHECKLIST_ITEMS + 1);

    tfa_error_init(&err);
    tfa_error_set(&err, TFA_ENOTFOUND, "the first error");
    ck_assert_int_ne(tfa_checklist_parse(&cl, "c.md", b.ptr, b.len, &err), 0);
    ck_assert_int_eq(err.status, TFA_ENOTFOUND);
    ck_assert_str_eq(err.message, "the first error");
    tfa_buf_release(&b);
}
END_TEST

START_TEST(load_rejects_nul_bytes)
{
    tfa_checklist *cl = NULL;
    tfa_error err;
    tfa_error_init(&err);
    ck_assert_int_eq(tfa_checklist_parse(&cl, "c.md", "- [ ] `a` A: manual\n\0", 21, &err),
                     TFA_EINPUT);
    ck_assert_str_eq(err.message, "not a text file (NUL byte)");
}
END_TEST

static const char *const good =
    "# Telemetry apply\r\n"
    "\r\n"
    "Prose is kept; `code` in prose is fine.\r\n"
    "\r\n"
    "```markdown\r\n"
    "- [ ] this is an example, not an item\r\n"
    "```\r\n"
    "## Before apply\r\n"
    "* [x] `drift-free` Plan shows **zero** drift: `drift.count == 0`\r\n"
    "- [ ] `scope` Only `grafana_*` changes: ``count(changes where not type ~ \"grafana_*\") == "
    "0`` "
    "(soft)\r\n"
    "### Sign-off ###\r\n"
    "  1. [X] `leadership` Leadership: go/no-go sign-off: manual\r\n"
    "## After apply\r\n"
    "- [ ] `v1.9` Terraform 1.9.x: `plan.terraform_version ~ \"1.9.*\"`   ( advisory )  \r\n"
    "- [ ]  `ratio` Ratio: `plan.add <= 10 and (plan.destroy == 0 or plan.add >= plan.destroy)` "
    "(hard)";

START_TEST(load_reads_items_sections_and_levels)
{
    tfa_checklist *cl = NULL;
    const tfa_item *it;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_checklist_parse(&cl, "good.md", good, strlen(good), &err), &err);
    ck_assert_str_eq(tfa_checklist_title(cl), "Telemetry apply");
    ck_assert_uint_eq(tfa_checklist_item_count(cl), 5);

    it = tfa_checklist_item(cl, 0);
    ck_assert_str_eq(it->id, "drift-free");
    ck_assert_str_eq(it->title, "Plan shows **zero** drift");
    ck_assert_str_eq(it->section, "Before apply");
    ck_assert_str_eq(it->expr_text, "drift.count == 0");
    ck_assert_int_eq(it->level, TFA_LEVEL_HARD);
    ck_assert_int_eq(it->checked, 1);
    ck_assert_int_eq(it->manual, 0);
    ck_assert_uint_eq(it->line, 9);

    it = tfa_checklist_item(cl, 1);
    ck_assert_str_eq(it->title, "Only `grafana_*` changes");
    ck_assert_str_eq(it->expr_text, "count(changes where not type ~ \"grafana_*\") == 0");
    ck_assert_int_eq(it->level, TFA_LEVEL_SOFT);
    ck_assert_int_eq(it->checked, 0);

    it = tfa_checklist_item(cl, 2);
    ck_assert_str_eq(it->id, "leadership");
    ck_assert_str_eq(it->title, "Leadership: go/no-go sign-off");
    ck_assert_str_eq(it->section, "Before apply / Sign-off");
    ck_assert_int_eq(it->manual, 1);
    ck_assert_ptr_null(it->expr);
    ck_assert_int_eq(it->checked, 1);

    it = tfa_checklist_item(cl, 3);
    ck_assert_str_eq(it->id, "v1.9");
    ck_assert_str_eq(it->section, "After apply");
    ck_assert_int_eq(it->level, TFA_LEVEL_ADVISORY);

    it = tfa_checklist_item(cl, 4);
    ck_assert_str_eq(it->id, "ratio");
    ck_assert_int_eq(it->level, TFA_LEVEL_HARD);
    ck_assert_uint_eq(it->line, 15);

    ck_assert_ptr_eq(tfa_checklist_find(cl, "scope"), tfa_checklist_item(cl, 1));
    ck_assert_ptr_null(tfa_checklist_find(cl, "nope"));
    ck_assert_str_eq(tfa_checklist_suggest(cl, "leadershp"), "leadership");
    ck_assert_ptr_null(tfa_checklist_suggest(cl, "zzzzzzzz"));
    ck_assert(tfa_checklist_in_section(cl, 2, "before APPLY"));
    ck_assert(tfa_checklist_in_section(cl, 2, "sign-off"));
    ck_assert(!tfa_checklist_in_section(cl, 3, "before apply"));
    ck_assert_str_eq(tfa_checklist_find_section(cl, "after apply"), "After apply");
    ck_assert_ptr_null(tfa_checklist_find_section(cl, "During apply"));
    tfa_checklist_free(cl);
}
END_TEST

/* `text` parses, and its items are those of `ids` (space-separated), in
 * that order. */
static void expect_ids(const char *text, const char *ids)
{
    tfa_checklist *cl = NULL;
    tfa_error err;
    size_t i = 0, n;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_checklist_parse(&cl, "c.md", text, strlen(text), &err), &err);
    for (; *ids; ids += n + (ids[n] == ' '), i++) {
        n = strcspn(ids, " ");
        ck_assert_uint_lt(i, tfa_checklist_item_count(cl));
        ck_assert_uint_eq(strlen(tfa_checklist_item(cl, i)->id), n);
        ck_assert(strncmp(tfa_checklist_item(cl, i)->id, ids, n) == 0);
    }
    ck_assert_uint_eq(tfa_checklist_item_count(cl), i);
    tfa_checklist_free(cl);
}

/* Code is what a CommonMark renderer shows as code: a line with an info
 * string does not close a fence (before, it did, and the renderer's own
 * closing fence then opened one over the rest of the file); a backtick run
 * followed by a backtick opens none; a comment without a fence or heading
 * is read through, and an item in it is still evaluated. */
START_TEST(load_reads_fences_as_a_renderer_does)
{
    static const char text[] = "# T\n"
                               "```\n"
                               "- [ ] `ex1` Example: `false`\n"
                               "```text\n"
                               "- [ ] `ex2` Example: `false`\n"
                               "```\n"
                               "- [ ] `a` A: manual\n"
                               "``` not`a`fence\n"
                               "- [ ] `b` B: manual\n"
                               "<!-- hidden, still read:\n"
                               "- [ ] `c` C: manual\n"
                               "-->\n"
                               "~~~~\n"
                               "~~~\n"
                               "   ~~~~~  \n"
                               "- [ ] `d` D: manual\n"
                               "\n"
                               "---\n"
                               "- [ ] `e` E: manual\n";
    expect_ids(text, "a b c d e");
}
END_TEST

/* A fence in a list item is code until its closing fence or the first line
 * indented less than the item's text, where a renderer ends the item and
 * the fence with it (tests/checklist/md_cmark.py compares many more with
 * cmark); a top-level fence may be indented up to three spaces. */
START_TEST(load_reads_fences_in_list_items_as_a_renderer_does)
{
    static const char text[] = "# T\n"
                               "- [ ] `a` Run the smoke test: manual\n"
                               "\n"
                               "  ```sh\n"
                               "  - [ ] `ex1` Example: `false`\n"
                               "  ```\n"
                               "- [ ] `b` B: manual\n"
                               "  1. step\n"
                               "     ~~~\n"
                               "     - [ ] `ex2` Example: `false`\n"
                               "- [ ] `c` C, after a fence its item ended: manual\n"
                               "\n"
                               " ```\n"
                               "- [ ] `ex3` Example: `false`\n"
                               "```\n"
                               "- [ ] `d` D: manual\n";
    expect_ids(text, "a b c d");
}
END_TEST

START_TEST(load_reads_files_and_their_digest)
{
    tfa_checklist *cl = NULL;
    tfa_error err;
    char hex[TFA_SHA256_HEX];
    const char *src;
    size_t len;

    tfa_error_init(&err);
    ck_assert_tfa_ok(tfa_checklist_load(&cl, "checklists/telemetry-apply.md", &err), &err);
    ck_assert_uint_eq(tfa_checklist_item_count(cl), 12);
    src = tfa_checklist_source(cl, &len);
    ck_assert(len > 0 && src[len] == '\0');
    tfa_sha256_hex(tfa_checklist_sha256(cl), hex);
    ck_assert_uint_eq(strlen(hex), 64);
    tfa_checklist_free(cl);

    ck_assert_tfa_ok(tfa_checklist_load(&cl, "checklists/nightly-drift.md", &err), &err);
    ck_assert_uint_eq(tfa_checklist_item_count(cl), 7);
    tfa_checklist_free(cl);

    ck_assert_int_eq(tfa_checklist_load(&cl, "checklists/absent.md", &err), TFA_ENOTFOUND);
    ck_assert_str_eq(err.source, "checklists/absent.md");
}
END_TEST

/* Deterministic xorshift, so a failure replays. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return *state = x;
}

START_TEST(load_survives_truncated_and_mutated_checklists)
{
    static const char bytes[] = "`()[]:\"\\-x* ~=!<>\n\r\t#0.\xff\xc3";
    size_t len = strlen(good), i, n;
    uint32_t seed = 0x9e3779b9u;
    char *buf = malloc(len + 1);
    int rounds;

    ck_assert_ptr_nonnull(buf);
    for (n = 0; n <= len; n++) {
        tfa_checklist *cl = NULL;
        tfa_error err;
        int rc;
        tfa_error_init(&err);
        rc = tfa_checklist_parse(&cl, "t.md", good, n, &err);
        ck_assert(rc == 0 || rc == TFA_EINPUT);
        ck_assert(rc != 0 || cl != NULL);
        tfa_checklist_free(cl);
    }
    for (rounds = 0; rounds < 4000; rounds++) {
        tfa_checklist *cl = NULL;
        tfa_error err;
        int rc, k;
        memcpy(buf, good, len + 1);
        for (k = 0; k < 1 + rounds % 4; k++) {
            i = next_random(&seed) % len;
            buf[i] = bytes[next_random(&seed) % (sizeof(bytes) - 1)];
        }
        tfa_error_init(&err);
        rc = tfa_checklist_parse(&cl, "t.md", buf, len, &err);
        ck_assert_msg(rc == 0 || rc == TFA_EINPUT || rc == TFA_ELIMIT, "status %d", rc);
        ck_assert(rc == 0 || (err.message[0] && cl == NULL));
        tfa_checklist_free(cl);
    }
    free(buf);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("checklist");
    TCase *tc = tcase_create("load");

    tcase_add_loop_test(tc, load_reports_error_with_position, 0, (int)TFA_ARRAY_SIZE(errors));
    tcase_add_test(tc, load_limits_expression_nesting);
    tcase_add_test(tc, parse_item_limit_keeps_the_first_error);
    tcase_add_test(tc, load_rejects_nul_bytes);
    tcase_add_test(tc, load_reads_items_sections_and_levels);
    tcase_add_test(tc, load_reads_fences_as_a_renderer_does);
    tcase_add_test(tc, load_reads_fences_in_list_items_as_a_renderer_does);
    tcase_add_test(tc, load_reads_files_and_their_digest);
    tcase_add_test(tc, load_survives_truncated_and_mutated_checklists);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
