/*
 * store/inboxes.h - inboxes: the list, one inbox, and their writes.  A
 * deleted inbox (deleted_at set) is not found by any of them; its
 * conversations keep it.
 */
#ifndef STORE_INBOXES_H
#define STORE_INBOXES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/*
 * An inbox as upstream sends it: {id, uuid, created_at, updated_at, name,
 * channel, enabled, csat_enabled, prompt_tags_on_reply, from ("" when
 * unset), from_name_template ("" when unset), config (as stored: the
 * passwords sealed, so the handler masks them), secret (null, or
 * SECRET_MASK when the row has one), linked_email_inbox_id}.
 */

/* Every live inbox, in id order. */
enum app_err store_inboxes_json(struct db *db, struct arena *a, const char **json, size_t *len);

/* One live inbox; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_inbox_json(struct db *db, struct arena *a, int64_t id, const char **json,
                              size_t *len);

/* What an inbox write sets. */
struct store_inbox_in {
    const char *name;
    const char *channel;            /* a value of the channels type */
    const char *config;             /* JSON object text, passwords sealed (see update) */
    const char *from;               /* "" when unset */
    const char *from_name_template; /* "" when unset */
    int enabled;                    /* 1, 0, or -1: the default (create) / unchanged (update) */
    int csat_enabled;               /* as enabled */
    int prompt_tags_on_reply;       /* as enabled */
};

/* A new inbox as JSON (enabled by default, the other flags off). */
enum app_err store_inbox_create(struct db *db, struct arena *a, const struct store_inbox_in *in,
                                const char **json, size_t *len);

/*
 * Replaces a live inbox's fields and returns it.  In in->config, a JSON
 * null as the password of config.imap[i] or config.smtp[i] keeps the
 * password stored at the same position ("" if there is none), in the same
 * statement.  APP_ERR_NOT_FOUND if there is no such live inbox.
 */
enum app_err store_inbox_update(struct db *db, struct arena *a, int64_t id,
                                const struct store_inbox_in *in, const char **json, size_t *len);

/* Flips enabled and returns the inbox; APP_ERR_NOT_FOUND as above. */
enum app_err store_inbox_toggle(struct db *db, struct arena *a, int64_t id, const char **json,
                                size_t *len);

/*
 * Soft delete, as upstream: deleted_at set, disabled, config emptied (the
 * sealed passwords go with it).  APP_ERR_NOT_FOUND as above.
 */
enum app_err store_inbox_delete(struct db *db, struct arena *a, int64_t id);

#endif
