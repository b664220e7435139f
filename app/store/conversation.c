/*
 * store/conversation.c - one conversation: access, the full object, its
 * assignee/status/priority/tags writes, creation.
 */
#include "store/conversation.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"
#include "lists/query.h"
#include "store/queries.h"
#include "store/user_sql.h"

/* A person's display name, over users p. */
#define PERSON_NAME "trim(p.first_name || ' ' || coalesce(p.last_name, ''))"

/*
 * Follows "WITH u AS (UPDATE conversations c ... RETURNING c.id, <name>)":
 * for each updated row, a private activity message "<actor's name> <what>"
 * by the agent whose id is parameter $<actor>, with meta {activity: kind,
 * value: name}.
 */
#define ACTIVITY_INSERT(actor, kind, what)                                                         \
    " INSERT INTO conversation_messages (type, status, private, conversation_id,"                  \
    " content_type, content, text_content, sender_id, sender_type, meta)"                          \
    " SELECT 'activity', 'sent', true, u.id, 'text', a.t, a.t, $" actor "::int, 'agent',"          \
    " jsonb_build_object('activity', '" kind "', 'value', u.name) FROM u,"                         \
    " LATERAL (SELECT (SELECT " PERSON_NAME " FROM users p WHERE p.id = $" actor "::int)"          \
    "  || ' ' || " what " AS t) a"

const struct db_stmt STMT_CONV_ACCESS[1] = {
    {"conv_access",
     "SELECT c.id, c.assigned_user_id, c.assigned_team_id, EXISTS (SELECT 1"
     " FROM team_members tm WHERE tm.team_id = c.assigned_team_id"
     " AND tm.user_id = $2::int), c.contact_id FROM conversations c"
     " WHERE c.uuid = $1::uuid",
     2, 1}};

/* The full conversation (reference §7.3), by id; row_to_json keeps the column order. */
const struct db_stmt STMT_CONV_JSON[1] = {
    {"conv_json",
     "SELECT row_to_json(x)::text FROM (SELECT c.id, c.created_at, c.updated_at,"
     " c.uuid, c.contact_id, c.inbox_id, c.closed_at, c.resolved_at,"
     " c.reference_number, pr.name AS priority, c.priority_id, st.name AS status,"
     " st.category AS status_category, c.status_id, c.first_reply_at,"
     " c.last_reply_at, c.assigned_user_id, c.assigned_team_id, c.waiting_since,"
     " c.snoozed_until, c.subject,"
     " coalesce(substring(i.\"from\" from '<([^>]+)>'), i.\"from\") AS inbox_mail,"
     " i.config ->> 'reply_to' AS inbox_reply_to, i.name AS inbox_name,"
     " i.channel AS inbox_channel,"
     " coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM conversation_tags ctg"
     "  JOIN tags t ON t.id = ctg.tag_id WHERE ctg.conversation_id = c.id), '[]')"
     "  AS tags,"
     " c.meta, c.custom_attributes, c.last_message_at, c.last_message,"
     " c.last_message_sender, c.last_interaction, c.last_interaction_at,"
     " c.last_interaction_sender,"
     " json_build_object('id', ct.id, 'created_at', ct.created_at,"
     "  'updated_at', ct.updated_at, 'first_name', ct.first_name,"
     "  'last_name', coalesce(ct.last_name, ''), 'email', ct.email, 'type', ct.type,"
     "  'availability_status', ct.availability_status, 'avatar_url', ct.avatar_url,"
     "  'phone_number', ct.phone_number,"
     "  'phone_number_country_code', ct.phone_number_country_code,"
     "  'country', ct.country, 'custom_attributes', ct.custom_attributes,"
     "  'enabled', ct.enabled, 'last_active_at', ct.last_active_at,"
     "  'last_login_at', ct.last_login_at, 'external_user_id', ct.external_user_id)"
     "  AS contact,"
     " c.sla_policy_id, sp.name AS sla_policy_name, sla.id AS applied_sla_id,"
     " sla.first_response_deadline_at, sla.resolution_deadline_at,"
     " nr.deadline_at AS next_response_deadline_at,"
     " nr.met_at AS next_response_met_at,"
     " NULL::int AS csat_rating, NULL::text AS csat_feedback,"
     " NULL::timestamptz AS csat_responded_at,"
     " coalesce((SELECT json_agg(json_build_object('id', pc.id, 'created_at',"
     "  pc.created_at, 'updated_at', pc.updated_at, 'uuid', pc.uuid, 'subject',"
     "  pc.subject, 'contact', json_build_object('first_name', ct.first_name,"
     "  'last_name', coalesce(ct.last_name, ''), 'avatar_url', ct.avatar_url),"
     "  'last_message', pc.last_message, 'last_message_at', pc.last_message_at)"
     "  ORDER BY pc.last_message_at DESC NULLS LAST, pc.id DESC)"
     "  FROM (SELECT * FROM conversations p2 WHERE p2.contact_id = c.contact_id"
     "  AND p2.id <> c.id ORDER BY p2.last_message_at DESC NULLS LAST, p2.id DESC"
     "  LIMIT 10) pc), '[]') AS previous_conversations"
     " FROM conversations c JOIN users ct ON ct.id = c.contact_id"
     " JOIN inboxes i ON i.id = c.inbox_id"
     " JOIN conversation_statuses st ON st.id = c.status_id"
     " LEFT JOIN conversation_priorities pr ON pr.id = c.priority_id"
     " LEFT JOIN sla_policies sp ON sp.id = c.sla_policy_id"
     " LEFT JOIN LATERAL (SELECT a.id, a.first_response_deadline_at,"
     "  a.resolution_deadline_at FROM applied_slas a WHERE a.conversation_id = c.id"
     "  ORDER BY a.created_at DESC, a.id DESC LIMIT 1) sla ON TRUE"
     " LEFT JOIN LATERAL (SELECT e.deadline_at, e.met_at FROM sla_events e"
     "  WHERE e.applied_sla_id = sla.id AND e.type = 'next_response'"
     "  ORDER BY e.created_at DESC, e.id DESC LIMIT 1) nr ON TRUE"
     " WHERE c.id = $1::bigint) x",
     1, 1}};

const struct db_stmt STMT_CONV_PARTICIPANTS_JSON[1] = {
    {"conv_participants_json",
     "SELECT coalesce(json_agg(json_build_object('id', u.id,"
     " 'first_name', u.first_name, 'last_name',"
     " coalesce(u.last_name, ''), 'avatar_url', u.avatar_url)"
     " ORDER BY p.id), '[]')::text"
     " FROM conversation_participants p JOIN users u"
     " ON u.id = p.user_id WHERE p.conversation_id = $1::bigint",
     1, 1}};

/*
 * The status, priority, agent and team updates change the conversation
 * only when the value differs, and then record an activity message by the
 * actor (the last parameter) in the same statement: u is the updated row,
 * with the new value's name as `name` (NULL when it was removed).
 * Status: $3 is the snooze in seconds (Snoozed only); resolved_at and
 * closed_at are set on the first move into a resolved status / Closed.
 */
const struct db_stmt STMT_CONV_SET_STATUS[1] = {
    {"conv_set_status",
     "WITH u AS (UPDATE conversations c SET status_id = st.id,"
     " snoozed_until = CASE WHEN $3::float8 IS NULL THEN NULL"
     "  ELSE now() + $3::float8 * interval '1 second' END,"
     " resolved_at = CASE WHEN st.category = 'resolved'"
     "  THEN coalesce(c.resolved_at, now()) ELSE c.resolved_at END,"
     " closed_at = CASE WHEN st.name = 'Closed'"
     "  THEN coalesce(c.closed_at, now()) ELSE c.closed_at END,"
     " updated_at = now()"
     " FROM conversation_statuses st WHERE st.id = $2::int"
     " AND c.id = $1::bigint"
     " AND (c.status_id <> st.id OR $3::float8 IS NOT NULL)"
     " RETURNING c.id, st.name)" ACTIVITY_INSERT("4", "status", "'set the status to ' || u.name"),
     4, 0}};

const struct db_stmt STMT_CONV_SET_PRIORITY[1] = {
    {"conv_set_priority",
     "WITH u AS (UPDATE conversations c SET priority_id = pr.id,"
     " updated_at = now() FROM conversation_priorities pr"
     " WHERE pr.id = $2::int AND c.id = $1::bigint"
     " AND c.priority_id IS DISTINCT FROM pr.id"
     " RETURNING c.id, pr.name)" ACTIVITY_INSERT("3", "priority",
                                                 "'set the priority to ' || u.name"),
     3, 0}};

const struct db_stmt STMT_CONV_SET_USER[1] = {
    {"conv_set_user",
     "WITH u AS (UPDATE conversations c SET assigned_user_id = $2::int,"
     " updated_at = now() WHERE c.id = $1::bigint"
     " AND c.assigned_user_id IS DISTINCT FROM $2::int"
     " RETURNING c.id, (SELECT " PERSON_NAME " FROM users p"
     "  WHERE p.id = $2::int) AS name)" ACTIVITY_INSERT(
         "3", "assignee",
         "coalesce('assigned the conversation to ' || u.name,"
         " 'removed the assigned agent')"),
     3, 0}};

/* A new team clears the agent (upstream); removing the team keeps it. */
const struct db_stmt STMT_CONV_SET_TEAM[1] = {
    {"conv_set_team",
     "WITH u AS (UPDATE conversations c SET assigned_team_id = $2::int,"
     " assigned_user_id = CASE WHEN $2::int IS NULL THEN assigned_user_id"
     "  ELSE NULL END, updated_at = now()"
     " WHERE c.id = $1::bigint AND c.assigned_team_id IS DISTINCT FROM"
     " $2::int RETURNING c.id, (SELECT t.name FROM teams t"
     "  WHERE t.id = $2::int) AS name)" ACTIVITY_INSERT(
         "3", "team",
         "coalesce('assigned the conversation to the team ' || u.name,"
         " 'removed the assigned team')"),
     3, 0}};

const struct db_stmt STMT_CONV_LAST_SEEN[1] = {
    {"conv_last_seen",
     "INSERT INTO conversation_last_seen (user_id, conversation_id,"
     " last_seen_at) VALUES ($2::int, $1::bigint, now())"
     " ON CONFLICT (conversation_id, user_id) DO UPDATE"
     " SET last_seen_at = now(), updated_at = now()",
     2, 0}};

/* Unread from the latest message (not activity) on: last seen just before it. */
const struct db_stmt STMT_CONV_MARK_UNREAD[1] = {
    {"conv_mark_unread",
     "INSERT INTO conversation_last_seen (user_id, conversation_id,"
     " last_seen_at) SELECT $2::int, $1::bigint, coalesce(max(created_at)"
     " - interval '1 microsecond', '-infinity') FROM conversation_messages"
     " WHERE conversation_id = $1::bigint AND type <> 'activity'"
     " ON CONFLICT (conversation_id, user_id) DO UPDATE"
     " SET last_seen_at = EXCLUDED.last_seen_at, updated_at = now()",
     2, 0}};

/* Tag names come as one JSON array ($n::jsonb): no array-literal quoting. */
const struct db_stmt STMT_TAGS_UNKNOWN[1] = {
    {"tags_unknown",
     "SELECT n FROM jsonb_array_elements_text($1::jsonb) n"
     " WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.name = n) LIMIT 1",
     1, 1}};

const struct db_stmt STMT_CONV_TAGS_SET[1] = {
    {"conv_tags_set",
     "WITH wanted AS (SELECT t.id FROM tags t WHERE t.name IN"
     "  (SELECT jsonb_array_elements_text($2::jsonb))),"
     " gone AS (DELETE FROM conversation_tags WHERE conversation_id = $1::bigint"
     "  AND tag_id NOT IN (SELECT id FROM wanted))"
     " INSERT INTO conversation_tags (tag_id, conversation_id)"
     " SELECT id, $1::bigint FROM wanted ON CONFLICT DO NOTHING",
     2, 0}};

const struct db_stmt STMT_CONV_TAGS_ADD[1] = {
    {"conv_tags_add",
     "INSERT INTO conversation_tags (tag_id, conversation_id)"
     " SELECT t.id, $1::bigint FROM tags t WHERE t.name IN"
     " (SELECT jsonb_array_elements_text($2::jsonb)) ON CONFLICT DO NOTHING",
     2, 0}};

const struct db_stmt STMT_CONV_TAGS_REMOVE[1] = {
    {"conv_tags_remove",
     "DELETE FROM conversation_tags WHERE conversation_id = $1::bigint"
     " AND tag_id IN (SELECT t.id FROM tags t WHERE t.name IN"
     " (SELECT jsonb_array_elements_text($2::jsonb)))",
     2, 0}};

/* Whether a conversation may start in this inbox: ok, disabled or not_email. */
const struct db_stmt STMT_INBOX_STATE[1] = {
    {"inbox_state",
     "SELECT CASE WHEN NOT enabled THEN 'disabled'"
     " WHEN channel <> 'email' THEN 'not_email' ELSE 'ok' END"
     " FROM inboxes WHERE id = $1::int AND deleted_at IS NULL",
     1, 1}};

/* The live contact with this e-mail, or a new one ($1 e-mail, lower-cased by the caller). */
const struct db_stmt STMT_CONTACT_FIND_OR_CREATE[1] = {
    {"contact_find_or_create",
     "WITH found AS (SELECT id FROM users WHERE type = 'contact'"
     " AND deleted_at IS NULL AND lower(email) = $1::text"
     " ORDER BY id LIMIT 1),"
     " made AS (INSERT INTO users (type, email, first_name,"
     " last_name, external_user_id) SELECT 'contact', $1::text,"
     " $2::text, $3::text, $4::text"
     " WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id)"
     " SELECT id FROM found UNION ALL SELECT id FROM made",
     4, 0}};

/* Open, the next reference number, "<subject> - #<ref>" (or "#<ref>"), team, agent. */
const struct db_stmt STMT_CONV_CREATE[1] = {
    {"conv_create",
     "INSERT INTO conversations (reference_number, contact_id, inbox_id,"
     " status_id, subject, assigned_team_id, assigned_user_id)"
     " SELECT s.ref, $1::bigint, $2::int, (SELECT id FROM"
     " conversation_statuses WHERE name = 'Open'),"
     " CASE WHEN coalesce($3::text, '') = '' THEN '#' || s.ref"
     "  ELSE $3::text || ' - #' || s.ref END, $4::int, $5::int"
     " FROM (SELECT nextval('conversation_reference_number_sequence')::text"
     " AS ref) s RETURNING id",
     5, 0}};

enum app_err q_conv_access(struct db *db, struct arena *a, const char *uuid, const char *user_id,
                           struct q_conv_access *out)
{
    const char *params[2] = {uuid, user_id};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_CONV_ACCESS, params, &res);

    memset(out, 0, sizeof(*out));
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    out->found = 1;
    out->id = db_value(res, 0, 0);
    out->has_user = db_value(res, 0, 1) != NULL;
    if (out->has_user)
        out->user_id = strtoll(db_value(res, 0, 1), NULL, 10);
    out->has_team = db_value(res, 0, 2) != NULL;
    out->my_team = db_value(res, 0, 3) != NULL && db_value(res, 0, 3)[0] == 't';
    out->contact_id = db_value(res, 0, 4);
    return APP_OK;
}

enum app_err q_conversation_create(struct db *db, struct arena *a,
                                   const struct q_conversation_new *cn, struct q_message_new *m,
                                   const char **conv_id)
{
    struct db_res *res;
    const char *msg_id;
    enum app_err e = db_begin(db);

    *conv_id = NULL;
    if (e != APP_OK)
        return e;
    const char *cp[4] = {cn->email, cn->first_name, cn->last_name, cn->external_user_id};
    e = db_run(db, a, STMT_CONTACT_FIND_OR_CREATE, cp, &res);
    const char *contact = (e == APP_OK && db_ntuples(res) > 0) ? db_value(res, 0, 0) : NULL;
    if (e == APP_OK && contact == NULL)
        e = APP_ERR_INTERNAL;
    if (e == APP_OK) {
        const char *vp[5] = {contact, cn->inbox_id, cn->subject, cn->team_id, cn->agent_id};
        e = db_run(db, a, STMT_CONV_CREATE, vp, &res);
        if (e == APP_OK)
            *conv_id = db_value(res, 0, 0);
    }
    if (e == APP_OK) {
        m->conv_id = *conv_id;
        if (m->sender_id == NULL) /* a contact-initiated conversation: the contact speaks */
            m->sender_id = contact;
        e = message_store(db, a, m, &msg_id);
    }
    if (e == APP_OK)
        e = db_commit(db);
    if (e != APP_OK) {
        db_rollback(db);
        *conv_id = NULL;
    }
    return e;
}
