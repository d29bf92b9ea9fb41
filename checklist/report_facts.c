/*
 * report_facts.c - the fact catalog as text and JSON (`tfaudit facts`), so
 * people discover what a checklist can say from the same table the
 * evaluator uses (facts_catalog.c).
 */
#include "util/compat.h"

#include "facts_catalog.h"
#include "report_int.h"
#include "util/escape.h"

/* Values wider than this are shown whole but do not widen the column. */
#define VALUE_COLUMN_MAX 32

static void value_text(tfa_buf *out, const tfa_fact *f, const tfa_run *run, const char **why)
{
    tfa_value v;
    *why = NULL;
    if (tfa_fact_value(f, run, &v, why))
        tfa_value_format(out, &v);
    else
        tfa_buf_putc(out, '-');
}

static void facts_text(tfa_buf *out, const tfa_run *run)
{
    size_t i, name_w = 4, value_w = 5;
    tfa_buf val;
    const char *why;

    tfa_buf_init(&val, TFA_BUF_NO_MAX);
    for (i = 0; i < tfa_fact_count(); i++) {
        const tfa_fact *f = tfa_fact_at(i);
        if (strlen(tfa_fact_name(f)) > name_w)
            name_w = strlen(tfa_fact_name(f));
        if (run) {
            tfa_buf_clear(&val);
            value_text(&val, f, run, &why);
            if (val.len > value_w)
                value_w = val.len > VALUE_COLUMN_MAX ? VALUE_COLUMN_MAX : val.len;
        }
    }
    tfa_buf_puts(out, "facts (a fact with no value makes the item reading it an ERROR):\n");
    tfa_buf_printf(out, "  %-*s  %-7s  ", (int)name_w, "NAME", "TYPE");
    if (run)
        tfa_buf_printf(out, "%-*s  ", (int)value_w, "VALUE");
    tfa_buf_puts(out, "DESCRIPTION\n");
    for (i = 0; i < tfa_fact_count(); i++) {
        const tfa_fact *f = tfa_fact_at(i);
        tfa_buf_printf(out, "  %-*s  %-7s  ", (int)name_w, tfa_fact_name(f),
                       tfa_vtype_name(tfa_fact_type(f)));
        why = NULL;
        if (run) {
            tfa_buf_clear(&val);
            value_text(&val, f, run, &why);
            tfa_esc_textf(out, "%-*s  ", (int)value_w, val.ptr); /* values come from inputs */
        }
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
        tfa_buf_putc(out, '\n');
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

int tfa_report_facts_text(tfa_buf *out, const tfa_run *run)
{
    facts_text(out, run);
    collections_text(out, run);
    return tfa_buf_status(out);
}

static int put(json_t *o, const char *key, json_t *v)
{
    return json_object_set_new(o, key, v) != 0; /* frees v on failure */
}

static int push(json_t *a, json_t *v)
{
    return json_array_append_new(a, v) != 0;
}

static json_t *fact_json(const tfa_fact *f, const tfa_run *run, int *bad)
{
    json_t *o = json_object();
    const char *why = NULL;
    tfa_value v;
    int has = run && tfa_fact_value(f, run, &v, &why);

    *bad |= put(o, "name", json_string(tfa_fact_name(f)));
    *bad |= put(o, "type", json_string(tfa_vtype_name(tfa_fact_type(f))));
    *bad |= put(o, "description", json_string(tfa_fact_doc(f)));
    *bad |= put(o, "value", has ? tfa_json_value(&v) : json_null());
    *bad |= put(o, "missing", why ? json_string(why) : json_null());
    return o;
}

static json_t *coll_json(tfa_coll c, const tfa_run *run, int *bad)
{
    json_t *o = json_object(), *fields = json_array();
    size_t i;

    *bad |= put(o, "name", json_string(tfa_coll_name(c)));
    *bad |= put(o, "description", json_string(tfa_coll_doc(c)));
    *bad |= put(o, "elements", run ? json_integer((json_int_t)tfa_coll_size(run, c)) : json_null());
    for (i = 0; i < tfa_field_count(c); i++) {
        const tfa_field *f = tfa_field_at(c, i);
        json_t *fo = json_object();
        *bad |= put(fo, "name", json_string(tfa_field_name(f)));
        *bad |= put(fo, "type", json_string(tfa_vtype_name(tfa_field_type(f))));
        *bad |= put(fo, "description", json_string(tfa_field_doc(f)));
        *bad |= push(fields, fo);
    }
    *bad |= put(o, "fields", fields);
    return o;
}

json_t *tfa_report_facts_json(const tfa_run *run)
{
    json_t *root = json_object(), *facts = json_array(), *colls = json_array();
    size_t i;
    int bad = 0, c;

    for (i = 0; i < tfa_fact_count(); i++)
        bad |= push(facts, fact_json(tfa_fact_at(i), run, &bad));
    for (c = 0; c < TFA_COLL_COUNT; c++)
        bad |= push(colls, coll_json((tfa_coll)c, run, &bad));
    bad |= put(root, "facts", facts);
    bad |= put(root, "collections", colls);
    if (bad) {
        json_decref(root);
        return NULL;
    }
    return root;
}
