-- 001_schema.sql: the deskd schema.
--
-- Table and column names follow Libredesk's schema for every table the two
-- share, so that an existing Libredesk database can be served by deskd.
-- Applied once by `deskd migrate`, inside a transaction.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Enums ------------------------------------------------------------------
CREATE TYPE channels AS ENUM ('email', 'livechat');
CREATE TYPE message_type AS ENUM ('incoming', 'outgoing', 'activity');
CREATE TYPE message_sender_type AS ENUM ('agent', 'contact');
CREATE TYPE message_status AS ENUM ('received', 'sent', 'failed', 'pending');
CREATE TYPE content_type AS ENUM ('text', 'html');
CREATE TYPE conversation_assignment_type AS ENUM ('Round robin', 'Manual');
CREATE TYPE user_type AS ENUM ('agent', 'contact', 'visitor', 'ai_assistant');
CREATE TYPE ai_provider AS ENUM ('openai');
CREATE TYPE view_visibility AS ENUM ('all', 'team', 'user');
CREATE TYPE user_availability_status AS ENUM
    ('online', 'away', 'away_manual', 'offline', 'away_and_reassigning');
CREATE TYPE applied_sla_status AS ENUM ('pending', 'breached', 'met', 'partially_met');
CREATE TYPE sla_event_status AS ENUM ('pending', 'breached', 'met');
CREATE TYPE sla_metric AS ENUM ('first_response', 'resolution', 'next_response');
CREATE TYPE conversation_status_category AS ENUM ('open', 'waiting', 'resolved');
CREATE TYPE media_disposition AS ENUM ('inline', 'attachment');
CREATE TYPE media_store AS ENUM ('s3', 'fs');

CREATE SEQUENCE conversation_reference_number_sequence START 100;

-- People -------------------------------------------------------------------
CREATE TABLE business_hours (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    name TEXT NOT NULL,
    description TEXT NULL,
    is_always_open BOOLEAN NOT NULL DEFAULT TRUE,
    hours JSONB NOT NULL DEFAULT '{}',
    holidays JSONB NOT NULL DEFAULT '[]'
);

CREATE TABLE sla_policies (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    name TEXT NOT NULL CHECK (length(name) <= 140),
    description TEXT NULL CHECK (length(description) <= 300),
    first_response_time TEXT NOT NULL,
    resolution_time TEXT NOT NULL,
    next_response_time TEXT NULL,
    notifications JSONB NOT NULL DEFAULT '[]'
);

CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    type user_type NOT NULL,
    deleted_at TIMESTAMPTZ NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    email TEXT NULL CHECK (length(email) <= 320),
    first_name TEXT NOT NULL CHECK (length(first_name) <= 140),
    last_name TEXT NULL CHECK (length(last_name) <= 140),
    phone_number TEXT NULL CHECK (length(phone_number) <= 20),
    phone_number_country_code TEXT NULL CHECK (length(phone_number_country_code) <= 10),
    country TEXT NULL CHECK (length(country) <= 140),
    password VARCHAR(150) NULL,
    avatar_url TEXT NULL,
    custom_attributes JSONB NOT NULL DEFAULT '{}',
    meta JSONB NOT NULL DEFAULT '{}',
    external_user_id TEXT NULL,
    reset_password_token TEXT NULL,
    reset_password_token_expiry TIMESTAMPTZ NULL,
    availability_status user_availability_status NOT NULL DEFAULT 'offline',
    last_active_at TIMESTAMPTZ NULL,
    last_login_at TIMESTAMPTZ NULL,
    api_key TEXT NULL,
    api_secret TEXT NULL,
    api_key_last_used_at TIMESTAMPTZ NULL
);
CREATE INDEX index_users_on_email_trgm ON users USING GIN (email gin_trgm_ops);
CREATE INDEX index_users_on_api_key ON users (api_key);
CREATE UNIQUE INDEX index_unique_users_on_email_live_agents
    ON users (lower(email)) WHERE type = 'agent' AND deleted_at IS NULL;
CREATE UNIQUE INDEX index_unique_users_on_ext_id_live_contacts
    ON users (external_user_id) WHERE type = 'contact' AND deleted_at IS NULL
    AND external_user_id IS NOT NULL;
CREATE UNIQUE INDEX index_unique_users_on_email_live_contacts
    ON users (lower(email)) WHERE type = 'contact' AND deleted_at IS NULL
    AND external_user_id IS NULL;

CREATE TABLE roles (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    permissions TEXT[] NOT NULL DEFAULT '{}',
    name TEXT NOT NULL UNIQUE CHECK (length(name) <= 50),
    description TEXT NULL CHECK (length(description) <= 300)
);

CREATE TABLE user_roles (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    user_id INT NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    role_id INT NOT NULL REFERENCES roles (id) ON DELETE CASCADE ON UPDATE CASCADE,
    UNIQUE (user_id, role_id)
);

CREATE TABLE teams (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    name TEXT NOT NULL UNIQUE CHECK (length(name) <= 140),
    emoji TEXT NULL CHECK (length(emoji) <= 50),
    conversation_assignment_type conversation_assignment_type NOT NULL DEFAULT 'Manual',
    max_auto_assigned_conversations INT NOT NULL DEFAULT 0,
    business_hours_id INT NULL REFERENCES business_hours (id) ON DELETE SET NULL,
    sla_policy_id INT NULL REFERENCES sla_policies (id) ON DELETE SET NULL,
    timezone TEXT NULL CHECK (length(timezone) <= 140)
);

CREATE TABLE team_members (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    team_id INT NOT NULL REFERENCES teams (id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id INT NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    emoji TEXT NULL,
    UNIQUE (team_id, user_id)
);
CREATE INDEX index_team_members_on_user_id ON team_members (user_id);

-- Our browser sessions (JWT `sid` claim); revoked_at set by logout.
CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    user_id INT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ NULL,
    csrf_token TEXT NULL,
    user_agent TEXT NULL,
    remote_addr TEXT NULL
);
CREATE INDEX index_sessions_on_user_id ON sessions (user_id);

-- Inboxes and conversations --------------------------------------------------
CREATE TABLE inboxes (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    uuid UUID NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    name TEXT NOT NULL CHECK (length(name) <= 140),
    deleted_at TIMESTAMPTZ NULL,
    channel channels NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    csat_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    prompt_tags_on_reply BOOLEAN NOT NULL DEFAULT FALSE,
    config JSONB NOT NULL DEFAULT '{}',
    "from" TEXT NULL,
    from_name_template TEXT NULL,
    secret TEXT NULL,
    linked_email_inbox_id INT NULL REFERENCES inboxes (id) ON DELETE SET NULL
);

CREATE TABLE conversation_statuses (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    name TEXT NOT NULL UNIQUE,
    category conversation_status_category NOT NULL DEFAULT 'open'
);

CREATE TABLE conversation_priorities (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE conversations (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    uuid UUID NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    reference_number TEXT NOT NULL UNIQUE
        DEFAULT nextval('conversation_reference_number_sequence')::TEXT,
    contact_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    assigned_user_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE,
    assigned_team_id BIGINT NULL REFERENCES teams (id) ON DELETE SET NULL ON UPDATE CASCADE,
    sla_policy_id BIGINT NULL REFERENCES sla_policies (id) ON DELETE SET NULL,
    inbox_id INT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE ON UPDATE CASCADE,
    status_id INT NOT NULL REFERENCES conversation_statuses (id) ON DELETE RESTRICT,
    priority_id INT NULL REFERENCES conversation_priorities (id) ON DELETE RESTRICT,
    meta JSONB NOT NULL DEFAULT '{}',
    custom_attributes JSONB NOT NULL DEFAULT '{}',
    contact_last_seen_at TIMESTAMPTZ NULL,
    first_reply_at TIMESTAMPTZ NULL,
    last_reply_at TIMESTAMPTZ NULL,
    closed_at TIMESTAMPTZ NULL,
    resolved_at TIMESTAMPTZ NULL,
    subject TEXT NULL,
    waiting_since TIMESTAMPTZ NULL,
    last_message_at TIMESTAMPTZ NULL,
    last_message TEXT NULL,
    last_message_sender message_sender_type NULL,
    last_message_sender_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    last_interaction TEXT NULL,
    last_interaction_sender message_sender_type NULL,
    last_interaction_sender_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    last_interaction_at TIMESTAMPTZ NULL,
    next_sla_deadline_at TIMESTAMPTZ NULL,
    snoozed_until TIMESTAMPTZ NULL,
    last_continuity_email_sent_at TIMESTAMPTZ NULL
);
CREATE INDEX index_conversations_on_assigned_user_id ON conversations (assigned_user_id);
CREATE INDEX index_conversations_on_assigned_team_id ON conversations (assigned_team_id);
CREATE INDEX index_conversations_on_contact_id ON conversations (contact_id);
CREATE INDEX index_conversations_on_inbox_id ON conversations (inbox_id);
CREATE INDEX index_conversations_on_status_id ON conversations (status_id);
CREATE INDEX index_conversations_on_priority_id ON conversations (priority_id);
CREATE INDEX index_conversations_on_created_at ON conversations (created_at);
CREATE INDEX index_conversations_on_last_message_at ON conversations (last_message_at);
CREATE INDEX index_conversations_on_last_interaction_at ON conversations (last_interaction_at);
CREATE INDEX index_conversations_on_next_sla_deadline_at ON conversations (next_sla_deadline_at);
CREATE INDEX index_conversations_on_waiting_since ON conversations (waiting_since);
CREATE INDEX index_conversations_on_snoozed_until ON conversations (snoozed_until);
CREATE INDEX index_conversations_on_last_continuity_email_sent_at
    ON conversations (last_continuity_email_sent_at);
-- List orderings within the common scopes: page 1 of a list walks one index.
CREATE INDEX index_conversations_unassigned_last_message_at
    ON conversations (last_message_at DESC NULLS LAST, id DESC)
    WHERE assigned_user_id IS NULL AND assigned_team_id IS NULL;
CREATE INDEX index_conversations_status_last_message_at
    ON conversations (status_id, last_message_at DESC NULLS LAST, id DESC);
CREATE INDEX index_conversations_user_last_message_at
    ON conversations (assigned_user_id, last_message_at DESC NULLS LAST, id DESC);
CREATE INDEX index_conversations_team_last_message_at
    ON conversations (assigned_team_id, last_message_at DESC NULLS LAST, id DESC);

CREATE TABLE conversation_messages (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    uuid UUID NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    type message_type NOT NULL,
    status message_status NOT NULL,
    private BOOLEAN NOT NULL DEFAULT FALSE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    content_type content_type NULL,
    content TEXT NULL,
    text_content TEXT NULL,
    source_id TEXT NULL,
    sender_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    sender_type message_sender_type NOT NULL,
    meta JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX index_conversation_messages_on_text_content_trgm
    ON conversation_messages USING GIN (text_content gin_trgm_ops);
CREATE INDEX index_conversation_messages_on_created_at ON conversation_messages (created_at);
CREATE INDEX index_conversation_messages_on_source_id ON conversation_messages (source_id);
CREATE INDEX index_conversation_messages_on_status ON conversation_messages (status);
CREATE INDEX index_conversation_messages_on_conversation_id_created_at
    ON conversation_messages (conversation_id, created_at);

CREATE TABLE conversation_participants (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    UNIQUE (conversation_id, user_id)
);

CREATE TABLE conversation_last_seen (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (conversation_id, user_id)
);

CREATE TABLE conversation_mentions (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id BIGINT NOT NULL REFERENCES conversation_messages (id) ON DELETE CASCADE,
    mentioned_user_id BIGINT NULL REFERENCES users (id) ON DELETE CASCADE,
    mentioned_team_id BIGINT NULL REFERENCES teams (id) ON DELETE CASCADE,
    mentioned_by_user_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    CHECK ((mentioned_user_id IS NULL) <> (mentioned_team_id IS NULL))
);
CREATE INDEX index_conversation_mentions_on_user ON conversation_mentions (mentioned_user_id);
CREATE INDEX index_conversation_mentions_on_team ON conversation_mentions (mentioned_team_id);
CREATE INDEX index_conversation_mentions_on_conversation
    ON conversation_mentions (conversation_id);

CREATE TABLE tags (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    name TEXT NOT NULL UNIQUE CHECK (length(name) <= 140)
);

CREATE TABLE conversation_tags (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    tag_id INT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    UNIQUE (conversation_id, tag_id)
);
CREATE INDEX index_conversation_tags_on_tag_id ON conversation_tags (tag_id);

CREATE TABLE views (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    name TEXT NOT NULL CHECK (length(name) <= 140),
    filters JSONB NOT NULL,
    visibility view_visibility NOT NULL DEFAULT 'user',
    user_id INT NULL REFERENCES users (id) ON DELETE CASCADE,
    team_id INT NULL REFERENCES teams (id) ON DELETE CASCADE,
    CHECK (visibility <> 'user' OR user_id IS NOT NULL),
    CHECK (visibility <> 'team' OR team_id IS NOT NULL)
);
CREATE INDEX index_views_on_user_id ON views (user_id);
CREATE INDEX index_views_on_visibility ON views (visibility);
CREATE INDEX index_views_on_team_id ON views (team_id);

CREATE TABLE media (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    uuid UUID NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    store media_store NOT NULL DEFAULT 'fs',
    filename TEXT NOT NULL CHECK (length(filename) <= 1000),
    content_type TEXT NOT NULL,
    content_id TEXT NULL CHECK (length(content_id) <= 300),
    model_id INT NULL,
    model_type TEXT NULL,
    disposition media_disposition NULL,
    size INT NULL,
    meta JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX index_media_on_model ON media (model_type, model_id);

CREATE TABLE contact_notes (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    contact_id INT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    note TEXT NOT NULL,
    user_id INT NULL REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX index_contact_notes_on_contact_id ON contact_notes (contact_id);

-- AI -------------------------------------------------------------------------
CREATE TABLE ai_providers (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    name TEXT NOT NULL UNIQUE,
    provider ai_provider NOT NULL,
    config JSONB NOT NULL DEFAULT '{}',
    is_default BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX index_unique_ai_providers_default ON ai_providers (is_default)
    WHERE is_default = TRUE;

CREATE TABLE ai_prompts (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    title TEXT NOT NULL CHECK (length(title) <= 140),
    key TEXT NOT NULL UNIQUE CHECK (length(key) <= 140),
    content TEXT NOT NULL
);

CREATE TABLE settings (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    key TEXT NOT NULL UNIQUE,
    value JSONB NOT NULL
);

-- SLA ------------------------------------------------------------------------
CREATE TABLE applied_slas (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    status applied_sla_status NOT NULL DEFAULT 'pending',
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sla_policy_id INT NOT NULL REFERENCES sla_policies (id) ON DELETE CASCADE,
    first_response_deadline_at TIMESTAMPTZ NULL,
    resolution_deadline_at TIMESTAMPTZ NULL,
    first_response_breached_at TIMESTAMPTZ NULL,
    resolution_breached_at TIMESTAMPTZ NULL,
    first_response_met_at TIMESTAMPTZ NULL,
    resolution_met_at TIMESTAMPTZ NULL
);
CREATE INDEX index_applied_slas_on_conversation_id ON applied_slas (conversation_id);
CREATE UNIQUE INDEX index_unique_applied_slas_pending ON applied_slas (conversation_id)
    WHERE status = 'pending';

CREATE TABLE sla_events (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    status sla_event_status NOT NULL DEFAULT 'pending',
    applied_sla_id BIGINT NOT NULL REFERENCES applied_slas (id) ON DELETE CASCADE,
    sla_policy_id INT NOT NULL REFERENCES sla_policies (id) ON DELETE CASCADE,
    type sla_metric NOT NULL,
    deadline_at TIMESTAMPTZ NOT NULL,
    met_at TIMESTAMPTZ NULL,
    breached_at TIMESTAMPTZ NULL
);
CREATE INDEX index_sla_events_on_applied_sla_id ON sla_events (applied_sla_id);
