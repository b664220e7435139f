/*
 * store/views.h - saved views: personal ones (visibility "user") and
 * shared ones ("all", or "team" for one team's members).
 */
#ifndef STORE_VIEWS_H
#define STORE_VIEWS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/*
 * One view as stored, for the access rules (reference 9).  Strings are
 * borrowed until the arena reset.
 */
struct store_view {
    const char *json; /* the view object as upstream sends it, len bytes */
    size_t len;
    const char *visibility; /* "user", "team" or "all" */
    int64_t user_id;        /* 0 unless a personal view */
    int64_t team_id;        /* 0 unless a team view */
    const char *filters;    /* JSON text */
};

/* What a view write stores. */
struct store_view_in {
    const char *name;
    const char *filters;    /* JSON text, checked by the list engine */
    const char *visibility; /* "user", "team" or "all" */
    int64_t user_id;        /* the owner of a personal view, else 0; never changed by an update */
    int64_t team_id;        /* the team of a team view, else 0 */
};

/* The user's personal views, by name, as a JSON array. */
enum app_err store_views_mine_json(struct db *db, struct arena *a, int64_t user_id,
                                   const char **json, size_t *len);

/* Every shared view, the latest updated first, as a JSON array. */
enum app_err store_views_shared_json(struct db *db, struct arena *a, const char **json,
                                     size_t *len);

/* The shared views the user may open (for everyone, or for one of the user's teams), by name. */
enum app_err store_views_visible_json(struct db *db, struct arena *a, int64_t user_id,
                                      const char **json, size_t *len);

/* The view; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_view_get(struct db *db, struct arena *a, int64_t id, struct store_view *out);

/* A new view as JSON; APP_ERR_INPUT if its team does not exist. */
enum app_err store_view_create(struct db *db, struct arena *a, const struct store_view_in *in,
                               const char **json, size_t *len);

/* Rewrites the view, as store_view_create(); APP_ERR_NOT_FOUND if there is none. */
enum app_err store_view_update(struct db *db, struct arena *a, int64_t id,
                               const struct store_view_in *in, const char **json, size_t *len);

/* Deletes the view (APP_OK also if it was already gone). */
enum app_err store_view_delete(struct db *db, struct arena *a, int64_t id);

#endif
