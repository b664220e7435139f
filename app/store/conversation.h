/*
 * store/conversation.h - one conversation: what the access rule needs, the
 * full object and its participants, its status/priority/assignee, last-seen
 * and tags writes, and its creation with the first message.
 */
#ifndef STORE_CONVERSATION_H
#define STORE_CONVERSATION_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;
struct access_conv;
struct store_message_new;

/*
 * The conversation with this uuid as the access rule needs it (rules/access.h):
 * its id, its contact, its assignees and whether its team is one of user_id's.
 * APP_ERR_NOT_FOUND if there is none.
 */
enum app_err store_conversation_access(struct db *db, struct arena *a, const char *uuid,
                                       int64_t user_id, struct access_conv *out);

/* The full conversation (reference §7.3) as JSON; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_conversation_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                     size_t *len);

/* [{id, first_name, last_name, avatar_url}] of the conversation's participants. */
enum app_err store_conversation_participants_json(struct db *db, struct arena *a, int64_t id,
                                                  const char **json, size_t *len);

/*
 * The status, priority and assignee writes change the conversation only when
 * the value differs, and then record an activity message by the agent actor.
 */

/*
 * Sets the status; snooze_secs > 0 snoozes for that long (the Snoozed
 * status).  csat (NULL: none) is the survey to offer if the change makes the
 * conversation Resolved (store_csat_offer(), in the same transaction).
 */
struct store_csat_offer;
enum app_err store_conversation_set_status(struct db *db, struct arena *a, int64_t id,
                                           int64_t status_id, double snooze_secs, int64_t actor,
                                           const struct store_csat_offer *csat);

enum app_err store_conversation_set_priority(struct db *db, struct arena *a, int64_t id,
                                             int64_t priority_id, int64_t actor);

/* Who a conversation is assigned to. */
enum store_assignee {
    STORE_ASSIGNEE_AGENT,
    STORE_ASSIGNEE_TEAM /* a new team clears the agent; removing the team keeps it */
};

/* Assigns the agent or team assignee (0 removes it). */
enum app_err store_conversation_assign(struct db *db, struct arena *a, int64_t id,
                                       enum store_assignee kind, int64_t assignee, int64_t actor);

/*
 * Marks the conversation seen by user_id now, or with unread set, unread
 * from its latest message (not activity) on.
 */
enum app_err store_conversation_seen(struct db *db, struct arena *a, int64_t id, int64_t user_id,
                                     int unread);

enum store_tags_action { STORE_TAGS_SET, STORE_TAGS_ADD, STORE_TAGS_REMOVE };

/*
 * Sets, adds or removes the conversation's tags named in names (a JSON
 * array of strings; names that are no tag are skipped), and records a
 * private activity message by actor for each tag really added or removed,
 * in one statement.
 */
enum app_err store_conversation_tags(struct db *db, struct arena *a, int64_t id,
                                     enum store_tags_action action, const char *names,
                                     int64_t actor);

/* Whether a conversation may start in an inbox. */
enum store_inbox_state { STORE_INBOX_OK, STORE_INBOX_DISABLED, STORE_INBOX_NOT_EMAIL };

/* The state of a live inbox; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_inbox_state(struct db *db, struct arena *a, int64_t inbox_id,
                               enum store_inbox_state *state);

/* A conversation to create. */
struct store_conversation_new {
    int64_t inbox_id;
    const char *email; /* the contact's, lower-cased; NULL: found or made by phone */
    const char *phone; /* without email: the contact's phone number, as stored */
    const char *first_name, *last_name, *external_user_id;
    const char *subject;       /* NULL or "": the subject is the reference number */
    int64_t team_id, agent_id; /* 0: none */
    int64_t actor;             /* the agent creating it: its assignments' activity messages */
};

/*
 * Finds or creates the contact, creates the conversation and stores its
 * first message m (into the new conversation; a sender_id 0 means the
 * contact; m NULL: none) in one transaction.  *conv_id is the new conversation's id.
 * Creates for one new e-mail at the same moment share the one contact the
 * first of them made.  APP_ERR_CONFLICT for what cannot be resolved:
 * *ext_taken 1 if cn's external id belongs to a live contact with another
 * e-mail, 0 if an attachment was linked by another request meanwhile.
 */
enum app_err store_conversation_create(struct db *db, struct arena *a,
                                       const struct store_conversation_new *cn,
                                       const struct store_message_new *m, int64_t *conv_id,
                                       int *ext_taken);

#endif
