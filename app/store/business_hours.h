/*
 * store/business_hours.h - business-hours calendars (business_hours).
 */
#ifndef STORE_BUSINESS_HOURS_H
#define STORE_BUSINESS_HOURS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* A calendar write, validated by the handler; hours and holidays are JSON text. */
struct business_hours_in {
    const char *name;
    const char *description; /* "" stores NULL */
    int is_always_open;
    const char *hours;    /* {"Monday": {"open": "09:00", "close": "17:00"}, ...} */
    const char *holidays; /* [{"name": ..., "date": "YYYY-MM-DD"}] */
};

/* [{id, created_at, updated_at, name, description, is_always_open, hours, holidays}] by name. */
enum app_err store_business_hours_json(struct db *db, struct arena *a, const char **json,
                                       size_t *len);

/* One calendar; APP_ERR_NOT_FOUND for an unknown id. */
enum app_err store_business_hours_get(struct db *db, struct arena *a, int64_t id, const char **json,
                                      size_t *len);

enum app_err store_business_hours_create(struct db *db, struct arena *a,
                                         const struct business_hours_in *in, const char **json,
                                         size_t *len);

/* APP_ERR_NOT_FOUND for an unknown id. */
enum app_err store_business_hours_update(struct db *db, struct arena *a, int64_t id,
                                         const struct business_hours_in *in, const char **json,
                                         size_t *len);

/* Teams that named it keep NULL (ON DELETE SET NULL). */
enum app_err store_business_hours_delete(struct db *db, struct arena *a, int64_t id);

#endif
