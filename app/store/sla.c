/*
 * store/sla.c - SLA policies.
 */
#include "store/sla.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "rules/business_hours.h"
#include "store/store.h"

/* One policy as upstream shows it, over sla_policies. */
#define SLA_JSON                                                                                   \
    "json_build_object('id', id, 'created_at', created_at,"                                        \
    " 'updated_at', updated_at, 'name', name, 'description', coalesce(description, ''),"           \
    " 'first_response_time', first_response_time, 'resolution_time', resolution_time,"             \
    " 'next_response_time', coalesce(next_response_time, ''), 'notifications', notifications)"

static const struct db_stmt list_stmt = {"sla_policies_json",
                                         "SELECT coalesce(json_agg(" SLA_JSON
                                         " ORDER BY updated_at DESC, id DESC), '[]')::text"
                                         " FROM sla_policies",
                                         0, 1};

enum app_err store_sla_policies_json(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json(db, a, &list_stmt, NULL, json, len);
}

static const struct db_stmt get_stmt = {
    "sla_policy_get", "SELECT " SLA_JSON "::text FROM sla_policies WHERE id = $1::int", 1, 0};

enum app_err store_sla_policy_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                   size_t *len)
{
    return store_json_by_id(db, a, &get_stmt, id, json, len);
}

/* $1 name, $2 description, $3 first response, $4 resolution, $5 next response, $6 notifications */
static const struct db_stmt create_stmt = {
    "sla_policy_create",
    "INSERT INTO sla_policies (name, description, first_response_time, resolution_time,"
    " next_response_time, notifications) VALUES ($1::text, nullif($2::text, ''), $3::text,"
    " $4::text, nullif($5::text, ''), $6::jsonb) RETURNING " SLA_JSON "::text",
    6, 0};

enum app_err store_sla_policy_create(struct db *db, struct arena *a, const struct sla_policy_in *in,
                                     const char **json, size_t *len)
{
    const char *p[] = {in->name,       in->description,   in->first_response,
                       in->resolution, in->next_response, in->notifications};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 id, then as create_stmt */
static const struct db_stmt update_stmt = {
    "sla_policy_update",
    "UPDATE sla_policies SET name = $2::text, description = nullif($3::text, ''),"
    " first_response_time = $4::text, resolution_time = $5::text,"
    " next_response_time = nullif($6::text, ''), notifications = $7::jsonb, updated_at = now()"
    " WHERE id = $1::int RETURNING " SLA_JSON "::text",
    7, 0};

enum app_err store_sla_policy_update(struct db *db, struct arena *a, int64_t id,
                                     const struct sla_policy_in *in, const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, id), in->name,          in->description,  in->first_response,
                       in->resolution,   in->next_response, in->notifications};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id; teams and conversations keep NULL (ON DELETE SET NULL). */
static const struct db_stmt delete_stmt = {
    "sla_policy_delete", "DELETE FROM sla_policies WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_sla_policy_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}

/* The opening window columns of one weekday of calendar b (NULL when closed or no calendar). */
#define BH_DAY(d) " b.hours -> '" d "' ->> 'open', b.hours -> '" d "' ->> 'close',"

/*
 * $1 conversation id, $2 a policy (NULL: the team's): the policy and durations, the start (epoch
 * seconds), the time zone, always-open, the seven windows Sunday first,
 * and the holidays' dates comma-separated.  No row: no team or no policy.
 */
static const struct db_stmt apply_in_stmt = {
    "sla_apply_in",
    "SELECT p.id, p.first_response_time, p.resolution_time,"
    " extract(epoch FROM c.created_at)::bigint,"
    " coalesce(nullif(t.timezone, ''), (SELECT nullif(value #>> '{}', '') FROM settings"
    "  WHERE key = 'app.timezone'), 'UTC'),"
    " b.id IS NULL OR b.is_always_open," BH_DAY("Sunday") BH_DAY("Monday") BH_DAY("Tuesday")
        BH_DAY("Wednesday") BH_DAY("Thursday") BH_DAY("Friday") BH_DAY(
            "Saturday") " (SELECT string_agg(h ->> 'date', ',') FROM jsonb_array_elements(CASE"
                        "  WHEN jsonb_typeof(b.holidays) = 'array' THEN b.holidays ELSE '[]' END) "
                        "h)"
                        " FROM conversations c LEFT JOIN teams t ON t.id = c.assigned_team_id"
                        " JOIN sla_policies p ON p.id = coalesce($2::int, t.sla_policy_id)"
                        " LEFT JOIN business_hours b ON b.id = coalesce(t.business_hours_id, "
                        "(SELECT CASE"
                        "  WHEN value #>> '{}' ~ '^[0-9]{1,9}$' THEN (value #>> '{}')::int END "
                        "FROM settings"
                        "  WHERE key = 'app.business_hours_id'))"
                        " WHERE c.id = $1::bigint FOR UPDATE OF c",
    2, 1};

/* $1 conversation: its pending SLA goes first (the unique index checks each row at once). */
static const struct db_stmt unapply_stmt = {
    "sla_unapply",
    "DELETE FROM applied_slas WHERE conversation_id = $1::bigint AND status = 'pending'", 1, 0};

/* $1 conversation, $2 policy, $3 first response and $4 resolution deadlines (epoch seconds). */
static const struct db_stmt apply_stmt = {
    "sla_apply",
    "WITH s AS (INSERT INTO applied_slas (conversation_id, sla_policy_id,"
    "  first_response_deadline_at, resolution_deadline_at)"
    "  VALUES ($1::bigint, $2::int, to_timestamp($3::bigint), to_timestamp($4::bigint))"
    "  RETURNING conversation_id)"
    " UPDATE conversations c SET sla_policy_id = $2::int,"
    " next_sla_deadline_at = least(CASE WHEN c.first_reply_at IS NULL"
    "  THEN to_timestamp($3::bigint) END, CASE WHEN c.resolved_at IS NULL"
    "  THEN to_timestamp($4::bigint) END)"
    " FROM s WHERE c.id = s.conversation_id",
    4, 0};

enum app_err store_sla_apply(struct db *db, struct arena *a, int64_t conv_id)
{
    return store_sla_apply_policy(db, a, conv_id, 0);
}

enum app_err store_sla_apply_policy(struct db *db, struct arena *a, int64_t conv_id,
                                    int64_t policy_id)
{
    const char *p[] = {store_i64(a, conv_id), store_id_or_null(a, policy_id)};
    struct db_res *res = NULL;
    struct bh_calendar cal;
    const char *holidays[256];
    time_t start, first, resolution;
    long fr_min, res_min;
    enum app_err e = db_run(db, a, &apply_in_stmt, p, &res);

    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    fr_min = bh_duration_minutes(db_value(res, 0, 1));
    res_min = bh_duration_minutes(db_value(res, 0, 2));
    if (fr_min < 0 || res_min < 0)
        return APP_OK; /* durations written before the writes were checked: no SLA */
    start = (time_t)strtoll(db_value(res, 0, 3), NULL, 10);
    memset(&cal, 0, sizeof(cal));
    cal.always_open = strcmp(db_value(res, 0, 5), "t") == 0;
    for (int d = 0; d < 7; d++) {
        const char *o = db_value(res, 0, 6 + 2 * d), *c = db_value(res, 0, 7 + 2 * d);
        if (o == NULL || c == NULL || bh_parse_time(o, &cal.week[d].open) < 0 ||
            bh_parse_time(c, &cal.week[d].close) < 0)
            cal.week[d].open = cal.week[d].close = 0; /* closed */
    }
    const char *hl = db_value(res, 0, 20);
    char *copy = hl != NULL ? arena_strdup(a, hl) : NULL;
    for (char *save = NULL, *tok = copy != NULL ? strtok_r(copy, ",", &save) : NULL;
         tok != NULL && cal.nholidays < sizeof(holidays) / sizeof(holidays[0]);
         tok = strtok_r(NULL, ",", &save))
        holidays[cal.nholidays++] = tok;
    cal.holidays = holidays;
    if (bh_deadline(&cal, db_value(res, 0, 4), start, fr_min, &first) < 0 ||
        bh_deadline(&cal, db_value(res, 0, 4), start, res_min, &resolution) < 0)
        return APP_OK; /* a calendar never open: no deadline to keep */
    const char *w[] = {p[0], db_value(res, 0, 0), store_i64(a, (int64_t)first),
                       store_i64(a, (int64_t)resolution)};
    e = db_run(db, a, &unapply_stmt, p, NULL);
    return e != APP_OK ? e : db_run(db, a, &apply_stmt, w, NULL);
}

/* The status of an applied SLA whose four stamps are these expressions. */
#define SLA_STATUS(frm, frb, rm, rb)                                                               \
    " (CASE WHEN (" frm " IS NULL AND " frb " IS NULL) OR (" rm " IS NULL AND " rb " IS NULL)"     \
    "  THEN 'pending' WHEN " frm " IS NOT NULL AND " rm " IS NOT NULL THEN 'met'"                  \
    "  WHEN " frm " IS NULL AND " rm " IS NULL THEN 'breached'"                                    \
    "  ELSE 'partially_met' END)::applied_sla_status"

/* The next open deadline of the changed rows s (conversation_id, the deadlines and stamps). */
#define SLA_NEXT_DEADLINE                                                                          \
    " UPDATE conversations c SET next_sla_deadline_at = least("                                    \
    "  CASE WHEN s.frm IS NULL AND s.frb IS NULL THEN s.frd END,"                                  \
    "  CASE WHEN s.rm IS NULL AND s.rb IS NULL THEN s.rd END)"                                     \
    " FROM s WHERE c.id = s.conversation_id"

/* $1 conversation id */
static const struct db_stmt settle_stmt = {
    "sla_settle",
    "WITH v AS (SELECT a.id, coalesce(a.first_response_met_at, CASE WHEN"
    "  a.first_response_breached_at IS NULL AND c.first_reply_at <= a.first_response_deadline_at"
    "  THEN c.first_reply_at END) AS frm, coalesce(a.resolution_met_at, CASE WHEN"
    "  a.resolution_breached_at IS NULL AND c.resolved_at <= a.resolution_deadline_at"
    "  THEN c.resolved_at END) AS rm"
    "  FROM applied_slas a JOIN conversations c ON c.id = a.conversation_id"
    "  WHERE a.conversation_id = $1::bigint AND a.status = 'pending'"
    "  AND ((a.first_response_met_at IS NULL AND c.first_reply_at IS NOT NULL)"
    "   OR (a.resolution_met_at IS NULL AND c.resolved_at IS NOT NULL)) FOR UPDATE OF a),"
    " s AS (UPDATE applied_slas a SET first_response_met_at = v.frm, resolution_met_at = v.rm,"
    "  status = " SLA_STATUS(
        "v.frm", "a.first_response_breached_at", "v.rm",
        "a.resolution_breached_at") ", updated_at = now() FROM v"
                                    "  WHERE a.id = v.id RETURNING a.conversation_id, "
                                    "a.first_response_deadline_at AS frd,"
                                    "  a.resolution_deadline_at AS rd, v.frm, "
                                    "a.first_response_breached_at AS frb, v.rm,"
                                    "  a.resolution_breached_at AS rb)" SLA_NEXT_DEADLINE,
    1, 0};

enum app_err store_sla_settle(struct db *db, struct arena *a, int64_t conv_id)
{
    const char *p[] = {store_i64(a, conv_id)};
    return db_run(db, a, &settle_stmt, p, NULL);
}

/* A metric of row a is open and overdue. */
#define SLA_DUE(m)                                                                                 \
    "(a." m "_met_at IS NULL AND a." m "_breached_at IS NULL AND a." m "_deadline_at <= now())"

/* $1 limit */
static const struct db_stmt breach_stmt = {
    "sla_breach_due",
    "WITH due AS (SELECT a.id, " SLA_DUE("first_response") " AS fr, " SLA_DUE(
        "resolution") " AS r"
                      "  FROM applied_slas a WHERE a.status = 'pending' AND "
                      "(" SLA_DUE("first_response") " OR " SLA_DUE(
                          "resolution") ") ORDER BY a.id LIMIT $1::int FOR UPDATE "
                                        "SKIP LOCKED),"
                                        " v AS (SELECT a.id, due.fr, due.r, CASE "
                                        "WHEN due.fr THEN now()"
                                        "  ELSE a.first_response_breached_at END AS "
                                        "frb, CASE WHEN due.r THEN now()"
                                        "  ELSE a.resolution_breached_at END AS rb "
                                        "FROM applied_slas a JOIN due ON due.id = "
                                        "a.id),"
                                        " s AS (UPDATE applied_slas a SET "
                                        "first_response_breached_at = v.frb,"
                                        "  resolution_breached_at = v.rb, status "
                                        "= " SLA_STATUS("a.first_response_met_at", "v.frb",
                                                        "a.resolution_met_at",
                                                        "v.rb") ", updated_at = now() FROM v "
                                                                "WHERE a.id = v.id RETURNING "
                                                                "a.id, a.conversation_id,"
                                                                "  a.first_response_deadline_at "
                                                                "AS frd, "
                                                                "a.resolution_deadline_at AS rd,"
                                                                "  a.first_response_met_at AS "
                                                                "frm, v.frb, "
                                                                "a.resolution_met_at AS rm, "
                                                                "v.rb, v.fr, v.r),"
                                                                " ev AS (INSERT INTO "
                                                                "deskd_events (event, "
                                                                "conversation_id, payload)"
                                                                "  SELECT 'sla_breached', "
                                                                "s.conversation_id, "
                                                                "jsonb_build_object('"
                                                                "conversation_uuid',"
                                                                "  c.uuid, 'applied_sla_id', "
                                                                "s.id, 'metric', m.metric, "
                                                                "'deadline_at',"
                                                                "  to_char(m.deadline AT TIME "
                                                                "ZONE 'UTC', "
                                                                "'YYYY-MM-DD\"T\"HH24:MI:"
                                                                "SS\"Z\"'))"
                                                                "  FROM s JOIN conversations c "
                                                                "ON c.id = s.conversation_id,"
                                                                "  LATERAL (VALUES "
                                                                "('first_response', s.frd, "
                                                                "s.fr), ('resolution', s.rd, "
                                                                "s.r))"
                                                                "  AS m (metric, deadline, hit) "
                                                                "WHERE m.hit ORDER BY s.id, "
                                                                "m.metric)" SLA_NEXT_DEADLINE,
    1, 0};

enum app_err store_sla_breach_due(struct db *db, struct arena *a, int limit, long *n)
{
    const char *p[] = {store_i64(a, limit)};
    *n = 0;
    return store_one(db, a, &breach_stmt, p, NULL, n);
}
