/*
 * store/settings.c - settings rows.
 */
#include "store/settings.h"

#include "lib/db.h"
#include "store/store.h"

/* $1 key */
static const struct db_stmt setting_stmt = {
    "setting", "SELECT value::text FROM settings WHERE key = $1::text", 1, 0};

enum app_err store_setting(struct db *db, struct arena *a, const char *key, const char **value)
{
    const char *p[] = {key};
    return store_one(db, a, &setting_stmt, p, value, NULL);
}
