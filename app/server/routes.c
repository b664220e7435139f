/*
 * routes.c - every endpoint deskd serves, one line each: method, path
 * (literal segments win over {captures}), handler, the largest body it
 * takes (0: none) and who may call it (PUBLIC, any AGENT, or an agent
 * holding PERM(permission)).  tests/unit/app/server/routes.c proves the table has no
 * ambiguous pair.  The route's name in logs is the handler's without "h_".
 */
#include "server/routes.h"

#include "api/activity_log.h"
#include "api/agents.h"
#include "api/ai.h"
#include "api/auth.h"
#include "api/chatwoot.h"
#include "api/config.h"
#include "api/contacts.h"
#include "api/context_links.h"
#include "api/conversation.h"
#include "api/conversations.h"
#include "api/csat.h"
#include "api/wassist.h"
#include "api/custom_attributes.h"
#include "api/drafts.h"
#include "api/health.h"
#include "api/metrics.h"
#include "api/ready.h"
#include "api/inboxes.h"
#include "api/automation.h"
#include "api/macros.h"
#include "api/media.h"
#include "api/messages.h"
#include "api/notifications.h"
#include "api/openapi.h"
#include "api/oidc.h"
#include "api/priorities.h"
#include "api/reports.h"
#include "api/roles.h"
#include "api/search.h"
#include "api/settings.h"
#include "api/sla.h"
#include "api/business_hours.h"
#include "api/statuses.h"
#include "api/tags.h"
#include "api/teams.h"
#include "api/templates.h"
#include "api/vambe.h"
#include "api/views.h"
#include "api/webhooks.h"
#include "api/webhook_deliveries.h"

#define KB 1024
/* Small JSON bodies of the update routes. */
#define BODY (64 * KB)
/* A message or a new conversation with its first message (HTML content). */
#define MESSAGE (2 * 1024 * KB)
/* Media uploads: nginx's client_max_body_size; the setting's limit is checked per file. */
#define UPLOAD (32 * 1024 * KB)

#define V1 "/api/v1"
#define WASSIST "/wassist/api/v1"
#define PUBLIC AUTH_NONE, NULL
#define AGENT AUTH_AGENT, NULL
#define PERM(p) AUTH_AGENT, p
/* clang-format off */
#define R(method, path, fn, body, who) {{HTTP_##method, path}, #fn + 2, fn, who, body, NULL, 0}
/* A list or search that may read on the standby (route.replica). */
#define RR(method, path, fn, body, who) {{HTTP_##method, path}, #fn + 2, fn, who, body, NULL, 1}
/* A route of another product's API (server/dialect.h): its key header and its error shape. */
#define RP(dialect, method, path, fn, body, who) {{HTTP_##method, path}, #fn + 2, fn, who, body, dialect, 0}

const struct route app_routes[] = {
    R(GET,    "/health",                                             h_health_get,                    0,       PUBLIC),
    R(GET,    "/ready",                                              h_ready_get,                     0,       PUBLIC),
    R(GET,    "/metrics",                                            h_metrics_get,                   0,       PUBLIC),
    R(GET,    V1 "/openapi.json",                                    h_openapi_get,                   0,       PUBLIC),
    R(POST,   V1 "/auth/login",                                      h_auth_login,                    BODY,    PUBLIC),
    R(POST,   V1 "/auth/logout",                                     h_auth_logout,                   BODY,    AGENT),
    R(GET,    "/logout",                                             h_logout_redirect,               0,       AGENT),
    R(GET,    V1 "/csat/{token}",                                    h_csat_get,                      0,       PUBLIC),
    R(POST,   V1 "/csat/{token}/response",                           h_csat_answer,                   BODY,    PUBLIC),
    R(GET,    "/csat/{token}",                                       h_csat_page,                     0,       PUBLIC),
    R(POST,   "/csat/{token}",                                       h_csat_page_answer,              BODY,    PUBLIC),
    R(GET,    V1 "/config",                                          h_config_get,                    0,       PUBLIC),
    R(GET,    V1 "/lang/{lang}",                                     h_lang_get,                      0,       PUBLIC),
    R(GET,    V1 "/settings/general",                                h_settings_general_get,          0,       AGENT),
    R(PUT,    V1 "/settings/general",                                h_settings_general_update,       BODY,    PERM("general_settings:manage")),
    R(GET,    V1 "/settings/notifications/email",                    h_settings_email_get,            0,       PERM("notification_settings:manage")),
    R(PUT,    V1 "/settings/notifications/email",                    h_settings_email_update,         BODY,    PERM("notification_settings:manage")),
    R(GET,    V1 "/statuses",                                        h_statuses_list,                 0,       AGENT),
    R(POST,   V1 "/statuses",                                        h_statuses_create,               BODY,    PERM("status:manage")),
    R(PUT,    V1 "/statuses/{id}",                                   h_statuses_update,               BODY,    PERM("status:manage")),
    R(DELETE, V1 "/statuses/{id}",                                   h_statuses_delete,               0,       PERM("status:manage")),
    R(GET,    V1 "/tags",                                            h_tags_list,                     0,       AGENT),
    R(POST,   V1 "/tags",                                            h_tags_create,                   BODY,    PERM("tags:manage")),
    R(PUT,    V1 "/tags/{id}",                                       h_tags_update,                   BODY,    PERM("tags:manage")),
    R(DELETE, V1 "/tags/{id}",                                       h_tags_delete,                   0,       PERM("tags:manage")),
    R(GET,    V1 "/priorities",                                      h_priorities_list,               0,       AGENT),
    R(GET,    V1 "/business-hours",                                  h_business_hours_list,           0,       AGENT),
    R(POST,   V1 "/business-hours",                                  h_business_hours_create,         BODY,    PERM("business_hours:manage")),
    R(GET,    V1 "/business-hours/{id}",                             h_business_hours_get,            0,       PERM("business_hours:manage")),
    R(PUT,    V1 "/business-hours/{id}",                             h_business_hours_update,         BODY,    PERM("business_hours:manage")),
    R(DELETE, V1 "/business-hours/{id}",                             h_business_hours_delete,         0,       PERM("business_hours:manage")),
    R(GET,    V1 "/sla",                                             h_sla_list,                      0,       AGENT),
    R(POST,   V1 "/sla",                                             h_sla_create,                    BODY,    PERM("sla:manage")),
    R(GET,    V1 "/sla/{id}",                                        h_sla_get,                       0,       PERM("sla:manage")),
    R(PUT,    V1 "/sla/{id}",                                        h_sla_update,                    BODY,    PERM("sla:manage")),
    R(DELETE, V1 "/sla/{id}",                                        h_sla_delete,                    0,       PERM("sla:manage")),
    R(GET,    V1 "/ai/prompts",                                      h_ai_prompts_list,               0,       AGENT),
    R(POST,   V1 "/ai/completion",                                   h_ai_completion,                 BODY,    AGENT),
    R(PUT,    V1 "/ai/provider",                                     h_ai_provider_update,            BODY,    PERM("ai:manage")),
    R(GET,    V1 "/agents/me",                                       h_agents_me,                     0,       AGENT),
    R(GET,    V1 "/agents/{id}",                                     h_agents_get,                    0,       PERM("users:manage")),
    R(GET,    V1 "/agents",                                          h_agents_list,                   0,       PERM("users:manage")),
    R(POST,   V1 "/agents",                                          h_agents_create,                 BODY,    PERM("users:manage")),
    R(PUT,    V1 "/agents/{id}",                                     h_agents_update,                 BODY,    PERM("users:manage")),
    R(DELETE, V1 "/agents/{id}",                                     h_agents_delete,                 0,       PERM("users:manage")),
    R(GET,    V1 "/agents/compact",                                  h_agents_compact,                0,       AGENT),
    R(GET,    V1 "/agents/me/teams",                                 h_agents_me_teams,               0,       AGENT),
    R(PUT,    V1 "/agents/me/availability",                          h_agents_me_availability,        BODY,    AGENT),
    R(POST,   V1 "/agents/{id}/api-key",                             h_agents_api_key_create,         BODY,    PERM("users:manage")),
    R(DELETE, V1 "/agents/{id}/api-key",                             h_agents_api_key_revoke,         0,       PERM("users:manage")),
    R(GET,    V1 "/teams",                                           h_teams_list,                    0,       PERM("teams:manage")),
    R(GET,    V1 "/teams/compact",                                   h_teams_compact,                 0,       AGENT),
    R(GET,    V1 "/teams/{id}",                                      h_teams_get,                     0,       PERM("teams:manage")),
    R(POST,   V1 "/teams",                                           h_teams_create,                  BODY,    PERM("teams:manage")),
    R(PUT,    V1 "/teams/{id}",                                      h_teams_update,                  BODY,    PERM("teams:manage")),
    R(DELETE, V1 "/teams/{id}",                                      h_teams_delete,                  0,       PERM("teams:manage")),
    R(GET,    V1 "/views/me",                                        h_views_mine_list,               0,       PERM("view:manage")),
    R(POST,   V1 "/views/me",                                        h_views_mine_create,             BODY,    PERM("view:manage")),
    R(PUT,    V1 "/views/me/{id}",                                   h_views_mine_update,             BODY,    PERM("view:manage")),
    R(DELETE, V1 "/views/me/{id}",                                   h_views_mine_delete,             0,       PERM("view:manage")),
    R(GET,    V1 "/views/shared",                                    h_views_visible,                 0,       AGENT),
    RR(GET,    V1 "/views/{id}/conversations",                       h_view_conversations,            0,       AGENT),
    R(GET,    V1 "/shared-views",                                    h_shared_views_list,             0,       PERM("shared_views:manage")),
    R(POST,   V1 "/shared-views",                                    h_shared_views_create,           BODY,    PERM("shared_views:manage")),
    R(GET,    V1 "/shared-views/{id}",                               h_shared_views_get,              0,       PERM("shared_views:manage")),
    R(PUT,    V1 "/shared-views/{id}",                               h_shared_views_update,           BODY,    PERM("shared_views:manage")),
    R(DELETE, V1 "/shared-views/{id}",                               h_shared_views_delete,           0,       PERM("shared_views:manage")),
    RR(GET,    V1 "/contacts",                                       h_contacts_list,                 0,       PERM("contacts:read_all")),
    R(GET,    V1 "/contacts/{id}",                                   h_contacts_get,                  0,       PERM("contacts:read")),
    R(PUT,    V1 "/contacts/{id}",                                   h_contacts_update,               BODY,    PERM("contacts:write")),
    R(PUT,    V1 "/contacts/{id}/block",                             h_contacts_block,                BODY,    PERM("contacts:block")),
    R(GET,    V1 "/contacts/{id}/notes",                             h_contact_notes_list,            0,       PERM("contact_notes:read")),
    R(POST,   V1 "/contacts/{id}/notes",                             h_contact_notes_create,          BODY,    PERM("contact_notes:write")),
    R(DELETE, V1 "/contacts/{id}/notes/{note_id}",                   h_contact_notes_delete,          0,       PERM("contact_notes:delete")),
    R(POST,   V1 "/media",                                           h_media_upload,                  UPLOAD,  AGENT),
    R(GET,    "/uploads/{uuid}",                                     h_uploads_get,                   0,       AGENT),
    R(GET,    V1 "/roles",                                           h_roles_list,                    0,       AGENT),
    R(GET,    V1 "/roles/{id}",                                      h_roles_get,                     0,       PERM("roles:manage")),
    R(POST,   V1 "/roles",                                           h_roles_create,                  BODY,    PERM("roles:manage")),
    R(PUT,    V1 "/roles/{id}",                                      h_roles_update,                  BODY,    PERM("roles:manage")),
    R(DELETE, V1 "/roles/{id}",                                      h_roles_delete,                  0,       PERM("roles:manage")),
    RR(GET,    V1 "/conversations/all",                              h_conversations_all,             0,       PERM("conversations:read_all")),
    RR(GET,    V1 "/conversations/unassigned",                       h_conversations_unassigned,      0,       PERM("conversations:read_unassigned")),
    RR(GET,    V1 "/conversations/assigned",                         h_conversations_assigned,        0,       PERM("conversations:read_assigned")),
    RR(GET,    V1 "/conversations/unanswered",                       h_conversations_unanswered,      0,       PERM("conversations:read")),
    RR(GET,    V1 "/conversations/mentioned",                        h_conversations_mentioned,       0,       PERM("conversations:read")),
    RR(GET,    V1 "/teams/{id}/conversations/unassigned",            h_team_conversations_unassigned, 0,       PERM("conversations:read_team_inbox")),
    R(POST,   V1 "/conversations",                                   h_conversation_create,           MESSAGE, PERM("conversations:write")),
    RR(GET,    V1 "/conversations/search",                           h_search_conversations,          0,       PERM("conversations:read")),
    RR(GET,    V1 "/messages/search",                                h_search_messages,               0,       PERM("messages:read")),
    RR(GET,    V1 "/contacts/search",                                h_search_contacts,               0,       PERM("contacts:read")),
    R(GET,    V1 "/conversations/{uuid}",                            h_conversation_get,              0,       PERM("conversations:read")),
    R(GET,    V1 "/conversations/{uuid}/participants",               h_conversation_participants,     0,       PERM("conversations:read")),
    R(PUT,    V1 "/conversations/{uuid}/status",                     h_conversation_status,           BODY,    PERM("conversations:update_status")),
    R(PUT,    V1 "/conversations/{uuid}/priority",                   h_conversation_priority,         BODY,    PERM("conversations:update_priority")),
    R(PUT,    V1 "/conversations/{uuid}/assignee/user",              h_conversation_assign_user,      BODY,    PERM("conversations:update_user_assignee")),
    R(PUT,    V1 "/conversations/{uuid}/assignee/team",              h_conversation_assign_team,      BODY,    PERM("conversations:update_team_assignee")),
    R(PUT,    V1 "/conversations/{uuid}/assignee/user/remove",       h_conversation_unassign_user,    BODY,    PERM("conversations:update_user_assignee")),
    R(PUT,    V1 "/conversations/{uuid}/assignee/team/remove",       h_conversation_unassign_team,    BODY,    PERM("conversations:update_team_assignee")),
    R(PUT,    V1 "/conversations/{uuid}/last-seen",                  h_conversation_last_seen,        BODY,    PERM("conversations:read")),
    R(PUT,    V1 "/conversations/{uuid}/mark-unread",                h_conversation_mark_unread,      BODY,    PERM("conversations:read")),
    R(POST,   V1 "/conversations/{uuid}/tags",                       h_conversation_tags,             BODY,    PERM("conversations:update_tags")),
    R(GET,    V1 "/conversations/{uuid}/messages",                   h_messages_list,                 0,       PERM("messages:read")),
    R(GET,    V1 "/conversations/{cuuid}/messages/{uuid}",           h_message_get,                   0,       PERM("messages:read")),
    R(POST,   V1 "/conversations/{cuuid}/messages",                  h_message_send,                  MESSAGE, PERM("messages:write")),
    R(PUT,    V1 "/conversations/{cuuid}/messages/{uuid}/retry",     h_message_retry,                 BODY,    PERM("messages:write")),
    R(GET,    V1 "/automations/rules",                               h_automation_list,               0,       PERM("automations:manage")),
    R(POST,   V1 "/automations/rules",                               h_automation_create,             BODY,    PERM("automations:manage")),
    R(PUT,    V1 "/automations/rules/weights",                       h_automation_weights,            BODY,    PERM("automations:manage")),
    R(PUT,    V1 "/automations/rules/execution-mode",                h_automation_mode,               BODY,    PERM("automations:manage")),
    R(GET,    V1 "/automations/rules/{id}",                          h_automation_get,                0,       PERM("automations:manage")),
    R(PUT,    V1 "/automations/rules/{id}",                          h_automation_update,             BODY,    PERM("automations:manage")),
    R(DELETE, V1 "/automations/rules/{id}",                          h_automation_delete,             0,       PERM("automations:manage")),
    R(PUT,    V1 "/automations/rules/{id}/toggle",                   h_automation_toggle,             BODY,    PERM("automations:manage")),
    R(GET,    V1 "/macros",                                          h_macros_list,                   0,       AGENT),
    R(GET,    V1 "/macros/{id}",                                     h_macros_get,                    0,       PERM("macros:manage")),
    R(POST,   V1 "/macros",                                          h_macros_create,                 BODY,    PERM("macros:manage")),
    R(PUT,    V1 "/macros/{id}",                                     h_macros_update,                 BODY,    PERM("macros:manage")),
    R(DELETE, V1 "/macros/{id}",                                     h_macros_delete,                 0,       PERM("macros:manage")),
    R(POST,   V1 "/conversations/{uuid}/macros/{id}/apply",          h_macro_apply,                   MESSAGE, AGENT),
    R(GET,    V1 "/inboxes",                                         h_inboxes_list,                  0,       AGENT),
    R(GET,    V1 "/inboxes/{id}",                                    h_inboxes_get,                   0,       PERM("inboxes:manage")),
    R(POST,   V1 "/inboxes",                                         h_inboxes_create,                BODY,    PERM("inboxes:manage")),
    R(PUT,    V1 "/inboxes/{id}",                                    h_inboxes_update,                BODY,    PERM("inboxes:manage")),
    R(PUT,    V1 "/inboxes/{id}/toggle",                             h_inboxes_toggle,                BODY,    PERM("inboxes:manage")),
    R(DELETE, V1 "/inboxes/{id}",                                    h_inboxes_delete,                0,       PERM("inboxes:manage")),
    R(GET,    V1 "/oidc",                                            h_oidc_list,                     0,       PERM("oidc:manage")),
    R(GET,    V1 "/oidc/{id}",                                       h_oidc_get,                      0,       PERM("oidc:manage")),
    R(POST,   V1 "/oidc",                                            h_oidc_create,                   BODY,    PERM("oidc:manage")),
    R(PUT,    V1 "/oidc/{id}",                                       h_oidc_update,                   BODY,    PERM("oidc:manage")),
    R(DELETE, V1 "/oidc/{id}",                                       h_oidc_delete,                   0,       PERM("oidc:manage")),
    R(GET,    V1 "/notifications",                                   h_notifications_list,            0,       AGENT),
    R(GET,    V1 "/notifications/stats",                             h_notifications_stats,           0,       AGENT),
    R(PUT,    V1 "/notifications/{id}/read",                         h_notification_read,             BODY,    AGENT),
    R(PUT,    V1 "/notifications/read-all",                          h_notifications_read_all,        BODY,    AGENT),
    R(DELETE, V1 "/notifications/{id}",                              h_notification_delete,           0,       AGENT),
    R(DELETE, V1 "/notifications",                                   h_notifications_delete_all,      0,       AGENT),
    R(GET,    V1 "/custom-attributes",                               h_custom_attributes_list,        0,       AGENT),
    R(GET,    V1 "/custom-attributes/{id}",                          h_custom_attributes_get,         0,       PERM("custom_attributes:manage")),
    R(POST,   V1 "/custom-attributes",                               h_custom_attributes_create,      BODY,    PERM("custom_attributes:manage")),
    R(PUT,    V1 "/custom-attributes/{id}",                          h_custom_attributes_update,      BODY,    PERM("custom_attributes:manage")),
    R(DELETE, V1 "/custom-attributes/{id}",                          h_custom_attributes_delete,      0,       PERM("custom_attributes:manage")),
    R(PUT,    V1 "/conversations/{uuid}/custom-attributes",          h_conversation_custom_attrs,     BODY,    AGENT),
    R(PUT,    V1 "/conversations/{uuid}/contacts/custom-attributes", h_contact_custom_attrs,          BODY,    AGENT),
    R(GET,    V1 "/drafts",                                          h_drafts_list,                   0,       AGENT),
    R(POST,   V1 "/conversations/{uuid}/draft",                      h_draft_save,                    MESSAGE, AGENT),
    R(DELETE, V1 "/conversations/{uuid}/draft",                      h_draft_delete,                  0,       AGENT),
    R(GET,    V1 "/context-links",                                   h_context_links_list,            0,       PERM("context_links:manage")),
    R(GET,    V1 "/context-links/active",                            h_context_links_active,          0,       AGENT),
    R(GET,    V1 "/context-links/{id}",                              h_context_links_get,             0,       PERM("context_links:manage")),
    R(POST,   V1 "/context-links",                                   h_context_links_create,          BODY,    PERM("context_links:manage")),
    R(PUT,    V1 "/context-links/{id}",                              h_context_links_update,          BODY,    PERM("context_links:manage")),
    R(PUT,    V1 "/context-links/{id}/toggle",                       h_context_links_toggle,          BODY,    PERM("context_links:manage")),
    R(DELETE, V1 "/context-links/{id}",                              h_context_links_delete,          0,       PERM("context_links:manage")),
    R(GET,    V1 "/templates",                                       h_templates_list,                0,       PERM("templates:manage")),
    R(GET,    V1 "/templates/{id}",                                  h_templates_get,                 0,       PERM("templates:manage")),
    R(POST,   V1 "/templates",                                       h_templates_create,              MESSAGE, PERM("templates:manage")),
    R(PUT,    V1 "/templates/{id}",                                  h_templates_update,              MESSAGE, PERM("templates:manage")),
    R(DELETE, V1 "/templates/{id}",                                  h_templates_delete,              0,       PERM("templates:manage")),
    R(GET,    V1 "/reports/overview/counts",                         h_report_counts,                 0,       PERM("reports:manage")),
    R(GET,    V1 "/reports/overview/charts",                         h_report_charts,                 0,       PERM("reports:manage")),
    R(GET,    V1 "/reports/overview/sla",                            h_report_sla,                    0,       PERM("reports:manage")),
    R(GET,    V1 "/reports/overview/csat",                           h_report_csat,                   0,       PERM("reports:manage")),
    R(GET,    V1 "/reports/overview/messages",                       h_report_messages,               0,       PERM("reports:manage")),
    R(GET,    V1 "/reports/overview/tags",                           h_report_tags,                   0,       PERM("reports:manage")),
    R(GET,    V1 "/activity-logs",                                   h_activity_logs_list,            0,       PERM("activity_logs:manage")),
    R(GET,    V1 "/webhooks",                                        h_webhooks_list,                 0,       PERM("webhooks:manage")),
    R(GET,    V1 "/webhooks/{id}",                                   h_webhooks_get,                  0,       PERM("webhooks:manage")),
    R(POST,   V1 "/webhooks",                                        h_webhooks_create,               BODY,    PERM("webhooks:manage")),
    R(PUT,    V1 "/webhooks/{id}",                                   h_webhooks_update,               BODY,    PERM("webhooks:manage")),
    R(PUT,    V1 "/webhooks/{id}/toggle",                            h_webhooks_toggle,               BODY,    PERM("webhooks:manage")),
    R(POST,   V1 "/webhooks/{id}/test",                              h_webhooks_test,                 BODY,    PERM("webhooks:manage")),
    R(DELETE, V1 "/webhooks/{id}",                                   h_webhooks_delete,               0,       PERM("webhooks:manage")),
    R(GET,    V1 "/webhooks/{id}/deliveries",                        h_webhook_deliveries_list,       0,       PERM("webhooks:manage")),
    /* Vambe (api/vambe.h): X-API-Key, Vambe's error shape. */
    RP(&vambe_dialect, GET, "/vambe/api/analytics/team/snapshot/unanswered-conversations-details", h_vambe_unanswered, 0, PERM("conversations:read")),
    /* Wassist (seed 004): X-API-Key, DRF's errors, paths ending with '/'. */
    RP(&wassist_dialect, GET,  WASSIST "/conversations/",                h_wassist_conversations,         0,       PERM("conversations:read")),
    RP(&wassist_dialect, POST, WASSIST "/conversations/",                h_wassist_create,                MESSAGE, PERM("conversations:write")),
    RP(&wassist_dialect, GET,  WASSIST "/conversations/{uuid}/",         h_wassist_conversation,          0,       PERM("conversations:read")),
    RP(&wassist_dialect, GET,  WASSIST "/conversations/{uuid}/messages/", h_wassist_messages,            0,       PERM("messages:read")),
    RP(&wassist_dialect, POST, WASSIST "/conversations/{uuid}/messages/", h_wassist_message_send,        MESSAGE, PERM("messages:write")),
    RP(&wassist_dialect, POST, WASSIST "/conversations/{uuid}/takeover/", h_wassist_takeover,             BODY,    PERM("conversations:update_user_assignee")),
    RP(&wassist_dialect, POST, WASSIST "/conversations/{uuid}/handback/", h_wassist_handback,             BODY,    PERM("conversations:update_user_assignee")),
    RP(&wassist_dialect, POST, WASSIST "/conversations/{uuid}/prompt/",   h_wassist_prompt,               BODY,    PERM("messages:write")),
    /* Chatwoot (seed 001): api_access_token, Chatwoot's error shape. */
    RP(&chatwoot_dialect, GET, "/chatwoot/api/v1/accounts/{account_id}/conversations",      h_chatwoot_conversations,      0, PERM("conversations:read")),
    RP(&chatwoot_dialect, GET, "/chatwoot/api/v1/accounts/{account_id}/conversations/meta", h_chatwoot_conversations_meta, 0, PERM("conversations:read")),
};
/* clang-format on */

const size_t app_nroutes = sizeof(app_routes) / sizeof(app_routes[0]);
