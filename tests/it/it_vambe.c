/*
 * it_vambe.c - Vambe's unanswered-conversations list (seed 003) at
 * /vambe/api/analytics/team/snapshot/unanswered-conversations-details, and
 * deskd's own unanswered list (GET /api/v1/conversations/unanswered) that
 * serves it: every documented field and type, each filter and its default,
 * the order, pages, totals against the database, permissions, X-API-Key
 * auth, and Vambe's error shape for refusals and bad parameters.
 *
 * The fixture makes its own inboxes (pipelines); every request names one,
 * so other data in the database does not change the answers.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it.h"

#define VAMBE "/vambe/api/analytics/team/snapshot/unanswered-conversations-details"

static char inbox_a[32], inbox_b[32], inbox_c[32], inbox_w[32], inbox_a_name[64], team[32],
    agent_id[32], admin_id[32], open_id[32], snoozed_id[32];
static char limited_key[256], limited_id[32], noread_key[256];

static void fixture(void)
{
    long pid = (long)getpid();
    char sql[8192], email[160];

    copy_value(agent_id, sizeof(agent_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_agent_email));
    copy_value(admin_id, sizeof(admin_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email));
    copy_value(open_id, sizeof(open_id),
               sql_valuef("SELECT id FROM conversation_statuses WHERE name = 'Open'"));
    copy_value(snoozed_id, sizeof(snoozed_id),
               sql_valuef("SELECT id FROM conversation_statuses WHERE name = 'Snoozed'"));
    snprintf(inbox_a_name, sizeof(inbox_a_name), "IT vambe A %ld", pid);
    copy_value(inbox_a, sizeof(inbox_a),
               sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('%s', 'email') RETURNING id",
                          inbox_a_name));
    copy_value(inbox_b, sizeof(inbox_b),
               sql_valuef("INSERT INTO inboxes (name, channel, enabled) VALUES ('IT vambe B %ld',"
                          " 'email', FALSE) RETURNING id",
                          pid));
    copy_value(inbox_c, sizeof(inbox_c),
               sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('IT vambe C %ld', 'email')"
                          " RETURNING id",
                          pid));
    copy_value(inbox_w, sizeof(inbox_w),
               sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('IT vambe W %ld', 'email')"
                          " RETURNING id",
                          pid));
    copy_value(
        team, sizeof(team),
        sql_valuef("INSERT INTO teams (name) VALUES ('IT vambe team %ld') RETURNING id", pid));

    /* An agent whose role may only read its own assigned conversations, and one without read. */
    snprintf(email, sizeof(email), "it-vambe-limited-%ld@example.com", pid);
    it_make_agent(email, "Lim", "Agent", NULL, limited_id, sizeof(limited_id), limited_key,
                  sizeof(limited_key));
    snprintf(sql, sizeof(sql),
             "UPDATE users SET last_name = 'Ited' WHERE id = %s;"
             "INSERT INTO roles (name, permissions) VALUES ('IT vambe limited %ld',"
             " ARRAY['conversations:read', 'conversations:read_assigned']);"
             "DELETE FROM user_roles WHERE user_id = %s;"
             "INSERT INTO user_roles (user_id, role_id) SELECT %s, id FROM roles"
             " WHERE name = 'IT vambe limited %ld'",
             limited_id, pid, limited_id, limited_id, pid);
    sql_exec(sql);
    snprintf(email, sizeof(email), "it-vambe-noread-%ld@example.com", pid);
    char noread_id[32];
    it_make_agent(email, "Nor", "Agent", NULL, noread_id, sizeof(noread_id), noread_key,
                  sizeof(noread_key));
    snprintf(sql, sizeof(sql),
             "INSERT INTO roles (name, permissions) VALUES ('IT vambe noread %ld',"
             " ARRAY['conversations:read_all']);"
             "DELETE FROM user_roles WHERE user_id = %s;"
             "INSERT INTO user_roles (user_id, role_id) SELECT %s, id FROM roles"
             " WHERE name = 'IT vambe noread %ld'",
             pid, noread_id, noread_id, pid);
    sql_exec(sql);

    /*
     * Pipeline A: u1 (agent, 5 h), u2 (admin, 3 h), u3 (team only, 4 h),
     * u4 (agent, Snoozed, 2 h), u5 (agent, Resolved, 10 h: never), u6
     * (agent, answered: never), u8 (limited, 1 h).  Pipeline B (disabled,
     * archived): u7 (agent, 6 h).  Pipeline C: 55 waiting, assigned to the
     * admin, 1..55 minutes.  Pipeline W: w1 (admin, 7 h), for the reply test.
     */
    snprintf(sql, sizeof(sql),
             "INSERT INTO users (type, email, first_name, last_name) VALUES"
             " ('contact', 'it-vambe-c1-%ld@example.org', 'Vera', 'Ambe'),"
             " ('contact', 'it-vambe-c2-%ld@example.org', 'Solo', NULL);"
             "WITH s AS (SELECT name, id FROM conversation_statuses),"
             " ct AS (SELECT email, id FROM users WHERE email LIKE 'it-vambe-c_-%ld@example.org')"
             " INSERT INTO conversations (subject, status_id, assigned_user_id, assigned_team_id,"
             " waiting_since, contact_id, inbox_id, last_message, last_message_sender)"
             " SELECT v.subject, (SELECT id FROM s WHERE name = v.st), v.u, v.t,"
             " now() - v.h * interval '1 hour',"
             " (SELECT id FROM ct WHERE email = 'it-vambe-' || v.c || '-%ld@example.org'),"
             " v.i, 'hello', 'contact' FROM (VALUES"
             " ('u1', 'Open', %s, NULL::int, 5, 'c1', %s),"
             " ('u2', 'Open', %s, %s, 3, 'c2', %s),"
             " ('u3', 'Open', NULL, %s, 4, 'c1', %s),"
             " ('u4', 'Snoozed', %s, NULL, 2, 'c2', %s),"
             " ('u5', 'Resolved', %s, NULL, 10, 'c1', %s),"
             " ('u6', 'Open', %s, NULL, NULL, 'c1', %s),"
             " ('u8', 'Open', %s, NULL, 1, 'c2', %s),"
             " ('u7', 'Open', %s, NULL, 6, 'c1', %s),"
             " ('w1', 'Open', %s, NULL, 7, 'c1', %s))"
             " v(subject, st, u, t, h, c, i);"
             "INSERT INTO conversations (subject, status_id, assigned_user_id, waiting_since,"
             " contact_id, inbox_id)"
             " SELECT 'p' || g, %s, %s, now() - g * interval '1 minute',"
             " (SELECT id FROM users WHERE email = 'it-vambe-c1-%ld@example.org'), %s"
             " FROM generate_series(1, 55) g",
             pid, pid, pid, pid, agent_id, inbox_a, admin_id, team, inbox_a, team, inbox_a,
             agent_id, inbox_a, agent_id, inbox_a, agent_id, inbox_a, limited_id, inbox_a, agent_id,
             inbox_b, admin_id, inbox_w, open_id, admin_id, pid, inbox_c);
    sql_exec(sql);
}

static const char *conv(const char *inbox, const char *subject)
{
    static char slots[4][48];
    static int next;
    char *s = slots[next++ % 4];
    char *u = sql_valuef("SELECT uuid FROM conversations WHERE inbox_id = %s AND subject = '%s'",
                         inbox, subject);
    snprintf(s, 48, "%s", u);
    free(u);
    return s;
}

/* GET the Vambe list with query (after '?') and X-API-Key key (NULL: none). */
static struct http_res vget(const char *query, const char *key)
{
    char path[8192], hdr[300];
    snprintf(path, sizeof(path), VAMBE "%s%s", query ? "?" : "", query ? query : "");
    snprintf(hdr, sizeof(hdr), "X-API-Key: %s", key ? key : "");
    return http_do("GET", path, NULL, NULL, 0, key ? hdr : NULL);
}

/* Asserts Vambe's error shape exactly. */
static void vambe_error(const struct http_res *r, long status, const char *message,
                        const char *error)
{
    char want[1024];
    ck_assert_int_eq(r->status, status);
    snprintf(want, sizeof(want), "{\"statusCode\":%ld,\"message\":\"%s\",\"error\":\"%s\"}", status,
             message, error);
    ck_assert_str_eq(r->body, want);
}

static void expect_vambe_error(const char *query, const char *key, long status, const char *message,
                               const char *error)
{
    struct http_res r = vget(query, key);
    vambe_error(&r, status, message, error);
    http_res_free(&r);
}

static int is_uuid(const char *s)
{
    regex_t re;
    int ok;
    ck_assert_int_eq(regcomp(&re, "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    ok = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

/*
 * Asserts the reply's documented shape (every field and its type) and
 * returns the parsed root; *contacts the array.
 */
static json_object *reply_shape(const struct http_res *r, json_object **contacts)
{
    json_object *root = json_body(r), *v;
    ck_assert_int_eq(r->status, 200);
    ck_assert(json_object_is_type(root, json_type_object));
    ck_assert_int_eq(json_object_object_length(root), 4);
    ck_assert(json_object_object_get_ex(root, "contacts", contacts));
    ck_assert(json_object_is_type(*contacts, json_type_array));
    ck_assert(json_object_object_get_ex(root, "hasNextPage", &v));
    ck_assert(json_object_is_type(v, json_type_boolean));
    int more = json_object_get_boolean(v);
    ck_assert(json_object_object_get_ex(root, "nextPage", &v));
    if (more)
        ck_assert(json_object_is_type(v, json_type_string));
    else
        ck_assert(json_object_is_type(v, json_type_null));
    ck_assert(json_object_object_get_ex(root, "total", &v));
    ck_assert(json_object_is_type(v, json_type_int));
    for (size_t i = 0; i < json_object_array_length(*contacts); i++) {
        json_object *c = json_object_array_get_idx(*contacts, i), *agents;
        static const char *const strs[] = {"ai_contact_id", "name", "current_stage",
                                           "current_pipeline"};
        ck_assert(json_object_is_type(c, json_type_object));
        ck_assert_int_eq(json_object_object_length(c), 6);
        for (size_t k = 0; k < 4; k++) {
            ck_assert_msg(json_object_object_get_ex(c, strs[k], &v), "%s missing", strs[k]);
            ck_assert_msg(json_object_is_type(v, json_type_string), "%s not a string", strs[k]);
        }
        json_object_object_get_ex(c, "ai_contact_id", &v);
        ck_assert(is_uuid(json_object_get_string(v)));
        ck_assert(json_object_object_get_ex(c, "waiting_time", &v));
        ck_assert(json_object_is_type(v, json_type_int));
        ck_assert_int_ge(json_object_get_int64(v), 0);
        ck_assert(json_object_object_get_ex(c, "assigned_agents", &agents));
        ck_assert(json_object_is_type(agents, json_type_array));
        for (size_t j = 0; j < json_object_array_length(agents); j++) {
            json_object *a = json_object_array_get_idx(agents, j);
            ck_assert_int_eq(json_object_object_length(a), 2);
            ck_assert(json_object_object_get_ex(a, "agent_id", &v));
            ck_assert(json_object_is_type(v, json_type_string));
            ck_assert(json_object_object_get_ex(a, "agent_name", &v));
            ck_assert(json_object_is_type(v, json_type_string));
        }
    }
    return root;
}

static long total_of(json_object *root)
{
    json_object *v;
    json_object_object_get_ex(root, "total", &v);
    return (long)json_object_get_int64(v);
}

static const char *str_of(json_object *o, const char *key)
{
    json_object *v;
    ck_assert(json_object_object_get_ex(o, key, &v));
    return json_object_get_string(v);
}

/*
 * Asserts the list for query: its total, and the subjects of its contacts
 * (comma-separated, in order, all in inbox) via their uuids.
 */
static void expect_list(const char *query, const char *key, const char *inbox, long total,
                        const char *subjects)
{
    json_object *contacts;
    struct http_res r = vget(query, key);
    json_object *root = reply_shape(&r, &contacts);
    char got[1024] = "";
    for (size_t i = 0; i < json_object_array_length(contacts); i++) {
        char *s =
            sql_valuef("SELECT subject FROM conversations WHERE uuid = '%s' AND inbox_id = %s",
                       str_of(json_object_array_get_idx(contacts, i), "ai_contact_id"), inbox);
        ck_assert_ptr_nonnull(s);
        size_t n = strlen(got);
        snprintf(got + n, sizeof(got) - n, "%s%s", i ? "," : "", s);
        free(s);
    }
    ck_assert_msg(strcmp(got, subjects) == 0, "%s: got [%s], want [%s]", query, got, subjects);
    ck_assert_int_eq(total_of(root), total);
    json_object_put(root);
    http_res_free(&r);
}

START_TEST(test_fields_and_defaults)
{
    char q[256];
    json_object *contacts;
    snprintf(q, sizeof(q), "pipelineId=%s", inbox_a);
    struct http_res r = vget(q, it_admin_key);
    json_object *root = reply_shape(&r, &contacts);
    /* Unassigned (u3), resolved (u5) and answered (u6) are left out; longest wait first. */
    ck_assert_int_eq(json_object_array_length(contacts), 4);
    ck_assert_int_eq(total_of(root), 4);
    json_object *hn, *np;
    json_object_object_get_ex(root, "hasNextPage", &hn);
    json_object_object_get_ex(root, "nextPage", &np);
    ck_assert(!json_object_get_boolean(hn));
    ck_assert(json_object_is_type(np, json_type_null));

    json_object *c = json_object_array_get_idx(contacts, 0), *agents, *a;
    ck_assert_str_eq(str_of(c, "ai_contact_id"), conv(inbox_a, "u1"));
    ck_assert_str_eq(str_of(c, "name"), "Vera Ambe");
    ck_assert_str_eq(str_of(c, "current_stage"), "Open");
    ck_assert_str_eq(str_of(c, "current_pipeline"), inbox_a_name);
    json_object *wt;
    json_object_object_get_ex(c, "waiting_time", &wt);
    /* 5 hours in ms, computed now (allow a minute for the test itself). */
    ck_assert_int_ge(json_object_get_int64(wt), 5LL * 3600 * 1000);
    ck_assert_int_lt(json_object_get_int64(wt), 5LL * 3600 * 1000 + 60000);
    json_object_object_get_ex(c, "assigned_agents", &agents);
    ck_assert_int_eq(json_object_array_length(agents), 1);
    a = json_object_array_get_idx(agents, 0);
    ck_assert_str_eq(str_of(a, "agent_id"), agent_id);
    char *name = sql_valuef("SELECT btrim(first_name || ' ' || coalesce(last_name, ''))"
                            " FROM users WHERE id = %s",
                            agent_id);
    ck_assert_str_eq(str_of(a, "agent_name"), name);
    free(name);

    c = json_object_array_get_idx(contacts,
                                  1); /* u2: the admin's, 3 h; a contact without last name */
    ck_assert_str_eq(str_of(c, "ai_contact_id"), conv(inbox_a, "u2"));
    ck_assert_str_eq(str_of(c, "name"), "Solo");
    c = json_object_array_get_idx(contacts, 2); /* u4: Snoozed is still open */
    ck_assert_str_eq(str_of(c, "current_stage"), "Snoozed");
    json_object_put(root);
    http_res_free(&r);

    /* The order, in full. */
    expect_list(q, it_admin_key, inbox_a, 4, "u1,u2,u4,u8");
}
END_TEST

START_TEST(test_filters)
{
    char q[512];
    snprintf(q, sizeof(q), "pipelineId=%s&hideUnassigned=false", inbox_a);
    expect_list(q, it_admin_key, inbox_a, 5, "u1,u3,u2,u4,u8");
    snprintf(q, sizeof(q), "pipelineId=%s&hideUnassigned=FALSE&hideArchived=true", inbox_a);
    expect_list(q, it_admin_key, inbox_a, 5, "u1,u3,u2,u4,u8");
    snprintf(q, sizeof(q), "pipelineId=%s&hideUnassigned=true", inbox_a);
    expect_list(q, it_admin_key, inbox_a, 4, "u1,u2,u4,u8");
    /* agentIds in its three encodings. */
    snprintf(q, sizeof(q), "pipelineId=%s&agentIds[]=%s", inbox_a, agent_id);
    expect_list(q, it_admin_key, inbox_a, 2, "u1,u4");
    snprintf(q, sizeof(q), "pipelineId=%s&agentIds=%s&agentIds=%s", inbox_a, agent_id, admin_id);
    expect_list(q, it_admin_key, inbox_a, 3, "u1,u2,u4");
    snprintf(q, sizeof(q), "pipelineId=%s&agentIds=%s,%s", inbox_a, admin_id, agent_id);
    expect_list(q, it_admin_key, inbox_a, 3, "u1,u2,u4");
    snprintf(q, sizeof(q), "pipelineId=%s&agentIds[0]=%s&agentIds[1]=%s&hideUnassigned=false",
             inbox_a, limited_id, admin_id);
    expect_list(q, it_admin_key, inbox_a, 2, "u2,u8");
    /* stageIds. */
    snprintf(q, sizeof(q), "pipelineId=%s&stageIds[]=%s", inbox_a, snoozed_id);
    expect_list(q, it_admin_key, inbox_a, 1, "u4");
    snprintf(q, sizeof(q), "pipelineId=%s&stageIds=%s,%s&hideUnassigned=false", inbox_a, open_id,
             snoozed_id);
    expect_list(q, it_admin_key, inbox_a, 5, "u1,u3,u2,u4,u8");
    snprintf(q, sizeof(q), "pipelineId=%s&stageIds[]=%s&agentIds[]=%s", inbox_a, open_id, agent_id);
    expect_list(q, it_admin_key, inbox_a, 1, "u1");
    /* A resolved stage never has unanswered conversations. */
    char *resolved = sql_valuef("SELECT id FROM conversation_statuses WHERE name = 'Resolved'");
    snprintf(q, sizeof(q), "pipelineId=%s&stageIds[]=%s", inbox_a, resolved);
    free(resolved);
    expect_list(q, it_admin_key, inbox_a, 0, "");
    /* Archived: the disabled inbox B shows only with hideArchived=false. */
    snprintf(q, sizeof(q), "pipelineId=%s", inbox_b);
    expect_list(q, it_admin_key, inbox_b, 0, "");
    snprintf(q, sizeof(q), "pipelineId=%s&hideArchived=false", inbox_b);
    expect_list(q, it_admin_key, inbox_b, 1, "u7");
    snprintf(q, sizeof(q), "pipelineId=%s&hideArchived=0&agentIds[]=%s", inbox_b, admin_id);
    expect_list(q, it_admin_key, inbox_b, 0, "");
}
END_TEST

START_TEST(test_pages)
{
    char q[256];
    json_object *contacts, *v;
    long last = -1;
    for (int page = 1; page <= 3; page++) {
        snprintf(q, sizeof(q), "pipelineId=%s&page=%d", inbox_c, page);
        struct http_res r = vget(q, it_admin_key);
        json_object *root = reply_shape(&r, &contacts);
        ck_assert_int_eq(total_of(root), 55);
        ck_assert_int_eq(json_object_array_length(contacts), page == 1 ? 50 : page == 2 ? 5 : 0);
        json_object_object_get_ex(root, "hasNextPage", &v);
        ck_assert_int_eq(json_object_get_boolean(v), page == 1);
        json_object_object_get_ex(root, "nextPage", &v);
        if (page == 1)
            ck_assert_str_eq(json_object_get_string(v), "2");
        else
            ck_assert(json_object_is_type(v, json_type_null));
        /* Longest wait first, across pages: p55 first, p1 last. */
        for (size_t i = 0; i < json_object_array_length(contacts); i++) {
            json_object *c = json_object_array_get_idx(contacts, i);
            json_object_object_get_ex(c, "waiting_time", &v);
            long wt = (long)json_object_get_int64(v);
            if (last >= 0)
                ck_assert_int_le(wt, last);
            last = wt;
            char want[8];
            snprintf(want, sizeof(want), "p%d", 55 - (page - 1) * 50 - (int)i);
            ck_assert_str_eq(str_of(c, "ai_contact_id"), conv(inbox_c, want));
        }
        json_object_put(root);
        http_res_free(&r);
    }
    /* page defaults to 1. */
    snprintf(q, sizeof(q), "pipelineId=%s&page=", inbox_c);
    struct http_res r = vget(q, it_admin_key);
    json_object *root = reply_shape(&r, &contacts);
    ck_assert_int_eq(json_object_array_length(contacts), 50);
    json_object_put(root);
    http_res_free(&r);
}
END_TEST

/* The total is the database's count of the same conversations, and the summary is exact. */
START_TEST(test_totals_match_the_database)
{
    char want[32];
    struct http_res r = vget("hideUnassigned=false&hideArchived=false", it_admin_key);
    json_object *contacts, *root = reply_shape(&r, &contacts);
    snprintf(want, sizeof(want), "%ld", total_of(root));
    expect_sqlf(want,
                "SELECT count(*) FROM conversations c JOIN conversation_statuses s ON s.id ="
                " c.status_id WHERE c.waiting_since IS NOT NULL AND s.category <> 'resolved'");
    json_object_put(root);
    http_res_free(&r);
    r = vget(NULL, it_admin_key);
    root = reply_shape(&r, &contacts);
    snprintf(want, sizeof(want), "%ld", total_of(root));
    expect_sqlf(want,
                "SELECT count(*) FROM conversations c JOIN conversation_statuses s ON s.id ="
                " c.status_id JOIN inboxes i ON i.id = c.inbox_id WHERE c.waiting_since IS NOT NULL"
                " AND s.category <> 'resolved' AND c.assigned_user_id IS NOT NULL AND i.enabled"
                " AND i.deleted_at IS NULL");
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM (SELECT status_id, coalesce(priority_id, 0),"
                     " coalesce(assigned_user_id, 0), coalesce(assigned_team_id, 0), inbox_id,"
                     " count(*) FROM conversations WHERE waiting_since IS NOT NULL"
                     " GROUP BY 1, 2, 3, 4, 5 EXCEPT SELECT status_id, priority_id,"
                     " assigned_user_id, assigned_team_id, inbox_id, n"
                     " FROM deskd_unanswered_counts WHERE n <> 0) d");
    /* The (status, inbox, assignee) rollup the queue's total reads (sql/036), both ways. */
    expect_sqlf("0", "SELECT count(*) FROM ((SELECT status_id, inbox_id,"
                     " coalesce(assigned_user_id, 0), count(*) FROM conversations"
                     " WHERE waiting_since IS NOT NULL GROUP BY 1, 2, 3 EXCEPT SELECT status_id,"
                     " inbox_id, assigned_user_id, n FROM deskd_unanswered_rollup WHERE n <> 0)"
                     " UNION ALL (SELECT status_id, inbox_id, assigned_user_id, n FROM"
                     " deskd_unanswered_rollup WHERE n <> 0 EXCEPT SELECT status_id, inbox_id,"
                     " coalesce(assigned_user_id, 0), count(*) FROM conversations"
                     " WHERE waiting_since IS NOT NULL GROUP BY 1, 2, 3)) d");
}
END_TEST

/* An agent's reply answers the conversation; a contact's message makes it wait again. */
START_TEST(test_answer_and_wait_again)
{
    char q[256], path[256];
    const char *body = "{\"message\":\"<p>On it</p>\",\"sender_type\":\"agent\"}";
    snprintf(q, sizeof(q), "pipelineId=%s", inbox_w);
    expect_list(q, it_admin_key, inbox_w, 1, "w1");
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages", conv(inbox_w, "w1"));
    struct http_res r = http_do("POST", path, tok(it_admin_key), body, strlen(body), NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_list(q, it_admin_key, inbox_w, 0, "");
    /* Waiting again; a private note does not answer it. */
    char sql[512];
    snprintf(sql, sizeof(sql),
             "UPDATE conversations SET waiting_since = now() - interval '2 hours'"
             " WHERE inbox_id = %s AND subject = 'w1'",
             inbox_w);
    sql_exec(sql);
    expect_list(q, it_admin_key, inbox_w, 1, "w1");
    body = "{\"message\":\"note\",\"sender_type\":\"agent\",\"private\":true}";
    r = http_do("POST", path, tok(it_admin_key), body, strlen(body), NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_list(q, it_admin_key, inbox_w, 1, "w1");
    /* Resolving it takes it off the list. */
    snprintf(sql, sizeof(sql),
             "UPDATE conversations SET status_id = (SELECT id FROM conversation_statuses WHERE"
             " name = 'Resolved') WHERE inbox_id = %s AND subject = 'w1'",
             inbox_w);
    sql_exec(sql);
    expect_list(q, it_admin_key, inbox_w, 0, "");
}
END_TEST

START_TEST(test_permissions_and_auth)
{
    char q[256];
    /* The access rule: this agent may only read its own assigned conversations. */
    snprintf(q, sizeof(q), "pipelineId=%s&hideUnassigned=false", inbox_a);
    expect_list(q, limited_key, inbox_a, 1, "u8");
    snprintf(q, sizeof(q), "pipelineId=%s&agentIds[]=%s", inbox_a, agent_id);
    expect_list(q, limited_key, inbox_a, 0, "");
    /* Without conversations:read. */
    expect_vambe_error(NULL, noread_key, 403, "Permission denied", "Forbidden");
    /* The key goes in X-API-Key only. */
    expect_vambe_error(NULL, NULL, 401, "Invalid or missing API key", "Unauthorized");
    expect_vambe_error(NULL, "nokey", 401, "Invalid or missing API key", "Unauthorized");
    struct http_res r = http_do("GET", VAMBE, tok(it_admin_key), NULL, 0, NULL);
    vambe_error(&r, 401, "Invalid or missing API key", "Unauthorized");
    http_res_free(&r);
    char wrong[300];
    snprintf(wrong, sizeof(wrong), "%.*sx", (int)strlen(it_admin_key), it_admin_key);
    r = vget(NULL, wrong);
    ck_assert_int_eq(r.status, 401);
    ck_assert_ptr_nonnull(strstr(r.body, "\"statusCode\":401,"));
    ck_assert_ptr_nonnull(strstr(r.body, "\"error\":\"Unauthorized\"}"));
    http_res_free(&r);
}
END_TEST

START_TEST(test_bad_parameters)
{
    char many[4096] = "agentIds=1";
    expect_vambe_error("page=abc", it_admin_key, 400,
                       "page must be an integer from 1 to 10000000, not `abc`", "Bad Request");
    expect_vambe_error("page=0", it_admin_key, 400,
                       "page must be an integer from 1 to 10000000, not `0`", "Bad Request");
    expect_vambe_error("page=1.5", it_admin_key, 400,
                       "page must be an integer from 1 to 10000000, not `1.5`", "Bad Request");
    expect_vambe_error("page=99999999999", it_admin_key, 400,
                       "page must be an integer from 1 to 10000000, not `99999999999`",
                       "Bad Request");
    expect_vambe_error("hideArchived=maybe", it_admin_key, 400,
                       "hideArchived must be a boolean (true or false), not `maybe`",
                       "Bad Request");
    expect_vambe_error("hideUnassigned=yes", it_admin_key, 400,
                       "hideUnassigned must be a boolean (true or false), not `yes`",
                       "Bad Request");
    expect_vambe_error("pipelineId=pipeline-id-1", it_admin_key, 400,
                       "pipelineId must be a pipeline (inbox) id, a positive integer, not "
                       "`pipeline-id-1`",
                       "Bad Request");
    expect_vambe_error("agentIds[]=agent-id-1", it_admin_key, 400,
                       "agentIds must contain only ids (positive integers), not `agent-id-1`",
                       "Bad Request");
    expect_vambe_error("stageIds=1,x", it_admin_key, 400,
                       "stageIds must contain only ids (positive integers), not `x`",
                       "Bad Request");
    expect_vambe_error("stageIds[]=-3", it_admin_key, 400,
                       "stageIds must contain only ids (positive integers), not `-3`",
                       "Bad Request");
    expect_vambe_error("agentIds[]=123456789012345678901234567890", it_admin_key, 400,
                       "agentIds must contain only ids (positive integers)", "Bad Request");
    for (int i = 2; i <= 101; i++) {
        size_t n = strlen(many);
        snprintf(many + n, sizeof(many) - n, ",%d", i);
    }
    expect_vambe_error(many, it_admin_key, 400, "agentIds: at most 100 ids", "Bad Request");
    /* Unknown parameters are ignored, as an empty array is. */
    struct http_res r = vget("foo=bar&agentIds=&stageIds[]=", it_admin_key);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
}
END_TEST

/* deskd's own unanswered list: Libredesk's page, waiting_time_ms, the lists' filters and rule. */
START_TEST(test_deskd_unanswered)
{
    char path[1024], f[256], esc[512];
    snprintf(f, sizeof(f),
             "[{\"model\":\"conversations\",\"field\":\"inbox_id\",\"operator\":"
             "\"equals\",\"value\":\"%s\"}]",
             inbox_a);
    url_escape(f, esc, sizeof(esc));
    snprintf(path, sizeof(path), "/api/v1/conversations/unanswered?filters=%s", esc);
    struct http_res r = http_get(path, tok(it_admin_key));
    json_object *root, *data = json_data(&r, &root), *results, *v;
    ck_assert(json_object_object_get_ex(data, "results", &results));
    ck_assert_int_eq(json_object_array_length(results), 5);
    static const char *const order[] = {"u1", "u3", "u2", "u4", "u8"};
    long last = -1;
    for (size_t i = 0; i < 5; i++) {
        json_object *c = json_object_array_get_idx(results, i);
        ck_assert_str_eq(json_str(c, "uuid"), conv(inbox_a, order[i]));
        ck_assert(json_object_object_get_ex(c, "waiting_time_ms", &v));
        ck_assert(json_object_is_type(v, json_type_int));
        if (last >= 0)
            ck_assert_int_le(json_object_get_int64(v), last);
        last = (long)json_object_get_int64(v);
        ck_assert(json_object_object_get_ex(c, "waiting_since", &v));
        ck_assert(json_object_is_type(v, json_type_string));
    }
    json_object_object_get_ex(data, "total", &v);
    ck_assert_int_eq(json_object_get_int64(v), 5);
    json_object_object_get_ex(data, "per_page", &v);
    ck_assert_int_eq(json_object_get_int64(v), 30);
    json_object_put(root);
    http_res_free(&r);

    /* page_size and page. */
    snprintf(path, sizeof(path), "/api/v1/conversations/unanswered?filters=%s&page_size=2&page=2",
             esc);
    r = http_get(path, tok(it_admin_key));
    data = json_data(&r, &root);
    json_object_object_get_ex(data, "results", &results);
    ck_assert_int_eq(json_object_array_length(results), 2);
    ck_assert_str_eq(json_str(json_object_array_get_idx(results, 0), "uuid"), conv(inbox_a, "u2"));
    json_object_object_get_ex(data, "total_pages", &v);
    ck_assert_int_eq(json_object_get_int64(v), 3);
    json_object_put(root);
    http_res_free(&r);

    /* The access rule. */
    snprintf(path, sizeof(path), "/api/v1/conversations/unanswered?filters=%s", esc);
    r = http_get(path, tok(limited_key));
    data = json_data(&r, &root);
    json_object_object_get_ex(data, "results", &results);
    ck_assert_int_eq(json_object_array_length(results), 1);
    ck_assert_str_eq(json_str(json_object_array_get_idx(results, 0), "uuid"), conv(inbox_a, "u8"));
    json_object_object_get_ex(data, "total", &v);
    ck_assert_int_eq(json_object_get_int64(v), 1);
    json_object_put(root);
    http_res_free(&r);

    /* Refusals in Libredesk's envelope. */
    expect_error("/api/v1/conversations/unanswered?order_by=conversations.created_at",
                 tok(it_admin_key), 400,
                 "Invalid `order_by`: the unanswered list is always ordered by waiting time, "
                 "longest first",
                 "InputException");
    expect_error("/api/v1/conversations/unanswered?filters=%5B%7B%22field%22%3A%22nope%22%7D%5D",
                 tok(it_admin_key), 400, "Invalid filter: unknown field `conversations.nope`",
                 "InputException");
    expect_error("/api/v1/conversations/unanswered", tok(noread_key), 403, "Permission denied",
                 "PermissionException");
}
END_TEST

Suite *it_vambe_suite(void)
{
    Suite *s = suite_create("vambe");
    TCase *tc = tcase_create("unanswered");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, fixture, NULL);
    tcase_add_test(tc, test_fields_and_defaults);
    tcase_add_test(tc, test_filters);
    tcase_add_test(tc, test_pages);
    tcase_add_test(tc, test_totals_match_the_database);
    tcase_add_test(tc, test_permissions_and_auth);
    tcase_add_test(tc, test_bad_parameters);
    tcase_add_test(tc, test_deskd_unanswered);
    tcase_add_test(tc, test_answer_and_wait_again);
    suite_add_tcase(s, tc);
    return s;
}
