/*
 * store/activity_log.c - the activity log.
 */
#include "store/activity_log.h"

#include <arpa/inet.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lists/query.h"
#include "store/store.h"

/* ip when it is an IPv4 or IPv6 address, else NULL (no address recorded). */
static const char *inet_or_null(const char *ip)
{
    unsigned char buf[sizeof(struct in6_addr)];
    if (ip == NULL || *ip == '\0')
        return NULL;
    if (inet_pton(AF_INET, ip, buf) == 1 || inet_pton(AF_INET6, ip, buf) == 1)
        return ip;
    return NULL;
}

/*
 * $1 type, $2 actor, $3 what follows "<email> (#<id>) ", $4 target model,
 * $5 target id (NULL: the actor), $6 ip.  No row if the actor is gone, or
 * if the type is one of deskd's own (agent_offline, settings_updated) and
 * the database is an adopted Libredesk one, whose activity_log_type keeps
 * upstream's labels only (sql/adopt/017).
 */
static const struct db_stmt add_stmt = {
    "activity_log_add",
    "INSERT INTO activity_logs (activity_type, activity_description, actor_id,"
    " target_model_type, target_model_id, ip)"
    " SELECT $1::text::activity_log_type,"
    " coalesce(u.email, '') || ' (#' || u.id || ') ' || $3::text,"
    " u.id, $4::text, coalesce($5::bigint, u.id), $6::inet FROM users u WHERE u.id = $2::bigint"
    " AND $1::text = ANY (enum_range(NULL::activity_log_type)::text[])",
    6, 0};

static enum app_err add(struct db *db, struct arena *a, const char *type, int64_t actor,
                        const char *what, const char *target_type, const char *target_id,
                        const char *ip)
{
    const char *p[] = {type, store_i64(a, actor), what, target_type, target_id, inet_or_null(ip)};
    enum app_err e = store_one(db, a, &add_stmt, p, NULL, NULL);
    if (e != APP_OK)
        log_warnx("activity log: could not record %s of user %lld", type, (long long)actor);
    return e;
}

enum app_err store_activity_log_login(struct db *db, struct arena *a, int64_t actor, const char *ip)
{
    return add(db, a, "agent_login", actor, "logged in", "user", NULL, ip);
}

enum app_err store_activity_log_logout(struct db *db, struct arena *a, int64_t actor,
                                       const char *ip)
{
    return add(db, a, "agent_logout", actor, "logged out", "user", NULL, ip);
}

enum app_err store_activity_log_availability(struct db *db, struct arena *a, int64_t actor,
                                             const char *status, const char *ip)
{
    static const struct {
        const char *status, *type, *what;
    } map[] = {
        {"online", "agent_online", "is online"},
        {"away_manual", "agent_away", "is away"},
        {"away_and_reassigning", "agent_away_reassigned", "is away and reassigning"},
        {"offline", "agent_offline", "is offline"},
    };
    for (size_t i = 0; status != NULL && i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(status, map[i].status) == 0)
            return add(db, a, map[i].type, actor, map[i].what, "user", NULL, ip);
    return APP_OK;
}

enum app_err store_activity_log_settings(struct db *db, struct arena *a, int64_t actor,
                                         const char *section, const char *ip)
{
    const char *what = arena_printf(a, "updated %s settings", section);
    return add(db, a, "settings_updated", actor, what, "settings", "0", ip);
}

enum app_err store_activity_log_list(struct db *db, struct arena *a, const struct cq_query *q,
                                     int64_t *total, const char **results, size_t *len)
{
    return store_list_page(db, a, q, total, results, len);
}
