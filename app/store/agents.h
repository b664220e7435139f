/*
 * store/agents.h - agents: the agent object, its writes, roles and teams links, API keys,
 * availability.
 */
#ifndef STORE_AGENTS_H
#define STORE_AGENTS_H

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
extern const struct db_stmt STMT_AGENT_JSON[1];
extern const struct db_stmt STMT_AGENT_EXISTS[1];
extern const struct db_stmt STMT_API_KEY_SET[1];
extern const struct db_stmt STMT_API_KEY_REVOKE[1];
extern const struct db_stmt STMT_AGENTS_JSON[1];
extern const struct db_stmt STMT_AGENTS_COMPACT_JSON[1];
extern const struct db_stmt STMT_AGENT_INSERT[1];
extern const struct db_stmt STMT_AGENT_UPDATE[1];
extern const struct db_stmt STMT_AGENT_SOFT_DELETE[1];
extern const struct db_stmt STMT_AGENT_UNASSIGN_OPEN[1];
extern const struct db_stmt STMT_USER_SESSIONS_REVOKE[1];
extern const struct db_stmt STMT_USER_ROLES_CLEAR[1];
extern const struct db_stmt STMT_USER_ROLES_ADD[1];
extern const struct db_stmt STMT_USER_TEAMS_CLEAR[1];
extern const struct db_stmt STMT_USER_TEAMS_ADD[1];
extern const struct db_stmt STMT_AVAILABILITY_SET[1];
extern const struct db_stmt CLI_AGENT_INSERT[1];
extern const struct db_stmt CLI_USER_ROLE_INSERT[1];
extern const struct db_stmt CLI_AGENT_SET_API_KEY[1];

/* APP_OK if id is a live agent, else APP_ERR_NOT_FOUND. */
enum app_err store_agent_exists(struct db *db, struct arena *a, int64_t id);

#endif
