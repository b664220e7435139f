/*
 * store/notifications.h - an agent's in-app notifications (upstream's
 * user_notifications): the list, the counts, marking read, deleting, and
 * the rows a mention or an assignment creates in the transaction or
 * statement that makes the change.
 */
#ifndef STORE_NOTIFICATIONS_H
#define STORE_NOTIFICATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/*
 * For app/store only: a data-modifying CTE to follow
 * "WITH u AS (UPDATE conversations c ... RETURNING c.id, ...)" in the
 * statement that sets the assigned agent ($<agent>) on behalf of
 * $<actor>: one assignment notification for the new assignee, none when
 * the agent is removed or assigns themself (upstream).  Title
 * "Conversation assigned to you #<reference>", body the subject.
 */
#define NOTIFY_ASSIGNMENT_CTE(agent, actor)                                                        \
    ", notified AS (INSERT INTO user_notifications (user_id, notification_type, title,"            \
    " body, conversation_id) SELECT $" agent "::int, 'assignment',"                                \
    " left('Conversation assigned to you #' || cv.reference_number, 500),"                         \
    " left(cv.subject, 2000), cv.id FROM u JOIN conversations cv ON cv.id = u.id"                  \
    " WHERE $" agent "::int IS NOT NULL AND $" agent "::int <> $" actor "::int"                    \
    " RETURNING id)"

/*
 * For app/store only, inside the transaction of store_message_add(): one
 * mention notification per agent the message mentions (directly or as a
 * member of a mentioned team), each once, never the sender (upstream).
 */
enum app_err store_notifications_for_mentions(struct db *db, struct arena *a, int64_t conv_id,
                                              int64_t msg_id, int64_t sender_id);

/* The user's notifications, newest first: a JSON array of upstream's objects. */
enum app_err store_notifications_json(struct db *db, struct arena *a, int64_t user_id,
                                      int64_t limit, int64_t offset, const char **json,
                                      size_t *len);

/* {unread_count, total_count} of the user's notifications. */
enum app_err store_notifications_stats_json(struct db *db, struct arena *a, int64_t user_id,
                                            const char **json, size_t *len);

/* Marks one of the user's notifications read; APP_ERR_NOT_FOUND if it is not theirs. */
enum app_err store_notification_read(struct db *db, struct arena *a, int64_t id, int64_t user_id);

/* Marks all of the user's notifications read. */
enum app_err store_notifications_read_all(struct db *db, struct arena *a, int64_t user_id);

/* Deletes one of the user's notifications; APP_ERR_NOT_FOUND if it is not theirs. */
enum app_err store_notification_delete(struct db *db, struct arena *a, int64_t id, int64_t user_id);

/* Deletes all of the user's notifications. */
enum app_err store_notifications_delete_all(struct db *db, struct arena *a, int64_t user_id);

#endif
