-- 037_automation_version.sql: a version counter for the automation rules.
--
-- Each deskd process keeps the enabled rules parsed in memory.  Every
-- write of automation_rules through deskd bumps this counter in the same
-- transaction (store/automation.c), and the statement that reads a
-- conversation for the rules also reads the counter, so a process rebuilds
-- its copy as soon as the rules change.
INSERT INTO deskd_cache_versions (name) VALUES ('automation') ON CONFLICT (name) DO NOTHING;
