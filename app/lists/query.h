/*
 * lists/query.h - the one conversation query engine behind every list:
 * all, assigned, unassigned, team-unassigned, mentioned (and views).
 *
 * It turns the list type, the caller, the `filters` JSON (flat array or
 * nested {logic, rules} groups), `order_by`/`order` and the page into one
 * statement returning the exact total and the ids of the page; the items
 * themselves come from a prepared statement (store/conversations.c), so
 * the costly part is planned once per connection, not per request.
 * Identifiers come only from allow-lists; every value is a bound parameter.
 * It builds SQL only: app/store runs it.
 */
#ifndef LISTS_QUERY_H
#define LISTS_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;

enum cq_list {
    CQ_ALL = 0,
    CQ_UNASSIGNED,
    CQ_ASSIGNED,
    CQ_TEAM_UNASSIGNED,
    CQ_MENTIONED,
    CQ_VIEW, /* the union of the scopes in cq_request.scopes */
    CQ__MAX
};

#define CQ_MAX_GROUPS 10
#define CQ_MAX_CONDITIONS 50
#define CQ_MAX_IN_VALUES 100
#define CQ_DEFAULT_PAGE_SIZE 30
#define CQ_MAX_PAGE_SIZE 500

/* has_unread: the caller has unread messages (as unread_message_count > 0), or not. */
enum cq_unread { CQ_UNREAD_ANY = 0, CQ_UNREAD_YES, CQ_UNREAD_NO };

/* The status's category: active = open or waiting, closed = resolved. */
enum cq_state { CQ_STATE_ANY = 0, CQ_STATE_ACTIVE, CQ_STATE_CLOSED };

#define CQ_MAX_OFFSET 1000000000

/* Who a conversation is assigned to, as Chatwoot's assignee_type (the agent only). */
enum cq_assignee {
    CQ_ASSIGNEE_ANY = 0,
    CQ_ASSIGNEE_ME,         /* assigned_user_id = the caller */
    CQ_ASSIGNEE_UNASSIGNED, /* no agent (a team may be set) */
    CQ_ASSIGNEE_ASSIGNED,   /* some agent */
};

/*
 * Conditions of other products' list parameters, ANDed with the scope and
 * the filters; every field's zero value (NULL, 0) means "no condition".
 */
struct cq_narrow {
    enum cq_assignee assignee;   /* the page and total only, never the four counts */
    const char *status_category; /* the status's category: open, waiting or resolved */
    const char *status_name;     /* the status is called this (status_not: is not) */
    int status_not;
    int64_t inbox_id;
    int64_t team_id;          /* assigned_team_id */
    const char *tag_names;    /* JSON array of tag names: carries any of them */
    const char *message_term; /* has a message whose text contains it (ILIKE, literal) */
};

struct cq_request {
    enum cq_list list;
    int64_t user_id;      /* the caller */
    int64_t team_id;      /* CQ_TEAM_UNASSIGNED only */
    const char *filters;  /* JSON text; NULL, "", "null" and "[]" mean none */
    const char *order_by; /* "model.field"; NULL = conversations.last_message_at */
    const char *order;    /* "asc"/"desc" in any case; NULL = DESC */
    int64_t page;         /* >= 1 */
    int64_t page_size;    /* 1..CQ_MAX_PAGE_SIZE */
    unsigned scopes;      /* CQ_VIEW, CQ_MENTIONED: enum access_scope bits (rules/access.h) */
    /*
     * Unanswered only (CQ_VIEW): conversations waiting for an answer
     * (waiting_since set: the contact wrote last, see store/messages.c)
     * whose status is not of category resolved, longest wait first
     * (waiting_since, id ascending; order_by/order are refused); the total
     * comes from deskd_unanswered_rollup (sql/036) or, when a condition names
     * priority or team, deskd_unanswered_counts (sql/024).
     */
    int unanswered;
    int live_inboxes; /* unanswered: only inboxes neither disabled nor deleted */
    /*
     * Optional, conversation lists only (cq_build); zero means none.
     * use_offset: skip offset rows (0..CQ_MAX_OFFSET) and take page_size,
     * instead of the page.  The timestamps are checked (cq_is_timestamp)
     * by the caller: last_message_at >= after and < before.
     */
    int use_offset;
    int64_t offset;
    enum cq_unread has_unread;
    const char *last_message_after;
    const char *last_message_before;
    enum cq_state state;
    const char *inbox_uuid; /* the conversation's inbox (a uuid, checked by the caller) */
    const char *contact;    /* the contact's phone number (as stored) or e-mail (any case) */

    struct cq_narrow narrow;
};

struct cq_query {
    const char *list_sql;   /* arena; one row: the exact total, the page's ids ("1,2,3") */
    const char *page_sql;   /* arena; the ids query alone (part of list_sql) */
    const char *count_sql;  /* arena; the total query alone (part of list_sql) */
    int count_from_summary; /* count_sql reads deskd_conversation_counts */
    /*
     * arena; one row: the four assignee counts of the scope, filters and
     * narrowing without its assignee (mine, unassigned, assigned, all;
     * unassigned = no agent), exact, from the summary when possible.
     */
    const char *counts_sql;
    /* arena; one row: the four counts, then the page's ids ("1,2,3") */
    const char *counts_list_sql;
    const char **params; /* arena; shared by both statements */
    int nparams;
};

/*
 * Builds the statements.  Returns APP_OK, or APP_ERR_INPUT with *message
 * (arena or static) naming what is wrong in the filters or ordering, or
 * APP_ERR_INTERNAL if the arena is exhausted.
 */
enum app_err cq_build(struct arena *a, const struct cq_request *rq, struct cq_query *out,
                      const char **message);

/*
 * The contacts list (contacts and visitors, live): filters and ordering over
 * users.{email, created_at, updated_at} in the same language.  list_sql
 * returns one row: the exact total and the page as a JSON array of
 * UserCompact objects.  Uses filters, order_by, order, page and page_size
 * of rq.
 */
enum app_err cq_contacts_build(struct arena *a, const struct cq_request *rq, struct cq_query *out,
                               const char **message);

/*
 * The activity log (activity_logs): filters over upstream's fields
 * activity_logs.{activity_type, actor_id, ip, created_at} in the same
 * language; order_by id, created_at or updated_at (bare or as
 * "activity_logs.<field>"), anything else id, as upstream; order asc, else
 * desc.  list_sql returns one row: the exact total and the page as a JSON
 * array of upstream's ActivityLog objects.
 */
enum app_err cq_activity_logs_build(struct arena *a, const struct cq_request *rq,
                                    struct cq_query *out, const char **message);

/*
 * Checks a filters JSON text as a list would read it (for views, when they
 * are saved).  Returns APP_OK, or APP_ERR_INPUT with *message naming the
 * problem.
 */
enum app_err cq_check_filters(struct arena *a, const char *filters, const char **message);

/*
 * 1 if s is an RFC 3339 timestamp (date, 'T' or ' ', hours and minutes,
 * optional seconds and fraction, optional Z or offset: without one it is
 * UTC), as the list parameters take them.
 */
int cq_is_timestamp(const char *s);

/* Parses page/page_size as upstream does: missing or bad -> defaults, too large -> clamped. */
void cq_page_params(const char *page, const char *page_size, int64_t *p, int64_t *ps);

#endif
