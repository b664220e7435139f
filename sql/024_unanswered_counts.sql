-- 024_unanswered_counts.sql: the unanswered list (conversations waiting for
-- an answer: waiting_since is set when the contact writes and cleared when
-- an agent replies, see app/store/messages.c), longest wait first, with an
-- exact total at any size.
--
-- deskd_unanswered_counts holds, like deskd_conversation_counts (sql/004),
-- the number of conversations per (status, priority, assignee, team, inbox),
-- but only of those with waiting_since set; statement-level triggers keep it
-- exact in the same transaction as every change.  NULL ids are stored as 0.

CREATE TABLE IF NOT EXISTS deskd_unanswered_counts (
    status_id INT NOT NULL,
    priority_id INT NOT NULL,
    assigned_user_id BIGINT NOT NULL,
    assigned_team_id BIGINT NOT NULL,
    inbox_id INT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status_id, priority_id, assigned_user_id, assigned_team_id, inbox_id)
) WITH (
    fillfactor = 50,
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 2000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 2000
);
CREATE INDEX IF NOT EXISTS index_deskd_unanswered_counts_on_user_team
    ON deskd_unanswered_counts (assigned_user_id, assigned_team_id);

-- Applies (group, delta) pairs in key order (no deadlocks between writers).
CREATE OR REPLACE FUNCTION deskd_unanswered_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO deskd_unanswered_counts AS t
        SELECT status_id, coalesce(priority_id, 0), coalesce(assigned_user_id, 0),
               coalesce(assigned_team_id, 0), inbox_id, count(*)
        FROM new_rows WHERE waiting_since IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (status_id, priority_id, assigned_user_id, assigned_team_id, inbox_id)
        DO UPDATE SET n = t.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO deskd_unanswered_counts AS t
        SELECT status_id, coalesce(priority_id, 0), coalesce(assigned_user_id, 0),
               coalesce(assigned_team_id, 0), inbox_id, -count(*)
        FROM old_rows WHERE waiting_since IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (status_id, priority_id, assigned_user_id, assigned_team_id, inbox_id)
        DO UPDATE SET n = t.n + EXCLUDED.n;
    ELSE
        INSERT INTO deskd_unanswered_counts AS t
        SELECT s, p, u, tm, i, sum(d) FROM (
            SELECT o.status_id AS s, coalesce(o.priority_id, 0) AS p,
                   coalesce(o.assigned_user_id, 0) AS u, coalesce(o.assigned_team_id, 0) AS tm,
                   o.inbox_id AS i, -1 AS d
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.waiting_since IS NOT NULL
              AND (o.status_id, o.priority_id, o.assigned_user_id, o.assigned_team_id,
                   o.inbox_id, TRUE)
                  IS DISTINCT FROM
                  (n.status_id, n.priority_id, n.assigned_user_id, n.assigned_team_id,
                   n.inbox_id, n.waiting_since IS NOT NULL)
            UNION ALL
            SELECT n.status_id, coalesce(n.priority_id, 0), coalesce(n.assigned_user_id, 0),
                   coalesce(n.assigned_team_id, 0), n.inbox_id, 1
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.waiting_since IS NOT NULL
              AND (o.status_id, o.priority_id, o.assigned_user_id, o.assigned_team_id,
                   o.inbox_id, o.waiting_since IS NOT NULL)
                  IS DISTINCT FROM
                  (n.status_id, n.priority_id, n.assigned_user_id, n.assigned_team_id,
                   n.inbox_id, TRUE)
        ) d GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (status_id, priority_id, assigned_user_id, assigned_team_id, inbox_id)
        DO UPDATE SET n = t.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS conversations_unanswered_insert ON conversations;
CREATE TRIGGER conversations_unanswered_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_unanswered_counts_apply();
DROP TRIGGER IF EXISTS conversations_unanswered_delete ON conversations;
CREATE TRIGGER conversations_unanswered_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_unanswered_counts_apply();
DROP TRIGGER IF EXISTS conversations_unanswered_update ON conversations;
CREATE TRIGGER conversations_unanswered_update AFTER UPDATE ON conversations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_unanswered_counts_apply();

CREATE OR REPLACE FUNCTION deskd_unanswered_counts_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM deskd_unanswered_counts;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS conversations_unanswered_truncate ON conversations;
CREATE TRIGGER conversations_unanswered_truncate AFTER TRUNCATE ON conversations
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_unanswered_counts_truncate();

-- Existing rows.
DELETE FROM deskd_unanswered_counts;
INSERT INTO deskd_unanswered_counts
SELECT status_id, coalesce(priority_id, 0), coalesce(assigned_user_id, 0),
       coalesce(assigned_team_id, 0), inbox_id, count(*)
FROM conversations WHERE waiting_since IS NOT NULL GROUP BY 1, 2, 3, 4, 5;

-- The page: waiting longest first, overall and per assignee.
CREATE INDEX IF NOT EXISTS index_conversations_unanswered
    ON conversations (waiting_since, id) WHERE waiting_since IS NOT NULL;
CREATE INDEX IF NOT EXISTS index_conversations_unanswered_by_user
    ON conversations (assigned_user_id, waiting_since, id) WHERE waiting_since IS NOT NULL;
