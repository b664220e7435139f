/*
 * rules/permissions.h - every permission a role may hold: upstream's full
 * list (internal/authz/models of Libredesk v2.7.0), named once.  Role writes
 * accept these names and nothing else.
 */
#ifndef RULES_PERMISSIONS_H
#define RULES_PERMISSIONS_H

#include <stddef.h>

/* How many there are. */
#define PERMISSIONS_COUNT 44

/* The known permissions, `object:action`, each once. */
extern const char *const permissions_known[PERMISSIONS_COUNT];

/* name's index in permissions_known, or -1 if it is no known permission (or NULL). */
int permission_index(const char *name);

#endif
