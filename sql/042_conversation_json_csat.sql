-- 042_conversation_json_csat.sql: the conversation in event payloads
-- (deskd_conversation_json, made by 027) carries its survey's csat_rating,
-- csat_feedback and csat_responded_at (040), as GET
-- /api/v1/conversations/{uuid} does (keep in step with json_stmt of
-- app/store/conversation.c; a test compares the two).
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
 cs.rating AS csat_rating, cs.feedback AS csat_feedback,
 cs.response_timestamp AS csat_responded_at,
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
 LEFT JOIN LATERAL (SELECT r.rating, r.feedback, r.response_timestamp
  FROM csat_responses r WHERE r.conversation_id = c.id
  ORDER BY r.response_timestamp DESC NULLS LAST, r.created_at DESC, r.id DESC LIMIT 1)
  cs ON TRUE
 WHERE c.id = conv_id) x
$$;
