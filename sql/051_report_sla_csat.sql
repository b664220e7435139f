-- 051_report_sla_csat.sql: per-day sums behind the SLA and CSAT reports.
--
-- As sql/050 does for conversations, tags and messages: the counts and the
-- summed seconds of applied SLAs and next-response events, and the CSAT
-- responses sent, answered and their ratings' sum, per UTC day of the row's
-- created_at.  An average is then a sum over a count, the same numeric
-- division upstream's avg() makes.  Rows are updated after the fact (a
-- target met or breached, a rating given), so updates move their old
-- version out and the new one in.  Statement-level triggers, deltas in key
-- order, in the same transaction as each change.

CREATE TABLE IF NOT EXISTS deskd_report_sla_days (
    day DATE PRIMARY KEY,
    first_met BIGINT NOT NULL,
    first_breached BIGINT NOT NULL,
    first_met_secs NUMERIC NOT NULL,
    resolution_met BIGINT NOT NULL,
    resolution_breached BIGINT NOT NULL,
    resolution_met_secs NUMERIC NOT NULL
) WITH (fillfactor = 50);

CREATE TABLE IF NOT EXISTS deskd_report_next_response_days (
    day DATE PRIMARY KEY,
    met BIGINT NOT NULL,
    breached BIGINT NOT NULL,
    met_secs NUMERIC NOT NULL
) WITH (fillfactor = 50);

CREATE TABLE IF NOT EXISTS deskd_report_csat_days (
    day DATE PRIMARY KEY,
    sent BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    rating_sum BIGINT NOT NULL
) WITH (fillfactor = 50);

-- (sign, row) pairs of a change over the columns a report reads: +1 for
-- each new version, -1 for each old one; an update that leaves those
-- columns alone gives none.
CREATE OR REPLACE FUNCTION deskd_report_signed_rows(op text, cols text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE op
        WHEN 'INSERT' THEN format('SELECT 1 AS s, %s FROM new_rows', cols)
        WHEN 'DELETE' THEN format('SELECT -1 AS s, %s FROM old_rows', cols)
        ELSE format('SELECT -1 AS s, %1$s FROM old_rows o JOIN new_rows n USING (id)'
                    ' WHERE (%2$s) IS DISTINCT FROM (%3$s)'
                    ' UNION ALL SELECT 1, %4$s FROM old_rows o JOIN new_rows n USING (id)'
                    ' WHERE (%2$s) IS DISTINCT FROM (%3$s)',
                    regexp_replace(cols, '(\w+)', 'o.\1', 'g'),
                    regexp_replace(cols, '(\w+)', 'o.\1', 'g'),
                    regexp_replace(cols, '(\w+)', 'n.\1', 'g'),
                    regexp_replace(cols, '(\w+)', 'n.\1', 'g'))
    END
$$;

CREATE OR REPLACE FUNCTION deskd_report_sla_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'applied_slas' THEN
        EXECUTE format($q$
        INSERT INTO deskd_report_sla_days AS t
        SELECT deskd_utc_day(created_at),
               coalesce(sum(s) FILTER (WHERE first_response_met_at IS NOT NULL), 0),
               coalesce(sum(s) FILTER (WHERE first_response_breached_at IS NOT NULL), 0),
               coalesce(sum(s * extract(epoch FROM first_response_met_at - created_at))
                        FILTER (WHERE first_response_met_at IS NOT NULL), 0),
               coalesce(sum(s) FILTER (WHERE resolution_met_at IS NOT NULL), 0),
               coalesce(sum(s) FILTER (WHERE resolution_breached_at IS NOT NULL), 0),
               coalesce(sum(s * extract(epoch FROM resolution_met_at - created_at))
                        FILTER (WHERE resolution_met_at IS NOT NULL), 0)
        FROM (%s) r GROUP BY 1 ORDER BY 1
        ON CONFLICT (day) DO UPDATE SET
            first_met = t.first_met + EXCLUDED.first_met,
            first_breached = t.first_breached + EXCLUDED.first_breached,
            first_met_secs = t.first_met_secs + EXCLUDED.first_met_secs,
            resolution_met = t.resolution_met + EXCLUDED.resolution_met,
            resolution_breached = t.resolution_breached + EXCLUDED.resolution_breached,
            resolution_met_secs = t.resolution_met_secs + EXCLUDED.resolution_met_secs
        $q$, deskd_report_signed_rows(TG_OP, 'created_at, first_response_met_at,'
             ' first_response_breached_at, resolution_met_at, resolution_breached_at'));
    ELSIF TG_TABLE_NAME = 'sla_events' THEN
        EXECUTE format($q$
        INSERT INTO deskd_report_next_response_days AS t
        SELECT deskd_utc_day(created_at),
               coalesce(sum(s) FILTER (WHERE met_at IS NOT NULL), 0),
               coalesce(sum(s) FILTER (WHERE breached_at IS NOT NULL), 0),
               coalesce(sum(s * extract(epoch FROM met_at - created_at))
                        FILTER (WHERE met_at IS NOT NULL), 0)
        FROM (%s) r WHERE type = 'next_response' GROUP BY 1 ORDER BY 1
        ON CONFLICT (day) DO UPDATE SET met = t.met + EXCLUDED.met,
            breached = t.breached + EXCLUDED.breached, met_secs = t.met_secs + EXCLUDED.met_secs
        $q$, deskd_report_signed_rows(TG_OP, 'created_at, type, met_at, breached_at'));
    ELSE
        EXECUTE format($q$
        INSERT INTO deskd_report_csat_days AS t
        SELECT deskd_utc_day(created_at), sum(s),
               coalesce(sum(s) FILTER (WHERE rating > 0), 0),
               coalesce(sum(s * rating) FILTER (WHERE rating > 0), 0)
        FROM (%s) r WHERE created_at IS NOT NULL GROUP BY 1 ORDER BY 1
        ON CONFLICT (day) DO UPDATE SET sent = t.sent + EXCLUDED.sent,
            answered = t.answered + EXCLUDED.answered, rating_sum = t.rating_sum + EXCLUDED.rating_sum
        $q$, deskd_report_signed_rows(TG_OP, 'created_at, rating'));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER applied_slas_report_insert AFTER INSERT ON applied_slas
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_apply();
CREATE TRIGGER applied_slas_report_delete AFTER DELETE ON applied_slas
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_apply();
CREATE TRIGGER applied_slas_report_update AFTER UPDATE ON applied_slas
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_apply();
CREATE TRIGGER sla_events_report_insert AFTER INSERT ON sla_events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_apply();
CREATE TRIGGER sla_events_report_delete AFTER DELETE ON sla_events
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_apply();
CREATE TRIGGER sla_events_report_update AFTER UPDATE ON sla_events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_apply();
CREATE TRIGGER csat_responses_report_insert AFTER INSERT ON csat_responses
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_apply();
CREATE TRIGGER csat_responses_report_delete AFTER DELETE ON csat_responses
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_apply();
CREATE TRIGGER csat_responses_report_update AFTER UPDATE ON csat_responses
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_apply();

-- TRUNCATE bypasses the delete triggers: start over.
CREATE OR REPLACE FUNCTION deskd_report_sla_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'applied_slas' THEN
        DELETE FROM deskd_report_sla_days;
    END IF;
    IF TG_TABLE_NAME IN ('applied_slas', 'sla_events') THEN
        DELETE FROM deskd_report_next_response_days;
    END IF;
    IF TG_TABLE_NAME = 'csat_responses' THEN
        DELETE FROM deskd_report_csat_days;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER applied_slas_report_truncate AFTER TRUNCATE ON applied_slas
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_truncate();
CREATE TRIGGER sla_events_report_truncate AFTER TRUNCATE ON sla_events
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_truncate();
CREATE TRIGGER csat_responses_report_truncate AFTER TRUNCATE ON csat_responses
    FOR EACH STATEMENT EXECUTE FUNCTION deskd_report_sla_truncate();

-- Existing rows.
INSERT INTO deskd_report_sla_days
SELECT deskd_utc_day(created_at),
       count(first_response_met_at), count(first_response_breached_at),
       coalesce(sum(extract(epoch FROM first_response_met_at - created_at)), 0),
       count(resolution_met_at), count(resolution_breached_at),
       coalesce(sum(extract(epoch FROM resolution_met_at - created_at)), 0)
FROM applied_slas GROUP BY 1
ON CONFLICT DO NOTHING;
INSERT INTO deskd_report_next_response_days
SELECT deskd_utc_day(created_at), count(met_at), count(breached_at),
       coalesce(sum(extract(epoch FROM met_at - created_at)), 0)
FROM sla_events WHERE type = 'next_response' GROUP BY 1
ON CONFLICT DO NOTHING;
INSERT INTO deskd_report_csat_days
SELECT deskd_utc_day(created_at), count(*), count(*) FILTER (WHERE rating > 0),
       coalesce(sum(rating) FILTER (WHERE rating > 0), 0)
FROM csat_responses WHERE created_at IS NOT NULL GROUP BY 1
ON CONFLICT DO NOTHING;
