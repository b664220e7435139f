/*
 * queries.h - every SQL statement deskd runs, as two tables (the server's
 * and the admin CLI's), and typed query functions that hand rows to
 * handlers.  Read endpoints get their JSON built by PostgreSQL
 * (json_build_object), so a list is one round trip and no re-encoding.
 */
#ifndef APP_QUERIES_H
#define APP_QUERIES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/err.h"

struct arena;

enum stmt {
    STMT_AUTH_API_KEY,
    STMT_API_KEY_TOUCH,
    STMT_STATUSES_JSON,
    STMT_PRIORITIES_JSON,
    STMT_AI_PROMPTS_JSON,
    STMT_AGENT_JSON,
    STMT_TEAM_MEMBER,
    STMT_CONV_ITEMS,
    STMT_CONV_ITEMS_MENTIONED,
    STMT_CONV_ACCESS,
    STMT_CONV_JSON,
    STMT_CONV_PARTICIPANTS_JSON,
    STMT_STATUS_BY_NAME,
    STMT_PRIORITY_BY_NAME,
    STMT_AGENT_EXISTS,
    STMT_TEAM_EXISTS,
    STMT_CONV_SET_STATUS,
    STMT_CONV_SET_PRIORITY,
    STMT_CONV_SET_USER,
    STMT_CONV_SET_TEAM,
    STMT_CONV_LAST_SEEN,
    STMT_CONV_MARK_UNREAD,
    STMT_TAGS_UNKNOWN,
    STMT_CONV_TAGS_SET,
    STMT_CONV_TAGS_ADD,
    STMT_CONV_TAGS_REMOVE,
    STMT_MESSAGES_PAGE,
    STMT_MESSAGES_COUNT,
    STMT_MESSAGE_JSON,
    STMT_MESSAGE_OF,
    STMT_MESSAGE_INSERT,
    STMT_CONV_AFTER_MESSAGE,
    STMT_MENTION_INSERT,
    STMT_PARTICIPANT_INSERT,
    STMT_MESSAGE_RETRY,
    STMT_SEARCH_CONVERSATIONS,
    STMT_SEARCH_MESSAGES,
    STMT_SEARCH_CONTACTS,
    STMT_INBOX_STATE,
    STMT_CONTACT_FIND_OR_CREATE,
    STMT_CONV_CREATE,
    STMT_LOGIN_USER,
    STMT_SESSION_CREATE,
    STMT_LOGIN_TOUCH,
    STMT_AUTH_SESSION,
    STMT_SESSION_REVOKE,
    STMT_API_KEY_SET,
    STMT_API_KEY_REVOKE,
    STMT_AGENTS_JSON,
    STMT_AGENTS_COMPACT_JSON,
    STMT_AGENT_INSERT,
    STMT_AGENT_UPDATE,
    STMT_AGENT_SOFT_DELETE,
    STMT_AGENT_UNASSIGN_OPEN,
    STMT_USER_SESSIONS_REVOKE,
    STMT_UNKNOWN_ROLE,
    STMT_UNKNOWN_TEAM,
    STMT_USER_ROLES_CLEAR,
    STMT_USER_ROLES_ADD,
    STMT_USER_TEAMS_CLEAR,
    STMT_USER_TEAMS_ADD,
    STMT_TEAM_INSERT,
    STMT_TEAM_UPDATE,
    STMT_TEAM_DELETE,
    STMT_STATUS_INSERT,
    STMT_STATUS_UPDATE,
    STMT_STATUS_DELETE,
    STMT_STATUS_NAME,
    STMT_AI_PROMPT_CONTENT,
    STMT_AI_PROVIDER_KEY,
    STMT_AI_PROVIDER_KEY_SET,
    STMT_VIEWS_MINE_JSON,
    STMT_VIEWS_SHARED_JSON,
    STMT_VIEWS_VISIBLE_JSON,
    STMT_VIEW_GET,
    STMT_VIEW_INSERT,
    STMT_VIEW_UPDATE,
    STMT_VIEW_DELETE,
    STMT_CONTACT_JSON,
    STMT_CONTACT_BLOCK,
    STMT_CONTACT_EXISTS,
    STMT_NOTES_JSON,
    STMT_NOTE_INSERT,
    STMT_NOTE_AUTHOR,
    STMT_NOTE_DELETE,
    STMT_HAS_ADMIN_ROLE,
    STMT_CONTACT_UPDATE,
    STMT_SETTING,
    STMT_MEDIA_INSERT,
    STMT_MEDIA_JSON,
    STMT_MEDIA_BY_UUID,
    STMT_MEDIA_LINK,
    STMT_MEDIA_UNLINKABLE,
    STMT_CONTACT_AVATAR_SET,
    STMT_TEAMS_JSON,
    STMT_TEAM_JSON,
    STMT_TEAMS_COMPACT_JSON,
    STMT_MY_TEAMS_JSON,
    STMT_ROLES_JSON,
    STMT_AVAILABILITY_SET,
    STMT__MAX
};

extern const struct db_stmt app_stmts[STMT__MAX];

enum cli_stmt {
    CLI_ROLE_ID,
    CLI_AGENT_INSERT,
    CLI_USER_ROLE_INSERT,
    CLI_AGENT_SET_API_KEY,
    CLI_MIGRATION_APPLIED,
    CLI_MIGRATION_RECORD,
    CLI__MAX
};

extern const struct db_stmt cli_stmts[CLI__MAX];

/* One API-key candidate row: the agent and its stored bcrypt hash. */
struct q_api_key_row {
    int64_t id;
    const char *id_str;    /* borrowed from the result (arena lifetime) */
    const char *hash;      /* borrowed */
    const char *perms_csv; /* arena or borrowed, comma-separated union of the roles */
    int64_t ref_version;   /* deskd_cache_versions 'reference' as of this query */
};

/*
 * Loads live, enabled agents holding api_key (normally 0 or 1) with the
 * union of their roles' permissions into an arena array.  Returns APP_OK
 * or a db error.
 */
enum app_err q_api_key_rows(struct db *db, struct arena *a, const char *api_key,
                            struct q_api_key_row **rows, int *n);

/* Sets api_key_last_used_at = now() for the agent. */
enum app_err q_api_key_touch(struct db *db, struct arena *a, const char *id_str);

/*
 * Runs a statement that returns one row with one JSON text column.
 * *json is borrowed until the arena reset; NULL (with APP_OK) if no row.
 */
enum app_err q_json(struct db *db, struct arena *a, enum stmt s, const char *const *params,
                    const char **json, size_t *len);

struct cq_query;

/*
 * Runs a conversation list built by cq_build(): the exact total and the
 * page.  *results is a JSON array (arena), *total the count of the scope.
 */
enum app_err q_conversation_list(struct db *db, struct arena *a, const struct cq_query *q,
                                 int mentioned, int64_t *total, const char **results, size_t *len);

struct sbuf;

/* Writes row `row` of a conv_items result (binary) as one list item object. */
void conv_item_json(const struct db_res *r, int row, struct sbuf *sb);

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

/*
 * Runs statement s with params; *first is the first column of the first row
 * (borrowed, NULL if no row or SQL NULL), *rows the number of rows returned
 * or affected.
 */
enum app_err q_one(struct db *db, struct arena *a, enum stmt s, const char *const *params,
                   const char **first, long *rows);

/* The contacts list built by cq_contacts_build(): the exact total and the page (JSON array). */
enum app_err q_contact_list(struct db *db, struct arena *a, const struct cq_query *q,
                            int64_t *total, const char **results, size_t *len);

/* One view as stored, for the access rules (reference 9). */
struct q_view {
    int found;
    const char *json;       /* the view object (borrowed) */
    const char *visibility; /* "user", "team" or "all" */
    const char *user_id;    /* NULL unless a personal view */
    const char *team_id;    /* NULL unless a team view */
    const char *filters;    /* JSON text */
};

enum app_err q_view(struct db *db, struct arena *a, const char *id, struct q_view *out);

/* A message to store, with what it changes around it. */
struct q_message_new {
    const char *conv_id;
    const char *type, *status;  /* message_type, message_status */
    const char *private_s;      /* "true" / "false" */
    const char *content, *text; /* HTML and its plain text */
    const char *preview;        /* the conversation's last-message text */
    const char *sender_id, *sender_type;
    const char *meta; /* JSON object */
    const char *const *mention_types, *const *mention_ids;
    size_t nmentions;
    int add_participant;     /* the sender (an agent) joins the participants */
    const char *attachments; /* media ids to link, an int[] literal "{1,2}", each once */
    size_t nattachments;
};

/*
 * Stores the message, updates the conversation's bookkeeping, the mentions,
 * the attachments and the participants in one transaction: all or nothing
 * (APP_ERR_CONFLICT if an attachment was linked elsewhere meanwhile).
 * *msg_id (arena) is the new message's id.
 */
enum app_err q_message_send(struct db *db, struct arena *a, const struct q_message_new *m,
                            const char **msg_id);

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

/*
 * A page of messages (JSON array text in *json) and the total; private and
 * types may be NULL (no filter).
 */
enum app_err q_messages_page(struct db *db, struct arena *a, const char *conv_id,
                             const char *private_s, const char *types, int64_t limit,
                             int64_t offset, int64_t *total, const char **json, size_t *len);

/* A message by uuid: its id and its conversation's id (both NULL if none). */
enum app_err q_message_of(struct db *db, struct arena *a, const char *uuid, const char **id,
                          const char **conv_id);

/* The live agent with this e-mail: id, bcrypt hash, enabled (id NULL if none). */
enum app_err q_login_user(struct db *db, struct arena *a, const char *email, const char **id,
                          const char **hash, int *enabled);

/* A new session row; its id and, in Unix seconds, when it starts and ends. */
enum app_err q_session_create(struct db *db, struct arena *a, const char *user_id, const char *ttl,
                              const char *csrf, const char *user_agent, const char *remote_addr,
                              long long *sid, long long *iat, long long *exp);

/* What authentication needs of a session. */
struct q_session {
    int found; /* live session of a live agent */
    int enabled;
    const char *perms_csv; /* borrowed */
    int64_t ref_version;
};

enum app_err q_session_principal(struct db *db, struct arena *a, const char *sid, const char *sub,
                                 struct q_session *out);

/* 1 in *member if the agent belongs to the team. */
enum app_err q_team_member(struct db *db, struct arena *a, const char *team_id, const char *user_id,
                           int *member);

#endif
