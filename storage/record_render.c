/*
 * record_render.c - text, Markdown and JSON views of a ledger record (see
 * record_render.h for the members read).
 */
#include "util/compat.h"

#include "record_render.h"
#include "util/escape.h"
#include "util/utc.h"

/* A string member, or NULL. */
static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

/* A Markdown table cell: the one Markdown escaper (util/escape.h). */
static void md_cell(tfa_buf *b, const char *s)
{
    tfa_esc_md_text(b, or_dash(s));
}

/* One line of the text view: formatted whole, then through the text
 * escaper (util/escape.h), so a record's strings cannot end it early or
 * reach the terminal as control characters. */
__attribute__((format(printf, 2, 3))) static void line(tfa_buf *b, const char *fmt, ...)
{
    tfa_buf raw;
    va_list ap;

    tfa_buf_init(&raw, TFA_BUF_NO_MAX);
    va_start(ap, fmt);
    tfa_buf_vprintf(&raw, fmt, ap);
    va_end(ap);
    tfa_esc_text_n(b, raw.ptr, raw.len);
    tfa_buf_putc(b, '\n');
    if (tfa_buf_status(&raw) && !b->failed)
        b->failed = tfa_buf_status(&raw);
    tfa_buf_release(&raw);
}

static void md_row(tfa_buf *b, const char *const *cells, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        tfa_buf_puts(b, "| ");
        md_cell(b, cells[i]);
        tfa_buf_putc(b, ' ');
    }
    tfa_buf_puts(b, "|\n");
}

static void md_head(tfa_buf *b, const char *const *cells, size_t n)
{
    size_t i;
    md_row(b, cells, n);
    for (i = 0; i < n; i++)
        tfa_buf_puts(b, "|---");
    tfa_buf_puts(b, "|\n");
}

static int put_chunk(const char *data, size_t len, void *payload)
{
    return tfa_buf_put(payload, data, len) ? -1 : 0;
}

/* JSON of a value, appended (a failure shows in the buffer's status). */
static void put_json(tfa_buf *b, const json_t *v, size_t flags)
{
    if (json_dump_callback(v, put_chunk, b, flags | JSON_ENCODE_ANY) != 0 && !b->failed)
        b->failed = TFA_ENOMEM;
}

/* ---- text --------------------------------------------------------------- */

static void text_items(tfa_buf *b, const json_t *items)
{
    size_t i, w = 2;
    const json_t *it;

    json_array_foreach(items, i, it)
    {
        const char *id = str(it, "id");
        if (id && strlen(id) > w)
            w = strlen(id);
    }
    tfa_buf_puts(b, "\nitems:\n");
    json_array_foreach(items, i, it)
    {
        const char *level = str(it, "level"), *reason = str(it, "reason");
        int soft = level && strcmp(level, "hard") != 0;
        line(b, "  %-8s %-*s  %s%s%s%s%s%s", or_dash(str(it, "status")), (int)w,
             or_dash(str(it, "id")), or_dash(str(it, "title")), soft ? " (" : "", soft ? level : "",
             soft ? ")" : "", reason ? ": " : "", reason ? reason : "");
    }
}

static void text_lists(tfa_buf *b, const json_t *r)
{
    const json_t *it;
    size_t i;

    if (json_array_size(json_object_get(r, "waivers")))
        tfa_buf_puts(b, "\nwaivers:\n");
    json_array_foreach(json_object_get(r, "waivers"), i, it)
        line(b, "  %s: %s (owner %s, expires %s)", or_dash(str(it, "item")),
             or_dash(str(it, "reason")), or_dash(str(it, "owner")), or_dash(str(it, "expires")));
    if (json_array_size(json_object_get(r, "sign_offs")))
        tfa_buf_puts(b, "\nsign-offs:\n");
    json_array_foreach(json_object_get(r, "sign_offs"), i, it)
    {
        const char *note = str(it, "note");
        int has_note = note && *note;
        line(b, "  %s: %s%s%s%s", or_dash(str(it, "item")), or_dash(str(it, "name")),
             has_note ? " (" : "", has_note ? note : "", has_note ? ")" : "");
    }
    if (json_array_size(json_object_get(r, "inputs")))
        tfa_buf_puts(b, "\ninputs:\n");
    json_array_foreach(json_object_get(r, "inputs"), i, it)
        line(b, "  %s: %s, %" JSON_INTEGER_FORMAT " bytes, sha256 %s", or_dash(str(it, "path")),
             or_dash(str(it, "kind")), json_integer_value(json_object_get(it, "bytes")),
             or_dash(str(it, "sha256")));
}

static void render_text(tfa_buf *b, const tfa_ledger_record *rec)
{
    const json_t *r = rec->record, *cl = json_object_get(r, "checklist");
    char iso[TFA_UTC_ISO_SIZE];

    tfa_utc_format_iso(rec->time, iso);
    line(b, "record %lld: %s", (long long)rec->id, or_dash(rec->verdict));
    line(b, "  time:       %s", iso);
    line(b, "  workspace:  %s", or_dash(rec->workspace));
    line(b, "  window:     %s", or_dash(rec->window));
    line(b, "  operator:   %s", or_dash(rec->operator_name));
    line(b, "  tfaudit:    %s", or_dash(rec->tool_version));
    if (cl)
        line(b, "  checklist:  %s (sha256 %s)", or_dash(str(cl, "path")),
             or_dash(str(cl, "sha256")));
    line(b, "  hash:       %s", rec->hash);
    line(b, "  previous:   %s", rec->prev_hash);
    if (json_array_size(json_object_get(r, "items")))
        text_items(b, json_object_get(r, "items"));
    text_lists(b, r);
}

/* ---- Markdown ----------------------------------------------------------- */

static void md_items(tfa_buf *b, const json_t *items)
{
    static const char *const head[] = {"Status", "Item", "Title", "Level", "Reason"};
    const json_t *it, *ev;
    size_t i;

    tfa_buf_puts(b, "\n## Items\n\n");
    md_head(b, head, TFA_ARRAY_SIZE(head));
    json_array_foreach(items, i, it)
    {
        const char *cells[] = {str(it, "status"), str(it, "id"), str(it, "title"), str(it, "level"),
                               str(it, "reason")};
        md_row(b, cells, TFA_ARRAY_SIZE(cells));
    }
    tfa_buf_puts(b, "\n## Evidence\n");
    json_array_foreach(items, i, it)
    {
        ev = json_object_get(it, "evidence");
        if (!ev || (json_is_object(ev) && json_object_size(ev) == 0))
            continue;
        /* JSON's own escaping keeps the fence closed: no line of an
         * indented dump starts with a backtick */
        tfa_buf_puts(b, "\n### ");
        md_cell(b, str(it, "id"));
        tfa_buf_puts(b, "\n\n```json\n");
        put_json(b, ev, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        tfa_buf_puts(b, "\n```\n");
    }
}

static void md_lists(tfa_buf *b, const json_t *r)
{
    static const char *const wh[] = {"Item", "Reason", "Owner", "Expires"};
    static const char *const sh[] = {"Item", "Signed off by", "Note"};
    static const char *const ih[] = {"Input", "Kind", "Bytes", "SHA-256"};
    const json_t *it;
    char bytes[32];
    size_t i;

    if (json_array_size(json_object_get(r, "waivers"))) {
        tfa_buf_puts(b, "\n## Waivers\n\n");
        md_head(b, wh, TFA_ARRAY_SIZE(wh));
    }
    json_array_foreach(json_object_get(r, "waivers"), i, it)
    {
        const char *c[] = {str(it, "item"), str(it, "reason"), str(it, "owner"),
                           str(it, "expires")};
        md_row(b, c, TFA_ARRAY_SIZE(c));
    }
    if (json_array_size(json_object_get(r, "sign_offs"))) {
        tfa_buf_puts(b, "\n## Sign-offs\n\n");
        md_head(b, sh, TFA_ARRAY_SIZE(sh));
    }
    json_array_foreach(json_object_get(r, "sign_offs"), i, it)
    {
        const char *c[] = {str(it, "item"), str(it, "name"), str(it, "note")};
        md_row(b, c, TFA_ARRAY_SIZE(c));
    }
    if (json_array_size(json_object_get(r, "inputs"))) {
        tfa_buf_puts(b, "\n## Inputs\n\n");
        md_head(b, ih, TFA_ARRAY_SIZE(ih));
    }
    json_array_foreach(json_object_get(r, "inputs"), i, it)
    {
        const char *c[] = {str(it, "path"), str(it, "kind"), bytes, str(it, "sha256")};
        snprintf(bytes, sizeof(bytes), "%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(it, "bytes")));
        md_row(b, c, TFA_ARRAY_SIZE(c));
    }
}

static void render_markdown(tfa_buf *b, const tfa_ledger_record *rec)
{
    static const char *const head[] = {"Field", "Value"};
    const json_t *r = rec->record, *cl = json_object_get(r, "checklist");
    char iso[TFA_UTC_ISO_SIZE], id[32];
    const char *rows[][2] = {
        {"Record", id},
        {"Time (UTC)", iso},
        {"Workspace", rec->workspace},
        {"Apply window", rec->window},
        {"Operator", rec->operator_name},
        {"tfaudit", rec->tool_version},
        {"Checklist", str(cl, "path")},
        {"Checklist SHA-256", str(cl, "sha256")},
        {"Record hash", rec->hash},
        {"Previous hash", rec->prev_hash},
    };
    size_t i;

    tfa_utc_format_iso(rec->time, iso);
    snprintf(id, sizeof(id), "%lld", (long long)rec->id);
    tfa_buf_puts(b, "# ");
    md_cell(b, rec->workspace);
    tfa_buf_puts(b, ": ");
    md_cell(b, rec->verdict);
    tfa_buf_puts(b, "\n\n**Verdict: ");
    md_cell(b, rec->verdict);
    tfa_buf_printf(b, "** (tfaudit ledger record %lld)\n\n", (long long)rec->id);
    md_head(b, head, 2);
    for (i = 0; i < TFA_ARRAY_SIZE(rows); i++)
        md_row(b, rows[i], 2);
    if (json_array_size(json_object_get(r, "items")))
        md_items(b, json_object_get(r, "items"));
    md_lists(b, r);
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *tfa_record_to_json(const tfa_ledger_record *rec)
{
    char iso[TFA_UTC_ISO_SIZE];
    json_t *o = json_object();
    int bad = !o;

    tfa_utc_format_iso(rec->time, iso);
    bad |= json_object_set_new(o, "id", json_integer(rec->id));
    bad |= json_object_set_new(o, "time", json_string(iso));
    bad |= json_object_set_new(o, "workspace", str_or_null(rec->workspace));
    bad |= json_object_set_new(o, "window", str_or_null(rec->window));
    bad |= json_object_set_new(o, "operator", str_or_null(rec->operator_name));
    bad |= json_object_set_new(o, "verdict", str_or_null(rec->verdict));
    bad |= json_object_set_new(o, "tool_version", str_or_null(rec->tool_version));
    bad |= json_object_set_new(o, "hash", json_string(rec->hash));
    bad |= json_object_set_new(o, "prev_hash", json_string(rec->prev_hash));
    bad |= json_object_set(o, "record", rec->record);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int tfa_record_render(tfa_buf *out, const tfa_ledger_record *rec, tfa_record_format format,
                      tfa_error *err)
{
    json_t *j;

    switch (format) {
    case TFA_RECORD_TEXT:
        render_text(out, rec);
        break;
    case TFA_RECORD_MARKDOWN:
        render_markdown(out, rec);
        break;
    case TFA_RECORD_JSON:
        if (!(j = tfa_record_to_json(rec)))
            return tfa_error_oom(err);
        put_json(out, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        tfa_buf_putc(out, '\n');
        json_decref(j);
        break;
    }
    return tfa_buf_status(out) ? tfa_error_oom(err) : 0;
}
