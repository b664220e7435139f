/*
 * rules/permissions.c - see permissions.h.
 */
#include "rules/permissions.h"

#include <string.h>

/* Sized by its initialiser: a count in permissions.h that differs does not compile. */
const char *const permissions_known[] = {
    /* Conversations */
    "conversations:read",
    "conversations:read_all",
    "conversations:read_unassigned",
    "conversations:read_assigned",
    "conversations:read_team_inbox",
    "conversations:read_team_all",
    "conversations:write",
    "conversations:update_user_assignee",
    "conversations:update_team_assignee",
    "conversations:update_priority",
    "conversations:update_status",
    "conversations:update_tags",
    /* Messages */
    "messages:read",
    "messages:write",
    "messages:write_as_contact",
    /* Views */
    "view:manage",
    "shared_views:manage",
    /* Administration */
    "status:manage",
    "tags:manage",
    "macros:manage",
    "users:manage",
    "teams:manage",
    "automations:manage",
    "inboxes:manage",
    "roles:manage",
    "templates:manage",
    "reports:manage",
    "business_hours:manage",
    "sla:manage",
    "general_settings:manage",
    "notification_settings:manage",
    "oidc:manage",
    "ai:manage",
    "custom_attributes:manage",
    "activity_logs:manage",
    "webhooks:manage",
    "context_links:manage",
    /* Contacts */
    "contacts:read_all",
    "contacts:read",
    "contacts:write",
    "contacts:block",
    "contact_notes:read",
    "contact_notes:write",
    "contact_notes:delete",
};

int permission_index(const char *name)
{
    for (size_t i = 0; name != NULL && i < PERMISSIONS_COUNT; i++)
        if (strcmp(name, permissions_known[i]) == 0)
            return (int)i;
    return -1;
}
