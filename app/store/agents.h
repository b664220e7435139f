/*
 * store/agents.h - agents: the agent object, its writes with their roles
 * and teams, API keys, availability.
 */
#ifndef STORE_AGENTS_H
#define STORE_AGENTS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* APP_OK if id is a live agent, else APP_ERR_NOT_FOUND. */
enum app_err store_agent_exists(struct db *db, struct arena *a, int64_t id);

/*
 * The full agent object (reference §12) with its roles, permissions and
 * teams, never its password or secret; APP_ERR_NOT_FOUND if id is no live
 * agent.
 */
enum app_err store_agent_json(struct db *db, struct arena *a, int64_t id, const char **json,
                              size_t *len);

/* Live agents as upstream's UserCompact, most recently changed first. */
enum app_err store_agents_json(struct db *db, struct arena *a, const char **json, size_t *len);

/* Live agents and AI assistants for pickers, by name. */
enum app_err store_agents_compact_json(struct db *db, struct arena *a, const char **json,
                                       size_t *len);

/* What an agent write sets. */
struct store_agent_in {
    const char *email; /* normalised */
    const char *first_name;
    const char *last_name;     /* NULL or "": none */
    int enabled;               /* 1, 0, or -1: unchanged (enabled for a new agent) */
    const char *availability;  /* NULL: unchanged (offline for a new agent) */
    const char *password_hash; /* NULL: unchanged */
    const char *roles;         /* JSON array of role names, replacing the agent's */
    const char *teams;         /* JSON array of team names replacing the agent's; NULL: unchanged */
};

/*
 * A new agent with its roles and teams, in one transaction; *id is its id.
 * APP_ERR_CONFLICT if a live agent has the e-mail.  Names that are no
 * role or team are left out (see store_roles_unknown()).
 */
enum app_err store_agent_create(struct db *db, struct arena *a, const struct store_agent_in *in,
                                int64_t *id);

/* As store_agent_create() for an existing agent; APP_ERR_NOT_FOUND if id is no live agent. */
enum app_err store_agent_update(struct db *db, struct arena *a, int64_t id,
                                const struct store_agent_in *in);

/*
 * Soft-deletes the agent, in one transaction: disabled, its API key gone,
 * out of its roles and teams, its sessions revoked, its open conversations
 * unassigned.  APP_ERR_NOT_FOUND if id is no live agent.
 */
enum app_err store_agent_delete(struct db *db, struct arena *a, int64_t id);

/* Sets the user's availability (a user_availability_status) and last activity. */
enum app_err store_agent_availability_set(struct db *db, struct arena *a, int64_t id,
                                          const char *status);

/*
 * Replaces the agent's API key (key, bcrypt hash of its secret) and
 * forgets when the old one was used; APP_ERR_NOT_FOUND if id is no live
 * agent (AI assistants have none).
 */
enum app_err store_agent_api_key_set(struct db *db, struct arena *a, int64_t id, const char *key,
                                     const char *hash);

/* As store_agent_api_key_set() for the live agent with this e-mail (any case). */
enum app_err store_agent_api_key_set_by_email(struct db *db, struct arena *a, const char *email,
                                              const char *key, const char *hash);

/* Removes the agent's API key; APP_ERR_NOT_FOUND if id is no live agent. */
enum app_err store_agent_api_key_revoke(struct db *db, struct arena *a, int64_t id);

/*
 * An agent made by the CLI, in one transaction: e-mail stored lower-case,
 * last_name as given, offline, holding the one role.  APP_ERR_CONFLICT if
 * a live agent has the e-mail.
 */
enum app_err store_agent_create_with_role(struct db *db, struct arena *a, const char *email,
                                          const char *first_name, const char *last_name,
                                          const char *password_hash, int64_t role_id);

#endif
