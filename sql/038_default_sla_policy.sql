-- 038_default_sla_policy.sql: the SLA policy a conversation gets when its
-- team has none (or it has no team): settings' app.sla_policy_id, "" for
-- none (the default), like app.business_hours_id beside it.  Upstream has no
-- such setting and ignores the row.

INSERT INTO settings (key, value) VALUES ('app.sla_policy_id', '""')
ON CONFLICT (key) DO NOTHING;
