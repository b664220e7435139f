-- 038_default_sla_policy.sql: adopting Libredesk: its settings rows stay as
-- they are, so no app.sla_policy_id row is added.  Until an admin writes
-- one (PUT /api/v1/settings/general), there is no default policy.
SELECT 1;
