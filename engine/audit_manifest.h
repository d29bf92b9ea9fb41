/*
 * audit_manifest.h - audit.json: what a nightly audit covers, when folders
 * are not enough (inputs in several places, remote inputs, a checklist,
 * waivers, known drift or sign-offs per workspace).
 *
 *   {
 *     "checklist": "checklists/nightly-drift.md",   default checklist
 *     "waivers": "waivers.md",                      default waivers (optional)
 *     "known_drift": "known-drift.md",              default known drift (optional)
 *     "expect": "no-changes",                       optional, for every workspace
 *     "workspaces": [
 *       {"name": "prod-api",
 *        "inputs": ["runs/prod-api/plan.json", "runs/prod-api/apply.json"],
 *        "checklist": "...", "waivers": "...", "known_drift": "...",   optional
 *        "sign_offs": ["leadership=alice:reviewed"],                   optional
 *        "expect": "no-changes"}                                       optional
 *     ]
 *   }
 *
 * Relative paths are relative to the manifest's folder. Inputs take every
 * form `tfaudit gate` takes (files, directories, archives, https:// and
 * tfc: inputs). Every local path must exist when the manifest is loaded: a
 * missing one is an error at its line in the manifest, before anything is
 * evaluated. A workspace whose inputs exist but hold no document (an empty
 * folder) is missing, like a folder that is gone in a directory audit.
 * The checklists, waivers and known-drift files named are loaded once each,
 * also before any input is read, so their errors come first too.
 */
#ifndef TFA_AUDIT_MANIFEST_H
#define TFA_AUDIT_MANIFEST_H

#include "audit.h"

typedef struct tfa_audit_manifest tfa_audit_manifest;

/* Read `path`. Errors "audit.json:LINE:COL: message": TFA_EINPUT (shape,
 * unknown key, missing name or inputs, a path that does not exist),
 * TFA_ENOTFOUND, TFA_EIO, TFA_EUSAGE (a bad sign-off or workspace name), and
 * the errors of the checklists, waivers and known-drift files it names. */
int tfa_audit_manifest_load(tfa_audit_manifest **out, const char *path, tfa_error *err);
void tfa_audit_manifest_free(tfa_audit_manifest *m);

/* The manifest's defaults (NULL when it names none); borrowed. */
const tfa_checklist *tfa_audit_manifest_checklist(const tfa_audit_manifest *m);
const tfa_waivers *tfa_audit_manifest_waivers(const tfa_audit_manifest *m);
const tfa_known_drift *tfa_audit_manifest_known_drift(const tfa_audit_manifest *m);
int tfa_audit_manifest_expect_no_changes(const tfa_audit_manifest *m);

/* Add every workspace to `audit`. */
int tfa_audit_manifest_add(const tfa_audit_manifest *m, tfa_audit *audit, tfa_error *err);

#endif
