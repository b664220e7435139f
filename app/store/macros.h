/*
 * store/macros.h - macros: canned replies with conversation actions, who
 * may see them, and applying one to a conversation.
 */
#ifndef STORE_MACROS_H
#define STORE_MACROS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;
struct store_message_new;

/* The actions a macro may carry (upstream's action types allowed in a macro). */
enum store_macro_act {
    STORE_MACRO_ASSIGN_TEAM,
    STORE_MACRO_ASSIGN_USER,
    STORE_MACRO_SET_STATUS,
    STORE_MACRO_SET_PRIORITY,
    STORE_MACRO_ADD_TAGS,
    STORE_MACRO_SET_TAGS,
    STORE_MACRO_REMOVE_TAGS
};

/* One action: an id (team, agent, status, priority) or tag names. */
struct store_macro_action {
    enum store_macro_act type;
    int64_t id;       /* the non-tag actions */
    const char *tags; /* the tag actions: a JSON array of names */
};

/* A macro to write. */
struct store_macro_in {
    const char *name, *message_content;
    const char *visibility;   /* all, team or user */
    int64_t team_id, user_id; /* 0: none */
    const char *visible_when; /* JSON array of macro_visible_when values */
    const char *actions;      /* JSON array of {type, value} */
};

/*
 * Every macro (all 1), or those user_id may see: visibility all, a team of
 * theirs, their own; newest change first, as a JSON array.
 */
enum app_err store_macros_json(struct db *db, struct arena *a, int64_t user_id, int all,
                               const char **json, size_t *len);

/* One macro as JSON; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_macro_json(struct db *db, struct arena *a, int64_t id, const char **json,
                              size_t *len);

/* APP_OK if the macro exists, else APP_ERR_NOT_FOUND. */
enum app_err store_macro_exists(struct db *db, struct arena *a, int64_t id);

/*
 * APP_OK if user_id may see the macro (everyone's, one of its teams', its
 * own; every macro with all set), else APP_ERR_NOT_FOUND.
 */
enum app_err store_macro_visible(struct db *db, struct arena *a, int64_t id, int64_t user_id,
                                 int all);

/*
 * APP_OK if every action's value exists (locking the rows it names until
 * the end of the transaction, if one is open); otherwise APP_ERR_INPUT
 * with *bad the first failing action and *missing the tag name that is no
 * tag (tag actions only, else NULL).
 */
enum app_err store_macro_actions_check(struct db *db, struct arena *a,
                                       const struct store_macro_action *acts, size_t n, size_t *bad,
                                       const char **missing);

/* Creates a macro; its JSON in *json. */
enum app_err store_macro_create(struct db *db, struct arena *a, const struct store_macro_in *in,
                                const char **json, size_t *len);

/* Replaces a macro's fields; its JSON in *json, APP_ERR_NOT_FOUND if there is none. */
enum app_err store_macro_update(struct db *db, struct arena *a, int64_t id,
                                const struct store_macro_in *in, const char **json, size_t *len);

/* Deletes a macro; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_macro_delete(struct db *db, struct arena *a, int64_t id);

/*
 * Applies the actions to conversation conv_id by actor, adds msg (if not
 * NULL) and counts one more use of the macro, in one transaction: all or
 * nothing.  APP_ERR_NOT_FOUND if the macro is gone; APP_ERR_INPUT with
 * *bad / *missing as store_macro_actions_check() if a value no longer
 * exists; APP_ERR_CONFLICT if an attachment was linked elsewhere meanwhile.
 */
enum app_err store_macro_apply(struct db *db, struct arena *a, int64_t macro_id, int64_t conv_id,
                               const struct store_macro_action *acts, size_t n,
                               const struct store_message_new *msg, int64_t actor, size_t *bad,
                               const char **missing);

#endif
