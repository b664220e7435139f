-- 025_wassist_contact_lookup.sql: the `contact` filter of the Wassist list
-- (GET /wassist/api/v1/conversations/?contact=) finds the live contacts by
-- phone number or by e-mail in any case; both through an index, so that
-- the conversations are then found through index_conversations_on_contact_id.
CREATE INDEX IF NOT EXISTS index_users_on_phone_number_live_contacts
    ON users (phone_number) WHERE type IN ('contact', 'visitor') AND deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS index_users_on_lower_email_live_contacts
    ON users (lower(email)) WHERE type IN ('contact', 'visitor') AND deleted_at IS NULL;
