/*
 * signoff_token.c - signed sign-off tokens: made by `tfaudit sign-off`,
 * read by every gate given --allowed-signers (see waivers.h).
 *
 * The signature covers the bytes "tfaso1." + base64url(claim): the claim
 * is checked exactly as it was signed, never re-serialized. Refusals that
 * depend only on the token (bad signature, a key not allowed for the role)
 * are found here; those that depend on the gate (another plan, expired)
 * in tfa_signoff_refusal.
 */
#include "util/compat.h"

#include <jansson.h>

#include "util/utc.h"
#include "signoff_priv.h"
#include "util/alloc.h"
#include "util/limits.h"

int tfa_signoff_token_make(tfa_buf *out, const tfa_signer *key, const tfa_signoff_claim *claim,
                           tfa_error *err)
{
    char issued[TFA_UTC_ISO_SIZE], expires[TFA_UTC_ISO_SIZE], sig[TFA_SIG_B64_SIZE];
    tfa_buf signed_part, raw_sig;
    json_t *j = NULL;
    char *text = NULL;
    int rc = 0;

    tfa_buf_init(&signed_part, TFA_BUF_NO_MAX);
    tfa_buf_init(&raw_sig, TFA_BUF_NO_MAX);
    if (!claim->role || !*claim->role || !claim->pin || !*claim->pin)
        return tfa_error_set(err, TFA_EUSAGE, "a sign-off needs a role and a plan pin");
    if (claim->expires <= claim->issued)
        return tfa_error_set(err, TFA_EUSAGE, "a sign-off must expire after it is issued");
    tfa_utc_format_iso(claim->issued, issued);
    tfa_utc_format_iso(claim->expires, expires);
    j = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "expires", expires, "format",
                  TFA_SIGNOFF_FORMAT, "issued", issued, "key", tfa_signer_key_id(key), "note",
                  claim->note ? json_string(claim->note) : json_null(), "pin", claim->pin, "role",
                  claim->role);
    if (!j || !(text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS))) {
        rc = j ? tfa_error_oom(err)
               : tfa_error_set(err, TFA_EUSAGE, "the role, note and pin must be valid UTF-8");
        goto done;
    }
    tfa_buf_puts(&signed_part, TFA_SIGNOFF_TOKEN_PREFIX);
    if (tfa_base64_encode(&signed_part, text, strlen(text), 1) != 0) {
        rc = tfa_error_oom(err);
        goto done;
    }
    if ((rc = tfa_signer_sign(key, signed_part.ptr, signed_part.len, sig, err)) != 0)
        goto done;
    if (tfa_base64_decode(&raw_sig, sig, strlen(sig), 0) != 0 ||
        tfa_buf_put(out, signed_part.ptr, signed_part.len) != 0 || tfa_buf_putc(out, '.') != 0 ||
        tfa_base64_encode(out, raw_sig.ptr, raw_sig.len, 1) != 0)
        rc = tfa_error_oom(err);
done:
    tfa_free(text);
    json_decref(j);
    tfa_buf_release(&signed_part);
    tfa_buf_release(&raw_sig);
    return rc;
}

static int malformed(tfa_error *err, const char *why)
{
    return tfa_error_set(err, TFA_EUSAGE, "invalid sign-off token: %s", why);
}

/* The claim's string member `key`, copied into the arena; NULL if absent. */
static const char *member(tfa_arena *arena, const json_t *claim, const char *key, int *oom)
{
    const char *v = json_string_value(json_object_get(claim, key));
    const char *copy = v ? tfa_arena_strdup(arena, v) : NULL;
    if (v && !copy)
        *oom = 1;
    return copy;
}

static int read_claim(tfa_signoff *out, tfa_arena *arena, const json_t *claim, tfa_error *err)
{
    const char *format = json_string_value(json_object_get(claim, "format"));
    const char *issued = json_string_value(json_object_get(claim, "issued"));
    const char *expires = json_string_value(json_object_get(claim, "expires"));
    const json_t *note = json_object_get(claim, "note");
    int oom = 0;

    if (!format || strcmp(format, TFA_SIGNOFF_FORMAT) != 0)
        return malformed(err, "not a " TFA_SIGNOFF_FORMAT " claim");
    out->item = member(arena, claim, "role", &oom);
    out->pin = member(arena, claim, "pin", &oom);
    out->key_id = member(arena, claim, "key", &oom);
    out->note = member(arena, claim, "note", &oom);
    if (oom)
        return tfa_error_oom(err);
    if (!out->item || !*out->item || !out->pin || !out->key_id || !issued || !expires ||
        (note && !json_is_string(note) && !json_is_null(note)) ||
        tfa_utc_parse(&out->issued, issued, NULL) != 0 ||
        tfa_utc_parse(&out->expires, expires, NULL) != 0)
        return malformed(err, "a claim field is missing or malformed");
    return 0;
}

/* Signed by a key the list allows for this role? Sets name and refused. */
static int check_signer(tfa_signoff *out, tfa_arena *arena, const tfa_keyring *allowed,
                        const char *signed_part, size_t signed_len, const tfa_buf *raw_sig,
                        tfa_error *err)
{
    const tfa_public_key *pub = tfa_keyring_find(allowed, out->key_id, out->item);
    const tfa_public_key *any = tfa_keyring_find(allowed, out->key_id, NULL);
    char msg[TFA_KEY_ID_SIZE + 256];
    tfa_buf sig;
    int ok;

    out->name = any && any->comment ? any->comment : out->key_id;
    if (!pub) {
        if (any)
            snprintf(msg, sizeof(msg), "signing key %s (%s) is not allowed to sign off '%s'",
                     out->key_id, out->name, out->item);
        else
            snprintf(msg, sizeof(msg), "signing key %s is not in --allowed-signers", out->key_id);
        out->refused = tfa_arena_strdup(arena, msg);
        return out->refused ? 0 : tfa_error_oom(err);
    }
    tfa_buf_init(&sig, TFA_BUF_NO_MAX);
    if (tfa_base64_encode(&sig, raw_sig->ptr, raw_sig->len, 0) != 0) {
        tfa_buf_release(&sig);
        return tfa_error_oom(err);
    }
    ok = tfa_keyring_check(allowed, pub, signed_part, signed_len, sig.ptr);
    tfa_buf_release(&sig);
    if (ok < 0)
        return tfa_error_oom(err);
    if (!ok)
        out->refused = "sign-off token does not match its signature (altered)";
    return 0;
}

int tfa__signoff_token_read(tfa_signoff *out, tfa_arena *arena, const char *token,
                            const tfa_keyring *allowed, tfa_error *err)
{
    size_t len = strlen(token), plen = strlen(TFA_SIGNOFF_TOKEN_PREFIX);
    const char *payload = token + plen, *dot;
    tfa_buf claim_text, raw_sig;
    json_t *claim = NULL;
    int rc = 0;

    tfa_buf_init(&claim_text, TFA_LIMIT_TOKEN_BYTES);
    tfa_buf_init(&raw_sig, TFA_LIMIT_TOKEN_BYTES);
    memset(out, 0, sizeof(*out));
    if (len > TFA_LIMIT_TOKEN_BYTES)
        return tfa_error_set(err, TFA_EUSAGE, "invalid sign-off token: longer than %u bytes",
                             (unsigned)TFA_LIMIT_TOKEN_BYTES);
    if (!(dot = strchr(payload, '.')) ||
        tfa_base64_decode(&claim_text, payload, (size_t)(dot - payload), 1) != 0 ||
        tfa_base64_decode(&raw_sig, dot + 1, strlen(dot + 1), 1) != 0 ||
        raw_sig.len != TFA_SIG_BYTES) {
        rc = malformed(err, "expected tfaso1.CLAIM.SIGNATURE in base64url");
        goto done;
    }
    claim = json_loadb(claim_text.ptr, claim_text.len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(claim)) {
        rc = malformed(err, "the claim is not a JSON object");
        goto done;
    }
    out->is_signed = 1;
    if ((rc = read_claim(out, arena, claim, err)) != 0 ||
        (rc = check_signer(out, arena, allowed, token, (size_t)(dot - token), &raw_sig, err)) != 0)
        goto done;
    if (!(out->token = tfa_arena_strdup(arena, token)))
        rc = tfa_error_oom(err);
done:
    json_decref(claim);
    tfa_buf_release(&claim_text);
    tfa_buf_release(&raw_sig);
    return rc;
}
