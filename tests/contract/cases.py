"""Contract cases: one request per documented operation (and per documented
failure worth pinning).  Later work only appends here.

Each case: (method, path template, who, expected status[, JSON body]); a body
{"__multipart__": {name: text or (filename, bytes)}} is sent as multipart/form-data.
Every documented operation must have a case answered with a valid 2xx, or the
run fails.  `who` is "admin",
"agent" or None (no credentials).  Path templates may use {admin_id},
{agent_id}, {team_id} (a team the admin belongs to) and {conv_uuid} (a
conversation with a participant), {msg_uuid} (a failed reply of the admin
in it), {spare_agent_id}, {spare_team_id}, {spare_status_id} and {spare_role_id} (an agent, a
team, a status and a role no other case uses, for updates and deletes),
{spare_template_id} (an e-mail template likewise), {spare_oidc_id} (an OIDC
provider likewise), {spare_webhook_id} (a webhook likewise), {view_id} (a
view for everyone without filters), {contact_id} (a seeded contact) and {note_id}
(a note of the admin on it), {macro_id} and {spare_macro_id} (two macros visible to all).  In bodies (lists included), strings "$admin_id",
"$agent_id", "$team_id", "$media_id" and "$media_id_2" (two unlinked uploads of the admin)
become those ids (integers).  Before the cases
run, the checker seeds a few conversations and assigns some to the admin and
to that team.  For a 2xx status the body is validated against the schema the
spec gives for that operation and status; for an error status it is
validated against the real Libredesk envelope (the spec's ErrorResponse
schema is wrong, see DESIGN.md)."""

# An e-mail inbox to create and update (the inboxes cases).
CONTRACT_INBOX = {
    "name": "Contract inbox", "channel": "email", "from": "support@example.com",
    "config": {
        "imap": [{"host": "imap.example.com", "port": 993, "username": "support@example.com",
                  "password": "imap-pw", "mailbox": "INBOX", "read_interval": "5m",
                  "scan_inbox_since": "48h", "tls_type": "tls"}],
        "smtp": [{"host": "smtp.example.com", "port": 587, "username": "support@example.com",
                  "password": "smtp-pw", "auth_protocol": "login", "tls_type": "starttls",
                  "max_conns": 10}],
    },
}

# A survey token of the right form that deskd did not sign (the survey cases).
CSAT_FORGED = "00000000-0000-4000-8000-000000000000." + "0123456789abcdef" * 2

CASES = [
    ("GET", "/health", None, 200),
    ("GET", "/api/v1/statuses", "agent", 200),
    ("GET", "/api/v1/statuses", None, 401),
    ("GET", "/api/v1/priorities", "agent", 200),
    ("GET", "/api/v1/ai/prompts", "agent", 200),
    ("GET", "/api/v1/agents/me", "admin", 200),
    ("GET", "/api/v1/agents/me", "agent", 200),
    ("GET", "/api/v1/agents/{agent_id}", "admin", 200),
    ("GET", "/api/v1/agents/{admin_id}", "agent", 403),
    ("GET", "/api/v1/agents/999999", "admin", 404),
    ("GET", "/api/v1/conversations/all?page_size=5", "admin", 200),
    ("GET", "/api/v1/conversations/unassigned", "admin", 200),
    ("GET", "/api/v1/conversations/assigned", "admin", 200),
    ("GET", "/api/v1/teams/{team_id}/conversations/unassigned", "admin", 200),
    ("GET", "/api/v1/conversations/all?filters=%5B%7B", "admin", 400),
    ("GET", "/api/v1/conversations/all", "agent", 200),
    ("GET", "/api/v1/conversations/{conv_uuid}", "admin", 200),
    ("GET", "/api/v1/conversations/{conv_uuid}/participants", "admin", 200),
    ("PUT", "/api/v1/conversations/{conv_uuid}/status", "admin", 200, {"status": "Open"}),
    ("PUT", "/api/v1/conversations/{conv_uuid}/status", "admin", 400, {"status": "Nope"}),
    ("PUT", "/api/v1/conversations/{conv_uuid}/priority", "admin", 200, {"priority": "High"}),
    ("PUT", "/api/v1/conversations/{conv_uuid}/assignee/user", "admin", 200,
     {"assignee_id": "$admin_id"}),
    ("PUT", "/api/v1/conversations/{conv_uuid}/assignee/team", "admin", 200,
     {"assignee_id": "$team_id"}),
    ("PUT", "/api/v1/conversations/{conv_uuid}/assignee/user/remove", "admin", 200),
    ("PUT", "/api/v1/conversations/{conv_uuid}/assignee/team/remove", "admin", 200),
    ("PUT", "/api/v1/conversations/{conv_uuid}/last-seen", "admin", 200),
    ("POST", "/api/v1/conversations/{conv_uuid}/tags", "admin", 200,
     {"tags": [], "action": "set_tags"}),
    ("GET", "/api/v1/conversations/00000000-0000-0000-0000-000000000000", "admin", 404),
    ("GET", "/api/v1/conversations/{conv_uuid}/messages", "admin", 200),
    ("GET", "/api/v1/conversations/{conv_uuid}/messages/{msg_uuid}", "admin", 200),
    ("POST", "/api/v1/conversations/{conv_uuid}/messages", "admin", 200,
     {"message": "<p>Hello</p>", "sender_type": "agent", "attachments": ["$media_id"]}),
    ("PUT", "/api/v1/conversations/{conv_uuid}/messages/{msg_uuid}/retry", "admin", 200),
    ("POST", "/api/v1/conversations", "admin", 200,
     {"inbox_id": 1, "contact_email": "contract-new@example.org", "first_name": "New",
      "subject": "Contract", "content": "<p>Hi</p>", "initiator": "contact",
      "attachments": ["$media_id_2"]}),
    ("GET", "/api/v1/conversations/search?query=customer", "admin", 200),
    ("GET", "/api/v1/messages/search?query=Hello", "admin", 200),
    ("GET", "/api/v1/contacts/search?query=customer", "admin", 200),
    ("GET", "/api/v1/contacts/search?query=ab", "admin", 400),
    ("GET", "/api/v1/agents", "admin", 200),
    ("GET", "/api/v1/agents", "agent", 403),
    ("PUT", "/api/v1/agents/me/availability", "agent", 200, {"status": "online", "source": "user"}),
    ("PUT", "/api/v1/agents/me/availability", "agent", 400, {"status": "available"}),
    ("GET", "/api/v1/teams", "admin", 200),
    ("GET", "/api/v1/teams/{team_id}", "admin", 200),
    ("GET", "/api/v1/teams/999999", "admin", 404),
    ("GET", "/api/v1/teams", "agent", 403),
    ("POST", "/api/v1/agents", "admin", 200,
     {"first_name": "Contract", "last_name": "Agent", "email": "contract-agent@example.org",
      "roles": ["Agent"], "teams": [], "enabled": True, "send_welcome_email": False}),
    ("POST", "/api/v1/agents", "admin", 409,
     {"first_name": "Contract", "email": "contract-agent@example.org", "roles": ["Agent"]}),
    ("POST", "/api/v1/agents", "admin", 400,
     {"first_name": "Contract", "email": "contract-agent2@example.org", "roles": ["Nope"]}),
    ("PUT", "/api/v1/agents/999999", "admin", 404,
     {"first_name": "Contract", "email": "contract-agent3@example.org", "roles": ["Agent"]}),
    ("PUT", "/api/v1/agents/{spare_agent_id}", "admin", 200,
     {"first_name": "Spare", "last_name": "Renamed", "email": "contract-spare@example.org",
      "roles": ["Agent"], "teams": [], "enabled": True, "new_password": "Spare-Passw0rd"}),
    ("DELETE", "/api/v1/agents/{spare_agent_id}", "admin", 200),
    ("DELETE", "/api/v1/agents/999999", "admin", 404),
    ("DELETE", "/api/v1/agents/{admin_id}", "admin", 400),
    ("POST", "/api/v1/teams", "admin", 200,
     {"name": "Contract team", "emoji": "C", "conversation_assignment_type": "Round robin",
      "timezone": "UTC", "max_auto_assigned_conversations": 3}),
    ("POST", "/api/v1/teams", "admin", 409, {"name": "Contract team"}),
    ("PUT", "/api/v1/teams/{team_id}", "admin", 200,
     {"name": "Contract team renamed", "conversation_assignment_type": "Manual"}),
    ("PUT", "/api/v1/teams/999999", "admin", 404, {"name": "Nobody"}),
    ("DELETE", "/api/v1/teams/{spare_team_id}", "admin", 200),
    ("DELETE", "/api/v1/teams/999999", "admin", 404),
    ("POST", "/api/v1/statuses", "admin", 200, {"name": "Awaiting vendor", "category": "waiting"}),
    ("POST", "/api/v1/statuses", "admin", 409, {"name": "Awaiting vendor", "category": "waiting"}),
    ("POST", "/api/v1/statuses", "admin", 400, {"name": "x" * 26, "category": "open"}),
    ("POST", "/api/v1/statuses", "agent", 403, {"name": "Agent made", "category": "open"}),
    ("PUT", "/api/v1/statuses/{spare_status_id}", "admin", 200,
     {"name": "Contract renamed", "category": "open"}),
    ("PUT", "/api/v1/statuses/1", "admin", 400, {"name": "Opened", "category": "open"}),
    ("PUT", "/api/v1/statuses/999999", "admin", 404, {"name": "Nobody", "category": "open"}),
    ("DELETE", "/api/v1/statuses/{spare_status_id}", "admin", 200),
    ("DELETE", "/api/v1/statuses/1", "admin", 400),
    ("POST", "/api/v1/ai/completion", "agent", 400,
     {"prompt_key": "make_friendly", "content": "Hello"}),  # no provider key yet
    ("PUT", "/api/v1/ai/provider", "agent", 403, {"provider": "openai", "api_key": "sk-contract"}),
    ("PUT", "/api/v1/ai/provider", "admin", 200, {"provider": "openai", "api_key": "sk-contract"}),
    ("POST", "/api/v1/ai/completion", "agent", 200,
     {"prompt_key": "make_friendly", "content": "Hello"}),  # the fake provider of scripts/test
    ("POST", "/api/v1/ai/completion", "agent", 400, {"prompt_key": "nope", "content": "Hello"}),
    ("GET", "/api/v1/contacts?page_size=5", "admin", 200),
    ("GET", "/api/v1/contacts?order_by=users.first_name", "admin", 400),
    ("GET", "/api/v1/contacts", "agent", 403),
    ("GET", "/api/v1/contacts/{contact_id}", "admin", 200),
    ("GET", "/api/v1/contacts/999999", "admin", 404),
    ("PUT", "/api/v1/contacts/{contact_id}/block", "admin", 200, {"enabled": False}),
    ("PUT", "/api/v1/contacts/{contact_id}/block", "admin", 200, {"enabled": True}),
    ("PUT", "/api/v1/contacts/{contact_id}", "admin", 200,
     {"__multipart__": {"first_name": "Contract", "last_name": "Contact",
                        "email": "contract-contact@example.org", "phone_number": "5550100",
                        "phone_number_country_code": "+1", "country": "US"}}),
    ("GET", "/api/v1/contacts/{contact_id}/notes", "admin", 200),
    ("POST", "/api/v1/contacts/{contact_id}/notes", "admin", 200, {"note": "Called back"}),
    ("POST", "/api/v1/contacts/999999/notes", "admin", 404, {"note": "Nobody"}),
    ("DELETE", "/api/v1/contacts/{contact_id}/notes/{note_id}", "admin", 200),
    ("POST", "/api/v1/media", "agent", 200,
     {"__multipart__": {"files": ("contract.txt", b"contract upload\n"), "inline": "false"}}),
    ("POST", "/api/v1/media", "agent", 400, {"__multipart__": {"inline": "true"}}),
    # Operations of the older full spec only (validated against it).
    ("POST", "/api/v1/views/me", "agent", 200,
     {"name": "Contract mine", "filters": [{"model": "conversations", "field": "status_id",
                                            "operator": "equals", "value": "1"}]}),
    ("POST", "/api/v1/views/me", "agent", 400, {"name": "Contract bad", "filters": "nope"}),
    ("GET", "/api/v1/views/me", "agent", 200),
    ("PUT", "/api/v1/views/me/{view_id}", "agent", 403, {"name": "Not mine", "filters": []}),
    ("DELETE", "/api/v1/views/me/999999", "agent", 404),
    ("GET", "/api/v1/views/{view_id}/conversations?page_size=5", "agent", 200),
    ("GET", "/api/v1/views/999999/conversations", "agent", 404),
    # Roles (operations of the older full spec).
    ("GET", "/api/v1/roles", "agent", 200),
    ("GET", "/api/v1/roles/{spare_role_id}", "admin", 200),
    ("GET", "/api/v1/roles/{spare_role_id}", "agent", 403),
    ("GET", "/api/v1/roles/999999", "admin", 404),
    ("POST", "/api/v1/roles", "admin", 200,
     {"name": "Contract role", "description": "Made by the contract",
      "permissions": ["conversations:read", "status:manage"]}),
    ("POST", "/api/v1/roles", "admin", 409,
     {"name": "Contract role", "permissions": ["conversations:read"]}),
    ("POST", "/api/v1/roles", "admin", 400, {"name": "Contract bad", "permissions": ["nope"]}),
    ("POST", "/api/v1/roles", "agent", 403, {"name": "Agent made", "permissions": ["tags:manage"]}),
    ("PUT", "/api/v1/roles/{spare_role_id}", "admin", 200,
     {"name": "Contract spare renamed", "permissions": ["tags:manage"]}),
    ("DELETE", "/api/v1/roles/{spare_role_id}", "admin", 200),
    # Settings (older full spec; before the key pair below, which must stay last).
    ("GET", "/api/v1/settings/general", "agent", 200),
    ("PUT", "/api/v1/settings/general", "admin", 200, {"app.site_name": "deskd"}),
    ("PUT", "/api/v1/settings/general", "agent", 403, {"app.site_name": "Nope"}),
    ("PUT", "/api/v1/settings/general", "admin", 400, {"app.timezone": "Mars/Olympus"}),
    ("GET", "/api/v1/settings/notifications/email", "admin", 200),
    ("GET", "/api/v1/settings/notifications/email", "agent", 403),
    ("PUT", "/api/v1/settings/notifications/email", "admin", 200,
     {"notification.email.enabled": False}),
    ("PUT", "/api/v1/settings/notifications/email", "admin", 400,
     {"notification.email.port": 0}),
    # Macros (older full spec; before the key pair below). {spare_macro_id} is a macro
    # no other case uses, {macro_id} one the apply cases use.
    ("POST", "/api/v1/macros", "admin", 200,
     {"name": "Contract macro", "message_content": "<p>Thanks</p>", "visibility": "all",
      "visible_when": ["replying"], "actions": [{"type": "set_priority", "value": ["1"]}]}),
    ("POST", "/api/v1/macros", "admin", 400,
     {"name": "Contract bad", "visibility": "all", "visible_when": ["replying"],
      "actions": [{"type": "set_status", "value": ["999999"]}]}),
    ("POST", "/api/v1/macros", "agent", 403,
     {"name": "Agent made", "visibility": "all", "visible_when": ["replying"]}),
    ("GET", "/api/v1/macros", "agent", 200),
    ("GET", "/api/v1/macros/{macro_id}", "admin", 200),
    ("GET", "/api/v1/macros/999999", "admin", 404),
    ("PUT", "/api/v1/macros/{spare_macro_id}", "admin", 200,
     {"name": "Contract macro renamed", "message_content": "", "visibility": "team",
      "team_id": "$team_id", "visible_when": ["replying", "adding_private_note"]}),
    ("PUT", "/api/v1/macros/999999", "admin", 404,
     {"name": "Nobody", "visibility": "all", "visible_when": ["replying"]}),
    ("POST", "/api/v1/conversations/{conv_uuid}/macros/{macro_id}/apply", "agent", 200,
     [{"type": "set_priority", "value": ["2"]}]),
    ("POST", "/api/v1/conversations/{conv_uuid}/macros/{macro_id}/apply", "agent", 403,
     [{"type": "send_reply", "value": ["Hi"]}]),
    ("POST", "/api/v1/conversations/{conv_uuid}/macros/999999/apply", "agent", 404, []),
    ("DELETE", "/api/v1/macros/{spare_macro_id}", "admin", 200),
    ("DELETE", "/api/v1/macros/{spare_macro_id}", "admin", 404),
    # Custom attributes (older full spec; before the key pair below). {spare_attr_id} is a
    # conversation list attribute `contract_tier` (Gold, Silver) no other case uses.
    ("GET", "/api/v1/custom-attributes", "agent", 200),
    ("GET", "/api/v1/custom-attributes?applies_to=conversation", "agent", 200),
    ("POST", "/api/v1/custom-attributes", "admin", 200,
     {"applies_to": "contact", "name": "Contract nick", "description": "A nickname",
      "key": "contract_nick", "data_type": "text", "regex": "^[a-z]+$"}),
    ("POST", "/api/v1/custom-attributes", "admin", 409,
     {"applies_to": "contact", "name": "Contract nick", "description": "A nickname",
      "key": "contract_nick", "data_type": "text"}),
    ("POST", "/api/v1/custom-attributes", "admin", 400,
     {"applies_to": "ticket", "name": "Contract bad", "description": "D", "key": "contract_bad",
      "data_type": "text"}),
    ("POST", "/api/v1/custom-attributes", "agent", 403,
     {"applies_to": "contact", "name": "Agent made", "description": "D", "key": "agent_made",
      "data_type": "text"}),
    ("GET", "/api/v1/custom-attributes/{spare_attr_id}", "admin", 200),
    ("GET", "/api/v1/custom-attributes/{spare_attr_id}", "agent", 403),
    ("GET", "/api/v1/custom-attributes/999999", "admin", 404),
    ("PUT", "/api/v1/custom-attributes/{spare_attr_id}", "admin", 200,
     {"applies_to": "conversation", "name": "Contract tier", "description": "The tier",
      "key": "contract_tier", "data_type": "list", "values": ["Gold", "Silver", "Bronze"]}),
    ("PUT", "/api/v1/custom-attributes/999999", "admin", 404,
     {"applies_to": "conversation", "name": "Nobody", "description": "D", "key": "nobody",
      "data_type": "text"}),
    ("PUT", "/api/v1/conversations/{conv_uuid}/custom-attributes", "admin", 200,
     {"contract_tier": "Bronze"}),
    ("PUT", "/api/v1/conversations/{conv_uuid}/custom-attributes", "admin", 400,
     {"contract_tier": "Platinum"}),
    ("PUT", "/api/v1/conversations/{conv_uuid}/contacts/custom-attributes", "admin", 200,
     {"contract_nick": "bob"}),
    ("PUT", "/api/v1/conversations/{conv_uuid}/contacts/custom-attributes", "admin", 400,
     {"contract_nick": "Bob"}),
    ("DELETE", "/api/v1/custom-attributes/{spare_attr_id}", "agent", 403),
    ("DELETE", "/api/v1/custom-attributes/{spare_attr_id}", "admin", 200),
    ("DELETE", "/api/v1/custom-attributes/{spare_attr_id}", "admin", 404),
    # Templates (older full spec; before the key pair below, which must stay last).
    ("GET", "/api/v1/templates?type=email_outgoing", "admin", 200),
    ("GET", "/api/v1/templates", "admin", 400),
    ("GET", "/api/v1/templates?type=email_outgoing", "agent", 403),
    ("GET", "/api/v1/templates/{spare_template_id}", "admin", 200),
    ("GET", "/api/v1/templates/999999", "admin", 404),
    ("POST", "/api/v1/templates", "admin", 200,
     {"type": "email_outgoing", "name": "Contract template", "body": "<div>x</div>",
      "subject": "Contract"}),
    ("POST", "/api/v1/templates", "admin", 400, {"type": "email_outgoing", "body": "b"}),
    ("POST", "/api/v1/templates", "agent", 403,
     {"type": "email_outgoing", "name": "Agent made", "body": "b"}),
    ("PUT", "/api/v1/templates/{spare_template_id}", "admin", 200,
     {"type": "email_outgoing", "name": "Contract spare renamed", "body": "b2", "subject": "s2"}),
    ("PUT", "/api/v1/templates/999999", "admin", 404,
     {"type": "email_outgoing", "name": "Nobody", "body": "b"}),
    ("DELETE", "/api/v1/templates/{spare_template_id}", "admin", 200),
    ("DELETE", "/api/v1/templates/{spare_template_id}", "admin", 404),
    # Activity log (older full spec; before the key pair below, which must stay last).
    # The settings cases above left a settings_updated row, so the page is not empty.
    ("GET", "/api/v1/activity-logs", "admin", 200),
    ("GET", "/api/v1/activity-logs?page=1&page_size=5&order_by=created_at&order=asc", "admin",
     200),
    ("GET", "/api/v1/activity-logs", "agent", 403),
    ("GET", "/api/v1/activity-logs", None, 401),
    ("GET", "/api/v1/activity-logs?filters=%5B%7B", "admin", 400),
    # OIDC providers (older full spec; before the key pair below, which must stay last).
    ("GET", "/api/v1/oidc", "admin", 200),
    ("GET", "/api/v1/oidc", "agent", 403),
    ("GET", "/api/v1/oidc/{spare_oidc_id}", "admin", 200),
    ("GET", "/api/v1/oidc/999999", "admin", 404),
    ("POST", "/api/v1/oidc", "admin", 200,
     {"name": "Contract SSO", "provider": "Custom", "provider_url": "https://sso.example.org",
      "client_id": "contract-id", "client_secret": "contract-secret"}),
    ("POST", "/api/v1/oidc", "admin", 400,
     {"name": "No secret", "provider": "Custom", "provider_url": "https://sso.example.org",
      "client_id": "contract-id", "client_secret": ""}),
    ("POST", "/api/v1/oidc", "agent", 403,
     {"name": "Agent made", "provider": "Custom", "provider_url": "https://sso.example.org",
      "client_id": "a", "client_secret": "b"}),
    ("PUT", "/api/v1/oidc/{spare_oidc_id}", "admin", 200,
     {"name": "Contract spare renamed", "provider": "Google",
      "provider_url": "https://accounts.google.com", "client_id": "spare-id",
      "client_secret": "\u2022" * 10, "enabled": False}),
    ("PUT", "/api/v1/oidc/999999", "admin", 404,
     {"name": "Nobody", "provider": "Custom", "provider_url": "https://sso.example.org",
      "client_id": "a", "client_secret": "b", "enabled": True}),
    ("DELETE", "/api/v1/oidc/{spare_oidc_id}", "agent", 403),
    ("DELETE", "/api/v1/oidc/{spare_oidc_id}", "admin", 200),
    ("DELETE", "/api/v1/oidc/{spare_oidc_id}", "admin", 404),
    # SLA policies (older full spec): the list any agent reads.
    ("GET", "/api/v1/sla", "agent", 200),
    # deskd's extensions (deskd's document only; before the key pair below).
    ("GET", "/api/v1/openapi.json", None, 200),
    ("GET", "/api/v1/config", None, 200),
    ("GET", "/api/v1/agents/compact", "agent", 200),
    ("GET", "/api/v1/agents/me/teams", "admin", 200),
    ("GET", "/api/v1/teams/compact", "agent", 200),
    ("GET", "/api/v1/conversations/unanswered?page_size=5", "admin", 200),
    ("GET", "/api/v1/notifications", "agent", 200),
    ("GET", "/api/v1/notifications/stats", "agent", 200),
    ("GET", "/api/v1/notifications/stats", None, 401),
    ("POST", "/api/v1/conversations/{conv_uuid}/draft", "admin", 200, {"content": "<p>Draft</p>"}),
    ("GET", "/api/v1/drafts", "admin", 200),
    ("DELETE", "/api/v1/conversations/{conv_uuid}/draft", "admin", 200),
    ("PUT", "/api/v1/conversations/{conv_uuid}/mark-unread", "admin", 200),
    ("GET", "/api/v1/views/shared", "agent", 200),
    ("GET", "/api/v1/shared-views", "admin", 200),
    ("GET", "/api/v1/shared-views", "agent", 403),
    ("GET", "/api/v1/context-links", "admin", 200),
    ("GET", "/api/v1/context-links/active", "agent", 200),
    ("GET", "/api/v1/context-links/999999", "admin", 404),
    ("GET", "/ready", None, 200),
    ("GET", "/api/v1/lang/xx", None, 404),
    ("GET", "/api/v1/automations/rules", "admin", 200),
    ("PUT", "/api/v1/notifications/read-all", "agent", 200),
    ("DELETE", "/api/v1/notifications", "agent", 200),
    # The peer APIs (their key headers: X-API-Key, api_access_token; their error shapes).
    ("GET", "/wassist/api/v1/conversations/?limit=2", "admin", 200),
    ("GET", "/wassist/api/v1/conversations/?hasUnread=maybe", "admin", 400),
    ("GET", "/wassist/api/v1/conversations/", None, 401),
    ("GET", "/wassist/api/v1/conversations/{conv_uuid}/", "admin", 200),
    ("GET", "/wassist/api/v1/conversations/00000000-0000-0000-0000-000000000000/", "admin", 404),
    ("GET", "/wassist/api/v1/conversations/{conv_uuid}/messages/", "admin", 200),
    ("GET", "/chatwoot/api/v1/accounts/1/conversations", "admin", 200),
    ("GET", "/chatwoot/api/v1/accounts/1/conversations?status=closed", "admin", 400),
    ("GET", "/chatwoot/api/v1/accounts/1/conversations/meta", "admin", 200),
    ("GET", "/chatwoot/api/v1/accounts/1/conversations/meta", None, 401),
    ("GET", "/vambe/api/analytics/team/snapshot/unanswered-conversations-details", "admin", 200),
    ("GET", "/vambe/api/analytics/team/snapshot/unanswered-conversations-details", None, 401),
    # These two replace, then remove, the agent's own key: keep them last.
    ("POST", "/api/v1/agents/{agent_id}/api-key", "admin", 200),
    ("DELETE", "/api/v1/agents/{agent_id}/api-key", "admin", 200),
    # Tags (older full spec; admin or nobody: the agent's key is gone by now).
    # {spare_tag_id} is a tag no other case uses.
    ("GET", "/api/v1/tags", "admin", 200),
    ("GET", "/api/v1/tags", None, 401),
    ("POST", "/api/v1/tags", "admin", 200, {"name": "Contract tag"}),
    ("POST", "/api/v1/tags", "admin", 409, {"name": "Contract tag"}),
    ("POST", "/api/v1/tags", "admin", 400, {"name": ""}),
    ("PUT", "/api/v1/tags/{spare_tag_id}", "admin", 200, {"name": "Contract tag renamed"}),
    ("PUT", "/api/v1/tags/999999", "admin", 404, {"name": "Nobody"}),
    ("POST", "/api/v1/conversations/{conv_uuid}/tags", "admin", 200,
     {"tags": ["Contract tag", "No such tag"], "action": "add_tags"}),
    ("DELETE", "/api/v1/tags/{spare_tag_id}", "admin", 200),
    ("DELETE", "/api/v1/tags/999999", "admin", 404),
    # Inboxes ({spare_inbox_id}: an e-mail inbox no other case uses; admin only, as the
    # agent's key is gone by now).
    ("GET", "/api/v1/inboxes", "admin", 200),
    ("POST", "/api/v1/inboxes", "admin", 200, CONTRACT_INBOX),
    ("POST", "/api/v1/inboxes", "admin", 400,
     {"name": "No config", "channel": "email", "from": "support@example.com"}),
    ("GET", "/api/v1/inboxes/{spare_inbox_id}", "admin", 200),
    ("GET", "/api/v1/inboxes/999999", "admin", 404),
    ("PUT", "/api/v1/inboxes/{spare_inbox_id}", "admin", 200, CONTRACT_INBOX),
    ("PUT", "/api/v1/inboxes/{spare_inbox_id}/toggle", "admin", 200, {"enabled": False}),
    ("DELETE", "/api/v1/inboxes/{spare_inbox_id}", "admin", 200),
    ("DELETE", "/api/v1/inboxes/{spare_inbox_id}", "admin", 404),
    # Webhooks (older full spec; admin or nobody). {spare_webhook_id}: a webhook no other
    # case uses.
    ("GET", "/api/v1/webhooks", "admin", 200),
    ("GET", "/api/v1/webhooks", None, 401),
    ("POST", "/api/v1/webhooks", "admin", 200,
     {"name": "Contract hook", "url": "https://hooks.example.org/in",
      "events": ["conversation.created", "message.created"], "secret": "contract-secret",
      "is_active": True}),
    ("POST", "/api/v1/webhooks", "admin", 400,
     {"name": "Contract hook", "url": "ftp://hooks.example.org/in", "events": ["message.created"]}),
    ("POST", "/api/v1/webhooks", "admin", 400,
     {"name": "Contract hook", "url": "https://hooks.example.org/in", "events": ["nope"]}),
    ("GET", "/api/v1/webhooks/{spare_webhook_id}", "admin", 200),
    ("GET", "/api/v1/webhooks/999999", "admin", 404),
    ("PUT", "/api/v1/webhooks/{spare_webhook_id}", "admin", 200,
     {"name": "Contract hook 2", "url": "https://hooks.example.org/in2",
      "events": ["conversation.status_changed"], "is_active": True}),
    ("PUT", "/api/v1/webhooks/999999", "admin", 404,
     {"name": "Nobody", "url": "https://hooks.example.org/in", "events": ["message.created"]}),
    ("PUT", "/api/v1/webhooks/{spare_webhook_id}/toggle", "admin", 200, {}),
    ("POST", "/api/v1/webhooks/{spare_webhook_id}/test", "admin", 200, {}),
    ("GET", "/api/v1/webhooks/{spare_webhook_id}/deliveries", "admin", 200),
    ("POST", "/api/v1/webhooks/999999/test", "admin", 404, {}),
    ("DELETE", "/api/v1/webhooks/{spare_webhook_id}", "admin", 200),
    ("DELETE", "/api/v1/webhooks/{spare_webhook_id}", "admin", 404),
    # The overview reports (reports:manage): counts, charts and sla are in the older spec.
    ("GET", "/api/v1/reports/overview/counts", "admin", 200),
    ("GET", "/api/v1/reports/overview/charts?days=30", "admin", 200),
    ("GET", "/api/v1/reports/overview/sla?days=30", "admin", 200),
    ("GET", "/api/v1/reports/overview/sla", None, 401),
    ("GET", "/api/v1/reports/overview/csat?days=30", "admin", 200),
    ("GET", "/api/v1/reports/overview/messages?days=30", "admin", 200),
    ("GET", "/api/v1/reports/overview/tags?days=30", "admin", 200),
    ("GET", "/api/v1/reports/overview/tags", "admin", 200),
    ("GET", "/api/v1/reports/overview/counts", None, 401),
    ("GET", "/api/v1/reports/overview/charts", None, 401),
    ("GET", "/api/v1/reports/overview/csat", None, 401),
    ("GET", "/api/v1/reports/overview/messages", None, 401),
    ("GET", "/api/v1/reports/overview/tags", None, 401),
    # The survey routes are public; every one checks the token's signature first, so
    # without a link deskd made only the 404s can be reached (it_csat answers real links).
    ("GET", "/api/v1/csat/" + CSAT_FORGED, None, 404),
    ("GET", "/api/v1/csat/" + CSAT_FORGED.split(".")[0], None, 404),
    ("POST", "/api/v1/csat/" + CSAT_FORGED + "/response", None, 404, {"rating": 5}),
    ("POST", "/api/v1/csat/" + CSAT_FORGED + "/response", None, 404, {"rating": 9}),
]

# Documented properties that upstream itself never sends, so they are not
# required of deskd either: {schema name: {property, ...}}.
NOT_SENT_UPSTREAM = {
    "ConversationListItem": {"assignee_last_seen_at"},
    "Conversation": {"assignee_last_seen_at"},
    # The spec's Contact carries agent fields; a conversation's contact has none of them.
    "Contact": {"roles", "permissions", "teams", "api_key", "api_key_last_used_at"},
    # Upstream sends a custom attribute's data_type and values, never type or options.
    "CustomAttribute": {"type", "options"},
    # Upstream's template carries its text as `body` (the column's name), never `content`.
    "Template": {"content"},
    # The OIDC envelopes document a `success` flag; upstream's envelope is {status, data}.
    "OIDCResponse": {"success"},
    "OIDCListResponse": {"success"},
}

# Where the spec's schema is wrong, the type upstream really sends.
SPEC_FIXES = {
    # Upstream stores and sends SLA durations as Go duration strings ("2h", "30m").
    ("SLA", "first_response_time"): {"type": "string"},
    ("SLA", "resolution_time"): {"type": "string"},
    # A list of {type, value, display_value}, not an object.
    ("Macro", "actions"): {"type": "array", "items": {"type": "object"}},
    ("Conversation", "meta"): {"type": "object"},  # an object, not an array of objects
    # A free-form bag: e-mail replies carry to/cc/bcc/from/subject, notes and
    # contact messages do not; the listed keys are possible, not required.
    ("Message", "meta"): {"type": "object"},
    # Upstream's message_type has a third value the schema leaves out: the
    # activity messages that status, priority and assignee changes leave.
    ("Message", "type"): {"type": "string", "enum": ["incoming", "outgoing", "activity"]},
    # null until an update check finds a newer release (deskd makes none).
    ("GeneralSettings", "app.update"): {"type": ["object", "null"]},
    # Upstream's page of activity logs, not a bare array.
    ("ActivityLogListResponse", "data"): {
        "type": "object",
        "required": ["results", "total", "per_page", "total_pages", "page"],
        "properties": {
            "results": {"type": "array", "items": {"$ref": "#/definitions/ActivityLog"}},
            "total": {"type": "integer"}, "per_page": {"type": "integer"},
            "total_pages": {"type": "integer"}, "page": {"type": "integer"},
        },
    },
    # The list's items are agents, not {"status","data"} envelopes of one.
    ("AgentListResponse", "data"): {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["id", "type", "first_name", "last_name", "email", "enabled",
                         "avatar_url", "created_at", "updated_at"],
            "properties": {
                "id": {"type": "integer"}, "type": {"type": "string"},
                "first_name": {"type": "string"}, "last_name": {"type": "string"},
                "email": {"type": "string"}, "enabled": {"type": "boolean"},
                "avatar_url": {"type": ["string", "null"]},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
            },
        },
    },
}

# Schemas that describe the payload although upstream wraps it in the
# {"status":"success","data":...} envelope like every response: `data` is
# validated against them.
PAYLOAD_ONLY = {"ConversationParticipantsResponse"}

# A webhook as upstream answers it.
UPSTREAM_WEBHOOK = {
    "type": "object",
    "required": ["id", "created_at", "updated_at", "name", "url", "events", "secret", "is_active"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"}, "name": {"type": "string"},
        "url": {"type": "string"}, "events": {"type": "array", "items": {"enum": [
            "conversation.created", "conversation.status_changed", "conversation.tags_changed",
            "conversation.assigned", "conversation.unassigned", "message.created",
            "message.updated"]}},
        "secret": {"enum": ["", "\u2022" * 10]}, "is_active": {"type": "boolean"},
    },
}

# Operations whose documented success schema upstream does not send: {(method, spec path): schema}.
RESPONSE_FIXES = {
    # Upstream answers a bare {"message"}, no envelope and no conversation.
    ("POST", "/api/v1/conversations/{uuid}/macros/{id}/apply"): {
        "type": "object", "required": ["message"],
        "properties": {"message": {"const": "Macro applied"}}, "additionalProperties": False,
    },
    # The older spec's Webhook has `enabled` and `headers`; upstream's webhook has
    # `is_active` and no headers (internal/webhook/models), and the secret masked.
    **{(m, p): {
        "type": "object", "required": ["status", "data"],
        "properties": {"status": {"const": "success"},
                       "data": {"type": "array", "items": UPSTREAM_WEBHOOK} if many
                       else UPSTREAM_WEBHOOK},
    } for (m, p, many) in (("GET", "/api/v1/webhooks", True), ("POST", "/api/v1/webhooks", False),
                           ("GET", "/api/v1/webhooks/{id}", False),
                           ("PUT", "/api/v1/webhooks/{id}", False),
                           ("PUT", "/api/v1/webhooks/{id}/toggle", False))},
    # The older spec types the SLA report's averages as integers; upstream's are float64
    # (internal/report/models), and it adds the three compliance percentages.
    ("GET", "/api/v1/reports/overview/sla"): {
        "type": "object", "required": ["status", "data"],
        "properties": {"status": {"const": "success"}, "data": {
            "type": "object", "additionalProperties": False,
            "required": [f"{m}_{k}" for m in ("first_response", "next_response", "resolution")
                         for k in ("met_count", "breached_count", "compliance_percent")]
            + ["avg_first_response_time_sec", "avg_next_response_time_sec",
               "avg_resolution_time_sec"],
            "properties": {
                **{f"{m}_{k}": {"type": "integer", "minimum": 0}
                   for m in ("first_response", "next_response", "resolution")
                   for k in ("met_count", "breached_count")},
                **{f"{m}_compliance_percent": {"type": "number", "minimum": 0, "maximum": 100}
                   for m in ("first_response", "next_response", "resolution")},
                **{f"avg_{m}_time_sec": {"type": "number"}
                   for m in ("first_response", "next_response", "resolution")},
            }}},
    },
    # Upstream answers with a sentence, not the documented `true`.
    ("PUT", "/api/v1/ai/provider"): {
        "type": "object", "required": ["status", "data"],
        "properties": {"status": {"const": "success"},
                       "data": {"const": "Provider updated successfully"}},
    },
}
