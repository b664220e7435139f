/*
 * store/sla.h - SLA policies (read here; their writes and their application
 * to conversations are still to come).
 */
#ifndef STORE_SLA_H
#define STORE_SLA_H

#include <stddef.h>

#include "lib/err.h"

struct arena;
struct db;

/*
 * [{id, created_at, updated_at, name, description, first_response_time,
 * resolution_time, next_response_time, notifications}], most recently
 * changed first (the durations as stored, e.g. "2h").
 */
enum app_err store_sla_policies_json(struct db *db, struct arena *a, const char **json,
                                     size_t *len);

#endif
