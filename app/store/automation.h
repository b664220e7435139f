/*
 * store/automation.h - automation rules: stored and managed, and run
 * against conversations inside the transaction of the change that
 * triggers them (the engine: store/automation_run.c).
 */
#ifndef STORE_AUTOMATION_H
#define STORE_AUTOMATION_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "rules/automation.h"

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

/*
 * The engine.  Rules run with the System user as the actor, inside the
 * caller's transaction, each action under its own savepoint (a failed
 * action is logged and skipped, as upstream).  A change made by a rule
 * may trigger rules again, down to AUTOMATION_MAX_DEPTH nested runs;
 * deeper changes trigger nothing, so rules cannot trigger each other
 * forever.  Every action leaves an activity message naming its rule.
 */
#define AUTOMATION_MAX_DEPTH 3

/* A conversation_update trigger: armed by _before(), run by _after(). */
struct store_automation_hook {
    int armed;
    const char *event;
    struct am_snap prev;
};

/*
 * Before a change that raises event (upstream's name) on conversation
 * conv_id: arms h when enabled conversation_update rules listen to it,
 * with the conversation's values now (for the previous_* conditions).
 */
enum app_err store_automation_before(struct db *db, struct arena *a, int64_t conv_id,
                                     const char *event, struct store_automation_hook *h);

/* After the change (changed: rows it changed): runs the armed rules. */
enum app_err store_automation_after(struct db *db, struct arena *a, int64_t conv_id,
                                    const struct store_automation_hook *h, long changed);

/* An event with no previous values (a new message): runs its conversation_update rules. */
enum app_err store_automation_event(struct db *db, struct arena *a, int64_t conv_id,
                                    const char *event);

/* Runs the new_conversation rules on a conversation just created. */
enum app_err store_automation_new(struct db *db, struct arena *a, int64_t conv_id);

/*
 * Between store_automation_quiet(1) and (0) changes trigger nothing: the
 * steps of a conversation's creation, whose rules run once it is made.
 */
void store_automation_quiet(int on);

/*
 * The server secret the send_csat action signs its survey links with
 * (rules/csat.h); set once by each process that runs rules.  Without it
 * send_csat offers nothing (logged).
 */
void store_automation_secret(const char *secret_key);

/*
 * One batch of the time-triggered rules: the conversations created in the
 * last lookback_days with an id above after, at most batch of them (rows
 * locked elsewhere are skipped), in one transaction.  *n is how many were
 * looked at, *last the highest id; *n 0 at once when no such rule is
 * enabled.
 */
enum app_err store_automation_time_batch(struct db *db, struct arena *a, int64_t after, int batch,
                                         int lookback_days, int64_t *last, long *n);

#endif
