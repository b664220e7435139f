/*
 * store/conversation.h - one conversation: access, the full object, its
 * assignee/status/priority/tags writes, creation.
 */
#ifndef STORE_CONVERSATION_H
#define STORE_CONVERSATION_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h" /* transitional */
#include "lib/err.h"

struct arena;
struct db;
struct db_res;
struct db_stmt;
struct cq_query;
struct q_message_new;
struct sbuf;

/* Transitional: the statements, until each handler calls a typed function. */
extern const struct db_stmt STMT_CONV_ACCESS[1];
extern const struct db_stmt STMT_CONV_JSON[1];
extern const struct db_stmt STMT_CONV_PARTICIPANTS_JSON[1];
extern const struct db_stmt STMT_CONV_SET_STATUS[1];
extern const struct db_stmt STMT_CONV_SET_PRIORITY[1];
extern const struct db_stmt STMT_CONV_SET_USER[1];
extern const struct db_stmt STMT_CONV_SET_TEAM[1];
extern const struct db_stmt STMT_CONV_LAST_SEEN[1];
extern const struct db_stmt STMT_CONV_MARK_UNREAD[1];
extern const struct db_stmt STMT_TAGS_UNKNOWN[1];
extern const struct db_stmt STMT_CONV_TAGS_SET[1];
extern const struct db_stmt STMT_CONV_TAGS_ADD[1];
extern const struct db_stmt STMT_CONV_TAGS_REMOVE[1];
extern const struct db_stmt STMT_INBOX_STATE[1];
extern const struct db_stmt STMT_CONTACT_FIND_OR_CREATE[1];
extern const struct db_stmt STMT_CONV_CREATE[1];

/* What the per-conversation access rule needs to know about one conversation. */
struct q_conv_access {
    int found;
    const char *id; /* borrowed */
    int has_user, has_team;
    int64_t user_id;
    int my_team;            /* the assigned team is one of the caller's teams */
    const char *contact_id; /* borrowed */
};

enum app_err q_conv_access(struct db *db, struct arena *a, const char *uuid, const char *user_id,
                           struct q_conv_access *out);

/* A conversation to create (all text; team/agent may be NULL). */
struct q_conversation_new {
    const char *inbox_id;
    const char *email, *first_name, *last_name, *external_user_id;
    const char *subject, *team_id, *agent_id;
};

/*
 * Finds or creates the contact, creates the conversation and stores its
 * first message m (m->conv_id is filled in; a NULL m->sender_id means the
 * contact) in one transaction.  *conv_id (arena) is the new id.
 */
enum app_err q_conversation_create(struct db *db, struct arena *a,
                                   const struct q_conversation_new *cn, struct q_message_new *m,
                                   const char **conv_id);

#endif
