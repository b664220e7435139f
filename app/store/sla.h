/*
 * store/sla.h - SLA policies and their writes (their application to
 * conversations is still to come).
 */
#ifndef STORE_SLA_H
#define STORE_SLA_H

#include <stddef.h>
#include <stdint.h>

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

/* A policy write, validated by the handler; "" description / next response store NULL. */
struct sla_policy_in {
    const char *name;
    const char *description;
    const char *first_response;
    const char *resolution;
    const char *next_response;
    const char *notifications; /* a JSON array */
};

/* One policy as in the list; APP_ERR_NOT_FOUND for an unknown id. */
enum app_err store_sla_policy_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                   size_t *len);

enum app_err store_sla_policy_create(struct db *db, struct arena *a, const struct sla_policy_in *in,
                                     const char **json, size_t *len);

/* APP_ERR_NOT_FOUND for an unknown id. */
enum app_err store_sla_policy_update(struct db *db, struct arena *a, int64_t id,
                                     const struct sla_policy_in *in, const char **json,
                                     size_t *len);

enum app_err store_sla_policy_delete(struct db *db, struct arena *a, int64_t id);

/*
 * Applies the SLA policy of the conversation's team to it, inside the
 * caller's transaction: the team's sla_policy_id, its business hours
 * (else settings' app.business_hours_id; neither: always open) and time
 * zone (else app.timezone).  Deadlines count business minutes from the
 * conversation's created_at.  A pending applied SLA of the conversation is
 * replaced; no team or a team without a policy changes nothing.
 */
enum app_err store_sla_apply(struct db *db, struct arena *a, int64_t conv_id);

#endif
