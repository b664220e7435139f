/*
 * store/sla.h - SLA policies and their writes, their application to
 * conversations (deadlines, met and breached stamps, next-response events)
 * and the notifications their policies schedule.
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
 * caller's transaction: the team's sla_policy_id (else settings'
 * app.sla_policy_id, also for a conversation without a team), its business hours
 * (else settings' app.business_hours_id; neither: always open) and time
 * zone (else app.timezone).  Deadlines count business minutes from the
 * conversation's created_at; the policy's warnings before them are
 * scheduled.  A pending applied SLA of the conversation is replaced (with
 * its events and scheduled notifications); no policy from either changes
 * nothing.
 */
enum app_err store_sla_apply(struct db *db, struct arena *a, int64_t conv_id);

/* The same with policy policy_id instead of the team's (the set_sla automation action). */
enum app_err store_sla_apply_policy(struct db *db, struct arena *a, int64_t conv_id,
                                    int64_t policy_id);

/*
 * Stamps the met times of the conversation's pending applied SLA, inside
 * the caller's transaction: first response from first_reply_at, resolution
 * from resolved_at, each only when it came by its deadline (a late one is
 * left to the breach service).  Settles the status once both metrics are
 * met or breached (met, breached, partially_met) and keeps
 * next_sla_deadline_at the earliest deadline still open (NULL if none).
 */
enum app_err store_sla_settle(struct db *db, struct arena *a, int64_t conv_id);

/*
 * Marks at most limit overdue deadlines breached, in one transaction:
 * breached_at now, the status settled as above, next_sla_deadline_at kept,
 * one live event "sla_breached" per metric breached, payload
 * {conversation_uuid, applied_sla_id, metric, deadline_at}, and the
 * policy's breach notices for each.  Rows another
 * host holds are skipped (SKIP LOCKED), so no deadline is breached twice.
 * *n: the applied SLAs changed.
 */
enum app_err store_sla_breach_due(struct db *db, struct arena *a, int limit, long *n);

/*
 * Inside the caller's transaction (store_message_add()), after a contact's
 * message msg_id: if the conversation's latest applied SLA has a policy
 * with a next-response time, the message is not the conversation's first,
 * and no next-response event of it awaits an agent, opens one: deadline
 * now + that time in business minutes (the team's calendar, as
 * store_sla_apply()), the policy's warnings before it scheduled,
 * next_sla_deadline_at moved to it if earlier.  Otherwise nothing.
 */
enum app_err store_sla_next_response_open(struct db *db, struct arena *a, int64_t conv_id,
                                          int64_t msg_id);

/*
 * Inside the caller's transaction, after an agent's public reply: the
 * latest next-response event no agent answered gets met_at now (status met
 * when by its deadline; a late answer is left to the breach service), and
 * next_sla_deadline_at is recomputed.
 */
enum app_err store_sla_next_response_met(struct db *db, struct arena *a, int64_t conv_id);

/*
 * Settles at most limit pending next-response events that are overdue or
 * answered, in one transaction: met if answered by the deadline, else
 * breached now, with a live event "sla_breached" (metric next_response)
 * and the policy's breach notices for each breach never answered; the
 * conversations' next deadlines recomputed.  Rows another host holds are
 * skipped.  *n: the conversations changed.
 */
enum app_err store_sla_next_response_due(struct db *db, struct arena *a, int limit, long *n);

/*
 * Sends at most limit due scheduled notifications (the policies'
 * `notifications`: warnings before a deadline, breach notices after), each
 * once (FOR UPDATE SKIP LOCKED, then processed_at): one in-app notification
 * (sla_warning or sla_breach; the live hub sends it as new_notification)
 * per recipient agent, unless the conversation is resolved or the metric
 * met meanwhile.  *processed: rows processed, *sent: notifications made.
 */
enum app_err store_sla_notify_due(struct db *db, struct arena *a, int limit, long *processed,
                                  long *sent);

#endif
