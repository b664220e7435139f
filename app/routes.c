/*
 * routes.c - every endpoint deskd serves.  Literal segments win over
 * {captures}; tests/unit/check_router.c proves the table has no ambiguous
 * pair.
 */
#include "routes.h"

#define KB 1024

const struct route app_routes[] = {
    {{HTTP_GET, "/health"}, "health", h_health_get, AUTH_NONE, NULL, 0},
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
};

const size_t app_nroutes = sizeof(app_routes) / sizeof(app_routes[0]);
