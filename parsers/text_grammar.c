/*
 * text_grammar.c - one-line recognizers for Terraform/OpenTofu text output
 * (see text_grammar.h). Every function here reads one line with a tfa_cur
 * and returns spans into it; none keeps state or allocates.
 */
#include "util/compat.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "address.h"
#include "lines.h"
#include "text_grammar.h"

static tfa_text_span span(const char *p, size_t n)
{
    tfa_text_span s;
    s.ptr = p;
    s.len = n;
    return s;
}

static void skip_spaces(tfa_cur *c)
{
    while (c->p < c->end && *c->p == ' ')
        c->p++;
}

static int ends_with(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len >= n && memcmp(s + len - n, lit, n) == 0;
}

/* ---- summaries ---------------------------------------------------------------- */

const char *tfa_text_op_name(tfa_text_op op)
{
    static const char *const names[TFA_TEXT_OP_COUNT] = {"plan", "apply", "destroy"};
    return (unsigned)op < TFA_TEXT_OP_COUNT ? names[op] : "plan";
}

/* "[N to import, ]N to add, N to change, N to destroy[, N to forget]." and
 * anything after the full stop (" Actions: 1 to invoke."). */
static int plan_counts(tfa_cur c, tfa_counts *k)
{
    tfa_cur save = c;
    if (!(tfa_cur_long(&c, &k->import) && tfa_cur_lit(&c, " to import, "))) {
        c = save;
        k->import = 0;
    }
    if (!(tfa_cur_long(&c, &k->add) && tfa_cur_lit(&c, " to add, ") &&
          tfa_cur_long(&c, &k->change) && tfa_cur_lit(&c, " to change, ") &&
          tfa_cur_long(&c, &k->destroy) && tfa_cur_lit(&c, " to destroy")))
        return 0;
    if (tfa_cur_lit(&c, ", ") && !(tfa_cur_long(&c, &k->forget) && tfa_cur_lit(&c, " to forget")))
        return 0;
    return tfa_cur_lit(&c, ".");
}

/* "[N imported, ]N added, N changed, N destroyed[, N forgotten]." */
static int apply_counts(tfa_cur c, tfa_counts *k)
{
    tfa_cur save = c;
    if (!(tfa_cur_long(&c, &k->import) && tfa_cur_lit(&c, " imported, "))) {
        c = save;
        k->import = 0;
    }
    if (!(tfa_cur_long(&c, &k->add) && tfa_cur_lit(&c, " added, ") &&
          tfa_cur_long(&c, &k->change) && tfa_cur_lit(&c, " changed, ") &&
          tfa_cur_long(&c, &k->destroy) && tfa_cur_lit(&c, " destroyed")))
        return 0;
    if (tfa_cur_lit(&c, ", ") && !(tfa_cur_long(&c, &k->forget) && tfa_cur_lit(&c, " forgotten")))
        return 0;
    return tfa_cur_lit(&c, ".");
}

int tfa_text_summary_parse(const char *s, size_t len, tfa_text_summary *out)
{
    tfa_cur c = tfa_cur_of(s, len);

    memset(out, 0, sizeof(*out));
    if (tfa_cur_lit(&c, "No changes.")) {
        out->op = TFA_TEXT_OP_PLAN;
        out->no_changes = 1;
        return tfa_cur_eol(&c) || *c.p == ' ';
    }
    if (tfa_cur_lit(&c, "Plan: ")) {
        out->op = TFA_TEXT_OP_PLAN;
        return plan_counts(c, &out->counts);
    }
    if (tfa_cur_lit(&c, "Apply complete! Resources: ")) {
        out->op = TFA_TEXT_OP_APPLY;
        return apply_counts(c, &out->counts);
    }
    if (tfa_cur_lit(&c, "Destroy complete! Resources: ")) {
        out->op = TFA_TEXT_OP_DESTROY;
        return tfa_cur_long(&c, &out->counts.destroy) && tfa_cur_lit(&c, " destroyed.");
    }
    return 0;
}

int tfa_text_version_parse(const char *s, size_t len, const char **tool, tfa_text_span *version)
{
    tfa_cur c = tfa_cur_of(s, len);
    const char *v;

    /* "Terraform v1.9.5", "Terraform v1.5.7 on linux_amd64" (`version`, 0.15+
     * on one line), "Terraform version: 0.11.14" (0.11 run headers and the
     * TF_LOG line, text_trace.c) */
    if (tfa_cur_lit(&c, "Terraform version: ") || tfa_cur_lit(&c, "Terraform v"))
        *tool = "terraform";
    else if (tfa_cur_lit(&c, "OpenTofu version: ") || tfa_cur_lit(&c, "OpenTofu v"))
        *tool = "opentofu";
    else
        return 0;
    if (tfa_cur_eol(&c) || *c.p < '0' || *c.p > '9')
        return 0;
    for (v = c.p; c.p < c.end && *c.p != ' '; c.p++) {
        char ch = *c.p;
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              ch == '.' || ch == '-' || ch == '+'))
            return 0;
    }
    *version = span(v, (size_t)(c.p - v));
    if (tfa_cur_eol(&c))
        return 1;
    /* " on linux_amd64": an OS_ARCH word and nothing else */
    if (!tfa_cur_lit(&c, " on ") || tfa_cur_eol(&c))
        return 0;
    for (; c.p < c.end; c.p++)
        if (!((*c.p >= 'a' && *c.p <= 'z') || (*c.p >= '0' && *c.p <= '9') || *c.p == '_'))
            return 0;
    return 1;
}

/* ---- resources ------------------------------------------------------------------ */

/* The offset of the first byte of s[0..len) that can change the state of
 * address_end (a blank, a colon, a quote, a bracket or a backslash), or len:
 * 16 bytes at a time, since detection asks for the first word of every line
 * of a CI log. */
static size_t address_plain(const char *s, size_t len)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), co = _mm_set1_epi8(':'),
                  qu = _mm_set1_epi8('"'), lb = _mm_set1_epi8('['), rb = _mm_set1_epi8(']'),
                  bs = _mm_set1_epi8('\\');
    for (; i + 16 <= len; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i a = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, co), _mm_cmpeq_epi8(v, qu)));
        __m128i b = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lb), _mm_cmpeq_epi8(v, rb)),
                                 _mm_cmpeq_epi8(v, bs));
        int m = _mm_movemask_epi8(_mm_or_si128(a, b));
        if (m)
            return i + (size_t)__builtin_ctz((unsigned)m);
    }
#endif
    for (; i < len; i++)
        if (s[i] == ' ' || s[i] == '\t' || s[i] == ':' || s[i] == '"' || s[i] == '[' ||
            s[i] == ']' || s[i] == '\\')
            return i;
    return len;
}

size_t tfa_text_address_end(const char *s, size_t len, int colon, int *open)
{
    size_t i = 0;
    int depth = 0, quoted = 0;

    while (i < len) {
        char c;
        i += address_plain(s + i, len - i); /* bytes that change nothing */
        if (i >= len)
            break;
        c = s[i];
        if (quoted) {
            if (c == '\\')
                i++;
            else if (c == '"')
                quoted = 0;
        } else if (c == '"') {
            quoted = 1;
        } else if (c == '[') {
            depth++;
        } else if (c == ']') {
            depth--;
        } else if (depth == 0 && (c == ' ' || c == '\t' || (colon && c == ':'))) {
            break;
        }
        i++;
    }
    *open = quoted || depth;
    return i;
}

size_t tfa_text_address_len(const char *s, size_t len, int colon)
{
    tfa_address a;
    int open;
    size_t i = tfa_text_address_end(s, len, colon, &open);

    if (open || i == 0 || i > len || tfa_address_parse(s, i, &a) != 0)
        return 0;
    return i;
}

/* Change headers, longest wording first where one is a prefix of another. */
static const struct header_phrase {
    const char *text;
    tfa_action action;
    tfa_replace replace;
    const char *reason;
    int drift, importing, moved;
} header_phrases[] = {
    {"will be created", TFA_ACTION_CREATE, TFA_REPLACE_NONE, NULL, 0, 0, 0},
    {"will be read during apply", TFA_ACTION_READ, TFA_REPLACE_NONE, NULL, 0, 0, 0},
    {"will be updated in-place", TFA_ACTION_UPDATE, TFA_REPLACE_NONE, NULL, 0, 0, 0},
    {"will be destroyed", TFA_ACTION_DELETE, TFA_REPLACE_NONE, NULL, 0, 0, 0},
    {"must be replaced, but the existing object will not be destroyed", TFA_ACTION_REPLACE,
     TFA_REPLACE_CREATE_FORGET, NULL, 0, 0, 0},
    {"must be replaced", TFA_ACTION_REPLACE, TFA_REPLACE_NONE, NULL, 0, 0, 0},
    {"is tainted, so must be replaced", TFA_ACTION_REPLACE, TFA_REPLACE_NONE,
     "replace_because_tainted", 0, 0, 0},
    {"is tainted, so it must be replaced", TFA_ACTION_REPLACE, TFA_REPLACE_NONE,
     "replace_because_tainted", 0, 0, 0},
    {"will be replaced, as requested", TFA_ACTION_REPLACE, TFA_REPLACE_NONE, "replace_by_request",
     0, 0, 0},
    {"will be replaced due to changes in replace_triggered_by", TFA_ACTION_REPLACE,
     TFA_REPLACE_NONE, "replace_by_triggers", 0, 0, 0},
    {"has moved to ", TFA_ACTION_NOOP, TFA_REPLACE_NONE, NULL, 0, 0, 1},
    {"will be imported", TFA_ACTION_NOOP, TFA_REPLACE_NONE, NULL, 0, 1, 0},
    {"will be forgotten", TFA_ACTION_FORGET, TFA_REPLACE_NONE, NULL, 0, 0, 0},
    {"will no longer be managed by ", TFA_ACTION_FORGET, TFA_REPLACE_NONE, NULL, 0, 0, 0},
    {"will be removed from ", TFA_ACTION_FORGET, TFA_REPLACE_NONE, NULL, 0, 0, 0},
    {"has changed", TFA_ACTION_UPDATE, TFA_REPLACE_NONE, NULL, 1, 0, 0},
    {"has been changed", TFA_ACTION_UPDATE, TFA_REPLACE_NONE, NULL, 1, 0, 0}, /* 0.15.4-1.1 */
    {"has been deleted", TFA_ACTION_DELETE, TFA_REPLACE_NONE, NULL, 1, 0, 0},
};

int tfa_text_header_parse(const char *s, size_t len, tfa_text_header *out)
{
    tfa_cur c = tfa_cur_of(s, len);
    const char *d;
    size_t n, i, dn;

    memset(out, 0, sizeof(*out));
    skip_spaces(&c);
    if (c.p - s > 4 || !tfa_cur_lit(&c, "# "))
        return 0;
    if ((n = tfa_text_address_len(c.p, tfa_cur_left(&c), 0)) == 0)
        return 0;
    out->addr = span(c.p, n);
    c.p += n;
    if (tfa_cur_lit(&c, " (deposed object ")) {
        if (!tfa_cur_until(&c, ")", &d, &dn) || dn == 0)
            return 0;
        out->deposed = span(d, dn);
    }
    if (!tfa_cur_lit(&c, " "))
        return 0;
    for (i = 0; i < TFA_ARRAY_SIZE(header_phrases); i++) {
        const struct header_phrase *ph = &header_phrases[i];
        if (!tfa_cur_lit(&c, ph->text))
            continue;
        out->action = ph->action;
        out->replace = ph->replace;
        out->reason = ph->reason;
        out->drift = ph->drift;
        out->importing = ph->importing;
        /* OpenTofu's ForgetThenCreate: "must be replaced - older instance will not be destroyed" */
        if (ph->action == TFA_ACTION_REPLACE &&
            memmem(c.p, tfa_cur_left(&c), "will not be destroyed", 21))
            out->replace = TFA_REPLACE_CREATE_FORGET;
        if (ph->moved) {
            if ((n = tfa_text_address_len(c.p, tfa_cur_left(&c), 0)) == 0)
                return 0;
            out->prev = out->addr;
            out->addr = span(c.p, n);
        }
        return 1;
    }
    return 0;
}

/* Reasons given by a "# (because ...)" note (plan JSON action_reason names). */
static const char *because_reason(tfa_cur c)
{
    const char *x;
    size_t n;

    if (tfa_cur_peek(&c, "resource uses count or for_each)") ||
        tfa_cur_peek(&c, "resource does not use count)") ||
        tfa_cur_peek(&c, "resource does not use for_each)"))
        return "delete_because_wrong_repetition";
    if (tfa_cur_peek(&c, "index ["))
        return "delete_because_count_index";
    if (tfa_cur_peek(&c, "key ["))
        return "delete_because_each_key";
    if (tfa_cur_until(&c, " was moved to ", &x, &n))
        return "delete_because_no_move_target";
    if (ends_with(c.p, tfa_cur_left(&c), " is not in configuration)"))
        return tfa_cur_peek(&c, "module.") && !tfa_text_address_len(c.p, tfa_cur_left(&c), 0)
                   ? "delete_because_no_module"
                   : "delete_because_no_resource_config";
    return NULL;
}

int tfa_text_header_note(const char *s, size_t len, tfa_text_header *h, tfa_text_span *import_id)
{
    tfa_cur c = tfa_cur_of(s, len);
    const char *x;
    size_t n;

    skip_spaces(&c);
    if (!tfa_cur_lit(&c, "#"))
        return 0;
    skip_spaces(&c);
    if (!tfa_cur_lit(&c, "("))
        return 0;
    if (tfa_cur_lit(&c, "moved from ") && tfa_cur_until(&c, ")", &x, &n) &&
        tfa_text_address_len(x, n, 0) == n)
        h->prev = span(x, n);
    else if (tfa_cur_lit(&c, "imported from \"") && ends_with(c.p, tfa_cur_left(&c), "\")")) {
        h->importing = 1;
        *import_id = span(c.p, tfa_cur_left(&c) - 2);
    } else if (tfa_cur_lit(&c, "will be imported first)"))
        h->importing = 1;
    else if (tfa_cur_lit(&c, "config refers to values not yet known)"))
        h->reason = "read_because_config_unknown";
    else if (tfa_cur_lit(&c, "depends on a resource or a module with changes pending)"))
        h->reason = "read_because_dependency_pending";
    else if (tfa_cur_lit(&c, "config will be reloaded to verify a check block)"))
        h->reason = "read_because_check_nested";
    else if (tfa_cur_lit(&c, "because ") && (x = because_reason(c)) != NULL)
        h->reason = x;
    return 1;
}

/* The change symbols of the renderers (format.DiffActionSymbol), longest first:
 * "+/." is Terraform's CreateThenForget, "./+" OpenTofu's ForgetThenCreate,
 * "." a forget. */
static size_t symbol_len(const char *s, size_t len)
{
    static const char *const symbols[] = {"-/+", "+/-", "+/.", "./+", "<=", "+", "-", "~", "."};
    size_t i, n;
    for (i = 0; i < TFA_ARRAY_SIZE(symbols); i++) {
        n = strlen(symbols[i]);
        if (len > n && memcmp(s, symbols[i], n) == 0 && s[n] == ' ')
            return n;
    }
    return 0;
}

static tfa_replace replace_of_symbol(const char *s, size_t n)
{
    if (n == 3 && memcmp(s, "-/+", 3) == 0)
        return TFA_REPLACE_DELETE_FIRST;
    if (n == 3 && memcmp(s, "+/-", 3) == 0)
        return TFA_REPLACE_CREATE_FIRST;
    if (n == 3 && (memcmp(s, "+/.", 3) == 0 || memcmp(s, "./+", 3) == 0))
        return TFA_REPLACE_CREATE_FORGET;
    return TFA_REPLACE_NONE;
}

int tfa_text_body_open(const char *s, size_t len, tfa_replace *replace)
{
    tfa_cur c = tfa_cur_of(s, len);
    size_t n;

    skip_spaces(&c);
    if (c.p - s > 4)
        return 0;
    *replace = TFA_REPLACE_NONE;
    if ((n = symbol_len(c.p, tfa_cur_left(&c))) != 0) { /* a no-op (moved, imported) has none */
        *replace = replace_of_symbol(c.p, n);
        c.p += n + 1;
    }
    return (tfa_cur_lit(&c, "resource \"") || tfa_cur_lit(&c, "data \"") ||
            tfa_cur_lit(&c, "ephemeral \"")) &&
           ends_with(s, len, "{");
}

int tfa_text_legacy_plan_parse(const char *s, size_t len, tfa_text_header *out)
{
    static const struct {
        const char *prefix;
        tfa_action action;
        tfa_replace replace;
    } forms[] = {{"  + ", TFA_ACTION_CREATE, TFA_REPLACE_NONE},
                 {"  ~ ", TFA_ACTION_UPDATE, TFA_REPLACE_NONE},
                 {"  - ", TFA_ACTION_DELETE, TFA_REPLACE_NONE},
                 {"-/+ ", TFA_ACTION_REPLACE, TFA_REPLACE_DELETE_FIRST},
                 {"+/- ", TFA_ACTION_REPLACE, TFA_REPLACE_CREATE_FIRST},
                 {" <= ", TFA_ACTION_READ, TFA_REPLACE_NONE}};
    tfa_cur c = tfa_cur_of(s, len);
    size_t i, n;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < TFA_ARRAY_SIZE(forms); i++)
        if (tfa_cur_lit(&c, forms[i].prefix))
            break;
    if (i == TFA_ARRAY_SIZE(forms) || (n = tfa_text_address_len(c.p, tfa_cur_left(&c), 0)) == 0)
        return 0;
    out->addr = span(c.p, n);
    out->action = forms[i].action;
    out->replace = forms[i].replace;
    c.p += n;
    return tfa_cur_eol(&c) || tfa_cur_peek(&c, " (");
}

/* ---- attribute lines ------------------------------------------------------------ */

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}

/* "<<-EOT" / "<<EOT" at the end of a value: the delimiter that ends it. */
static int heredoc(const char *v, size_t n, tfa_text_span *end)
{
    const char *p = memmem(v, n, "<<", 2);
    size_t i;
    if (!p)
        return 0;
    i = (size_t)(p - v) + 2;
    if (i < n && v[i] == '-')
        i++;
    if (i >= n || !is_ident_start(v[i]))
        return 0;
    *end = span(v + i, 0);
    while (i < n && is_ident(v[i]))
        i++;
    end->len = (size_t)(v + i - end->ptr);
    return i == n;
}

/* Classify what follows "name =" (or "name" for a block). */
static void attr_value(tfa_text_attr *a, const char *v, size_t n, int block)
{
    static const char forces[] = " # forces replacement";
    if (ends_with(v, n, forces)) {
        a->forces = 1;
        n -= sizeof(forces) - 1;
    }
    if (block) {
        a->kind = n == 1 && v[0] == '{' ? TFA_ATTR_OPEN : n == 2 ? TFA_ATTR_LEAF : TFA_ATTR_NONE;
        return;
    }
    a->kind = TFA_ATTR_LEAF;
    if (n && (v[n - 1] == '{' || v[n - 1] == '['))
        a->kind = TFA_ATTR_OPEN;
    else if (n && v[n - 1] == '(') {
        a->kind = TFA_ATTR_SKIP;
        a->end = span(")", 1);
    } else if (heredoc(v, n, &a->end))
        a->kind = TFA_ATTR_SKIP;
    if (memmem(v, n, "(sensitive value)", 17) || memmem(v, n, "(sensitive)", 11))
        a->sensitive = 1;
}

void tfa_text_attr_parse(const char *s, size_t len, tfa_text_attr *a)
{
    tfa_cur c = tfa_cur_of(s, len);
    size_t sym;

    memset(a, 0, sizeof(*a));
    skip_spaces(&c);
    if (tfa_cur_eol(&c))
        return;
    a->indent = (long)(c.p - s) - 2; /* where a change symbol would stand */
    if (*c.p == '}' || *c.p == ']' || *c.p == ')') {
        a->kind = TFA_ATTR_CLOSE;
        return;
    }
    if ((sym = symbol_len(c.p, tfa_cur_left(&c))) != 0) {
        a->indent += 2;
        a->changed = 1;
        c.p += sym + 1;
        if (tfa_cur_eol(&c))
            return;
    }
    if (*c.p == '#') {
        a->sensitive = memmem(c.p, tfa_cur_left(&c), "is (or was) sensitive", 21) != NULL;
        return;
    }
    if ((*c.p == '{' || *c.p == '[') && (tfa_cur_left(&c) == 1 || c.p[1] == ' ')) {
        a->kind = TFA_ATTR_OPEN;
        a->elem_open = 1;
        return;
    }
    if (*c.p == '"') {
        const char *q = ++c.p;
        while (c.p < c.end && *c.p != '"')
            c.p += *c.p == '\\' ? 2 : 1;
        if (c.p >= c.end)
            return;
        a->name = span(q, (size_t)(c.p++ - q));
        a->quoted = 1;
    } else if (is_ident_start(*c.p)) {
        const char *q = c.p;
        while (c.p < c.end && is_ident(*c.p))
            c.p++;
        a->name = span(q, (size_t)(c.p - q));
    } else {
        return;
    }
    skip_spaces(&c);
    if (tfa_cur_lit(&c, "=")) {
        skip_spaces(&c);
        attr_value(a, c.p, tfa_cur_left(&c), 0);
    } else if (!a->quoted && !tfa_cur_eol(&c) && *c.p == '{') {
        attr_value(a, c.p, tfa_cur_left(&c), 1);
    }
    if (a->kind == TFA_ATTR_NONE)
        a->name = span(NULL, 0);
}

int tfa_text_legacy_attr_parse(const char *s, size_t len, tfa_text_attr *a)
{
    tfa_cur c = tfa_cur_of(s, len);
    const char *name;
    size_t n, i;

    memset(a, 0, sizeof(*a));
    skip_spaces(&c);
    if (c.p - s < 4 || !tfa_cur_until(&c, ":", &name, &n) || n == 0 ||
        (!tfa_cur_eol(&c) && *c.p != ' '))
        return 0;
    for (i = 0; i < n; i++)
        if (name[i] == ' ' || name[i] == '"' || name[i] == '\t')
            return 0;
    a->kind = TFA_ATTR_LEAF;
    a->changed = 1;
    a->name = span(name, n);
    a->sensitive = memmem(c.p, tfa_cur_left(&c), "<sensitive>", 11) != NULL;
    a->forces = ends_with(c.p, tfa_cur_left(&c), "(forces new resource)");
    return 1;
}

/* ---- apply progress ---------------------------------------------------------------- */

static const struct progress_msg {
    const char *text;
    tfa_action action;
    int importing;
    tfa_text_phase phase;
    int after; /* a duration follows */
} progress_msgs[] = {
    {"Creating...", TFA_ACTION_CREATE, 0, TFA_PHASE_START, 0},
    {"Modifying...", TFA_ACTION_UPDATE, 0, TFA_PHASE_START, 0},
    {"Destroying...", TFA_ACTION_DELETE, 0, TFA_PHASE_START, 0},
    {"Reading...", TFA_ACTION_READ, 0, TFA_PHASE_START, 0},
    {"Importing...", TFA_ACTION_NOOP, 1, TFA_PHASE_START, 0},
    {"Importing from ID ", TFA_ACTION_NOOP, 1, TFA_PHASE_START, 0},
    {"Still creating...", TFA_ACTION_CREATE, 0, TFA_PHASE_STILL, 0},
    {"Still modifying...", TFA_ACTION_UPDATE, 0, TFA_PHASE_STILL, 0},
    {"Still destroying...", TFA_ACTION_DELETE, 0, TFA_PHASE_STILL, 0},
    {"Still reading...", TFA_ACTION_READ, 0, TFA_PHASE_STILL, 0},
    {"Creation complete after ", TFA_ACTION_CREATE, 0, TFA_PHASE_COMPLETE, 1},
    {"Modifications complete after ", TFA_ACTION_UPDATE, 0, TFA_PHASE_COMPLETE, 1},
    {"Destruction complete after ", TFA_ACTION_DELETE, 0, TFA_PHASE_COMPLETE, 1},
    {"Read complete after ", TFA_ACTION_READ, 0, TFA_PHASE_COMPLETE, 1},
    {"Import complete", TFA_ACTION_NOOP, 1, TFA_PHASE_COMPLETE, 0},
    {"Import prepared!", TFA_ACTION_NOOP, 1, TFA_PHASE_COMPLETE, 0},
    {"Creation errored after ", TFA_ACTION_CREATE, 0, TFA_PHASE_ERRORED, 1},
    {"Modifications errored after ", TFA_ACTION_UPDATE, 0, TFA_PHASE_ERRORED, 1},
    {"Destruction errored after ", TFA_ACTION_DELETE, 0, TFA_PHASE_ERRORED, 1},
};

int tfa_text_duration(const char *s, size_t len, double *seconds)
{
    static const struct {
        const char *unit;
        double scale;
    } units[] = {{"ns", 1e-9}, {"us", 1e-6}, {"\xc2\xb5s", 1e-6}, {"\xce\xbcs", 1e-6},
                 {"ms", 1e-3}, {"s", 1},     {"m", 60},           {"h", 3600}};
    tfa_cur c = tfa_cur_of(s, len);
    double total = 0;

    if (len == 0)
        return 0;
    while (!tfa_cur_eol(&c)) {
        double v = 0, frac = 1;
        const char *start = c.p;
        size_t u;
        while (c.p < c.end && *c.p >= '0' && *c.p <= '9')
            v = v * 10 + (*c.p++ - '0');
        if (tfa_cur_lit(&c, "."))
            while (c.p < c.end && *c.p >= '0' && *c.p <= '9')
                v += (*c.p++ - '0') * (frac /= 10);
        if (c.p == start)
            return 0;
        for (u = 0; u < TFA_ARRAY_SIZE(units); u++)
            if (tfa_cur_lit(&c, units[u].unit))
                break;
        if (u == TFA_ARRAY_SIZE(units))
            return 0;
        total += v * units[u].scale;
    }
    *seconds = total;
    return 1;
}

/* "id=i-123" or 0.11's "ID: i-123". */
static void progress_id(tfa_text_progress *p, const char *s, size_t n)
{
    const char *eq = memchr(s, '=', n);
    size_t k;

    if (n > 4 && memcmp(s, "ID: ", 4) == 0) {
        p->id_key = span("id", 2);
        p->id_value = span(s + 4, n - 4);
        return;
    }
    if (!eq || eq == s)
        return;
    for (k = 0; s + k < eq; k++)
        if (!is_ident(s[k]))
            return;
    p->id_key = span(s, k);
    p->id_value = span(eq + 1, n - k - 1);
}

/* The trailing "[...]" or "(...)": an ID, an elapsed time, or both. */
static void progress_tail(tfa_text_progress *p, const char *s, size_t n)
{
    static const char elapsed[] = " elapsed";
    const char *comma;
    double secs;

    if (n < 2 || !((s[0] == '[' && s[n - 1] == ']') || (s[0] == '(' && s[n - 1] == ')')))
        return;
    s++, n -= 2;
    if (ends_with(s, n, elapsed)) {
        size_t d = n - (sizeof(elapsed) - 1), start = 0;
        for (comma = NULL; start < d; start++)
            if (s[start] == ',' && start + 1 < d && s[start + 1] == ' ')
                comma = s + start;
        start = comma ? (size_t)(comma - s) + 2 : 0;
        if (tfa_text_duration(s + start, d - start, &secs))
            p->elapsed = secs;
        if (!comma)
            return;
        n = (size_t)(comma - s);
    }
    progress_id(p, s, n);
}

int tfa_text_progress_parse(const char *s, size_t len, tfa_text_progress *p)
{
    tfa_cur c = tfa_cur_of(s, len);
    const struct progress_msg *m = NULL;
    const char *d;
    tfa_address a;
    size_t n, i, dn;
    int open;

    memset(p, 0, sizeof(*p));
    p->elapsed = -1;
    /* the address is where tfa_text_address_len ends it; it is parsed last,
     * once the rest of the line is a progress message (a refresh line, or
     * any line of a CI log, is not: one address parse saved on each) */
    n = tfa_text_address_end(s, len, 1, &open);
    if (open || n == 0)
        return 0;
    c.p += n;
    if (tfa_cur_lit(&c, " (deposed object ")) {
        if (!tfa_cur_until(&c, ")", &d, &dn) || dn == 0)
            return 0;
        p->deposed = span(d, dn);
    }
    if (!tfa_cur_lit(&c, ": "))
        return 0;
    for (i = 0; i < TFA_ARRAY_SIZE(progress_msgs) && !m; i++)
        if (tfa_cur_lit(&c, progress_msgs[i].text))
            m = &progress_msgs[i];
    if (!m || tfa_address_parse(s, n, &a) != 0)
        return 0;
    p->addr = span(s, n);
    p->action = m->action;
    p->importing = m->importing;
    p->phase = m->phase;
    if (m->after) {
        const char *sp = memchr(c.p, ' ', tfa_cur_left(&c));
        size_t dl = sp ? (size_t)(sp - c.p) : tfa_cur_left(&c);
        double secs;
        if (tfa_text_duration(c.p, dl, &secs))
            p->elapsed = secs;
        c.p += dl;
    }
    if (m->phase == TFA_PHASE_START && m->importing && tfa_cur_lit(&c, "\"") &&
        ends_with(c.p, tfa_cur_left(&c), "\"...")) {
        p->id_key = span("id", 2); /* Importing from ID "i-123"... */
        p->id_value = span(c.p, tfa_cur_left(&c) - 4);
        return 1;
    }
    skip_spaces(&c);
    progress_tail(p, c.p, tfa_cur_left(&c));
    return 1;
}

int tfa_text_refresh_parse(const char *s, size_t len)
{
    tfa_address a;
    tfa_cur c;
    int open;
    size_t n = tfa_text_address_end(s, len, 1, &open);

    /* tfa_text_address_len's address, parsed once the message is there */
    if (open || n == 0)
        return 0;
    c = tfa_cur_of(s + n, len - n);
    return tfa_cur_lit(&c, ": Refreshing state...") && tfa_address_parse(s, n, &a) == 0;
}

/* ---- diagnostics -------------------------------------------------------------------- */

int tfa_text_diag_range(const char *s, size_t len, tfa_text_span *file, unsigned long *line)
{
    tfa_cur c = tfa_cur_of(s, len);
    const char *f;
    size_t fn;
    long n;

    skip_spaces(&c);
    if (!tfa_cur_lit(&c, "on ") || !tfa_cur_until(&c, " line ", &f, &fn) || fn == 0 ||
        !tfa_cur_long(&c, &n) || !(tfa_cur_lit(&c, ",") || tfa_cur_lit(&c, ":")))
        return 0;
    *file = span(f, fn);
    *line = (unsigned long)n;
    return 1;
}

int tfa_text_diag_with(const char *s, size_t len, tfa_text_span *addr)
{
    tfa_cur c = tfa_cur_of(s, len);
    size_t n;

    skip_spaces(&c);
    if (!tfa_cur_lit(&c, "with ") || !ends_with(c.p, tfa_cur_left(&c), ","))
        return 0;
    n = tfa_cur_left(&c) - 1;
    if (tfa_text_address_len(c.p, n, 0) != n)
        return 0;
    *addr = span(c.p, n);
    return 1;
}

int tfa_text_lock_field(const char *s, size_t len, tfa_text_span *key, tfa_text_span *value)
{
    static const char *const keys[] = {"ID",      "Path",    "Operation", "Who",
                                       "Version", "Created", "Info"};
    tfa_cur c = tfa_cur_of(s, len);
    size_t i;

    if (!tfa_cur_lit(&c, "  "))
        return 0;
    for (i = 0; i < TFA_ARRAY_SIZE(keys); i++) {
        tfa_cur k = c;
        if (tfa_cur_lit(&k, keys[i]) && tfa_cur_lit(&k, ":")) {
            *key = span(c.p, strlen(keys[i]));
            skip_spaces(&k);
            *value = span(k.p, tfa_cur_left(&k));
            return 1;
        }
    }
    return 0;
}

/* ---- cost estimation ------------------------------------------------------------------ */

int tfa_text_cost_table_header(const char *s, size_t len)
{
    static const char want[] = "|PRODUCT|NAME|SKU|DESCRIPTION|DELTA|";
    size_t i, k = 0;
    for (i = 0; i < len; i++) {
        if (s[i] == ' ')
            continue;
        if (k >= sizeof(want) - 1 || s[i] != want[k++])
            return 0;
    }
    return k == sizeof(want) - 1;
}
