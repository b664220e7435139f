-- 017_notifications_activity.sql: upstream's in-app notifications
-- (user_notifications) and activity log (activity_logs), with upstream's
-- types, columns and indexes.  deskd also records two events upstream's
-- type lacks: an agent going offline and a settings change.

DO $$ BEGIN
    CREATE TYPE user_notification_type AS ENUM ('mention', 'assignment', 'sla_warning', 'sla_breach');
EXCEPTION WHEN duplicate_object THEN NULL; END $$;

DO $$ BEGIN
    CREATE TYPE activity_log_type AS ENUM ('agent_login', 'agent_logout', 'agent_away',
        'agent_away_reassigned', 'agent_online', 'agent_password_set',
        'agent_role_permissions_changed');
EXCEPTION WHEN duplicate_object THEN NULL; END $$;

ALTER TYPE activity_log_type ADD VALUE IF NOT EXISTS 'agent_offline';
ALTER TYPE activity_log_type ADD VALUE IF NOT EXISTS 'settings_updated';

CREATE TABLE IF NOT EXISTS user_notifications (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    user_id BIGINT REFERENCES users(id) ON DELETE CASCADE ON UPDATE CASCADE NOT NULL,
    notification_type user_notification_type NOT NULL,
    title TEXT NOT NULL,
    body TEXT NULL,
    is_read BOOLEAN DEFAULT FALSE NOT NULL,
    conversation_id BIGINT REFERENCES conversations(id) ON DELETE CASCADE ON UPDATE CASCADE,
    message_id BIGINT REFERENCES conversation_messages(id) ON DELETE CASCADE ON UPDATE CASCADE,
    actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL ON UPDATE CASCADE,
    meta JSONB DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT constraint_user_notifications_on_title CHECK (length(title) <= 500),
    CONSTRAINT constraint_user_notifications_on_body CHECK (length(body) <= 2000)
);
CREATE INDEX IF NOT EXISTS index_user_notifications_on_user_id ON user_notifications (user_id);
CREATE INDEX IF NOT EXISTS index_user_notifications_on_user_id_is_read ON user_notifications (user_id, is_read);
CREATE INDEX IF NOT EXISTS index_user_notifications_on_created_at ON user_notifications (created_at);
CREATE INDEX IF NOT EXISTS index_user_notifications_on_conversation_id ON user_notifications (conversation_id);

CREATE TABLE IF NOT EXISTS activity_logs (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    activity_type activity_log_type NOT NULL,
    activity_description TEXT NOT NULL,
    actor_id INT REFERENCES users(id) ON DELETE CASCADE ON UPDATE CASCADE NOT NULL,
    target_model_type TEXT NOT NULL,
    target_model_id BIGINT NOT NULL,
    ip INET
);
CREATE INDEX IF NOT EXISTS index_activity_logs_on_actor_id ON activity_logs (actor_id);
CREATE INDEX IF NOT EXISTS index_activity_logs_on_activity_type ON activity_logs (activity_type);
CREATE INDEX IF NOT EXISTS index_activity_logs_on_created_at ON activity_logs (created_at);
