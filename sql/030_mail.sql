-- E-mail inboxes (app/services/mail.c).
--
-- deskd_mail_mailboxes: per inbox and IMAP mailbox, the UIDVALIDITY seen and
-- the last UID taken.  The mail process advances last_uid in the same
-- transaction that stores the message (or records why it was skipped), so a
-- message is processed exactly once across restarts and crashes.  A new
-- UIDVALIDITY starts over from the mailbox's current UIDNEXT (the server
-- renumbered the mailbox: old UIDs mean nothing any more).
CREATE TABLE IF NOT EXISTS deskd_mail_mailboxes (
    inbox_id INT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    mailbox TEXT NOT NULL,
    uid_validity BIGINT NOT NULL,
    last_uid BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (inbox_id, mailbox)
);

-- deskd_mail_sends: the delivery state of an outgoing e-mail reply (the
-- message's own status stays upstream's: pending, sent, failed).  attempts
-- counts SMTP attempts; a failed reply is tried again at next_attempt_at
-- (backoff) until the attempts run out; PUT .../retry puts it back to
-- pending, which is due at once.  leased_until keeps a reply that one mail
-- process is sending from being sent by another.
CREATE TABLE IF NOT EXISTS deskd_mail_sends (
    message_id BIGINT PRIMARY KEY REFERENCES conversation_messages (id) ON DELETE CASCADE,
    attempts INT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NULL,
    leased_until TIMESTAMPTZ NULL,
    last_error TEXT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- The replies waiting to go out, found without walking every message.
CREATE INDEX IF NOT EXISTS index_conversation_messages_mail_due
    ON conversation_messages (id)
    WHERE type = 'outgoing' AND NOT private AND status IN ('pending', 'failed');
-- Threading: a reply's In-Reply-To/References name earlier messages' Message-IDs.
-- (source_id is indexed already by 001.)
