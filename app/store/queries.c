/*
 * queries.c - the SQL statement tables and typed query functions.
 *
 * Every statement is parameterised ($n with a cast); identifiers are never
 * built from input.  The agent object is assembled in one statement so
 * that GET /agents/me is one round trip.
 */
#include "store/queries.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"
#include "lists/query.h"

/* The full agent object (reference §12), by id.  Never the password or secret. */
#define USER_JSON_SQL                                                                              \
    "SELECT json_build_object("                                                                    \
    " 'id', u.id, 'created_at', u.created_at, 'updated_at', u.updated_at,"                         \
    " 'first_name', u.first_name, 'last_name', coalesce(u.last_name, ''),"                         \
    " 'email', u.email, 'type', u.type, 'availability_status', u.availability_status,"             \
    " 'phone_number_country_code', u.phone_number_country_code,"                                   \
    " 'phone_number', u.phone_number, 'avatar_url', u.avatar_url, 'enabled', u.enabled,"           \
    " 'last_active_at', u.last_active_at, 'last_login_at', u.last_login_at,"                       \
    " 'roles', coalesce((SELECT json_agg(r.name ORDER BY r.name) FROM user_roles ur"               \
    "   JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id), '[]'),"                        \
    " 'permissions', coalesce((SELECT json_agg(DISTINCT p ORDER BY p) FROM user_roles ur"          \
    "   JOIN roles r ON r.id = ur.role_id, unnest(r.permissions) p WHERE ur.user_id = u.id),"      \
    "   '[]'),"                                                                                    \
    " 'country', u.country, 'meta', u.meta, 'custom_attributes', u.custom_attributes,"             \
    " 'external_user_id', u.external_user_id,"                                                     \
    " 'teams', coalesce((SELECT json_agg(json_build_object('id', t.id, 'name', t.name,"            \
    "   'emoji', t.emoji) ORDER BY t.name) FROM team_members tm JOIN teams t"                      \
    "   ON t.id = tm.team_id WHERE tm.user_id = u.id), '[]'),"                                     \
    " 'api_key', u.api_key, 'api_key_last_used_at', u.api_key_last_used_at)::text"                 \
    " FROM users u WHERE u.id = $1::int AND u.deleted_at IS NULL AND "

#define AGENT_JSON_SQL USER_JSON_SQL "u.type = 'agent'"
/* A contact or visitor, in the same shape (its roles, permissions and teams are empty). */
#define CONTACT_JSON_SQL USER_JSON_SQL "u.type IN ('contact', 'visitor')"

/* The per-conversation access rule over c, for the search statements ($3..$8). */
#define SEARCH_ACCESS                                                                              \
    " AND ($3::boolean OR ($4::boolean AND c.assigned_user_id = $8::int)"                          \
    "  OR (c.assigned_team_id IN (SELECT team_id FROM team_members WHERE user_id = $8::int)"       \
    "   AND ($5::boolean OR ($6::boolean AND c.assigned_user_id IS NULL)))"                        \
    "  OR ($7::boolean AND c.assigned_user_id IS NULL AND c.assigned_team_id IS NULL))"

/* A team as upstream sends it; the time zone is a string, empty when unset. */
#define TEAM_COLUMNS                                                                               \
    "id, created_at, updated_at, emoji, name, conversation_assignment_type,"                       \
    " coalesce(timezone, '') AS timezone, business_hours_id, sla_policy_id,"                       \
    " max_auto_assigned_conversations"

/* A view as upstream sends it: user_id and team_id only when set. */
#define VIEW_OBJECT                                                                                \
    "(jsonb_build_object('id', v.id, 'created_at', v.created_at, 'updated_at', v.updated_at,"      \
    " 'name', v.name, 'filters', v.filters, 'visibility', v.visibility)"                           \
    " || CASE WHEN v.user_id IS NULL THEN '{}'::jsonb"                                             \
    " ELSE jsonb_build_object('user_id', v.user_id) END"                                           \
    " || CASE WHEN v.team_id IS NULL THEN '{}'::jsonb"                                             \
    " ELSE jsonb_build_object('team_id', v.team_id) END)"

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

const struct db_stmt app_stmts[STMT__MAX] = {
    /*
     * One row per candidate agent: its hash, the concatenated permission
     * lists of its roles (duplicates are harmless; no DISTINCT or sort, which
     * would cost more than they save) and the reference-data version.
     */
    [STMT_AUTH_API_KEY] = {"auth_api_key",
                           "SELECT u.id, u.api_secret,"
                           " (SELECT string_agg(array_to_string(r.permissions, ','), ',')"
                           "  FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
                           "  WHERE ur.user_id = u.id),"
                           " (SELECT version FROM deskd_cache_versions WHERE name = 'reference')"
                           " FROM users u WHERE u.api_key = $1::text AND u.type = 'agent'"
                           " AND u.enabled AND u.deleted_at IS NULL AND u.api_secret IS NOT NULL"
                           " LIMIT 4",
                           1, 1},
    [STMT_API_KEY_TOUCH] = {"api_key_touch",
                            "UPDATE users SET api_key_last_used_at = now() WHERE id = $1::int", 1,
                            0},
    [STMT_STATUSES_JSON] = {"statuses_json",
                            "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at',"
                            " created_at, 'name', name, 'category', category) ORDER BY id),"
                            " '[]')::text FROM conversation_statuses",
                            0, 1},
    [STMT_PRIORITIES_JSON] = {"priorities_json",
                              "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at',"
                              " created_at, 'name', name) ORDER BY id), '[]')::text"
                              " FROM conversation_priorities",
                              0, 1},
    [STMT_AI_PROMPTS_JSON] = {"ai_prompts_json",
                              "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at',"
                              " created_at, 'updated_at', updated_at, 'title', title, 'key', key)"
                              " ORDER BY title, id), '[]')::text FROM ai_prompts",
                              0, 1},
    [STMT_AGENT_JSON] = {"agent_json", AGENT_JSON_SQL, 1, 1},
    /* $1 the caller, $2 the page's ids ("{1,2,3}"): the items' columns, in that order. */
    [STMT_CONV_ITEMS] =
        {"conv_items",
         "SELECT " ITEM_COLUMNS(
             "NULL::uuid") " FROM unnest($2::bigint[]) WITH ORDINALITY p(id, ord)" ITEM_JOINS
                           " ORDER BY p.ord",
         2, 1},
    [STMT_CONV_ITEMS_MENTIONED] =
        {"conv_items_mentioned",
         "SELECT " ITEM_COLUMNS(
             "mm.uuid") " FROM unnest($2::bigint[]) WITH ORDINALITY p(id, ord)" ITEM_JOINS
             MENTION_JOIN " ORDER BY p.ord",
         2, 1},
    [STMT_CONV_ACCESS] = {"conv_access",
                          "SELECT c.id, c.assigned_user_id, c.assigned_team_id, EXISTS (SELECT 1"
                          " FROM team_members tm WHERE tm.team_id = c.assigned_team_id"
                          " AND tm.user_id = $2::int), c.contact_id FROM conversations c"
                          " WHERE c.uuid = $1::uuid",
                          2, 1},
    /* The full conversation (reference §7.3), by id; row_to_json keeps the column order. */
    [STMT_CONV_JSON] =
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
         1, 1},
    [STMT_CONV_PARTICIPANTS_JSON] = {"conv_participants_json",
                                     "SELECT coalesce(json_agg(json_build_object('id', u.id,"
                                     " 'first_name', u.first_name, 'last_name',"
                                     " coalesce(u.last_name, ''), 'avatar_url', u.avatar_url)"
                                     " ORDER BY p.id), '[]')::text"
                                     " FROM conversation_participants p JOIN users u"
                                     " ON u.id = p.user_id WHERE p.conversation_id = $1::bigint",
                                     1, 1},
    [STMT_STATUS_BY_NAME] = {"status_by_name",
                             "SELECT id FROM conversation_statuses WHERE name = $1::text", 1, 1},
    [STMT_PRIORITY_BY_NAME] = {"priority_by_name",
                               "SELECT id FROM conversation_priorities WHERE name = $1::text", 1,
                               1},
    [STMT_AGENT_EXISTS] = {"agent_exists",
                           "SELECT id FROM users WHERE id = $1::int AND type = 'agent'"
                           " AND deleted_at IS NULL",
                           1, 1},
    [STMT_TEAM_EXISTS] = {"team_exists", "SELECT id FROM teams WHERE id = $1::int", 1, 1},
    /*
     * The status, priority, agent and team updates change the conversation
     * only when the value differs, and then record an activity message by the
     * actor (the last parameter) in the same statement: u is the updated row,
     * with the new value's name as `name` (NULL when it was removed).
     * Status: $3 is the snooze in seconds (Snoozed only); resolved_at and
     * closed_at are set on the first move into a resolved status / Closed.
     */
    [STMT_CONV_SET_STATUS] = {"conv_set_status",
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
                              " RETURNING c.id, st.name)" ACTIVITY_INSERT(
                                  "4", "status", "'set the status to ' || u.name"),
                              4, 0},
    [STMT_CONV_SET_PRIORITY] = {"conv_set_priority",
                                "WITH u AS (UPDATE conversations c SET priority_id = pr.id,"
                                " updated_at = now() FROM conversation_priorities pr"
                                " WHERE pr.id = $2::int AND c.id = $1::bigint"
                                " AND c.priority_id IS DISTINCT FROM pr.id"
                                " RETURNING c.id, pr.name)" ACTIVITY_INSERT(
                                    "3", "priority", "'set the priority to ' || u.name"),
                                3, 0},
    [STMT_CONV_SET_USER] = {"conv_set_user",
                            "WITH u AS (UPDATE conversations c SET assigned_user_id = $2::int,"
                            " updated_at = now() WHERE c.id = $1::bigint"
                            " AND c.assigned_user_id IS DISTINCT FROM $2::int"
                            " RETURNING c.id, (SELECT " PERSON_NAME " FROM users p"
                            "  WHERE p.id = $2::int) AS name)" ACTIVITY_INSERT(
                                "3", "assignee",
                                "coalesce('assigned the conversation to ' || u.name,"
                                " 'removed the assigned agent')"),
                            3, 0},
    /* A new team clears the agent (upstream); removing the team keeps it. */
    [STMT_CONV_SET_TEAM] = {"conv_set_team",
                            "WITH u AS (UPDATE conversations c SET assigned_team_id = $2::int,"
                            " assigned_user_id = CASE WHEN $2::int IS NULL THEN assigned_user_id"
                            "  ELSE NULL END, updated_at = now()"
                            " WHERE c.id = $1::bigint AND c.assigned_team_id IS DISTINCT FROM"
                            " $2::int RETURNING c.id, (SELECT t.name FROM teams t"
                            "  WHERE t.id = $2::int) AS name)" ACTIVITY_INSERT(
                                "3", "team",
                                "coalesce('assigned the conversation to the team ' || u.name,"
                                " 'removed the assigned team')"),
                            3, 0},
    [STMT_CONV_LAST_SEEN] = {"conv_last_seen",
                             "INSERT INTO conversation_last_seen (user_id, conversation_id,"
                             " last_seen_at) VALUES ($2::int, $1::bigint, now())"
                             " ON CONFLICT (conversation_id, user_id) DO UPDATE"
                             " SET last_seen_at = now(), updated_at = now()",
                             2, 0},
    /* Unread from the latest message (not activity) on: last seen just before it. */
    [STMT_CONV_MARK_UNREAD] =
        {"conv_mark_unread",
         "INSERT INTO conversation_last_seen (user_id, conversation_id,"
         " last_seen_at) SELECT $2::int, $1::bigint, coalesce(max(created_at)"
         " - interval '1 microsecond', '-infinity') FROM conversation_messages"
         " WHERE conversation_id = $1::bigint AND type <> 'activity'"
         " ON CONFLICT (conversation_id, user_id) DO UPDATE"
         " SET last_seen_at = EXCLUDED.last_seen_at, updated_at = now()",
         2, 0},
    /* Tag names come as one JSON array ($n::jsonb): no array-literal quoting. */
    [STMT_TAGS_UNKNOWN] = {"tags_unknown",
                           "SELECT n FROM jsonb_array_elements_text($1::jsonb) n"
                           " WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.name = n) LIMIT 1",
                           1, 1},
    [STMT_CONV_TAGS_SET] =
        {"conv_tags_set",
         "WITH wanted AS (SELECT t.id FROM tags t WHERE t.name IN"
         "  (SELECT jsonb_array_elements_text($2::jsonb))),"
         " gone AS (DELETE FROM conversation_tags WHERE conversation_id = $1::bigint"
         "  AND tag_id NOT IN (SELECT id FROM wanted))"
         " INSERT INTO conversation_tags (tag_id, conversation_id)"
         " SELECT id, $1::bigint FROM wanted ON CONFLICT DO NOTHING",
         2, 0},
    [STMT_CONV_TAGS_ADD] = {"conv_tags_add",
                            "INSERT INTO conversation_tags (tag_id, conversation_id)"
                            " SELECT t.id, $1::bigint FROM tags t WHERE t.name IN"
                            " (SELECT jsonb_array_elements_text($2::jsonb)) ON CONFLICT DO NOTHING",
                            2, 0},
    [STMT_CONV_TAGS_REMOVE] = {"conv_tags_remove",
                               "DELETE FROM conversation_tags WHERE conversation_id = $1::bigint"
                               " AND tag_id IN (SELECT t.id FROM tags t WHERE t.name IN"
                               " (SELECT jsonb_array_elements_text($2::jsonb)))",
                               2, 0},
    /*
     * A page of a conversation's messages, newest first, with the total:
     * $1 conversation id, $2 private (NULL = any), $3 types ("{incoming,...}",
     * NULL = any), $4 limit, $5 offset.  Each row: total, message JSON.
     */
    [STMT_MESSAGES_PAGE] = {"messages_page",
                            "SELECT count(*) OVER (), " MESSAGE_JSON " FROM conversation_messages m"
                            " JOIN conversations c ON c.id = m.conversation_id"
                            " LEFT JOIN users u ON u.id = m.sender_id"
                            " WHERE m.conversation_id = $1::bigint"
                            " AND ($2::boolean IS NULL OR m.private = $2::boolean)"
                            " AND ($3::text[] IS NULL OR m.type::text = ANY($3::text[]))"
                            " ORDER BY m.created_at DESC, m.id DESC"
                            " LIMIT $4::bigint OFFSET $5::bigint",
                            5, 1},
    [STMT_MESSAGES_COUNT] = {"messages_count",
                             "SELECT count(*) FROM conversation_messages m"
                             " WHERE m.conversation_id = $1::bigint"
                             " AND ($2::boolean IS NULL OR m.private = $2::boolean)"
                             " AND ($3::text[] IS NULL OR m.type::text = ANY($3::text[]))",
                             3, 1},
    [STMT_MESSAGE_JSON] = {"message_json",
                           "SELECT " MESSAGE_JSON " FROM conversation_messages m"
                           " JOIN conversations c ON c.id = m.conversation_id"
                           " LEFT JOIN users u ON u.id = m.sender_id WHERE m.id = $1::bigint",
                           1, 1},
    /* The message by uuid: its id and its conversation's id. */
    [STMT_MESSAGE_OF] = {"message_of",
                         "SELECT id, conversation_id FROM conversation_messages"
                         " WHERE uuid = $1::uuid",
                         1, 1},
    [STMT_MESSAGE_INSERT] = {"message_insert",
                             "INSERT INTO conversation_messages (type, status, private,"
                             " conversation_id, content_type, content, text_content, sender_id,"
                             " sender_type, meta) VALUES ($2::message_type, $3::message_status,"
                             " $4::boolean, $1::bigint, 'html', $5::text, $6::text, $7::int,"
                             " $8::message_sender_type, $9::jsonb) RETURNING id",
                             9, 0},
    /*
     * The conversation's bookkeeping after a message ($2 sender type, $3
     * preview, $4 private, $5 sender id): notes are internal and leave the
     * customer-facing fields alone; a contact message starts the wait, an
     * agent reply ends it and sets first/last reply.
     */
    [STMT_CONV_AFTER_MESSAGE] =
        {"conv_after_message",
         "UPDATE conversations SET updated_at = now(),"
         " last_message = CASE WHEN $4::boolean THEN last_message"
         "  ELSE $3::text END,"
         " last_message_at = CASE WHEN $4::boolean THEN last_message_at"
         "  ELSE now() END,"
         " last_message_sender = CASE WHEN $4::boolean"
         "  THEN last_message_sender ELSE $2::message_sender_type END,"
         " last_message_sender_id = CASE WHEN $4::boolean"
         "  THEN last_message_sender_id ELSE $5::int END,"
         " last_interaction = CASE WHEN $4::boolean THEN last_interaction"
         "  ELSE $3::text END,"
         " last_interaction_at = CASE WHEN $4::boolean"
         "  THEN last_interaction_at ELSE now() END,"
         " last_interaction_sender = CASE WHEN $4::boolean"
         "  THEN last_interaction_sender ELSE $2::message_sender_type END,"
         " last_interaction_sender_id = CASE WHEN $4::boolean"
         "  THEN last_interaction_sender_id ELSE $5::int END,"
         " waiting_since = CASE WHEN $4::boolean THEN waiting_since"
         "  WHEN $2::text = 'contact' THEN coalesce(waiting_since, now())"
         "  ELSE NULL END,"
         " first_reply_at = CASE WHEN NOT $4::boolean AND $2::text = 'agent'"
         "  THEN coalesce(first_reply_at, now()) ELSE first_reply_at END,"
         " last_reply_at = CASE WHEN NOT $4::boolean AND $2::text = 'agent'"
         "  THEN now() ELSE last_reply_at END"
         " WHERE id = $1::bigint",
         5, 0},
    /* $4 'agent' or 'team', $5 its id: only existing agents and teams are mentioned. */
    [STMT_MENTION_INSERT] = {"mention_insert",
                             "INSERT INTO conversation_mentions (conversation_id, message_id,"
                             " mentioned_user_id, mentioned_team_id, mentioned_by_user_id)"
                             " SELECT $1::bigint, $2::bigint,"
                             " CASE WHEN $4::text = 'agent' THEN $5::int END,"
                             " CASE WHEN $4::text = 'team' THEN $5::int END, $3::int"
                             " WHERE ($4::text = 'agent' AND EXISTS (SELECT 1 FROM users"
                             "  WHERE id = $5::int AND type = 'agent' AND deleted_at IS NULL))"
                             " OR ($4::text = 'team' AND EXISTS (SELECT 1 FROM teams"
                             "  WHERE id = $5::int))",
                             5, 0},
    [STMT_PARTICIPANT_INSERT] = {"participant_insert",
                                 "INSERT INTO conversation_participants (user_id, conversation_id)"
                                 " VALUES ($2::int, $1::bigint) ON CONFLICT DO NOTHING",
                                 2, 0},
    /* Only the caller's own failed outgoing reply in that conversation goes back to pending. */
    [STMT_MESSAGE_RETRY] =
        {"message_retry",
         "UPDATE conversation_messages SET status = 'pending', updated_at = now()"
         " WHERE uuid = $1::uuid AND conversation_id = $2::bigint"
         " AND sender_id = $3::int AND sender_type = 'agent'"
         " AND type = 'outgoing' AND status = 'failed'",
         3, 0},
    /*
     * Search.  $1 the query as written (reference numbers), $2 the same as a
     * literal ILIKE pattern ('%', '_' escaped); $3..$8 the caller's access
     * (read_all, read_assigned, read_team_all, read_team_inbox,
     * read_unassigned, user id) for the per-conversation rule.
     */
    [STMT_SEARCH_CONVERSATIONS] =
        {"search_conversations",
         "SELECT coalesce(json_agg(json_build_object('created_at',"
         " x.created_at, 'uuid', x.uuid, 'reference_number',"
         " x.reference_number, 'subject', x.subject, 'status', x.status)"
         " ORDER BY x.rank, x.created_at DESC), '[]')::text FROM ("
         " SELECT DISTINCT ON (c.id) c.created_at, c.uuid,"
         " c.reference_number, c.subject, st.name AS status,"
         " CASE WHEN c.reference_number = $1::text THEN 0 ELSE 1 END"
         "  AS rank"
         " FROM conversations c JOIN users ct ON ct.id = c.contact_id"
         " JOIN conversation_statuses st ON st.id = c.status_id"
         " WHERE (c.reference_number = $1::text"
         "  OR c.contact_id IN (SELECT id FROM users WHERE type = 'contact'"
         "  AND email ILIKE $2::text))" SEARCH_ACCESS " ORDER BY c.id LIMIT 1000) x",
         8, 1},
    [STMT_SEARCH_MESSAGES] = {"search_messages",
                              "SELECT coalesce(json_agg(json_build_object('created_at',"
                              " x.created_at, 'text_content', x.text_content,"
                              " 'conversation_created_at', x.conversation_created_at,"
                              " 'conversation_uuid', x.conversation_uuid,"
                              " 'conversation_reference_number', x.reference_number,"
                              " 'conversation_status', x.status) ORDER BY x.created_at DESC), '[]')"
                              "::text FROM (SELECT m.created_at, left(m.text_content, 200)"
                              " AS text_content, c.created_at AS conversation_created_at,"
                              " c.uuid AS conversation_uuid, c.reference_number, st.name AS status"
                              " FROM conversation_messages m"
                              " JOIN conversations c ON c.id = m.conversation_id"
                              " JOIN conversation_statuses st ON st.id = c.status_id"
                              " WHERE m.text_content ILIKE $2::text AND m.type <> 'activity'"
                              " AND $1::text IS NOT NULL" SEARCH_ACCESS
                              " ORDER BY m.created_at DESC LIMIT 30) x",
                              8, 1},
    [STMT_SEARCH_CONTACTS] = {"search_contacts",
                              "SELECT coalesce(json_agg(json_build_object('id', u.id, 'created_at',"
                              " u.created_at, 'first_name', u.first_name, 'last_name',"
                              " coalesce(u.last_name, ''), 'email', u.email, 'external_user_id',"
                              " u.external_user_id) ORDER BY u.id), '[]')::text FROM (SELECT *"
                              " FROM users WHERE type = 'contact' AND deleted_at IS NULL"
                              " AND email ILIKE $1::text ORDER BY id LIMIT 15) u",
                              1, 1},
    /* Whether a conversation may start in this inbox: ok, disabled or not_email. */
    [STMT_INBOX_STATE] = {"inbox_state",
                          "SELECT CASE WHEN NOT enabled THEN 'disabled'"
                          " WHEN channel <> 'email' THEN 'not_email' ELSE 'ok' END"
                          " FROM inboxes WHERE id = $1::int AND deleted_at IS NULL",
                          1, 1},
    /* The live contact with this e-mail, or a new one ($1 e-mail, lower-cased by the caller). */
    [STMT_CONTACT_FIND_OR_CREATE] = {"contact_find_or_create",
                                     "WITH found AS (SELECT id FROM users WHERE type = 'contact'"
                                     " AND deleted_at IS NULL AND lower(email) = $1::text"
                                     " ORDER BY id LIMIT 1),"
                                     " made AS (INSERT INTO users (type, email, first_name,"
                                     " last_name, external_user_id) SELECT 'contact', $1::text,"
                                     " $2::text, $3::text, $4::text"
                                     " WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id)"
                                     " SELECT id FROM found UNION ALL SELECT id FROM made",
                                     4, 0},
    /* Open, the next reference number, "<subject> - #<ref>" (or "#<ref>"), team, agent. */
    [STMT_CONV_CREATE] = {"conv_create",
                          "INSERT INTO conversations (reference_number, contact_id, inbox_id,"
                          " status_id, subject, assigned_team_id, assigned_user_id)"
                          " SELECT s.ref, $1::bigint, $2::int, (SELECT id FROM"
                          " conversation_statuses WHERE name = 'Open'),"
                          " CASE WHEN coalesce($3::text, '') = '' THEN '#' || s.ref"
                          "  ELSE $3::text || ' - #' || s.ref END, $4::int, $5::int"
                          " FROM (SELECT nextval('conversation_reference_number_sequence')::text"
                          " AS ref) s RETURNING id",
                          5, 0},
    [STMT_LOGIN_USER] = {"login_user",
                         "SELECT id, password, enabled FROM users WHERE type = 'agent'"
                         " AND deleted_at IS NULL AND lower(email) = lower($1::text)"
                         " ORDER BY id LIMIT 1",
                         1, 1},
    /* $1 user, $2 lifetime in seconds, $3 CSRF token, $4 user agent, $5 address. */
    [STMT_SESSION_CREATE] = {"session_create",
                             "INSERT INTO sessions (user_id, expires_at, csrf_token, user_agent,"
                             " remote_addr) VALUES ($1::int, now() + $2::int * interval '1 second',"
                             " $3::text, left($4::text, 500), $5::text)"
                             " RETURNING id, extract(epoch FROM created_at)::bigint,"
                             " extract(epoch FROM expires_at)::bigint",
                             5, 0},
    [STMT_LOGIN_TOUCH] = {"login_touch",
                          "UPDATE users SET last_login_at = now(), last_active_at = now()"
                          " WHERE id = $1::int",
                          1, 0},
    /* A live session of a live agent ($1 sid, $2 sub): enabled, permissions, reference version. */
    [STMT_AUTH_SESSION] = {"auth_session",
                           "SELECT u.enabled, (SELECT string_agg(array_to_string(r.permissions,"
                           " ','), ',') FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
                           " WHERE ur.user_id = u.id),"
                           " (SELECT version FROM deskd_cache_versions WHERE name = 'reference')"
                           " FROM sessions s JOIN users u ON u.id = s.user_id"
                           " WHERE s.id = $1::bigint AND s.user_id = $2::int"
                           " AND s.revoked_at IS NULL AND s.expires_at > now()"
                           " AND u.type = 'agent' AND u.deleted_at IS NULL",
                           2, 1},
    [STMT_SESSION_REVOKE] = {"session_revoke",
                             "UPDATE sessions SET revoked_at = now() WHERE id = $1::bigint"
                             " AND revoked_at IS NULL",
                             1, 0},
    /* A new key for an agent (not an AI assistant); RETURNING tells whether one was found. */
    [STMT_API_KEY_SET] =
        {"api_key_set",
         "UPDATE users SET api_key = $2::text, api_secret = $3::text,"
         " api_key_last_used_at = NULL, updated_at = now()"
         " WHERE id = $1::int AND type = 'agent' AND deleted_at IS NULL RETURNING id",
         3, 0},
    [STMT_API_KEY_REVOKE] = {"api_key_revoke",
                             "UPDATE users SET api_key = NULL, api_secret = NULL,"
                             " api_key_last_used_at = NULL, updated_at = now()"
                             " WHERE id = $1::int AND type = 'agent' AND deleted_at IS NULL"
                             " RETURNING id",
                             1, 0},
    /* Agents as upstream's UserCompact, newest change first. */
    [STMT_AGENTS_JSON] = {"agents_json",
                          "SELECT coalesce(json_agg(json_build_object('id', u.id, 'type', u.type,"
                          " 'first_name', u.first_name, 'last_name', coalesce(u.last_name, ''),"
                          " 'email', u.email, 'enabled', u.enabled, 'avatar_url', u.avatar_url,"
                          " 'external_user_id', u.external_user_id, 'availability_status',"
                          " u.availability_status, 'created_at', u.created_at, 'updated_at',"
                          " u.updated_at) ORDER BY u.updated_at DESC, u.id DESC), '[]')::text"
                          " FROM users u WHERE u.type = 'agent' AND u.deleted_at IS NULL",
                          0, 1},
    /* Agents and AI assistants for pickers, by name. */
    [STMT_AGENTS_COMPACT_JSON] =
        {"agents_compact_json",
         "SELECT coalesce(json_agg(json_build_object('id', id, 'type', type,"
         " 'first_name', first_name, 'last_name', coalesce(last_name, ''),"
         " 'avatar_url', avatar_url, 'enabled', enabled,"
         " 'availability_status', availability_status)"
         " ORDER BY first_name, last_name, id), '[]')::text FROM users"
         " WHERE type IN ('agent', 'ai_assistant') AND deleted_at IS NULL",
         0, 1},
    /* Agent writes; names are JSON arrays of role or team names. */
    [STMT_AGENT_INSERT] =
        {"agent_insert",
         "INSERT INTO users (type, email, first_name, last_name, password, enabled,"
         " availability_status) VALUES ('agent', $1::text, $2::text,"
         " nullif($3::text, ''), $4::text, coalesce($5::boolean, TRUE),"
         " coalesce($6::user_availability_status, 'offline')) RETURNING id",
         6, 0},
    [STMT_AGENT_UPDATE] =
        {"agent_update",
         "UPDATE users SET email = $2::text, first_name = $3::text,"
         " last_name = nullif($4::text, ''), enabled = coalesce($5::boolean, enabled),"
         " availability_status = coalesce($6::user_availability_status,"
         " availability_status), password = coalesce($7::text, password),"
         " updated_at = now() WHERE id = $1::int AND type = 'agent'"
         " AND deleted_at IS NULL RETURNING id",
         7, 0},
    [STMT_AGENT_SOFT_DELETE] =
        {"agent_soft_delete",
         "UPDATE users SET deleted_at = now(), enabled = FALSE, api_key = NULL,"
         " api_secret = NULL, updated_at = now() WHERE id = $1::int"
         " AND type = 'agent' AND deleted_at IS NULL RETURNING id",
         1, 0},
    /* Open means any status not in the resolved category. */
    [STMT_AGENT_UNASSIGN_OPEN] = {"agent_unassign_open",
                                  "UPDATE conversations c SET assigned_user_id = NULL,"
                                  " updated_at = now() FROM conversation_statuses s"
                                  " WHERE c.assigned_user_id = $1::bigint AND s.id = c.status_id"
                                  " AND s.category <> 'resolved'",
                                  1, 0},
    [STMT_USER_SESSIONS_REVOKE] = {"user_sessions_revoke",
                                   "UPDATE sessions SET revoked_at = now() WHERE user_id = $1::int"
                                   " AND revoked_at IS NULL",
                                   1, 0},
    [STMT_UNKNOWN_ROLE] = {"unknown_role",
                           "SELECT n FROM jsonb_array_elements_text($1::jsonb) n WHERE NOT EXISTS"
                           " (SELECT 1 FROM roles r WHERE r.name = n) LIMIT 1",
                           1, 0},
    [STMT_UNKNOWN_TEAM] = {"unknown_team",
                           "SELECT n FROM jsonb_array_elements_text($1::jsonb) n WHERE NOT EXISTS"
                           " (SELECT 1 FROM teams t WHERE t.name = n) LIMIT 1",
                           1, 0},
    [STMT_USER_ROLES_CLEAR] = {"user_roles_clear", "DELETE FROM user_roles WHERE user_id = $1::int",
                               1, 0},
    [STMT_USER_ROLES_ADD] =
        {"user_roles_add",
         "INSERT INTO user_roles (user_id, role_id) SELECT $1::int, r.id FROM"
         " roles r WHERE r.name IN (SELECT jsonb_array_elements_text($2::jsonb))"
         " ON CONFLICT DO NOTHING",
         2, 0},
    [STMT_USER_TEAMS_CLEAR] = {"user_teams_clear",
                               "DELETE FROM team_members WHERE user_id = $1::int", 1, 0},
    [STMT_USER_TEAMS_ADD] =
        {"user_teams_add",
         "INSERT INTO team_members (team_id, user_id) SELECT t.id, $1::int FROM"
         " teams t WHERE t.name IN (SELECT jsonb_array_elements_text($2::jsonb))"
         " ON CONFLICT DO NOTHING",
         2, 0},
    [STMT_TEAM_INSERT] = {"team_insert",
                          "INSERT INTO teams (name, emoji, conversation_assignment_type, timezone,"
                          " business_hours_id, sla_policy_id, max_auto_assigned_conversations)"
                          " VALUES ($1::text, $2::text, $3::conversation_assignment_type, $4::text,"
                          " $5::int, $6::int, $7::int) RETURNING id",
                          7, 0},
    [STMT_TEAM_UPDATE] =
        {"team_update",
         "UPDATE teams SET name = $2::text, emoji = $3::text,"
         " conversation_assignment_type = $4::conversation_assignment_type,"
         " timezone = $5::text, business_hours_id = $6::int, sla_policy_id = $7::int,"
         " max_auto_assigned_conversations = $8::int, updated_at = now()"
         " WHERE id = $1::int RETURNING id",
         8, 0},
    [STMT_TEAM_DELETE] = {"team_delete", "DELETE FROM teams WHERE id = $1::int RETURNING id", 1, 0},
    /* Status writes return the row as the list shows it. */
    [STMT_STATUS_INSERT] =
        {"status_insert",
         "INSERT INTO conversation_statuses (name, category) VALUES ($1::text,"
         " $2::conversation_status_category) RETURNING json_build_object('id', id,"
         " 'created_at', created_at, 'name', name, 'category', category)::text",
         2, 0},
    [STMT_STATUS_UPDATE] =
        {"status_update",
         "UPDATE conversation_statuses SET name = $2::text,"
         " category = $3::conversation_status_category, updated_at = now()"
         " WHERE id = $1::int RETURNING json_build_object('id', id, 'created_at',"
         " created_at, 'name', name, 'category', category)::text",
         3, 0},
    [STMT_STATUS_DELETE] = {"status_delete",
                            "DELETE FROM conversation_statuses WHERE id = $1::int RETURNING id", 1,
                            0},
    [STMT_STATUS_NAME] = {"status_name",
                          "SELECT name FROM conversation_statuses WHERE id = $1::int", 1, 1},
    [STMT_AI_PROMPT_CONTENT] = {"ai_prompt_content",
                                "SELECT content FROM ai_prompts WHERE key = $1::text", 1, 0},
    /* The default provider's key as stored: "", plain text or "enc:<base64>". */
    [STMT_AI_PROVIDER_KEY] = {"ai_provider_key",
                              "SELECT coalesce(config->>'api_key', '') FROM ai_providers"
                              " WHERE is_default",
                              0, 0},
    [STMT_AI_PROVIDER_KEY_SET] = {"ai_provider_key_set",
                                  "UPDATE ai_providers SET config = jsonb_set(config, '{api_key}',"
                                  " to_jsonb($1::text)), updated_at = now()"
                                  " WHERE provider = 'openai' RETURNING id",
                                  1, 0},
    [STMT_VIEWS_MINE_JSON] = {"views_mine_json",
                              "SELECT coalesce(jsonb_agg(" VIEW_OBJECT " ORDER BY v.name, v.id),"
                              " '[]')::text FROM views v WHERE v.visibility = 'user'"
                              " AND v.user_id = $1::int",
                              1, 0},
    [STMT_VIEWS_SHARED_JSON] =
        {"views_shared_json",
         "SELECT coalesce(jsonb_agg(" VIEW_OBJECT " ORDER BY v.updated_at DESC,"
         " v.id DESC), '[]')::text FROM views v WHERE v.visibility <> 'user'",
         0, 0},
    /* Shared views I may open: for everyone, or for one of my teams. */
    [STMT_VIEWS_VISIBLE_JSON] = {"views_visible_json",
                                 "SELECT coalesce(jsonb_agg(" VIEW_OBJECT " ORDER BY v.name, v.id),"
                                 " '[]')::text FROM views v WHERE v.visibility = 'all'"
                                 " OR (v.visibility = 'team' AND v.team_id IN (SELECT team_id FROM"
                                 " team_members WHERE user_id = $1::int))",
                                 1, 0},
    [STMT_VIEW_GET] = {"view_get",
                       "SELECT " VIEW_OBJECT "::text, v.visibility::text, v.user_id, v.team_id,"
                       " v.filters::text FROM views v WHERE v.id = $1::int",
                       1, 0},
    [STMT_VIEW_INSERT] = {"view_insert",
                          "INSERT INTO views AS v (name, filters, visibility, user_id, team_id)"
                          " VALUES ($1::text, $2::jsonb, $3::view_visibility, $4::int, $5::int)"
                          " RETURNING " VIEW_OBJECT "::text",
                          5, 0},
    [STMT_VIEW_UPDATE] = {"view_update",
                          "UPDATE views v SET name = $2::text, filters = $3::jsonb,"
                          " visibility = $4::view_visibility, team_id = $5::int, updated_at = now()"
                          " WHERE v.id = $1::int RETURNING " VIEW_OBJECT "::text",
                          5, 0},
    [STMT_VIEW_DELETE] = {"view_delete", "DELETE FROM views WHERE id = $1::int RETURNING id", 1, 0},
    [STMT_CONTACT_JSON] = {"contact_json", CONTACT_JSON_SQL, 1, 1},
    [STMT_CONTACT_BLOCK] = {"contact_block",
                            "UPDATE users SET enabled = $2::boolean, updated_at = now()"
                            " WHERE id = $1::int AND type IN ('contact', 'visitor')"
                            " AND deleted_at IS NULL RETURNING id",
                            2, 0},
    [STMT_CONTACT_EXISTS] = {"contact_exists",
                             "SELECT id FROM users WHERE id = $1::int AND type IN ('contact',"
                             " 'visitor') AND deleted_at IS NULL",
                             1, 0},
    /* Notes with their author, newest first. */
    [STMT_NOTES_JSON] =
        {"notes_json",
         "SELECT coalesce(json_agg(json_build_object('id', n.id, 'created_at',"
         " n.created_at, 'updated_at', n.updated_at, 'contact_id', n.contact_id,"
         " 'note', n.note, 'user_id', n.user_id, 'first_name', coalesce(a.first_name,"
         " ''), 'last_name', coalesce(a.last_name, ''), 'avatar_url', a.avatar_url)"
         " ORDER BY n.created_at DESC, n.id DESC), '[]')::text FROM contact_notes n"
         " LEFT JOIN users a ON a.id = n.user_id WHERE n.contact_id = $1::int",
         1, 0},
    [STMT_NOTE_INSERT] =
        {"note_insert",
         "WITH n AS (INSERT INTO contact_notes (contact_id, note, user_id) VALUES"
         " ($1::int, $2::text, $3::int) RETURNING *) SELECT json_build_object('id',"
         " n.id, 'created_at', n.created_at, 'updated_at', n.updated_at,"
         " 'contact_id', n.contact_id, 'note', n.note, 'user_id', n.user_id,"
         " 'first_name', coalesce(a.first_name, ''), 'last_name',"
         " coalesce(a.last_name, ''), 'avatar_url', a.avatar_url)::text FROM n"
         " LEFT JOIN users a ON a.id = n.user_id",
         3, 0},
    [STMT_NOTE_AUTHOR] = {"note_author",
                          "SELECT coalesce(user_id::text, '') FROM contact_notes WHERE id = $1::int"
                          " AND contact_id = $2::int",
                          2, 0},
    [STMT_NOTE_DELETE] = {"note_delete",
                          "DELETE FROM contact_notes WHERE id = $1::int RETURNING id", 1, 0},
    [STMT_HAS_ADMIN_ROLE] = {"has_admin_role",
                             "SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
                             " WHERE ur.user_id = $1::int AND r.name = 'Admin'",
                             1, 0},
    [STMT_CONTACT_UPDATE] =
        {"contact_update",
         "UPDATE users SET first_name = $2::text, last_name = nullif($3::text, ''),"
         " email = $4::text, phone_number = nullif($5::text, ''),"
         " phone_number_country_code = nullif($6::text, ''),"
         " country = nullif($7::text, ''), avatar_url = coalesce($8::text,"
         " avatar_url), updated_at = now() WHERE id = $1::int"
         " AND type IN ('contact', 'visitor') AND deleted_at IS NULL RETURNING id",
         8, 0},
    [STMT_SETTING] = {"setting", "SELECT value::text FROM settings WHERE key = $1::text", 1, 0},
    [STMT_MEDIA_INSERT] = {"media_insert",
                           "INSERT INTO media (filename, content_type, disposition, size,"
                           " model_type, meta, model_id) VALUES ($1::text, $2::text,"
                           " $3::media_disposition, $4::int, $5::text, $6::jsonb, $7::int)"
                           " RETURNING uuid",
                           7, 0},
    /*
     * Links uploads ($1 int[], each once) to message $2: only media nobody
     * has claimed (no model id, no model or "messages").  The caller compares
     * the rows affected with the list's length.
     */
    [STMT_MEDIA_LINK] = {"media_link",
                         "UPDATE media SET model_type = 'messages', model_id = $2::int,"
                         " updated_at = now() WHERE id = ANY($1::int[]) AND model_id IS NULL"
                         " AND coalesce(model_type, 'messages') = 'messages'",
                         2, 0},
    /*
     * The first of the ids $1 (int[]) that cannot be attached, and whether it
     * is missing ("t") or already someone's ("f"); no row if all can.
     */
    [STMT_MEDIA_UNLINKABLE] = {"media_unlinkable",
                               "SELECT t.x, md.id IS NULL FROM unnest($1::int[]) WITH ORDINALITY"
                               " t(x, i) LEFT JOIN media md ON md.id = t.x WHERE md.id IS NULL"
                               " OR md.model_id IS NOT NULL"
                               " OR coalesce(md.model_type, 'messages') <> 'messages'"
                               " ORDER BY t.i LIMIT 1",
                               1, 0},
    /* A media row as upstream sends it, with the URL that serves it. */
    [STMT_MEDIA_JSON] =
        {"media_json",
         "SELECT json_build_object('id', id, 'created_at', created_at, 'updated_at',"
         " updated_at, 'uuid', uuid, 'store', store, 'filename', filename,"
         " 'content_type', content_type, 'content_id', coalesce(content_id, ''),"
         " 'model_id', model_id, 'model_type', model_type, 'disposition',"
         " disposition, 'size', size, 'meta', meta, 'url', '/uploads/' || uuid)::text"
         " FROM media WHERE uuid = $1::uuid",
         1, 0},
    /*
     * What serving a file needs: its name, type and disposition, and the uuid
     * of the conversation whose message it is attached to (NULL if none).
     */
    [STMT_MEDIA_BY_UUID] = {"media_by_uuid",
                            "SELECT md.filename, md.content_type, coalesce(md.disposition::text,"
                            " 'attachment'), c.uuid FROM media md"
                            " LEFT JOIN conversation_messages m ON md.model_type = 'messages'"
                            " AND m.id = md.model_id"
                            " LEFT JOIN conversations c ON c.id = m.conversation_id"
                            " WHERE md.uuid = $1::uuid",
                            1, 0},
    [STMT_CONTACT_AVATAR_SET] = {"contact_avatar_set",
                                 "UPDATE users SET avatar_url = $2::text, updated_at = now()"
                                 " WHERE id = $1::int",
                                 2, 0},
    [STMT_TEAMS_JSON] = {"teams_json",
                         "SELECT coalesce(json_agg(row_to_json(t) ORDER BY t.updated_at DESC,"
                         " t.id DESC), '[]')::text FROM (SELECT " TEAM_COLUMNS " FROM teams) t",
                         0, 1},
    [STMT_TEAM_JSON] = {"team_json",
                        "SELECT row_to_json(t)::text FROM (SELECT " TEAM_COLUMNS " FROM teams"
                        " WHERE id = $1::int) t",
                        1, 1},
    [STMT_TEAMS_COMPACT_JSON] =
        {"teams_compact_json",
         "SELECT coalesce(json_agg(json_build_object('id', id, 'name', name,"
         " 'emoji', emoji) ORDER BY name), '[]')::text FROM teams",
         0, 1},
    [STMT_MY_TEAMS_JSON] = {"my_teams_json",
                            "SELECT coalesce(json_agg(row_to_json(t) ORDER BY t.name), '[]')::text"
                            " FROM (SELECT " TEAM_COLUMNS " FROM teams WHERE id IN"
                            " (SELECT team_id FROM team_members WHERE user_id = $1::int)) t",
                            1, 1},
    [STMT_ROLES_JSON] = {"roles_json",
                         "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at',"
                         " created_at, 'updated_at', updated_at, 'name', name, 'description',"
                         " coalesce(description, ''), 'permissions', permissions) ORDER BY id),"
                         " '[]')::text FROM roles",
                         0, 1},
    [STMT_AVAILABILITY_SET] = {"availability_set",
                               "UPDATE users SET availability_status ="
                               " $2::user_availability_status, last_active_at = now(),"
                               " updated_at = now() WHERE id = $1::int",
                               2, 0},
    [STMT_TEAM_MEMBER] =
        {"team_member", "SELECT 1 FROM team_members WHERE team_id = $1::int AND user_id = $2::int",
         2, 1},
};

const struct db_stmt cli_stmts[CLI__MAX] = {
    [CLI_ROLE_ID] = {"cli_role_id", "SELECT id FROM roles WHERE name = $1::text", 1, 1},
    [CLI_AGENT_INSERT] = {"cli_agent_insert",
                          "INSERT INTO users (type, email, first_name, last_name, password,"
                          " availability_status) VALUES ('agent', lower($1::text), $2::text,"
                          " $3::text, $4::text, 'offline') RETURNING id",
                          4, 0},
    [CLI_USER_ROLE_INSERT] = {"cli_user_role_insert",
                              "INSERT INTO user_roles (user_id, role_id) VALUES ($1::int, $2::int)",
                              2, 0},
    [CLI_AGENT_SET_API_KEY] = {"cli_agent_set_api_key",
                               "UPDATE users SET api_key = $2::text, api_secret = $3::text,"
                               " api_key_last_used_at = NULL, updated_at = now()"
                               " WHERE lower(email) = lower($1::text) AND type = 'agent'"
                               " AND deleted_at IS NULL RETURNING id",
                               3, 0},
    [CLI_MIGRATION_APPLIED] = {"cli_migration_applied",
                               "SELECT 1 FROM schema_migrations WHERE version = $1::text", 1, 1},
    [CLI_MIGRATION_RECORD] = {"cli_migration_record",
                              "INSERT INTO schema_migrations (version) VALUES ($1::text)", 1, 0},
};

enum app_err q_api_key_rows(struct db *db, struct arena *a, const char *api_key,
                            struct q_api_key_row **rows, int *n)
{
    const char *params[1] = {api_key};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_AUTH_API_KEY, params, &res);

    *rows = NULL;
    *n = 0;
    if (e != APP_OK)
        return e;
    int nt = db_ntuples(res);
    if (nt == 0)
        return APP_OK;
    struct q_api_key_row *out = ARENA_NEW(a, struct q_api_key_row, (size_t)nt);
    if (out == NULL)
        return APP_ERR_TOO_LARGE;
    for (int i = 0; i < nt; i++) {
        const char *perms = db_value(res, i, 2);
        const char *version = db_value(res, i, 3);
        out[i].id_str = db_value(res, i, 0);
        out[i].id = strtoll(out[i].id_str, NULL, 10);
        out[i].hash = db_value(res, i, 1);
        out[i].perms_csv = perms ? perms : "";
        out[i].ref_version = version ? strtoll(version, NULL, 10) : 0;
    }
    *rows = out;
    *n = nt;
    return APP_OK;
}

enum app_err q_api_key_touch(struct db *db, struct arena *a, const char *id_str)
{
    const char *params[1] = {id_str};
    return db_run(db, a, STMT_API_KEY_TOUCH, params, NULL);
}

enum app_err q_json(struct db *db, struct arena *a, enum stmt s, const char *const *params,
                    const char **json, size_t *len)
{
    struct db_res *res;
    enum app_err e = db_run(db, a, (int)s, params, &res);

    *json = NULL;
    *len = 0;
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_OK;
    *json = db_value(res, 0, 0);
    *len = db_length(res, 0, 0);
    return *json ? APP_OK : APP_ERR_INTERNAL;
}

enum app_err q_conversation_list(struct db *db, struct arena *a, const struct cq_query *q,
                                 int mentioned, int64_t *total, const char **results, size_t *len)
{
    struct db_res *list, *items;
    enum app_err e = db_exec_cached(db, a, q->list_sql, q->nparams, q->params, &list);

    if (e != APP_OK)
        return e;
    if (db_ntuples(list) != 1 || db_value(list, 0, 0) == NULL)
        return APP_ERR_INTERNAL;
    *total = strtoll(db_value(list, 0, 0), NULL, 10);
    const char *ids = db_value(list, 0, 1);
    if (ids == NULL || *ids == '\0') {
        *results = "[]";
        *len = 2;
        return APP_OK;
    }
    const char *params[2] = {q->params[0], arena_printf(a, "{%s}", ids)};
    if (params[1] == NULL)
        return APP_ERR_TOO_LARGE;
    e = db_run_binary(db, a, mentioned ? STMT_CONV_ITEMS_MENTIONED : STMT_CONV_ITEMS, params,
                      &items);
    if (e != APP_OK)
        return e;
    struct sbuf sb;
    sbuf_init(&sb, a);
    sbuf_reserve(&sb, (size_t)db_ntuples(items) * 1400 + 2); /* an item is ~1.2 kB */
    sbuf_addn(&sb, "[", 1);
    for (int row = 0; row < db_ntuples(items); row++) {
        if (row)
            sbuf_addn(&sb, ",", 1);
        conv_item_json(items, row, &sb);
    }
    sbuf_addn(&sb, "]", 1);
    *results = sbuf_str(&sb);
    *len = sb.len;
    return *results ? APP_OK : APP_ERR_TOO_LARGE;
}

enum app_err q_contact_list(struct db *db, struct arena *a, const struct cq_query *q,
                            int64_t *total, const char **results, size_t *len)
{
    struct db_res *res;
    enum app_err e = db_exec_cached(db, a, q->list_sql, q->nparams, q->params, &res);

    if (e != APP_OK)
        return e;
    if (db_ntuples(res) != 1 || db_value(res, 0, 0) == NULL || db_value(res, 0, 1) == NULL)
        return APP_ERR_INTERNAL;
    *total = strtoll(db_value(res, 0, 0), NULL, 10);
    *results = db_value(res, 0, 1);
    *len = db_length(res, 0, 1);
    return APP_OK;
}

enum app_err q_team_member(struct db *db, struct arena *a, const char *team_id, const char *user_id,
                           int *member)
{
    const char *params[2] = {team_id, user_id};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_TEAM_MEMBER, params, &res);
    *member = e == APP_OK && db_ntuples(res) > 0;
    return e;
}

enum app_err q_view(struct db *db, struct arena *a, const char *id, struct q_view *out)
{
    const char *params[1] = {id};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_VIEW_GET, params, &res);

    memset(out, 0, sizeof(*out));
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    out->found = 1;
    out->json = db_value(res, 0, 0);
    out->visibility = db_value(res, 0, 1);
    out->user_id = db_value(res, 0, 2);
    out->team_id = db_value(res, 0, 3);
    out->filters = db_value(res, 0, 4);
    return APP_OK;
}

/* Kinds of the item columns (ITEM_COLUMNS), for the binary reader. */
enum col_kind { K_INT, K_TS, K_TEXT, K_UUID };

static const struct {
    const char *key;
    enum col_kind kind;
} item_cols[] = {
    {"id", K_INT},
    {"created_at", K_TS},
    {"updated_at", K_TS},
    {"uuid", K_UUID},
    {"reference_number", K_TEXT},
    {"waiting_since", K_TS},
    /* contact object: columns 6..11 */
    {"created_at", K_TS},
    {"updated_at", K_TS},
    {"first_name", K_TEXT},
    {"last_name", K_TEXT},
    {"email", K_TEXT},
    {"avatar_url", K_TEXT},
    {"inbox_channel", K_TEXT},
    {"inbox_name", K_TEXT},
    {"sla_policy_id", K_INT},
    {"first_reply_at", K_TS},
    {"last_reply_at", K_TS},
    {"resolved_at", K_TS},
    {"subject", K_TEXT},
    {"last_message", K_TEXT},
    {"last_message_at", K_TS},
    {"last_message_sender", K_TEXT},
    {"last_interaction", K_TEXT},
    {"last_interaction_at", K_TS},
    {"last_interaction_sender", K_TEXT},
    {"next_sla_deadline_at", K_TS},
    {"priority_id", K_INT},
    {"assigned_user_id", K_INT},
    {"assigned_team_id", K_INT},
    {"unread_message_count", K_INT},
    {"status", K_TEXT},
    {"priority", K_TEXT},
    {"first_response_deadline_at", K_TS},
    {"resolution_deadline_at", K_TS},
    {"applied_sla_id", K_INT},
    {"next_response_deadline_at", K_TS},
    {"next_response_met_at", K_TS},
    {"mentioned_message_uuid", K_UUID},
};

#define CONTACT_FIRST 6
#define CONTACT_LAST 11

static void item_value(const struct db_res *r, int row, int col, enum col_kind kind,
                       struct sbuf *sb)
{
    int64_t v;
    char uuid[37];
    const char *s;

    switch (kind) {
    case K_INT:
        if (db_bin_int(r, row, col, &v))
            jw_int(sb, v);
        else
            jw_null(sb);
        break;
    case K_TS:
        if (db_bin_timestamptz(r, row, col, &v))
            jw_timestamp(sb, v);
        else
            jw_null(sb);
        break;
    case K_UUID:
        if (db_bin_uuid(r, row, col, uuid))
            jw_str(sb, uuid, 36);
        else
            jw_null(sb);
        break;
    default:
        s = db_value(r, row, col);
        if (s != NULL)
            jw_str(sb, s, db_length(r, row, col));
        else
            jw_null(sb);
        break;
    }
}

void conv_item_json(const struct db_res *r, int row, struct sbuf *sb)
{
    size_t n = sizeof(item_cols) / sizeof(item_cols[0]);
    sbuf_addn(sb, "{", 1);
    for (size_t i = 0; i < n; i++) {
        if (i == CONTACT_FIRST) {
            sbuf_add(sb, ",\"contact\":{");
        } else if (i > 0) {
            sbuf_addn(sb, ",", 1);
        }
        jw_key(sb, item_cols[i].key);
        item_value(r, row, (int)i, item_cols[i].kind, sb);
        if (i == CONTACT_LAST)
            sbuf_addn(sb, "}", 1);
    }
    sbuf_addn(sb, "}", 1);
}

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

enum app_err q_one(struct db *db, struct arena *a, enum stmt s, const char *const *params,
                   const char **first, long *rows)
{
    struct db_res *res;
    enum app_err e = db_run(db, a, (int)s, params, &res);

    if (first != NULL)
        *first = NULL;
    if (rows != NULL)
        *rows = 0;
    if (e != APP_OK)
        return e;
    int nt = db_ntuples(res);
    if (first != NULL && nt > 0)
        *first = db_value(res, 0, 0);
    if (rows != NULL)
        *rows = nt > 0 ? nt : db_affected(res);
    return APP_OK;
}

/* The steps of storing a message, inside the caller's transaction. */
static enum app_err message_store(struct db *db, struct arena *a, const struct q_message_new *m,
                                  const char **msg_id)
{
    struct db_res *res;
    const char *ins[9] = {m->conv_id, m->type,      m->status,      m->private_s, m->content,
                          m->text,    m->sender_id, m->sender_type, m->meta};
    enum app_err e = db_run(db, a, STMT_MESSAGE_INSERT, ins, &res);
    if (e == APP_OK)
        *msg_id = db_value(res, 0, 0);
    if (e == APP_OK) {
        const char *upd[5] = {m->conv_id, m->sender_type, m->preview, m->private_s, m->sender_id};
        e = db_run(db, a, STMT_CONV_AFTER_MESSAGE, upd, NULL);
    }
    for (size_t i = 0; e == APP_OK && i < m->nmentions; i++) {
        const char *men[5] = {m->conv_id, *msg_id, m->sender_id, m->mention_types[i],
                              m->mention_ids[i]};
        e = db_run(db, a, STMT_MENTION_INSERT, men, NULL);
    }
    if (e == APP_OK && m->nattachments > 0) {
        const char *lp[2] = {m->attachments, *msg_id};
        long rows;
        e = q_one(db, a, STMT_MEDIA_LINK, lp, NULL, &rows);
        if (e == APP_OK && rows != (long)m->nattachments)
            e = APP_ERR_CONFLICT; /* another message took one since the handler looked */
    }
    if (e == APP_OK && m->add_participant) {
        const char *par[2] = {m->conv_id, m->sender_id};
        e = db_run(db, a, STMT_PARTICIPANT_INSERT, par, NULL);
    }
    return e;
}

enum app_err q_message_send(struct db *db, struct arena *a, const struct q_message_new *m,
                            const char **msg_id)
{
    enum app_err e = db_begin(db);

    *msg_id = NULL;
    if (e != APP_OK)
        return e;
    e = message_store(db, a, m, msg_id);
    if (e == APP_OK)
        e = db_commit(db);
    if (e != APP_OK) {
        db_rollback(db);
        *msg_id = NULL;
    }
    return e;
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

enum app_err q_messages_page(struct db *db, struct arena *a, const char *conv_id,
                             const char *private_s, const char *types, int64_t limit,
                             int64_t offset, int64_t *total, const char **json, size_t *len)
{
    struct db_res *res;
    const char *lim = arena_printf(a, "%lld", (long long)limit);
    const char *off = arena_printf(a, "%lld", (long long)offset);
    const char *params[5] = {conv_id, private_s, types, lim, off};
    enum app_err e = db_run(db, a, STMT_MESSAGES_PAGE, params, &res);

    if (e != APP_OK)
        return e;
    int n = db_ntuples(res);
    struct sbuf sb;
    sbuf_init(&sb, a);
    sbuf_addn(&sb, "[", 1);
    for (int i = 0; i < n; i++) {
        if (i)
            sbuf_addn(&sb, ",", 1);
        sbuf_addn(&sb, db_value(res, i, 1), db_length(res, i, 1));
    }
    sbuf_addn(&sb, "]", 1);
    *json = sbuf_str(&sb);
    *len = sb.len;
    if (*json == NULL)
        return APP_ERR_TOO_LARGE;
    if (n > 0) {
        *total = strtoll(db_value(res, 0, 0), NULL, 10);
        return APP_OK;
    }
    /* Past the last page the window count is gone: count once. */
    const char *cp[3] = {conv_id, private_s, types};
    const char *count;
    e = q_one(db, a, STMT_MESSAGES_COUNT, cp, &count, NULL);
    *total = (e == APP_OK && count) ? strtoll(count, NULL, 10) : 0;
    return e;
}

enum app_err q_message_of(struct db *db, struct arena *a, const char *uuid, const char **id,
                          const char **conv_id)
{
    const char *params[1] = {uuid};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_MESSAGE_OF, params, &res);

    *id = *conv_id = NULL;
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    *id = db_value(res, 0, 0);
    *conv_id = db_value(res, 0, 1);
    return APP_OK;
}

enum app_err q_session_principal(struct db *db, struct arena *a, const char *sid, const char *sub,
                                 struct q_session *out)
{
    const char *params[2] = {sid, sub};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_AUTH_SESSION, params, &res);

    memset(out, 0, sizeof(*out));
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    out->found = 1;
    out->enabled = db_value(res, 0, 0) != NULL && db_value(res, 0, 0)[0] == 't';
    out->perms_csv = db_value(res, 0, 1) ? db_value(res, 0, 1) : "";
    out->ref_version = db_value(res, 0, 2) ? strtoll(db_value(res, 0, 2), NULL, 10) : 0;
    return APP_OK;
}

enum app_err q_login_user(struct db *db, struct arena *a, const char *email, const char **id,
                          const char **hash, int *enabled)
{
    const char *params[1] = {email};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_LOGIN_USER, params, &res);

    *id = *hash = NULL;
    *enabled = 0;
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    *id = db_value(res, 0, 0);
    *hash = db_value(res, 0, 1);
    *enabled = db_value(res, 0, 2) != NULL && db_value(res, 0, 2)[0] == 't';
    return APP_OK;
}

enum app_err q_session_create(struct db *db, struct arena *a, const char *user_id, const char *ttl,
                              const char *csrf, const char *user_agent, const char *remote_addr,
                              long long *sid, long long *iat, long long *exp)
{
    const char *params[5] = {user_id, ttl, csrf, user_agent, remote_addr};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_SESSION_CREATE, params, &res);

    if (e != APP_OK)
        return e;
    if (db_ntuples(res) != 1)
        return APP_ERR_INTERNAL;
    *sid = strtoll(db_value(res, 0, 0), NULL, 10);
    *iat = strtoll(db_value(res, 0, 1), NULL, 10);
    *exp = strtoll(db_value(res, 0, 2), NULL, 10);
    return APP_OK;
}
