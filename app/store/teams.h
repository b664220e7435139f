/*
 * store/teams.h - teams and their members.
 */
#ifndef STORE_TEAMS_H
#define STORE_TEAMS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h" /* transitional */
#include "lib/err.h"

struct arena;
struct db;
struct db_res;
struct db_stmt;
struct cq_query;
struct q_message_new;
struct sbuf;

/* Transitional: the statements, until each handler calls a typed function. */
extern const struct db_stmt STMT_TEAM_EXISTS[1];
extern const struct db_stmt STMT_UNKNOWN_TEAM[1];
extern const struct db_stmt STMT_TEAM_INSERT[1];
extern const struct db_stmt STMT_TEAM_UPDATE[1];
extern const struct db_stmt STMT_TEAM_DELETE[1];
extern const struct db_stmt STMT_TEAMS_JSON[1];
extern const struct db_stmt STMT_TEAM_JSON[1];
extern const struct db_stmt STMT_TEAMS_COMPACT_JSON[1];
extern const struct db_stmt STMT_MY_TEAMS_JSON[1];
extern const struct db_stmt STMT_TEAM_MEMBER[1];

/* 1 in *member if the agent belongs to the team. */
enum app_err q_team_member(struct db *db, struct arena *a, const char *team_id, const char *user_id,
                           int *member);

/* APP_OK if the team exists, else APP_ERR_NOT_FOUND. */
enum app_err store_team_exists(struct db *db, struct arena *a, int64_t id);

/* *member 1 if the agent belongs to the team. */
enum app_err store_team_member(struct db *db, struct arena *a, int64_t team_id, int64_t user_id,
                               int *member);

#endif
