-- 022_idempotency_keys.sql: the answers to writes sent with an
-- Idempotency-Key header, so that a client retrying after a timeout, a 502
-- or a 503 gets the first answer instead of a second write.
--
-- A row is written in the same transaction as the request's own changes,
-- so it exists exactly when they were committed.  Scoped to the caller
-- (user_id); rows older than a day are purged by the workers.

CREATE TABLE IF NOT EXISTS deskd_idempotency_keys (
    user_id INT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INT NOT NULL,
    content_type TEXT,
    headers JSONB NOT NULL DEFAULT '[]',
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX IF NOT EXISTS deskd_idempotency_keys_created_at
    ON deskd_idempotency_keys (created_at);
