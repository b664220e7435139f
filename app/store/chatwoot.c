/*
 * store/chatwoot.c - see chatwoot.h.
 */
#include "store/chatwoot.h"

#include <stdlib.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lists/query.h"
#include "store/store.h"

/* A timestamp as Chatwoot's unix seconds (NULL stays NULL). */
#define UNIX(x) "extract(epoch FROM " x ")::bigint"
/* As UNIX(), 0 for NULL (Chatwoot's `.to_i` of nil). */
#define UNIX0(x) "coalesce(extract(epoch FROM " x ")::bigint, 0)"

/*
 * $1 the caller, $2 the page's ids ("{1,2,3}"), $3 the account id: the
 * page as Chatwoot's conversation objects (swagger `conversation` with
 * `meta`), in the ids' order.  Status: the built-in Snoozed -> snoozed,
 * category open -> open, resolved -> resolved, other waiting -> pending.
 */
/* clang-format off */
static const struct db_stmt items_stmt = {
    "chatwoot_items",
    "SELECT coalesce(json_agg(json_build_object("
    " 'id', c.id,"
    " 'messages', CASE WHEN lm.j IS NULL THEN '[]'::json ELSE json_build_array(lm.j) END,"
    " 'account_id', $3::int,"
    " 'uuid', c.uuid,"
    " 'additional_attributes', json_build_object('subject', c.subject,"
    "  'reference_number', c.reference_number),"
    " 'agent_last_seen_at', " UNIX0("ls.last_seen_at") ","
    " 'assignee_last_seen_at', " UNIX0("als.last_seen_at") ","
    " 'can_reply', ct.enabled,"
    " 'contact_last_seen_at', " UNIX0("c.contact_last_seen_at") ","
    " 'custom_attributes', c.custom_attributes,"
    " 'inbox_id', c.inbox_id,"
    " 'labels', coalesce((SELECT json_agg(tg.name ORDER BY tg.name) FROM conversation_tags ctg"
    "  JOIN tags tg ON tg.id = ctg.tag_id WHERE ctg.conversation_id = c.id), '[]'::json),"
    " 'muted', false,"
    " 'snoozed_until', " UNIX("c.snoozed_until") ","
    " 'status', CASE WHEN st.name = 'Snoozed' THEN 'snoozed' WHEN st.category = 'open' THEN 'open'"
    "  WHEN st.category = 'resolved' THEN 'resolved' ELSE 'pending' END,"
    " 'created_at', " UNIX("c.created_at") ","
    " 'updated_at', " UNIX("c.updated_at") ","
    " 'timestamp', " UNIX("coalesce(c.last_message_at, c.created_at)") ","
    " 'first_reply_created_at', " UNIX("c.first_reply_at") ","
    " 'unread_count', (SELECT count(*) FROM conversation_messages um"
    "  WHERE um.conversation_id = c.id AND um.type = 'incoming'"
    "  AND um.created_at > coalesce(ls.last_seen_at, 'epoch')),"
    " 'last_non_activity_message', lm.j,"
    " 'last_activity_at', " UNIX("coalesce(c.last_message_at, c.created_at)") ","
    " 'priority', lower(pr.name),"
    " 'waiting_since', " UNIX("c.waiting_since") ","
    " 'sla_policy_id', c.sla_policy_id,"
    " 'applied_sla', coalesce((SELECT json_build_object('id', a.id, 'sla_id', a.sla_policy_id,"
    "  'sla_status', a.status, 'created_at', " UNIX("a.created_at") ")"
    "  FROM applied_slas a WHERE a.conversation_id = c.id"
    "  ORDER BY a.created_at DESC, a.id DESC LIMIT 1), '{}'::json),"
    " 'sla_events', '[]'::json,"
    " 'meta', jsonb_build_object("
    "  'sender', jsonb_build_object('additional_attributes', '{}'::jsonb,"
    "   'availability_status', ct.availability_status::text, 'email', ct.email, 'id', ct.id,"
    "   'name', btrim(ct.first_name || ' ' || coalesce(ct.last_name, '')),"
    "   'phone_number', ct.phone_number, 'blocked', NOT ct.enabled,"
    "   'identifier', ct.external_user_id, 'thumbnail', coalesce(ct.avatar_url, ''),"
    "   'custom_attributes', ct.custom_attributes,"
    "   'last_activity_at', " UNIX0("ct.last_active_at") ","
    "   'created_at', " UNIX("ct.created_at") ", 'type', 'contact'),"
    "  'channel', CASE i.channel WHEN 'email' THEN 'Channel::Email' ELSE 'Channel::WebWidget' END,"
    "  'hmac_verified', false)"
    "  || CASE WHEN ag.id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('assignee',"
    "   jsonb_build_object('id', ag.id, 'account_id', $3::int,"
    "   'availability_status', ag.availability_status::text,"
    "   'available_name', btrim(ag.first_name || ' ' || coalesce(ag.last_name, '')),"
    "   'avatar_url', coalesce(ag.avatar_url, ''), 'confirmed', true, 'display_name', NULL,"
    "   'email', coalesce(ag.email, ''),"
    "   'name', btrim(ag.first_name || ' ' || coalesce(ag.last_name, '')),"
    "   'role', CASE WHEN EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
    "    WHERE ur.user_id = ag.id AND r.name = 'Admin') THEN 'administrator' ELSE 'agent' END,"
    "   'thumbnail', coalesce(ag.avatar_url, ''), 'type', 'user')) END"
    "  || CASE WHEN tm.id IS NULL THEN '{}'::jsonb"
    "   ELSE jsonb_build_object('team', jsonb_build_object('id', tm.id, 'name', tm.name)) END)"
    " ORDER BY p.ord), '[]')::text"
    " FROM unnest($2::bigint[]) WITH ORDINALITY p(id, ord)"
    " JOIN conversations c ON c.id = p.id"
    " JOIN users ct ON ct.id = c.contact_id"
    " JOIN inboxes i ON i.id = c.inbox_id"
    " JOIN conversation_statuses st ON st.id = c.status_id"
    " LEFT JOIN conversation_priorities pr ON pr.id = c.priority_id"
    " LEFT JOIN conversation_last_seen ls ON ls.conversation_id = c.id AND ls.user_id = $1::bigint"
    " LEFT JOIN conversation_last_seen als ON als.conversation_id = c.id"
    "  AND als.user_id = c.assigned_user_id"
    " LEFT JOIN users ag ON ag.id = c.assigned_user_id"
    " LEFT JOIN teams tm ON tm.id = c.assigned_team_id"
    " LEFT JOIN LATERAL (SELECT json_build_object('id', m.id, 'content', coalesce(m.text_content, ''),"
    "  'account_id', $3::int, 'inbox_id', c.inbox_id, 'conversation_id', c.id,"
    "  'message_type', CASE m.type WHEN 'incoming' THEN 0 WHEN 'outgoing' THEN 1 ELSE 2 END,"
    "  'created_at', " UNIX("m.created_at") ", 'updated_at', " UNIX("m.updated_at") ","
    "  'private', m.private,"
    "  'status', CASE m.status WHEN 'failed' THEN 'failed' ELSE 'sent' END,"
    "  'source_id', m.source_id, 'content_type', 'text', 'content_attributes', '{}'::json,"
    "  'sender_type', CASE WHEN m.sender_id IS NULL THEN NULL"
    "   WHEN m.sender_type = 'contact' THEN 'Contact' ELSE 'User' END,"
    "  'sender_id', m.sender_id, 'external_source_ids', '{}'::json,"
    "  'additional_attributes', '{}'::json, 'processed_message_content', m.text_content,"
    "  'sentiment', '{}'::json,"
    "  'sender', CASE WHEN su.id IS NULL THEN '{}'::json ELSE json_build_object('id', su.id,"
    "   'name', btrim(su.first_name || ' ' || coalesce(su.last_name, '')),"
    "   'type', CASE WHEN su.type = 'agent' THEN 'user' ELSE 'contact' END) END) j"
    "  FROM conversation_messages m LEFT JOIN users su ON su.id = m.sender_id"
    "  WHERE m.conversation_id = c.id AND m.type <> 'activity'"
    "  ORDER BY m.created_at DESC, m.id DESC LIMIT 1) lm ON TRUE",
    3, 1};
/* clang-format on */

enum app_err store_chatwoot_list(struct db *db, struct arena *a, const struct cq_query *q,
                                 int64_t account_id, int64_t counts[CQ__COUNTS], const char **json,
                                 size_t *len)
{
    struct db_res *list;
    enum app_err e = db_exec_cached(db, a, q->counts_list_sql, q->nparams, q->params, &list);

    *json = NULL;
    *len = 0;
    if (e != APP_OK)
        return e;
    if (db_ntuples(list) != 1)
        return APP_ERR_INTERNAL;
    for (int i = 0; i < CQ__COUNTS; i++) {
        const char *v = db_value(list, 0, i);
        if (v == NULL)
            return APP_ERR_INTERNAL;
        counts[i] = strtoll(v, NULL, 10);
    }
    const char *ids = db_value(list, 0, CQ__COUNTS);
    if (ids == NULL || *ids == '\0') {
        *json = "[]";
        *len = 2;
        return APP_OK;
    }
    const char *p[] = {q->params[0], arena_printf(a, "{%s}", ids), store_i64(a, account_id)};
    if (p[1] == NULL || p[2] == NULL)
        return APP_ERR_INTERNAL;
    return store_json(db, a, &items_stmt, p, json, len);
}
