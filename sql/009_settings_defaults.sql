-- 009_settings_defaults.sql: the settings upstream seeds that 002 did not,
-- with upstream's defaults: showing the subject, and the SMTP server the
-- notification e-mails go through (off until an admin sets it up).

INSERT INTO settings (key, value) VALUES
('app.show_conversation_subject', 'true'),
('notification.email.username', '"admin@yourcompany.com"'),
('notification.email.host', '""'),
('notification.email.port', '587'),
('notification.email.password', '""'),
('notification.email.max_conns', '5'),
('notification.email.idle_timeout', '"25s"'),
('notification.email.wait_timeout', '"60s"'),
('notification.email.auth_protocol', '"plain"'),
('notification.email.tls_type', '"starttls"'),
('notification.email.tls_skip_verify', 'false'),
('notification.email.hello_hostname', '""'),
('notification.email.email_address', '"admin@yourcompany.com"'),
('notification.email.max_msg_retries', '3'),
('notification.email.enabled', 'false')
ON CONFLICT (key) DO NOTHING;
