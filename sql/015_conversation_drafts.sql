-- 015_conversation_drafts.sql: an agent's unsent reply or private note on a
-- conversation, one of each per agent and conversation (upstream's table).
-- A draft is its writer's only; it goes with its conversation or agent.

CREATE TABLE IF NOT EXISTS conversation_drafts (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    conversation_id BIGINT NOT NULL
        REFERENCES conversations (id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    type TEXT NOT NULL DEFAULT 'reply',
    content TEXT NOT NULL,
    meta JSONB NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT constraint_conversation_drafts_on_type CHECK (type IN ('reply', 'private_note'))
);
CREATE UNIQUE INDEX IF NOT EXISTS
    index_uniq_conversation_drafts_on_conversation_id_and_user_id_and_type
    ON conversation_drafts (conversation_id, user_id, type);
-- GET /api/v1/drafts: the caller's, newest first.
CREATE INDEX IF NOT EXISTS index_conversation_drafts_on_user_id_updated_at
    ON conversation_drafts (user_id, updated_at DESC);
