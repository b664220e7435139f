/*
 * store/activity_log.h - upstream's activity log (activity_logs): what an
 * agent did (logged in or out, changed availability, changed settings),
 * recorded after the change succeeded, and the page an admin reads.
 *
 * The record functions write one row whose actor and target are the
 * agent; the description starts "<actor's e-mail> (#<id>) " as upstream's
 * does.  ip is the caller's address (NULL or not an address: none).  A
 * failure is logged here and returned; callers ignore it, as upstream does.
 */
#ifndef STORE_ACTIVITY_LOG_H
#define STORE_ACTIVITY_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;
struct cq_query;

/* agent_login: "<email> (#<id>) logged in". */
enum app_err store_activity_log_login(struct db *db, struct arena *a, int64_t actor,
                                      const char *ip);

/* agent_logout: "<email> (#<id>) logged out". */
enum app_err store_activity_log_logout(struct db *db, struct arena *a, int64_t actor,
                                       const char *ip);

/*
 * The actor set their own availability to status: online -> agent_online
 * ("is online"), away_manual -> agent_away ("is away"),
 * away_and_reassigning -> agent_away_reassigned ("is away and
 * reassigning"), offline -> agent_offline ("is offline").  The automatic
 * "away" (idle) is not recorded, as upstream.
 */
enum app_err store_activity_log_availability(struct db *db, struct arena *a, int64_t actor,
                                             const char *status, const char *ip);

/*
 * settings_updated: "<email> (#<id>) updated <section> settings", target
 * model "settings" with id 0 (settings have no numeric id).
 */
enum app_err store_activity_log_settings(struct db *db, struct arena *a, int64_t actor,
                                         const char *section, const char *ip);

/* The page built by cq_activity_logs_build(): the exact total and the page (JSON array). */
enum app_err store_activity_log_list(struct db *db, struct arena *a, const struct cq_query *q,
                                     int64_t *total, const char **results, size_t *len);

#endif
