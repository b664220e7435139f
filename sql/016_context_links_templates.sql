-- 016_context_links_templates.sql: upstream's context links (links to
-- outside tools shown beside a conversation) and e-mail templates, with
-- upstream's columns and constraints.

CREATE TABLE IF NOT EXISTS context_links (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    name TEXT NOT NULL,
    url_template TEXT NOT NULL,
    signing_secret TEXT NOT NULL DEFAULT '',
    token_expiry_seconds INT NOT NULL DEFAULT 1200,
    is_active BOOLEAN DEFAULT true,
    CONSTRAINT constraint_context_links_on_name CHECK (length(name) <= 255),
    CONSTRAINT constraint_context_links_on_url_template CHECK (length(url_template) <= 2048),
    CONSTRAINT constraint_context_links_on_signing_secret CHECK (length(signing_secret) <= 500)
);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'template_type') THEN
        CREATE TYPE template_type AS ENUM ('email_outgoing', 'email_notification');
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS templates (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    type template_type NOT NULL,
    body TEXT NOT NULL,
    is_default BOOL NOT NULL DEFAULT false,
    name TEXT NOT NULL,
    subject TEXT NULL,
    is_builtin BOOL NOT NULL DEFAULT false,
    CONSTRAINT constraint_templates_on_name CHECK (length(name) <= 140),
    CONSTRAINT constraint_templates_on_subject CHECK (length(subject) <= 1000)
);
-- At most one default template (the one outgoing e-mails are wrapped in).
CREATE UNIQUE INDEX IF NOT EXISTS index_unique_templates_on_is_default_when_is_default_is_true
    ON templates USING btree (is_default) WHERE (is_default = true);
