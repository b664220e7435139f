/*
 * lists/items.h - SQL fragments for conversation list items, shared by the
 * list engine (lists/query.c) and the statements that read the items
 * (store/conversations.c).  $1 is always the caller's user id.
 */
#ifndef LISTS_ITEMS_H
#define LISTS_ITEMS_H

/* The teams the caller belongs to. */
#define MY_TEAMS "(SELECT tm.team_id FROM team_members tm WHERE tm.user_id = $1::bigint)"

/*
 * The columns of one list item, in upstream's key order (reference §7.2);
 * fetched in binary and written as JSON by store/conversations.c,
 * which is cheaper than having PostgreSQL build and print the JSON.
 */
#define ITEM_COLUMNS(MENTION)                                                                      \
    "c.id, c.created_at, c.updated_at, c.uuid, c.reference_number, c.waiting_since,"               \
    " ct.created_at, ct.updated_at, ct.first_name, coalesce(ct.last_name, ''), ct.email,"          \
    " ct.avatar_url, i.channel::text, i.name, c.sla_policy_id, c.first_reply_at,"                  \
    " c.last_reply_at, c.resolved_at, c.subject, c.last_message, c.last_message_at,"               \
    " c.last_message_sender::text, c.last_interaction, c.last_interaction_at,"                     \
    " c.last_interaction_sender::text, c.next_sla_deadline_at, c.priority_id,"                     \
    " c.assigned_user_id, c.assigned_team_id,"                                                     \
    " (SELECT count(*) FROM (SELECT 1 FROM conversation_messages um"                               \
    "   WHERE um.conversation_id = c.id AND um.created_at > coalesce(ls.last_seen_at, 'epoch')"    \
    "   AND um.type <> 'activity'"                                                                 \
    "   LIMIT 10) u),"                                                                             \
    " st.name, pr.name, sla.first_response_deadline_at, sla.resolution_deadline_at, sla.id,"       \
    " nr.deadline_at, nr.met_at, " MENTION

#define ITEM_JOINS                                                                                 \
    " JOIN conversations c ON c.id = p.id"                                                         \
    " JOIN users ct ON ct.id = c.contact_id"                                                       \
    " JOIN inboxes i ON i.id = c.inbox_id"                                                         \
    " JOIN conversation_statuses st ON st.id = c.status_id"                                        \
    " LEFT JOIN conversation_priorities pr ON pr.id = c.priority_id"                               \
    " LEFT JOIN conversation_last_seen ls ON ls.conversation_id = c.id"                            \
    "  AND ls.user_id = $1::bigint"                                                                \
    " LEFT JOIN LATERAL (SELECT a.id, a.first_response_deadline_at, a.resolution_deadline_at"      \
    "  FROM applied_slas a WHERE a.conversation_id = c.id"                                         \
    "  ORDER BY a.created_at DESC, a.id DESC LIMIT 1) sla ON TRUE"                                 \
    " LEFT JOIN LATERAL (SELECT e.deadline_at, e.met_at FROM sla_events e"                         \
    "  WHERE e.applied_sla_id = sla.id AND e.type = 'next_response'"                               \
    "  ORDER BY e.created_at DESC, e.id DESC LIMIT 1) nr ON TRUE"

#define MENTION_JOIN                                                                               \
    " LEFT JOIN LATERAL (SELECT msg.uuid FROM conversation_mentions m"                             \
    "  JOIN conversation_messages msg ON msg.id = m.message_id WHERE m.conversation_id = c.id"     \
    "  AND (m.mentioned_user_id = $1::bigint OR m.mentioned_team_id IN " MY_TEAMS ")"              \
    "  ORDER BY m.created_at DESC, m.id DESC LIMIT 1) mm ON TRUE"

/*
 * The milliseconds conversation c has waited for an answer, at the
 * statement's time (NULL when it is not waiting); a bigint.
 */
#define WAITING_MS "(floor(extract(epoch FROM (now() - c.waiting_since)) * 1000))::bigint"

#endif
