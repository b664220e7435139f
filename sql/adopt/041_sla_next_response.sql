-- 041_sla_next_response.sql: adopting Libredesk: upstream's
-- sla_notification_type, scheduled_sla_notifications (with its indexes) and
-- index_sla_events_on_status are there; deskd adds its delay function.
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
