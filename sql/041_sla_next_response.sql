-- 041_sla_next_response.sql: what next-response deadlines and SLA
-- notifications need, with Libredesk's names: its notification type and
-- scheduled_sla_notifications table (one row per notification to send:
-- a warning before a deadline or a breach notice after it, for one metric
-- of one applied SLA, optionally one next-response event), and its index on
-- sla_events.status.  next_response events themselves are rows of the
-- existing sla_events table.
DO $$ BEGIN
    CREATE TYPE sla_notification_type AS ENUM ('warning', 'breach');
EXCEPTION WHEN duplicate_object THEN NULL; END $$;

CREATE TABLE IF NOT EXISTS scheduled_sla_notifications (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    applied_sla_id BIGINT NOT NULL REFERENCES applied_slas(id) ON DELETE CASCADE,
    sla_event_id BIGINT REFERENCES sla_events(id) ON DELETE CASCADE,
    metric sla_metric NOT NULL,
    notification_type sla_notification_type NOT NULL,
    recipients TEXT[] NOT NULL,
    send_at TIMESTAMPTZ NOT NULL,
    processed_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS index_scheduled_sla_notifications_on_send_at
    ON scheduled_sla_notifications (send_at);
CREATE INDEX IF NOT EXISTS index_scheduled_sla_notifications_on_processed_at
    ON scheduled_sla_notifications (processed_at);
CREATE INDEX IF NOT EXISTS index_sla_events_on_status ON sla_events (status);

-- The delay of one of a policy's notifications (an element of
-- sla_policies.notifications: {type, time_delay_type, time_delay, metric,
-- recipients}): none when it is sent "immediately" or has no delay, else
-- time_delay as upstream writes it ("10m", "1h30m", "45s"); NULL when that
-- does not read, and the notification is then never scheduled (upstream
-- skips it too).
CREATE OR REPLACE FUNCTION deskd_sla_delay(n jsonb) RETURNS interval
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN jsonb_typeof(n) <> 'object' THEN NULL
        WHEN coalesce(n ->> 'time_delay_type', '') = 'immediately'
            OR coalesce(n ->> 'time_delay', '') = '' THEN interval '0'
        WHEN n ->> 'time_delay' ~ '^([0-9]{1,6}[hms])+$' THEN
            (SELECT sum(m[1]::int * CASE m[2] WHEN 'h' THEN interval '1 hour'
                WHEN 'm' THEN interval '1 minute' ELSE interval '1 second' END)
             FROM regexp_matches(n ->> 'time_delay', '([0-9]+)([hms])', 'g') AS m)
    END
$$;
