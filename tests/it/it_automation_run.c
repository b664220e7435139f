/*
 * it_automation_run.c - automation rules run against conversations: a
 * new_conversation rule on create, conversation_update rules on a status
 * change (with previous_status), an assignment and a public reply, first_match mode, a
 * time_trigger rule run by the deskd-automate service, and two rules that
 * undo each other stopped after AUTOMATION_MAX_DEPTH runs, and the
 * send_csat, notify and trigger_webhook actions.  Each checks
 * the conversation's rows and the activity messages naming the rule.
 * Every rule's conditions name this run's subject marker, so no other
 * suite's conversation is touched; the rules are deleted at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

static char inbox[16], tag[64], team[16], team_name[64], agent[16];

/* A rule's id, created from a whole body. */
static void make_rule(const char *body, char *id, size_t n)
{
    struct http_res r = http_json("POST", "/api/v1/automations/rules", it_admin_key, body);
    json_object *root, *d = json_data(&r, &root);
    snprintf(id, n, "%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);
}

static void drop_rule(const char *id)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/automations/rules/%s", id);
    struct http_res r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
}

/* A conversation with this subject; its id and uuid. */
static void make_conv(const char *subject, char *id, char *uuid)
{
    char body[1024];
    snprintf(body, sizeof(body),
             "{\"inbox_id\":%s,\"contact_email\":\"auto-%ld@example.org\",\"first_name\":\"Ann\","
             "\"subject\":\"%s\",\"content\":\"<p>Hello</p>\",\"initiator\":\"contact\"}",
             inbox, (long)getpid(), subject);
    struct http_res r = http_json("POST", "/api/v1/conversations", it_admin_key, body);
    json_object *root, *d = json_data(&r, &root);
    snprintf(id, 16, "%s", json_str(d, "id"));
    snprintf(uuid, 40, "%s", json_str(d, "uuid"));
    json_object_put(root);
    http_res_free(&r);
}

static void put_ok(const char *uuid, const char *what, const char *body)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/%s", uuid, what);
    struct http_res r = http_json("PUT", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
}

/* The conversation's activity texts from System, oldest first, joined by " / ". */
#define SYSTEM_ACTIVITY                                                                            \
    "SELECT coalesce(string_agg(m.content, ' / ' ORDER BY m.id), '') FROM conversation_messages m" \
    " JOIN users u ON u.id = m.sender_id WHERE m.conversation_id = %s AND m.type = 'activity'"     \
    " AND u.email = 'System'"

static void fixtures(void)
{
    long pid = (long)getpid();
    copy_value(inbox, sizeof(inbox),
               sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('IT auto %ld', 'email')"
                          " RETURNING id",
                          pid));
    snprintf(tag, sizeof(tag), "it-auto-%ld", pid);
    free(sql_valuef("INSERT INTO tags (name) VALUES ('%s') RETURNING id", tag));
    snprintf(team_name, sizeof(team_name), "IT auto team %ld", pid);
    copy_value(team, sizeof(team),
               sql_valuef("INSERT INTO teams (name) VALUES ('%s') RETURNING id", team_name));
    copy_value(agent, sizeof(agent),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_agent_email));
}

START_TEST(test_automation_new_conversation)
{
    long pid = (long)getpid();
    char body[4096], rule[16], conv[16], uuid[40], other[16], ouuid[40], name[64];
    char *high = sql_value("SELECT id FROM conversation_priorities WHERE name = 'High'");

    fixtures();
    snprintf(name, sizeof(name), "it-auto-new-%ld", pid);
    /* Both groups must hold: the subject marker and the contact's domain (OR of two). */
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"type\":\"new_conversation\",\"rules\":[{\"group_operator\":"
             "\"AND\",\"groups\":[{\"logical_op\":\"AND\",\"rules\":[{\"field\":\"subject\","
             "\"operator\":\"contains\",\"value\":\"AUTO-NEW-%ld\"}]},{\"logical_op\":\"OR\","
             "\"rules\":[{\"field\":\"contact_email\",\"operator\":\"contains\","
             "\"value\":\"@nowhere.test, @example.org\"},{\"field\":\"inbox\",\"operator\":"
             "\"equals\",\"value\":\"0\"}]}],\"actions\":[{\"type\":\"set_priority\",\"value\":"
             "[\"%s\"]},{\"type\":\"add_tags\",\"value\":[\"%s\"]},{\"type\":\"send_private_note\","
             "\"value\":[\"<p>Routed</p>\"]},{\"type\":\"assign_team\",\"value\":[\"%s\"]},"
             "{\"type\":\"notify\",\"subject\":\"s\",\"message\":\"m\",\"recipients\":[]},"
             "{\"type\":\"send_reply\",\"value\":[\"<p>We got it</p>\"]}]}]}",
             name, pid, high, tag, team);
    make_rule(body, rule, sizeof(rule));

    char subject[64];
    snprintf(subject, sizeof(subject), "auto-new-%ld please", pid);
    make_conv(subject, conv, uuid);
    expect_sqlf("High|true|1",
                "SELECT p.name || '|' || (c.assigned_team_id = %s) || '|' || (SELECT count(*)"
                " FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id"
                " WHERE ct.conversation_id = c.id AND t.name = '%s')"
                " FROM conversations c JOIN conversation_priorities p ON p.id = c.priority_id"
                " WHERE c.id = %s",
                team, tag, conv);
    /* The note from System, private; then one activity per action, naming the rule. */
    expect_sqlf("<p>Routed</p>|true|sent| / <p>We got it</p>|false|pending|true",
                "SELECT string_agg(m.content || '|' || m.private || '|' || m.status || '|' ||"
                " coalesce(m.meta->>'is_automated', ''), ' / ' ORDER BY m.id)"
                " FROM conversation_messages m JOIN users u ON u.id = m.sender_id"
                " WHERE m.conversation_id = %s AND m.type = 'outgoing' AND u.email = 'System'",
                conv);
    char want[2048];
    snprintf(want, sizeof(want),
             "System set the priority to High (automation rule: %s) / System added the tag %s "
             "(automation rule: %s) / System added a private note (automation rule: %s) / System "
             "assigned the conversation to the team %s (automation rule: %s) / System sent a reply "
             "(automation rule: %s)",
             name, tag, name, name, team_name, name, name);
    expect_sqlf(want, SYSTEM_ACTIVITY, conv);
    expect_sqlf("5",
                "SELECT count(*) FROM conversation_messages WHERE conversation_id = %s"
                " AND meta->>'automation_rule_id' = '%s'",
                conv, rule);

    /* Without the marker nothing runs. */
    make_conv("unrelated", other, ouuid);
    expect_sqlf("|",
                "SELECT coalesce(priority_id::text, '') || '|' ||"
                " coalesce(assigned_team_id::text, '') FROM conversations WHERE id = %s",
                other);
    expect_sqlf("", SYSTEM_ACTIVITY, other);
    drop_rule(rule);
    free(high);
}
END_TEST

START_TEST(test_automation_update_events)
{
    long pid = (long)getpid();
    char body[4096], rule[16], rule2[16], conv[16], uuid[40], name[64], name2[64], subject[64];
    char *open = sql_value("SELECT id FROM conversation_statuses WHERE name = 'Open'");
    char *resolved = sql_value("SELECT id FROM conversation_statuses WHERE name = 'Resolved'");
    char *low = sql_value("SELECT id FROM conversation_priorities WHERE name = 'Low'");

    fixtures();
    snprintf(name, sizeof(name), "it-auto-status-%ld", pid);
    snprintf(
        body, sizeof(body),
        "{\"name\":\"%s\",\"type\":\"conversation_update\",\"events\":"
        "[\"conversation.status.change\"],\"rules\":[{\"group_operator\":\"AND\",\"groups\":"
        "[{\"logical_op\":\"AND\",\"rules\":[{\"field\":\"subject\",\"operator\":\"starts with\","
        "\"value\":\"auto-upd-%ld\"},{\"field\":\"status\",\"operator\":\"equals\",\"value\":"
        "\"%s\"},{\"field\":\"previous_status\",\"operator\":\"equals\",\"value\":\"%s\"}]}],"
        "\"actions\":[{\"type\":\"set_priority\",\"value\":[\"%s\"]}]}]}",
        name, pid, resolved, open, low);
    make_rule(body, rule, sizeof(rule));
    snprintf(name2, sizeof(name2), "it-auto-assign-%ld", pid);
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"type\":\"conversation_update\",\"events\":"
             "[\"conversation.user.assigned\"],\"rules\":[{\"group_operator\":\"OR\",\"groups\":"
             "[{\"logical_op\":\"AND\",\"rules\":[{\"field\":\"subject\",\"operator\":\"contains\","
             "\"value\":\"auto-upd-%ld\"},{\"field\":\"assigned_user\",\"operator\":\"equals\","
             "\"value\":\"%s\"}]}],\"actions\":[{\"type\":\"add_tags\",\"value\":[\"%s\"]}]}]}",
             name2, pid, agent, tag);
    make_rule(body, rule2, sizeof(rule2));

    snprintf(subject, sizeof(subject), "auto-upd-%ld", pid);
    make_conv(subject, conv, uuid);
    expect_sqlf("", SYSTEM_ACTIVITY, conv); /* no update rule runs on create */

    /* Open -> Resolved: the status rule; a repeat of the status changes nothing. */
    put_ok(uuid, "status", "{\"status\":\"Resolved\"}");
    put_ok(uuid, "status", "{\"status\":\"Resolved\"}");
    expect_sqlf("Low",
                "SELECT p.name FROM conversations c JOIN conversation_priorities p"
                " ON p.id = c.priority_id WHERE c.id = %s",
                conv);
    char want[2048];
    snprintf(want, sizeof(want), "System set the priority to Low (automation rule: %s)", name);
    expect_sqlf(want, SYSTEM_ACTIVITY, conv);
    /* Resolved -> Open: the rule does not hold (status Open), the agent's High stays. */
    put_ok(uuid, "priority", "{\"priority\":\"High\"}");
    put_ok(uuid, "status", "{\"status\":\"Open\"}");
    expect_sqlf("High",
                "SELECT p.name FROM conversations c JOIN conversation_priorities p"
                " ON p.id = c.priority_id WHERE c.id = %s",
                conv);

    /* Assigned to the agent: the assignment rule tags it. */
    snprintf(body, sizeof(body), "{\"assignee_id\":%s}", agent);
    put_ok(uuid, "assignee/user", body);
    expect_sqlf("1",
                "SELECT count(*) FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id"
                " WHERE ct.conversation_id = %s AND t.name = '%s'",
                conv, tag);
    snprintf(want, sizeof(want),
             "System set the priority to Low (automation rule: %s) / System added the tag %s "
             "(automation rule: %s)",
             name, tag, name2);
    expect_sqlf(want, SYSTEM_ACTIVITY, conv);

    /* A disabled rule runs no more. */
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/automations/rules/%s/toggle", rule);
    struct http_res r = http_json("PUT", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    put_ok(uuid, "status", "{\"status\":\"Resolved\"}");
    expect_sqlf("High",
                "SELECT p.name FROM conversations c JOIN conversation_priorities p"
                " ON p.id = c.priority_id WHERE c.id = %s",
                conv);
    drop_rule(rule);
    drop_rule(rule2);
    free(open);
    free(resolved);
    free(low);
}
END_TEST

/* Two rules that undo each other: stopped after AUTOMATION_MAX_DEPTH (3) nested runs. */
START_TEST(test_automation_loop_stopped)
{
    long pid = (long)getpid();
    char body[4096], a[16], b[16], conv[16], uuid[40], subject[64];
    char *open = sql_value("SELECT id FROM conversation_statuses WHERE name = 'Open'");
    char *resolved = sql_value("SELECT id FROM conversation_statuses WHERE name = 'Resolved'");

    fixtures();
#define LOOP_RULE                                                                                  \
    "{\"name\":\"it-auto-loop-%s-%ld\",\"type\":\"conversation_update\",\"events\":"               \
    "[\"conversation.status.change\"],\"rules\":[{\"group_operator\":\"AND\",\"groups\":"          \
    "[{\"logical_op\":\"AND\",\"rules\":[{\"field\":\"subject\",\"operator\":\"contains\","        \
    "\"value\":\"auto-loop-%ld\"},{\"field\":\"status\",\"operator\":\"equals\",\"value\":"        \
    "\"%s\"}]}],\"actions\":[{\"type\":\"set_status\",\"value\":[\"%s\"]}]}]}"
    snprintf(body, sizeof(body), LOOP_RULE, "a", pid, pid, open, resolved);
    make_rule(body, a, sizeof(a));
    snprintf(body, sizeof(body), LOOP_RULE, "b", pid, pid, resolved, open);
    make_rule(body, b, sizeof(b));

    snprintf(subject, sizeof(subject), "auto-loop-%ld", pid);
    make_conv(subject, conv, uuid);
    put_ok(uuid, "status", "{\"status\":\"Resolved\"}");
    /* The agent's Resolved, then b, a, b: three runs, the last change triggers nothing. */
    expect_sqlf("Open",
                "SELECT s.name FROM conversations c JOIN conversation_statuses s"
                " ON s.id = c.status_id WHERE c.id = %s",
                conv);
    char want[1024];
    snprintf(want, sizeof(want),
             "System set the status to Open (automation rule: it-auto-loop-b-%ld) / System set the "
             "status to Resolved (automation rule: it-auto-loop-a-%ld) / System set the status to "
             "Open (automation rule: it-auto-loop-b-%ld)",
             pid, pid, pid);
    expect_sqlf(want, SYSTEM_ACTIVITY, conv);
    drop_rule(a);
    drop_rule(b);
    free(open);
    free(resolved);
}
END_TEST

/* A public reply is conversation.message.outgoing (a private note is not): snooze and a tag. */
START_TEST(test_automation_message_event)
{
    long pid = (long)getpid();
    char body[4096], rule[16], conv[16], uuid[40], subject[64], path[160], want[1024];

    fixtures();
    snprintf(body, sizeof(body),
             "{\"name\":\"it-auto-msg-%ld\",\"type\":\"conversation_update\",\"events\":"
             "[\"conversation.message.outgoing\"],\"rules\":[{\"group_operator\":\"AND\","
             "\"groups\":[{\"logical_op\":\"AND\",\"rules\":[{\"field\":\"subject\","
             "\"operator\":\"contains\",\"value\":\"auto-msg-%ld\"},{\"field\":\"content\","
             "\"operator\":\"contains\",\"value\":\"tracking number\"}]}],\"actions\":["
             "{\"type\":\"snooze\",\"value\":[\"1h30m\"]},{\"type\":\"add_tags\",\"value\":"
             "[\"%s\"]},{\"type\":\"assign_team\",\"value\":[\"2147483000\"]}]}]}",
             pid, pid, tag);
    make_rule(body, rule, sizeof(rule));
    snprintf(subject, sizeof(subject), "auto-msg-%ld", pid);
    make_conv(subject, conv, uuid);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages", uuid);

    /* A private note with the words: not the event, nothing runs. */
    struct http_res r = http_json("POST", path, it_admin_key,
                                  "{\"message\":\"<p>Your tracking number</p>\","
                                  "\"sender_type\":\"agent\",\"private\":true}");
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("", SYSTEM_ACTIVITY, conv);

    /* The reply: snoozed for 90 minutes, tagged; the team that does not exist is skipped. */
    r = http_json("POST", path, it_admin_key,
                  "{\"message\":\"<p>Here is your  Tracking   Number: 42</p>\","
                  "\"sender_type\":\"agent\"}");
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("Snoozed|true|",
                "SELECT s.name || '|' || (c.snoozed_until BETWEEN now() + interval '89 minutes'"
                " AND now() + interval '91 minutes') || '|' || coalesce(c.assigned_team_id::text,"
                " '') FROM conversations c JOIN conversation_statuses s ON s.id = c.status_id"
                " WHERE c.id = %s",
                conv);
    snprintf(want, sizeof(want),
             "System set the status to Snoozed (automation rule: it-auto-msg-%ld) / System added "
             "the tag %s (automation rule: it-auto-msg-%ld)",
             pid, tag, pid);
    expect_sqlf(want, SYSTEM_ACTIVITY, conv);
    drop_rule(rule);
}
END_TEST

/* first_match: of two matching new_conversation rules only the lighter one runs. */
START_TEST(test_automation_first_match)
{
    long pid = (long)getpid();
    char body[4096], a[16], b[16], conv[16], uuid[40], subject[64], weights[128];
    char *low = sql_value("SELECT id FROM conversation_priorities WHERE name = 'Low'");
    char *high = sql_value("SELECT id FROM conversation_priorities WHERE name = 'High'");

    fixtures();
#define FM_RULE                                                                                    \
    "{\"name\":\"it-auto-fm-%s-%ld\",\"type\":\"new_conversation\",\"rules\":[{"                   \
    "\"group_operator\":\"AND\",\"groups\":[{\"logical_op\":\"AND\",\"rules\":[{\"field\":"        \
    "\"subject\",\"operator\":\"contains\",\"value\":\"auto-fm-%ld\"}]}],\"actions\":"             \
    "[{\"type\":\"set_priority\",\"value\":[\"%s\"]}]}]}"
    snprintf(body, sizeof(body), FM_RULE, "a", pid, pid, low);
    make_rule(body, a, sizeof(a));
    snprintf(body, sizeof(body), FM_RULE, "b", pid, pid, high);
    make_rule(body, b, sizeof(b));
    snprintf(weights, sizeof(weights), "{\"%s\":-1000001,\"%s\":-1000000}", a, b);
    struct http_res r =
        http_json("PUT", "/api/v1/automations/rules/weights", it_admin_key, weights);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);

    /* all: both run, a then b (High stays). */
    snprintf(subject, sizeof(subject), "auto-fm-%ld one", pid);
    make_conv(subject, conv, uuid);
    expect_sqlf("High",
                "SELECT p.name FROM conversations c JOIN conversation_priorities p"
                " ON p.id = c.priority_id WHERE c.id = %s",
                conv);
    /* first_match: a alone. */
    r = http_json("PUT", "/api/v1/automations/rules/execution-mode", it_admin_key,
                  "{\"mode\":\"first_match\"}");
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    snprintf(subject, sizeof(subject), "auto-fm-%ld two", pid);
    make_conv(subject, conv, uuid);
    r = http_json("PUT", "/api/v1/automations/rules/execution-mode", it_admin_key,
                  "{\"mode\":\"all\"}");
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("Low",
                "SELECT p.name FROM conversations c JOIN conversation_priorities p"
                " ON p.id = c.priority_id WHERE c.id = %s",
                conv);
    drop_rule(a);
    drop_rule(b);
    free(low);
    free(high);
}
END_TEST

/* A time_trigger rule, run by the deskd-automate service (every second under scripts/test). */
START_TEST(test_automation_time_trigger)
{
    long pid = (long)getpid();
    char body[4096], rule[16], conv[16], uuid[40], subject[64], *n = NULL;

    fixtures();
    snprintf(body, sizeof(body),
             "{\"name\":\"it-auto-time-%ld\",\"type\":\"time_trigger\",\"rules\":[{"
             "\"group_operator\":\"AND\",\"groups\":[{\"logical_op\":\"AND\",\"rules\":[{\"field\":"
             "\"subject\",\"operator\":\"contains\",\"value\":\"auto-time-%ld\"},{\"field\":"
             "\"hours_since_created\",\"operator\":\"less than\",\"value\":\"1\"},{\"field\":"
             "\"hours_since_resolved\",\"operator\":\"not set\",\"value\":\"\"}]}],\"actions\":"
             "[{\"type\":\"add_tags\",\"value\":[\"%s\"]}]}]}",
             pid, pid, tag);
    snprintf(subject, sizeof(subject), "auto-time-%ld", pid);
    make_conv(subject, conv, uuid);
    make_rule(body, rule, sizeof(rule));
    for (int i = 0; i < 100; i++) {
        free(n);
        n = sql_valuef("SELECT count(*) FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id"
                       " WHERE ct.conversation_id = %s AND t.name = '%s'",
                       conv, tag);
        if (strcmp(n, "1") == 0)
            break;
        usleep(100 * 1000);
    }
    ck_assert_str_eq(n, "1");
    free(n);
    char want[512];
    snprintf(want, sizeof(want), "System added the tag %s (automation rule: it-auto-time-%ld)", tag,
             pid);
    expect_sqlf(want, SYSTEM_ACTIVITY, conv);
    drop_rule(rule);
}
END_TEST

/* The shapes upstream accepts beyond the basic ones: previous_*, custom attributes, notify,
 * webhook. */
START_TEST(test_automation_accepts_upstream_shapes)
{
    char rule[16];
    make_rule("{\"name\":\"it-auto-shapes\",\"type\":\"conversation_update\",\"events\":"
              "[\"conversation.status.change\"],\"rules\":[{\"group_operator\":\"OR\",\"groups\":"
              "[{\"logical_op\":\"AND\",\"rules\":[{\"field\":\"previous_status\",\"operator\":"
              "\"equals\",\"value\":\"1\"},{\"field\":\"previous_assigned_team\",\"operator\":"
              "\"not set\",\"value\":\"\"},{\"field\":\"plan\",\"field_type\":"
              "\"contact_custom_attribute\",\"operator\":\"equals\",\"value\":\"gold\","
              "\"case_sensitive_match\":true}]}],\"actions\":[{\"type\":\"notify\",\"value\":[],"
              "\"subject\":\"Hi\",\"message\":\"<p>m</p>\",\"recipients\":[\"assignee\"]},"
              "{\"type\":\"trigger_webhook\",\"value\":[\"1\"]}]}],\"enabled\":false}",
              rule, sizeof(rule));
    expect_sqlf("notify|assignee|contact_custom_attribute",
                "SELECT (rules->0->'actions'->0->>'type') || '|' ||"
                " (rules->0->'actions'->0->'recipients'->>0) || '|' ||"
                " (rules->0->'groups'->0->'rules'->2->>'field_type') FROM automation_rules"
                " WHERE id = %s",
                rule);
    drop_rule(rule);
    expect_json_error(
        "POST", "/api/v1/automations/rules", it_admin_key,
        "{\"name\":\"x\",\"type\":\"new_conversation\",\"rules\":[{\"group_operator\":"
        "\"AND\",\"groups\":[],\"actions\":[{\"type\":\"notify\",\"recipients\":"
        "[1]}]}]}",
        400, "Action `recipients` must be a list of strings", "InputException");
}
END_TEST

/*
 * send_csat, notify and trigger_webhook on a priority change of a resolved
 * conversation: the survey row and its reply (once), one notification per
 * agent the recipients name (disabled ones skipped), one delivery to the
 * named active webhook only; each with its activity naming the rule.
 */
START_TEST(test_automation_csat_notify_webhook)
{
    long pid = (long)getpid();
    char body[4096], rule[16], conv[16], uuid[40], name[64], subject[64], other[16], off[16];
    char hook[16], dead[16], team2[16];

    fixtures();
    copy_value(other, sizeof(other),
               sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('agent', 'Bo',"
                          " 'it-auto-bo-%ld@example.org') RETURNING id",
                          pid));
    copy_value(off, sizeof(off),
               sql_valuef("INSERT INTO users (type, first_name, email, enabled) VALUES ('agent',"
                          " 'Cy', 'it-auto-cy-%ld@example.org', false) RETURNING id",
                          pid));
    copy_value(
        team2, sizeof(team2),
        sql_valuef("INSERT INTO teams (name) VALUES ('IT auto team2 %ld') RETURNING id", pid));
    free(sql_valuef("INSERT INTO team_members (team_id, user_id) VALUES (%s, %s), (%s, %s),"
                    " (%s, %s) RETURNING 1",
                    team2, agent, team2, other, team2, off));
    copy_value(hook, sizeof(hook),
               sql_valuef("INSERT INTO webhooks (name, url, events) VALUES ('it auto %ld',"
                          " 'http://127.0.0.1:9/hook', '{message.updated}') RETURNING id",
                          pid));
    copy_value(dead, sizeof(dead),
               sql_valuef("INSERT INTO webhooks (name, url, events, is_active) VALUES"
                          " ('it auto off %ld', 'http://127.0.0.1:9/off', '{message.updated}',"
                          " false) RETURNING id",
                          pid));
    snprintf(name, sizeof(name), "it-auto-acts-%ld", pid);
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"type\":\"conversation_update\",\"events\":"
             "[\"conversation.priority.change\"],\"rules\":[{\"group_operator\":\"AND\","
             "\"groups\":[{\"logical_op\":\"AND\",\"rules\":[{\"field\":\"subject\",\"operator\":"
             "\"contains\",\"value\":\"auto-acts-%ld\"}]}],\"actions\":[{\"type\":\"send_csat\","
             "\"value\":[]},{\"type\":\"notify\",\"value\":[],\"subject\":\" Escalated \","
             "\"message\":\"Look at it\",\"recipients\":[\"assignee\",\"team:%s\",\"user:%s\","
             "\"user:2147483\",\"email:ops@example.org\"]},{\"type\":\"trigger_webhook\","
             "\"value\":[\"%s\",\"priority_escalated\"]},{\"type\":\"trigger_webhook\","
             "\"value\":[\"%s\",\"priority_escalated\"]}]}]}",
             name, pid, team2, agent, hook, dead);
    make_rule(body, rule, sizeof(rule));

    snprintf(subject, sizeof(subject), "auto-acts-%ld", pid);
    make_conv(subject, conv, uuid);
    snprintf(body, sizeof(body), "{\"assignee_id\":%s}", agent);
    put_ok(uuid, "assignee/user", body);
    /* Resolved while the inbox has no survey: none offered by the status change. */
    put_ok(uuid, "status", "{\"status\":\"Resolved\"}");
    free(sql_valuef("UPDATE inboxes SET csat_enabled = true WHERE id = %s RETURNING id", inbox));
    put_ok(uuid, "priority", "{\"priority\":\"High\"}");

    /* send_csat: the survey row and its reply from System. */
    expect_sqlf("1|f|pending|true",
                "SELECT count(*) || '|' || bool_or(r.response_timestamp IS NOT NULL)::text::char"
                " || '|' || (SELECT string_agg(m.status || '|' || (m.meta->>'is_csat'), ',')"
                " FROM conversation_messages m JOIN users u ON u.id = m.sender_id"
                " WHERE m.conversation_id = %s AND m.type = 'outgoing' AND u.email = 'System')"
                " FROM csat_responses r WHERE r.conversation_id = %s",
                conv, conv);
    /* notify: the agent (assignee, team member and user) once, the team's other enabled one. */
    char want[2048];
    snprintf(want, sizeof(want),
             "%s|mention|Escalated|Look at it|%s|f / %s|mention|Escalated|"
             "Look at it|%s|f",
             atol(agent) < atol(other) ? agent : other, conv,
             atol(agent) < atol(other) ? other : agent, conv);
    expect_sqlf(want,
                "SELECT string_agg(user_id || '|' || notification_type || '|' || title || '|' ||"
                " body || '|' || conversation_id || '|' || is_read::text::char, ' / '"
                " ORDER BY user_id) FROM user_notifications WHERE conversation_id = %s"
                " AND notification_type = 'mention'",
                conv);
    /* trigger_webhook: one delivery, to the active webhook only, upstream's payload. */
    snprintf(want, sizeof(want), "%s|priority_escalated|priority_escalated|%s|High|t", hook, uuid);
    expect_sqlf(
        want,
        "SELECT string_agg(d.webhook_id || '|' || d.event || '|' || (d.body::json->>'event')"
        " || '|' || (d.body::json->'payload'->'conversation'->>'uuid') || '|' ||"
        " (d.body::json->'payload'->'conversation'->>'priority') || '|' ||"
        " ((d.body::json->'payload'->>'actor_id')::int = (SELECT id FROM users"
        "  WHERE email = 'System' ORDER BY id LIMIT 1))::text::char, ',')"
        " FROM deskd_webhook_deliveries d WHERE d.webhook_id IN (%s, %s)",
        hook, dead);
    snprintf(want, sizeof(want),
             "System sent the CSAT survey (automation rule: %s) / System notified 2 agents "
             "(automation rule: %s) / System triggered the webhook %s (priority_escalated) "
             "(automation rule: %s)",
             name, name, hook, name);
    expect_sqlf(want, SYSTEM_ACTIVITY, conv);

    /* Again: no second survey, the notifications and the delivery again. */
    put_ok(uuid, "priority", "{\"priority\":\"Low\"}");
    expect_sqlf("1|4|2",
                "SELECT (SELECT count(*) FROM csat_responses WHERE conversation_id = %s) || '|' ||"
                " (SELECT count(*) FROM user_notifications WHERE conversation_id = %s"
                " AND notification_type = 'mention') || '|' ||"
                " (SELECT count(*) FROM deskd_webhook_deliveries WHERE webhook_id = %s)",
                conv, conv, hook);
    drop_rule(rule);
    free(sql_valuef("DELETE FROM webhooks WHERE id IN (%s, %s) RETURNING 1", hook, dead));
}
END_TEST

Suite *it_automation_run_suite(void)
{
    return SUITE_OF("automation_run", 60, NULL, NULL, test_automation_new_conversation,
                    test_automation_update_events, test_automation_loop_stopped,
                    test_automation_first_match, test_automation_time_trigger,
                    test_automation_accepts_upstream_shapes, test_automation_message_event,
                    test_automation_csat_notify_webhook);
}
