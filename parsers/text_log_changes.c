/*
 * text_log_changes.c - resource blocks of a text plan -> TFA_LIST_PLANNED and
 * TFA_LIST_DRIFT records, with the NAMES of changed attributes.
 *
 * A block is a header line and the resource body under it (jsonformat/
 * plan.go in Terraform 0.15+, format/diff.go in 0.12 to 0.14):
 *
 *     # aws_instance.web will be updated in-place         <- header
 *     # (moved from aws_instance.old)                     <- notes
 *   ~ resource "aws_instance" "web" {                     <- body opens
 *       ~ tags = {                                        <- container
 *           ~ "Owner" = "alice" -> "bob"                  <- changed: tags.Owner
 *         }
 *       ~ password = (sensitive value)                    <- changed, sensitive
 *       ~ user_data = <<-EOT                              <- value spans lines:
 *             ...                                            skipped unread
 *         EOT
 *         id = "i-123"                                    <- unchanged
 *     }                                                   <- body closes
 *
 * Terraform 0.11 has "  ~ aws_instance.web" and "      tags.Owner: "a" =>
 * "b"" body lines instead. The path of a changed line is the names of the
 * containers it is in, by indentation, plus its own name; list elements add
 * no step (the text does not say their index). Values are never looked at
 * beyond "is it (sensitive value)": a line's text after its name is not
 * copied anywhere. Paths are sorted, deduplicated, and a path is dropped
 * when a longer one under it is listed (as plan JSON lists leaves).
 */
#include "util/compat.h"

#include "util/sort.h"

#include "address.h"
#include "text_log.h"
#include "util/alloc.h"
#include "util/limits.h"

typedef struct tfa_tl_frame {
    long indent;     /* symbol column of the container's line */
    size_t path_len; /* path length before the container's name */
} tfa_tl_frame;

void tfa_tl_block_init(tfa_tl_block *b)
{
    memset(b, 0, sizeof(*b));
    tfa_buf_init(&b->skip_end, TFA_LIMIT_STRING_BYTES);
    tfa_buf_init(&b->path, TFA_BUF_NO_MAX);   /* long paths are dropped when recorded */
    tfa_buf_init(&b->frames, TFA_BUF_NO_MAX); /* one frame per line at most */
    tfa_buf_init(&b->changed, TFA_BUF_NO_MAX);
    tfa_buf_init(&b->forces, TFA_BUF_NO_MAX);
}

void tfa_tl_block_release(tfa_tl_block *b)
{
    tfa_buf_release(&b->skip_end);
    tfa_buf_release(&b->path);
    tfa_buf_release(&b->frames);
    tfa_buf_release(&b->changed);
    tfa_buf_release(&b->forces);
}

static void block_reset(tfa_tl_block *b)
{
    b->change = NULL;
    b->legacy = b->body = b->skipping = b->truncated = 0;
    b->n_changed = b->n_forces = 0;
    tfa_buf_clear(&b->skip_end);
    tfa_buf_clear(&b->path);
    tfa_buf_clear(&b->frames);
    tfa_buf_clear(&b->changed);
    tfa_buf_clear(&b->forces);
}

/* ---- path lists ------------------------------------------------------------------ */

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a + 1, *(const char *const *)b + 1);
}

/* Whether entry path `p` has a descendant among the sorted entries after it. */
static int has_descendant(char **e, size_t i, size_t n)
{
    const char *p = e[i] + 1;
    size_t len = strlen(p), j;
    for (j = i + 1; j < n && strncmp(e[j] + 1, p, len) == 0; j++)
        if (e[j][1 + len] == '.' || e[j][1 + len] == '[')
            return 1;
    return 0;
}

/*
 * Sort and deduplicate the entries of `list` ("flag byte, path, NUL" each),
 * merging flags, dropping ancestors of listed paths and keeping at most `max`.
 * Rewrites the buffer in that order. Sets *truncated when entries were cut.
 */
static int compact(tfa_buf *list, size_t *count, size_t max, int *truncated)
{
    char **e = NULL;
    tfa_buf out;
    size_t i, n = 0, kept = 0;
    const char *p;
    int rc = 0;

    if (*count == 0)
        return 0;
    if (!(e = tfa_malloc(*count * sizeof(*e))))
        return TFA_ENOMEM;
    for (p = list->ptr; n < *count && p < list->ptr + list->len; p += strlen(p + 1) + 2)
        e[n++] = (char *)list->ptr + (p - list->ptr);
    tfa_sort(e, n, sizeof(*e), entry_cmp);
    tfa_buf_init(&out, TFA_BUF_NO_MAX);
    for (i = 0; i < n; i++) {
        if (i + 1 < n && strcmp(e[i] + 1, e[i + 1] + 1) == 0) {
            e[i + 1][0] = (char)(e[i + 1][0] | e[i][0]);
            continue;
        }
        if (has_descendant(e, i, n))
            continue;
        if (kept == max) {
            *truncated = 1;
            break;
        }
        tfa_buf_put(&out, e[i], strlen(e[i] + 1) + 2);
        kept++;
    }
    if ((rc = tfa_buf_status(&out)) == 0) {
        tfa_buf_clear(list);
        tfa_buf_put(list, out.ptr, out.len);
        rc = tfa_buf_status(list);
        *count = kept;
    }
    tfa_buf_release(&out);
    tfa_free(e);
    return rc;
}

/* Record the current path (when not too long) in `list`. Compacts when the
 * raw list reaches twice the limit, so a long log of repeated blocks stays
 * bounded. */
static int record(tfa_text_log *r, tfa_buf *list, size_t *count, int sensitive)
{
    tfa_tl_block *b = &r->block;
    size_t max = r->ctx->limits->changed_paths;
    char flag = (char)(sensitive ? 1 : 0);

    if (b->path.len == 0 || memchr(b->path.ptr, '\0', b->path.len))
        return 0; /* entries are NUL-terminated; no Terraform name holds a NUL */
    if (b->path.len > TFA_LIMIT_PATH_BYTES) {
        b->truncated = 1;
        return 0;
    }
    if (*count >= max && b->truncated)
        return 0;
    tfa_buf_put(list, &flag, 1);
    tfa_buf_put(list, b->path.ptr, b->path.len + 1);
    if (tfa_buf_status(list))
        return tfa_tl_oom(r);
    if (++*count >= 2 * max && compact(list, count, max, &b->truncated) != 0)
        return tfa_tl_oom(r);
    return 0;
}

/* The run's copy of a compacted list. */
static int list_to_run(tfa_text_log *r, tfa_buf *list, size_t count, const char *const **paths,
                       const unsigned char **flags)
{
    const char **v;
    unsigned char *f = NULL;
    const char *p = list->ptr;
    size_t i;

    if (count == 0)
        return 0;
    v = tfa_run_alloc(r->run, count * sizeof(*v));
    if (!v || (flags && !(f = tfa_run_alloc(r->run, count))))
        return tfa_tl_oom(r);
    for (i = 0; i < count; i++, p += strlen(p + 1) + 2) {
        if (!(v[i] = tfa_run_strdup(r->run, p + 1)))
            return tfa_tl_oom(r);
        if (f)
            f[i] = (unsigned char)p[0];
    }
    *paths = v;
    if (flags)
        *flags = f;
    return 0;
}

/* ---- blocks ---------------------------------------------------------------------- */

static const char *span_dup(tfa_text_log *r, const tfa_text_span *s)
{
    return tfa_tl_strndup(r, s->ptr, s->len, r->ctx->limits->string_bytes);
}

int tfa_tl_block_open(tfa_text_log *r, const tfa_text_header *h, int legacy)
{
    tfa_list list =
        h->drift || (r->drift_section && h->prev.len) ? TFA_LIST_DRIFT : TFA_LIST_PLANNED;
    tfa_change *c;
    int rc = tfa_tl_block_close(r);

    if (rc)
        return rc;
    if (!(c = tfa_run_push_change(r->run, list)))
        return tfa_tl_oom(r);
    c->input = r->input;
    c->pos = r->line.pos;
    c->action = h->action;
    c->replace = h->replace;
    c->reason = h->reason;
    c->importing = h->importing;
    rc = tfa_run_resource_from_address(r->run, &c->res, h->addr.ptr, h->addr.len);
    if (rc == TFA_ENOMEM) /* TFA_EINPUT cannot happen: the grammar checked the address */
        return tfa_tl_oom(r);
    if ((h->deposed.len && !(c->res.deposed = span_dup(r, &h->deposed))) ||
        (h->prev.len && !(c->prev_address = span_dup(r, &h->prev))))
        return tfa_tl_oom(r);
    r->block.change = c;
    r->block.legacy = legacy;
    r->block.body = legacy;
    return 0;
}

int tfa_tl_block_close(tfa_text_log *r)
{
    tfa_tl_block *b = &r->block;
    tfa_change *c = b->change;
    size_t max = r->ctx->limits->changed_paths;
    int rc;

    if (!c)
        return 0;
    if ((rc = compact(&b->changed, &b->n_changed, max, &b->truncated)) != 0 ||
        (rc = compact(&b->forces, &b->n_forces, max, &b->truncated)) != 0)
        return tfa_tl_oom(r);
    if ((rc = list_to_run(r, &b->changed, b->n_changed, &c->changed, &c->changed_sensitive)) ||
        (rc = list_to_run(r, &b->forces, b->n_forces, &c->replace_paths, NULL)))
        return rc;
    c->n_changed = b->n_changed;
    c->n_replace_paths = b->n_forces;
    c->changed_truncated = b->truncated;
    if (c->action == TFA_ACTION_REPLACE && !c->reason && b->n_forces)
        c->reason = "replace_because_cannot_update";
    block_reset(b);
    return 0;
}

/* Drop containers at or right of `indent` (the line is their sibling or
 * closes them). */
static void pop_frames(tfa_tl_block *b, long indent)
{
    tfa_tl_frame f;
    while (b->frames.len >= sizeof(f)) {
        memcpy(&f, b->frames.ptr + b->frames.len - sizeof(f), sizeof(f));
        if (f.indent < indent)
            break;
        tfa_buf_truncate(&b->path, f.path_len);
        tfa_buf_truncate(&b->frames, b->frames.len - sizeof(f));
    }
}

static void push_frame(tfa_tl_block *b, long indent, size_t path_len)
{
    tfa_tl_frame f;
    f.indent = indent;
    f.path_len = path_len;
    tfa_buf_put(&b->frames, &f, sizeof(f));
}

static int identifier(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
              (i && ((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))))
            return 0;
    return n > 0;
}

/* Append a name as a path step: `.name`, or `["odd key"]` (plan_json.c's form). */
static void path_step(tfa_buf *path, const tfa_text_span *name)
{
    if (!identifier(name->ptr, name->len)) {
        tfa_buf_put(path, "[\"", 2);
        tfa_buf_put(path, name->ptr, name->len);
        tfa_buf_put(path, "\"]", 2);
        return;
    }
    if (path->len)
        tfa_buf_putc(path, '.');
    tfa_buf_put(path, name->ptr, name->len);
}

/* One line of a 0.12+ body (after the resource's own line). */
static int body_line(tfa_text_log *r, long col)
{
    tfa_tl_block *b = &r->block;
    tfa_text_attr a;
    size_t base;
    int rc = 0;

    tfa_text_attr_parse(r->line.text, r->line.len, &a);
    if (a.kind == TFA_ATTR_CLOSE && col <= 4)
        return tfa_tl_block_close(r); /* the resource's own "}" */
    if (a.kind == TFA_ATTR_CLOSE || a.elem_open)
        pop_frames(b, a.indent);
    if (a.elem_open)
        push_frame(b, a.indent, b->path.len);
    if (a.kind == TFA_ATTR_NONE && a.sensitive) /* "this block is (or was) sensitive" */
        rc = record(r, &b->changed, &b->n_changed, 1);
    if (a.kind == TFA_ATTR_NONE || a.kind == TFA_ATTR_CLOSE)
        return rc ? rc : tfa_buf_status(&b->frames) ? tfa_tl_oom(r) : 0;
    pop_frames(b, a.indent);
    base = b->path.len;
    path_step(&b->path, &a.name);
    if (tfa_buf_status(&b->path))
        return tfa_tl_oom(r);
    if ((a.changed && (rc = record(r, &b->changed, &b->n_changed, a.sensitive)) != 0) ||
        (a.forces && (rc = record(r, &b->forces, &b->n_forces, 0)) != 0))
        return rc;
    if (a.kind == TFA_ATTR_OPEN) {
        push_frame(b, a.indent, base);
        return tfa_buf_status(&b->frames) ? tfa_tl_oom(r) : 0;
    }
    tfa_buf_truncate(&b->path, base);
    if (a.kind == TFA_ATTR_SKIP) {
        b->skipping = 1;
        b->skip_indent = a.indent;
        tfa_buf_clear(&b->skip_end);
        if (tfa_buf_put(&b->skip_end, a.end.ptr, a.end.len) != 0)
            return tfa_tl_oom(r);
    }
    return 0;
}

/* Whether the line ends a skipped multi-line value. */
static int skip_ends(const tfa_tl_block *b, const tfa_line *l, long col)
{
    const char *t = l->text + col;
    size_t n = l->len - (size_t)col;
    if (b->skip_end.len == 1 && b->skip_end.ptr[0] == ')')
        return n && t[0] == ')' && col - 2 <= b->skip_indent;
    return n == b->skip_end.len && memcmp(t, b->skip_end.ptr, n) == 0;
}

/* Header notes and the body's opening line. */
static int before_body(tfa_text_log *r)
{
    tfa_tl_block *b = &r->block;
    tfa_change *c = b->change;
    tfa_text_header h;
    tfa_text_span id = {NULL, 0};
    tfa_replace rep;

    memset(&h, 0, sizeof(h));
    if (tfa_text_header_note(r->line.text, r->line.len, &h, &id)) {
        if (h.reason && !c->reason)
            c->reason = h.reason;
        c->importing |= h.importing;
        if ((id.len && !(c->importing_id = span_dup(r, &id))) ||
            (h.prev.len && !c->prev_address && !(c->prev_address = span_dup(r, &h.prev))))
            return tfa_tl_oom(r);
        return 1;
    }
    if (tfa_text_body_open(r->line.text, r->line.len, &rep)) {
        b->body = 1;
        if (c->action == TFA_ACTION_REPLACE && c->replace == TFA_REPLACE_NONE)
            c->replace = rep;
        return 1;
    }
    return 0;
}

int tfa_tl_block_feed(tfa_text_log *r)
{
    tfa_tl_block *b = &r->block;
    const tfa_line *l = &r->line;
    tfa_text_attr a;
    long col = 0;
    int rc;

    if (l->len == 0)
        return 1; /* heredocs hold blank lines; blocks are separated by them */
    while ((size_t)col < l->len && l->text[col] == ' ')
        col++;
    if (!b->body) {
        if ((rc = before_body(r)) != 0)
            return rc;
    } else if (col >= 4) {
        if (b->skipping) {
            b->skipping = !skip_ends(b, l, col);
            return 1;
        }
        if (!b->legacy)
            return (rc = body_line(r, col)) < 0 ? rc : 1;
        if (tfa_text_legacy_attr_parse(l->text, l->len, &a)) {
            tfa_buf_clear(&b->path);
            tfa_buf_put(&b->path, a.name.ptr, a.name.len);
            if (tfa_buf_status(&b->path))
                return tfa_tl_oom(r);
            if ((rc = record(r, &b->changed, &b->n_changed, a.sensitive)) != 0 ||
                (a.forces && (rc = record(r, &b->forces, &b->n_forces, 0)) != 0))
                return rc;
        }
        return 1;
    }
    return (rc = tfa_tl_block_close(r)) != 0 ? rc : 0;
}
