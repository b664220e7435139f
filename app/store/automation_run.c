/*
 * store/automation_run.c - the automation engine (store/automation.h):
 * reads a conversation into a snapshot, evaluates the enabled rules
 * (rules/automation.h) and applies the actions of those that hold through
 * the conversation store's own writes, in the caller's transaction.
 *
 * Each process keeps the enabled rules parsed, with the 'automation'
 * cache version they were read at; the snapshot statement returns the
 * current version, so a rule written anywhere is seen by the next change.
 */
#include "store/automation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/text.h"
#include "rules/csat.h"
#include "store/conversation.h"
#include "store/csat.h"
#include "store/messages.h"
#include "store/sla.h"
#include "store/store.h"
#include "store/webhooks.h"

static struct am_set cache;   /* the enabled rules, by weight then id */
static int64_t cache_version; /* 0: none read yet */
static int64_t system_id;     /* the System user: the actor of every action */
static int depth;             /* rule runs open (nested by their own changes) */
static int quiet;             /* a creation's own steps: nothing triggers */
static char *secret;          /* the server secret: send_csat's links */

/* $1 conversation: the rules' version, then what the conditions read (struct am_snap). */
static const struct db_stmt snap_stmt = {
    "automation_snapshot",
    "SELECT (SELECT version FROM deskd_cache_versions WHERE name = 'automation'),"
    " coalesce(c.subject, ''), coalesce(c.last_message, ''), coalesce(u.email, ''),"
    " u.custom_attributes::text, c.status_id, coalesce(c.priority_id, 0),"
    " coalesce(c.assigned_user_id, 0), coalesce(c.assigned_team_id, 0), c.inbox_id,"
    " extract(epoch FROM now() - c.created_at) / 3600,"
    " coalesce(extract(epoch FROM now() - c.first_reply_at) / 3600, -1),"
    " coalesce(extract(epoch FROM now() - c.last_reply_at) / 3600, -1),"
    " coalesce(extract(epoch FROM now() - c.resolved_at) / 3600, -1),"
    " (SELECT string_agg(t, chr(10)) FROM jsonb_array_elements_text(CASE"
    "  WHEN jsonb_typeof(m.meta -> 'to') = 'array' THEN m.meta -> 'to' ELSE '[]' END) t)"
    " FROM conversations c LEFT JOIN users u ON u.id = c.contact_id"
    " LEFT JOIN LATERAL (SELECT meta FROM conversation_messages WHERE conversation_id = c.id"
    "  AND type = 'incoming' ORDER BY created_at DESC, id DESC LIMIT 1) m ON true"
    " WHERE c.id = $1::bigint",
    1, 1};

/* The enabled rules with the version and the System user's id (one row, r NULL, if none). */
static const struct db_stmt rules_stmt = {
    "automation_rules_enabled",
    "SELECT v.version, (SELECT id FROM users WHERE type = 'agent' AND email = 'System'"
    "  ORDER BY id LIMIT 1), r.id, r.name, r.type, to_json(r.events)::text,"
    " r.execution_mode::text, r.rules::text"
    " FROM deskd_cache_versions v LEFT JOIN automation_rules r ON r.enabled"
    " WHERE v.name = 'automation' ORDER BY r.weight, r.id",
    0, 1};

static double dbl_at(struct db_res *res, int col)
{
    const char *v = db_value(res, 0, col);
    return v != NULL ? strtod(v, NULL) : -1;
}

static int64_t i64_at(struct db_res *res, int row, int col)
{
    const char *v = db_value(res, row, col);
    return v != NULL ? strtoll(v, NULL, 10) : 0;
}

/* Reads the rules again when version is not the one they were read at (not inside a run). */
static enum app_err refresh(struct db *db, struct arena *a, int64_t version)
{
    struct db_res *res;
    enum app_err e;

    if ((version == cache_version && version != 0) || depth > 0)
        return APP_OK;
    if ((e = db_run(db, a, &rules_stmt, NULL, &res)) != APP_OK)
        return e;
    am_set_free(&cache);
    cache_version = 0;
    for (int i = 0; i < db_ntuples(res); i++) {
        if (db_value(res, i, 2) == NULL)
            continue;
        if (am_set_add(&cache, i64_at(res, i, 2), db_value(res, i, 3), db_value(res, i, 4),
                       db_value(res, i, 5), db_value(res, i, 6), db_value(res, i, 7)) < 0) {
            am_set_free(&cache);
            return APP_ERR_INTERNAL;
        }
    }
    if (db_ntuples(res) > 0) {
        cache_version = i64_at(res, 0, 0);
        system_id = i64_at(res, 0, 1);
    }
    return APP_OK;
}

/* Whether an enabled rule of type t (and for updates, of event bit ev) exists. */
static int any_rule(enum am_type t, unsigned ev)
{
    for (size_t i = 0; i < cache.n; i++)
        if (cache.rules[i].type == t &&
            (t != AM_CONVERSATION_UPDATE || (cache.rules[i].events & ev)))
            return 1;
    return 0;
}

/* The conversation's snapshot into *s (strings in the arena), the rules brought up to date. */
static enum app_err snapshot(struct db *db, struct arena *a, int64_t conv_id, struct am_snap *s,
                             int *found)
{
    const char *p[] = {store_i64(a, conv_id)};
    struct db_res *res;
    enum app_err e = db_run(db, a, &snap_stmt, p, &res);

    memset(s, 0, sizeof(*s));
    *found = 0;
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    if (db_value(res, 0, 0) == NULL)
        return APP_OK; /* no counter (sql/037 not applied): no rules */
    if ((e = refresh(db, a, i64_at(res, 0, 0))) != APP_OK)
        return e;
    *found = 1;
    s->subject = arena_strdup(a, db_value(res, 0, 1));
    s->content = arena_strdup(a, db_value(res, 0, 2));
    s->contact_email = arena_strdup(a, db_value(res, 0, 3));
    s->custom_attributes = db_value(res, 0, 4) ? arena_strdup(a, db_value(res, 0, 4)) : NULL;
    s->status = i64_at(res, 0, 5);
    s->priority = i64_at(res, 0, 6);
    s->user = i64_at(res, 0, 7);
    s->team = i64_at(res, 0, 8);
    s->inbox = i64_at(res, 0, 9);
    s->hours_created = dbl_at(res, 10);
    s->hours_first_reply = dbl_at(res, 11);
    s->hours_last_reply = dbl_at(res, 12);
    s->hours_resolved = dbl_at(res, 13);
    const char *to = db_value(res, 0, 14);
    if (to != NULL && *to != '\0') {
        char *copy = arena_strdup(a, to), *save = NULL;
        size_t n = 1;
        for (const char *q = to; *q; q++)
            n += *q == '\n';
        const char **list = ARENA_NEW(a, const char *, n);
        if (copy == NULL || list == NULL)
            return APP_ERR_INTERNAL;
        for (char *t = strtok_r(copy, "\n", &save); t != NULL; t = strtok_r(NULL, "\n", &save))
            list[s->nto++] = t;
        s->to = list;
    }
    return s->subject && s->content && s->contact_email ? APP_OK : APP_ERR_INTERNAL;
}

/* $1 conversation, $2 actor, $3 text, $4 kind, $5 rule id, $6 rule name */
static const struct db_stmt note_activity_stmt = {
    "automation_activity",
    "INSERT INTO conversation_messages (type, status, private, conversation_id,"
    " content_type, content, text_content, sender_id, sender_type, meta)"
    " VALUES ('activity', 'sent', true, $1::bigint, 'text', $3::text, $3::text, $2::int,"
    " 'agent', jsonb_build_object('activity_type', 'automation', 'activity', $4::text,"
    " 'automation_rule_id', $5::int, 'automation_rule', $6::text))",
    6, 0};

/* $1 conversation: its latest message id (0: none), where a rule's own messages start. */
static const struct db_stmt last_msg_stmt = {
    "automation_last_message",
    "SELECT coalesce(max(id), 0) FROM conversation_messages WHERE conversation_id = $1::bigint", 1,
    1};

/*
 * $1 conversation, $2 actor, $3 rule id, $4 rule name, $5 the latest
 * message id before the rule ran: the actor's activity messages written
 * since, not yet named after a rule (a nested run names its own first),
 * name this one, in their text and meta.
 */
static const struct db_stmt tag_activity_stmt = {
    "automation_activity_tag",
    "UPDATE conversation_messages SET"
    " content = content || ' (automation rule: ' || $4::text || ')',"
    " text_content = text_content || ' (automation rule: ' || $4::text || ')',"
    " meta = meta || jsonb_build_object('automation_rule_id', $3::int,"
    "  'automation_rule', $4::text)"
    " WHERE conversation_id = $1::bigint AND type = 'activity' AND sender_id = $2::int"
    " AND id > $5::bigint AND NOT (meta ? 'automation_rule_id')",
    5, 0};

/* The activity message of an action that writes none of its own. */
static enum app_err note(struct db *db, struct arena *a, int64_t conv_id, const struct am_rule *r,
                         const char *kind, const char *what)
{
    const char *text = arena_printf(a, "System %s (automation rule: %s)", what, r->name);
    const char *p[] = {
        store_i64(a, conv_id), store_i64(a, system_id), text, kind, store_i64(a, r->id), r->name};
    return store_one(db, a, &note_activity_stmt, p, NULL, NULL);
}

/* A positive decimal id, else 0. */
static int64_t id_of(const struct am_action *x)
{
    char *end;
    long long v;
    if (x->nvalues == 0 || *x->values[0] == '\0')
        return 0;
    v = strtoll(x->values[0], &end, 10);
    return *end == '\0' && v > 0 && v <= 2147483647 ? (int64_t)v : 0;
}

/* A duration like "2h", "30m", "1h30m", "45s" or "3d" in seconds; <= 0 if it is none. */
static double seconds_of(const char *s)
{
    double total = 0;
    while (s != NULL && *s != '\0') {
        char *end;
        double v = strtod(s, &end);
        if (end == s)
            return -1;
        switch (*end) {
        case 's':
            total += v;
            break;
        case 'm':
            total += v * 60;
            break;
        case 'h':
            total += v * 3600;
            break;
        case 'd':
            total += v * 86400;
            break;
        default:
            return -1;
        }
        s = end + 1;
    }
    return total;
}

/* $1 status name: its id */
static const struct db_stmt status_by_name_stmt = {
    "automation_status_id", "SELECT id FROM conversation_statuses WHERE name = $1::text", 1, 1};

/* A message from the System user: a private note or a reply to the contact. */
static enum app_err system_message(struct db *db, struct arena *a, int64_t conv_id,
                                   const char *html, int is_private)
{
    struct store_message_new m;
    int64_t msg_id;

    memset(&m, 0, sizeof(m));
    m.conv_id = conv_id;
    m.type = "outgoing";
    m.status = is_private ? "sent" : "pending";
    m.is_private = is_private;
    m.content = html;
    m.text = text_from_html(a, html);
    m.preview = m.text ? text_prefix(a, m.text, 1000) : NULL;
    m.sender_id = system_id;
    m.sender_type = "agent";
    m.meta = is_private ? "{}" : "{\"is_automated\": true}";
    if (m.text == NULL || m.preview == NULL)
        return APP_ERR_INTERNAL;
    return store_message_add(db, a, &m, &msg_id);
}

/*
 * $1 conversation, $2 recipients one a line, $3 title, $4 body: one in-app
 * notification (upstream's type 'mention') per agent the recipients name,
 * once each: "assignee" the assigned agent, "assigned_team" the members of
 * the assigned team, "user:<id>" an agent, "team:<id>" a team's members.
 * Disabled or deleted agents are skipped; at most 1000 (upstream's cap).
 * The row: how many were written.
 */
static const struct db_stmt notify_stmt = {
    "automation_notify",
    "WITH c AS (SELECT id, assigned_user_id, assigned_team_id FROM conversations"
    "  WHERE id = $1::bigint),"
    " r AS (SELECT trim(x) AS v FROM unnest(string_to_array($2::text, chr(10))) x),"
    " who AS (SELECT c.assigned_user_id AS uid FROM c, r WHERE r.v = 'assignee'"
    "  UNION SELECT tm.user_id FROM c, r JOIN team_members tm ON r.v = 'assigned_team'"
    "   WHERE tm.team_id = c.assigned_team_id"
    "  UNION SELECT substr(r.v, 6)::int FROM r WHERE r.v ~ '^user:[0-9]{1,9}$'"
    "  UNION SELECT tm.user_id FROM r JOIN team_members tm ON r.v ~ '^team:[0-9]{1,9}$'"
    "   AND tm.team_id = substr(r.v, 6)::int),"
    " sent AS (INSERT INTO user_notifications (user_id, notification_type, title, body,"
    "  conversation_id)"
    "  SELECT u.id, 'mention', left($3::text, 500), left($4::text, 2000), c.id"
    "  FROM c, who JOIN users u ON u.id = who.uid"
    "  WHERE u.type = 'agent' AND u.deleted_at IS NULL AND u.enabled"
    "  ORDER BY u.id LIMIT 1000 RETURNING id)"
    " SELECT count(*) FROM sent",
    4, 0};

/* The notify action: *n the agents notified. */
static enum app_err notify(struct db *db, struct arena *a, int64_t conv_id,
                           const struct am_action *x, long *n)
{
    const char *subject = x->subject ? text_trim(a, x->subject) : NULL;
    const char *message = x->message ? text_trim(a, x->message) : NULL;
    const char *v = NULL;
    size_t len = 0;
    enum app_err e;

    *n = 0;
    if (subject == NULL || message == NULL || *subject == '\0' || *message == '\0' ||
        x->nrecipients == 0)
        return APP_ERR_INPUT;
    for (size_t i = 0; i < x->nrecipients; i++)
        len += strlen(x->recipients[i]) + 1;
    char *list = arena_alloc(a, len + 1), *q = list;
    if (list == NULL)
        return APP_ERR_INTERNAL;
    for (size_t i = 0; i < x->nrecipients; i++) {
        size_t k = strlen(x->recipients[i]);
        if (i > 0)
            *q++ = '\n';
        memcpy(q, x->recipients[i], k);
        q += k;
    }
    *q = '\0';
    const char *p[] = {store_i64(a, conv_id), list, subject, message};
    if ((e = store_one(db, a, &notify_stmt, p, &v, NULL)) == APP_OK && v != NULL)
        *n = strtol(v, NULL, 10);
    return e;
}

/*
 * $1 conversation, $2 webhook, $3 event name, $4 actor: one delivery of the
 * conversation to that webhook alone (upstream's trigger_webhook), the body
 * as sql/026's fan-out builds it, payload {conversation, actor_id}; no row
 * if the webhook does not exist or is inactive.  No event row (see
 * WEBHOOK_DIRECT_DELIVERY): one of a webhook event's name would fan out to
 * every webhook subscribed to it.
 */
static const struct db_stmt webhook_stmt = {
    "automation_webhook",
    WEBHOOK_DIRECT_DELIVERY("$3::text",
                            "json_build_object('conversation', deskd_conversation_json($1::bigint),"
                            " 'actor_id', $4::int)",
                            "w.id = $2::int AND w.is_active"
                            " AND EXISTS (SELECT 1 FROM conversations WHERE id = $1::bigint)"),
    4, 0};

void store_automation_secret(const char *secret_key)
{
    free(secret);
    secret = secret_key != NULL ? strdup(secret_key) : NULL;
}

/* One action; its failure is the caller's to log. */
static enum app_err apply(struct db *db, struct arena *a, int64_t conv_id, const struct am_snap *s,
                          const struct am_rule *r, const struct am_action *x)
{
    const char *t = x->type;
    int64_t id = id_of(x);

    if (strcmp(t, "assign_team") == 0 && id > 0)
        return store_conversation_assign(db, a, conv_id, STORE_ASSIGNEE_TEAM, id, system_id);
    if (strcmp(t, "assign_user") == 0 && id > 0)
        return store_conversation_assign(db, a, conv_id, STORE_ASSIGNEE_AGENT, id, system_id);
    if (strcmp(t, "set_status") == 0 && id > 0)
        return store_conversation_set_status(db, a, conv_id, id, 0, system_id, NULL);
    if (strcmp(t, "set_priority") == 0 && id > 0)
        return store_conversation_set_priority(db, a, conv_id, id, system_id);
    if (strcmp(t, "add_tags") == 0)
        return store_conversation_tags(db, a, conv_id, STORE_TAGS_ADD, x->values_json, system_id);
    if (strcmp(t, "set_tags") == 0)
        return store_conversation_tags(db, a, conv_id, STORE_TAGS_SET, x->values_json, system_id);
    if (strcmp(t, "remove_tags") == 0)
        return store_conversation_tags(db, a, conv_id, STORE_TAGS_REMOVE, x->values_json,
                                       system_id);
    if (strcmp(t, "snooze") == 0) {
        double secs = x->nvalues > 0 ? seconds_of(x->values[0]) : -1;
        const char *p[] = {"Snoozed"};
        int64_t snoozed;
        enum app_err e;
        if (secs <= 0)
            return APP_ERR_INPUT;
        if ((e = store_found_i64(db, a, &status_by_name_stmt, p, &snoozed)) != APP_OK)
            return e;
        return store_conversation_set_status(db, a, conv_id, snoozed, secs, system_id, NULL);
    }
    if ((strcmp(t, "send_private_note") == 0 || strcmp(t, "send_reply") == 0) && x->nvalues > 0 &&
        *x->values[0] != '\0') {
        int priv = strcmp(t, "send_private_note") == 0;
        enum app_err e;
        if (!priv && (s->contact_email == NULL || *s->contact_email == '\0'))
            return APP_OK; /* upstream: no e-mail, no automated reply (and no activity) */
        e = system_message(db, a, conv_id, x->values[0], priv);
        if (e != APP_OK)
            return e;
        return note(db, a, conv_id, r, t, priv ? "added a private note" : "sent a reply");
    }
    if (strcmp(t, "set_sla") == 0 && id > 0) {
        enum app_err e = store_sla_apply_policy(db, a, conv_id, id);
        return e != APP_OK ? e
                           : note(db, a, conv_id, r, t,
                                  arena_printf(a, "applied the SLA policy %lld", (long long)id));
    }
    if (strcmp(t, "send_csat") == 0) {
        struct store_csat_offer o;
        char *uuid = arena_alloc(a, CSAT_UUID_LEN + 1), *token = arena_alloc(a, CSAT_TOKEN_LEN + 1);
        int offered = 0;
        enum app_err e;
        if (secret == NULL || uuid == NULL || token == NULL ||
            csat_new_link(secret, uuid, token) != 0)
            return APP_ERR_INTERNAL;
        o.uuid = uuid;
        o.token = token;
        if ((e = store_csat_offer(db, a, conv_id, &o, system_id, &offered)) != APP_OK || !offered)
            return e;
        return note(db, a, conv_id, r, t, "sent the CSAT survey");
    }
    if (strcmp(t, "notify") == 0) {
        long n;
        enum app_err e = notify(db, a, conv_id, x, &n);
        if (e != APP_OK || n == 0)
            return e;
        return note(db, a, conv_id, r, t,
                    arena_printf(a, "notified %ld agent%s", n, n == 1 ? "" : "s"));
    }
    if (strcmp(t, "trigger_webhook") == 0) {
        const char *ev = x->nvalues > 1 ? text_trim(a, x->values[1]) : NULL;
        const char *p[4];
        long rows = 0;
        enum app_err e;
        if (id <= 0 || ev == NULL || *ev == '\0')
            return APP_ERR_INPUT;
        p[0] = store_i64(a, conv_id);
        p[1] = store_i64(a, id);
        p[2] = ev;
        p[3] = store_i64(a, system_id);
        if ((e = store_one(db, a, &webhook_stmt, p, NULL, &rows)) != APP_OK || rows == 0)
            return e;
        return note(db, a, conv_id, r, t,
                    arena_printf(a, "triggered the webhook %lld (%s)", (long long)id, ev));
    }
    return APP_ERR_NOT_FOUND;
}

/* The actions of a rule that holds, each under its own savepoint, then its activity named. */
static enum app_err fire(struct db *db, struct arena *a, int64_t conv_id, const struct am_snap *s,
                         const struct am_rule *r)
{
    const char *cp[] = {store_i64(a, conv_id)}, *last = NULL;
    enum app_err e = store_one(db, a, &last_msg_stmt, cp, &last, NULL);

    if (e != APP_OK)
        return e;
    last = arena_strdup(a, last != NULL ? last : "0");
    depth++;
    for (size_t i = 0; i < r->nactions && e != APP_ERR_UNAVAILABLE; i++) {
        if ((e = store_begin(db)) != APP_OK)
            break;
        e = store_end(db, apply(db, a, conv_id, s, r, &r->actions[i]));
        if (e == APP_ERR_NOT_FOUND)
            log_info("automation: rule %lld: action %s is not run by deskd", (long long)r->id,
                     r->actions[i].type);
        else if (e != APP_OK && e != APP_ERR_UNAVAILABLE)
            log_warnx("automation: rule %lld: action %s on conversation %lld failed",
                      (long long)r->id, r->actions[i].type, (long long)conv_id);
        if (e != APP_ERR_UNAVAILABLE)
            e = APP_OK;
    }
    depth--;
    if (e == APP_OK) {
        const char *p[] = {cp[0], store_i64(a, system_id), store_i64(a, r->id), r->name, last};
        e = store_one(db, a, &tag_activity_stmt, p, NULL, NULL);
    }
    return e;
}

/* The rules of type t (updates: listening to ev) on a snapshot, in order; first_match stops. */
static enum app_err run(struct db *db, struct arena *a, int64_t conv_id, enum am_type t,
                        unsigned ev, const struct am_snap *s)
{
    enum app_err e = APP_OK;
    /* a nested run may not rebuild the set (refresh() waits for depth 0) */
    for (size_t i = 0; i < cache.n && e == APP_OK; i++) {
        const struct am_rule *r = &cache.rules[i];
        if (r->type != t || (t == AM_CONVERSATION_UPDATE && !(r->events & ev)))
            continue;
        if (!am_rule_matches(r, s))
            continue;
        e = fire(db, a, conv_id, s, r);
        if (r->first_match)
            break;
    }
    return e;
}

static int blocked(void)
{
    return quiet || depth >= AUTOMATION_MAX_DEPTH;
}

void store_automation_quiet(int on)
{
    quiet = on;
}

enum app_err store_automation_before(struct db *db, struct arena *a, int64_t conv_id,
                                     const char *event, struct store_automation_hook *h)
{
    int found;
    enum app_err e;

    memset(h, 0, sizeof(*h));
    if (blocked())
        return APP_OK;
    if ((e = snapshot(db, a, conv_id, &h->prev, &found)) != APP_OK || !found)
        return e;
    h->event = event;
    h->armed = any_rule(AM_CONVERSATION_UPDATE, am_event_bit(event));
    return APP_OK;
}

enum app_err store_automation_after(struct db *db, struct arena *a, int64_t conv_id,
                                    const struct store_automation_hook *h, long changed)
{
    struct am_snap s;
    int found;
    enum app_err e;

    if (!h->armed || changed <= 0 || blocked())
        return APP_OK;
    if ((e = snapshot(db, a, conv_id, &s, &found)) != APP_OK || !found)
        return e;
    s.has_prev = 1;
    s.prev_status = h->prev.status;
    s.prev_priority = h->prev.priority;
    s.prev_user = h->prev.user;
    s.prev_team = h->prev.team;
    return run(db, a, conv_id, AM_CONVERSATION_UPDATE, am_event_bit(h->event), &s);
}

enum app_err store_automation_event(struct db *db, struct arena *a, int64_t conv_id,
                                    const char *event)
{
    struct am_snap s;
    int found;
    enum app_err e;

    if (blocked())
        return APP_OK;
    if ((e = snapshot(db, a, conv_id, &s, &found)) != APP_OK || !found)
        return e;
    return run(db, a, conv_id, AM_CONVERSATION_UPDATE, am_event_bit(event), &s);
}

enum app_err store_automation_new(struct db *db, struct arena *a, int64_t conv_id)
{
    struct am_snap s;
    int found;
    enum app_err e;

    if (blocked())
        return APP_OK;
    if ((e = snapshot(db, a, conv_id, &s, &found)) != APP_OK || !found)
        return e;
    return any_rule(AM_NEW_CONVERSATION, 0) ? run(db, a, conv_id, AM_NEW_CONVERSATION, 0, &s)
                                            : APP_OK;
}

/* The version alone, for the time service's first look. */
static const struct db_stmt version_stmt = {
    "automation_version", "SELECT version FROM deskd_cache_versions WHERE name = 'automation'", 0,
    1};

/* $1 after id, $2 batch, $3 lookback days */
static const struct db_stmt due_stmt = {
    "automation_time_due",
    "SELECT id FROM conversations WHERE created_at > now() - $3::int * interval '1 day'"
    " AND id > $1::bigint ORDER BY id LIMIT $2::int FOR UPDATE SKIP LOCKED",
    3, 0};

enum app_err store_automation_time_batch(struct db *db, struct arena *a, int64_t after, int batch,
                                         int lookback_days, int64_t *last, long *n)
{
    const char *vp = NULL;
    struct db_res *res;
    enum app_err e;

    *n = 0;
    *last = after;
    if ((e = store_one(db, a, &version_stmt, NULL, &vp, NULL)) != APP_OK || vp == NULL)
        return e;
    if ((e = refresh(db, a, strtoll(vp, NULL, 10))) != APP_OK || !any_rule(AM_TIME_TRIGGER, 0))
        return e;
    if ((e = store_begin(db)) != APP_OK)
        return e;
    const char *p[] = {store_i64(a, after), store_i64(a, batch), store_i64(a, lookback_days)};
    e = db_run(db, a, &due_stmt, p, &res);
    for (int i = 0; e == APP_OK && i < db_ntuples(res); i++) {
        int64_t id = i64_at(res, i, 0);
        struct am_snap s;
        int found;
        *last = id;
        (*n)++;
        if ((e = snapshot(db, a, id, &s, &found)) == APP_OK && found)
            e = run(db, a, id, AM_TIME_TRIGGER, 0, &s);
    }
    return store_end(db, e);
}
