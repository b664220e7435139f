/*
 * it_events.c - the outbox (sql/026, sql/027): every change that is an
 * event writes exactly one deskd_events row of its kind, with upstream's
 * payload, in the change's own transaction (a refused or rolled-back write
 * leaves none); and the /api/v1/webhooks routes (webhooks:manage), whose
 * secret is stored sealed and shown masked, and whose test queues one
 * delivery.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

/* Asserts that conversation conv has want events of kind ev. */
static void expect_events(const char *want, const char *conv, const char *ev)
{
    expect_sqlf(want,
                "SELECT count(*) FROM deskd_events WHERE conversation_id = %s AND event = '%s'",
                conv, ev);
}

/* Asserts the payload (jsonb text) of the one event of kind ev of conv equals want. */
static void expect_payload(const char *conv, const char *ev, const char *want)
{
    expect_sqlf("t",
                "SELECT payload = '%s'::jsonb FROM deskd_events"
                " WHERE conversation_id = %s AND event = '%s' ORDER BY id DESC LIMIT 1",
                want, conv, ev);
}

/* The data of GET path (as the admin) as JSON text, malloc'd. */
static char *get_data(const char *path)
{
    struct http_res r = http_get(path, tok(it_admin_key));
    json_object *root, *d = json_data(&r, &root);
    char *s = strdup(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
    ck_assert_ptr_nonnull(strchr(s, '{'));
    ck_assert_ptr_null(strchr(s, '\''));
    json_object_put(root);
    http_res_free(&r);
    return s;
}

static void put_ok(const char *path, const char *body)
{
    struct http_res r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
    http_res_free(&r);
}

START_TEST(test_events_of_changes)
{
    long pid = (long)getpid();
    char body[1024], path[256], want[1024], conv[32], uuid[64], inbox[32], admin[32], agent[32],
        tag[64];
    copy_value(inbox, sizeof(inbox),
               sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('IT events %ld', 'email')"
                          " RETURNING id",
                          pid));
    copy_value(admin, sizeof(admin),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email));
    copy_value(agent, sizeof(agent),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_agent_email));
    snprintf(tag, sizeof(tag), "it-ev-%ld", pid);
    free(sql_valuef("INSERT INTO tags (name) VALUES ('%s') RETURNING id", tag));

    /* A refused create (an attachment that is not there) rolls back: no event. */
    snprintf(body, sizeof(body),
             "{\"inbox_id\":%s,\"contact_email\":\"ev-%ld@example.org\",\"first_name\":\"Eva\","
             "\"subject\":\"ev-rollback-%ld\",\"content\":\"<p>Hi</p>\","
             "\"initiator\":\"contact\",\"attachments\":[2147483000]}",
             inbox, pid, pid);
    struct http_res r = http_json("POST", "/api/v1/conversations", it_admin_key, body);
    ck_assert_int_eq(r.status, 400);
    http_res_free(&r);
    expect_sqlf(
        "0", "SELECT count(*) FROM deskd_events WHERE payload->>'subject' LIKE 'ev-rollback-%ld%%'",
        pid);

    /* Created: conversation.created is the conversation as GET answers it; new_conversation. */
    snprintf(body, sizeof(body),
             "{\"inbox_id\":%s,\"contact_email\":\"ev-%ld@example.org\",\"first_name\":\"Eva\","
             "\"subject\":\"ev-%ld\",\"content\":\"<p>Hi</p>\",\"initiator\":\"contact\"}",
             inbox, pid, pid);
    r = http_json("POST", "/api/v1/conversations", it_admin_key, body);
    json_object *root, *d = json_data(&r, &root);
    snprintf(conv, sizeof(conv), "%s", json_str(d, "id"));
    snprintf(uuid, sizeof(uuid), "%s", json_str(d, "uuid"));
    json_object_put(root);
    http_res_free(&r);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s", uuid);
    char *got = get_data(path);
    expect_events("1", conv, "conversation.created");
    expect_payload(conv, "conversation.created", got);
    free(got);
    expect_events("1", conv, "new_conversation");
    expect_sqlf("Eva|Open|IT events",
                "SELECT (payload->>'first_name') || '|' || (payload->>'status') || '|' ||"
                " left(payload->>'inbox_name', 9) FROM deskd_events WHERE conversation_id = %s"
                " AND event = 'new_conversation' AND payload->>'uuid' = '%s'",
                conv, uuid);
    /* Its first message: message.created as GET answers it, and new_message. */
    char *msg =
        sql_valuef("SELECT uuid FROM conversation_messages WHERE conversation_id = %s", conv);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages/%s", uuid, msg);
    got = get_data(path);
    expect_events("1", conv, "message.created");
    expect_payload(conv, "message.created", got);
    free(got);
    snprintf(want, sizeof(want),
             "{\"conversation_uuid\":\"%s\",\"uuid\":\"%s\",\"content\":\"Hi\",\"private\":false,"
             "\"type\":\"incoming\",\"sender_type\":\"contact\"}",
             uuid, msg);
    expect_sqlf("t",
                "SELECT payload - 'created_at' = '%s'::jsonb AND payload ? 'created_at'"
                " FROM deskd_events WHERE conversation_id = %s AND event = 'new_message'",
                want, conv);
    free(msg);

    /* Status: one status_changed by the caller; a repeat of the status is no event. */
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/status", uuid);
    put_ok(path, "{\"status\":\"Resolved\"}");
    put_ok(path, "{\"status\":\"Resolved\"}");
    expect_events("1", conv, "conversation.status_changed");
    snprintf(want, sizeof(want),
             "{\"conversation_uuid\":\"%s\",\"previous_status\":\"Open\",\"new_status\":"
             "\"Resolved\",\"snooze_until\":\"\",\"actor_id\":%s}",
             uuid, admin);
    expect_payload(conv, "conversation.status_changed", want);
    snprintf(want, sizeof(want), "{\"uuid\":\"%s\",\"prop\":\"status\",\"value\":\"Resolved\"}",
             uuid);
    expect_payload(conv, "conversation_update", want);
    /* Its activity message is a message too (as upstream). */
    expect_events("2", conv, "message.created");
    /* Snoozed: snooze_until in RFC 3339, UTC, as the conversation has it. */
    put_ok(path, "{\"status\":\"Snoozed\",\"snoozed_until\":\"2h\"}");
    expect_events("2", conv, "conversation.status_changed");
    expect_sqlf("t",
                "SELECT e.payload->>'previous_status' = 'Resolved'"
                " AND e.payload->>'new_status' = 'Snoozed'"
                " AND e.payload->>'snooze_until' = to_char(c.snoozed_until AT TIME ZONE 'UTC',"
                " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AND c.snoozed_until > now() + interval '1 hour'"
                " FROM deskd_events e JOIN conversations c ON c.id = e.conversation_id"
                " WHERE e.conversation_id = %s AND e.event = 'conversation.status_changed'"
                " ORDER BY e.id DESC LIMIT 1",
                conv);
    put_ok(path, "{\"status\":\"Resolved\"}");
    expect_events("3", conv, "conversation.status_changed");

    /* Assigned to the agent: assigned, the live update, the agent's notification. */
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/assignee/user", uuid);
    snprintf(body, sizeof(body), "{\"assignee_id\":%s}", agent);
    put_ok(path, body);
    expect_events("1", conv, "conversation.assigned");
    snprintf(want, sizeof(want),
             "{\"conversation_uuid\":\"%s\",\"assigned_to\":%s,\"actor_id\":%s}", uuid, agent,
             admin);
    expect_payload(conv, "conversation.assigned", want);
    snprintf(want, sizeof(want), "{\"uuid\":\"%s\",\"prop\":\"assigned_user_id\",\"value\":%s}",
             uuid, agent);
    expect_payload(conv, "conversation_update", want);
    expect_sqlf("1",
                "SELECT count(*) FROM deskd_events e JOIN user_notifications n"
                " ON n.id = (e.payload->>'id')::int WHERE e.event = 'new_notification'"
                " AND e.user_id = %s AND e.conversation_id = %s AND n.user_id = %s"
                " AND e.payload->>'conversation_uuid' = '%s'"
                " AND e.payload->>'notification_type' = 'assignment'",
                agent, conv, agent, uuid);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/assignee/user/remove", uuid);
    put_ok(path, "{}");
    expect_events("1", conv, "conversation.unassigned");
    snprintf(want, sizeof(want), "{\"conversation_uuid\":\"%s\",\"actor_id\":%s}", uuid, admin);
    expect_payload(conv, "conversation.unassigned", want);

    /* Tags: one event per real change, previous and new by name. */
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/tags", uuid);
    snprintf(body, sizeof(body), "{\"tags\":[\"%s\"],\"action\":\"add_tags\"}", tag);
    r = http_json("POST", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    r = http_json("POST", path, it_admin_key, body); /* already there: no change, no event */
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_events("1", conv, "conversation.tags_changed");
    snprintf(want, sizeof(want),
             "{\"conversation_uuid\":\"%s\",\"previous_tags\":[],\"new_tags\":[\"%s\"],"
             "\"actor_id\":%s}",
             uuid, tag, admin);
    expect_payload(conv, "conversation.tags_changed", want);
    snprintf(body, sizeof(body), "{\"tags\":[],\"action\":\"set_tags\"}");
    r = http_json("POST", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_events("2", conv, "conversation.tags_changed");
    snprintf(want, sizeof(want),
             "{\"conversation_uuid\":\"%s\",\"previous_tags\":[\"%s\"],\"new_tags\":[],"
             "\"actor_id\":%s}",
             uuid, tag, admin);
    expect_payload(conv, "conversation.tags_changed", want);

    /* A message updated (its status): message.updated as GET answers it, message_update. */
    msg = sql_valuef("INSERT INTO conversation_messages (type, status, conversation_id,"
                     " content_type, content, text_content, sender_id, sender_type)"
                     " VALUES ('outgoing', 'failed', %s, 'html', 'x', 'x', %s, 'agent')"
                     " RETURNING uuid",
                     conv, admin);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages/%s/retry", uuid, msg);
    put_ok(path, "{}");
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages/%s", uuid, msg);
    got = get_data(path);
    expect_events("1", conv, "message.updated");
    expect_payload(conv, "message.updated", got);
    free(got);
    snprintf(want, sizeof(want),
             "{\"conversation_uuid\":\"%s\",\"uuid\":\"%s\",\"prop\":\"status\",\"value\":"
             "\"pending\"}",
             uuid, msg);
    expect_payload(conv, "message_update", want);
    free(msg);

    /* Created with an agent: conversation.created (at commit) has the assignee, after assigned. */
    snprintf(body, sizeof(body),
             "{\"inbox_id\":%s,\"contact_email\":\"ev-%ld@example.org\",\"first_name\":\"Eva\","
             "\"subject\":\"ev2-%ld\",\"content\":\"<p>Again</p>\",\"initiator\":\"agent\","
             "\"agent_id\":%s}",
             inbox, pid, pid, agent);
    r = http_json("POST", "/api/v1/conversations", it_admin_key, body);
    d = json_data(&r, &root);
    char conv2[32];
    snprintf(conv2, sizeof(conv2), "%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);
    expect_events("1", conv2, "conversation.created");
    expect_events("1", conv2, "conversation.assigned");
    expect_sqlf("t",
                "SELECT (SELECT (payload->>'assigned_user_id')::int = %s FROM deskd_events"
                " WHERE conversation_id = %s AND event = 'conversation.created')"
                " AND (SELECT id FROM deskd_events WHERE conversation_id = %s"
                " AND event = 'conversation.assigned') < (SELECT id FROM deskd_events"
                " WHERE conversation_id = %s AND event = 'conversation.created')",
                agent, conv2, conv2, conv2);

    /* A rolled-back change emits nothing. */
    char *before = sql_valuef("SELECT count(*) FROM deskd_events WHERE conversation_id = %s", conv);
    snprintf(body, sizeof(body),
             "BEGIN; UPDATE conversations SET status_id = (SELECT id FROM conversation_statuses"
             " WHERE name = 'Open'), priority_id = NULL WHERE id = %s;"
             " INSERT INTO conversation_messages (type, status, conversation_id, content_type,"
             " content, sender_type) VALUES ('incoming', 'received', %s, 'text', 'y', 'contact');"
             " ROLLBACK",
             conv, conv);
    sql_exec(body);
    expect_sqlf(before, "SELECT count(*) FROM deskd_events WHERE conversation_id = %s", conv);
    free(before);

    /* Availability: agent_availability_update for the agent. */
    r = http_json("PUT", "/api/v1/agents/me/availability", it_agent_key,
                  "{\"status\":\"away_manual\",\"source\":\"user\"}");
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("1",
                "SELECT count(*) FROM deskd_events WHERE event = 'agent_availability_update'"
                " AND payload = '{\"agent_id\":%s,\"availability_status\":\"away_manual\"}'::jsonb"
                " AND created_at > now() - interval '1 minute'",
                agent);
}
END_TEST

/* The webhook's JSON keys, in upstream's order. */
static void expect_webhook_keys(json_object *d)
{
    static const char *const keys[] = {"id",  "created_at", "updated_at", "name",
                                       "url", "events",     "secret",     "is_active"};
    size_t i = 0;
    json_object_object_foreach(d, k, v)
    {
        (void)v;
        ck_assert_uint_lt(i, 8);
        ck_assert_str_eq(k, keys[i++]);
    }
    ck_assert_uint_eq(i, 8);
}

#define MASK                                                                                       \
    "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80" \
    "\xa2\xe2\x80\xa2\xe2\x80\xa2"

START_TEST(test_webhook_routes)
{
    long pid = (long)getpid();
    char body[1024], path[128], id[32], name[64];
    snprintf(name, sizeof(name), "it-hook-%ld", pid);

    /* Refusals write nothing. */
    static const struct {
        const char *body, *message;
    } bad[] = {
        {"{\"url\":\"https://example.org/h\",\"events\":[\"message.created\"]}", "`name` is empty"},
        {"{\"name\":\"x\",\"events\":[\"message.created\"]}", "`url` is empty"},
        {"{\"name\":\"x\",\"url\":\"ftp://example.org/h\",\"events\":[\"message.created\"]}",
         "Invalid `url`: expected an http:// or https:// URL"},
        {"{\"name\":\"x\",\"url\":\"https://exa mple.org/h\",\"events\":[\"message.created\"]}",
         "Invalid `url`: expected an http:// or https:// URL"},
        {"{\"name\":\"x\",\"url\":\"https://example.org/h\"}", "`events` is required"},
        {"{\"name\":\"x\",\"url\":\"https://example.org/h\",\"events\":[]}", "`events` is empty"},
        {"{\"name\":\"x\",\"url\":\"https://example.org/h\",\"events\":[\"message.deleted\"]}",
         "Invalid `events`: message.deleted is not a webhook event (expected one of"
         " conversation.created, conversation.status_changed, conversation.tags_changed,"
         " conversation.assigned, conversation.unassigned, message.created, message.updated)"},
        {"{\"name\":\"x\",\"url\":\"https://example.org/h\",\"events\":[\"message.created\"],"
         "\"is_active\":\"yes\"}",
         "Invalid `is_active`: expected true or false"},
    };
    char *before = sql_value("SELECT count(*) FROM webhooks");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_json_error("POST", "/api/v1/webhooks", it_admin_key, bad[i].body, 400,
                          bad[i].message, "InputException");
    expect_sqlf(before, "SELECT count(*) FROM webhooks");
    free(before);
    expect_json_error("GET", "/api/v1/webhooks", it_agent_key, NULL, 403, "Permission denied",
                      "PermissionException");

    /* Create: the secret is sealed and shown masked; repeats collapse. */
    snprintf(
        body, sizeof(body),
        "{\"name\":\"%s\",\"url\":\"http://127.0.0.1:9/hook\",\"events\":"
        "[\"conversation.status_changed\",\"message.created\",\"conversation.status_changed\"],"
        "\"secret\":\"s3cret-%ld\",\"is_active\":true}",
        name, pid);
    struct http_res r = http_json("POST", "/api/v1/webhooks", it_admin_key, body);
    json_object *root, *d = json_data(&r, &root);
    expect_webhook_keys(d);
    snprintf(id, sizeof(id), "%s", json_str(d, "id"));
    ck_assert_str_eq(json_str(d, "secret"), MASK);
    ck_assert_str_eq(
        json_object_to_json_string_ext(json_object_object_get(d, "events"), JSON_C_TO_STRING_PLAIN),
        "[\"conversation.status_changed\",\"message.created\"]");
    ck_assert(json_object_get_boolean(json_object_object_get(d, "is_active")));
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("t",
                "SELECT secret LIKE 'enc:%%' AND secret NOT LIKE '%%s3cret%%' FROM webhooks"
                " WHERE id = %s",
                id);

    /* Get and list. */
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s", id);
    r = http_get(path, tok(it_admin_key));
    d = json_data(&r, &root);
    expect_webhook_keys(d);
    ck_assert_str_eq(json_str(d, "name"), name);
    ck_assert_str_eq(json_str(d, "secret"), MASK);
    json_object_put(root);
    http_res_free(&r);
    r = http_get("/api/v1/webhooks", tok(it_admin_key));
    d = json_data(&r, &root);
    ck_assert(json_object_is_type(d, json_type_array));
    ck_assert_str_eq(json_str(json_object_array_get_idx(d, 0), "id"), id); /* newest first */
    json_object_put(root);
    http_res_free(&r);

    /* Update with the mask keeps the sealed secret; "" clears it. */
    char *sealed = sql_valuef("SELECT secret FROM webhooks WHERE id = %s", id);
    snprintf(body, sizeof(body),
             "{\"name\":\"%s-2\",\"url\":\"https://example.org/h\",\"events\":"
             "[\"message.created\"],\"secret\":\"" MASK "\",\"is_active\":true}",
             name);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf(sealed, "SELECT secret FROM webhooks WHERE id = %s", id);
    free(sealed);
    expect_sqlf("{message.created}", "SELECT events FROM webhooks WHERE id = %s", id);

    /* Subscribed and active: an event of its kind becomes one delivery of the signed body. */
    char *inbox = sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('IT hook %ld', 'email')"
                             " RETURNING id",
                             pid);
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES"
                               " ('contact', 'H', 'hook-%ld@example.org') RETURNING id",
                               pid);
    char *conv = sql_valuef("INSERT INTO conversations (contact_id, inbox_id, status_id)"
                            " SELECT %s, %s, id FROM conversation_statuses WHERE name = 'Open'"
                            " RETURNING id",
                            contact, inbox);
    /* conversation.created (at the insert's commit) is not one it subscribes to */
    expect_sqlf("0", "SELECT count(*) FROM deskd_webhook_deliveries WHERE webhook_id = %s", id);
    free(sql_valuef("INSERT INTO conversation_messages (type, status, conversation_id,"
                    " content_type, content, sender_type) VALUES ('incoming', 'received', %s,"
                    " 'text', 'hook', 'contact') RETURNING id",
                    conv));
    expect_sqlf(
        "1|pending|true",
        "SELECT count(*) || '|' || min(status) || '|' || bool_and(body::jsonb->>'event'"
        " = 'message.created' AND body::jsonb->'payload'->>'content' = 'hook')"
        " FROM deskd_webhook_deliveries WHERE webhook_id = %s AND event = 'message.created'",
        id);

    /* Toggle: off, and an off webhook gets no deliveries. */
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s/toggle", id);
    r = http_json("PUT", path, it_admin_key, "{}");
    d = json_data(&r, &root);
    ck_assert(!json_object_get_boolean(json_object_object_get(d, "is_active")));
    json_object_put(root);
    http_res_free(&r);
    free(sql_valuef("INSERT INTO conversation_messages (type, status, conversation_id,"
                    " content_type, content, sender_type) VALUES ('incoming', 'received', %s,"
                    " 'text', 'hook2', 'contact') RETURNING id",
                    conv));
    expect_sqlf("1",
                "SELECT count(*) FROM deskd_webhook_deliveries WHERE webhook_id = %s"
                " AND event = 'message.created'",
                id);

    /* Test: one webhook.test delivery even when off, no deskd_events row. */
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s/test", id);
    r = http_json("POST", path, it_admin_key, "{}");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    expect_sqlf("t",
                "SELECT body::jsonb->'payload' = jsonb_build_object('id', %s, 'name', '%s-2')"
                " AND body::jsonb ? 'timestamp' AND status = 'pending'"
                " AND NOT EXISTS (SELECT 1 FROM deskd_events e WHERE e.id = d.event_id)"
                " FROM deskd_webhook_deliveries d WHERE webhook_id = %s AND event = 'webhook.test'",
                id, name, id);
    expect_json_error("POST", "/api/v1/webhooks/2147483000/test", it_admin_key, "{}", 404,
                      "Webhook not found", "NotFoundException");

    /* Delete: gone with its deliveries. */
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s", id);
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM deskd_webhook_deliveries WHERE webhook_id = %s", id);
    expect_json_error("GET", path, it_admin_key, NULL, 404, "Webhook not found",
                      "NotFoundException");
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "Webhook not found",
                      "NotFoundException");
    free(inbox);
    free(contact);
    free(conv);
}
END_TEST

Suite *it_events_suite(void)
{
    return SUITE_OF("events", 60, NULL, NULL, test_events_of_changes, test_webhook_routes);
}
