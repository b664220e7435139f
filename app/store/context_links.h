/*
 * store/context_links.h - context links: named URL templates of outside
 * tools an agent opens beside a conversation, optionally signed.  The
 * signing secret is stored sealed and never read back: answers carry
 * upstream's dummy in its place.
 */
#ifndef STORE_CONTEXT_LINKS_H
#define STORE_CONTEXT_LINKS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/*
 * The link as JSON: {id, created_at, updated_at, name, url_template, secret,
 * token_expiry_seconds, is_active}, secret being the dummy when one is set
 * and "" otherwise.
 */

/* Every link, newest first. */
enum app_err store_context_links_json(struct db *db, struct arena *a, const char **json,
                                      size_t *len);

/* The active links, newest first, secret always "". */
enum app_err store_context_links_active_json(struct db *db, struct arena *a, const char **json,
                                             size_t *len);

/* One link; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_context_link_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                     size_t *len);

/* What a write sets. */
struct context_link_in {
    const char *name;
    const char *url_template;
    const char *secret; /* sealed (or ""); NULL on update keeps the stored one */
    int64_t token_expiry_seconds;
    int is_active;
};

/* A new link, as store_context_link_json(). */
enum app_err store_context_link_create(struct db *db, struct arena *a,
                                       const struct context_link_in *in, const char **json,
                                       size_t *len);

/* Rewrites link id; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_context_link_update(struct db *db, struct arena *a, int64_t id,
                                       const struct context_link_in *in, const char **json,
                                       size_t *len);

/* Flips is_active; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_context_link_toggle(struct db *db, struct arena *a, int64_t id,
                                       const char **json, size_t *len);

/* APP_ERR_NOT_FOUND if there is none. */
enum app_err store_context_link_delete(struct db *db, struct arena *a, int64_t id);

#endif
