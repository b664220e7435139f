/*
 * store/sla.c - SLA policies.
 */
#include "store/sla.h"

#include "lib/db.h"
#include "store/store.h"

static const struct db_stmt list_stmt = {
    "sla_policies_json",
    "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at', created_at,"
    " 'updated_at', updated_at, 'name', name, 'description', coalesce(description, ''),"
    " 'first_response_time', first_response_time, 'resolution_time', resolution_time,"
    " 'next_response_time', coalesce(next_response_time, ''), 'notifications', notifications)"
    " ORDER BY updated_at DESC, id DESC), '[]')::text FROM sla_policies",
    0, 1};

enum app_err store_sla_policies_json(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json(db, a, &list_stmt, NULL, json, len);
}
