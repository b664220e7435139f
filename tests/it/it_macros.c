/*
 * it_macros.c - macros over HTTP: the writes with their exact bodies and
 * rows and every refusal writing nothing, who sees which macro, the
 * permission on every write, and applying a macro to a conversation: its
 * actions, note and usage count all at once, or none of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

static long pid;
static char team[16], other_team[16], agent_id[16], admin_id[16], open_id[16], resolved_id[16],
    closed_id[16], high_id[16], low_id[16];
static char tag_a[48], tag_b[48], tag_c[48];

static void fixtures(void)
{
    static int done;
    if (done++)
        return;
    pid = (long)getpid() % 100000;
    copy_value(
        team, sizeof(team),
        sql_valuef("INSERT INTO teams (name) VALUES ('IT macro team %ld') RETURNING id", pid));
    copy_value(
        other_team, sizeof(other_team),
        sql_valuef("INSERT INTO teams (name) VALUES ('IT macro other %ld') RETURNING id", pid));
    copy_value(agent_id, sizeof(agent_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_agent_email));
    copy_value(admin_id, sizeof(admin_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email));
    char *v = sql_valuef("INSERT INTO team_members (team_id, user_id) VALUES (%s, %s)"
                         " RETURNING team_id",
                         team, agent_id);
    free(v);
    copy_value(open_id, sizeof(open_id),
               sql_valuef("SELECT id FROM conversation_statuses WHERE name = 'Open'"));
    copy_value(resolved_id, sizeof(resolved_id),
               sql_valuef("SELECT id FROM conversation_statuses WHERE name = 'Resolved'"));
    copy_value(closed_id, sizeof(closed_id),
               sql_valuef("SELECT id FROM conversation_statuses WHERE name = 'Closed'"));
    copy_value(high_id, sizeof(high_id),
               sql_valuef("SELECT id FROM conversation_priorities WHERE name = 'High'"));
    copy_value(low_id, sizeof(low_id),
               sql_valuef("SELECT id FROM conversation_priorities WHERE name = 'Low'"));
    snprintf(tag_a, sizeof(tag_a), "mac-a-%ld", pid);
    snprintf(tag_b, sizeof(tag_b), "mac-b-%ld", pid);
    snprintf(tag_c, sizeof(tag_c), "mac-c-%ld", pid);
    char sql[512];
    snprintf(sql, sizeof(sql), "INSERT INTO tags (name) VALUES ('%s'), ('%s'), ('%s')", tag_a,
             tag_b, tag_c);
    sql_exec(sql);
}

/* data of a success answer without its timestamps (asserted present), as JSON text (malloc'd). */
static char *data_text(const struct http_res *r)
{
    json_object *root, *d = json_data(r, &root);
    ck_assert_ptr_nonnull(json_object_object_get(d, "created_at"));
    ck_assert_ptr_nonnull(json_object_object_get(d, "updated_at"));
    json_object_object_del(d, "created_at");
    json_object_object_del(d, "updated_at");
    char *s = strdup(
        json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
    return s;
}

static char *id_of(const struct http_res *r)
{
    json_object *root, *d = json_data(r, &root);
    char *s = strdup(json_object_get_string(json_object_object_get(d, "id")));
    json_object_put(root);
    return s;
}

START_TEST(test_macro_writes)
{
    char body[2048], want[2048], path[64];
    fixtures();

    snprintf(body, sizeof(body),
             "{\"name\":\"IT macro %ld\",\"message_content\":\"<p>Thanks</p>\","
             "\"visibility\":\"team\",\"team_id\":\"%s\",\"user_id\":\"%s\","
             "\"visible_when\":[\"adding_private_note\",\"replying\",\"replying\"],"
             "\"actions\":[{\"type\":\"set_status\",\"value\":[\"%s\"]},"
             "{\"type\":\"add_tags\",\"value\":[\"%s\"]}],\"extra\":1}",
             pid, team, agent_id, resolved_id, tag_a);
    char *before = sql_valuef("SELECT count(*) FROM macros");
    /* An agent without macros:manage may write nothing. */
    expect_json_error("POST", "/api/v1/macros", it_agent_key, body, 403, "Permission denied",
                      "PermissionException");

    struct http_res r = http_json("POST", "/api/v1/macros", it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    char *id = id_of(&r), *got = data_text(&r);
    http_res_free(&r);
    snprintf(want, sizeof(want),
             "{\"id\":%s,\"name\":\"IT macro %ld\",\"actions\":[{\"type\":\"set_status\","
             "\"value\":[\"%s\"],\"display_value\":[\"Resolved\"]},{\"type\":\"add_tags\","
             "\"value\":[\"%s\"],\"display_value\":[]}],\"visibility\":\"team\","
             "\"visible_when\":[\"replying\",\"adding_private_note\"],"
             "\"message_content\":\"<p>Thanks</p>\",\"user_id\":null,\"team_id\":\"%s\","
             "\"usage_count\":0}",
             id, pid, resolved_id, tag_a, team);
    ck_assert_str_eq(got, want);
    free(got);
    snprintf(want, sizeof(want),
             "team|%s|-|{replying,adding_private_note}|[{\"type\": \"set_status\", \"value\": "
             "[\"%s\"]}, {\"type\": \"add_tags\", \"value\": [\"%s\"]}]|0",
             team, resolved_id, tag_a);
    expect_sqlf(want,
                "SELECT visibility || '|' || team_id || '|' || coalesce(user_id::text, '-') || '|'"
                " || visible_when::text || '|' || actions::text || '|' || usage_count"
                " FROM macros WHERE id = %s",
                id);

    /* GET one: the same body; manage only. */
    snprintf(path, sizeof(path), "/api/v1/macros/%s", id);
    r = http_get(path, tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    got = data_text(&r);
    http_res_free(&r);
    ck_assert_ptr_nonnull(strstr(got, "\"display_value\":[\"Resolved\"]"));
    free(got);
    expect_error(path, tok(it_agent_key), 403, "Permission denied", "PermissionException");
    expect_error("/api/v1/macros/999999", tok(it_admin_key), 404, "Macro not found",
                 "NotFoundException");
    expect_error("/api/v1/macros/abc", tok(it_admin_key), 400, "Invalid macro `id`",
                 "InputException");

    /* Refusals write nothing. */
    char *mid = sql_valuef("SELECT count(*) FROM macros");
    static const struct {
        const char *body, *message;
    } bad[] = {
        {"{\"visibility\":\"all\",\"visible_when\":[\"replying\"]}", "`name` empty"},
        {"{\"name\":\"x\",\"visibility\":\"all\",\"visible_when\":[]}", "`visible_when` empty"},
        {"{\"name\":\"x\",\"visibility\":\"all\",\"visible_when\":[\"never\"]}",
         "Invalid `visible_when`: use replying, starting_conversation or adding_private_note"},
        {"{\"name\":\"x\",\"visibility\":\"global\",\"visible_when\":[\"replying\"]}",
         "Invalid `visibility`: use all, team or user"},
        {"{\"name\":\"x\",\"visibility\":\"team\",\"visible_when\":[\"replying\"]}",
         "`team_id` Required"},
        {"{\"name\":\"x\",\"visibility\":\"team\",\"team_id\":\"999999\","
         "\"visible_when\":[\"replying\"]}",
         "Team not found"},
        {"{\"name\":\"x\",\"visibility\":\"user\",\"user_id\":999999,"
         "\"visible_when\":[\"replying\"]}",
         "Agent not found"},
        {"{\"name\":\"x\",\"visibility\":\"all\",\"visible_when\":[\"replying\"],"
         "\"actions\":[{\"type\":\"send_reply\",\"value\":[\"hi\"]}]}",
         "send_reply action not allowed"},
        {"{\"name\":\"x\",\"visibility\":\"all\",\"visible_when\":[\"replying\"],"
         "\"actions\":[{\"type\":\"set_status\",\"value\":[]}]}",
         "Empty value for action set_status"},
        {"{\"name\":\"x\",\"visibility\":\"all\",\"visible_when\":[\"replying\"],"
         "\"actions\":[{\"type\":\"set_status\",\"value\":[\"Open\"]}]}",
         "Invalid value for action set_status: one id"},
        {"{\"name\":\"x\",\"visibility\":\"all\",\"visible_when\":[\"replying\"],"
         "\"actions\":[{\"type\":\"set_status\",\"value\":[\"999999\"]}]}",
         "Status not found"},
        {"{\"name\":\"x\",\"visibility\":\"all\",\"visible_when\":[\"replying\"],"
         "\"actions\":[{\"type\":\"set_priority\",\"value\":[\"999999\"]}]}",
         "Priority not found"},
        {"{\"name\":\"x\",\"visibility\":\"all\",\"visible_when\":[\"replying\"],"
         "\"actions\":[{\"type\":\"assign_user\",\"value\":[\"999999\"]}]}",
         "Agent not found"},
        {"{\"name\":\"x\",\"visibility\":\"all\",\"visible_when\":[\"replying\"],"
         "\"actions\":[{\"type\":\"add_tags\",\"value\":[\"no such tag 1\"]}]}",
         "Tag `no such tag 1` not found"},
        {"{\"name\":\"x\",\"visibility\":\"all\",\"visible_when\":[\"replying\"],"
         "\"actions\":[{\"type\":\"add_tags\",\"value\":[\"a\"]},"
         "{\"type\":\"add_tags\",\"value\":[\"b\"]}]}",
         "Duplicate actions not allowed"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_json_error("POST", "/api/v1/macros", it_admin_key, bad[i].body, 400, bad[i].message,
                          "InputException");
    char longname[200];
    memset(longname, 'n', 141);
    longname[141] = '\0';
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"visibility\":\"all\",\"visible_when\":[\"replying\"]}", longname);
    expect_json_error("POST", "/api/v1/macros", it_admin_key, body, 400,
                      "Name is too long, should be at most 140 characters", "InputException");
    expect_json_error("PUT", path, it_admin_key, bad[5].body, 400, "Team not found",
                      "InputException");
    expect_sqlf(mid, "SELECT count(*) FROM macros");
    free(mid);

    /* PUT: another visibility; the team is cleared, the agent kept. */
    snprintf(body, sizeof(body),
             "{\"name\":\"IT macro B %ld\",\"visibility\":\"user\",\"user_id\":%s,"
             "\"team_id\":\"%s\",\"visible_when\":[\"starting_conversation\"],"
             "\"actions\":[{\"type\":\"assign_team\",\"value\":[\"%s\"]},"
             "{\"type\":\"assign_user\",\"value\":[\"%s\"]}]}",
             pid, agent_id, team, team, agent_id);
    expect_json_error("PUT", path, it_agent_key, body, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("PUT", "/api/v1/macros/999999", it_admin_key, body, 404, "Macro not found",
                      "NotFoundException");
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    got = data_text(&r);
    http_res_free(&r);
    snprintf(want, sizeof(want),
             "{\"id\":%s,\"name\":\"IT macro B %ld\",\"actions\":[{\"type\":\"assign_team\","
             "\"value\":[\"%s\"],\"display_value\":[\"IT macro team %ld\"]},"
             "{\"type\":\"assign_user\",\"value\":[\"%s\"],\"display_value\":[\"It Agent\"]}],"
             "\"visibility\":\"user\",\"visible_when\":[\"starting_conversation\"],"
             "\"message_content\":\"\",\"user_id\":\"%s\",\"team_id\":null,\"usage_count\":0}",
             id, pid, team, pid, agent_id, agent_id);
    ck_assert_str_eq(got, want);
    free(got);
    snprintf(want, sizeof(want), "user|-|%s|IT macro B %ld", agent_id, pid);
    expect_sqlf(want,
                "SELECT visibility || '|' || coalesce(team_id::text, '-') || '|' || user_id"
                " || '|' || name FROM macros WHERE id = %s AND updated_at > created_at",
                id);

    /* DELETE */
    r = http_do("DELETE", path, tok(it_agent_key), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 403);
    http_res_free(&r);
    r = http_do("DELETE", path, tok(it_admin_key), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    expect_sqlf(before, "SELECT count(*) FROM macros");
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "Macro not found",
                      "NotFoundException");
    free(before);
    free(id);
}
END_TEST

START_TEST(test_macro_visibility)
{
    char sql[1024];
    fixtures();
    snprintf(sql, sizeof(sql),
             "INSERT INTO macros (name, message_content, visibility, team_id, user_id) VALUES"
             " ('vis-all-%ld', '', 'all', NULL, NULL),"
             " ('vis-team-%ld', '', 'team', %s, NULL),"
             " ('vis-other-%ld', '', 'team', %s, NULL),"
             " ('vis-mine-%ld', '', 'user', NULL, %s),"
             " ('vis-admin-%ld', '', 'user', NULL, %s)",
             pid, pid, team, pid, other_team, pid, agent_id, pid, admin_id);
    sql_exec(sql);
    static const char *const names[] = {"all", "team", "other", "mine", "admin"};
    static const int agent_sees[] = {1, 1, 0, 1, 0};
    struct http_res ra = http_get("/api/v1/macros", tok(it_agent_key));
    struct http_res rm = http_get("/api/v1/macros", tok(it_admin_key));
    ck_assert_int_eq(ra.status, 200);
    ck_assert_int_eq(rm.status, 200);
    for (size_t i = 0; i < 5; i++) {
        char needle[64];
        snprintf(needle, sizeof(needle), "\"vis-%s-%ld\"", names[i], pid);
        ck_assert_msg((strstr(ra.body, needle) != NULL) == agent_sees[i], "agent, %s", needle);
        ck_assert_msg(strstr(rm.body, needle) != NULL, "admin, %s", needle);
    }
    http_res_free(&ra);
    http_res_free(&rm);
}
END_TEST

/* The conversation's status|priority|tags|notes|activity messages. */
static void expect_conv(const char *conv, const char *want)
{
    expect_sqlf(want,
                "SELECT st.name || '|' || coalesce(pr.name, '-') || '|' ||"
                " coalesce((SELECT string_agg(t.name, ',' ORDER BY t.name) FROM conversation_tags"
                " ct JOIN tags t ON t.id = ct.tag_id WHERE ct.conversation_id = c.id), '-') || '|'"
                " || (SELECT count(*) FROM conversation_messages m WHERE m.conversation_id = c.id"
                " AND m.type = 'outgoing' AND m.private) || '|' || (SELECT count(*) FROM"
                " conversation_messages m WHERE m.conversation_id = c.id AND m.type = 'activity')"
                " FROM conversations c JOIN conversation_statuses st ON st.id = c.status_id"
                " LEFT JOIN conversation_priorities pr ON pr.id = c.priority_id"
                " WHERE c.uuid = '%s'",
                conv);
}

START_TEST(test_macro_apply)
{
    char sql[1024], conv[48], macro[16], path[160], body[1024], want[256];
    fixtures();
    char *inbox = sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('IT macro %ld', 'email')"
                             " RETURNING id",
                             pid);
    snprintf(sql, sizeof(sql),
             "WITH ct AS (INSERT INTO users (type, email, first_name) VALUES ('contact',"
             " 'it-macro-%ld@example.org', 'Mac') RETURNING id)"
             " INSERT INTO conversations (subject, status_id, priority_id, contact_id, inbox_id,"
             " last_message, last_message_sender) SELECT 'macro', %s, %s, ct.id, %s, 'hi',"
             " 'contact' FROM ct RETURNING uuid",
             pid, open_id, low_id, inbox);
    copy_value(conv, sizeof(conv), sql_valuef("%s", sql));
    snprintf(sql, sizeof(sql),
             "INSERT INTO conversation_tags (tag_id, conversation_id) SELECT t.id, c.id FROM tags"
             " t, conversations c WHERE t.name = '%s' AND c.uuid = '%s'",
             tag_a, conv);
    sql_exec(sql);
    copy_value(macro, sizeof(macro),
               sql_valuef("INSERT INTO macros (name, message_content, visibility) VALUES"
                          " ('apply-%ld', '<p>Done</p>', 'all') RETURNING id",
                          pid));
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/macros/%s/apply", conv, macro);
    snprintf(want, sizeof(want), "Open|Low|%s|0|0", tag_a);
    expect_conv(conv, want);

    /* Status, priority and tags changed and a note added, all at once. */
    snprintf(body, sizeof(body),
             "{\"actions\":[{\"type\":\"set_status\",\"value\":[\"%s\"]},"
             "{\"type\":\"set_priority\",\"value\":[\"%s\"]},"
             "{\"type\":\"add_tags\",\"value\":[\"%s\"]},"
             "{\"type\":\"remove_tags\",\"value\":[\"%s\"]}],"
             "\"message\":\"<p>Done</p>\",\"private\":true}",
             resolved_id, high_id, tag_b, tag_a);
    struct http_res r = http_json("POST", path, it_agent_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_str_eq(r.body, "{\"message\":\"Macro applied\"}");
    http_res_free(&r);
    snprintf(want, sizeof(want), "Resolved|High|%s|1|4", tag_b);
    expect_conv(conv, want);
    expect_sqlf("1", "SELECT usage_count FROM macros WHERE id = %s", macro);
    snprintf(want, sizeof(want), "<p>Done</p>|%s|sent", agent_id);
    expect_sqlf(want,
                "SELECT m.content || '|' || m.sender_id || '|' || m.status FROM"
                " conversation_messages m JOIN conversations c ON c.id = m.conversation_id"
                " WHERE c.uuid = '%s' AND m.type = 'outgoing'",
                conv);
    expect_sqlf("It Agent set the status to Resolved",
                "SELECT m.content FROM conversation_messages m JOIN conversations c"
                " ON c.id = m.conversation_id WHERE c.uuid = '%s' AND m.type = 'activity'"
                " ORDER BY m.id LIMIT 1",
                conv);

    /* A tag deleted since: the whole apply fails, nothing changes. */
    snprintf(sql, sizeof(sql), "DELETE FROM tags WHERE name = '%s'", tag_c);
    sql_exec(sql);
    snprintf(body, sizeof(body),
             "{\"actions\":[{\"type\":\"set_status\",\"value\":[\"%s\"]},"
             "{\"type\":\"set_priority\",\"value\":[\"%s\"]},"
             "{\"type\":\"set_tags\",\"value\":[\"%s\",\"%s\"]}],"
             "\"message\":\"<p>Again</p>\",\"private\":true}",
             closed_id, low_id, tag_a, tag_c);
    char msg[128];
    snprintf(msg, sizeof(msg), "Tag `%s` not found", tag_c);
    expect_json_error("POST", path, it_agent_key, body, 400, msg, "InputException");
    /* A status deleted since: the same. */
    char *gone = sql_valuef("INSERT INTO conversation_statuses (name, category) VALUES"
                            " ('Mac gone %ld', 'open') RETURNING id",
                            pid);
    snprintf(sql, sizeof(sql), "DELETE FROM conversation_statuses WHERE id = %s", gone);
    sql_exec(sql);
    snprintf(body, sizeof(body),
             "[{\"type\":\"set_priority\",\"value\":[\"%s\"]},"
             "{\"type\":\"set_status\",\"value\":[\"%s\"]}]",
             low_id, gone);
    expect_json_error("POST", path, it_agent_key, body, 400, "Status not found", "InputException");
    free(gone);
    snprintf(want, sizeof(want), "Resolved|High|%s|1|4", tag_b);
    expect_conv(conv, want);
    expect_sqlf("1", "SELECT usage_count FROM macros WHERE id = %s", macro);

    /* Refusals before anything runs. */
    expect_json_error("POST", path, it_agent_key,
                      "[{\"type\":\"send_private_note\",\"value\":[\"x\"]}]", 403,
                      "send_private_note action not allowed", "PermissionException");
    expect_json_error("POST", path, it_agent_key,
                      "[{\"type\":\"add_tags\",\"value\":[\"x\"]},"
                      "{\"type\":\"add_tags\",\"value\":[\"y\"]}]",
                      400, "Duplicate actions not allowed", "InputException");
    expect_json_error("POST", path, it_admin_key,
                      "[{\"type\":\"add_tags\",\"value\":[\"x\\u0000y\"]}]", 400,
                      "Error parsing request: a string holds a NUL character", "InputException");
    char other[160];
    snprintf(other, sizeof(other), "/api/v1/conversations/%s/macros/999999/apply", conv);
    expect_json_error("POST", other, it_agent_key, "[]", 404, "Macro not found",
                      "NotFoundException");
    /* Another agent's personal macro is not the caller's to apply: as if it did not exist. */
    char *mine = sql_valuef("INSERT INTO macros (name, message_content, visibility, user_id)"
                            " VALUES ('apply-mine-%ld', 'x', 'user', (SELECT min(id) FROM users"
                            " WHERE type = 'agent' AND id <> (SELECT id FROM users WHERE"
                            " api_key = split_part('%s', ':', 1)))) RETURNING id",
                            pid, it_agent_key);
    snprintf(other, sizeof(other), "/api/v1/conversations/%s/macros/%s/apply", conv, mine);
    expect_json_error("POST", other, it_agent_key, "[]", 404, "Macro not found",
                      "NotFoundException");
    expect_sqlf("0", "SELECT usage_count FROM macros WHERE id = %s", mine);
    free(mine);
    snprintf(other, sizeof(other),
             "/api/v1/conversations/00000000-0000-0000-0000-000000000000/macros/%s/apply", macro);
    expect_json_error("POST", other, it_agent_key, "[]", 404, "Conversation not found",
                      "NotFoundException");

    /* An agent lacking one action's permission (tags) gets 403 and changes nothing. */
    char email[96], key[256];
    snprintf(email, sizeof(email), "it-macro-%ld@example.com", pid);
    it_make_agent(email, "Mac", "Agent", NULL, NULL, 0, key, sizeof(key));
    snprintf(sql, sizeof(sql),
             "INSERT INTO roles (name, permissions) VALUES ('IT macro %ld',"
             " ARRAY['conversations:read', 'conversations:read_all',"
             " 'conversations:update_status']);"
             "DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE email = '%s');"
             "INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r"
             " WHERE u.email = '%s' AND r.name = 'IT macro %ld'",
             pid, email, email, pid);
    sql_exec(sql);
    snprintf(body, sizeof(body),
             "[{\"type\":\"set_status\",\"value\":[\"%s\"]},"
             "{\"type\":\"add_tags\",\"value\":[\"%s\"]}]",
             open_id, tag_a);
    expect_json_error("POST", path, key, body, 403, "Permission denied for some macro actions",
                      "PermissionException");
    /* ... and a note needs messages:write. */
    snprintf(body, sizeof(body), "{\"message\":\"<p>x</p>\",\"private\":true}");
    expect_json_error("POST", path, key, body, 403, "Permission denied for some macro actions",
                      "PermissionException");
    snprintf(want, sizeof(want), "Resolved|High|%s|1|4", tag_b);
    expect_conv(conv, want);

    /* Upstream's body, a bare list of actions; the same priority twice writes nothing new. */
    snprintf(body, sizeof(body), "[{\"type\":\"set_priority\",\"value\":[\"%s\"]}]", high_id);
    r = http_json("POST", path, it_agent_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    snprintf(body, sizeof(body), "[{\"type\":\"set_priority\",\"value\":[\"%s\"]}]", low_id);
    r = http_json("POST", path, it_agent_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    snprintf(want, sizeof(want), "Resolved|Low|%s|1|5", tag_b);
    expect_conv(conv, want);
    expect_sqlf("3", "SELECT usage_count FROM macros WHERE id = %s", macro);
    free(inbox);
}
END_TEST

Suite *it_macros_suite(void)
{
    return SUITE_OF("macros", 60, NULL, NULL, test_macro_writes, test_macro_visibility,
                    test_macro_apply);
}
