/*
 * api/conversations.h - the conversation lists: GET /api/v1/conversations/
 * {all,unassigned,assigned,mentioned}, GET /api/v1/teams/{id}/conversations/
 * unassigned, and a view's list (for api/views.c).
 */
#ifndef API_CONVERSATIONS_H
#define API_CONVERSATIONS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_conversations_all(struct req *r, struct resp *w);
enum app_err h_conversations_unassigned(struct req *r, struct resp *w);
enum app_err h_conversations_assigned(struct req *r, struct resp *w);
enum app_err h_conversations_mentioned(struct req *r, struct resp *w);
enum app_err h_team_conversations_unassigned(struct req *r, struct resp *w);

/*
 * The page of a view's list: its stored filters (the `filters` parameter
 * is ignored, as upstream) within scopes, enum access_scope bits
 * (rules/access.h), at least one.
 */
enum app_err conversations_of_view(struct req *r, struct resp *w, const char *filters,
                                   unsigned scopes);

#endif
