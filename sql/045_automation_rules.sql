-- 045_automation_rules.sql: the automation rules table, with the names,
-- types and enum values of Libredesk's, so an adopted database serves it
-- as it is.
--
-- type is one of new_conversation, conversation_update, time_trigger
-- (checked by the API, kept VARCHAR as upstream does); events lists the
-- update events a conversation_update rule runs on; rules holds the
-- condition groups and actions as JSON; execution_mode (all, first_match)
-- is kept on every row and changed for all rules of a type at once.
CREATE TYPE automation_execution_mode AS ENUM ('all', 'first_match');

CREATE TABLE automation_rules (
    id SERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    "name" TEXT NOT NULL,
    description TEXT NULL,
    "type" VARCHAR NOT NULL,
    rules JSONB NULL,
    events TEXT[] DEFAULT '{}'::TEXT[] NOT NULL,
    enabled BOOL DEFAULT TRUE NOT NULL,
    weight INT DEFAULT 0 NOT NULL,
    execution_mode automation_execution_mode DEFAULT 'all' NOT NULL,
    CONSTRAINT constraint_automation_rules_on_name CHECK (length("name") <= 140),
    CONSTRAINT constraint_automation_rules_on_description CHECK (length(description) <= 300)
);
CREATE INDEX index_automation_rules_on_enabled_and_weight ON automation_rules (enabled, weight);
CREATE INDEX index_automation_rules_on_type_and_weight ON automation_rules ("type", weight);
