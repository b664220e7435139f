-- 026_events.sql: the outbox.  Every change that is an event writes a row
-- of deskd_events in its own transaction (the triggers of later
-- migrations), so an acknowledged change always has its event and a
-- rolled-back one never does.  NOTIFY (delivered at commit) wakes the
-- consumers: the webhook dispatcher (channel deskd_webhooks) and the live
-- hub (channel deskd_events, payload the event id).  Both run under the
-- deskd master, never in a FastCGI worker.

-- Upstream's webhook event type and webhooks table, for databases deskd
-- created (an upstream database has them already).
DO $$
BEGIN
    CREATE TYPE webhook_event AS ENUM (
        'conversation.created', 'conversation.status_changed', 'conversation.tags_changed',
        'conversation.assigned', 'conversation.unassigned', 'message.created', 'message.updated');
EXCEPTION WHEN duplicate_object THEN NULL;
END
$$;

CREATE TABLE IF NOT EXISTS webhooks (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    events webhook_event[] NOT NULL DEFAULT '{}',
    secret TEXT DEFAULT '',
    is_active BOOLEAN DEFAULT true,
    CONSTRAINT constraint_webhooks_on_name CHECK (length(name) <= 255),
    CONSTRAINT constraint_webhooks_on_url CHECK (length(url) <= 2048),
    CONSTRAINT constraint_webhooks_on_secret CHECK (length(secret) <= 255),
    CONSTRAINT constraint_webhooks_on_events_not_empty CHECK (array_length(events, 1) > 0)
);

-- One row per event.  event: a webhook event name (webhook_event's labels)
-- or a live-only one (new_conversation, conversation_update, new_message,
-- message_update, new_notification, agent_availability_update).
-- conversation_id: the conversation it concerns (the hub's access check),
-- user_id: the one agent it is for (a notification), else NULL.
-- payload: what the consumers send, built when the change is made.
CREATE TABLE IF NOT EXISTS deskd_events (
    id BIGSERIAL PRIMARY KEY,
    event TEXT NOT NULL,
    conversation_id BIGINT,
    user_id BIGINT,
    payload JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS deskd_events_created_at ON deskd_events (created_at);

-- One row per (webhook, event) to deliver: written with the event (below),
-- claimed by one dispatcher at a time (FOR UPDATE SKIP LOCKED).  body is
-- the exact bytes sent and signed: {"event","timestamp","payload"}.
CREATE TABLE IF NOT EXISTS deskd_webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    webhook_id INT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL,
    event TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_status INT,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_at TIMESTAMPTZ,
    CONSTRAINT deskd_webhook_deliveries_status CHECK (status IN ('pending', 'delivered', 'dead')),
    CONSTRAINT deskd_webhook_deliveries_once UNIQUE (webhook_id, event_id)
);
CREATE INDEX IF NOT EXISTS deskd_webhook_deliveries_due
    ON deskd_webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deskd_webhook_deliveries_webhook
    ON deskd_webhook_deliveries (webhook_id, created_at DESC);

-- An event of a webhook type becomes a delivery for every active webhook
-- subscribed to it, in the same transaction.
CREATE OR REPLACE FUNCTION deskd_event_fan_out() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('deskd_events', NEW.id::text);
    IF NEW.event IN (SELECT unnest(enum_range(NULL::webhook_event))::text) THEN
        INSERT INTO deskd_webhook_deliveries (webhook_id, event_id, event, body)
        SELECT w.id, NEW.id, NEW.event,
               json_build_object('event', NEW.event,
                                 'timestamp', to_char(NEW.created_at AT TIME ZONE 'UTC',
                                                      'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                 'payload', NEW.payload)::text
          FROM webhooks w
         WHERE w.is_active AND NEW.event::webhook_event = ANY (w.events);
        IF FOUND THEN
            PERFORM pg_notify('deskd_webhooks', '');
        END IF;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS deskd_events_fan_out ON deskd_events;
CREATE TRIGGER deskd_events_fan_out AFTER INSERT ON deskd_events
    FOR EACH ROW EXECUTE FUNCTION deskd_event_fan_out();
