/*
 * check_it_main.c - integration runner.  Creates two agents through the
 * real CLI (an Admin and an Agent, each with an API key), then runs the
 * suites over HTTP against the stack that scripts/test started.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "it.h"

static void make_agent(const char *role, char *email, size_t elen, char *key, size_t klen)
{
    char cmd[1024];
    char lower[16];
    size_t i;
    for (i = 0; role[i] && i < sizeof(lower) - 1; i++)
        lower[i] = (char)tolower((unsigned char)role[i]);
    lower[i] = '\0';
    snprintf(email, elen, "it-%s-%ld-%ld@example.com", lower, (long)time(NULL), (long)getpid());
    snprintf(cmd, sizeof(cmd),
             "'%s/bin/deskd' agent create --email %s --first-name It --last-name %s "
             "--role %s --password 'Test-Passw0rd' >/dev/null",
             it_root(), email, role, role);
    if (run_cmd(cmd, NULL, 0) != 0) {
        fprintf(stderr, "fixture: agent create failed\n");
        exit(2);
    }
    snprintf(cmd, sizeof(cmd), "'%s/bin/deskd' agent api-key --email %s", it_root(), email);
    if (run_cmd(cmd, key, klen) != 0 || strchr(key, ':') == NULL) {
        fprintf(stderr, "fixture: api-key failed\n");
        exit(2);
    }
}

int main(void)
{
    srand((unsigned)time(NULL));
    curl_global_init(CURL_GLOBAL_ALL);
    make_agent("Admin", it_admin_email, sizeof(it_admin_email), it_admin_key, sizeof(it_admin_key));
    make_agent("Agent", it_agent_email, sizeof(it_agent_email), it_agent_key, sizeof(it_agent_key));

    SRunner *sr = srunner_create(it_api_suite());
    srunner_add_suite(sr, it_statuses_suite());
    srunner_add_suite(sr, it_notifications_suite());
    srunner_add_suite(sr, it_tags_suite());
    srunner_add_suite(sr, it_reports_suite());
    srunner_add_suite(sr, it_events_suite());
    srunner_add_suite(sr, it_sla_suite());
    srunner_add_suite(sr, it_csat_suite());
    srunner_add_suite(sr, it_ai_suite());
    srunner_add_suite(sr, it_views_suite());
    srunner_add_suite(sr, it_contacts_suite());
    srunner_add_suite(sr, it_media_suite());
    srunner_add_suite(sr, it_roles_suite());
    srunner_add_suite(sr, it_settings_suite());
    srunner_add_suite(sr, it_oidc_suite());
    srunner_add_suite(sr, it_inboxes_suite());
    srunner_add_suite(sr, it_automation_suite());
    srunner_add_suite(sr, it_automation_run_suite());
    srunner_add_suite(sr, it_macros_suite());
    srunner_add_suite(sr, it_custom_attributes_suite());
    srunner_add_suite(sr, it_drafts_suite());
    srunner_add_suite(sr, it_openapi_suite());
    srunner_add_suite(sr, it_activity_log_suite());
    srunner_add_suite(sr, it_idempotency_suite());
    srunner_add_suite(sr, it_auth_suite());
    srunner_add_suite(sr, it_authlimit_suite());
    srunner_add_suite(sr, it_agents_suite());
    srunner_add_suite(sr, it_sessions_suite());
    srunner_add_suite(sr, it_errors_suite());
    srunner_add_suite(sr, it_http_suite());
    srunner_add_suite(sr, it_conversations_suite());
    srunner_add_suite(sr, it_vambe_suite());
    srunner_add_suite(sr, it_wassist_suite());
    srunner_add_suite(sr, it_chatwoot_suite());
    srunner_add_suite(sr, it_dbroles_suite());
    srunner_add_suite(sr, it_webhooks_suite());
    srunner_add_suite(sr, it_fault_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
