/*
 * store/vambe.c - see vambe.h.
 */
#include "store/vambe.h"

#include "lib/db.h"
#include "lists/items.h"
#include "store/store.h"

/* $1 the page's conversation ids ("{3,1,2}"), in order. */
static const struct db_stmt contacts_stmt = {
    "vambe_contacts",
    "SELECT coalesce(json_agg(json_build_object("
    " 'ai_contact_id', c.uuid::text,"
    " 'name', btrim(ct.first_name || ' ' || coalesce(ct.last_name, '')),"
    " 'current_stage', st.name,"
    " 'current_pipeline', i.name,"
    " 'waiting_time', " WAITING_MS ","
    " 'assigned_agents', CASE WHEN ag.id IS NULL THEN '[]'::json ELSE json_build_array("
    "  json_build_object('agent_id', ag.id::text,"
    "  'agent_name', btrim(ag.first_name || ' ' || coalesce(ag.last_name, '')))) END)"
    " ORDER BY p.ord), '[]')::text"
    " FROM unnest($1::bigint[]) WITH ORDINALITY p(id, ord)"
    " JOIN conversations c ON c.id = p.id"
    " JOIN users ct ON ct.id = c.contact_id"
    " JOIN inboxes i ON i.id = c.inbox_id"
    " JOIN conversation_statuses st ON st.id = c.status_id"
    " LEFT JOIN users ag ON ag.id = c.assigned_user_id",
    1, 1};

enum app_err store_vambe_contacts(struct db *db, struct arena *a, const char *ids,
                                  const char **json, size_t *len)
{
    const char *p[] = {ids ? ids : "{}"};
    enum app_err e = store_json(db, a, &contacts_stmt, p, json, len);
    if (e == APP_OK && *json == NULL)
        return APP_ERR_INTERNAL;
    return e;
}
