/*
 * store/teams.h - teams and their members.
 */
#ifndef STORE_TEAMS_H
#define STORE_TEAMS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* APP_OK if the team exists, else APP_ERR_NOT_FOUND. */
enum app_err store_team_exists(struct db *db, struct arena *a, int64_t id);

/* *member 1 if the agent belongs to the team. */
enum app_err store_team_member(struct db *db, struct arena *a, int64_t team_id, int64_t user_id,
                               int *member);

/*
 * A team as upstream sends it: {id, created_at, updated_at, emoji, name,
 * conversation_assignment_type, timezone ("" when unset), business_hours_id,
 * sla_policy_id, max_auto_assigned_conversations}.
 */

/* Every team, most recently changed first. */
enum app_err store_teams_json(struct db *db, struct arena *a, const char **json, size_t *len);

/* [{id, name, emoji}] by name, for pickers. */
enum app_err store_teams_compact_json(struct db *db, struct arena *a, const char **json,
                                      size_t *len);

/* The teams the agent belongs to, by name. */
enum app_err store_teams_of_agent_json(struct db *db, struct arena *a, int64_t user_id,
                                       const char **json, size_t *len);

/* One team; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_team_json(struct db *db, struct arena *a, int64_t id, const char **json,
                             size_t *len);

/*
 * The first of names (a JSON array of strings) that is no team's name
 * (*unknown borrowed), or NULL if every one is.
 */
enum app_err store_teams_unknown(struct db *db, struct arena *a, const char *names,
                                 const char **unknown);

/* What a team write sets. */
struct store_team_in {
    const char *name;
    const char *emoji;           /* NULL: none */
    const char *assignment_type; /* Manual or Round robin */
    const char *timezone;        /* NULL: none */
    int64_t business_hours_id;   /* 0: none */
    int64_t sla_policy_id;       /* 0: none */
    int64_t max_auto_assigned;   /* max_auto_assigned_conversations */
};

/*
 * A new team, as JSON.  APP_ERR_CONFLICT if the name is taken,
 * APP_ERR_INPUT if the business hours or SLA policy do not exist.
 */
enum app_err store_team_create(struct db *db, struct arena *a, const struct store_team_in *in,
                               const char **json, size_t *len);

/* Sets every field of the team; as store_team_create(), or APP_ERR_NOT_FOUND. */
enum app_err store_team_update(struct db *db, struct arena *a, int64_t id,
                               const struct store_team_in *in, const char **json, size_t *len);

/* Deletes the team (its members with it); APP_ERR_NOT_FOUND if there is none. */
enum app_err store_team_delete(struct db *db, struct arena *a, int64_t id);

#endif
