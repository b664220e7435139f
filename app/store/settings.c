/*
 * store/settings.c - settings rows.
 */
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"
#include "lists/query.h"
#include "store/queries.h"
#include "store/store.h"
#include "store/user_sql.h"

const struct db_stmt STMT_SETTING[1] = {
    {"setting", "SELECT value::text FROM settings WHERE key = $1::text", 1, 0}};

enum app_err store_setting(struct db *db, struct arena *a, const char *key, const char **value)
{
    const char *p[] = {key};
    return store_one(db, a, STMT_SETTING, p, value, NULL);
}
