/*
 * api/conversations.h - the conversation lists: GET /api/v1/conversations/
 * {all,unassigned,assigned,mentioned} and GET /api/v1/teams/{id}/conversations/
 * unassigned.
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
enum app_err h_conversations_unanswered(struct req *r, struct resp *w);
enum app_err h_team_conversations_unassigned(struct req *r, struct resp *w);

#endif
