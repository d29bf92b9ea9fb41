/*
 * report_facts.c - the fact catalog as text and JSON (`tfaudit facts`), so
 * people discover what a checklist can say from the same table the
 * evaluator uses (facts_catalog.c).
 */
#include "util/compat.h"

#include "facts_catalog.h"
#include "report_int.h"
#include "util/escape.h"
#include "util/jbuild.h"

/* Values wider than this are shown whole but do not widen the column. */
#define VALUE_COLUMN_MAX 32
/* The widest tfa_fact_proven_by word ("policy log", "plan, logs"). */
#define PROVEN_BY_W 10

static void value_text(tfa_buf *out, const tfa_fact *f, const tfa_fact_source *src,
                       const char **why)
{
    tfa_value v;
    *why = NULL;
    if (tfa_fact_value(f, src, &v, why))
        tfa_value_format(out, &v);
    else
        tfa_buf_putc(out, '-');
}

/* `src` NULL: the catalog without values. */
static void facts_text(tfa_buf *out, const tfa_fact_source *src)
{
    size_t i, name_w = 4, value_w = 5;
    tfa_buf val;
    const char *why;

    tfa_buf_init(&val, TFA_BUF_NO_MAX);
    for (i = 0; i < tfa_fact_count(); i++) {
        const tfa_fact *f = tfa_fact_at(i);
        if (strlen(tfa_fact_name(f)) > name_w)
            name_w = strlen(tfa_fact_name(f));
        if (src) {
            tfa_buf_clear(&val);
            value_text(&val, f, src, &why);
            if (val.len > value_w)
                value_w = val.len > VALUE_COLUMN_MAX ? VALUE_COLUMN_MAX : val.len;
        }
    }
    tfa_buf_puts(out, "facts (a fact with no value makes the item reading it an ERROR):\n");
    tfa_buf_printf(out, "  %-*s  %-7s  ", (int)name_w, "NAME", "TYPE");
    if (src)
        tfa_buf_printf(out, "%-*s  ", (int)value_w, "VALUE");
    tfa_buf_printf(out, "%-*s  DESCRIPTION\n", PROVEN_BY_W, "PROVEN BY");
    for (i = 0; i < tfa_fact_count(); i++) {
        const tfa_fact *f = tfa_fact_at(i);
        tfa_buf_printf(out, "  %-*s  %-7s  ", (int)name_w, tfa_fact_name(f),
                       tfa_vtype_name(tfa_fact_type(f)));
        why = NULL;
        if (src) {
            tfa_buf_clear(&val);
            value_text(&val, f, src, &why);
            tfa_esc_textf(out, "%-*s  ", (int)value_w, val.ptr); /* values come from inputs */
        }
        tfa_buf_printf(out, "%-*s  ", PROVEN_BY_W, tfa_fact_proven_by(f));
        tfa_buf_puts(out, tfa_fact_doc(f));
        if (why)
            tfa_esc_textf(out, " (no value: %s)", why);
        tfa_buf_putc(out, '\n');
    }
    tfa_scratch_release(out, &val);
}

static void collections_text(tfa_buf *out, const tfa_run *run)
{
    size_t i, w;
    int c;

    tfa_buf_puts(out, "\ncollections (count|any|all|none(NAME where CONDITION); "
                      "inside 'where', bare names are the element's fields):\n");
    for (c = 0; c < TFA_COLL_COUNT; c++) {
        tfa_buf_printf(out, "  %s: %s", tfa_coll_name((tfa_coll)c), tfa_coll_doc((tfa_coll)c));
        if (run)
            tfa_buf_printf(out, " [%zu]", tfa_coll_size(run, (tfa_coll)c));
        tfa_buf_printf(out, "\n    proven by: %s\n", tfa_coll_proven_by((tfa_coll)c));
        if (c > 0 && tfa_field_at((tfa_coll)c, 0) == tfa_field_at(TFA_COLL_CHANGES, 0)) {
            tfa_buf_printf(out, "    (the fields of %s)\n", tfa_coll_name(TFA_COLL_CHANGES));
            continue;
        }
        for (i = 0, w = 0; i < tfa_field_count((tfa_coll)c); i++)
            if (strlen(tfa_field_name(tfa_field_at((tfa_coll)c, i))) > w)
                w = strlen(tfa_field_name(tfa_field_at((tfa_coll)c, i)));
        for (i = 0; i < tfa_field_count((tfa_coll)c); i++) {
            const tfa_field *f = tfa_field_at((tfa_coll)c, i);
            tfa_buf_printf(out, "    %-*s  %-7s  %s\n", (int)w, tfa_field_name(f),
                           tfa_vtype_name(tfa_field_type(f)), tfa_field_doc(f));
        }
    }
}

/* The kinds an input can be, in the order they are listed. */
static const tfa_kind kinds[] = {TFA_KIND_PLAN, TFA_KIND_UI_LOG, TFA_KIND_TEXT_LOG, TFA_KIND_STATE};

/* A fact some kinds prove and others not (not "any", not "derived"). */
static int of_its_own(const tfa_fact *f)
{
    return strcmp(tfa_fact_proven_by(f), "any") != 0 &&
           strcmp(tfa_fact_proven_by(f), "derived") != 0;
}

/* Whether every fact of the family of fact i (its name up to the first dot)
 * is proven by kind k; *end is the index past the family. */
static int family_proven(size_t i, tfa_kind k, size_t *end, size_t *len)
{
    const char *name = tfa_fact_name(tfa_fact_at(i));
    const char *dot = strchr(name, '.');
    size_t j, own = 0;
    int all = 1;

    *len = dot ? (size_t)(dot - name) : strlen(name);
    for (j = i; j < tfa_fact_count(); j++) {
        const tfa_fact *f = tfa_fact_at(j);
        if (strncmp(tfa_fact_name(f), name, *len) != 0 || tfa_fact_name(f)[*len] != '.')
            break;
        if (!of_its_own(f))
            continue;
        own++;
        all &= tfa_fact_kind_proves(f, k);
    }
    *end = j;
    return all && own;
}

/* "plan.*, drift.count, ...": the facts kind k proves by itself (facts of
 * any input and derived facts are left out: they are listed as such). */
static void kind_facts(tfa_buf *out, tfa_kind k)
{
    size_t i = 0, end, len, n = 0, j;

    while (i < tfa_fact_count()) {
        if (family_proven(i, k, &end, &len)) {
            tfa_buf_printf(out, "%s%.*s.*", n++ ? ", " : "", (int)len,
                           tfa_fact_name(tfa_fact_at(i)));
            i = end;
            continue;
        }
        for (j = i; j < end; j++) {
            const tfa_fact *f = tfa_fact_at(j);
            if (tfa_fact_kind_proves(f, k) && of_its_own(f))
                tfa_buf_printf(out, "%s%s", n++ ? ", " : "", tfa_fact_name(f));
        }
        i = end;
    }
    if (!n)
        tfa_buf_puts(out, "none of its own");
}

static void kinds_text(tfa_buf *out)
{
    size_t k;
    int c, n;

    tfa_buf_puts(out, "\nwhat each input kind proves (a query over a collection no input fills,\n"
                      "or a fact no input gives a value, is an ERROR, never an empty PASS;\n"
                      "facts marked \"any\" or \"derived\" above are read from every input):\n");
    for (k = 0; k < TFA_ARRAY_SIZE(kinds); k++) {
        tfa_buf_printf(out, "  %s:\n    collections: ", tfa_kind_name(kinds[k]));
        for (c = 0, n = 0; c < TFA_COLL_COUNT; c++)
            if (tfa_coll_kind_proves((tfa_coll)c, kinds[k]))
                tfa_buf_printf(out, "%s%s", n++ ? ", " : "", tfa_coll_name((tfa_coll)c));
        tfa_buf_puts(out, "\n    facts: ");
        kind_facts(out, kinds[k]);
        tfa_buf_putc(out, '\n');
    }
}

int tfa_report_facts_text(tfa_buf *out, const tfa_run *run, const tfa_eval_context *context)
{
    tfa_fact_source src;

    if (run && tfa_fact_source_init(&src, run, context) != 0)
        return TFA_ENOMEM;
    facts_text(out, run ? &src : NULL);
    collections_text(out, run);
    kinds_text(out);
    return tfa_buf_status(out);
}

static json_t *fact_json(const tfa_fact *f, const tfa_fact_source *src, int *bad)
{
    json_t *o = json_object();
    const char *why = NULL;
    tfa_value v;
    int has = src && tfa_fact_value(f, src, &v, &why);

    tfa_jbuild_set(o, "name", json_string(tfa_fact_name(f)), bad);
    tfa_jbuild_set(o, "type", json_string(tfa_vtype_name(tfa_fact_type(f))), bad);
    tfa_jbuild_set(o, "description", json_string(tfa_fact_doc(f)), bad);
    tfa_jbuild_set(o, "proven_by", json_string(tfa_fact_proven_by(f)), bad);
    tfa_jbuild_set(o, "value", has ? tfa_verdict_json_value(&v) : json_null(), bad);
    tfa_jbuild_set(o, "missing", why ? json_string(why) : json_null(), bad);
    return o;
}

static json_t *coll_json(tfa_coll c, const tfa_run *run, int *bad)
{
    json_t *o = json_object(), *fields = json_array();
    size_t i;

    tfa_jbuild_set(o, "name", json_string(tfa_coll_name(c)), bad);
    tfa_jbuild_set(o, "description", json_string(tfa_coll_doc(c)), bad);
    tfa_jbuild_set(o, "proven_by", json_string(tfa_coll_proven_by(c)), bad);
    tfa_jbuild_set(o, "elements",
                   run ? json_integer((json_int_t)tfa_coll_size(run, c)) : json_null(), bad);
    for (i = 0; i < tfa_field_count(c); i++) {
        const tfa_field *f = tfa_field_at(c, i);
        json_t *fo = json_object();
        tfa_jbuild_set(fo, "name", json_string(tfa_field_name(f)), bad);
        tfa_jbuild_set(fo, "type", json_string(tfa_vtype_name(tfa_field_type(f))), bad);
        tfa_jbuild_set(fo, "description", json_string(tfa_field_doc(f)), bad);
        tfa_jbuild_append(fields, fo, bad);
    }
    tfa_jbuild_set(o, "fields", fields, bad);
    return o;
}

/* {"plan": {"collections": [...], "facts": [...]}, ...} */
static json_t *kinds_json(int *bad)
{
    json_t *o = json_object();
    size_t k, i;
    int c;

    for (k = 0; k < TFA_ARRAY_SIZE(kinds); k++) {
        json_t *ko = json_object(), *colls = json_array(), *facts = json_array();
        for (c = 0; c < TFA_COLL_COUNT; c++)
            if (tfa_coll_kind_proves((tfa_coll)c, kinds[k]))
                tfa_jbuild_append(colls, json_string(tfa_coll_name((tfa_coll)c)), bad);
        for (i = 0; i < tfa_fact_count(); i++)
            if (tfa_fact_kind_proves(tfa_fact_at(i), kinds[k]))
                tfa_jbuild_append(facts, json_string(tfa_fact_name(tfa_fact_at(i))), bad);
        tfa_jbuild_set(ko, "collections", colls, bad);
        tfa_jbuild_set(ko, "facts", facts, bad);
        tfa_jbuild_set(o, tfa_kind_name(kinds[k]), ko, bad);
    }
    return o;
}

json_t *tfa_report_facts_json(const tfa_run *run, const tfa_eval_context *context)
{
    json_t *root, *facts, *colls;
    tfa_fact_source src;
    size_t i;
    int bad = 0, c;

    if (run && tfa_fact_source_init(&src, run, context) != 0)
        return NULL;
    root = json_object(), facts = json_array(), colls = json_array();
    for (i = 0; i < tfa_fact_count(); i++)
        tfa_jbuild_append(facts, fact_json(tfa_fact_at(i), run ? &src : NULL, &bad), &bad);
    for (c = 0; c < TFA_COLL_COUNT; c++)
        tfa_jbuild_append(colls, coll_json((tfa_coll)c, run, &bad), &bad);
    tfa_jbuild_set(root, "facts", facts, &bad);
    tfa_jbuild_set(root, "collections", colls, &bad);
    tfa_jbuild_set(root, "proven_by_kind", kinds_json(&bad), &bad);
    if (bad) {
        json_decref(root);
        return NULL;
    }
    return root;
}
