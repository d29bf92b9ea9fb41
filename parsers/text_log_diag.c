/*
 * text_log_diag.c - "Error:" / "Warning:" blocks of a text log -> tfa_diag,
 * and the state lock error's "Lock Info:" block -> tfa_lock.
 *
 * Terraform prints a diagnostic (internal/command/format/diagnostic.go) as
 *
 *   ╷
 *   │ Error: Unsupported argument                     <- summary
 *   │
 *   │   with aws_instance.web,                         <- address
 *   │   on main.tf line 3, in resource "aws_instance" "web":   <- range
 *   │    3:   ami = "ami-123"                         <- configuration
 *   │     ├────────────────
 *   │     │ var.ami is "ami-123"                      <- values!
 *   │
 *   │ An argument named "ami" is not expected here.  <- detail prose
 *   ╵
 *
 * without the box when colour is off (0.12 to 1.x), and 0.11 prints
 * "Error: ..." followed by "* ADDR: message" lines and, for interpolation
 * errors, the offending "${...}" expression on a line of its own.
 *
 * What is kept of the detail (the rule): prose lines only, i.e. lines that
 * start at the left margin. Terraform word-wraps prose to the margin and
 * prints everything else indented: the source snippet (configuration text,
 * which can hold literal secrets), the expression value gutter ("│ var.x is
 * ..."), preformatted provider output, the Lock Info fields. Lines starting
 * "${" (0.11's quoted expression) are dropped too. The address and range
 * lines are parsed into their fields, not kept as text. Summary and detail
 * are cut at TFA_LIMIT_MESSAGE_BYTES. Prose itself is kept as printed:
 * Terraform renders sensitive values in prose as "(sensitive value)".
 */
#include "util/compat.h"

#include "plan_tally.h"
#include "text_log.h"
#include "util/limits.h"

void tfa_tl_diag_init(tfa_text_log *r)
{
    tfa_buf_init(&r->detail, TFA_BUF_NO_MAX); /* bounded by detail_put */
}

void tfa_tl_diag_release(tfa_text_log *r)
{
    tfa_buf_release(&r->detail);
}

static int push_lock_error(tfa_text_log *r)
{
    tfa_lock *lk = tfa_run_push_lock(r->run);
    if (!lk)
        return tfa_tl_oom(r);
    lk->input = r->input;
    lk->event = TFA_LOCK_ERROR;
    lk->pos = r->line.pos;
    r->lock = lk;
    return 0;
}

int tfa_tl_diag_open(tfa_text_log *r, tfa_severity sev, const char *summary, size_t len, int boxed)
{
    tfa_diag *d;
    int rc = tfa_tl_diag_close(r);

    if (rc)
        return rc;
    if (!(d = tfa_run_push_diag(r->run)))
        return tfa_tl_oom(r);
    d->input = r->input;
    d->severity = sev;
    d->pos = r->line.pos;
    if (!(d->summary = tfa_tl_strndup(r, summary, len, TFA_LIMIT_MESSAGE_BYTES)))
        return tfa_tl_oom(r);
    r->diag = d;
    r->diag_boxed = boxed;
    tfa_plan_tally_diag(&r->in->log, sev, d->summary, &d->pos, r->runs.applying);
    /* 1.x: "Error acquiring the state lock"; 0.12: "Error locking state: Error
     * acquiring the state lock: ..." */
    if (sev == TFA_SEV_ERROR && memmem(summary, len, "Error acquiring the state lock", 30))
        return push_lock_error(r);
    return 0;
}

/* Append to the detail, cut at TFA_LIMIT_MESSAGE_BYTES on a character boundary. */
static void detail_put(tfa_text_log *r, const char *s, size_t n)
{
    size_t room = TFA_LIMIT_MESSAGE_BYTES - r->detail.len;

    if (r->detail_full)
        return;
    if (n > room) {
        n = room;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        r->detail_full = 1;
    }
    tfa_buf_put(&r->detail, s, n);
}

static int lock_field(tfa_text_log *r, const tfa_text_span *key, const tfa_text_span *value)
{
    const char **field;
    tfa_lock *lk = r->lock;

    switch (key->ptr[0]) {
    case 'I':
        field = key->len == 2 ? &lk->id : &lk->info;
        break;
    case 'P':
        field = &lk->path;
        break;
    case 'O':
        field = &lk->operation;
        break;
    case 'W':
        field = &lk->who;
        break;
    case 'V':
        field = &lk->version;
        break;
    default:
        field = &lk->created;
        break;
    }
    if (value->len == 0)
        return 0;
    *field = tfa_tl_strndup(r, value->ptr, value->len, r->ctx->limits->string_bytes);
    return *field ? 0 : tfa_tl_oom(r);
}

/* 0.11: "* aws_instance.x: Error launching source instance: ..." */
static int legacy_item(tfa_text_log *r)
{
    const tfa_line *l = &r->line;
    size_t n;
    int rc;

    if (l->len < 3 || l->text[0] != '*' || l->text[1] != ' ')
        return 0;
    n = tfa_text_address_len(l->text + 2, l->len - 2, 1);
    if (!n || 2 + n >= l->len || l->text[2 + n] != ':')
        return 0;
    if (!r->diag->address && !(r->diag->address = tfa_run_strndup(r->run, l->text + 2, n)))
        return tfa_tl_oom(r);
    rc = tfa_tl_apply_errored(r, l->text + 2, n);
    return rc;
}

int tfa_tl_diag_feed(tfa_text_log *r)
{
    const tfa_line *l = &r->line;
    tfa_diag *d = r->diag;
    tfa_text_span a, b;
    unsigned long line;
    int rc;

    if (r->lock_info) {
        if (tfa_text_lock_field(l->text, l->len, &a, &b))
            return lock_field(r, &a, &b);
        r->lock_info = 0;
    }
    if (l->len == 0) {
        r->detail_gap = r->detail.len > 0;
        return 0;
    }
    if (l->len == 10 && memcmp(l->text, "Lock Info:", 10) == 0) {
        r->lock_info = 1;
        return r->lock ? 0 : push_lock_error(r);
    }
    if (!d->address && tfa_text_diag_with(l->text, l->len, &a))
        return (d->address = tfa_run_strndup(r->run, a.ptr, a.len)) ? 0 : tfa_tl_oom(r);
    if (!d->range_file && tfa_text_diag_range(l->text, l->len, &a, &line)) {
        d->range_line = line;
        d->range_file = tfa_tl_strndup(r, a.ptr, a.len, r->ctx->limits->string_bytes);
        return d->range_file ? 0 : tfa_tl_oom(r);
    }
    if (l->text[0] == ' ' || l->text[0] == '\t' || (l->text[0] == '$' && l->text[1] == '{'))
        return 0; /* configuration, values, preformatted text: never kept */
    if ((rc = legacy_item(r)) != 0)
        return rc;
    if (r->detail.len)
        detail_put(r, "\n\n", r->detail_gap ? 2 : 1);
    detail_put(r, l->text, l->len);
    r->detail_gap = 0;
    return 0;
}

int tfa_tl_diag_close(tfa_text_log *r)
{
    tfa_diag *d = r->diag;
    int rc = 0;

    if (!d)
        return 0;
    if (tfa_buf_status(&r->detail))
        return tfa_tl_oom(r);
    if (r->detail.len && !(d->detail = tfa_run_strndup(r->run, r->detail.ptr, r->detail.len)))
        return tfa_tl_oom(r);
    if (d->address)
        rc = tfa_tl_apply_errored(r, d->address, strlen(d->address));
    r->diag = NULL;
    r->lock = NULL;
    r->lock_info = 0;
    tfa_buf_clear(&r->detail);
    r->detail_gap = r->detail_full = 0;
    return rc;
}
