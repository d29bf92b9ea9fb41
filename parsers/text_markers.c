/*
 * text_markers.c - text log recognition (see text_markers.h).
 */
#include "util/compat.h"

#include "text_markers.h"

int tfa_text_has_marker(const char *text, size_t len)
{
    static const char *const markers[] = {"Terraform v",
                                          "OpenTofu v",
                                          "Terraform will perform",
                                          "OpenTofu will perform",
                                          "Plan: ",
                                          "No changes.",
                                          "Apply complete!",
                                          "Destroy complete!",
                                          "Error: ",
                                          "Sentinel Result:",
                                          "Cost estimation:",
                                          "Refreshing state...",
                                          "Acquiring state lock",
                                          ": Creating...",
                                          ": Creation complete",
                                          ": Destroying...",
                                          ": Modifying...",
                                          "Objects have changed outside of",
                                          "Terraform used the selected providers",
                                          "Initializing the backend",
                                          "Initializing provider plugins"};
    size_t i;
    for (i = 0; i < TFA_ARRAY_SIZE(markers); i++)
        if (memmem(text, len, markers[i], strlen(markers[i])))
            return 1;
    return 0;
}
