-- 052_report_tag_rows.sql: the tag report's partial first day without
-- probing conversation_tags once per conversation.
--
-- The days wholly inside a window come from deskd_report_tag_days (050);
-- the partial first day needs the tags of the conversations created in it.
-- This table mirrors conversation_tags with each conversation's created_at,
-- so that day is one range of an index-only scan.  Kept by the same
-- statement-level triggers as 050's tag tables (their functions are
-- replaced here), in the same transaction; a deleted conversation's rows go
-- in deskd_report_conversation_gone(), before the cascade.  A conversation's
-- created_at is never updated (as upstream), so the copy stays right.

CREATE TABLE IF NOT EXISTS deskd_report_tag_rows (
    conversation_id BIGINT NOT NULL,
    tag_id INT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (conversation_id, tag_id)
);
CREATE INDEX IF NOT EXISTS index_deskd_report_tag_rows_on_created_at
    ON deskd_report_tag_rows (created_at) INCLUDE (tag_id, conversation_id);

CREATE OR REPLACE FUNCTION deskd_report_tag_rows_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO deskd_report_tag_rows (conversation_id, tag_id, created_at)
        SELECT r.conversation_id, r.tag_id, c.created_at
        FROM new_rows r JOIN conversations c ON c.id = r.conversation_id ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
    ELSE
        DELETE FROM deskd_report_tag_rows m USING old_rows r
        WHERE m.conversation_id = r.conversation_id AND m.tag_id = r.tag_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER conversation_tags_report_rows_insert AFTER INSERT ON conversation_tags
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_tag_rows_apply();
CREATE TRIGGER conversation_tags_report_rows_delete AFTER DELETE ON conversation_tags
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_tag_rows_apply();

CREATE OR REPLACE FUNCTION deskd_report_conversation_gone() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    k BIGINT;
BEGIN
    INSERT INTO deskd_report_tag_days AS t
    SELECT tag_id, deskd_utc_day(OLD.created_at), -1 FROM conversation_tags
    WHERE conversation_id = OLD.id ORDER BY tag_id
    ON CONFLICT (tag_id, created_day) DO UPDATE SET n = t.n + EXCLUDED.n;
    DELETE FROM deskd_report_tag_rows WHERE conversation_id = OLD.id;
    DELETE FROM deskd_report_conversation_tag_counts WHERE conversation_id = OLD.id
    RETURNING n INTO k;
    IF k > 0 THEN
        UPDATE deskd_report_tagged_days SET n = n - 1 WHERE created_day = deskd_utc_day(OLD.created_at);
    END IF;
    RETURN OLD;
END
$$;

CREATE OR REPLACE FUNCTION deskd_report_tag_rows_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM deskd_report_tag_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER conversations_report_rows_truncate AFTER TRUNCATE ON conversations
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_tag_rows_truncate();
CREATE TRIGGER conversation_tags_report_rows_truncate AFTER TRUNCATE ON conversation_tags
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_tag_rows_truncate();

-- Existing rows.
INSERT INTO deskd_report_tag_rows (conversation_id, tag_id, created_at)
SELECT ct.conversation_id, ct.tag_id, c.created_at
FROM conversation_tags ct JOIN conversations c ON c.id = ct.conversation_id
ON CONFLICT DO NOTHING;
