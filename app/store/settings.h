/*
 * store/settings.h - settings rows.
 */
#ifndef STORE_SETTINGS_H
#define STORE_SETTINGS_H

#include "lib/err.h"

struct arena;
struct db;

/* The setting's value as JSON text (*value borrowed); NULL if the key is not set. */
enum app_err store_setting(struct db *db, struct arena *a, const char *key, const char **value);

#endif
