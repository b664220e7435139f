/*
 * api/conversation.h - one conversation: POST /api/v1/conversations, and
 * under /api/v1/conversations/{uuid}: the object, participants, status,
 * priority, assignee (user, team) and their removal, last-seen,
 * mark-unread and tags.
 */
#ifndef API_CONVERSATION_H
#define API_CONVERSATION_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_conversation_create(struct req *r, struct resp *w);
enum app_err h_conversation_get(struct req *r, struct resp *w);
enum app_err h_conversation_participants(struct req *r, struct resp *w);
enum app_err h_conversation_status(struct req *r, struct resp *w);
enum app_err h_conversation_priority(struct req *r, struct resp *w);
enum app_err h_conversation_assign_user(struct req *r, struct resp *w);
enum app_err h_conversation_assign_team(struct req *r, struct resp *w);
enum app_err h_conversation_unassign_user(struct req *r, struct resp *w);
enum app_err h_conversation_unassign_team(struct req *r, struct resp *w);
enum app_err h_conversation_last_seen(struct req *r, struct resp *w);
enum app_err h_conversation_mark_unread(struct req *r, struct resp *w);
enum app_err h_conversation_tags(struct req *r, struct resp *w);

#endif
