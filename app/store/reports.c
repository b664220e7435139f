/*
 * store/reports.c - the overview reports (see reports.h).
 *
 * A window starts at $1 days before now (0: today's midnight UTC), as
 * upstream's.  The windowed counts of conversations, tags and messages come
 * from sql/050's per-day tables for the days wholly inside the window, plus
 * the rows of the partial first day read from the base tables (their
 * created_at indexes; a conversation's tags from sql/052's copy); SLA and
 * CSAT sums likewise from sql/051's.  Every
 * statement returns one JSON text; key order is upstream's.
 */
#include "store/reports.h"

#include "lib/db.h"
#include "store/store.h"

/* st: the window's start; edge: the first midnight (UTC) at or after st. */
#define WINDOW                                                                                     \
    "w AS (SELECT st, CASE WHEN st = date_trunc('day', st, 'UTC') THEN st"                         \
    " ELSE date_trunc('day', st, 'UTC') + interval '1 day' END AS edge,"                           \
    " deskd_utc_day(CASE WHEN st = date_trunc('day', st, 'UTC') THEN st"                           \
    " ELSE date_trunc('day', st, 'UTC') + interval '1 day' END) AS full_day"                       \
    " FROM (SELECT CASE WHEN $1::int = 0 THEN date_trunc('day', now(), 'UTC')"                     \
    " ELSE now() - $1::int * interval '1 day' END AS st) s)"

static const struct db_stmt counts_stmt = {
    "report_counts",
    "SELECT json_build_object("
    " 'open', coalesce(sum(r.n), 0)::bigint,"
    " 'awaiting_response', coalesce(sum(r.awaiting), 0)::bigint,"
    " 'unassigned', coalesce(sum(r.unassigned), 0)::bigint,"
    " 'pending', coalesce(sum(r.pending), 0)::bigint,"
    " 'agents_online', (SELECT count(*) FROM users WHERE availability_status = 'online'"
    "  AND type = 'agent' AND deleted_at IS NULL),"
    " 'agents_away', (SELECT count(*) FROM users WHERE availability_status = 'away_manual'"
    "  AND type = 'agent' AND deleted_at IS NULL),"
    " 'agents_reassigning', (SELECT count(*) FROM users"
    "  WHERE availability_status = 'away_and_reassigning' AND type = 'agent'"
    "  AND deleted_at IS NULL),"
    " 'agents_offline', (SELECT count(*) FROM users WHERE availability_status = 'offline'"
    "  AND type = 'agent' AND deleted_at IS NULL))::text"
    " FROM deskd_report_status_counts r JOIN conversation_statuses s ON s.id = r.status_id"
    " WHERE s.category <> 'resolved'",
    0, 1};

enum app_err store_report_counts(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json_found(db, a, &counts_stmt, NULL, json, len);
}

/* $1 days */
static const struct db_stmt charts_stmt = {
    "report_charts",
    "WITH " WINDOW
    ", nc AS (SELECT day, sum(n)::bigint AS n FROM ( SELECT d.created_day AS day, d.n"
    " FROM deskd_report_conversation_days d, w WHERE d.created_day >= w.full_day"
    " UNION ALL SELECT deskd_utc_day(c.created_at), 1 FROM conversations c, w"
    " WHERE c.created_at >= w.st AND c.created_at < w.edge) x GROUP BY 1 HAVING sum(n) <> 0),"
    " rc AS (SELECT day, sum(n)::bigint AS n FROM ( SELECT d.resolved_day AS day, d.n"
    " FROM deskd_report_conversation_days d, w"
    " WHERE d.created_day >= w.full_day AND d.resolved_day <> 'infinity'"
    " UNION ALL SELECT deskd_utc_day(c.resolved_at), 1 FROM conversations c, w"
    " WHERE c.created_at >= w.st AND c.created_at < w.edge AND c.resolved_at IS NOT NULL) x"
    " GROUP BY 1 HAVING sum(n) <> 0) SELECT json_build_object("
    " 'new_conversations', (SELECT json_agg(json_build_object('date', to_char(day, 'YYYY-MM-DD'),"
    " 'count', n) ORDER BY day) FROM nc),"
    " 'resolved_conversations', (SELECT json_agg(json_build_object('date', to_char(day,"
    " 'YYYY-MM-DD'),"
    " 'count', n) ORDER BY day) FROM rc))::text",
    1, 1};

enum app_err store_report_charts(struct db *db, struct arena *a, int days, const char **json,
                                 size_t *len)
{
    const char *p[] = {store_i64(a, days)};
    return store_json_found(db, a, &charts_stmt, p, json, len);
}

/*
 * $1 days.  An average is the window's summed seconds over its count (the
 * division avg() makes); averages and percentages are float8, which prints
 * as upstream's JSON encoder prints its float64 (12.5, 100, 0).
 */
static const struct db_stmt sla_stmt = {
    "report_sla",
    "WITH " WINDOW ","
    " f AS (SELECT sum(frm) AS frm, sum(frb) AS frb, sum(frs) AS frs, sum(rm) AS rm, sum(rb)"
    " AS rb, sum(rs) AS rs"
    " FROM ( SELECT d.first_met AS frm, d.first_breached AS frb, d.first_met_secs AS frs,"
    " d.resolution_met AS rm, d.resolution_breached AS rb, d.resolution_met_secs AS rs"
    " FROM deskd_report_sla_days d, w WHERE d.day >= w.full_day"
    " UNION ALL SELECT count(first_response_met_at), count(first_response_breached_at),"
    " coalesce(sum(extract(epoch"
    " FROM first_response_met_at - created_at)), 0), count(resolution_met_at),"
    " count(resolution_breached_at), coalesce(sum(extract(epoch"
    " FROM resolution_met_at - created_at)), 0) FROM applied_slas, w"
    " WHERE created_at >= w.st AND created_at < w.edge) x),"
    " x AS (SELECT sum(nm) AS nm, sum(nb) AS nb, sum(ns) AS ns"
    " FROM ( SELECT d.met AS nm, d.breached AS nb, d.met_secs AS ns"
    " FROM deskd_report_next_response_days d, w WHERE d.day >= w.full_day"
    " UNION ALL SELECT count(met_at), count(breached_at), coalesce(sum(extract(epoch"
    " FROM met_at - created_at)), 0) FROM sla_events, w"
    " WHERE type = 'next_response' AND created_at >= w.st AND created_at < w.edge) y)"
    " SELECT json_build_object( 'first_response_met_count', frm::bigint,"
    " 'first_response_breached_count', frb::bigint,"
    " 'avg_first_response_time_sec', CASE WHEN frm > 0 THEN frs / frm ELSE 0 END::float8,"
    " 'next_response_met_count', nm::bigint, 'next_response_breached_count', nb::bigint,"
    " 'avg_next_response_time_sec', CASE WHEN nm > 0 THEN ns / nm ELSE 0 END::float8,"
    " 'resolution_met_count', rm::bigint, 'resolution_breached_count', rb::bigint,"
    " 'avg_resolution_time_sec', CASE WHEN rm > 0 THEN rs / rm ELSE 0 END::float8,"
    " 'first_response_compliance_percent', CASE WHEN frm + frb > 0 THEN round(frm / (frm +"
    " frb) * 100, 1) ELSE 0 END::float8,"
    " 'next_response_compliance_percent', CASE WHEN nm + nb > 0 THEN round(nm / (nm + nb) *"
    " 100, 1) ELSE 0 END::float8,"
    " 'resolution_compliance_percent', CASE WHEN rm + rb > 0 THEN round(rm / (rm + rb) * 100,"
    " 1) ELSE 0 END::float8)::text"
    " FROM f, x",
    1, 1};

enum app_err store_report_sla(struct db *db, struct arena *a, int days, const char **json,
                              size_t *len)
{
    const char *p[] = {store_i64(a, days)};
    return store_json_found(db, a, &sla_stmt, p, json, len);
}

/* $1 days; a response not yet given has rating 0. */
static const struct db_stmt csat_stmt = {
    "report_csat",
    "WITH " WINDOW ", c AS (SELECT sum(sent) AS sent, sum(answered) AS answered, sum(rs) AS rs"
    " FROM ( SELECT d.sent, d.answered, d.rating_sum AS rs FROM deskd_report_csat_days d, w"
    " WHERE d.day >= w.full_day"
    " UNION ALL SELECT count(*), count(*) FILTER (WHERE rating > 0), coalesce(sum(rating)"
    " FILTER (WHERE rating > 0), 0)"
    " FROM csat_responses, w WHERE created_at >= w.st AND created_at < w.edge) x)"
    " SELECT json_build_object("
    " 'average_rating', CASE WHEN answered > 0 THEN rs / answered ELSE 0 END,"
    " 'total_responses', answered::bigint, 'total_sent', sent::bigint,"
    " 'response_rate', CASE WHEN sent > 0 THEN round(answered / sent * 100, 1) ELSE 0 END)::text"
    " FROM c",
    1, 1};

enum app_err store_report_csat(struct db *db, struct arena *a, int days, const char **json,
                               size_t *len)
{
    const char *p[] = {store_i64(a, days)};
    return store_json_found(db, a, &csat_stmt, p, json, len);
}

/*
 * $1 days.  Conversations with a message in the window are those whose
 * latest incoming or outgoing message is in it.
 */
static const struct db_stmt messages_stmt = {
    "report_messages",
    "WITH " WINDOW ","
    " m AS (SELECT coalesce(sum(n) FILTER (WHERE type = 'incoming'), 0) AS inc,"
    " coalesce(sum(n) FILTER (WHERE type = 'outgoing'), 0) AS outg"
    " FROM ( SELECT d.type, d.n FROM deskd_report_message_days d, w WHERE d.day >= w.full_day"
    " UNION ALL SELECT cm.type, 1 FROM conversation_messages cm, w"
    " WHERE cm.type IN ('incoming', 'outgoing') AND cm.created_at >= w.st AND cm.created_at <"
    " w.edge) x),"
    " v AS (SELECT (SELECT coalesce(sum(d.n), 0) FROM deskd_report_message_last_days d, w"
    " WHERE d.day >= w.full_day) + (SELECT count(*) FROM deskd_report_message_last l, w"
    " WHERE l.last_at >= w.st AND l.last_at < w.edge) AS convos) SELECT json_build_object("
    " 'total_messages', (inc + outg)::bigint, 'incoming_messages', inc::bigint,"
    " 'outgoing_messages', outg::bigint,"
    " 'messages_per_conversation', CASE WHEN convos > 0 THEN round((inc + outg)::numeric /"
    " convos::numeric, 1) ELSE 0 END)::text"
    " FROM m, v",
    1, 1};

enum app_err store_report_messages(struct db *db, struct arena *a, int days, const char **json,
                                   size_t *len)
{
    const char *p[] = {store_i64(a, days)};
    return store_json_found(db, a, &messages_stmt, p, json, len);
}

/*
 * $1 days.  As upstream, the top ten tags are those on a conversation
 * created in the window, and tags on no conversation at all (count 0); a
 * tag only on older conversations is left out.  Ties go by tag id.
 */
static const struct db_stmt tags_stmt = {
    "report_tags",
    "WITH " WINDOW ","
    /* The partial day's tags, from sql/052's copy of conversation_tags keyed by created_at. */
    " e AS (SELECT r.conversation_id, r.tag_id FROM deskd_report_tag_rows r, w"
    "  WHERE r.created_at >= w.st AND r.created_at < w.edge),"
    " tc AS (SELECT tag_id, sum(n)::bigint AS n FROM ("
    "  SELECT d.tag_id, d.n FROM deskd_report_tag_days d, w WHERE d.created_day >= w.full_day"
    "  UNION ALL SELECT tag_id, 1 FROM e) x"
    "  GROUP BY 1 HAVING sum(n) > 0),"
    " top AS (SELECT t.id AS tag_id, t.name AS tag_name, coalesce(tc.n, 0) AS \"count\""
    "  FROM tags t LEFT JOIN tc ON tc.tag_id = t.id"
    "  WHERE tc.n IS NOT NULL"
    "   OR NOT EXISTS (SELECT 1 FROM conversation_tags x WHERE x.tag_id = t.id)"
    "  ORDER BY 3 DESC, 1 LIMIT 10),"
    " tot AS MATERIALIZED (SELECT"
    "  (SELECT coalesce(sum(d.n), 0) FROM deskd_report_conversation_days d, w"
    "   WHERE d.created_day >= w.full_day)"
    "  + (SELECT count(*) FROM conversations c, w"
    "   WHERE c.created_at >= w.st AND c.created_at < w.edge) AS total,"
    "  (SELECT coalesce(sum(d.n), 0) FROM deskd_report_tagged_days d, w"
    "   WHERE d.created_day >= w.full_day)"
    "  + (SELECT count(DISTINCT conversation_id) FROM e) AS tagged)"
    " SELECT json_build_object("
    " 'top_tags', coalesce((SELECT json_agg(row_to_json(top) ORDER BY \"count\" DESC, tag_id)"
    "  FROM top), '[]'::json),"
    " 'tagged_conversations', tagged::bigint,"
    " 'untagged_conversations', (total - tagged)::bigint,"
    " 'tagged_percentage', CASE WHEN total > 0"
    "  THEN round(tagged::numeric / total::numeric * 100, 1) ELSE 0 END)::text"
    " FROM tot",
    1, 1};

enum app_err store_report_tags(struct db *db, struct arena *a, int days, const char **json,
                               size_t *len)
{
    const char *p[] = {store_i64(a, days)};
    return store_json_found(db, a, &tags_stmt, p, json, len);
}
