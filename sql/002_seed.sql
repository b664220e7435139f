-- 002_seed.sql: rows every deskd database starts with.

INSERT INTO roles (name, description, permissions) VALUES
('Agent', 'Role for all agents with limited access to conversations.', ARRAY[
    'conversations:read_all', 'conversations:read_unassigned', 'conversations:read_assigned',
    'conversations:read_team_inbox', 'conversations:read_team_all', 'conversations:read',
    'conversations:update_user_assignee', 'conversations:update_team_assignee',
    'conversations:update_priority', 'conversations:update_status', 'conversations:update_tags',
    'messages:read', 'messages:write', 'view:manage'
]),
('Admin', 'Role for users who have complete access to everything.', ARRAY[
    'conversations:read_all', 'conversations:read_unassigned', 'conversations:read_assigned',
    'conversations:read_team_inbox', 'conversations:read_team_all', 'conversations:read',
    'conversations:update_user_assignee', 'conversations:update_team_assignee',
    'conversations:update_priority', 'conversations:update_status', 'conversations:update_tags',
    'messages:read', 'messages:write', 'view:manage',
    'conversations:write', 'contacts:read_all', 'contacts:read', 'contacts:write',
    'contacts:block', 'contact_notes:read', 'contact_notes:write', 'contact_notes:delete',
    'webhooks:manage', 'context_links:manage', 'activity_logs:manage',
    'custom_attributes:manage', 'ai:manage', 'general_settings:manage',
    'notification_settings:manage', 'oidc:manage', 'shared_views:manage', 'status:manage',
    'tags:manage', 'macros:manage', 'users:manage', 'teams:manage', 'automations:manage',
    'inboxes:manage', 'roles:manage', 'reports:manage', 'templates:manage',
    'business_hours:manage', 'sla:manage'
]);

INSERT INTO conversation_statuses (name, category) VALUES
('Open', 'open'), ('Snoozed', 'waiting'), ('Resolved', 'resolved'), ('Closed', 'resolved');

INSERT INTO conversation_priorities (name) VALUES ('Low'), ('Medium'), ('High');

INSERT INTO ai_prompts (title, key, content) VALUES
('Make Friendly', 'make_friendly',
 'Rewrite the reply so it sounds warm and approachable while keeping every fact in it.'),
('Make Concise', 'make_concise',
 'Shorten the reply to the essential points, dropping filler but keeping the meaning.'),
('Add Empathy', 'add_empathy',
 'Rewrite the reply so it acknowledges how the customer feels before addressing the issue.'),
('Adjust Positive Tone', 'adjust_positive_tone',
 'Rephrase the reply in a constructive, optimistic tone without changing what it promises.'),
('Make Professional', 'make_professional',
 'Rewrite the reply in a clear, courteous and professional business register.'),
('Fix Grammar & Spelling', 'fix_grammar_spelling',
 'Correct grammar, spelling and punctuation in the reply and change nothing else.');

INSERT INTO ai_providers (name, provider, config, is_default) VALUES
('openai', 'openai', '{"api_key": ""}', TRUE);

INSERT INTO inboxes (name, channel, "from", config) VALUES
('Support', 'email', 'Support <support@example.com>', '{}');

INSERT INTO business_hours (name, description, is_always_open, hours) VALUES
('Default', 'Monday to Friday, 09:00 to 17:00', FALSE,
 '{"Monday": {"open": "09:00", "close": "17:00"}, "Tuesday": {"open": "09:00", "close": "17:00"},
   "Wednesday": {"open": "09:00", "close": "17:00"}, "Thursday": {"open": "09:00", "close": "17:00"},
   "Friday": {"open": "09:00", "close": "17:00"}}');

INSERT INTO sla_policies (name, description, first_response_time, resolution_time) VALUES
('Default', 'First response within an hour, resolution within a day', '1h', '24h');

INSERT INTO settings (key, value) VALUES
('app.lang', '"en-US"'),
('app.root_url', '"http://127.0.0.1:8080"'),
('app.site_name', '"deskd"'),
('app.favicon_url', '""'),
('app.logo_url', '""'),
('app.max_file_upload_size', '20'),
('app.allowed_file_upload_extensions', '["*"]'),
('app.timezone', '"UTC"'),
('app.business_hours_id', '""'),
('notification.email.enabled', 'false');

-- The system user that owns automatic actions (upstream convention).
INSERT INTO users (type, email, first_name, last_name, enabled)
VALUES ('agent', 'System', 'System', '', TRUE);
INSERT INTO user_roles (user_id, role_id)
SELECT u.id, r.id FROM users u, roles r WHERE u.email = 'System' AND r.name = 'Admin';
