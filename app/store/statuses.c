/*
 * store/statuses.c - conversation statuses.
 */
#include "store/statuses.h"

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

const struct db_stmt STMT_STATUSES_JSON[1] = {
    {"statuses_json",
     "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at',"
     " created_at, 'name', name, 'category', category) ORDER BY id),"
     " '[]')::text FROM conversation_statuses",
     0, 1}};

const struct db_stmt STMT_STATUS_BY_NAME[1] = {
    {"status_by_name", "SELECT id FROM conversation_statuses WHERE name = $1::text", 1, 1}};

/* Status writes return the row as the list shows it. */
const struct db_stmt STMT_STATUS_INSERT[1] = {
    {"status_insert",
     "INSERT INTO conversation_statuses (name, category) VALUES ($1::text,"
     " $2::conversation_status_category) RETURNING json_build_object('id', id,"
     " 'created_at', created_at, 'name', name, 'category', category)::text",
     2, 0}};

const struct db_stmt STMT_STATUS_UPDATE[1] = {
    {"status_update",
     "UPDATE conversation_statuses SET name = $2::text,"
     " category = $3::conversation_status_category, updated_at = now()"
     " WHERE id = $1::int RETURNING json_build_object('id', id, 'created_at',"
     " created_at, 'name', name, 'category', category)::text",
     3, 0}};

const struct db_stmt STMT_STATUS_DELETE[1] = {
    {"status_delete", "DELETE FROM conversation_statuses WHERE id = $1::int RETURNING id", 1, 0}};

const struct db_stmt STMT_STATUS_NAME[1] = {
    {"status_name", "SELECT name FROM conversation_statuses WHERE id = $1::int", 1, 1}};
