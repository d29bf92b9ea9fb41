/*
 * ui_log_types.c - the message types of Terraform's and OpenTofu's
 * machine-readable UI (the `type` of every `-json` message), what the reader
 * does with each, and the lookup the reader makes once per message.
 */
#include "util/compat.h"

#include "ui_log.h"

/* Sorted (strcmp) for bsearch: views/json/message_types.go, plus OpenTofu's
 * "output" and the short-lived "deferred_change". */
static const uilog_type types[] = {
    {"action_complete", UILOG_MSG_OTHER},
    {"action_errored", UILOG_MSG_OTHER},
    {"action_progress", UILOG_MSG_OTHER},
    {"action_start", UILOG_MSG_OTHER},
    {"apply_complete", UILOG_MSG_APPLY_COMPLETE},
    {"apply_errored", UILOG_MSG_APPLY_ERRORED},
    {"apply_progress", UILOG_MSG_APPLY_PROGRESS},
    {"apply_start", UILOG_MSG_APPLY_START},
    {"built_in_provider_available", UILOG_MSG_OTHER},
    {"change_summary", UILOG_MSG_SUMMARY},
    {"deferred_change", UILOG_MSG_OTHER},
    {"diagnostic", UILOG_MSG_DIAG},
    {"ephemeral_op_complete", UILOG_MSG_OTHER},
    {"ephemeral_op_errored", UILOG_MSG_OTHER},
    {"ephemeral_op_progress", UILOG_MSG_OTHER},
    {"ephemeral_op_start", UILOG_MSG_OTHER},
    {"list_complete", UILOG_MSG_OTHER},
    {"list_resource_found", UILOG_MSG_OTHER},
    {"list_start", UILOG_MSG_OTHER},
    {"log", UILOG_MSG_OTHER},
    {"migration_complete", UILOG_MSG_OTHER},
    {"migration_destination_initialization_complete", UILOG_MSG_OTHER},
    {"migration_destination_initialization_start", UILOG_MSG_OTHER},
    {"migration_errored", UILOG_MSG_OTHER},
    {"migration_finalized", UILOG_MSG_OTHER},
    {"migration_source_initialization_complete", UILOG_MSG_OTHER},
    {"migration_source_initialization_start", UILOG_MSG_OTHER},
    {"migration_start", UILOG_MSG_OTHER},
    {"output", UILOG_MSG_OTHER},
    {"outputs", UILOG_MSG_OUTPUTS},
    {"planned_action_invocation", UILOG_MSG_OTHER},
    {"planned_change", UILOG_MSG_PLANNED},
    {"policy_diagnostic", UILOG_MSG_OTHER},
    {"policy_info", UILOG_MSG_OTHER},
    {"policy_query_summary", UILOG_MSG_OTHER},
    {"policy_result", UILOG_MSG_OTHER},
    {"provider_automatic_approval", UILOG_MSG_OTHER},
    {"provider_installation_start", UILOG_MSG_OTHER},
    {"provider_interactive_approval", UILOG_MSG_OTHER},
    {"provider_interactive_rejection", UILOG_MSG_OTHER},
    {"provider_lockfile_created", UILOG_MSG_OTHER},
    {"provider_lockfile_updated", UILOG_MSG_OTHER},
    {"provider_query_use_constraints", UILOG_MSG_OTHER},
    {"provider_query_use_latest", UILOG_MSG_OTHER},
    {"provider_query_use_previous_version", UILOG_MSG_OTHER},
    {"provider_version_already_installed", UILOG_MSG_OTHER},
    {"provider_version_found_in_cache_dir", UILOG_MSG_OTHER},
    {"provider_version_installation_complete", UILOG_MSG_OTHER},
    {"provider_version_installation_start", UILOG_MSG_OTHER},
    {"provision_complete", UILOG_MSG_OTHER},
    {"provision_errored", UILOG_MSG_OTHER},
    {"provision_progress", UILOG_MSG_OTHER},
    {"provision_start", UILOG_MSG_OTHER},
    {"refresh_complete", UILOG_MSG_OTHER},
    {"refresh_start", UILOG_MSG_OTHER},
    {"resource_drift", UILOG_MSG_DRIFT},
    {"state_store_initialization_start", UILOG_MSG_OTHER},
    {"state_store_provider_installation_start", UILOG_MSG_OTHER},
    {"test_abstract", UILOG_MSG_OTHER},
    {"test_cleanup", UILOG_MSG_OTHER},
    {"test_file", UILOG_MSG_OTHER},
    {"test_interrupt", UILOG_MSG_OTHER},
    {"test_plan", UILOG_MSG_OTHER},
    {"test_retry", UILOG_MSG_OTHER},
    {"test_run", UILOG_MSG_OTHER},
    {"test_state", UILOG_MSG_OTHER},
    {"test_status", UILOG_MSG_OTHER},
    {"test_summary", UILOG_MSG_OTHER},
    {"third_party_providers_installed", UILOG_MSG_OTHER},
    {"version", UILOG_MSG_VERSION},
};

static int cmp_type(const void *key, const void *elem)
{
    return strcmp(key, ((const uilog_type *)elem)->name);
}

/* The few types of a long run (refresh_start and refresh_complete alternate
 * through a refresh) are found in the cache, by length and last letter,
 * before the table is searched. */
const uilog_type *tfa_uilog__type(uilog_type_cache *c, const char *name, size_t len)
{
    const uilog_type **slot, *t;

    if (len == 0)
        return NULL;
    slot = &c->seen[(len * 7 + (unsigned char)name[len - 1]) % TFA_UILOG_SEEN_TYPES];
    if ((t = *slot) && strncmp(t->name, name, len + 1) == 0)
        return t;
    t = bsearch(name, types, TFA_ARRAY_SIZE(types), sizeof(types[0]), cmp_type);
    if (t)
        *slot = t;
    return t;
}
