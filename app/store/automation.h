/*
 * store/automation.h - automation rules: stored and managed (the rules are
 * not yet run against conversations).
 */
#ifndef STORE_AUTOMATION_H
#define STORE_AUTOMATION_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* A rule to write; the strings are checked by the caller. */
struct store_automation_in {
    const char *name, *description; /* description may be NULL */
    const char *type;               /* new_conversation, conversation_update, time_trigger */
    const char *events;             /* JSON array of event names */
    const char *rules;              /* JSON array of condition groups and actions */
    int enabled;
};

/* Every rule (type NULL) or those of one type, by weight then id, as a JSON array. */
enum app_err store_automation_rules_json(struct db *db, struct arena *a, const char *type,
                                         const char **json, size_t *len);

/* One rule as JSON; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_automation_rule_json(struct db *db, struct arena *a, int64_t id,
                                        const char **json, size_t *len);

/* Creates a rule; its JSON in *json. */
enum app_err store_automation_rule_create(struct db *db, struct arena *a,
                                          const struct store_automation_in *in, const char **json,
                                          size_t *len);

/* Replaces a rule's fields; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_automation_rule_update(struct db *db, struct arena *a, int64_t id,
                                          const struct store_automation_in *in, const char **json,
                                          size_t *len);

/* Flips a rule's enabled flag; its JSON in *json, APP_ERR_NOT_FOUND if there is none. */
enum app_err store_automation_rule_toggle(struct db *db, struct arena *a, int64_t id,
                                          const char **json, size_t *len);

/* Deletes a rule; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_automation_rule_delete(struct db *db, struct arena *a, int64_t id);

/*
 * Sets the weights of a JSON object {"<id>": weight} in one statement;
 * APP_ERR_NOT_FOUND (nothing changed) if an id names no rule.
 */
enum app_err store_automation_weights(struct db *db, struct arena *a, const char *weights,
                                      size_t count);

/* Sets the execution mode (all, first_match) of every new_conversation rule. */
enum app_err store_automation_mode(struct db *db, struct arena *a, const char *mode);

#endif
