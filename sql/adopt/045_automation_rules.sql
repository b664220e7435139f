-- 045_automation_rules.sql: adopting Libredesk: upstream's automation_rules
-- table, its automation_execution_mode type and both indexes are what 045
-- makes; nothing is added.
SELECT 1;
