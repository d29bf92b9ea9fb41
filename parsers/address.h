/*
 * address.h - split a Terraform resource instance address into its parts.
 *
 * Logs (UI and text) name resources only by address, so their readers use
 * this to fill the same tfa_resource fields a plan JSON states explicitly:
 *
 *   module.net["eu"].module.vpc[0].data.aws_ami.base["x"]
 *   `---------- module ----------' mode `-type-' name index
 *
 * Instance keys may hold any characters inside their quotes, dots and
 * brackets included; the splitter honours quotes and escapes.
 */
#ifndef TFA_ADDRESS_H
#define TFA_ADDRESS_H

#include <stddef.h>

#include "run.h"

typedef struct tfa_span {
    size_t off, len; /* len 0 = absent */
} tfa_span;

typedef struct tfa_address {
    tfa_span module; /* "module.a[0].module.b"; absent in the root module */
    tfa_span mode;   /* "data" / "ephemeral" prefix; absent for managed */
    tfa_span type, name;
    tfa_span index; /* text inside the final brackets: 0 or "key" */
} tfa_address;

/* 0, or TFA_EINPUT when `addr` is not a resource instance address. */
int tfa_address_parse(const char *addr, size_t len, tfa_address *out);

/* Fill `dst` (strings copied into the run) from an address; the mode is
 * "managed" unless the address says otherwise. TFA_EINPUT / TFA_ENOMEM. */
int tfa_run_resource_from_address(tfa_run *run, tfa_resource *dst, const char *addr, size_t len);

#endif
