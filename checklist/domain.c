/*
 * domain.c - enumerations and versions of facts and fields (see domain.h).
 */
#include "util/compat.h"

#include "domain.h"
#include "suggest.h"

static const char *const actions[] = {"no-op",   "create", "read",    "update", "delete",
                                      "replace", "forget", "unknown", NULL};
static const char *const modes[] = {"managed", "data", NULL};
static const char *const kinds[] = {"plan", "ui-log", "text-log", "state", NULL};
static const char *const severities[] = {"error", "warning", "info", NULL};
static const char *const statuses[] = {"started", "complete", "errored", NULL};
static const char *const operations[] = {"plan", "apply", "destroy", "refresh", NULL};
static const char *const tools[] = {"terraform", "opentofu", NULL};
static const char *const encodings[] = {"utf-8", "utf-8-bom", "utf-16le", "utf-16be", NULL};

/* Terraform's own words (the text plan's "will be destroyed", the UI log's
 * "noop" and "remove") and everyday ones. */
static const char *const action_aliases[] = {
    "destroy", "delete", "destroyed", "delete",  "remove",   "forget",  "add",  "create",
    "created", "create", "change",    "update",  "modify",   "update",  "noop", "no-op",
    "none",    "no-op",  "recreate",  "replace", "replaced", "replace", NULL};
static const char *const mode_aliases[] = {"resource", "managed", "data_source", "data", NULL};
static const char *const kind_aliases[] = {"ui",        "ui-log", "json",     "ui-log",  "text",
                                           "text-log",  "log",    "text-log", "tfstate", "state",
                                           "plan-json", "plan",   NULL};
static const char *const severity_aliases[] = {"warn", "warning", "err", "error", NULL};
static const char *const status_aliases[] = {"completed", "complete", "failed",  "errored", "error",
                                             "errored",   "running",  "started", NULL};
static const char *const operation_aliases[] = {"planned",   "plan",    "applied", "apply",
                                                "destroyed", "destroy", NULL};
static const char *const tool_aliases[] = {"tofu", "opentofu", "tf", "terraform", NULL};
static const char *const encoding_aliases[] = {"utf8", "utf-8", "utf-16", "utf-16le", NULL};

static const tfa_domain d_action = {"action", "an", actions, 0, action_aliases};
static const tfa_domain d_mode = {"mode", "a", modes, 0, mode_aliases};
static const tfa_domain d_kind = {"input kind", "an", kinds, 0, kind_aliases};
static const tfa_domain d_severity = {"severity", "a", severities, 0, severity_aliases};
static const tfa_domain d_status = {"apply status", "an", statuses, 0, status_aliases};
static const tfa_domain d_operation = {"operation", "an", operations, 0, operation_aliases};
static const tfa_domain d_tool = {"tool", "a", tools, 0, tool_aliases};
static const tfa_domain d_encoding = {"encoding", "an", encodings, 0, encoding_aliases};
static const tfa_domain d_version = {"version", "a", NULL, 1, NULL};

static const struct {
    const char *name;
    const tfa_domain *dom;
} typed_facts[] =
    {
        {"run.tool", &d_tool},
        {"run.terraform_version", &d_version},
        {"plan.format_version", &d_version},
        {"plan.terraform_version", &d_version},
        {"plan.tool", &d_tool},
        {"plan.plan_format_version", &d_version},
        {"apply.operation", &d_operation},
        {"log.operation", &d_operation},
        {"log.ui_version", &d_version},
        {"state.terraform_version", &d_version},
},
  typed_fields[] = {
      {"action", &d_action},
      {"mode", &d_mode},
      {"source", &d_kind},
      {"kind", &d_kind},
      {"severity", &d_severity},
      {"status", &d_status},
      {"tool", &d_tool},
      {"encoding", &d_encoding},
      {"terraform_version", &d_version},
      {"format_version", &d_version},
};

const tfa_domain *tfa_domain_of_fact(const char *fact)
{
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(typed_facts); i++)
        if (strcmp(typed_facts[i].name, fact) == 0)
            return typed_facts[i].dom;
    return NULL;
}

const tfa_domain *tfa_domain_of_field(const char *field)
{
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(typed_fields); i++)
        if (strcmp(typed_fields[i].name, field) == 0)
            return typed_fields[i].dom;
    return NULL;
}

int tfa_domain_has(const tfa_domain *d, const char *value)
{
    size_t i;
    if (!d->values)
        return 1;
    for (i = 0; d->values[i]; i++)
        if (strcmp(d->values[i], value) == 0)
            return 1;
    return 0;
}

const char *tfa_domain_suggest(const tfa_domain *d, const char *value, size_t len)
{
    tfa_suggest s;
    size_t i;

    if (!d->values)
        return NULL;
    for (i = 0; d->aliases && d->aliases[i]; i += 2)
        if (strlen(d->aliases[i]) == len && memcmp(d->aliases[i], value, len) == 0)
            return d->aliases[i + 1];
    tfa_suggest_init(&s, value, len);
    for (i = 0; d->values[i]; i++)
        tfa_suggest_offer(&s, d->values[i]);
    return tfa_suggest_best(&s);
}

void tfa_domain_list(const tfa_domain *d, char *buf, size_t size)
{
    size_t i, at = 0;

    if (size)
        buf[0] = '\0';
    if (!d->values) {
        snprintf(buf, size, "a version such as \"1.9.5\"");
        return;
    }
    for (i = 0; d->values[i] && at < size; i++) {
        int n = snprintf(buf + at, size - at, "%s%s", i ? ", " : "", d->values[i]);
        if (n < 0)
            return;
        at += (size_t)n;
    }
}

/* ---- versions --------------------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_ident(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* A parsed version: up to four numeric components (more are refused: no
 * Terraform version has them), the pre-release text, or NULL. */
#define VERSION_PARTS 4

typedef struct version {
    unsigned long part[VERSION_PARTS];
    const char *pre; /* after '-', up to '+' or the end */
    size_t pre_len;
} version;

static int version_parse(const char *s, version *v)
{
    size_t n = 0;

    memset(v, 0, sizeof(*v));
    if (*s == 'v')
        s++;
    for (;;) {
        unsigned long x = 0;
        size_t digits = 0;
        if (n == VERSION_PARTS)
            return 0;
        for (; is_digit(*s); s++, digits++) {
            if (digits == 9)
                return 0; /* far beyond any real version component */
            x = x * 10 + (unsigned long)(*s - '0');
        }
        if (!digits)
            return 0;
        v->part[n++] = x;
        if (*s != '.')
            break;
        s++;
    }
    if (*s == '-') {
        v->pre = ++s;
        while (is_ident(*s) || *s == '.')
            s++;
        v->pre_len = (size_t)(s - v->pre);
        if (!v->pre_len)
            return 0;
    }
    if (*s == '+') {
        for (s++; is_ident(*s) || *s == '.'; s++)
            ;
    }
    return *s == '\0';
}

int tfa_version_valid(const char *s)
{
    version v;
    return s && version_parse(s, &v);
}

/* Semantic-versioning precedence of two pre-release strings: dot-separated
 * identifiers, numeric ones numerically and below alphanumeric ones, a
 * shorter list first when all else is equal. */
static int pre_cmp(const char *a, size_t la, const char *b, size_t lb)
{
    size_t i = 0, j = 0;

    while (i < la && j < lb) {
        size_t ei = i, ej = j;
        int na = 1, nb = 1, c;
        while (ei < la && a[ei] != '.')
            na &= is_digit(a[ei++]);
        while (ej < lb && b[ej] != '.')
            nb &= is_digit(b[ej++]);
        if (na && nb && ei - i != ej - j)
            c = ei - i < ej - j ? -1 : 1;
        else if (na != nb)
            c = na ? -1 : 1;
        else {
            size_t l = ei - i < ej - j ? ei - i : ej - j;
            c = memcmp(a + i, b + j, l);
            if (c == 0 && ei - i != ej - j)
                c = ei - i < ej - j ? -1 : 1;
        }
        if (c)
            return c < 0 ? -1 : 1;
        i = ei + (ei < la), j = ej + (ej < lb);
    }
    return i < la ? 1 : j < lb ? -1 : 0;
}

int tfa_version_cmp(const char *a, const char *b, int *out)
{
    version x, y;
    size_t k;

    if (!a || !b || !version_parse(a, &x) || !version_parse(b, &y))
        return 0;
    for (k = 0; k < VERSION_PARTS; k++)
        if (x.part[k] != y.part[k]) {
            *out = x.part[k] < y.part[k] ? -1 : 1;
            return 1;
        }
    if (!x.pre || !y.pre)
        *out = x.pre ? -1 : y.pre ? 1 : 0;
    else
        *out = pre_cmp(x.pre, x.pre_len, y.pre, y.pre_len);
    return 1;
}
