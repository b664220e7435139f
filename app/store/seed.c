/*
 * store/seed.c - see seed.h.
 *
 * Every batch runs unprepared (db_exec), so PostgreSQL plans it for its own
 * parameter values: the messages batch scans only the conversations above
 * its bound.
 */
#include "store/seed.h"

#include "lib/db.h"
#include "store/store.h"

/*
 * The outbox's triggers on the tables a batch fills (sql/027), off for the
 * batch's transaction only: generated rows are not changes anybody waits
 * for, and a batch of 50,000 conversations would otherwise commit 350,000
 * events (webhook deliveries and live updates for every row) in one go.
 * ALTER TABLE is transactional: the triggers are back on at commit, and a
 * concurrent writer waits for the batch instead of missing its events.
 */
#define OUTBOX_TRIGGERS(onoff)                                                                     \
    "ALTER TABLE conversations " onoff " TRIGGER deskd_conversation_created, " onoff               \
    " TRIGGER deskd_conversation_updated;"                                                         \
    "ALTER TABLE conversation_messages " onoff " TRIGGER deskd_message_created, " onoff            \
    " TRIGGER deskd_message_updated"

/* Runs st with its one parameter v in a transaction of its own, without events. */
static enum app_err batch(struct db *db, struct arena *a, const struct db_stmt *st, int64_t v)
{
    const char *p[] = {store_i64(a, v)};
    enum app_err e = store_begin(db);
    if (e != APP_OK)
        return e;
    e = db_script(db, OUTBOX_TRIGGERS("DISABLE"));
    if (e == APP_OK)
        e = db_exec(db, a, st->sql, st->nparams, p, NULL);
    if (e == APP_OK)
        e = db_script(db, OUTBOX_TRIGGERS("ENABLE"));
    return store_end(db, e);
}

static const char people_sql[] =
    "INSERT INTO teams (name, emoji, conversation_assignment_type, timezone)"
    " SELECT t.name, t.emoji, 'Manual', 'UTC' FROM (VALUES"
    " ('Billing', '💳'), ('Technical support', '🛠️'), ('Sales', '📈'),"
    " ('Onboarding', '🚀'), ('Escalations', '🔥')) t(name, emoji)"
    " ON CONFLICT (name) DO NOTHING;"
    "INSERT INTO inboxes (name, channel, \"from\")"
    " SELECT 'Sales', 'email', 'Sales <sales@example.com>'"
    " WHERE NOT EXISTS (SELECT 1 FROM inboxes WHERE name = 'Sales');"
    "INSERT INTO inboxes (name, channel)"
    " SELECT 'Website chat', 'livechat'"
    " WHERE NOT EXISTS (SELECT 1 FROM inboxes WHERE name = 'Website chat');"
    "INSERT INTO users (type, email, first_name, last_name, availability_status, enabled)"
    " SELECT 'agent', 'agent' || g || '@example.com',"
    " (ARRAY['Asha','Ben','Chloe','Diego','Elif','Farid','Grace','Hiro','Ines','Jonas',"
    "  'Keira','Luca'])[1 + g % 12],"
    " (ARRAY['Nair','Okafor','Park','Quinn','Rossi','Silva','Tanaka','Ueda','Varga','Weber',"
    "  'Xu','Young'])[1 + (g * 7) % 12],"
    " (ARRAY['online','away','offline'])[1 + g % 3]::user_availability_status, TRUE"
    " FROM generate_series(1, 24) g"
    " WHERE NOT EXISTS (SELECT 1 FROM users u WHERE lower(u.email) = 'agent' || g || '@example.com'"
    " AND u.type = 'agent' AND u.deleted_at IS NULL);"
    "INSERT INTO user_roles (user_id, role_id)"
    " SELECT u.id, r.id FROM users u, roles r WHERE u.type = 'agent'"
    " AND u.email LIKE 'agent%@example.com' AND r.name = 'Agent' ON CONFLICT DO NOTHING;"
    "INSERT INTO team_members (team_id, user_id)"
    " SELECT t.id, u.id FROM"
    " (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users"
    "  WHERE type = 'agent' AND email LIKE 'agent%@example.com') u,"
    " (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM teams) t,"
    " (SELECT count(*) AS c FROM teams) tc"
    " WHERE t.n = u.n % tc.c OR (u.n % 4 = 0 AND t.n = (u.n / 4) % tc.c)"
    " ON CONFLICT DO NOTHING";

enum app_err store_seed_people(struct db *db)
{
    enum app_err e = store_begin(db);
    if (e != APP_OK)
        return e;
    e = db_script(db, people_sql);
    return store_end(db, e);
}

/* $1 how many seeded contacts should exist in total */
static const struct db_stmt contacts_stmt = {
    "seed_contacts",
    "INSERT INTO users (type, email, first_name, last_name, country, created_at, updated_at)"
    " SELECT 'contact', 'customer' || g || '@example.net',"
    " (ARRAY['Alex','Bea','Carl','Dana','Emil','Fay','Gus','Hana','Ivo','Jade','Kim','Leo',"
    "  'Mia','Noor','Omar','Pia'])[1 + g % 16],"
    " (ARRAY['Adams','Brown','Clark','Diaz','Evans','Fox','Gray','Hall','Ito','Jones','Khan',"
    "  'Lee','Moore','Ng','Ortiz','Patel'])[1 + (g * 5) % 16],"
    " (ARRAY['India','Germany','Brazil','Japan','Kenya','Canada'])[1 + g % 6],"
    " now() - (g % 400) * interval '1 day', now() - (g % 400) * interval '1 day'"
    " FROM generate_series((SELECT count(*) + 1 FROM users WHERE type = 'contact'"
    " AND email LIKE 'customer%@example.net'), $1::int) g",
    1, 0};

enum app_err store_seed_contacts(struct db *db, struct arena *a, int64_t total)
{
    return batch(db, a, &contacts_stmt, total);
}

static const struct db_stmt last_stmt = {"seed_last_conversation",
                                         "SELECT coalesce(max(id), 0) FROM conversations", 0, 1};

enum app_err store_seed_last_conversation(struct db *db, struct arena *a, int64_t *id)
{
    return store_found_i64(db, a, &last_stmt, NULL, id);
}

/* $1 conversations in this batch */
static const struct db_stmt conversations_stmt = {
    "seed_conversations",
    "WITH p AS (SELECT"
    " (SELECT array_agg(id ORDER BY id) FROM users WHERE type = 'contact'"
    "  AND email LIKE 'customer%@example.net') AS contacts,"
    " (SELECT array_agg(id ORDER BY id) FROM users WHERE type = 'agent'"
    "  AND email LIKE 'agent%@example.com') AS agents,"
    " (SELECT array_agg(id ORDER BY id) FROM teams) AS teams,"
    " (SELECT array_agg(id ORDER BY id) FROM inboxes WHERE deleted_at IS NULL) AS inboxes,"
    " (SELECT id FROM conversation_statuses WHERE name = 'Open') AS st_open,"
    " (SELECT id FROM conversation_statuses WHERE name = 'Snoozed') AS st_snoozed,"
    " (SELECT id FROM conversation_statuses WHERE name = 'Resolved') AS st_resolved,"
    " (SELECT id FROM conversation_statuses WHERE name = 'Closed') AS st_closed,"
    " (SELECT array_agg(id ORDER BY id) FROM conversation_priorities) AS prios),"
    " s AS (SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4,"
    "  random() AS r5, random() AS r6, random() AS r7, random() AS r8,"
    "  nextval('conversation_reference_number_sequence')::text AS ref"
    "  FROM generate_series(1, $1::int) g),"
    " v AS (SELECT s.*, p.*,"
    "  now() - s.r5 * interval '365 days' AS created,"
    "  CASE WHEN s.r1 < 0.40 THEN p.st_open WHEN s.r1 < 0.50 THEN p.st_snoozed"
    "   WHEN s.r1 < 0.85 THEN p.st_resolved ELSE p.st_closed END AS status,"
    "  CASE WHEN s.r7 < 0.5 THEN 'contact' ELSE 'agent' END AS last_sender"
    "  FROM s, p),"
    " w AS (SELECT v.*, least(now(), v.created + v.r6 * interval '3 days') AS last_at FROM v)"
    " INSERT INTO conversations (created_at, updated_at, reference_number, contact_id,"
    " assigned_user_id, assigned_team_id, inbox_id, status_id, priority_id, subject,"
    " waiting_since, last_message_at, last_message, last_message_sender, last_interaction,"
    " last_interaction_sender, last_interaction_at, first_reply_at, last_reply_at,"
    " resolved_at, closed_at, snoozed_until)"
    " SELECT w.created, w.last_at, w.ref,"
    " w.contacts[1 + floor(w.r8 * array_length(w.contacts, 1))::int],"
    " CASE WHEN w.r3 < 0.45 THEN NULL"
    "  ELSE w.agents[1 + floor(w.r4 * array_length(w.agents, 1))::int] END,"
    " CASE WHEN w.r3 < 0.25 THEN NULL"
    "  ELSE w.teams[1 + (w.g % array_length(w.teams, 1))] END,"
    " w.inboxes[1 + (w.g % array_length(w.inboxes, 1))],"
    " w.status,"
    " CASE WHEN w.r2 < 0.2 THEN NULL WHEN w.r2 < 0.6 THEN w.prios[1]"
    "  WHEN w.r2 < 0.9 THEN w.prios[2] ELSE w.prios[3] END,"
    " (ARRAY['Cannot log in to my account','Invoice shows the wrong amount',"
    "  'Refund for a duplicate charge','How do I export my data?','App crashes on start',"
    "  'Change the e-mail on my account','Question about the premium plan',"
    "  'Delivery is late','Password reset link expired','Feature request: dark mode'])"
    "  [1 + w.g % 10] || ' - #' || w.ref,"
    " CASE WHEN w.status = w.st_open AND w.last_sender = 'contact' THEN w.last_at END,"
    " w.last_at,"
    " CASE WHEN w.last_sender = 'contact' THEN 'Any update on this? Thanks.'"
    "  ELSE 'Thanks for reaching out, we are looking into it.' END,"
    " w.last_sender::message_sender_type,"
    " CASE WHEN w.last_sender = 'contact' THEN 'Any update on this? Thanks.'"
    "  ELSE 'Thanks for reaching out, we are looking into it.' END,"
    " w.last_sender::message_sender_type, w.last_at,"
    " w.created + (w.last_at - w.created) / 2, w.created + (w.last_at - w.created) / 2,"
    " CASE WHEN w.status IN (w.st_resolved, w.st_closed) THEN w.last_at END,"
    " CASE WHEN w.status = w.st_closed THEN w.last_at END,"
    " CASE WHEN w.status = w.st_snoozed THEN now() + w.r6 * interval '2 days' END"
    " FROM w",
    1, 0};

enum app_err store_seed_conversations(struct db *db, struct arena *a, int64_t count)
{
    return batch(db, a, &conversations_stmt, count);
}

/* $1 conversations with a larger id get their messages, their senders their participants */
static const struct db_stmt messages_stmt = {
    "seed_messages",
    "WITH m AS (INSERT INTO conversation_messages (created_at, updated_at, type, status,"
    " private, conversation_id, content_type, content, text_content, sender_id, sender_type)"
    " SELECT t.at, t.at, t.type::message_type, t.status::message_status, t.private, c.id,"
    " 'text', t.body, t.body, t.sender, t.sender_type::message_sender_type"
    " FROM conversations c"
    " CROSS JOIN LATERAL generate_series(1, 2 + (c.id % 3)::int) k"
    " CROSS JOIN LATERAL (SELECT"
    "  c.created_at + (k - 1) * (coalesce(c.last_message_at, c.created_at) - c.created_at)"
    "   / (1 + (c.id % 3)) AS at,"
    "  CASE WHEN k = 4 THEN 'outgoing' WHEN k % 2 = 1 THEN 'incoming' ELSE 'outgoing' END AS type,"
    "  CASE WHEN k % 2 = 1 AND k <> 4 AND k <> 3 THEN 'received'"
    "   WHEN k = 3 THEN 'received' ELSE 'sent' END AS status,"
    "  (k = 4) AS private,"
    "  CASE k WHEN 1 THEN 'Hello, I need help with: ' || coalesce(c.subject, 'my account')"
    "   WHEN 2 THEN 'Thanks for reaching out, we are looking into it.'"
    "   WHEN 3 THEN 'Any update on this? Thanks.'"
    "   ELSE 'Internal note: checked the logs, waiting on billing.' END AS body,"
    "  CASE WHEN k % 2 = 1 AND k <> 4 THEN c.contact_id"
    "   ELSE coalesce(c.assigned_user_id, (SELECT min(id) FROM users WHERE type = 'agent'"
    "   AND email LIKE 'agent%@example.com')) END AS sender,"
    "  CASE WHEN k % 2 = 1 AND k <> 4 THEN 'contact' ELSE 'agent' END AS sender_type) t"
    " WHERE c.id > $1::bigint RETURNING conversation_id, sender_id)"
    /* Every sender takes part, as when messages are sent. */
    " INSERT INTO conversation_participants (user_id, conversation_id)"
    " SELECT DISTINCT sender_id, conversation_id FROM m WHERE sender_id IS NOT NULL"
    " ON CONFLICT DO NOTHING",
    1, 0};

enum app_err store_seed_messages(struct db *db, struct arena *a, int64_t after_id)
{
    return batch(db, a, &messages_stmt, after_id);
}

#define TRGM_INDEX "index_conversation_messages_on_text_content_trgm"

enum app_err store_seed_trgm_index_drop(struct db *db)
{
    return db_script(db, "DROP INDEX IF EXISTS " TRGM_INDEX);
}

enum app_err store_seed_trgm_index_build(struct db *db)
{
    return db_script(db, "CREATE INDEX IF NOT EXISTS " TRGM_INDEX
                         " ON conversation_messages USING GIN (text_content gin_trgm_ops)");
}

enum app_err store_seed_vacuum(struct db *db)
{
    /*
     * Seed runs as the database owner, not a superuser: VACUUM skips the
     * shared catalogs with one warning each, which says nothing here.
     * Separate statements: VACUUM cannot run in a multi-statement string.
     */
    enum app_err e = db_script(db, "SET client_min_messages = error");
    if (e == APP_OK)
        e = db_script(db, "VACUUM ANALYZE");
    if (e == APP_OK)
        e = db_script(db, "RESET client_min_messages");
    return e;
}
