-- 001_schema.sql: adopting Libredesk v2.7.0: the pieces of deskd's schema upstream's lacks.
--
-- Upstream's schema already has every table, type and column 001 makes but
-- these: a users.meta column (deskd keeps an agent's preferences there),
-- deskd's browser sessions, and the indexes deskd's list orderings walk.
-- Only added: no type, nullability, foreign key or row of upstream's
-- changes.  The indexes on upstream's tables are built concurrently before
-- this step's transaction (app/cli/migrate.c).

ALTER TABLE users ADD COLUMN IF NOT EXISTS meta JSONB NOT NULL DEFAULT '{}';

-- Our browser sessions (JWT `sid` claim); revoked_at set by logout.
CREATE TABLE IF NOT EXISTS sessions (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ NULL,
    csrf_token TEXT NULL,
    user_agent TEXT NULL,
    remote_addr TEXT NULL
);
CREATE INDEX IF NOT EXISTS index_sessions_on_user_id ON sessions (user_id);

CREATE INDEX IF NOT EXISTS index_conversation_tags_on_tag_id ON conversation_tags (tag_id);
-- List orderings within the common scopes: page 1 of a list walks one index.
CREATE INDEX IF NOT EXISTS index_conversations_unassigned_last_message_at
    ON conversations (last_message_at DESC NULLS LAST, id DESC)
    WHERE assigned_user_id IS NULL AND assigned_team_id IS NULL;
CREATE INDEX IF NOT EXISTS index_conversations_status_last_message_at
    ON conversations (status_id, last_message_at DESC NULLS LAST, id DESC);
CREATE INDEX IF NOT EXISTS index_conversations_user_last_message_at
    ON conversations (assigned_user_id, last_message_at DESC NULLS LAST, id DESC);
CREATE INDEX IF NOT EXISTS index_conversations_team_last_message_at
    ON conversations (assigned_team_id, last_message_at DESC NULLS LAST, id DESC);
