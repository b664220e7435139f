/*
 * handlers.h - every request handler, named h_<resource>_<verb>.
 *
 * A handler gets a routed, authenticated and authorised request (captures
 * in r->match, the principal in ((struct ctx *)r->ctx)->who), fills w and
 * returns APP_OK, or returns an error (optionally after setting
 * w->message).  Handlers never write error JSON themselves.
 */
#ifndef APP_HANDLERS_H
#define APP_HANDLERS_H

#include "lib/err.h"

/* Transitional: the resources that have their own header. */
#include "api/ai.h"
#include "api/health.h"
#include "api/priorities.h"
#include "api/statuses.h"
#include "lists/params.h"

struct req;
struct resp;

typedef enum app_err (*handler_fn)(struct req *r, struct resp *w);

enum app_err h_agents_me(struct req *r, struct resp *w);
enum app_err h_agents_get(struct req *r, struct resp *w);
enum app_err h_agents_list(struct req *r, struct resp *w);
enum app_err h_agents_compact(struct req *r, struct resp *w);
enum app_err h_agents_create(struct req *r, struct resp *w);
enum app_err h_agents_update(struct req *r, struct resp *w);
enum app_err h_agents_delete(struct req *r, struct resp *w);
enum app_err h_teams_create(struct req *r, struct resp *w);
enum app_err h_teams_update(struct req *r, struct resp *w);
enum app_err h_teams_delete(struct req *r, struct resp *w);
enum app_err h_agents_me_teams(struct req *r, struct resp *w);
enum app_err h_agents_me_availability(struct req *r, struct resp *w);
enum app_err h_agents_api_key_create(struct req *r, struct resp *w);
enum app_err h_agents_api_key_revoke(struct req *r, struct resp *w);
enum app_err h_teams_list(struct req *r, struct resp *w);
enum app_err h_teams_get(struct req *r, struct resp *w);
enum app_err h_teams_compact(struct req *r, struct resp *w);
enum app_err h_roles_list(struct req *r, struct resp *w);
enum app_err h_conversations_all(struct req *r, struct resp *w);
/* The list of a view (h_conversations.c): filters as stored, scopes as enum cq_scope bits. */
enum app_err conversations_of_view(struct req *r, struct resp *w, const char *filters,
                                   unsigned scopes);
enum app_err h_views_mine_list(struct req *r, struct resp *w);
enum app_err h_contacts_list(struct req *r, struct resp *w);
enum app_err h_media_upload(struct req *r, struct resp *w);
enum app_err h_uploads_get(struct req *r, struct resp *w);
enum app_err h_contacts_get(struct req *r, struct resp *w);
enum app_err h_contacts_update(struct req *r, struct resp *w);
enum app_err h_contacts_block(struct req *r, struct resp *w);
enum app_err h_contact_notes_list(struct req *r, struct resp *w);
enum app_err h_contact_notes_create(struct req *r, struct resp *w);
enum app_err h_contact_notes_delete(struct req *r, struct resp *w);
enum app_err h_views_mine_create(struct req *r, struct resp *w);
enum app_err h_views_mine_update(struct req *r, struct resp *w);
enum app_err h_views_mine_delete(struct req *r, struct resp *w);
enum app_err h_shared_views_list(struct req *r, struct resp *w);
enum app_err h_shared_views_get(struct req *r, struct resp *w);
enum app_err h_shared_views_create(struct req *r, struct resp *w);
enum app_err h_shared_views_update(struct req *r, struct resp *w);
enum app_err h_shared_views_delete(struct req *r, struct resp *w);
enum app_err h_views_visible(struct req *r, struct resp *w);
enum app_err h_view_conversations(struct req *r, struct resp *w);
enum app_err h_conversations_unassigned(struct req *r, struct resp *w);
enum app_err h_conversations_assigned(struct req *r, struct resp *w);
enum app_err h_conversations_mentioned(struct req *r, struct resp *w);
enum app_err h_team_conversations_unassigned(struct req *r, struct resp *w);
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
enum app_err h_messages_list(struct req *r, struct resp *w);
enum app_err h_message_get(struct req *r, struct resp *w);
enum app_err h_message_send(struct req *r, struct resp *w);
enum app_err h_message_retry(struct req *r, struct resp *w);
enum app_err h_conversation_create(struct req *r, struct resp *w);
enum app_err h_auth_login(struct req *r, struct resp *w);
enum app_err h_auth_logout(struct req *r, struct resp *w);
enum app_err h_logout_redirect(struct req *r, struct resp *w);
enum app_err h_search_conversations(struct req *r, struct resp *w);
enum app_err h_search_messages(struct req *r, struct resp *w);
enum app_err h_search_contacts(struct req *r, struct resp *w);

#endif
