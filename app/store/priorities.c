/*
 * store/priorities.c - conversation priorities.
 */
#include "store/priorities.h"

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

const struct db_stmt STMT_PRIORITIES_JSON[1] = {
    {"priorities_json",
     "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at',"
     " created_at, 'name', name) ORDER BY id), '[]')::text"
     " FROM conversation_priorities",
     0, 1}};

const struct db_stmt STMT_PRIORITY_BY_NAME[1] = {
    {"priority_by_name", "SELECT id FROM conversation_priorities WHERE name = $1::text", 1, 1}};
