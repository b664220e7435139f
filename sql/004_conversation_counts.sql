-- 004_conversation_counts.sql: exact conversation counts without rescans.
--
-- Conversation lists report the true total.  Counting the rows of a scope
-- on every page would read the whole scope each time, so this table keeps
-- the number of conversations per (status, priority, assignee, team,
-- inbox); statement-level triggers keep it exact in the same transaction as
-- every change.  A list whose conditions only involve these columns gets its
-- total by summing a few hundred rows.  NULL ids are stored as 0 (ids start
-- at 1), so the columns can form a plain unique key.

CREATE TABLE deskd_conversation_counts (
    status_id INT NOT NULL,
    priority_id INT NOT NULL,
    assigned_user_id BIGINT NOT NULL,
    assigned_team_id BIGINT NOT NULL,
    inbox_id INT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status_id, priority_id, assigned_user_id, assigned_team_id, inbox_id)
);

-- Applies (group, delta) pairs in key order, so that concurrent transactions
-- lock summary rows in the same order and cannot deadlock on them.
CREATE FUNCTION deskd_conversation_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO deskd_conversation_counts AS t
        SELECT status_id, coalesce(priority_id, 0), coalesce(assigned_user_id, 0),
               coalesce(assigned_team_id, 0), inbox_id, count(*)
        FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (status_id, priority_id, assigned_user_id, assigned_team_id, inbox_id)
        DO UPDATE SET n = t.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO deskd_conversation_counts AS t
        SELECT status_id, coalesce(priority_id, 0), coalesce(assigned_user_id, 0),
               coalesce(assigned_team_id, 0), inbox_id, -count(*)
        FROM old_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (status_id, priority_id, assigned_user_id, assigned_team_id, inbox_id)
        DO UPDATE SET n = t.n + EXCLUDED.n;
    ELSE
        INSERT INTO deskd_conversation_counts AS t
        SELECT s, p, u, tm, i, sum(d) FROM (
            SELECT o.status_id AS s, coalesce(o.priority_id, 0) AS p,
                   coalesce(o.assigned_user_id, 0) AS u, coalesce(o.assigned_team_id, 0) AS tm,
                   o.inbox_id AS i, -1 AS d
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status_id, o.priority_id, o.assigned_user_id, o.assigned_team_id, o.inbox_id)
                  IS DISTINCT FROM
                  (n.status_id, n.priority_id, n.assigned_user_id, n.assigned_team_id, n.inbox_id)
            UNION ALL
            SELECT n.status_id, coalesce(n.priority_id, 0), coalesce(n.assigned_user_id, 0),
                   coalesce(n.assigned_team_id, 0), n.inbox_id, 1
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status_id, o.priority_id, o.assigned_user_id, o.assigned_team_id, o.inbox_id)
                  IS DISTINCT FROM
                  (n.status_id, n.priority_id, n.assigned_user_id, n.assigned_team_id, n.inbox_id)
        ) d GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (status_id, priority_id, assigned_user_id, assigned_team_id, inbox_id)
        DO UPDATE SET n = t.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER conversations_counts_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_conversation_counts_apply();
CREATE TRIGGER conversations_counts_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_conversation_counts_apply();
CREATE TRIGGER conversations_counts_update AFTER UPDATE ON conversations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_conversation_counts_apply();

-- TRUNCATE bypasses row triggers: start the counts over.
CREATE FUNCTION deskd_conversation_counts_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM deskd_conversation_counts;
    RETURN NULL;
END
$$;
CREATE TRIGGER conversations_counts_truncate AFTER TRUNCATE ON conversations
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_conversation_counts_truncate();

-- Existing rows (a Libredesk database adopted by deskd).
INSERT INTO deskd_conversation_counts
SELECT status_id, coalesce(priority_id, 0), coalesce(assigned_user_id, 0),
       coalesce(assigned_team_id, 0), inbox_id, count(*)
FROM conversations GROUP BY 1, 2, 3, 4, 5;

-- The time zone date-only filter values are read in: the app.timezone
-- setting when it names a valid zone, else UTC (as upstream).
CREATE FUNCTION deskd_app_timezone() RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    tz text;
BEGIN
    SELECT value #>> '{}' INTO tz FROM settings WHERE key = 'app.timezone';
    IF tz IS NULL OR tz = '' THEN
        RETURN 'UTC';
    END IF;
    PERFORM now() AT TIME ZONE tz;
    RETURN tz;
EXCEPTION WHEN OTHERS THEN
    RETURN 'UTC';
END
$$;

-- The default list order over every conversation.
CREATE INDEX index_conversations_last_message_at_desc
    ON conversations (last_message_at DESC NULLS LAST, id DESC);
