/*
 * it_chatwoot.c - Chatwoot's conversation list under /chatwoot (seed 001):
 * api_access_token carrying KEY:SECRET, Chatwoot's error shapes (400
 * bad_request_error naming the parameter, {"error": ...} otherwise), the
 * configured account only, 25 a page, the four counts against the
 * database, and deskd's own lists with with_counts=true.
 * tests/peers/check_chatwoot.py checks every parameter and the schemas.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../suite_of.h"
#include "it.h"

#define CW "/chatwoot/api/v1/accounts/1/conversations"

static const char *cw_key(const char *key)
{
    static char buf[2][300];
    static int slot;
    slot ^= 1;
    snprintf(buf[slot], sizeof(buf[slot]), "api_access_token: %s", key);
    return buf[slot];
}

static struct http_res cw_get(const char *path, const char *key)
{
    return http_do("GET", path, NULL, NULL, 0, key ? cw_key(key) : NULL);
}

static void expect_body(const char *path, const char *key, long status, const char *body)
{
    struct http_res r = cw_get(path, key);
    ck_assert_int_eq(r.status, status);
    ck_assert_str_eq(r.body, body);
    http_res_free(&r);
}

START_TEST(test_chatwoot_refusals)
{
    expect_body(CW, NULL, 401, "{\"error\":\"Invalid or missing API key\"}");
    expect_body(CW, "nokey:nosecret", 401, "{\"error\":\"Invalid credential\"}");
    /* Libredesk's header does not authenticate a Chatwoot route. */
    struct http_res r = http_do("GET", CW, tok(it_admin_key), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.body, "{\"error\":\"Invalid or missing API key\"}");
    http_res_free(&r);
    expect_body("/chatwoot/api/v1/accounts/2/conversations", it_admin_key, 404,
                "{\"error\":\"Account not found\"}");
    expect_body("/chatwoot/api/v1/accounts/01x/conversations/meta", it_admin_key, 404,
                "{\"error\":\"Account not found\"}");
    expect_body(CW "?status=closed", it_admin_key, 400,
                "{\"description\":\"`status` must be one of open, resolved, pending, snoozed, "
                "all\",\"errors\":[{\"field\":\"status\",\"message\":\"`status` must be one of "
                "open, resolved, pending, snoozed, all\",\"code\":\"invalid\"}]}");
    expect_body(CW "/meta?assignee_type=mine", it_admin_key, 400,
                "{\"description\":\"`assignee_type` must be one of me, unassigned, assigned, "
                "all\",\"errors\":[{\"field\":\"assignee_type\",\"message\":\"`assignee_type` "
                "must be one of me, unassigned, assigned, all\",\"code\":\"invalid\"}]}");
    expect_body(CW "?inbox_id=1.5", it_admin_key, 400,
                "{\"description\":\"`inbox_id` must be a positive integer\",\"errors\":[{\"field\":"
                "\"inbox_id\",\"message\":\"`inbox_id` must be a positive integer\",\"code\":"
                "\"invalid\"}]}");
    expect_body(CW "?page=-2", it_admin_key, 400,
                "{\"description\":\"`page` must be an integer from 1 to 1000000\",\"errors\":[{"
                "\"field\":\"page\",\"message\":\"`page` must be an integer from 1 to 1000000\","
                "\"code\":\"invalid\"}]}");
}
END_TEST

/* The meta object of a reply as "mine,unassigned,assigned,all". */
static void counts_of(json_object *meta, char *out, size_t len)
{
    json_object *v[4];
    static const char *const keys[] = {"mine_count", "unassigned_count", "assigned_count",
                                       "all_count"};
    ck_assert_int_eq(json_object_object_length(meta), 4);
    for (int i = 0; i < 4; i++)
        ck_assert(json_object_object_get_ex(meta, keys[i], &v[i]) &&
                  json_object_is_type(v[i], json_type_int));
    snprintf(out, len, "%lld,%lld,%lld,%lld", (long long)json_object_get_int64(v[0]),
             (long long)json_object_get_int64(v[1]), (long long)json_object_get_int64(v[2]),
             (long long)json_object_get_int64(v[3]));
}

/* The same counts in SQL, for the admin (read_all) over where (conversations c, statuses st). */
static char *db_counts(const char *where)
{
    return sql_valuef("SELECT count(*) FILTER (WHERE c.assigned_user_id = u.id) || ',' ||"
                      " count(*) FILTER (WHERE c.assigned_user_id IS NULL) || ',' ||"
                      " count(*) FILTER (WHERE c.assigned_user_id IS NOT NULL) || ',' || count(*)"
                      " FROM conversations c JOIN conversation_statuses st ON st.id = c.status_id,"
                      " (SELECT id FROM users WHERE email = '%s') u WHERE %s",
                      it_admin_email, where);
}

START_TEST(test_chatwoot_counts)
{
    char got[128];
    /* Some conversations of the admin's, so that mine_count is not 0. */
    if (atoi(sql_value("SELECT count(*) FROM conversations")) < 30)
        ck_assert_int_eq(
            run_cmd("\"$DESKD_ROOT\"/bin/deskd seed --conversations 30 >/dev/null", NULL, 0), 0);
    char *admin = sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email);
    char *stmt = NULL;
    ck_assert_ptr_nonnull(admin);
    size_t n = strlen(admin) + 200;
    stmt = malloc(n);
    snprintf(stmt, n,
             "UPDATE conversations SET assigned_user_id = %s WHERE id IN (SELECT id FROM"
             " conversations ORDER BY id LIMIT 4)",
             admin);
    sql_exec(stmt);
    free(stmt);

    static const struct {
        const char *query, *where;
    } cases[] = {
        {"", "st.category = 'open'"},
        {"?status=all&assignee_type=me", "TRUE"},
        {"?status=resolved&assignee_type=unassigned", "st.category = 'resolved'"},
        {"?status=snoozed", "st.name = 'Snoozed'"},
        {"?status=all&inbox_id=1", "c.inbox_id = 1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[256];
        char *want = db_counts(cases[i].where);
        snprintf(path, sizeof(path), CW "%s", cases[i].query);
        struct http_res r = cw_get(path, it_admin_key);
        ck_assert_int_eq(r.status, 200);
        json_object *root = json_body(&r), *data, *meta, *payload;
        ck_assert(json_object_object_get_ex(root, "data", &data));
        ck_assert(json_object_object_get_ex(data, "meta", &meta));
        ck_assert(json_object_object_get_ex(data, "payload", &payload));
        counts_of(meta, got, sizeof(got));
        ck_assert_msg(strcmp(got, want) == 0, "%s: %s, the database %s", path, got, want);
        ck_assert_int_le(json_object_array_length(payload), 25);
        json_object_put(root);
        http_res_free(&r);

        /* .../meta: the counts alone, the same. */
        snprintf(path, sizeof(path), CW "/meta%s", cases[i].query);
        r = cw_get(path, it_admin_key);
        ck_assert_int_eq(r.status, 200);
        root = json_body(&r);
        ck_assert_int_eq(json_object_object_length(root), 1);
        ck_assert(json_object_object_get_ex(root, "meta", &meta));
        counts_of(meta, got, sizeof(got));
        ck_assert_str_eq(got, want);
        json_object_put(root);
        http_res_free(&r);
        free(want);
    }
    /* status=all: page 1 holds min(25, all) conversations, page 2 the next ones. */
    char *all = sql_value("SELECT count(*) FROM conversations");
    struct http_res r = cw_get(CW "?status=all&page=2", it_admin_key);
    json_object *root = json_body(&r), *data, *payload;
    ck_assert(json_object_object_get_ex(root, "data", &data));
    ck_assert(json_object_object_get_ex(data, "payload", &payload));
    long rest = atol(all) - 25;
    ck_assert_int_eq((long)json_object_array_length(payload),
                     rest < 0 ? 0 : (rest > 25 ? 25 : rest));
    json_object_put(root);
    http_res_free(&r);
    free(all);
    free(admin);
}
END_TEST

/* deskd's own lists: with_counts=true adds the four counts of the list's scope and filters. */
START_TEST(test_own_lists_with_counts)
{
    char *want = db_counts("c.assigned_team_id IS NULL");
    char path[512], got[128];
    char filters[256];
    url_escape("[{\"model\":\"conversations\",\"field\":\"assigned_team_id\",\"operator\":"
               "\"not set\",\"value\":\"\"}]",
               filters, sizeof(filters));
    snprintf(path, sizeof(path), "/api/v1/conversations/all?with_counts=true&filters=%s", filters);
    struct http_res r = http_get(path, tok(it_admin_key));
    json_object *root, *d = json_data(&r, &root), *counts, *v;
    ck_assert(json_object_object_get_ex(d, "counts", &counts));
    static const char *const keys[] = {"mine", "unassigned", "assigned", "all"};
    long long n[4];
    for (int i = 0; i < 4; i++) {
        ck_assert(json_object_object_get_ex(counts, keys[i], &v));
        n[i] = json_object_get_int64(v);
    }
    snprintf(got, sizeof(got), "%lld,%lld,%lld,%lld", n[0], n[1], n[2], n[3]);
    ck_assert_str_eq(got, want);
    ck_assert(json_object_object_get_ex(d, "total", &v));
    ck_assert_int_eq(json_object_get_int64(v), n[3]);
    json_object_put(root);
    http_res_free(&r);
    free(want);

    /* Without it, Libredesk's page as before; a bad value is a 400 in the envelope. */
    r = http_get("/api/v1/conversations/unassigned", tok(it_admin_key));
    d = json_data(&r, &root);
    ck_assert(!json_object_object_get_ex(d, "counts", &v));
    json_object_put(root);
    http_res_free(&r);
    expect_error("/api/v1/conversations/assigned?with_counts=1", tok(it_admin_key), 400,
                 "Invalid `with_counts`: use true or false", "InputException");
}
END_TEST

/*
 * Another prefix mapped onto /chatwoot/ by nginx (the map in nginx/dev.conf.in, as README's
 * "Other products' APIs" says): the same answers, query string kept.
 */
START_TEST(test_another_prefix)
{
    static const char *const paths[] = {"/api/v1/accounts/1/conversations/meta?status=all",
                                        "/api/v1/accounts/1/conversations?page=2",
                                        "/api/v1/accounts/999/conversations"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        char own[256], other[256];
        snprintf(own, sizeof(own), "/chatwoot%s", paths[i]);
        snprintf(other, sizeof(other), "/helpdesk/chatwoot%s", paths[i]);
        struct http_res a = cw_get(own, it_admin_key), b = cw_get(other, it_admin_key);
        ck_assert_int_eq(b.status, a.status);
        ck_assert_str_eq(b.body, a.body);
        http_res_free(&a);
        http_res_free(&b);
    }
}
END_TEST

Suite *it_chatwoot_suite(void)
{
    return SUITE_OF("chatwoot", 60, NULL, NULL, test_chatwoot_refusals, test_chatwoot_counts,
                    test_own_lists_with_counts, test_another_prefix);
}
