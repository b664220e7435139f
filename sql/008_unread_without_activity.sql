-- 008_unread_without_activity.sql: activity messages (status, priority and
-- assignee changes) are not unread messages.  The unread count of a list item
-- and mark-unread read only the other messages, through this index.
CREATE INDEX index_conversation_messages_on_conversation_id_created_at_chat
    ON conversation_messages (conversation_id, created_at)
    WHERE type <> 'activity';
