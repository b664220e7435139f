/*
 * store/conversation.c - one conversation: what the access rule needs, the
 * full object and its participants, its status/priority/assignee, last-seen
 * and tags writes, and its creation with the first message.
 */
#include "store/conversation.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "rules/access.h"
#include "store/csat.h"
#include "store/automation.h"
#include "store/messages.h"
#include "store/notifications.h"
#include "store/sla.h"
#include "store/store.h"

/* A person's display name, over users p. */
#define PERSON_NAME "trim(p.first_name || ' ' || coalesce(p.last_name, ''))"

/*
 * Follows "WITH u AS (UPDATE conversations c ... RETURNING c.id, <name>)":
 * for each updated row, a private activity message "<actor's name> <what>"
 * by the agent whose id is parameter $<actor>, with meta {activity_type:
 * upstream's name of the change (what upstream's web app reads), activity:
 * deskd's kind, value: name}.
 */
#define ACTIVITY_INSERT(actor, kind, upstream_kind, what)                                          \
    " INSERT INTO conversation_messages (type, status, private, conversation_id,"                  \
    " content_type, content, text_content, sender_id, sender_type, meta)"                          \
    " SELECT 'activity', 'sent', true, u.id, 'text', a.t, a.t, $" actor "::int, 'agent',"          \
    " jsonb_build_object('activity_type', '" upstream_kind "', 'activity', '" kind "',"            \
    " 'value', u.name) FROM u,"                                                                    \
    " LATERAL (SELECT (SELECT " PERSON_NAME " FROM users p WHERE p.id = $" actor "::int)"          \
    "  || ' ' || " what " AS t) a"

/* $1 uuid, $2 the caller: id, agent, team, whether the team is the caller's, contact. */
static const struct db_stmt access_stmt = {
    "conv_access",
    "SELECT c.id, c.assigned_user_id, c.assigned_team_id, EXISTS (SELECT 1"
    " FROM team_members tm WHERE tm.team_id = c.assigned_team_id"
    " AND tm.user_id = $2::int), c.contact_id FROM conversations c"
    " WHERE c.uuid = $1::uuid",
    2, 1};

enum app_err store_conversation_access(struct db *db, struct arena *a, const char *uuid,
                                       int64_t user_id, struct access_conv *out)
{
    const char *p[] = {uuid, store_i64(a, user_id)};
    struct db_res *res;
    enum app_err e = db_run(db, a, &access_stmt, p, &res);

    memset(out, 0, sizeof(*out));
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_ERR_NOT_FOUND;
    const char *user = db_value(res, 0, 1), *mine = db_value(res, 0, 3);
    out->id = strtoll(db_value(res, 0, 0), NULL, 10);
    out->facts.has_user = user != NULL;
    out->facts.user_id = user != NULL ? strtoll(user, NULL, 10) : 0;
    out->facts.has_team = db_value(res, 0, 2) != NULL;
    out->facts.my_team = mine != NULL && mine[0] == 't';
    out->contact_id = strtoll(db_value(res, 0, 4), NULL, 10);
    return APP_OK;
}

/* $1 id: the full conversation (reference §7.3); row_to_json keeps the column order. */
static const struct db_stmt json_stmt = {
    "conv_json",
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
    " cs.rating AS csat_rating, cs.feedback AS csat_feedback,"
    " cs.response_timestamp AS csat_responded_at,"
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
    " LEFT JOIN LATERAL (SELECT r.rating, r.feedback, r.response_timestamp"
    "  FROM csat_responses r WHERE r.conversation_id = c.id"
    "  ORDER BY r.response_timestamp DESC NULLS LAST, r.created_at DESC, r.id DESC LIMIT 1)"
    "  cs ON TRUE"
    " WHERE c.id = $1::bigint) x",
    1, 1};

enum app_err store_conversation_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                     size_t *len)
{
    return store_json_by_id(db, a, &json_stmt, id, json, len);
}

/* $1 id */
static const struct db_stmt participants_stmt = {
    "conv_participants_json",
    "SELECT coalesce(json_agg(json_build_object('id', u.id,"
    " 'first_name', u.first_name, 'last_name',"
    " coalesce(u.last_name, ''), 'avatar_url', u.avatar_url)"
    " ORDER BY p.id), '[]')::text"
    " FROM conversation_participants p JOIN users u"
    " ON u.id = p.user_id WHERE p.conversation_id = $1::bigint",
    1, 1};

enum app_err store_conversation_participants_json(struct db *db, struct arena *a, int64_t id,
                                                  const char **json, size_t *len)
{
    return store_json_by_id(db, a, &participants_stmt, id, json, len);
}

/*
 * The status, priority, agent and team updates change the conversation
 * only when the value differs, and then record an activity message by the
 * actor (the last parameter) in the same statement: u is the updated row,
 * with the new value's name as `name` (NULL when it was removed).
 * Status: $1 id, $2 status id, $3 the snooze in seconds (Snoozed only),
 * $4 actor; resolved_at and closed_at are set on the first move into a
 * resolved status / Closed.
 */
static const struct db_stmt status_stmt = {
    "conv_set_status",
    "WITH o AS (SELECT c.id, c.uuid, os.name AS prev FROM conversations c"
    " JOIN conversation_statuses os ON os.id = c.status_id WHERE c.id = $1::bigint"
    " FOR UPDATE OF c),"
    " u AS (UPDATE conversations c SET status_id = st.id,"
    " snoozed_until = CASE WHEN $3::float8 IS NULL THEN NULL"
    "  ELSE now() + $3::float8 * interval '1 second' END,"
    " resolved_at = CASE WHEN st.category = 'resolved'"
    "  THEN coalesce(c.resolved_at, now()) ELSE c.resolved_at END,"
    " closed_at = CASE WHEN st.name = 'Closed'"
    "  THEN coalesce(c.closed_at, now()) ELSE c.closed_at END,"
    " updated_at = now()"
    " FROM conversation_statuses st, o WHERE st.id = $2::int"
    " AND c.id = o.id"
    " AND (c.status_id <> st.id OR $3::float8 IS NOT NULL)"
    " RETURNING c.id, st.name, o.uuid, o.prev, c.snoozed_until),"
    " ev AS (INSERT INTO deskd_events (event, conversation_id, payload)"
    " SELECT 'conversation.status_changed', u.id, jsonb_build_object("
    "  'conversation_uuid', u.uuid, 'previous_status', u.prev, 'new_status', u.name,"
    "  'snooze_until', coalesce(to_char(u.snoozed_until AT TIME ZONE 'UTC',"
    "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), 'actor_id', $4::int) FROM u)" ACTIVITY_INSERT(
        "4", "status", "status_change", "'set the status to ' || u.name"),
    4, 0};

enum app_err store_conversation_set_status(struct db *db, struct arena *a, int64_t id,
                                           int64_t status_id, double snooze_secs, int64_t actor,
                                           const struct store_csat_offer *csat)
{
    const char *snooze = snooze_secs > 0 ? arena_printf(a, "%.6f", snooze_secs) : NULL;
    const char *p[] = {store_i64(a, id), store_i64(a, status_id), snooze, store_i64(a, actor)};
    struct store_automation_hook h;
    long changed = 0;
    enum app_err e = store_begin(db);

    if (e != APP_OK)
        return e;
    e = store_automation_before(db, a, id, "conversation.status.change", &h);
    /* A resolution may meet the resolution SLA (resolved_at), in the same transaction. */
    if (e == APP_OK)
        e = store_one(db, a, &status_stmt, p, NULL, &changed);
    if (e == APP_OK && changed > 0)
        e = store_sla_settle(db, a, id);
    /* A move into Resolved may offer the survey, with the status change or not at all. */
    int offered;
    if (e == APP_OK && changed > 0 && csat != NULL)
        e = store_csat_offer(db, a, id, csat, actor, &offered);
    if (e == APP_OK)
        e = store_automation_after(db, a, id, &h, changed);
    return store_end(db, e);
}

/* $1 id, $2 priority id, $3 actor */
static const struct db_stmt priority_stmt = {
    "conv_set_priority",
    "WITH u AS (UPDATE conversations c SET priority_id = pr.id,"
    " updated_at = now() FROM conversation_priorities pr"
    " WHERE pr.id = $2::int AND c.id = $1::bigint"
    " AND c.priority_id IS DISTINCT FROM pr.id"
    " RETURNING c.id, pr.name)" ACTIVITY_INSERT("3", "priority", "priority_change",
                                                "'set the priority to ' || u.name"),
    3, 0};

enum app_err store_conversation_set_priority(struct db *db, struct arena *a, int64_t id,
                                             int64_t priority_id, int64_t actor)
{
    const char *p[] = {store_i64(a, id), store_i64(a, priority_id), store_i64(a, actor)};
    struct store_automation_hook h;
    long changed = 0;
    enum app_err e = store_begin(db);

    if (e != APP_OK)
        return e;
    e = store_automation_before(db, a, id, "conversation.priority.change", &h);
    if (e == APP_OK)
        e = store_one(db, a, &priority_stmt, p, NULL, &changed);
    if (e == APP_OK)
        e = store_automation_after(db, a, id, &h, changed);
    return store_end(db, e);
}

/* $1 id, $2 agent id (NULL removes), $3 actor; the new assignee is notified */
static const struct db_stmt agent_stmt = {
    "conv_set_user",
    "WITH u AS (UPDATE conversations c SET assigned_user_id = $2::int,"
    " updated_at = now() WHERE c.id = $1::bigint"
    " AND c.assigned_user_id IS DISTINCT FROM $2::int"
    " RETURNING c.id, c.uuid, (SELECT " PERSON_NAME " FROM users p"
    "  WHERE p.id = $2::int) AS name)" NOTIFY_ASSIGNMENT_CTE(
        "2", "3") ", ev AS (INSERT INTO deskd_events (event, conversation_id, payload)"
                  " SELECT CASE WHEN $2::int IS NULL THEN 'conversation.unassigned'"
                  "  ELSE 'conversation.assigned' END, u.id, CASE WHEN $2::int IS NULL"
                  "  THEN jsonb_build_object('conversation_uuid', u.uuid, 'actor_id', $3::int)"
                  "  ELSE jsonb_build_object('conversation_uuid', u.uuid, 'assigned_to', $2::int,"
                  "  'actor_id', $3::int) END FROM u)" ACTIVITY_INSERT(
                      "3", "assignee", "assigned_user_change",
                      "coalesce('assigned the conversation to ' || u.name,"
                      " 'removed the assigned agent')"),
    3, 0};

/* $1 id, $2 team id (NULL removes), $3 actor: a new team clears the agent (upstream). */
static const struct db_stmt team_stmt = {
    "conv_set_team",
    "WITH u AS (UPDATE conversations c SET assigned_team_id = $2::int,"
    " assigned_user_id = CASE WHEN $2::int IS NULL THEN assigned_user_id"
    "  ELSE NULL END, updated_at = now()"
    " WHERE c.id = $1::bigint AND c.assigned_team_id IS DISTINCT FROM"
    " $2::int RETURNING c.id, (SELECT t.name FROM teams t"
    "  WHERE t.id = $2::int) AS name)" ACTIVITY_INSERT(
        "3", "team", "assigned_team_change",
        "coalesce('assigned the conversation to the team ' || u.name,"
        " 'removed the assigned team')"),
    3, 0};

enum app_err store_conversation_assign(struct db *db, struct arena *a, int64_t id,
                                       enum store_assignee kind, int64_t assignee, int64_t actor)
{
    const char *p[] = {store_i64(a, id), store_id_or_null(a, assignee), store_i64(a, actor)};
    int team = kind == STORE_ASSIGNEE_TEAM;
    struct store_automation_hook h;
    long moved = 0;
    enum app_err e;

    memset(&h, 0, sizeof(h));
    if ((e = store_begin(db)) != APP_OK)
        return e;
    /* A new assignee (not a removal) is the assigned event of the rules. */
    if (assignee > 0)
        e = store_automation_before(
            db, a, id, team ? "conversation.team.assigned" : "conversation.user.assigned", &h);
    if (e == APP_OK)
        e = store_one(db, a, team ? &team_stmt : &agent_stmt, p, NULL, &moved);
    /* A move to a team applies its SLA policy in the same transaction. */
    if (e == APP_OK && team && moved > 0 && assignee > 0)
        e = store_sla_apply(db, a, id);
    if (e == APP_OK)
        e = store_automation_after(db, a, id, &h, moved);
    return store_end(db, e);
}

/* $1 id, $2 user id */
static const struct db_stmt seen_stmt = {
    "conv_last_seen",
    "INSERT INTO conversation_last_seen (user_id, conversation_id,"
    " last_seen_at) VALUES ($2::int, $1::bigint, now())"
    " ON CONFLICT (conversation_id, user_id) DO UPDATE"
    " SET last_seen_at = now(), updated_at = now()",
    2, 0};

/* $1 id, $2 user id: unread from the latest message (not activity) on, seen just before it. */
static const struct db_stmt unread_stmt = {
    "conv_mark_unread",
    "INSERT INTO conversation_last_seen (user_id, conversation_id,"
    " last_seen_at) SELECT $2::int, $1::bigint, coalesce(max(created_at)"
    " - interval '1 microsecond', '-infinity') FROM conversation_messages"
    " WHERE conversation_id = $1::bigint AND type <> 'activity'"
    " ON CONFLICT (conversation_id, user_id) DO UPDATE"
    " SET last_seen_at = EXCLUDED.last_seen_at, updated_at = now()",
    2, 0};

enum app_err store_conversation_seen(struct db *db, struct arena *a, int64_t id, int64_t user_id,
                                     int unread)
{
    const char *p[] = {store_i64(a, id), store_i64(a, user_id)};
    return store_one(db, a, unread ? &unread_stmt : &seen_stmt, p, NULL, NULL);
}

/*
 * The tags updates: $1 id, $2 tag names (one JSON array, no array-literal
 * quoting; names that are no tag are skipped, as upstream), $3 actor.  Each
 * statement ends with the CTEs gone(name) and added(name), the tags it
 * really took off and put on (a tag already there is not added again), and
 * TAGS_ACTIVITY then records, in the same statement, one private activity
 * message by the actor per tag, removals first, each kind by name
 * (bytewise): "<actor's name> removed the tag <t>" / "added the tag <t>",
 * meta {activity_type and activity: tag_removed | tag_added (upstream's
 * names too), value: t}.
 */
#define TAGS_WANTED                                                                                \
    "SELECT t.id, t.name FROM tags t WHERE t.name IN"                                              \
    " (SELECT jsonb_array_elements_text($2::jsonb))"
#define TAGS_ACTIVITY                                                                              \
    " INSERT INTO conversation_messages (type, status, private, conversation_id,"                  \
    " content_type, content, text_content, sender_id, sender_type, meta)"                          \
    " SELECT 'activity', 'sent', true, $1::bigint, 'text', a.t, a.t, $3::int, 'agent',"            \
    " jsonb_build_object('activity_type', ch.kind, 'activity', ch.kind, 'value', ch.name)"         \
    " FROM (SELECT 1 AS ord, 'tag_removed' AS kind, 'removed' AS verb, name FROM gone"             \
    "  UNION ALL SELECT 2, 'tag_added', 'added', name FROM added) ch,"                             \
    " LATERAL (SELECT (SELECT " PERSON_NAME " FROM users p WHERE p.id = $3::int)"                  \
    "  || ' ' || ch.verb || ' the tag ' || ch.name AS t) a"                                        \
    " ORDER BY ch.ord, ch.name COLLATE \"C\""
#define TAGS_GONE(cond)                                                                            \
    " gone AS (DELETE FROM conversation_tags ct USING tags t"                                      \
    "  WHERE ct.conversation_id = $1::bigint AND t.id = ct.tag_id AND " cond " RETURNING t.name)"
#define TAGS_ADDED                                                                                 \
    " ins AS (INSERT INTO conversation_tags (tag_id, conversation_id)"                             \
    "  SELECT id, $1::bigint FROM wanted ON CONFLICT DO NOTHING RETURNING tag_id),"                \
    " added AS (SELECT t.name FROM ins JOIN tags t ON t.id = ins.tag_id)"

/*
 * After gone and added: the conversation.tags_changed event (upstream's
 * payload; tags by name, bytewise) when a tag really went or came.  The
 * statement's snapshot still has the tags as they were.
 */
#define TAGS_EVENT                                                                                 \
    ", tev AS (INSERT INTO deskd_events (event, conversation_id, payload)"                         \
    " SELECT 'conversation.tags_changed', cv.id, jsonb_build_object('conversation_uuid', cv.uuid," \
    "  'previous_tags', (SELECT coalesce(jsonb_agg(t.name ORDER BY t.name COLLATE \"C\"), '[]')"   \
    "  FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id"                                  \
    "  WHERE ct.conversation_id = cv.id),"                                                         \
    "  'new_tags', (SELECT coalesce(jsonb_agg(n.name ORDER BY n.name COLLATE \"C\"), '[]')"        \
    "  FROM (SELECT t.name FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id"              \
    "  WHERE ct.conversation_id = cv.id AND t.name NOT IN (SELECT name FROM gone)"                 \
    "  UNION SELECT name FROM added) n), 'actor_id', $3::int)"                                     \
    " FROM conversations cv WHERE cv.id = $1::bigint"                                              \
    " AND (EXISTS (SELECT 1 FROM gone) OR EXISTS (SELECT 1 FROM added)))"

/* A gone or added that is empty. */
#define TAGS_NONE(cte) " " cte " AS (SELECT NULL::text AS name WHERE false)"

/* set_tags: the named tags exactly. */
static const struct db_stmt tags_set_stmt = {
    "conv_tags_set",
    "WITH wanted AS (" TAGS_WANTED ")," TAGS_GONE(
        "ct.tag_id NOT IN (SELECT id FROM wanted)") "," TAGS_ADDED TAGS_EVENT TAGS_ACTIVITY,
    3, 0};

/* add_tags: the named tags as well. */
static const struct db_stmt tags_add_stmt = {
    "conv_tags_add",
    "WITH wanted AS (" TAGS_WANTED ")," TAGS_NONE("gone") "," TAGS_ADDED TAGS_EVENT TAGS_ACTIVITY,
    3, 0};

/* remove_tags: the named tags taken off. */
static const struct db_stmt tags_remove_stmt = {
    "conv_tags_remove",
    "WITH wanted AS (" TAGS_WANTED
    ")," TAGS_GONE("ct.tag_id IN (SELECT id FROM wanted)") "," TAGS_NONE("added")
        TAGS_EVENT TAGS_ACTIVITY,
    3, 0};

enum app_err store_conversation_tags(struct db *db, struct arena *a, int64_t id,
                                     enum store_tags_action action, const char *names,
                                     int64_t actor)
{
    const struct db_stmt *st = action == STORE_TAGS_ADD      ? &tags_add_stmt
                               : action == STORE_TAGS_REMOVE ? &tags_remove_stmt
                                                             : &tags_set_stmt;
    const char *p[] = {store_i64(a, id), names, store_i64(a, actor)};
    return store_one(db, a, st, p, NULL, NULL);
}

/* $1 inbox id: whether a conversation may start in it, ok, disabled or not_email. */
static const struct db_stmt inbox_state_stmt = {
    "inbox_state",
    "SELECT CASE WHEN NOT enabled THEN 'disabled'"
    " WHEN channel <> 'email' THEN 'not_email' ELSE 'ok' END"
    " FROM inboxes WHERE id = $1::int AND deleted_at IS NULL",
    1, 1};

enum app_err store_inbox_state(struct db *db, struct arena *a, int64_t inbox_id,
                               enum store_inbox_state *state)
{
    const char *p[] = {store_i64(a, inbox_id)}, *s;
    enum app_err e = store_found(db, a, &inbox_state_stmt, p, &s);

    *state = STORE_INBOX_OK;
    if (e == APP_OK && s != NULL && strcmp(s, "disabled") == 0)
        *state = STORE_INBOX_DISABLED;
    else if (e == APP_OK && (s == NULL || strcmp(s, "ok") != 0))
        *state = STORE_INBOX_NOT_EMAIL;
    return e;
}

/*
 * $1 e-mail (lower-cased by the caller), $2 first name, $3 last name, $4
 * external id: the live contact with this e-mail, or a new one.  No row
 * when the insert met a contact another transaction made meanwhile (same
 * e-mail, or same external id): ON CONFLICT waits for that transaction and
 * does nothing once it committed, so the next statement (a new snapshot:
 * READ COMMITTED) finds that contact.  No unique violation, whichever unique
 * index of users it is.
 */
static const struct db_stmt contact_stmt = {
    "contact_find_or_create",
    "WITH found AS (SELECT id FROM users WHERE type = 'contact'"
    " AND deleted_at IS NULL AND lower(email) = $1::text"
    " ORDER BY id LIMIT 1),"
    " made AS (INSERT INTO users (type, email, first_name,"
    " last_name, external_user_id) SELECT 'contact', $1::text,"
    " $2::text, $3::text, $4::text"
    " WHERE NOT EXISTS (SELECT 1 FROM found) ON CONFLICT DO NOTHING RETURNING id)"
    " SELECT id FROM found UNION ALL SELECT id FROM made",
    4, 0};

/*
 * $1 phone number: the live contact with this number, or a new one named
 * after it ($2 first name).  Phone numbers have no unique index (upstream
 * has none): contact_of() first takes a transaction lock on the number, so
 * that two creates for one new number make one contact.
 */
static const struct db_stmt phone_lock_stmt = {
    "contact_phone_lock",
    "SELECT pg_advisory_xact_lock(hashtextextended('deskd contact phone ' || $1::text, 0))", 1, 0};

static const struct db_stmt phone_contact_stmt = {
    "contact_find_or_create_phone",
    "WITH found AS (SELECT id FROM users WHERE type = 'contact'"
    " AND deleted_at IS NULL AND phone_number = $1::text ORDER BY id LIMIT 1),"
    " made AS (INSERT INTO users (type, first_name, last_name, phone_number)"
    " SELECT 'contact', $2::text, '', $1::text WHERE NOT EXISTS (SELECT 1 FROM found)"
    " RETURNING id)"
    " SELECT id FROM found UNION ALL SELECT id FROM made",
    2, 0};

/*
 * The contact of cn (found or made), inside the caller's transaction.  Two
 * creates for one new e-mail at the same moment: the second waits for the
 * first's contact and, on its second look, finds it.  APP_ERR_CONFLICT
 * (*ext_taken 1) if even then there is none: the insert conflicts with a
 * live contact of another e-mail that has this external id.
 */
static enum app_err contact_of(struct db *db, struct arena *a,
                               const struct store_conversation_new *cn, int64_t *contact,
                               int *ext_taken)
{
    if (cn->email == NULL) {
        const char *pp[] = {cn->phone, cn->first_name};
        enum app_err e = db_run(db, a, &phone_lock_stmt, pp, NULL);
        /* A new snapshot after the lock: a contact made meanwhile is seen. */
        return e != APP_OK ? e : store_found_i64(db, a, &phone_contact_stmt, pp, contact);
    }
    const char *cp[] = {cn->email, cn->first_name, cn->last_name, cn->external_user_id};
    enum app_err e = store_found_i64(db, a, &contact_stmt, cp, contact);

    if (e == APP_ERR_NOT_FOUND) /* made by another transaction meanwhile: look again */
        e = store_found_i64(db, a, &contact_stmt, cp, contact);
    if (e == APP_ERR_NOT_FOUND) {
        *ext_taken = 1;
        e = APP_ERR_CONFLICT;
    }
    return e;
}

/*
 * $1 contact id, $2 inbox id, $3 subject: Open, the next reference
 * number, "<subject> - #<ref>" (or "#<ref>"), nobody assigned yet.
 */
static const struct db_stmt create_stmt = {
    "conv_create",
    "INSERT INTO conversations (reference_number, contact_id, inbox_id,"
    " status_id, subject)"
    " SELECT s.ref, $1::bigint, $2::int, (SELECT id FROM"
    " conversation_statuses WHERE name = 'Open'),"
    " CASE WHEN coalesce($3::text, '') = '' THEN '#' || s.ref"
    "  ELSE $3::text || ' - #' || s.ref END"
    " FROM (SELECT nextval('conversation_reference_number_sequence')::text"
    " AS ref) s RETURNING id",
    3, 0};

enum app_err store_conversation_create(struct db *db, struct arena *a,
                                       const struct store_conversation_new *cn,
                                       const struct store_message_new *m, int64_t *conv_id,
                                       int *ext_taken)
{
    struct store_message_new first;
    int64_t contact = 0, msg_id;
    enum app_err e = store_begin(db);

    *conv_id = 0;
    *ext_taken = 0;
    if (e != APP_OK)
        return e;
    memset(&first, 0, sizeof(first));
    if (m != NULL)
        first = *m;
    store_automation_quiet(1); /* its rules run once it is made, below */
    e = contact_of(db, a, cn, &contact, ext_taken);
    if (e == APP_OK) {
        const char *p[] = {store_i64(a, contact), store_i64(a, cn->inbox_id), cn->subject};
        e = store_found_i64(db, a, &create_stmt, p, &first.conv_id);
        if (e == APP_ERR_NOT_FOUND)
            e = APP_ERR_INTERNAL; /* an insert that returns its row */
    }
    if (e == APP_OK && m != NULL) {
        if (first.sender_id == 0) /* a contact-initiated conversation: the contact speaks */
            first.sender_id = contact;
        e = store_message_add(db, a, &first, &msg_id);
    }
    /* Team, then agent, through the assign statements: the same activity messages. */
    if (e == APP_OK && cn->team_id > 0)
        e = store_conversation_assign(db, a, first.conv_id, STORE_ASSIGNEE_TEAM, cn->team_id,
                                      cn->actor);
    if (e == APP_OK && cn->agent_id > 0)
        e = store_conversation_assign(db, a, first.conv_id, STORE_ASSIGNEE_AGENT, cn->agent_id,
                                      cn->actor);
    /* Without a team, settings' default SLA policy (if any); a team's move applied its own. */
    if (e == APP_OK && cn->team_id <= 0)
        e = store_sla_apply(db, a, first.conv_id);
    store_automation_quiet(0);
    if (e == APP_OK)
        e = store_automation_new(db, a, first.conv_id);
    if ((e = store_end(db, e)) == APP_OK)
        *conv_id = first.conv_id;
    return e;
}
