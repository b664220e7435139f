-- 036_unanswered_rollup.sql: the unanswered counts per (status, inbox,
-- assignee) only, for the unanswered lists whose conditions name neither
-- priority nor team (Vambe's queue, deskd's own unanswered list).
--
-- deskd_unanswered_counts (024) has a row per (status, priority, assignee,
-- team, inbox) that occurs among waiting conversations: more than a thousand
-- rows at 100k conversations, all summed for each page's total.  This
-- rollup has a row per (status, inbox, assignee), a few hundred at most.
-- Kept exact in the same transaction by its own statement-level triggers
-- (conversations_unanswered_rollup_*, which fire after 024's
-- conversations_unanswered_* as PostgreSQL fires triggers in name order;
-- every writer takes the row locks in the same order, each in key order).

CREATE TABLE IF NOT EXISTS deskd_unanswered_rollup (
    status_id INT NOT NULL,
    inbox_id INT NOT NULL,
    assigned_user_id BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status_id, inbox_id, assigned_user_id)
);

CREATE OR REPLACE FUNCTION deskd_unanswered_rollup_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO deskd_unanswered_rollup AS t
        SELECT status_id, inbox_id, coalesce(assigned_user_id, 0), count(*)
        FROM new_rows WHERE waiting_since IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (status_id, inbox_id, assigned_user_id) DO UPDATE SET n = t.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO deskd_unanswered_rollup AS t
        SELECT status_id, inbox_id, coalesce(assigned_user_id, 0), -count(*)
        FROM old_rows WHERE waiting_since IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (status_id, inbox_id, assigned_user_id) DO UPDATE SET n = t.n + EXCLUDED.n;
    ELSE
        INSERT INTO deskd_unanswered_rollup AS t
        SELECT s, i, u, sum(d) FROM (
            SELECT o.status_id AS s, o.inbox_id AS i, coalesce(o.assigned_user_id, 0) AS u, -1 AS d
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.waiting_since IS NOT NULL
              AND (o.status_id, o.inbox_id, o.assigned_user_id, n.waiting_since IS NULL)
                  IS DISTINCT FROM (n.status_id, n.inbox_id, n.assigned_user_id, false)
            UNION ALL
            SELECT n.status_id, n.inbox_id, coalesce(n.assigned_user_id, 0), 1
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.waiting_since IS NOT NULL
              AND (o.status_id, o.inbox_id, o.assigned_user_id, o.waiting_since IS NULL)
                  IS DISTINCT FROM (n.status_id, n.inbox_id, n.assigned_user_id, false)
        ) d GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (status_id, inbox_id, assigned_user_id) DO UPDATE SET n = t.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS conversations_unanswered_rollup_insert ON conversations;
CREATE TRIGGER conversations_unanswered_rollup_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_unanswered_rollup_apply();
DROP TRIGGER IF EXISTS conversations_unanswered_rollup_delete ON conversations;
CREATE TRIGGER conversations_unanswered_rollup_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_unanswered_rollup_apply();
DROP TRIGGER IF EXISTS conversations_unanswered_rollup_update ON conversations;
CREATE TRIGGER conversations_unanswered_rollup_update AFTER UPDATE ON conversations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_unanswered_rollup_apply();

CREATE OR REPLACE FUNCTION deskd_unanswered_rollup_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM deskd_unanswered_rollup;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS conversations_unanswered_rollup_truncate ON conversations;
CREATE TRIGGER conversations_unanswered_rollup_truncate AFTER TRUNCATE ON conversations
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_unanswered_rollup_truncate();

-- The rows already there (from 024's counts, which are exact).
DELETE FROM deskd_unanswered_rollup;
INSERT INTO deskd_unanswered_rollup
SELECT status_id, inbox_id, assigned_user_id, sum(n) FROM deskd_unanswered_counts
GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
