/*
 * routes.c - every endpoint deskd serves.  Literal segments win over
 * {captures}; tests/unit/check_router.c proves the table has no ambiguous
 * pair.
 */
#include "routes.h"

#define KB 1024
/* Small JSON bodies of the update routes. */
#define BODY (64 * KB)

const struct route app_routes[] = {
    {{HTTP_GET, "/health"}, "health", h_health_get, AUTH_NONE, NULL, 0},
    {{HTTP_POST, "/api/v1/auth/login"}, "auth.login", h_auth_login, AUTH_NONE, NULL, BODY},
    {{HTTP_POST, "/api/v1/auth/logout"}, "auth.logout", h_auth_logout, AUTH_AGENT, NULL, BODY},
    {{HTTP_GET, "/logout"}, "auth.logout_redirect", h_logout_redirect, AUTH_AGENT, NULL, 0},
    {{HTTP_GET, "/api/v1/statuses"}, "statuses.list", h_statuses_list, AUTH_AGENT, NULL, 0},
    {{HTTP_GET, "/api/v1/priorities"}, "priorities.list", h_priorities_list, AUTH_AGENT, NULL, 0},
    {{HTTP_GET, "/api/v1/ai/prompts"}, "ai.prompts.list", h_ai_prompts_list, AUTH_AGENT, NULL, 0},
    {{HTTP_GET, "/api/v1/agents/me"}, "agents.me", h_agents_me, AUTH_AGENT, NULL, 0},
    {{HTTP_GET, "/api/v1/agents/{id}"}, "agents.get", h_agents_get, AUTH_AGENT, "users:manage", 0},
    {{HTTP_GET, "/api/v1/conversations/all"}, "conversations.all", h_conversations_all, AUTH_AGENT,
     "conversations:read_all", 0},
    {{HTTP_GET, "/api/v1/conversations/unassigned"}, "conversations.unassigned",
     h_conversations_unassigned, AUTH_AGENT, "conversations:read_unassigned", 0},
    {{HTTP_GET, "/api/v1/conversations/assigned"}, "conversations.assigned",
     h_conversations_assigned, AUTH_AGENT, "conversations:read_assigned", 0},
    {{HTTP_GET, "/api/v1/conversations/mentioned"}, "conversations.mentioned",
     h_conversations_mentioned, AUTH_AGENT, "conversations:read", 0},
    {{HTTP_GET, "/api/v1/teams/{id}/conversations/unassigned"}, "teams.conversations.unassigned",
     h_team_conversations_unassigned, AUTH_AGENT, "conversations:read_team_inbox", 0},
    {{HTTP_POST, "/api/v1/conversations"}, "conversations.create", h_conversation_create,
     AUTH_AGENT, "conversations:write", 2 * 1024 * KB},
    {{HTTP_GET, "/api/v1/conversations/search"}, "search.conversations", h_search_conversations,
     AUTH_AGENT, "conversations:read", 0},
    {{HTTP_GET, "/api/v1/messages/search"}, "search.messages", h_search_messages, AUTH_AGENT,
     "messages:read", 0},
    {{HTTP_GET, "/api/v1/contacts/search"}, "search.contacts", h_search_contacts, AUTH_AGENT,
     "contacts:read", 0},
    {{HTTP_GET, "/api/v1/conversations/{uuid}"}, "conversations.get", h_conversation_get,
     AUTH_AGENT, "conversations:read", 0},
    {{HTTP_GET, "/api/v1/conversations/{uuid}/participants"}, "conversations.participants",
     h_conversation_participants, AUTH_AGENT, "conversations:read", 0},
    {{HTTP_PUT, "/api/v1/conversations/{uuid}/status"}, "conversations.status",
     h_conversation_status, AUTH_AGENT, "conversations:update_status", BODY},
    {{HTTP_PUT, "/api/v1/conversations/{uuid}/priority"}, "conversations.priority",
     h_conversation_priority, AUTH_AGENT, "conversations:update_priority", BODY},
    {{HTTP_PUT, "/api/v1/conversations/{uuid}/assignee/user"}, "conversations.assign_user",
     h_conversation_assign_user, AUTH_AGENT, "conversations:update_user_assignee", BODY},
    {{HTTP_PUT, "/api/v1/conversations/{uuid}/assignee/team"}, "conversations.assign_team",
     h_conversation_assign_team, AUTH_AGENT, "conversations:update_team_assignee", BODY},
    {{HTTP_PUT, "/api/v1/conversations/{uuid}/assignee/user/remove"}, "conversations.unassign_user",
     h_conversation_unassign_user, AUTH_AGENT, "conversations:update_user_assignee", BODY},
    {{HTTP_PUT, "/api/v1/conversations/{uuid}/assignee/team/remove"}, "conversations.unassign_team",
     h_conversation_unassign_team, AUTH_AGENT, "conversations:update_team_assignee", BODY},
    {{HTTP_PUT, "/api/v1/conversations/{uuid}/last-seen"}, "conversations.last_seen",
     h_conversation_last_seen, AUTH_AGENT, "conversations:read", BODY},
    {{HTTP_PUT, "/api/v1/conversations/{uuid}/mark-unread"}, "conversations.mark_unread",
     h_conversation_mark_unread, AUTH_AGENT, "conversations:read", BODY},
    {{HTTP_POST, "/api/v1/conversations/{uuid}/tags"}, "conversations.tags", h_conversation_tags,
     AUTH_AGENT, "conversations:update_tags", BODY},
    {{HTTP_GET, "/api/v1/conversations/{uuid}/messages"}, "messages.list", h_messages_list,
     AUTH_AGENT, "messages:read", 0},
    {{HTTP_GET, "/api/v1/conversations/{cuuid}/messages/{uuid}"}, "messages.get", h_message_get,
     AUTH_AGENT, "messages:read", 0},
    {{HTTP_POST, "/api/v1/conversations/{cuuid}/messages"}, "messages.send", h_message_send,
     AUTH_AGENT, "messages:write", 2 * 1024 * KB},
    {{HTTP_PUT, "/api/v1/conversations/{cuuid}/messages/{uuid}/retry"}, "messages.retry",
     h_message_retry, AUTH_AGENT, "messages:write", BODY},
};

const size_t app_nroutes = sizeof(app_routes) / sizeof(app_routes[0]);
