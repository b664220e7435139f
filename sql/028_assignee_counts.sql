-- 028_assignee_counts.sql: the conversation counts per (status, assignee)
-- only, for the lists whose conditions involve nothing else.
--
-- deskd_conversation_counts (004) has a row per (status, priority, assignee,
-- team, inbox) that occurs: a few thousand rows, all read for the total of
-- an unfiltered list and for its four assignee counts.  This rollup has a
-- row per (status, assignee), a few hundred at most, and serves those lists
-- (the list engine picks it when no condition names a priority, team or
-- inbox).  Kept exact in the same transaction by its own statement-level
-- triggers, which fire before 004's (trigger names sort so), so every
-- writer locks the rollup's rows and then 004's, each in key order.

CREATE TABLE IF NOT EXISTS deskd_assignee_counts (
    status_id INT NOT NULL,
    assigned_user_id BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status_id, assigned_user_id)
);

CREATE OR REPLACE FUNCTION deskd_assignee_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO deskd_assignee_counts AS t
        SELECT status_id, coalesce(assigned_user_id, 0), count(*)
        FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (status_id, assigned_user_id) DO UPDATE SET n = t.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO deskd_assignee_counts AS t
        SELECT status_id, coalesce(assigned_user_id, 0), -count(*)
        FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (status_id, assigned_user_id) DO UPDATE SET n = t.n + EXCLUDED.n;
    ELSE
        INSERT INTO deskd_assignee_counts AS t
        SELECT s, u, sum(d) FROM (
            SELECT o.status_id AS s, coalesce(o.assigned_user_id, 0) AS u, -1 AS d
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status_id, o.assigned_user_id) IS DISTINCT FROM (n.status_id, n.assigned_user_id)
            UNION ALL
            SELECT n.status_id, coalesce(n.assigned_user_id, 0), 1
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status_id, o.assigned_user_id) IS DISTINCT FROM (n.status_id, n.assigned_user_id)
        ) d GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
        ON CONFLICT (status_id, assigned_user_id) DO UPDATE SET n = t.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS conversations_assignee_counts_insert ON conversations;
CREATE TRIGGER conversations_assignee_counts_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_assignee_counts_apply();
DROP TRIGGER IF EXISTS conversations_assignee_counts_delete ON conversations;
CREATE TRIGGER conversations_assignee_counts_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_assignee_counts_apply();
DROP TRIGGER IF EXISTS conversations_assignee_counts_update ON conversations;
CREATE TRIGGER conversations_assignee_counts_update AFTER UPDATE ON conversations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_assignee_counts_apply();

CREATE OR REPLACE FUNCTION deskd_assignee_counts_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM deskd_assignee_counts;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS conversations_assignee_counts_truncate ON conversations;
CREATE TRIGGER conversations_assignee_counts_truncate AFTER TRUNCATE ON conversations
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_assignee_counts_truncate();

-- The rows already there (from 004's counts, which are exact).
DELETE FROM deskd_assignee_counts;
INSERT INTO deskd_assignee_counts
SELECT status_id, assigned_user_id, sum(n) FROM deskd_conversation_counts
GROUP BY 1, 2 HAVING sum(n) <> 0;
