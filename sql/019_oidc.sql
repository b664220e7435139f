-- 019_oidc.sql: upstream's OpenID Connect providers (oidc), with upstream's
-- columns.  client_id and client_secret are stored sealed ("enc:...",
-- rules/secret.h), as upstream stores them.

CREATE TABLE IF NOT EXISTS oidc (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    "name" TEXT NULL,
    provider_url TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    enabled bool DEFAULT TRUE NOT NULL,
    provider VARCHAR NULL,
    logo_url TEXT NOT NULL DEFAULT '',
    CONSTRAINT constraint_oidc_on_name CHECK (length("name") <= 140)
);
