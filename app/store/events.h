/*
 * store/events.h - what the live hub reads of the outbox (deskd_events)
 * and of the conversations an event concerns.
 */
#ifndef STORE_EVENTS_H
#define STORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* What the access rule needs of a conversation, with its team's members. */
struct store_live_conv {
    const char *uuid; /* NULL: the conversation is gone */
    int has_user, has_team;
    int64_t user_id;        /* the assigned agent, when has_user */
    const int64_t *members; /* the assigned team's agents, ascending (arena) */
    int nmembers;
};

/* One event, as the hub sends it. */
struct store_live_event {
    int64_t id;
    const char *event;   /* the live message type, or a webhook event name */
    int64_t conv_id;     /* 0: none */
    int64_t user_id;     /* 0: none (not for one agent) */
    const char *payload; /* JSON text */
    size_t payload_len;
    struct store_live_conv conv; /* when conv_id */
    int64_t age_ms;              /* how long ago it was written, when read */
};

/* The events with the ids in ids_csv ("1,2,3"), ascending, as an arena array. */
enum app_err store_events_by_ids(struct db *db, struct arena *a, const char *ids_csv,
                                 struct store_live_event **rows, int *n);

/* At most limit events after id after, ascending (catching up after a reconnect). */
enum app_err store_events_after(struct db *db, struct arena *a, int64_t after, int limit,
                                struct store_live_event **rows, int *n);

/* The newest event's id (0 if none). */
enum app_err store_events_last_id(struct db *db, struct arena *a, int64_t *id);

/* The conversation with this uuid (a valid uuid); APP_ERR_NOT_FOUND if none. */
enum app_err store_events_conv(struct db *db, struct arena *a, const char *uuid,
                               struct store_live_conv *out);

/*
 * NOTIFY deskd_live once for each message in messages, a JSON array of
 * strings (each a JSON text under 8,000 bytes), in one round trip: what one
 * host's hub tells the others (typing, viewers); every hub LISTENs on it.
 */
enum app_err store_events_relay(struct db *db, struct arena *a, const char *messages);

#endif
