/*
 * pin.h - a plan's digest for the "checksum guardrail": approve a plan by its
 * pin, then check the plan being applied has the same pin.
 *
 * The pin ("tfapin2:" + 64 hex digits) is SHA-256 over a canonical listing
 * of everything in the plan that decides what the apply will do:
 *  - per plan document: format_version, plan_format_version and
 *    terraform_version;
 *  - every resource change except pure no-ops: address, deposed key,
 *    action and replace order, previous address (a move), import id,
 *    action_reason, provider_name (registry.terraform.io/hashicorp/aws: a
 *    resource now served by another provider pins differently), and a
 *    digest of its before/after values;
 *  - the "configuration" section as one canonical digest: provisioners
 *    (local-exec commands included), provider configuration, module
 *    sources and versions, resource expressions: any edit there pins
 *    differently;
 *  - every variable: its name and a digest of its value (sensitive ones
 *    too: they are digested, never stored or shown);
 *  - every output change except no-ops: name, action, sensitivity and a
 *    digest of its before/after values.
 * Not covered, on purpose: the timestamp, planned_values and prior_state
 * (what they say is either covered by the changes or is no action),
 * resource_drift (what happened outside Terraform, checked by drift-free),
 * relevant_attributes, checks. Digests are canonical (jsondigest.h): key
 * order, whitespace, escapes and number spelling never change a pin; no
 * value can be read back from one.
 *
 * Version 1 ("tfapin1:") covered only the changes (without provider),
 * output names and actions, variable names and versions. A tfapin1 pin is
 * recognised as such and refused with a message (approve the plan again),
 * never compared as if it were a current pin.
 */
#ifndef TFA_PIN_H
#define TFA_PIN_H

#include "run.h"

#define TFA_PIN_VERSION 2
#define TFA_PIN_PREFIX  "tfapin2:"
#define TFA_PIN_CHARS   (8 + 64 + 1)

/* Pin of the plan inputs of `run`: TFA_ENOTFOUND when it has none,
 * TFA_EUSAGE when a plan was loaded unpinned (input.h), TFA_ENOMEM. */
int tfa_plan_pin(const tfa_run *run, char out[TFA_PIN_CHARS]);

/* Whether `s` is spelled like a pin of this version. */
int tfa_pin_is_valid(const char *s);

/* The version N of a string spelled "tfapinN:" + 64 hex digits, else 0.
 * A pin whose version is not TFA_PIN_VERSION comes from another tfaudit. */
int tfa_pin_version(const char *s);

#endif
