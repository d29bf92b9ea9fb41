/*
 * pin.h - a plan's digest for the "checksum guardrail": approve a plan by its
 * pin, then check the plan being applied has the same pin.
 *
 * The pin is SHA-256 over a canonical listing of what the plan will do: its
 * format and tool versions, variable names (never values), every resource
 * change except pure no-ops (address, deposed key, action, replace order,
 * previous address, import id, reason, and the digest of its before/after
 * values), and output changes (name, action). Key order, whitespace,
 * escapes, number spelling and the timestamp do not change it; any planned
 * change does. Written "tfapin1:" + 64 hex digits.
 */
#ifndef TFA_PIN_H
#define TFA_PIN_H

#include "run.h"

#define TFA_PIN_PREFIX "tfapin1:"
#define TFA_PIN_CHARS  (8 + 64 + 1)

/* Pin of the plan inputs of `run`: TFA_ENOTFOUND when it has none,
 * TFA_ENOMEM. */
int tfa_plan_pin(const tfa_run *run, char out[TFA_PIN_CHARS]);

/* Whether `s` is spelled like a pin. */
int tfa_pin_is_valid(const char *s);

#endif
