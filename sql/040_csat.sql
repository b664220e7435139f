-- 040_csat.sql: customer satisfaction surveys, with the name, columns and
-- constraints of Libredesk's table, so an adopted database serves its own.
--
-- One row per conversation that was offered a survey (made when it is
-- resolved in an inbox with csat_enabled); rating 0 means none was given,
-- response_timestamp is set once, when the contact answers.  meta holds
-- the extra fields of an HTML form answer.
CREATE TABLE IF NOT EXISTS csat_responses (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    uuid UUID DEFAULT gen_random_uuid() NOT NULL UNIQUE,
    conversation_id BIGINT REFERENCES conversations(id) ON DELETE CASCADE ON UPDATE CASCADE NOT NULL,
    rating INT DEFAULT 0 NOT NULL,
    feedback TEXT NULL,
    meta JSONB DEFAULT '{}' NOT NULL,
    response_timestamp TIMESTAMPTZ NULL,
    CONSTRAINT constraint_csat_responses_on_rating CHECK (rating >= 0 AND rating <= 5),
    CONSTRAINT constraint_csat_responses_on_feedback CHECK (length(feedback) <= 1000)
);
CREATE INDEX IF NOT EXISTS index_csat_responses_on_uuid ON csat_responses (uuid);
CREATE INDEX IF NOT EXISTS index_csat_responses_on_conversation_id ON csat_responses (conversation_id);
