/*
 * convitems.h - SQL fragments for conversation list items, shared by the
 * query engine (app/convquery.c) and the statement table (app/queries.c).
 * $1 is always the caller's user id.
 */
#ifndef APP_CONVITEMS_H
#define APP_CONVITEMS_H

/* The teams the caller belongs to. */
#define MY_TEAMS "(SELECT tm.team_id FROM team_members tm WHERE tm.user_id = $1::bigint)"

/* One list item, built by PostgreSQL with upstream's keys and order (reference §7.2). */
#define ITEM_JSON(MENTION)                                                                         \
    "json_build_object('id', c.id, 'created_at', c.created_at, 'updated_at', c.updated_at,"       \
    " 'uuid', c.uuid, 'reference_number', c.reference_number, 'waiting_since', c.waiting_since,"  \
    " 'contact', json_build_object('created_at', ct.created_at, 'updated_at', ct.updated_at,"     \
    "  'first_name', ct.first_name, 'last_name', coalesce(ct.last_name, ''), 'email', ct.email,"  \
    "  'avatar_url', ct.avatar_url),"                                                             \
    " 'inbox_channel', i.channel, 'inbox_name', i.name, 'sla_policy_id', c.sla_policy_id,"       \
    " 'first_reply_at', c.first_reply_at, 'last_reply_at', c.last_reply_at,"                      \
    " 'resolved_at', c.resolved_at, 'subject', c.subject, 'last_message', c.last_message,"        \
    " 'last_message_at', c.last_message_at, 'last_message_sender', c.last_message_sender,"        \
    " 'last_interaction', c.last_interaction, 'last_interaction_at', c.last_interaction_at,"      \
    " 'last_interaction_sender', c.last_interaction_sender,"                                      \
    " 'next_sla_deadline_at', c.next_sla_deadline_at, 'priority_id', c.priority_id,"              \
    " 'assigned_user_id', c.assigned_user_id, 'assigned_team_id', c.assigned_team_id,"            \
    " 'unread_message_count', (SELECT count(*) FROM (SELECT 1 FROM conversation_messages um"      \
    "   WHERE um.conversation_id = c.id AND um.created_at > coalesce(ls.last_seen_at, 'epoch')"   \
    "   LIMIT 10) u),"                                                                            \
    " 'status', st.name, 'priority', pr.name,"                                                    \
    " 'first_response_deadline_at', sla.first_response_deadline_at,"                              \
    " 'resolution_deadline_at', sla.resolution_deadline_at, 'applied_sla_id', sla.id,"           \
    " 'next_response_deadline_at', nr.deadline_at, 'next_response_met_at', nr.met_at,"            \
    " 'mentioned_message_uuid', " MENTION ")::text"

#define ITEM_JOINS                                                                                 \
    " JOIN conversations c ON c.id = p.id"                                                        \
    " JOIN users ct ON ct.id = c.contact_id"                                                      \
    " JOIN inboxes i ON i.id = c.inbox_id"                                                        \
    " JOIN conversation_statuses st ON st.id = c.status_id"                                       \
    " LEFT JOIN conversation_priorities pr ON pr.id = c.priority_id"                              \
    " LEFT JOIN conversation_last_seen ls ON ls.conversation_id = c.id"                           \
    "  AND ls.user_id = $1::bigint"                                                               \
    " LEFT JOIN LATERAL (SELECT a.id, a.first_response_deadline_at, a.resolution_deadline_at"     \
    "  FROM applied_slas a WHERE a.conversation_id = c.id"                                        \
    "  ORDER BY a.created_at DESC, a.id DESC LIMIT 1) sla ON TRUE"                                \
    " LEFT JOIN LATERAL (SELECT e.deadline_at, e.met_at FROM sla_events e"                        \
    "  WHERE e.applied_sla_id = sla.id AND e.type = 'next_response'"                              \
    "  ORDER BY e.created_at DESC, e.id DESC LIMIT 1) nr ON TRUE"


#define MENTION_JOIN                                                                               \
    " LEFT JOIN LATERAL (SELECT msg.uuid FROM conversation_mentions m"                            \
    "  JOIN conversation_messages msg ON msg.id = m.message_id WHERE m.conversation_id = c.id"    \
    "  AND (m.mentioned_user_id = $1::bigint OR m.mentioned_team_id IN " MY_TEAMS ")"             \
    "  ORDER BY m.created_at DESC, m.id DESC LIMIT 1) mm ON TRUE"

#endif
