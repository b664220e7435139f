-- 014_custom_attributes.sql: the definitions of the custom attributes that
-- contacts and conversations carry in their custom_attributes columns, with
-- upstream's table and column names (a Libredesk database already has the
-- table: then this changes nothing).  A key is unique per applies_to.
CREATE TABLE IF NOT EXISTS custom_attribute_definitions (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    "name" TEXT NOT NULL CHECK (length("name") <= 140),
    description TEXT NOT NULL CHECK (length(description) <= 300),
    applies_to TEXT NOT NULL CHECK (length(applies_to) <= 50),
    key TEXT NOT NULL CHECK (length(key) <= 140),
    values TEXT[] NOT NULL DEFAULT '{}'::TEXT[],
    data_type TEXT NOT NULL CHECK (length(data_type) <= 100),
    regex TEXT NULL CHECK (length(regex) <= 1000),
    regex_hint TEXT NULL CHECK (length(regex_hint) <= 1000),
    CONSTRAINT custom_attribute_definitions_key_applies_to_unique UNIQUE (key, applies_to)
);
