-- 035_ai_provider_type.sql: upstream's ai_providers.type (completion or embedding, one row of each at most).
--
-- Upstream keys its provider rows by type; deskd reads and writes the
-- completion row only.  An adopted Libredesk database has the column, its
-- check and its index already: then this changes nothing.
ALTER TABLE ai_providers ADD COLUMN IF NOT EXISTS type TEXT NOT NULL DEFAULT 'completion';
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'ai_providers'::regclass
                   AND conname = 'constraint_ai_providers_on_type') THEN
        ALTER TABLE ai_providers ADD CONSTRAINT constraint_ai_providers_on_type
            CHECK (type IN ('completion', 'embedding'));
    END IF;
END
$$;
CREATE UNIQUE INDEX IF NOT EXISTS index_unique_ai_providers_on_type ON ai_providers (type);
