-- 027_outbox_events.sql: the changes that are events write their
-- deskd_events row (026) in their own transaction.
--
-- Triggers here cover what needs no actor: a new conversation and a new
-- message (deferred to commit, so the payload is the object as committed,
-- with its first message, assignments and attachments), a message's status
-- change, a conversation's property changes for the live hub, a new
-- notification and an agent's availability.  The three webhook events that
-- carry upstream's actor_id (status changed, assigned/unassigned, tags
-- changed) are written by the very statement that makes the change and its
-- activity message (app/store/conversation.c), which knows the actor.
--
-- payload is upstream's webhook payload for a webhook event and upstream's
-- websocket data for a live-only one.

-- One conversation as GET /api/v1/conversations/{uuid} answers it
-- (keep in step with json_stmt of app/store/conversation.c; a test
-- compares the two).
CREATE OR REPLACE FUNCTION deskd_conversation_json(conv_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
SELECT row_to_json(x) FROM (SELECT c.id, c.created_at, c.updated_at,
 c.uuid, c.contact_id, c.inbox_id, c.closed_at, c.resolved_at,
 c.reference_number, pr.name AS priority, c.priority_id, st.name AS status,
 st.category AS status_category, c.status_id, c.first_reply_at,
 c.last_reply_at, c.assigned_user_id, c.assigned_team_id, c.waiting_since,
 c.snoozed_until, c.subject,
 coalesce(substring(i."from" from '<([^>]+)>'), i."from") AS inbox_mail,
 i.config ->> 'reply_to' AS inbox_reply_to, i.name AS inbox_name,
 i.channel AS inbox_channel,
 coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM conversation_tags ctg
  JOIN tags t ON t.id = ctg.tag_id WHERE ctg.conversation_id = c.id), '[]')
  AS tags,
 c.meta, c.custom_attributes, c.last_message_at, c.last_message,
 c.last_message_sender, c.last_interaction, c.last_interaction_at,
 c.last_interaction_sender,
 json_build_object('id', ct.id, 'created_at', ct.created_at,
  'updated_at', ct.updated_at, 'first_name', ct.first_name,
  'last_name', coalesce(ct.last_name, ''), 'email', ct.email, 'type', ct.type,
  'availability_status', ct.availability_status, 'avatar_url', ct.avatar_url,
  'phone_number', ct.phone_number,
  'phone_number_country_code', ct.phone_number_country_code,
  'country', ct.country, 'custom_attributes', ct.custom_attributes,
  'enabled', ct.enabled, 'last_active_at', ct.last_active_at,
  'last_login_at', ct.last_login_at, 'external_user_id', ct.external_user_id)
  AS contact,
 c.sla_policy_id, sp.name AS sla_policy_name, sla.id AS applied_sla_id,
 sla.first_response_deadline_at, sla.resolution_deadline_at,
 nr.deadline_at AS next_response_deadline_at,
 nr.met_at AS next_response_met_at,
 NULL::int AS csat_rating, NULL::text AS csat_feedback,
 NULL::timestamptz AS csat_responded_at,
 coalesce((SELECT json_agg(json_build_object('id', pc.id, 'created_at',
  pc.created_at, 'updated_at', pc.updated_at, 'uuid', pc.uuid, 'subject',
  pc.subject, 'contact', json_build_object('first_name', ct.first_name,
  'last_name', coalesce(ct.last_name, ''), 'avatar_url', ct.avatar_url),
  'last_message', pc.last_message, 'last_message_at', pc.last_message_at)
  ORDER BY pc.last_message_at DESC NULLS LAST, pc.id DESC)
  FROM (SELECT * FROM conversations p2 WHERE p2.contact_id = c.contact_id
  AND p2.id <> c.id ORDER BY p2.last_message_at DESC NULLS LAST, p2.id DESC
  LIMIT 10) pc), '[]') AS previous_conversations
 FROM conversations c JOIN users ct ON ct.id = c.contact_id
 JOIN inboxes i ON i.id = c.inbox_id
 JOIN conversation_statuses st ON st.id = c.status_id
 LEFT JOIN conversation_priorities pr ON pr.id = c.priority_id
 LEFT JOIN sla_policies sp ON sp.id = c.sla_policy_id
 LEFT JOIN LATERAL (SELECT a.id, a.first_response_deadline_at,
  a.resolution_deadline_at FROM applied_slas a WHERE a.conversation_id = c.id
  ORDER BY a.created_at DESC, a.id DESC LIMIT 1) sla ON TRUE
 LEFT JOIN LATERAL (SELECT e.deadline_at, e.met_at FROM sla_events e
  WHERE e.applied_sla_id = sla.id AND e.type = 'next_response'
  ORDER BY e.created_at DESC, e.id DESC LIMIT 1) nr ON TRUE
 WHERE c.id = conv_id) x
$$;

-- One message as GET /api/v1/conversations/{cuuid}/messages/{uuid}
-- answers it (keep in step with MESSAGE_JSON of app/store/messages.c; a
-- test compares the two).
CREATE OR REPLACE FUNCTION deskd_message_json(msg_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
SELECT json_build_object('id', m.id, 'created_at', m.created_at, 'updated_at', m.updated_at,
 'uuid', m.uuid, 'type', m.type, 'status', m.status, 'conversation_id', m.conversation_id,
 'conversation_uuid', c.uuid, 'content', m.content, 'text_content', m.text_content,
 'content_type', m.content_type, 'private', m.private, 'sender_id', m.sender_id,
 'sender_type', m.sender_type, 'meta', m.meta,
 'attachments', coalesce((SELECT json_agg(json_build_object('name', md.filename,
  'size', md.size, 'content', NULL, 'content_id', md.content_id,
  'content_type', md.content_type, 'disposition', md.disposition, 'uuid', md.uuid,
  'url', '/uploads/' || md.uuid, 'thumbnail_url', CASE WHEN md.content_type LIKE 'image/%'
  AND md.content_type <> 'image/svg+xml' THEN '/uploads/' || md.uuid END)
  ORDER BY md.id) FROM media md
  WHERE md.model_type = 'messages' AND md.model_id = m.id), '[]'),
 'author', json_build_object('id', u.id, 'first_name', u.first_name,
  'last_name', coalesce(u.last_name, ''), 'email', u.email, 'avatar_url', u.avatar_url,
  'availability_status', u.availability_status, 'type', u.type,
  'last_active_at', u.last_active_at))
 FROM conversation_messages m JOIN conversations c ON c.id = m.conversation_id
 LEFT JOIN users u ON u.id = m.sender_id WHERE m.id = msg_id
$$;

-- A new conversation, at commit: conversation.created (payload the
-- conversation, as upstream) and the live new_conversation (the list
-- fields the web app shows).  Nothing if it is gone by then.
CREATE OR REPLACE FUNCTION deskd_conversation_created() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    j json := deskd_conversation_json(NEW.id);
BEGIN
    IF j IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO deskd_events (event, conversation_id, payload)
    VALUES ('conversation.created', NEW.id, j::jsonb);
    INSERT INTO deskd_events (event, conversation_id, payload)
    SELECT 'new_conversation', c.id, jsonb_build_object('uuid', c.uuid,
           'avatar_url', ct.avatar_url, 'first_name', ct.first_name,
           'last_name', coalesce(ct.last_name, ''), 'last_message', c.last_message,
           'last_message_at', c.last_message_at, 'inbox_name', i.name,
           'subject', c.subject, 'reference_number', c.reference_number,
           'status', st.name, 'assigned_user_id', c.assigned_user_id,
           'assigned_team_id', c.assigned_team_id, 'unread_message_count', 0)
      FROM conversations c JOIN users ct ON ct.id = c.contact_id
      JOIN inboxes i ON i.id = c.inbox_id
      JOIN conversation_statuses st ON st.id = c.status_id
     WHERE c.id = NEW.id;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS deskd_conversation_created ON conversations;
CREATE CONSTRAINT TRIGGER deskd_conversation_created AFTER INSERT ON conversations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION deskd_conversation_created();

-- A conversation's property changed: one live conversation_update
-- {uuid, prop, value} per property (status and priority by name, the
-- assignees by id), whatever statement changed it.
CREATE OR REPLACE FUNCTION deskd_conversation_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status_id IS DISTINCT FROM OLD.status_id THEN
        INSERT INTO deskd_events (event, conversation_id, payload)
        SELECT 'conversation_update', NEW.id, jsonb_build_object('uuid', NEW.uuid,
               'prop', 'status', 'value', st.name)
          FROM conversation_statuses st WHERE st.id = NEW.status_id;
    END IF;
    IF NEW.priority_id IS DISTINCT FROM OLD.priority_id THEN
        INSERT INTO deskd_events (event, conversation_id, payload)
        VALUES ('conversation_update', NEW.id, jsonb_build_object('uuid', NEW.uuid,
                'prop', 'priority', 'value', (SELECT pr.name FROM conversation_priorities pr
                                               WHERE pr.id = NEW.priority_id)));
    END IF;
    IF NEW.assigned_user_id IS DISTINCT FROM OLD.assigned_user_id THEN
        INSERT INTO deskd_events (event, conversation_id, payload)
        VALUES ('conversation_update', NEW.id, jsonb_build_object('uuid', NEW.uuid,
                'prop', 'assigned_user_id', 'value', NEW.assigned_user_id));
    END IF;
    IF NEW.assigned_team_id IS DISTINCT FROM OLD.assigned_team_id THEN
        INSERT INTO deskd_events (event, conversation_id, payload)
        VALUES ('conversation_update', NEW.id, jsonb_build_object('uuid', NEW.uuid,
                'prop', 'assigned_team_id', 'value', NEW.assigned_team_id));
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS deskd_conversation_updated ON conversations;
CREATE TRIGGER deskd_conversation_updated
    AFTER UPDATE OF status_id, priority_id, assigned_user_id, assigned_team_id ON conversations
    FOR EACH ROW EXECUTE FUNCTION deskd_conversation_updated();

-- A new message, at commit (its attachments linked by then):
-- message.created (payload the message, as upstream) and the live
-- new_message.  Activity messages too, as upstream.
CREATE OR REPLACE FUNCTION deskd_message_created() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    j json := deskd_message_json(NEW.id);
BEGIN
    IF j IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO deskd_events (event, conversation_id, payload)
    VALUES ('message.created', NEW.conversation_id, j::jsonb);
    INSERT INTO deskd_events (event, conversation_id, payload)
    SELECT 'new_message', m.conversation_id, jsonb_build_object(
           'conversation_uuid', c.uuid, 'content', m.text_content,
           'created_at', m.created_at, 'uuid', m.uuid, 'private', m.private,
           'type', m.type, 'sender_type', m.sender_type)
      FROM conversation_messages m JOIN conversations c ON c.id = m.conversation_id
     WHERE m.id = NEW.id;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS deskd_message_created ON conversation_messages;
CREATE CONSTRAINT TRIGGER deskd_message_created AFTER INSERT ON conversation_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION deskd_message_created();

-- A message's status changed: message.updated (the message, as upstream)
-- and the live message_update {conversation_uuid, uuid, prop, value}.
CREATE OR REPLACE FUNCTION deskd_message_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deskd_events (event, conversation_id, payload)
    VALUES ('message.updated', NEW.conversation_id, deskd_message_json(NEW.id)::jsonb);
    INSERT INTO deskd_events (event, conversation_id, payload)
    SELECT 'message_update', NEW.conversation_id, jsonb_build_object(
           'conversation_uuid', c.uuid, 'uuid', NEW.uuid, 'prop', 'status',
           'value', NEW.status)
      FROM conversations c WHERE c.id = NEW.conversation_id;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS deskd_message_updated ON conversation_messages;
CREATE TRIGGER deskd_message_updated AFTER UPDATE OF status ON conversation_messages
    FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status)
    EXECUTE FUNCTION deskd_message_updated();

-- A new in-app notification: the live new_notification for its one agent
-- (user_id), the object GET /api/v1/notifications lists.
CREATE OR REPLACE FUNCTION deskd_notification_created() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deskd_events (event, conversation_id, user_id, payload)
    SELECT 'new_notification', n.conversation_id, n.user_id, jsonb_build_object(
           'id', n.id, 'created_at', n.created_at, 'updated_at', n.updated_at,
           'user_id', n.user_id, 'notification_type', n.notification_type, 'title', n.title,
           'body', n.body, 'is_read', n.is_read, 'conversation_id', n.conversation_id,
           'message_id', n.message_id, 'actor_id', n.actor_id, 'meta', n.meta,
           'actor_first_name', u.first_name, 'actor_last_name', u.last_name,
           'actor_avatar_url', u.avatar_url, 'conversation_uuid', c.uuid,
           'message_uuid', m.uuid)
      FROM (SELECT NEW.*) n
      LEFT JOIN users u ON u.id = n.actor_id
      LEFT JOIN conversations c ON c.id = n.conversation_id
      LEFT JOIN conversation_messages m ON m.id = n.message_id;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS deskd_notification_created ON user_notifications;
CREATE TRIGGER deskd_notification_created AFTER INSERT ON user_notifications
    FOR EACH ROW EXECUTE FUNCTION deskd_notification_created();

-- An agent's availability changed: the live agent_availability_update
-- {agent_id, availability_status} for every agent.
CREATE OR REPLACE FUNCTION deskd_availability_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deskd_events (event, payload)
    VALUES ('agent_availability_update', jsonb_build_object('agent_id', NEW.id,
            'availability_status', NEW.availability_status));
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS deskd_availability_updated ON users;
CREATE TRIGGER deskd_availability_updated AFTER UPDATE OF availability_status ON users
    FOR EACH ROW WHEN (NEW.type = 'agent'
                       AND NEW.availability_status IS DISTINCT FROM OLD.availability_status)
    EXECUTE FUNCTION deskd_availability_updated();
