-- 050_reports.sql: the overview reports (/api/v1/reports/overview/*) at any
-- size (the CSAT table they read is 040's).
--
-- Each windowed report counts the rows created since a point in time (now
-- minus N days, or today's midnight).  Scanning those rows would read up to
-- a year of conversations or messages per request, so these tables keep the
-- counts per UTC day (deskd's sessions run in UTC, so a day here is the day
-- upstream's queries group by).  A report sums the days wholly inside its
-- window and counts the rows of the one partial day at its start from the
-- base tables through their created_at indexes.  Statement-level triggers
-- keep every table exact in the same transaction as each change, applying
-- deltas in key order (no deadlocks between writers).  Rows created before
-- this migration (an adopted Libredesk database) are counted at its end.

-- The CSAT and SLA reports read their window's rows through these.
CREATE INDEX IF NOT EXISTS index_csat_responses_on_created_at
    ON csat_responses (created_at) INCLUDE (rating);
CREATE INDEX IF NOT EXISTS index_applied_slas_on_created_at ON applied_slas (created_at);
CREATE INDEX IF NOT EXISTS index_sla_events_on_type_created_at ON sla_events (type, created_at);
CREATE INDEX IF NOT EXISTS index_conversation_tags_on_conversation_id
    ON conversation_tags (conversation_id);

CREATE OR REPLACE FUNCTION deskd_utc_day(timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ($1 AT TIME ZONE 'UTC')::date $$;

-- Conversations per (day created, day resolved); an unresolved one is
-- counted under resolved_day 'infinity'.  Serves the charts and the totals
-- behind the tag report's untagged count.
CREATE TABLE IF NOT EXISTS deskd_report_conversation_days (
    created_day DATE NOT NULL,
    resolved_day DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (created_day, resolved_day)
) WITH (fillfactor = 70);

-- Conversations per status with the flags the counts report needs.
CREATE TABLE IF NOT EXISTS deskd_report_status_counts (
    status_id INT PRIMARY KEY,
    n BIGINT NOT NULL,
    unassigned BIGINT NOT NULL,
    awaiting BIGINT NOT NULL,
    pending BIGINT NOT NULL
) WITH (fillfactor = 50);

CREATE OR REPLACE FUNCTION deskd_report_conversations_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO deskd_report_conversation_days AS t
        SELECT deskd_utc_day(created_at), coalesce(deskd_utc_day(resolved_at), 'infinity'), count(*)
        FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (created_day, resolved_day) DO UPDATE SET n = t.n + EXCLUDED.n;
        INSERT INTO deskd_report_status_counts AS t
        SELECT status_id, count(*), count(*) FILTER (WHERE assigned_user_id IS NULL),
               count(*) FILTER (WHERE last_message_sender = 'contact'),
               count(*) FILTER (WHERE first_reply_at IS NULL)
        FROM new_rows GROUP BY 1 ORDER BY 1
        ON CONFLICT (status_id) DO UPDATE SET n = t.n + EXCLUDED.n,
            unassigned = t.unassigned + EXCLUDED.unassigned, awaiting = t.awaiting + EXCLUDED.awaiting,
            pending = t.pending + EXCLUDED.pending;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO deskd_report_conversation_days AS t
        SELECT deskd_utc_day(created_at), coalesce(deskd_utc_day(resolved_at), 'infinity'), -count(*)
        FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (created_day, resolved_day) DO UPDATE SET n = t.n + EXCLUDED.n;
        INSERT INTO deskd_report_status_counts AS t
        SELECT status_id, -count(*), -count(*) FILTER (WHERE assigned_user_id IS NULL),
               -count(*) FILTER (WHERE last_message_sender = 'contact'),
               -count(*) FILTER (WHERE first_reply_at IS NULL)
        FROM old_rows GROUP BY 1 ORDER BY 1
        ON CONFLICT (status_id) DO UPDATE SET n = t.n + EXCLUDED.n,
            unassigned = t.unassigned + EXCLUDED.unassigned, awaiting = t.awaiting + EXCLUDED.awaiting,
            pending = t.pending + EXCLUDED.pending;
    ELSE
        INSERT INTO deskd_report_conversation_days AS t
        SELECT c, r, sum(d) FROM (
            SELECT deskd_utc_day(o.created_at) AS c,
                   coalesce(deskd_utc_day(o.resolved_at), 'infinity') AS r, -1 AS d
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (deskd_utc_day(o.created_at), deskd_utc_day(o.resolved_at))
                  IS DISTINCT FROM (deskd_utc_day(n.created_at), deskd_utc_day(n.resolved_at))
            UNION ALL
            SELECT deskd_utc_day(n.created_at), coalesce(deskd_utc_day(n.resolved_at), 'infinity'), 1
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (deskd_utc_day(o.created_at), deskd_utc_day(o.resolved_at))
                  IS DISTINCT FROM (deskd_utc_day(n.created_at), deskd_utc_day(n.resolved_at))
        ) x GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
        ON CONFLICT (created_day, resolved_day) DO UPDATE SET n = t.n + EXCLUDED.n;
        INSERT INTO deskd_report_status_counts AS t
        SELECT s, sum(d), sum(d * u), sum(d * a), sum(d * p) FROM (
            SELECT o.status_id AS s, -1 AS d, (o.assigned_user_id IS NULL)::int AS u,
                   (o.last_message_sender IS NOT DISTINCT FROM 'contact')::int AS a,
                   (o.first_reply_at IS NULL)::int AS p
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status_id, o.assigned_user_id IS NULL,
                   o.last_message_sender IS NOT DISTINCT FROM 'contact', o.first_reply_at IS NULL)
                  IS DISTINCT FROM
                  (n.status_id, n.assigned_user_id IS NULL,
                   n.last_message_sender IS NOT DISTINCT FROM 'contact', n.first_reply_at IS NULL)
            UNION ALL
            SELECT n.status_id, 1, (n.assigned_user_id IS NULL)::int,
                   (n.last_message_sender IS NOT DISTINCT FROM 'contact')::int,
                   (n.first_reply_at IS NULL)::int
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status_id, o.assigned_user_id IS NULL,
                   o.last_message_sender IS NOT DISTINCT FROM 'contact', o.first_reply_at IS NULL)
                  IS DISTINCT FROM
                  (n.status_id, n.assigned_user_id IS NULL,
                   n.last_message_sender IS NOT DISTINCT FROM 'contact', n.first_reply_at IS NULL)
        ) x GROUP BY 1 ORDER BY 1
        ON CONFLICT (status_id) DO UPDATE SET n = t.n + EXCLUDED.n,
            unassigned = t.unassigned + EXCLUDED.unassigned, awaiting = t.awaiting + EXCLUDED.awaiting,
            pending = t.pending + EXCLUDED.pending;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER conversations_report_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_conversations_apply();
CREATE TRIGGER conversations_report_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_conversations_apply();
CREATE TRIGGER conversations_report_update AFTER UPDATE ON conversations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_conversations_apply();

-- Tags: conversation_tags rows per (tag, day the conversation was created),
-- the number of tags of each tagged conversation, and the tagged
-- conversations per day created.  The per-conversation count is changed by
-- an upsert, which takes the row's lock and returns the count after the
-- change, so "became tagged / untagged" is exact under concurrent writers.
CREATE TABLE IF NOT EXISTS deskd_report_tag_days (
    tag_id INT NOT NULL,
    created_day DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (tag_id, created_day)
) WITH (fillfactor = 70);
CREATE TABLE IF NOT EXISTS deskd_report_conversation_tag_counts (
    conversation_id BIGINT PRIMARY KEY,
    n BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS deskd_report_tagged_days (
    created_day DATE PRIMARY KEY,
    n BIGINT NOT NULL
) WITH (fillfactor = 70);

-- Rows of conversation_tags whose conversation still exists (a deleted
-- conversation's tags are taken off by deskd_report_conversation_gone()).
CREATE OR REPLACE FUNCTION deskd_report_tags_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- One statement over either transition table, $1 the sign of its rows.
    EXECUTE format($q$
    WITH r AS (
        SELECT r.tag_id, r.conversation_id, deskd_utc_day(c.created_at) AS day
        FROM %I r JOIN conversations c ON c.id = r.conversation_id
    ), td AS (
        INSERT INTO deskd_report_tag_days AS t
        SELECT tag_id, day, $1 * count(*) FROM r GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (tag_id, created_day) DO UPDATE SET n = t.n + EXCLUDED.n
    ), d AS (
        SELECT conversation_id, min(day) AS day, $1 * count(*) AS k FROM r GROUP BY 1
    ), h AS (
        INSERT INTO deskd_report_conversation_tag_counts AS t
        SELECT conversation_id, k FROM d ORDER BY 1
        ON CONFLICT (conversation_id) DO UPDATE SET n = t.n + EXCLUDED.n
        RETURNING conversation_id, n
    )
    INSERT INTO deskd_report_tagged_days AS t
    SELECT d.day, sum(CASE WHEN h.n > 0 AND h.n - d.k = 0 THEN 1
                           WHEN h.n = 0 AND h.n - d.k > 0 THEN -1 ELSE 0 END)
    FROM d JOIN h USING (conversation_id) GROUP BY 1 ORDER BY 1
    ON CONFLICT (created_day) DO UPDATE SET n = t.n + EXCLUDED.n
    $q$, CASE WHEN TG_OP = 'INSERT' THEN 'new_rows' ELSE 'old_rows' END)
    USING CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
    RETURN NULL;
END
$$;

CREATE TRIGGER conversation_tags_report_insert AFTER INSERT ON conversation_tags
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_tags_apply();
CREATE TRIGGER conversation_tags_report_delete AFTER DELETE ON conversation_tags
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_tags_apply();

-- A conversation about to be deleted: its tags leave the tag tables now,
-- while its conversation_tags rows (deleted by the cascade) still exist.
CREATE OR REPLACE FUNCTION deskd_report_conversation_gone() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    k BIGINT;
BEGIN
    INSERT INTO deskd_report_tag_days AS t
    SELECT tag_id, deskd_utc_day(OLD.created_at), -1 FROM conversation_tags
    WHERE conversation_id = OLD.id ORDER BY tag_id
    ON CONFLICT (tag_id, created_day) DO UPDATE SET n = t.n + EXCLUDED.n;
    DELETE FROM deskd_report_conversation_tag_counts WHERE conversation_id = OLD.id
    RETURNING n INTO k;
    IF k > 0 THEN
        UPDATE deskd_report_tagged_days SET n = n - 1 WHERE created_day = deskd_utc_day(OLD.created_at);
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER conversations_report_gone BEFORE DELETE ON conversations
    FOR EACH ROW EXECUTE FUNCTION deskd_report_conversation_gone();

-- Messages: incoming and outgoing messages per (day, type); each
-- conversation's latest incoming or outgoing message (with the value it
-- replaced, returned by the same upsert) and the conversations per day of
-- that latest message: a conversation has a message in a window exactly
-- when its latest one is in it.  Messages keep their type and created_at
-- (nothing updates them), so only inserts and deletes are followed.
CREATE TABLE IF NOT EXISTS deskd_report_message_days (
    day DATE NOT NULL,
    type message_type NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (day, type)
) WITH (fillfactor = 50);
CREATE TABLE IF NOT EXISTS deskd_report_message_last (
    conversation_id BIGINT PRIMARY KEY,
    last_at TIMESTAMPTZ NOT NULL,
    prev_at TIMESTAMPTZ NULL
) WITH (fillfactor = 70);
CREATE INDEX IF NOT EXISTS index_deskd_report_message_last_on_last_at
    ON deskd_report_message_last (last_at);
CREATE TABLE IF NOT EXISTS deskd_report_message_last_days (
    day DATE PRIMARY KEY,
    n BIGINT NOT NULL
) WITH (fillfactor = 50);

CREATE OR REPLACE FUNCTION deskd_report_messages_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO deskd_report_message_days AS t
        SELECT deskd_utc_day(created_at), type, count(*) FROM new_rows
        WHERE type IN ('incoming', 'outgoing') GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (day, type) DO UPDATE SET n = t.n + EXCLUDED.n;
        WITH m AS (
            SELECT conversation_id, max(created_at) AS at FROM new_rows
            WHERE type IN ('incoming', 'outgoing') GROUP BY 1
        ), u AS (
            INSERT INTO deskd_report_message_last AS t (conversation_id, last_at)
            SELECT conversation_id, at FROM m ORDER BY 1
            ON CONFLICT (conversation_id) DO UPDATE
                SET prev_at = t.last_at, last_at = greatest(t.last_at, EXCLUDED.last_at)
            RETURNING last_at, prev_at, prev_at IS NOT NULL AS existed
        )
        INSERT INTO deskd_report_message_last_days AS t
        SELECT day, sum(d) FROM (
            SELECT deskd_utc_day(last_at) AS day, 1 AS d FROM u
            WHERE NOT existed OR deskd_utc_day(last_at) <> deskd_utc_day(prev_at)
            UNION ALL
            SELECT deskd_utc_day(prev_at), -1 FROM u
            WHERE existed AND deskd_utc_day(last_at) <> deskd_utc_day(prev_at)
        ) x GROUP BY 1 HAVING sum(d) <> 0 ORDER BY 1
        ON CONFLICT (day) DO UPDATE SET n = t.n + EXCLUDED.n;
    ELSE
        INSERT INTO deskd_report_message_days AS t
        SELECT deskd_utc_day(created_at), type, -count(*) FROM old_rows
        WHERE type IN ('incoming', 'outgoing') GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (day, type) DO UPDATE SET n = t.n + EXCLUDED.n;
        -- The latest message of each conversation that lost one, again.
        WITH redo AS (
            SELECT l.conversation_id, l.last_at AS was,
                   (SELECT max(cm.created_at) FROM conversation_messages cm
                    WHERE cm.conversation_id = l.conversation_id
                      AND cm.type IN ('incoming', 'outgoing')) AS now_at
            FROM deskd_report_message_last l
            WHERE l.conversation_id IN (SELECT conversation_id FROM old_rows
                                        WHERE type IN ('incoming', 'outgoing'))
            ORDER BY 1 FOR UPDATE OF l
        ), gone AS (
            DELETE FROM deskd_report_message_last l USING redo r
            WHERE l.conversation_id = r.conversation_id AND r.now_at IS NULL
        ), moved AS (
            UPDATE deskd_report_message_last l SET last_at = r.now_at, prev_at = NULL
            FROM redo r WHERE l.conversation_id = r.conversation_id AND r.now_at IS NOT NULL
        )
        INSERT INTO deskd_report_message_last_days AS t
        SELECT day, sum(d) FROM (
            SELECT deskd_utc_day(was) AS day, -1 AS d FROM redo
            WHERE now_at IS NULL OR deskd_utc_day(now_at) <> deskd_utc_day(was)
            UNION ALL
            SELECT deskd_utc_day(now_at), 1 FROM redo
            WHERE now_at IS NOT NULL AND deskd_utc_day(now_at) <> deskd_utc_day(was)
        ) x GROUP BY 1 HAVING sum(d) <> 0 ORDER BY 1
        ON CONFLICT (day) DO UPDATE SET n = t.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER conversation_messages_report_insert AFTER INSERT ON conversation_messages
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_messages_apply();
CREATE TRIGGER conversation_messages_report_delete AFTER DELETE ON conversation_messages
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_messages_apply();

-- TRUNCATE bypasses row and statement delete triggers: start over.
CREATE OR REPLACE FUNCTION deskd_report_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'conversations' THEN
        DELETE FROM deskd_report_conversation_days;
        DELETE FROM deskd_report_status_counts;
    END IF;
    IF TG_TABLE_NAME IN ('conversations', 'conversation_tags') THEN
        DELETE FROM deskd_report_tag_days;
        DELETE FROM deskd_report_conversation_tag_counts;
        DELETE FROM deskd_report_tagged_days;
    END IF;
    IF TG_TABLE_NAME IN ('conversations', 'conversation_messages') THEN
        DELETE FROM deskd_report_message_days;
        DELETE FROM deskd_report_message_last;
        DELETE FROM deskd_report_message_last_days;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER conversations_report_truncate AFTER TRUNCATE ON conversations
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_truncate();
CREATE TRIGGER conversation_tags_report_truncate AFTER TRUNCATE ON conversation_tags
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_truncate();
CREATE TRIGGER conversation_messages_report_truncate AFTER TRUNCATE ON conversation_messages
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_truncate();

-- Existing rows.
INSERT INTO deskd_report_conversation_days
SELECT deskd_utc_day(created_at), coalesce(deskd_utc_day(resolved_at), 'infinity'), count(*)
FROM conversations GROUP BY 1, 2
ON CONFLICT DO NOTHING;
INSERT INTO deskd_report_status_counts
SELECT status_id, count(*), count(*) FILTER (WHERE assigned_user_id IS NULL),
       count(*) FILTER (WHERE last_message_sender = 'contact'),
       count(*) FILTER (WHERE first_reply_at IS NULL)
FROM conversations GROUP BY 1
ON CONFLICT DO NOTHING;
INSERT INTO deskd_report_tag_days
SELECT ct.tag_id, deskd_utc_day(c.created_at), count(*)
FROM conversation_tags ct JOIN conversations c ON c.id = ct.conversation_id GROUP BY 1, 2
ON CONFLICT DO NOTHING;
INSERT INTO deskd_report_conversation_tag_counts
SELECT conversation_id, count(*) FROM conversation_tags GROUP BY 1
ON CONFLICT DO NOTHING;
INSERT INTO deskd_report_tagged_days
SELECT deskd_utc_day(c.created_at), count(*)
FROM conversations c WHERE EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.conversation_id = c.id)
GROUP BY 1
ON CONFLICT DO NOTHING;
INSERT INTO deskd_report_message_days
SELECT deskd_utc_day(created_at), type, count(*) FROM conversation_messages
WHERE type IN ('incoming', 'outgoing') GROUP BY 1, 2
ON CONFLICT DO NOTHING;
INSERT INTO deskd_report_message_last (conversation_id, last_at)
SELECT conversation_id, max(created_at) FROM conversation_messages
WHERE type IN ('incoming', 'outgoing') GROUP BY 1
ON CONFLICT DO NOTHING;
INSERT INTO deskd_report_message_last_days
SELECT deskd_utc_day(last_at), count(*) FROM deskd_report_message_last GROUP BY 1
ON CONFLICT DO NOTHING;

-- The counts report's agents by availability, without reading the contacts.
CREATE INDEX IF NOT EXISTS index_users_agents_on_availability_status
    ON users (availability_status) WHERE type = 'agent' AND deleted_at IS NULL;
