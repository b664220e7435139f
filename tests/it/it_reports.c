/*
 * it_reports.c - the overview reports over HTTP against the same numbers
 * counted straight from the base tables (count(*) and sums with upstream's
 * window rules): after rows are created on both sides of each window's
 * start, and again after tags, messages and conversations are changed and
 * deleted.  The per-day tables behind the reports must then equal a full
 * recount.  reports:manage is required (403 without it, 401 without
 * credentials), and ?days is read and clamped as upstream reads it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

/* The window start for D days, in the reference queries (UTC as deskd's sessions). */
#define START(d)                                                                                   \
    "(SELECT CASE WHEN " d " = 0 THEN date_trunc('day', now(), 'UTC')"                             \
    " ELSE now() - " d " * interval '1 day' END AS st)"
#define DAY(col) "to_char((" col " AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')"

static const char *const counts_ref =
    "SELECT json_build_object('open', count(*),"
    " 'awaiting_response', count(*) FILTER (WHERE c.last_message_sender = 'contact'),"
    " 'unassigned', count(*) FILTER (WHERE c.assigned_user_id IS NULL),"
    " 'pending', count(*) FILTER (WHERE c.first_reply_at IS NULL),"
    " 'agents_online', (SELECT count(*) FROM users WHERE type = 'agent' AND deleted_at IS NULL"
    "  AND availability_status = 'online'),"
    " 'agents_away', (SELECT count(*) FROM users WHERE type = 'agent' AND deleted_at IS NULL"
    "  AND availability_status = 'away_manual'),"
    " 'agents_reassigning', (SELECT count(*) FROM users WHERE type = 'agent'"
    "  AND deleted_at IS NULL AND availability_status = 'away_and_reassigning'),"
    " 'agents_offline', (SELECT count(*) FROM users WHERE type = 'agent' AND deleted_at IS NULL"
    "  AND availability_status = 'offline'))::text"
    " FROM conversations c JOIN conversation_statuses s ON s.id = c.status_id"
    " WHERE s.category <> 'resolved'";

static const char *const charts_ref = "WITH s AS " START(
    "%d") ","
          " n AS (SELECT " DAY(
              "created_at") " AS d, count(*) AS n FROM conversations, s"
                            "  WHERE created_at >= s.st GROUP BY 1),"
                            " r AS (SELECT " DAY(
                                "resolved_at") " AS d, count(*) AS n FROM conversations, s"
                                               "  WHERE created_at >= s.st AND resolved_at IS NOT "
                                               "NULL GROUP BY 1)"
                                               " SELECT json_build_object("
                                               " 'new_conversations', (SELECT "
                                               "json_agg(json_build_object('date', d, 'count', n) "
                                               "ORDER BY d)"
                                               "  FROM n),"
                                               " 'resolved_conversations', (SELECT "
                                               "json_agg(json_build_object('date', d, 'count', n)"
                                               "  ORDER BY d) FROM r))::text";

static const char *const sla_ref = "WITH s AS " START(
    "%d") ","
          " a AS (SELECT * FROM applied_slas, s WHERE created_at >= s.st),"
          " e AS (SELECT * FROM sla_events, s WHERE created_at >= s.st AND type = 'next_response'),"
          " k AS (SELECT (SELECT count(first_response_met_at) FROM a) AS frm,"
          "  (SELECT count(first_response_breached_at) FROM a) AS frb,"
          "  (SELECT count(resolution_met_at) FROM a) AS rm,"
          "  (SELECT count(resolution_breached_at) FROM a) AS rb,"
          "  (SELECT count(met_at) FROM e) AS nm, (SELECT count(breached_at) FROM e) AS nb,"
          "  (SELECT coalesce(sum(extract(epoch FROM first_response_met_at - created_at))"
          "   / nullif(count(first_response_met_at), 0), 0) FROM a) AS fra,"
          "  (SELECT coalesce(sum(extract(epoch FROM resolution_met_at - created_at))"
          "   / nullif(count(resolution_met_at), 0), 0) FROM a) AS ra,"
          "  (SELECT coalesce(sum(extract(epoch FROM met_at - created_at))"
          "   / nullif(count(met_at), 0), 0) FROM e) AS na)"
          " SELECT json_build_object('first_response_met_count', frm,"
          " 'first_response_breached_count', frb, 'avg_first_response_time_sec', fra::float8,"
          " 'next_response_met_count', nm, 'next_response_breached_count', nb,"
          " 'avg_next_response_time_sec', na::float8,"
          " 'resolution_met_count', rm, 'resolution_breached_count', rb,"
          " 'avg_resolution_time_sec', ra::float8,"
          " 'first_response_compliance_percent',"
          "  coalesce(round(frm::numeric / nullif(frm + frb, 0) * 100, 1), 0)::float8,"
          " 'next_response_compliance_percent',"
          "  coalesce(round(nm::numeric / nullif(nm + nb, 0) * 100, 1), 0)::float8,"
          " 'resolution_compliance_percent',"
          "  coalesce(round(rm::numeric / nullif(rm + rb, 0) * 100, 1), 0)::float8)::text FROM k";

static const char *const csat_ref = "WITH s AS " START(
    "%d") ","
          " c AS (SELECT rating FROM csat_responses, s WHERE created_at >= s.st)"
          " SELECT json_build_object("
          " 'average_rating', coalesce((SELECT avg(rating) FROM c WHERE rating > 0), 0),"
          " 'total_responses', (SELECT count(*) FROM c WHERE rating > 0),"
          " 'total_sent', (SELECT count(*) FROM c),"
          " 'response_rate', coalesce(round((SELECT count(*) FROM c WHERE rating > 0)::numeric"
          "  / nullif((SELECT count(*) FROM c), 0) * 100, 1), 0))::text";

static const char *const messages_ref = "WITH s AS " START(
    "%d") ","
          " m AS (SELECT type, conversation_id FROM conversation_messages, s"
          "  WHERE created_at >= s.st AND type IN ('incoming', 'outgoing'))"
          " SELECT json_build_object('total_messages', (SELECT count(*) FROM m),"
          " 'incoming_messages', (SELECT count(*) FROM m WHERE type = 'incoming'),"
          " 'outgoing_messages', (SELECT count(*) FROM m WHERE type = 'outgoing'),"
          " 'messages_per_conversation', coalesce(round((SELECT count(*) FROM m)::numeric"
          "  / nullif((SELECT count(DISTINCT conversation_id) FROM m), 0), 1), 0))::text";

static const char *const tags_ref = "WITH s AS " START(
    "%d") ","
          " tc AS (SELECT t.id AS tag_id, t.name AS tag_name, count(ct.conversation_id) AS "
          "\"count\""
          "  FROM tags t LEFT JOIN conversation_tags ct ON ct.tag_id = t.id"
          "  LEFT JOIN conversations c ON c.id = ct.conversation_id, s"
          "  WHERE c.created_at >= s.st OR c.id IS NULL GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 10),"
          " g AS (SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM conversation_tags ct"
          "   WHERE ct.conversation_id = c.id)) AS tagged, count(*) AS total"
          "  FROM conversations c, s WHERE c.created_at >= s.st)"
          " SELECT json_build_object('top_tags', coalesce((SELECT json_agg(row_to_json(tc)"
          "  ORDER BY \"count\" DESC, tag_id) FROM tc), '[]'::json),"
          " 'tagged_conversations', tagged, 'untagged_conversations', total - tagged,"
          " 'tagged_percentage', coalesce(round(tagged::numeric / nullif(total, 0) * 100, 1), "
          "0))::text"
          " FROM g";

struct report {
    const char *name;
    const char *ref; /* the reference query, %d standing for the days */
    const char *const keys[13];
};

static const struct report reports[] = {
    {"counts",
     NULL,
     {"open", "awaiting_response", "unassigned", "pending", "agents_online", "agents_away",
      "agents_reassigning", "agents_offline"}},
    {"charts", charts_ref, {"new_conversations", "resolved_conversations"}},
    {"sla",
     sla_ref,
     {"first_response_met_count", "first_response_breached_count", "avg_first_response_time_sec",
      "next_response_met_count", "next_response_breached_count", "avg_next_response_time_sec",
      "resolution_met_count", "resolution_breached_count", "avg_resolution_time_sec",
      "first_response_compliance_percent", "next_response_compliance_percent",
      "resolution_compliance_percent"}},
    {"csat", csat_ref, {"average_rating", "total_responses", "total_sent", "response_rate"}},
    {"messages",
     messages_ref,
     {"total_messages", "incoming_messages", "outgoing_messages", "messages_per_conversation"}},
    {"tags",
     tags_ref,
     {"top_tags", "tagged_conversations", "untagged_conversations", "tagged_percentage"}},
};

/* Asserts that o has exactly keys, in that order. */
static void expect_keys(json_object *o, const char *const *keys, const char *what)
{
    size_t i = 0;
    ck_assert_msg(json_object_is_type(o, json_type_object), "%s: not an object", what);
    json_object_object_foreach(o, k, v)
    {
        (void)v;
        ck_assert_msg(keys[i] != NULL, "%s: extra key %s", what, k);
        ck_assert_msg(strcmp(k, keys[i]) == 0, "%s: key %s where %s", what, k, keys[i]);
        i++;
    }
    ck_assert_msg(keys[i] == NULL, "%s: missing %s", what, keys[i]);
}

/* ref with each "%d" replaced by days, into out. */
static void fill_days(char *out, size_t len, const char *ref, int days)
{
    size_t o = 0;
    for (const char *p = ref; *p != '\0'; p++) {
        if (p[0] == '%' && p[1] == 'd') {
            o += (size_t)snprintf(out + o, len - o, "%d", days);
            p++;
        } else {
            out[o++] = *p;
        }
        ck_assert_uint_lt(o, len - 16);
    }
    out[o] = '\0';
}

/* GET report ?days=query as the admin equals the reference query for ref_days. */
static void expect_report(const struct report *rp, const char *query, int ref_days)
{
    char path[128], sql[8192], what[160];
    if (query != NULL)
        snprintf(path, sizeof(path), "/api/v1/reports/overview/%s?days=%s", rp->name, query);
    else
        snprintf(path, sizeof(path), "/api/v1/reports/overview/%s", rp->name);
    snprintf(what, sizeof(what), "%s (reference days %d)", path, ref_days);
    fill_days(sql, sizeof(sql), rp->ref != NULL ? rp->ref : counts_ref, ref_days);

    struct http_res r = http_get(path, tok(it_admin_key));
    json_object *root, *d = json_data(&r, &root);
    char *want_text = sql_value(sql);
    ck_assert_ptr_nonnull(want_text);
    json_object *want = json_tokener_parse(want_text);
    ck_assert_ptr_nonnull(want);
    expect_keys(d, rp->keys, what);
    ck_assert_msg(json_object_equal(d, want), "%s:\n got  %s\n want %s", what,
                  json_object_to_json_string(d), want_text);
    if (strcmp(rp->name, "tags") == 0) {
        static const char *const tag_keys[] = {"tag_id", "tag_name", "count", NULL};
        json_object *top = json_object_object_get(d, "top_tags");
        for (size_t i = 0; i < json_object_array_length(top); i++)
            expect_keys(json_object_array_get_idx(top, i), tag_keys, what);
    }
    if (strcmp(rp->name, "charts") == 0) {
        static const char *const point_keys[] = {"date", "count", NULL};
        json_object *pts = json_object_object_get(d, "new_conversations");
        for (size_t i = 0; pts != NULL && i < json_object_array_length(pts); i++)
            expect_keys(json_object_array_get_idx(pts, i), point_keys, what);
    }
    json_object_put(want);
    free(want_text);
    json_object_put(root);
    http_res_free(&r);
}

/* Every report for each window, and ?days read as upstream reads it. */
static void expect_all(void)
{
    static const int days[] = {0, 1, 2, 3, 7, 30, 365};
    for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
        for (size_t j = 0; j < sizeof(days) / sizeof(days[0]); j++) {
            char q[16];
            snprintf(q, sizeof(q), "%d", days[j]);
            expect_report(&reports[i], q, days[j]);
        }
        expect_report(&reports[i], NULL, 0);
        expect_report(&reports[i], "abc", 0);
        expect_report(&reports[i], "-3", 0);
        expect_report(&reports[i], "+2", 0); /* a space, once decoded */
        expect_report(&reports[i], "%2B2", 2);
        expect_report(&reports[i], "9999", 365);
        expect_report(&reports[i], "99999999999999999999", 365);
    }
}

/* The per-day tables equal a recount of the base tables (no row differs either way). */
static void expect_summaries(void)
{
    static const char *const pairs[][2] = {
        {"SELECT created_day, resolved_day, n FROM deskd_report_conversation_days WHERE n <> 0",
         "SELECT (created_at AT TIME ZONE 'UTC')::date,"
         " coalesce((resolved_at AT TIME ZONE 'UTC')::date, 'infinity'), count(*)"
         " FROM conversations GROUP BY 1, 2"},
        {"SELECT status_id, n, unassigned, awaiting, pending FROM deskd_report_status_counts"
         " WHERE n <> 0",
         "SELECT status_id, count(*), count(*) FILTER (WHERE assigned_user_id IS NULL),"
         " count(*) FILTER (WHERE last_message_sender = 'contact'),"
         " count(*) FILTER (WHERE first_reply_at IS NULL) FROM conversations GROUP BY 1"},
        {"SELECT tag_id, created_day, n FROM deskd_report_tag_days WHERE n <> 0",
         "SELECT ct.tag_id, (c.created_at AT TIME ZONE 'UTC')::date, count(*)"
         " FROM conversation_tags ct JOIN conversations c ON c.id = ct.conversation_id"
         " GROUP BY 1, 2"},
        {"SELECT conversation_id, tag_id, created_at FROM deskd_report_tag_rows",
         "SELECT ct.conversation_id, ct.tag_id, c.created_at FROM conversation_tags ct"
         " JOIN conversations c ON c.id = ct.conversation_id"},
        {"SELECT conversation_id, n FROM deskd_report_conversation_tag_counts WHERE n <> 0",
         "SELECT conversation_id, count(*) FROM conversation_tags GROUP BY 1"},
        {"SELECT created_day, n FROM deskd_report_tagged_days WHERE n <> 0",
         "SELECT (created_at AT TIME ZONE 'UTC')::date, count(*) FROM conversations c"
         " WHERE EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.conversation_id = c.id)"
         " GROUP BY 1"},
        {"SELECT day, type, n FROM deskd_report_message_days WHERE n <> 0",
         "SELECT (created_at AT TIME ZONE 'UTC')::date, type, count(*) FROM conversation_messages"
         " WHERE type IN ('incoming', 'outgoing') GROUP BY 1, 2"},
        {"SELECT conversation_id, last_at FROM deskd_report_message_last",
         "SELECT conversation_id, max(created_at) FROM conversation_messages"
         " WHERE type IN ('incoming', 'outgoing') GROUP BY 1"},
        {"SELECT day, first_met, first_breached, first_met_secs, resolution_met,"
         " resolution_breached, resolution_met_secs FROM deskd_report_sla_days"
         " WHERE (first_met, first_breached, resolution_met, resolution_breached) <> (0, 0, 0, 0)",
         "SELECT (created_at AT TIME ZONE 'UTC')::date, count(first_response_met_at),"
         " count(first_response_breached_at),"
         " coalesce(sum(extract(epoch FROM first_response_met_at - created_at)), 0),"
         " count(resolution_met_at), count(resolution_breached_at),"
         " coalesce(sum(extract(epoch FROM resolution_met_at - created_at)), 0)"
         " FROM applied_slas GROUP BY 1 HAVING count(first_response_met_at)"
         " + count(first_response_breached_at) + count(resolution_met_at)"
         " + count(resolution_breached_at) > 0"},
        {"SELECT day, met, breached, met_secs FROM deskd_report_next_response_days"
         " WHERE (met, breached) <> (0, 0)",
         "SELECT (created_at AT TIME ZONE 'UTC')::date, count(met_at), count(breached_at),"
         " coalesce(sum(extract(epoch FROM met_at - created_at)), 0) FROM sla_events"
         " WHERE type = 'next_response' GROUP BY 1 HAVING count(met_at) + count(breached_at) > 0"},
        {"SELECT day, sent, answered, rating_sum FROM deskd_report_csat_days WHERE sent <> 0",
         "SELECT (created_at AT TIME ZONE 'UTC')::date, count(*), count(*) FILTER (WHERE rating > "
         "0),"
         " coalesce(sum(rating) FILTER (WHERE rating > 0), 0) FROM csat_responses"
         " WHERE created_at IS NOT NULL GROUP BY 1"},
        {"SELECT day, n FROM deskd_report_message_last_days WHERE n <> 0",
         "SELECT (max(created_at) AT TIME ZONE 'UTC')::date, 1 FROM conversation_messages"
         " WHERE type IN ('incoming', 'outgoing') GROUP BY conversation_id"},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        char sql[2048];
        /* The last pair counts conversations per day: sum its rows first. */
        if (i == sizeof(pairs) / sizeof(pairs[0]) - 1)
            snprintf(sql, sizeof(sql),
                     "SELECT count(*) FROM ((%s EXCEPT SELECT d, count(*) FROM (%s) x(d, one)"
                     " GROUP BY 1) UNION ALL (SELECT d, count(*) FROM (%s) x(d, one) GROUP BY 1"
                     " EXCEPT %s)) y",
                     pairs[i][0], pairs[i][1], pairs[i][1], pairs[i][0]);
        else
            snprintf(sql, sizeof(sql),
                     "SELECT count(*) FROM ((%s EXCEPT %s) UNION ALL (%s EXCEPT %s)) y",
                     pairs[i][0], pairs[i][1], pairs[i][1], pairs[i][0]);
        char *v = sql_value(sql);
        ck_assert_msg(v != NULL && strcmp(v, "0") == 0, "summary %zu differs in %s rows", i,
                      v ? v : "?");
        free(v);
    }
}

/* A conversation of contact in inbox created `created` ago, with status st; its id. */
static char *conv_at(const char *contact, const char *inbox, const char *created, const char *st)
{
    return sql_valuef("INSERT INTO conversations (subject, status_id, contact_id, inbox_id,"
                      " created_at) SELECT 'report', id, %s, %s, now() - interval '%s'"
                      " FROM conversation_statuses WHERE name = '%s' RETURNING id",
                      contact, inbox, created, st);
}

static void message_at(const char *conv, const char *type, const char *ago)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "INSERT INTO conversation_messages (type, status, conversation_id, content,"
             " sender_type, created_at) VALUES ('%s', 'received', %s, 'r', 'contact',"
             " now() - interval '%s')",
             type, conv, ago);
    sql_exec(sql);
}

START_TEST(test_reports_match_base_tables)
{
    long pid = (long)getpid();
    char *inbox = sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('It reports %ld',"
                             " 'email') RETURNING id",
                             pid);
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact',"
                               " 'R', 'reports-%ld@example.org') RETURNING id",
                               pid);
    /* Each side of the 1, 2, 3, 7, 30 and 365 day starts, and today. */
    char *c[8];
    c[0] = conv_at(contact, inbox, "40 days", "Open");
    c[1] = conv_at(contact, inbox, "7 days - 1 hour", "Open");
    c[2] = conv_at(contact, inbox, "7 days 1 hour", "Resolved");
    c[3] = conv_at(contact, inbox, "1 day - 10 minutes", "Open");
    c[4] = conv_at(contact, inbox, "0 seconds", "Open");
    c[5] = conv_at(contact, inbox, "2 days 5 minutes", "Snoozed");
    c[6] = conv_at(contact, inbox, "3 days - 5 minutes", "Open");
    c[7] = conv_at(contact, inbox, "366 days", "Closed");
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "UPDATE conversations SET resolved_at = now() - interval '1 day',"
             " last_message_sender = 'contact' WHERE id IN (%s, %s)",
             c[1], c[2]);
    sql_exec(sql);
    snprintf(sql, sizeof(sql),
             "UPDATE conversations SET first_reply_at = now(), last_message_sender = 'agent'"
             " WHERE id IN (%s, %s)",
             c[3], c[6]);
    sql_exec(sql);

    /* Tags: one on conversations in several windows, one on an old one, one on none. */
    char *ta = sql_valuef("INSERT INTO tags (name) VALUES ('it-rep-a-%ld') RETURNING id", pid);
    char *tb = sql_valuef("INSERT INTO tags (name) VALUES ('it-rep-b-%ld') RETURNING id", pid);
    char *tc = sql_valuef("INSERT INTO tags (name) VALUES ('it-rep-c-%ld') RETURNING id", pid);
    snprintf(sql, sizeof(sql),
             "INSERT INTO conversation_tags (tag_id, conversation_id) VALUES"
             " (%s, %s), (%s, %s), (%s, %s), (%s, %s), (%s, %s), (%s, %s)",
             ta, c[0], ta, c[1], ta, c[4], tb, c[0], tb, c[4], tb, c[6]);
    sql_exec(sql);

    /* Messages on both sides of the starts; activity messages do not count. */
    message_at(c[0], "incoming", "40 days");
    message_at(c[0], "outgoing", "6 days 23 hours");
    message_at(c[1], "incoming", "7 days - 1 hour");
    message_at(c[1], "outgoing", "2 days 1 minute");
    message_at(c[2], "incoming", "7 days 1 hour");
    message_at(c[3], "incoming", "1 day - 10 minutes");
    message_at(c[3], "activity", "1 minute");
    message_at(c[4], "outgoing", "0 seconds");
    message_at(c[6], "incoming", "3 days - 5 minutes");
    message_at(c[7], "incoming", "366 days");

    /* CSAT: sent and answered, sent only, answered long ago. */
    snprintf(sql, sizeof(sql),
             "INSERT INTO csat_responses (conversation_id, rating, created_at) VALUES"
             " (%s, 4, now() - interval '1 day - 1 minute'), (%s, 0, now()),"
             " (%s, 5, now() - interval '3 days 1 minute'), (%s, 3, now() - interval '20 days')",
             c[3], c[4], c[6], c[0]);
    sql_exec(sql);

    /* SLA: met and breached targets and next responses. */
    char *pol = sql_valuef("INSERT INTO sla_policies (name, first_response_time,"
                           " resolution_time) VALUES ('it-rep-%ld', '1h', '1d') RETURNING id",
                           pid);
    char *as1 =
        sql_valuef("INSERT INTO applied_slas (conversation_id, sla_policy_id, status, created_at,"
                   " first_response_met_at, resolution_breached_at) VALUES (%s, %s, 'breached',"
                   " now() - interval '2 days', now() - interval '2 days' + interval '90 seconds',"
                   " now() - interval '1 day') RETURNING id",
                   c[1], pol);
    char *as2 =
        sql_valuef("INSERT INTO applied_slas (conversation_id, sla_policy_id, status, created_at,"
                   " first_response_breached_at, resolution_met_at) VALUES (%s, %s, 'met',"
                   " now() - interval '10 days', now() - interval '9 days',"
                   " now() - interval '10 days' + interval '1 hour 0.5 seconds') RETURNING id",
                   c[2], pol);
    snprintf(sql, sizeof(sql),
             "INSERT INTO sla_events (applied_sla_id, sla_policy_id, type, deadline_at, created_at,"
             " met_at, breached_at) VALUES"
             " (%s, %s, 'next_response', now(), now() - interval '1 hour',"
             "  now() - interval '50 minutes', NULL),"
             " (%s, %s, 'next_response', now(), now() - interval '8 days', NULL, now()),"
             " (%s, %s, 'first_response', now(), now() - interval '1 hour', now(), NULL)",
             as1, pol, as2, pol, as1, pol);
    sql_exec(sql);

    expect_all();
    expect_summaries();

    /* Changes: untag, a tag deleted, a conversation (with tags, messages, CSAT) deleted,
     * a message deleted, one reopened, one resolved, a status change. */
    snprintf(sql, sizeof(sql),
             "DELETE FROM conversation_tags WHERE tag_id = %s AND conversation_id = %s", ta, c[1]);
    sql_exec(sql);
    snprintf(sql, sizeof(sql), "DELETE FROM tags WHERE id = %s", tb);
    sql_exec(sql);
    snprintf(sql, sizeof(sql), "DELETE FROM conversations WHERE id = %s", c[4]);
    sql_exec(sql);
    snprintf(sql, sizeof(sql),
             "DELETE FROM conversation_messages WHERE conversation_id = %s AND type = 'outgoing'",
             c[1]);
    sql_exec(sql);
    snprintf(sql, sizeof(sql),
             "UPDATE conversations SET resolved_at = NULL, assigned_user_id = NULL WHERE id = %s",
             c[2]);
    sql_exec(sql);
    snprintf(sql, sizeof(sql),
             "UPDATE conversations SET resolved_at = now(), status_id = (SELECT id FROM"
             " conversation_statuses WHERE name = 'Resolved') WHERE id = %s",
             c[6]);
    sql_exec(sql);
    /* Its one tag swapped for another in one statement (as a conversation's tag update does). */
    snprintf(sql, sizeof(sql),
             "WITH d AS (DELETE FROM conversation_tags WHERE conversation_id = %s AND tag_id = %s)"
             " INSERT INTO conversation_tags (tag_id, conversation_id) VALUES (%s, %s)",
             c[0], ta, tc, c[0]);
    sql_exec(sql);
    message_at(c[1], "outgoing", "1 second");
    /* Targets met and breached after the fact, a rating given, an event gone. */
    snprintf(sql, sizeof(sql),
             "UPDATE applied_slas SET resolution_met_at = now(), resolution_breached_at = NULL,"
             " status = 'met' WHERE id = %s",
             as1);
    sql_exec(sql);
    snprintf(sql, sizeof(sql), "UPDATE applied_slas SET updated_at = now() WHERE id = %s", as2);
    sql_exec(sql);
    snprintf(sql, sizeof(sql),
             "UPDATE sla_events SET met_at = now() - interval '1 minute' WHERE applied_sla_id = %s"
             " AND type = 'next_response'",
             as2);
    sql_exec(sql);
    snprintf(sql, sizeof(sql),
             "UPDATE csat_responses SET rating = 2, response_timestamp = now()"
             " WHERE conversation_id = %s",
             c[3]);
    sql_exec(sql);
    snprintf(sql, sizeof(sql),
             "DELETE FROM sla_events WHERE applied_sla_id = %s AND type = 'first_response'", as1);
    sql_exec(sql);

    expect_all();
    expect_summaries();

    snprintf(sql, sizeof(sql), "DELETE FROM conversations WHERE contact_id = %s", contact);
    sql_exec(sql);
    snprintf(sql, sizeof(sql), "DELETE FROM tags WHERE id IN (%s, %s)", ta, tc);
    sql_exec(sql);
    snprintf(sql, sizeof(sql), "DELETE FROM sla_policies WHERE id = %s", pol);
    sql_exec(sql);
    expect_summaries();
    for (int i = 0; i < 8; i++)
        free(c[i]);
    free(ta);
    free(tb);
    free(tc);
    free(pol);
    free(as1);
    free(as2);
    free(inbox);
    free(contact);
}
END_TEST

START_TEST(test_reports_permission)
{
    for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/reports/overview/%s?days=7", reports[i].name);
        expect_error(path, tok(it_agent_key), 403, "Permission denied", "PermissionException");
        struct http_res r = http_get(path, NULL);
        ck_assert_int_eq(r.status, 401);
        http_res_free(&r);
        r = http_json("POST", path, it_admin_key, "{}");
        ck_assert_int_eq(r.status, 405);
        http_res_free(&r);
    }
}
END_TEST

Suite *it_reports_suite(void)
{
    return SUITE_OF("reports", 120, NULL, NULL, test_reports_match_base_tables,
                    test_reports_permission);
}
