/*
 * store/sla.c - SLA policies.
 */
#include "store/sla.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/sbuf.h"
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
 * The calendar columns over teams t (the conversation's team, may be NULL)
 * and business_hours b: the time zone, always-open, the seven windows
 * Sunday first, and the holidays' dates comma-separated (see calendar()).
 */
#define SLA_CALENDAR_COLS                                                                          \
    " coalesce(nullif(t.timezone, ''), (SELECT nullif(value #>> '{}', '') FROM settings"           \
    "  WHERE key = 'app.timezone'), 'UTC'),"                                                       \
    " b.id IS NULL OR b.is_always_open," BH_DAY("Sunday") BH_DAY("Monday") BH_DAY("Tuesday")       \
        BH_DAY("Wednesday") BH_DAY("Thursday") BH_DAY("Friday") BH_DAY(                            \
            "Saturday") " (SELECT string_agg(h ->> 'date', ',') FROM jsonb_array_elements(CASE"    \
                        "  WHEN jsonb_typeof(b.holidays) = 'array' THEN b.holidays ELSE '[]' "     \
                        "END) h)"

/* The calendar of the columns above: the team's business hours, else the settings' ones. */
#define SLA_CALENDAR_JOIN                                                                          \
    " LEFT JOIN business_hours b ON b.id = coalesce(t.business_hours_id, (SELECT CASE"             \
    "  WHEN value #>> '{}' ~ '^[0-9]{1,9}$' THEN (value #>> '{}')::int END FROM settings"          \
    "  WHERE key = 'app.business_hours_id'))"

/* How many columns SLA_CALENDAR_COLS makes. */
#define SLA_CALENDAR_NCOLS 17

/*
 * The deadline "start + minutes business minutes" in the calendar of the
 * SLA_CALENDAR_COLS columns of row 0 of res from column col on.  Returns 0,
 * or -1 if the calendar is never open.
 */
static int calendar_deadline(struct arena *a, struct db_res *res, int col, time_t start,
                             long minutes, time_t *out)
{
    struct bh_calendar cal;
    const char *holidays[256];

    memset(&cal, 0, sizeof(cal));
    cal.always_open = strcmp(db_value(res, 0, col + 1), "t") == 0;
    for (int d = 0; d < 7; d++) {
        const char *o = db_value(res, 0, col + 2 + 2 * d), *c = db_value(res, 0, col + 3 + 2 * d);
        if (o == NULL || c == NULL || bh_parse_time(o, &cal.week[d].open) < 0 ||
            bh_parse_time(c, &cal.week[d].close) < 0)
            cal.week[d].open = cal.week[d].close = 0; /* closed */
    }
    const char *hl = db_value(res, 0, col + SLA_CALENDAR_NCOLS - 1);
    char *copy = hl != NULL ? arena_strdup(a, hl) : NULL;
    for (char *save = NULL, *tok = copy != NULL ? strtok_r(copy, ",", &save) : NULL;
         tok != NULL && cal.nholidays < sizeof(holidays) / sizeof(holidays[0]);
         tok = strtok_r(NULL, ",", &save))
        holidays[cal.nholidays++] = tok;
    cal.holidays = holidays;
    return bh_deadline(&cal, db_value(res, 0, col), start, minutes, out);
}

/*
 * An INSERT of the scheduled notifications that the policy p's
 * notifications n of type typ make for one metric: over the FROM list
 * `from` (naming sla_policies p) and condition `where`, for applied SLA
 * `id`, SLA event `event`, metric `metric`, at `at` op the notification's
 * delay (a warning goes out that long before a deadline, a breach notice
 * that long after the breach).  A notification of another metric (its
 * metric "all" or "" stands for every one), with a delay that does not
 * read, or due more than five minutes ago is not scheduled (upstream).
 */
#define SLA_SCHEDULE(typ, op, id, event, metric, at, from, where)                                  \
    " INSERT INTO scheduled_sla_notifications (applied_sla_id, sla_event_id, metric,"              \
    "  notification_type, recipients, send_at)"                                                    \
    " SELECT " id ", " event ", (" metric ")::sla_metric, '" typ "'::sla_notification_type,"       \
    "  ARRAY(SELECT DISTINCT sr.recipient FROM jsonb_array_elements_text(CASE"                     \
    "  WHEN jsonb_typeof(sn.nt -> 'recipients') = 'array' THEN sn.nt -> 'recipients'"              \
    "  ELSE '[]' END) AS sr (recipient)),"                                                         \
    "  (" at ") " op " deskd_sla_delay(sn.nt)"                                                     \
    " FROM " from ", jsonb_array_elements(CASE WHEN jsonb_typeof(p.notifications) = 'array'"       \
    "  THEN p.notifications ELSE '[]' END) AS sn (nt)"                                             \
    " WHERE (" where ") AND sn.nt ->> 'type' = '" typ "'"                                          \
    "  AND coalesce(nullif(sn.nt ->> 'metric', ''), 'all') IN ('all', (" metric ")::text)"         \
    "  AND deskd_sla_delay(sn.nt) IS NOT NULL AND (" at ") IS NOT NULL"                            \
    "  AND (" at ") " op " deskd_sla_delay(sn.nt) >= now() - interval '5 minutes'"

#define SLA_WARNINGS(id, event, metric, at, from, where)                                           \
    SLA_SCHEDULE("warning", "-", id, event, metric, at, from, where)
#define SLA_BREACH_NOTICES(id, event, metric, from, where)                                         \
    SLA_SCHEDULE("breach", "+", id, event, metric, "now()", from, where)

/*
 * The earliest open next-response deadline of conversation conv (NULL if
 * none, or if it is resolved), leaving out the events the query `except`
 * names (ids; as the statement that changes them cannot see its change).
 */
#define SLA_NEXT_RESPONSE_OPEN(conv, except)                                                       \
    " (SELECT min(e.deadline_at) FROM sla_events e JOIN applied_slas x"                            \
    "  ON x.id = e.applied_sla_id WHERE x.conversation_id = " conv                                 \
    "  AND e.type = 'next_response' AND e.status = 'pending' AND e.met_at IS NULL"                 \
    "  AND e.id NOT IN (" except ") AND NOT EXISTS (SELECT 1 FROM conversations rc"                \
    "  JOIN conversation_statuses rs ON rs.id = rc.status_id WHERE rc.id = " conv                  \
    "  AND rs.category = 'resolved'))"

/*
 * $1 conversation id, $2 a policy (NULL: the team's, else settings'
 * app.sla_policy_id): the policy and durations, the start (epoch seconds),
 * then the calendar columns.  No row: no such policy, or none of the three.
 */
static const struct db_stmt apply_in_stmt = {
    "sla_apply_in",
    "SELECT p.id, p.first_response_time, p.resolution_time,"
    " extract(epoch FROM c.created_at)::bigint," SLA_CALENDAR_COLS
    " FROM conversations c LEFT JOIN teams t ON t.id = c.assigned_team_id"
    " JOIN sla_policies p ON p.id = coalesce($2::int, t.sla_policy_id, (SELECT CASE"
    "  WHEN value #>> '{}' ~ '^[0-9]{1,9}$' THEN (value #>> '{}')::int END FROM settings"
    "  WHERE key = 'app.sla_policy_id'))" SLA_CALENDAR_JOIN
    " WHERE c.id = $1::bigint FOR UPDATE OF c",
    2, 1};

/* $1 conversation: its pending SLA goes first (the unique index checks each row at once). */
static const struct db_stmt unapply_stmt = {
    "sla_unapply",
    "DELETE FROM applied_slas WHERE conversation_id = $1::bigint AND status = 'pending'", 1, 0};

/*
 * $1 conversation, $2 policy, $3 first response and $4 resolution
 * deadlines (epoch seconds): the applied SLA, the policy's warnings before
 * both deadlines, the conversation's policy and next deadline.
 */
static const struct db_stmt apply_stmt = {
    "sla_apply",
    "WITH s AS (INSERT INTO applied_slas (conversation_id, sla_policy_id,"
    "  first_response_deadline_at, resolution_deadline_at)"
    "  VALUES ($1::bigint, $2::int, to_timestamp($3::bigint), to_timestamp($4::bigint))"
    "  RETURNING id, conversation_id, first_response_deadline_at AS frd,"
    "  resolution_deadline_at AS rd),"
    " w AS (" SLA_WARNINGS(
        "s.id", "NULL::bigint", "m.metric", "m.at",
        "s JOIN sla_policies p ON p.id = $2::int,"
        " LATERAL (VALUES ('first_response', s.frd), ('resolution', s.rd))"
        " m (metric, at)",
        "true") ")"
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
    if (calendar_deadline(a, res, 4, start, fr_min, &first) < 0 ||
        calendar_deadline(a, res, 4, start, res_min, &resolution) < 0)
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

/*
 * The next open deadline of the changed rows s (conversation_id, the
 * deadlines and stamps) and the conversation's open next-response event.
 */
#define SLA_NEXT_DEADLINE                                                                          \
    " UPDATE conversations c SET next_sla_deadline_at = least("                                    \
    "  CASE WHEN s.frm IS NULL AND s.frb IS NULL THEN s.frd END,"                                  \
    "  CASE WHEN s.rm IS NULL AND s.rb IS NULL THEN s.rd END," SLA_NEXT_RESPONSE_OPEN(             \
        "c.id", "SELECT 0::bigint") ")"                                                            \
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

/* The live event of a breach: payload {conversation_uuid, applied_sla_id, metric, deadline_at}. */
#define SLA_BREACH_EVENT(applied, metric, deadline)                                                \
    " 'sla_breached', c.id, jsonb_build_object('conversation_uuid', c.uuid,"                       \
    "  'applied_sla_id', " applied ", 'metric', " metric ", 'deadline_at',"                        \
    "  to_char(" deadline " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"

/* $1 limit */
static const struct db_stmt breach_stmt = {
    "sla_breach_due",
    "WITH due AS (SELECT a.id, " SLA_DUE("first_response") " AS fr, " SLA_DUE(
        "resolution") " AS r"
                      "  FROM applied_slas a WHERE a.status = 'pending'"
                      "  AND (" SLA_DUE("first_response") " OR " SLA_DUE(
                          "resolution") ")"
                                        "  ORDER BY a.id LIMIT $1::int FOR UPDATE SKIP LOCKED),"
                                        " v AS (SELECT a.id, due.fr, due.r,"
                                        "  CASE WHEN due.fr THEN now() ELSE "
                                        "a.first_response_breached_at END AS frb,"
                                        "  CASE WHEN due.r THEN now() ELSE "
                                        "a.resolution_breached_at END AS rb"
                                        "  FROM applied_slas a JOIN due ON due.id = a.id),"
                                        " s AS (UPDATE applied_slas a SET "
                                        "first_response_breached_at = v.frb,"
                                        "  resolution_breached_at = v.rb, status = " SLA_STATUS(
                                            "a.first_response_met_at", "v.frb",
                                            "a.resolution_met_at",
                                            "v.rb") ", updated_at = now() FROM v WHERE a.id = v.id "
                                                    "RETURNING a.id, a.conversation_id,"
                                                    "  a.sla_policy_id, "
                                                    "a.first_response_deadline_at AS frd, "
                                                    "a.resolution_deadline_at AS rd,"
                                                    "  a.first_response_met_at AS frm, v.frb, "
                                                    "a.resolution_met_at AS rm, v.rb, v.fr, v.r),"
                                                    " ev AS (INSERT INTO deskd_events (event, "
                                                    "conversation_id, payload)"
                                                    "  SELECT" SLA_BREACH_EVENT(
                                                        "s.id", "m.metric",
                                                        "m.deadline") "  FROM s JOIN conversations "
                                                                      "c ON c.id = "
                                                                      "s.conversation_id,"
                                                                      "  LATERAL (VALUES "
                                                                      "('first_response', s.frd, "
                                                                      "s.fr), ('resolution', s.rd, "
                                                                      "s.r))"
                                                                      "  AS m (metric, deadline, "
                                                                      "hit) WHERE m.hit ORDER BY "
                                                                      "s.id, m.metric),"
                                                                      " bn AS (" SLA_BREACH_NOTICES(
                                                                          "s.id", "NULL::bigint",
                                                                          "m.metric",
                                                                          "s JOIN sla_policies p "
                                                                          "ON p.id = "
                                                                          "s.sla_policy_id,"
                                                                          " LATERAL (VALUES "
                                                                          "('first_response', "
                                                                          "s.fr),"
                                                                          " ('resolution', s.r)) m "
                                                                          "(metric, hit)",
                                                                          "m.hit") ")" SLA_NEXT_DEADLINE,
    1, 0};

enum app_err store_sla_breach_due(struct db *db, struct arena *a, int limit, long *n)
{
    const char *p[] = {store_i64(a, limit)};
    *n = 0;
    return store_one(db, a, &breach_stmt, p, NULL, n);
}

/*
 * $1 conversation id, $2 the new message: the latest applied SLA whose
 * policy has a next-response time, its policy and that time, now (epoch
 * seconds), then the calendar columns; no row unless the conversation had
 * a message before this one (its first is the first response's) and the
 * applied SLA has no next-response event an agent has not answered yet.
 */
static const struct db_stmt nr_in_stmt = {
    "sla_next_response_in",
    "SELECT a.id, p.id, p.next_response_time, extract(epoch FROM now())::bigint," SLA_CALENDAR_COLS
    " FROM conversations c"
    " JOIN LATERAL (SELECT x.id, x.sla_policy_id FROM applied_slas x"
    "  WHERE x.conversation_id = c.id ORDER BY x.created_at DESC, x.id DESC LIMIT 1) a ON true"
    " JOIN sla_policies p ON p.id = a.sla_policy_id"
    " LEFT JOIN teams t ON t.id = c.assigned_team_id" SLA_CALENDAR_JOIN
    " WHERE c.id = $1::bigint AND coalesce(p.next_response_time, '') <> ''"
    " AND EXISTS (SELECT 1 FROM conversation_messages m WHERE m.conversation_id = c.id"
    "  AND m.id < $2::bigint AND m.type <> 'activity')"
    " AND NOT EXISTS (SELECT 1 FROM sla_events e WHERE e.applied_sla_id = a.id"
    "  AND e.type = 'next_response' AND e.met_at IS NULL)"
    " FOR UPDATE OF c",
    2, 0};

/*
 * $1 applied SLA, $2 policy, $3 deadline (epoch seconds), $4 conversation:
 * the event, the policy's warnings before it, the conversation's next
 * deadline.
 */
static const struct db_stmt nr_open_stmt = {
    "sla_next_response_open",
    "WITH e AS (INSERT INTO sla_events (applied_sla_id, sla_policy_id, type, deadline_at)"
    "  VALUES ($1::bigint, $2::int, 'next_response', to_timestamp($3::bigint))"
    "  RETURNING id, applied_sla_id, deadline_at),"
    " w AS (" SLA_WARNINGS(
        "e.applied_sla_id", "e.id", "'next_response'", "e.deadline_at",
        "e JOIN sla_policies p ON p.id = $2::int",
        "true") ")"
                " UPDATE conversations c SET next_sla_deadline_at = least(c.next_sla_deadline_at,"
                "  e.deadline_at) FROM e WHERE c.id = $4::bigint",
    4, 0};

enum app_err store_sla_next_response_open(struct db *db, struct arena *a, int64_t conv_id,
                                          int64_t msg_id)
{
    const char *p[] = {store_i64(a, conv_id), store_i64(a, msg_id)};
    struct db_res *res = NULL;
    time_t deadline;
    enum app_err e = db_run(db, a, &nr_in_stmt, p, &res);

    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    long minutes = bh_duration_minutes(db_value(res, 0, 2));
    time_t now = (time_t)strtoll(db_value(res, 0, 3), NULL, 10);
    if (minutes < 0 || calendar_deadline(a, res, 4, now, minutes, &deadline) < 0)
        return APP_OK; /* a duration that does not read, a calendar never open: no deadline */
    const char *w[] = {db_value(res, 0, 0), db_value(res, 0, 1), store_i64(a, (int64_t)deadline),
                       p[0]};
    return db_run(db, a, &nr_open_stmt, w, NULL);
}

/* The conversation's next deadline from its pending applied SLA and open events. */
#define SLA_RECOMPUTE(conv, except)                                                                \
    " next_sla_deadline_at = least((SELECT least(CASE WHEN a.first_response_met_at IS NULL"        \
    "  AND a.first_response_breached_at IS NULL THEN a.first_response_deadline_at END,"            \
    "  CASE WHEN a.resolution_met_at IS NULL AND a.resolution_breached_at IS NULL"                 \
    "  THEN a.resolution_deadline_at END) FROM applied_slas a WHERE a.conversation_id = " conv     \
    "  AND a.status = 'pending'), " SLA_NEXT_RESPONSE_OPEN(conv, except) ")"

/*
 * $1 conversation id: the latest next-response event no agent answered is
 * met now (its status met if that is by its deadline; a late answer is
 * left to the breach service), and the next deadline follows.
 */
static const struct db_stmt nr_met_stmt = {
    "sla_next_response_met",
    "WITH met AS (UPDATE sla_events e SET met_at = now(), updated_at = now(),"
    "  status = CASE WHEN e.status = 'pending' AND now() <= e.deadline_at THEN 'met'"
    "  ELSE e.status END::sla_event_status"
    "  WHERE e.id = (SELECT x.id FROM sla_events x JOIN applied_slas y ON y.id = x.applied_sla_id"
    "  WHERE y.conversation_id = $1::bigint AND x.type = 'next_response' AND x.met_at IS NULL"
    "  ORDER BY x.created_at DESC, x.id DESC LIMIT 1) RETURNING e.id)"
    " UPDATE conversations c SET" SLA_RECOMPUTE(
        "c.id", "SELECT id FROM met") " FROM met WHERE c.id = $1::bigint",
    1, 0};

enum app_err store_sla_next_response_met(struct db *db, struct arena *a, int64_t conv_id)
{
    const char *p[] = {store_i64(a, conv_id)};
    return db_run(db, a, &nr_met_stmt, p, NULL);
}

/*
 * $1 limit: pending next-response events that are overdue or answered,
 * settled (met when answered by the deadline, else breached now), with one
 * live event per breach and the breach notices of those never answered;
 * the conversations they belong to, one row each.
 */
static const struct db_stmt nr_due_stmt = {
    "sla_next_response_due",
    "WITH due AS (SELECT e.id FROM sla_events e WHERE e.status = 'pending'"
    "  AND e.type = 'next_response' AND (e.deadline_at <= now() OR e.met_at IS NOT NULL)"
    "  ORDER BY e.id LIMIT $1::int FOR UPDATE SKIP LOCKED),"
    " s AS (UPDATE sla_events e SET updated_at = now(),"
    "  status = CASE WHEN e.met_at IS NOT NULL AND e.met_at <= e.deadline_at THEN 'met'"
    "  ELSE 'breached' END::sla_event_status,"
    "  breached_at = CASE WHEN e.met_at IS NOT NULL AND e.met_at <= e.deadline_at THEN NULL"
    "  ELSE now() END FROM due WHERE e.id = due.id"
    "  RETURNING e.id, e.applied_sla_id, e.sla_policy_id, e.deadline_at, e.met_at, e.status),"
    " ev AS (INSERT INTO deskd_events (event, conversation_id, payload)"
    "  SELECT" SLA_BREACH_EVENT(
        "s.applied_sla_id", "'next_response'",
        "s.deadline_at") "  FROM s JOIN applied_slas y ON y.id = s.applied_sla_id"
                         "  JOIN conversations c ON c.id = y.conversation_id WHERE s.status = "
                         "'breached'"
                         "  ORDER BY s.id),"
                         " bn AS (" SLA_BREACH_NOTICES(
                             "s.applied_sla_id", "s.id", "'next_response'",
                             "s JOIN sla_policies p ON p.id = s.sla_policy_id",
                             "s.status = 'breached' AND s.met_at IS NULL") ")"
                                                                           " SELECT DISTINCT "
                                                                           "y.conversation_id FROM "
                                                                           "s JOIN applied_slas y "
                                                                           "ON y.id = "
                                                                           "s.applied_sla_id",
    1, 0};

/* $1 conversation ids (a bigint[] literal) */
static const struct db_stmt recompute_stmt = {
    "sla_recompute",
    "UPDATE conversations c SET" SLA_RECOMPUTE(
        "c.id", "SELECT 0::bigint") " WHERE c.id = ANY($1::bigint[])",
    1, 0};

enum app_err store_sla_next_response_due(struct db *db, struct arena *a, int limit, long *n)
{
    const char *p[] = {store_i64(a, limit)};
    struct db_res *res = NULL;
    enum app_err e = store_begin(db);

    *n = 0;
    if (e != APP_OK)
        return e;
    e = db_run(db, a, &nr_due_stmt, p, &res);
    if (e == APP_OK && db_ntuples(res) > 0) {
        struct sbuf ids;
        sbuf_init(&ids, a);
        sbuf_add(&ids, "{");
        for (int i = 0; i < db_ntuples(res); i++) {
            sbuf_add(&ids, i > 0 ? "," : "");
            sbuf_add(&ids, db_value(res, i, 0));
        }
        sbuf_add(&ids, "}");
        const char *q[] = {sbuf_str(&ids)};
        *n = db_ntuples(res);
        e = q[0] != NULL ? db_run(db, a, &recompute_stmt, q, NULL) : APP_ERR_INTERNAL;
    }
    e = store_end(db, e);
    if (e != APP_OK)
        *n = 0;
    return e;
}

/* The label of metric m (an sla_metric expression), upstream's. */
#define SLA_METRIC_LABEL(m)                                                                        \
    " CASE " m " WHEN 'first_response' THEN 'First response' WHEN 'resolution'"                    \
    "  THEN 'Resolution' ELSE 'Next response' END"

/*
 * $1 limit: due scheduled notifications, each marked processed; those
 * still relevant (the conversation not resolved, the metric not met)
 * become one in-app notification per recipient agent ("assigned_user":
 * the conversation's agent, else an agent id; unknown, deleted or
 * disabled agents are skipped).  The row: notifications processed,
 * in-app notifications made.
 */
static const struct db_stmt notify_stmt = {
    "sla_notify_due",
    "WITH due AS (SELECT n.id FROM scheduled_sla_notifications n WHERE n.processed_at IS NULL"
    "  AND n.send_at <= now() ORDER BY n.send_at, n.id LIMIT $1::int FOR UPDATE SKIP LOCKED),"
    " done AS (UPDATE scheduled_sla_notifications n SET processed_at = now(), updated_at = now()"
    "  FROM due WHERE n.id = due.id RETURNING n.id, n.applied_sla_id, n.sla_event_id, n.metric,"
    "  n.notification_type, n.recipients),"
    " live AS (SELECT d.*, c.id AS conv_id, c.assigned_user_id, c.reference_number,"
    "  CASE d.metric WHEN 'first_response' THEN a.first_response_deadline_at"
    "  WHEN 'resolution' THEN a.resolution_deadline_at ELSE e.deadline_at END AS deadline"
    "  FROM done d JOIN applied_slas a ON a.id = d.applied_sla_id"
    "  JOIN conversations c ON c.id = a.conversation_id"
    "  JOIN conversation_statuses st ON st.id = c.status_id"
    "  LEFT JOIN sla_events e ON e.id = d.sla_event_id WHERE st.category <> 'resolved'"
    "  AND CASE d.metric WHEN 'first_response' THEN a.first_response_met_at IS NULL"
    "  WHEN 'resolution' THEN a.resolution_met_at IS NULL"
    "  ELSE e.id IS NOT NULL AND e.met_at IS NULL END),"
    " sent AS (INSERT INTO user_notifications (user_id, notification_type, title, body,"
    "  conversation_id, meta)"
    "  SELECT DISTINCT ON (l.id, u.id) u.id, CASE WHEN l.notification_type = 'breach'"
    "  THEN 'sla_breach' ELSE 'sla_warning' END::user_notification_type,"
    "  left(CASE WHEN l.notification_type = 'breach' THEN 'SLA breached: ' ELSE 'SLA warning: '"
    "  END ||" SLA_METRIC_LABEL(
        "l.metric") " || ' #' || l.reference_number, 500),"
                    "  CASE WHEN l.notification_type = 'breach' THEN 'Overdue since ' ELSE 'Due at "
                    "' END"
                    "  || to_char(l.deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC', "
                    "l.conv_id,"
                    "  jsonb_build_object('metric', l.metric, 'notification_type', "
                    "l.notification_type,"
                    "  'applied_sla_id', l.applied_sla_id, 'sla_event_id', l.sla_event_id)"
                    "  FROM live l CROSS JOIN LATERAL unnest(l.recipients) AS lr (recipient)"
                    "  JOIN users u ON u.id = CASE WHEN lr.recipient = 'assigned_user' THEN "
                    "l.assigned_user_id"
                    "  WHEN lr.recipient ~ '^[0-9]{1,9}$' THEN lr.recipient::int END"
                    "  WHERE u.type = 'agent' AND u.deleted_at IS NULL AND u.enabled RETURNING id)"
                    " SELECT (SELECT count(*) FROM done), (SELECT count(*) FROM sent)",
    1, 0};

enum app_err store_sla_notify_due(struct db *db, struct arena *a, int limit, long *processed,
                                  long *sent)
{
    const char *p[] = {store_i64(a, limit)};
    struct db_res *res = NULL;
    enum app_err e = db_run(db, a, &notify_stmt, p, &res);

    *processed = *sent = 0;
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    *processed = strtol(db_value(res, 0, 0), NULL, 10);
    *sent = strtol(db_value(res, 0, 1), NULL, 10);
    return APP_OK;
}
