-- 003_cache_versions.sql: a version counter for small reference tables.
--
-- deskd workers keep the JSON of the reference lists (statuses, priorities,
-- AI prompts) in memory.  Any change to those tables bumps this counter in
-- the same transaction, and the authentication query that runs on every
-- request returns the current value, so a worker serves its copy only while
-- the version it was built from is still current.

CREATE TABLE deskd_cache_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1
);
INSERT INTO deskd_cache_versions (name) VALUES ('reference');

CREATE FUNCTION deskd_bump_reference_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE deskd_cache_versions SET version = version + 1 WHERE name = 'reference';
    RETURN NULL;
END
$$;

CREATE TRIGGER conversation_statuses_bump_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON conversation_statuses
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_bump_reference_version();
CREATE TRIGGER conversation_priorities_bump_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON conversation_priorities
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_bump_reference_version();
CREATE TRIGGER ai_prompts_bump_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ai_prompts
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_bump_reference_version();
