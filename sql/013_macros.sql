-- 013_macros.sql: macros, canned replies with conversation actions (upstream's
-- table and types).  actions is a JSON array of {"type", "value": [...]}; the
-- values are ids (statuses, priorities, agents, teams) or tag names, checked
-- by deskd on every write and again when a macro is applied.

CREATE TYPE macro_visibility AS ENUM ('all', 'team', 'user');
CREATE TYPE macro_visible_when AS ENUM ('replying', 'starting_conversation', 'adding_private_note');

CREATE TABLE macros (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    name TEXT NOT NULL,
    actions JSONB DEFAULT '[]'::jsonb NOT NULL,
    visibility macro_visibility NOT NULL,
    visible_when macro_visible_when[] NOT NULL
        DEFAULT ARRAY['replying', 'starting_conversation', 'adding_private_note']::macro_visible_when[],
    message_content TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id) ON DELETE CASCADE ON UPDATE CASCADE,
    team_id BIGINT REFERENCES teams(id) ON DELETE CASCADE ON UPDATE CASCADE,
    usage_count INT DEFAULT 0 NOT NULL,
    CONSTRAINT name_length CHECK (length(name) <= 140),
    CONSTRAINT message_content_length CHECK (length(message_content) <= 5000)
);
CREATE INDEX index_macros_on_team_id ON macros (team_id);
CREATE INDEX index_macros_on_user_id ON macros (user_id);
