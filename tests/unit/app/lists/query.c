/* app/lists/query.c - filters, order and scope -> SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/sbuf.h"
#include "lists/query.h"
#include "rules/access.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static struct arena *ar;

static void setup(void)
{
    ar = arena_new(8 << 20);
}

static void teardown(void)
{
    arena_free(ar);
}

static struct cq_query build_ok(enum cq_list list, const char *filters)
{
    struct cq_request rq = {.list = list,
                            .user_id = 7,
                            .team_id = 3,
                            .filters = filters,
                            .order_by = NULL,
                            .order = NULL,
                            .page = 1,
                            .page_size = 30,
                            .scopes = 0};
    struct cq_query q;
    const char *msg = NULL;
    enum app_err e = cq_build(ar, &rq, &q, &msg);
    ck_assert_msg(e == APP_OK, "%s: %s", filters ? filters : "(none)", msg ? msg : "?");
    return q;
}

static const char *build_err(const char *filters, const char *order_by, const char *order)
{
    struct cq_request rq = {.list = CQ_ALL,
                            .user_id = 7,
                            .team_id = 0,
                            .filters = filters,
                            .order_by = order_by,
                            .order = order,
                            .page = 1,
                            .page_size = 30,
                            .scopes = 0};
    struct cq_query q;
    const char *msg = NULL;
    enum app_err e = cq_build(ar, &rq, &q, &msg);
    ck_assert_msg(e == APP_ERR_INPUT, "%s should be refused", filters ? filters : order_by);
    ck_assert_ptr_nonnull(msg);
    return msg;
}

static void has(const char *sql, const char *part)
{
    ck_assert_msg(strstr(sql, part) != NULL, "missing [%s] in [%s]", part, sql);
}

#define LEAF(field, op, value)                                                                     \
    "[{\"model\":\"conversations\",\"field\":\"" field "\",\"operator\":\"" op                     \
    "\",\"value\":" value "}]"

START_TEST(test_scopes_and_defaults)
{
    struct cq_query q = build_ok(CQ_ALL, NULL);
    has(q.page_sql, "ORDER BY c.last_message_at DESC NULLS LAST, c.id DESC LIMIT 30 OFFSET 0");
    /* Nothing but status and assignee: the (status, assignee) rollup. */
    has(q.count_sql,
        "SELECT coalesce(sum(s.n), 0)::bigint FROM deskd_assignee_counts s WHERE TRUE");
    has(q.counts_sql, "FROM deskd_assignee_counts s WHERE TRUE");
    ck_assert_int_eq(q.count_from_summary, 1);
    ck_assert_int_eq(q.nparams, 1);
    ck_assert_str_eq(q.params[0], "7");

    q = build_ok(CQ_UNASSIGNED, NULL);
    has(q.page_sql, "WHERE TRUE AND c.assigned_user_id IS NULL AND c.assigned_team_id IS NULL");
    has(q.count_sql, "s.assigned_user_id = 0 AND s.assigned_team_id = 0");
    q = build_ok(CQ_ASSIGNED, NULL);
    has(q.page_sql, "c.assigned_user_id = $1::bigint");
    has(q.count_sql, "s.assigned_user_id = $1::bigint");
    q = build_ok(CQ_TEAM_UNASSIGNED, NULL);
    ck_assert_str_eq(q.params[1], "3");
    has(q.page_sql, "c.assigned_team_id = $2::bigint AND c.assigned_user_id IS NULL");
    has(q.count_sql, "s.assigned_team_id = $2::bigint AND s.assigned_user_id = 0");
    q = build_ok(CQ_MENTIONED, NULL);
    ck_assert_int_eq(q.count_from_summary, 0);
    has(q.page_sql, "conversation_mentions");
    has(q.list_sql, "SELECT (SELECT count(*) FROM conversations c WHERE TRUE AND c.id IN");
    has(q.count_sql, "SELECT count(*) FROM conversations c");

    /* Empty filter forms mean no filter. */
    q = build_ok(CQ_ALL, "");
    ck_assert_int_eq(q.nparams, 1);
    q = build_ok(CQ_ALL, "[]");
    ck_assert_int_eq(q.nparams, 1);
    q = build_ok(CQ_ALL, "null");
    ck_assert_int_eq(q.nparams, 1);
    q = build_ok(CQ_ALL, "{\"logic\":\"AND\",\"rules\":[]}");
    ck_assert_int_eq(q.nparams, 1);
}
END_TEST

/* A view's list: the union of the caller's access scopes. */
static struct cq_query build_view(unsigned scopes)
{
    struct cq_request rq = {.list = CQ_VIEW,
                            .user_id = 7,
                            .team_id = 0,
                            .filters = NULL,
                            .order_by = NULL,
                            .order = NULL,
                            .page = 1,
                            .page_size = 30,
                            .scopes = scopes};
    struct cq_query q;
    const char *msg = NULL;
    ck_assert_int_eq(cq_build(ar, &rq, &q, &msg), APP_OK);
    return q;
}

START_TEST(test_view_scopes)
{
    struct cq_query q = build_view(ACCESS_ALL | ACCESS_ASSIGNED);
    has(q.page_sql, "FROM conversations c WHERE TRUE ORDER BY");
    ck_assert_int_eq(q.count_from_summary, 1);

    q = build_view(ACCESS_UNASSIGNED | ACCESS_ASSIGNED);
    has(q.page_sql, "WHERE TRUE AND ((c.assigned_user_id IS NULL AND c.assigned_team_id IS NULL)"
                    " OR c.assigned_user_id = $1::bigint)");
    /* The scopes involve only the agent and the team: the total is a sum over the summary. */
    ck_assert_int_eq(q.count_from_summary, 1);
    has(q.count_sql, "WHERE TRUE AND ((s.assigned_user_id = 0 AND s.assigned_team_id = 0)"
                     " OR s.assigned_user_id = $1::bigint)");
    q = build_view(ACCESS_TEAM_ALL);
    has(q.count_sql, "AND (s.assigned_team_id IN (SELECT tm.team_id FROM team_members tm");

    /* The team inbox is part of all the team's conversations. */
    q = build_view(ACCESS_TEAM_INBOX | ACCESS_TEAM_ALL);
    has(q.page_sql, "AND (c.assigned_team_id IN (SELECT tm.team_id FROM team_members tm");
    ck_assert_ptr_null(strstr(q.page_sql, "c.assigned_user_id IS NULL AND"));
    q = build_view(ACCESS_TEAM_INBOX);
    has(q.page_sql, "AND ((c.assigned_user_id IS NULL AND c.assigned_team_id IN (SELECT");

    struct cq_request none = {.list = CQ_VIEW,
                              .user_id = 7,
                              .team_id = 0,
                              .filters = NULL,
                              .order_by = NULL,
                              .order = NULL,
                              .page = 1,
                              .page_size = 30,
                              .scopes = 0};
    const char *msg = NULL;
    ck_assert_int_eq(cq_build(ar, &none, &q, &msg), APP_ERR_INTERNAL);
}
END_TEST

START_TEST(test_every_operator)
{
    struct cq_query q = build_ok(CQ_ALL, LEAF("status_id", "equals", "\"2\""));
    has(q.page_sql, "c.status_id = $2::bigint");
    has(q.count_sql, "FROM deskd_assignee_counts s WHERE TRUE AND (s.status_id = $2::bigint)");
    ck_assert_str_eq(q.params[1], "2");

    q = build_ok(CQ_ALL, LEAF("priority_id", "not equals", "3"));
    has(q.page_sql, "c.priority_id <> $2::bigint");
    has(q.count_sql,
        "FROM deskd_conversation_counts s WHERE TRUE AND (nullif(s.priority_id, 0) <> $2::bigint)");
    has(q.counts_sql, "FROM deskd_conversation_counts s");
    ck_assert_str_eq(q.params[1], "3");

    q = build_ok(CQ_ALL, LEAF("created_at", "greater than", "\"2026-01-31\""));
    has(q.page_sql, "c.created_at >= ($2::date + 1)::timestamp AT TIME ZONE deskd_app_timezone()");
    ck_assert_int_eq(q.count_from_summary, 0);
    q = build_ok(CQ_ALL, LEAF("created_at", "less than", "\"2026-01-31T10:00:00Z\""));
    has(q.page_sql, "c.created_at < $2::timestamptz");
    q = build_ok(CQ_ALL, LEAF("created_at", "equals", "\"2026-01-31\""));
    has(q.page_sql, "(c.created_at >= ($2::date)::timestamp AT TIME ZONE deskd_app_timezone() AND "
                    "c.created_at < ($2::date + 1)::timestamp AT TIME ZONE deskd_app_timezone())");
    q = build_ok(CQ_ALL, LEAF("created_at", "not equals", "\"2026-01-31\""));
    has(q.page_sql, "NOT (c.created_at >= ($2::date)");
    q = build_ok(CQ_ALL, LEAF("created_at", "between", "\"2026-01-01, 2026-01-31\""));
    has(q.page_sql, "(c.created_at >= ($2::date)::timestamp AT TIME ZONE deskd_app_timezone() AND "
                    "c.created_at < ($3::date + 1)::timestamp");
    ck_assert_str_eq(q.params[1], "2026-01-01");
    ck_assert_str_eq(q.params[2], "2026-01-31");
    q = build_ok(CQ_ALL, LEAF("priority_id", "between", "\"1,2\""));
    has(q.page_sql, "c.priority_id BETWEEN $2::bigint AND $3::bigint");
    has(q.count_sql, "nullif(s.priority_id, 0) BETWEEN $2::bigint AND $3::bigint");

    q = build_ok(CQ_ALL, LEAF("inbox_id", "in", "\"[\\\"1\\\",\\\"2\\\"]\""));
    has(q.page_sql, "c.inbox_id IN ($2::bigint, $3::bigint)");
    ck_assert_int_eq(q.count_from_summary, 1);
    q = build_ok(CQ_ALL, LEAF("inbox_id", "in", "[4, \"5\"]"));
    has(q.page_sql, "c.inbox_id IN ($2::bigint, $3::bigint)");
    ck_assert_str_eq(q.params[1], "4");

    q = build_ok(CQ_ALL, LEAF("assigned_user_id", "set", "\"\""));
    has(q.page_sql, "c.assigned_user_id IS NOT NULL");
    has(q.count_sql, "nullif(s.assigned_user_id, 0) IS NOT NULL");
    q = build_ok(CQ_ALL, LEAF("assigned_team_id", "not set", "null"));
    has(q.page_sql, "c.assigned_team_id IS NULL");

    q = build_ok(CQ_ALL, "[{\"model\":\"users\",\"field\":\"email\",\"operator\":\"contains\","
                         "\"value\":\"a%b_c\\\\\"}]");
    has(q.page_sql, "ct.email ILIKE $2::text");
    has(q.page_sql, "JOIN users ct ON ct.id = c.contact_id");
    ck_assert_str_eq(q.params[1], "%a\\%b\\_c\\\\%");
    ck_assert_int_eq(q.count_from_summary, 0);
    q = build_ok(CQ_ALL, "[{\"model\":\"users\",\"field\":\"email\",\"operator\":\"ilike\","
                         "\"value\":\"a%b\"}]");
    ck_assert_str_eq(q.params[1], "%a%b%");
    q = build_ok(CQ_ALL, "[{\"model\":\"users\",\"field\":\"email\",\"operator\":\"not contains\","
                         "\"value\":\"x\"}]");
    has(q.page_sql, "ct.email NOT ILIKE $2::text");

    q = build_ok(CQ_ALL, "[{\"model\":\"conversation_statuses\",\"field\":\"name\","
                         "\"operator\":\"equals\",\"value\":\"Open\"}]");
    has(q.page_sql, "st.name = $2::text");
    has(q.count_sql, "JOIN conversation_statuses st ON st.id = s.status_id");
    ck_assert_int_eq(q.count_from_summary, 1);
    q = build_ok(CQ_ALL, "[{\"model\":\"inboxes\",\"field\":\"channel\",\"operator\":\"equals\","
                         "\"value\":\"email\"}]");
    has(q.page_sql, "i.channel::text = $2::text");
    has(q.count_sql, "JOIN inboxes i ON i.id = s.inbox_id");
}
END_TEST

START_TEST(test_tags)
{
    struct cq_query q = build_ok(CQ_ALL, LEAF("tags", "contains", "\"[1,2]\""));
    has(q.page_sql, "c.id IN (SELECT ctg.conversation_id FROM conversation_tags ctg WHERE "
                    "ctg.tag_id = ANY($2::int[]))");
    ck_assert_str_eq(q.params[1], "{1,2}");
    ck_assert_int_eq(q.count_from_summary, 0);
    q = build_ok(CQ_ALL, LEAF("tags", "not contains", "[3]"));
    has(q.page_sql, "c.id NOT IN (SELECT ctg.conversation_id");
    q = build_ok(CQ_ALL, LEAF("tags", "contains", "\"[]\""));
    ck_assert_int_eq(q.nparams, 1); /* dropped */
    q = build_ok(CQ_ALL, LEAF("tags", "set", "\"\""));
    has(q.page_sql,
        "EXISTS (SELECT 1 FROM conversation_tags ctg WHERE ctg.conversation_id = c.id)");
    q = build_ok(CQ_ALL, LEAF("tags", "not set", "\"\""));
    has(q.page_sql, "NOT EXISTS (SELECT 1 FROM conversation_tags");
    ck_assert_str_eq(build_err(LEAF("tags", "equals", "\"[1]\""), NULL, NULL),
                     "Invalid filter: `tags` supports contains, not contains, set and not set");
    ck_assert_str_eq(build_err(LEAF("tags", "contains", "\"[\\\"x\\\"]\""), NULL, NULL),
                     "Invalid filter: tag ids must be positive integers");
}
END_TEST

/* A key escaping a NUL would arrive cut ("field\u0000x" as a second "field"): refused. */
START_TEST(test_nul_in_a_key)
{
    ck_assert_str_eq(build_err("[{\"model\":\"conversations\",\"field\":\"subject\","
                               "\"field\\u0000x\":\"status_id\",\"operator\":\"equals\","
                               "\"value\":\"1\"}]",
                               NULL, NULL),
                     "Invalid filters: a string holds a NUL character");
}
END_TEST

START_TEST(test_groups)
{
    struct cq_query q = build_ok(CQ_ALL, "{\"logic\":\"or\",\"rules\":["
                                         "{\"model\":\"conversations\",\"field\":\"status_id\","
                                         "\"operator\":\"equals\",\"value\":\"1\"},"
                                         "{\"logic\":\"AND\",\"rules\":["
                                         "{\"model\":\"conversations\",\"field\":\"priority_id\","
                                         "\"operator\":\"equals\",\"value\":\"3\"},"
                                         "{\"model\":\"conversations\",\"field\":\"inbox_id\","
                                         "\"operator\":\"equals\",\"value\":\"2\"}]}]}");
    has(q.page_sql, "AND (c.status_id = $2::bigint OR (c.priority_id = $3::bigint AND c.inbox_id = "
                    "$4::bigint))");
    has(q.count_sql, "AND (s.status_id = $2::bigint OR (nullif(s.priority_id, 0) = $3::bigint AND "
                     "s.inbox_id = $4::bigint))");
    ck_assert_int_eq(q.count_from_summary, 1);

    /* Flat array: AND; conditions without a field are skipped, as upstream. */
    q = build_ok(CQ_ALL, "[{\"field\":\"\"},{\"model\":\"conversations\",\"field\":\"status_id\","
                         "\"operator\":\"equals\",\"value\":\"1\"},{\"operator\":\"equals\"},"
                         "{\"model\":\"conversations\",\"field\":\"priority_id\","
                         "\"operator\":\"set\"}]");
    has(q.page_sql, "AND (c.status_id = $2::bigint AND c.priority_id IS NOT NULL)");
    /* A single condition object is accepted too. */
    q = build_ok(CQ_ALL,
                 "{\"model\":\"conversations\",\"field\":\"status_id\",\"operator\":\"equals\","
                 "\"value\":\"1\"}");
    has(q.page_sql, "c.status_id = $2::bigint");
    /* One non-summarisable condition anywhere means count(*). */
    q = build_ok(
        CQ_ALL, "{\"logic\":\"OR\",\"rules\":[{\"field\":\"status_id\",\"model\":\"conversations\","
                "\"operator\":\"equals\",\"value\":\"1\"},{\"model\":\"users\",\"field\":\"email\","
                "\"operator\":\"contains\",\"value\":\"x\"}]}");
    ck_assert_int_eq(q.count_from_summary, 0);
    has(q.count_sql, "SELECT count(*) FROM conversations c JOIN users ct");
}
END_TEST

static const char *repeat(const char *head, const char *item, int n, const char *sep,
                          const char *tail)
{
    struct sbuf sb;
    sbuf_init(&sb, ar);
    sbuf_add(&sb, head);
    for (int i = 0; i < n; i++) {
        if (i)
            sbuf_add(&sb, sep);
        sbuf_add(&sb, item);
    }
    sbuf_add(&sb, tail);
    return sbuf_str(&sb);
}

START_TEST(test_limits)
{
    const char *cond = "{\"model\":\"conversations\",\"field\":\"status_id\",\"operator\":"
                       "\"equals\",\"value\":\"1\"}";
    char group[256];
    snprintf(group, sizeof(group), "{\"logic\":\"AND\",\"rules\":[%s]}", cond);

    build_ok(CQ_ALL, repeat("{\"logic\":\"OR\",\"rules\":[", group, 10, ",", "]}"));
    ck_assert_str_eq(
        build_err(repeat("{\"logic\":\"OR\",\"rules\":[", group, 11, ",", "]}"), NULL, NULL),
        "Too many filter groups: at most 10");
    build_ok(CQ_ALL, repeat("[", cond, 50, ",", "]"));
    ck_assert_str_eq(build_err(repeat("[", cond, 51, ",", "]"), NULL, NULL),
                     "Too many filter conditions: at most 50");
    const char *in100 = repeat(
        "[{\"model\":\"conversations\",\"field\":\"inbox_id\",\"operator\":\"in\",\"value\":[", "1",
        100, ",", "]}]");
    build_ok(CQ_ALL, in100);
    const char *in101 = repeat(
        "[{\"model\":\"conversations\",\"field\":\"inbox_id\",\"operator\":\"in\",\"value\":[", "1",
        101, ",", "]}]");
    has(build_err(in101, NULL, NULL), "needs a JSON array of 1 to 100 values");
    has(build_err(LEAF("inbox_id", "in", "\"[]\""), NULL, NULL), "1 to 100 values");
    /* Groups nest one level below the root only. */
    char deep[512];
    snprintf(deep, sizeof(deep),
             "{\"logic\":\"AND\",\"rules\":[{\"logic\":\"OR\",\"rules\":[%s]}]}", group);
    ck_assert_str_eq(build_err(deep, NULL, NULL),
                     "Invalid filter: groups can be nested only one level deep");
}
END_TEST

START_TEST(test_bad_input_and_injection)
{
    ck_assert_str_eq(build_err("[{", NULL, NULL), "Invalid filters: not valid JSON");
    ck_assert_str_eq(build_err("\"x\"", NULL, NULL),
                     "Invalid filters: expected an array or a {logic, rules} object");
    ck_assert_str_eq(build_err(LEAF("status_id; DROP TABLE users", "equals", "\"1\""), NULL, NULL),
                     "Invalid filter: unknown field `conversations.status_id; DROP TABLE users`");
    ck_assert_str_eq(
        build_err("[{\"model\":\"pg_catalog.pg_user\",\"field\":\"passwd\",\"operator\":"
                  "\"equals\",\"value\":\"1\"}]",
                  NULL, NULL),
        "Invalid filter: unknown field `pg_catalog.pg_user.passwd`");
    ck_assert_str_eq(build_err(LEAF("status_id", "= 1 OR 1=1 --", "\"1\""), NULL, NULL),
                     "Invalid filter: unknown operator `= 1 OR 1=1 --` on `status_id`");
    ck_assert_str_eq(build_err(LEAF("status_id", "equals", "\"1 OR 1=1\""), NULL, NULL),
                     "Invalid filter: `status_id` needs an integer value, not `1 OR 1=1`");
    ck_assert_str_eq(build_err(LEAF("created_at", "equals", "\"yesterday'; --\""), NULL, NULL),
                     "Invalid filter: `created_at` needs a date (YYYY-MM-DD) or timestamp, not "
                     "`yesterday'; --`");
    ck_assert_str_eq(build_err(LEAF("status_id", "equals", "\"\""), NULL, NULL),
                     "Invalid filter: `equals` on `status_id` needs a value");
    ck_assert_str_eq(build_err(LEAF("status_id", "equals", "true"), NULL, NULL),
                     "Invalid filter: `equals` on `status_id` needs a value");
    ck_assert_str_eq(build_err(LEAF("status_id", "contains", "\"1\""), NULL, NULL),
                     "Invalid filter: `contains` needs a text field, `status_id` is not one");
    ck_assert_str_eq(
        build_err("[{\"model\":\"users\",\"field\":\"email\",\"operator\":\"greater than\","
                  "\"value\":\"a\"}]",
                  NULL, NULL),
        "Invalid filter: `greater than` cannot be used on text field `email`");
    has(build_err(LEAF("priority_id", "between", "\"1\""), NULL, NULL), "needs two values");
    has(build_err(LEAF("priority_id", "between", "\"1,2,3\""), NULL, NULL), "needs two values");
    has(build_err(LEAF("created_at", "between", "\"2026-01-01,2026-01-02T00:00:00Z\""), NULL, NULL),
        "two dates or two timestamps");
    has(build_err(
            "{\"logic\":\"XOR\",\"rules\":[{\"field\":\"status_id\",\"model\":\"conversations\","
            "\"operator\":\"set\"}]}",
            NULL, NULL),
        "`logic` must be AND or OR");
    has(build_err(NULL, "conversations.id; DROP TABLE users", NULL), "Invalid `order_by`");
    has(build_err(NULL, "conversations.tags", NULL), "Invalid `order_by`");
    has(build_err(NULL, "last_message_at", NULL), "Invalid `order_by`");
    ck_assert_str_eq(build_err(NULL, NULL, "desc; DROP TABLE users"),
                     "Invalid `order`: use asc or desc");

    /* A text value with SQL in it only ever becomes a parameter. */
    struct cq_query q =
        build_ok(CQ_ALL, "[{\"model\":\"users\",\"field\":\"email\",\"operator\":\"equals\","
                         "\"value\":\"x' OR '1'='1\"}]");
    ck_assert_ptr_null(strstr(q.page_sql, "OR '1'"));
    ck_assert_ptr_null(strstr(q.count_sql, "OR '1'"));
    ck_assert_str_eq(q.params[1], "x' OR '1'='1");
}
END_TEST

START_TEST(test_order_and_pages)
{
    struct cq_request rq = {.list = CQ_ALL,
                            .user_id = 7,
                            .team_id = 0,
                            .filters = NULL,
                            .order_by = "conversation_statuses.name",
                            .order = "AsC",
                            .page = 3,
                            .page_size = 20,
                            .scopes = 0};
    struct cq_query q;
    const char *msg;
    ck_assert_int_eq(cq_build(ar, &rq, &q, &msg), APP_OK);
    has(q.page_sql,
        "JOIN conversation_statuses st ON st.id = c.status_id WHERE TRUE ORDER BY st.name "
        "ASC NULLS LAST, c.id ASC LIMIT 20 OFFSET 40");
    ck_assert_int_eq(q.nparams, 1);

    int64_t p, ps;
    cq_page_params(NULL, NULL, &p, &ps);
    ck_assert(p == 1 && ps == 30);
    cq_page_params("0", "0", &p, &ps);
    ck_assert(p == 1 && ps == 30);
    cq_page_params("abc", "-5", &p, &ps);
    ck_assert(p == 1 && ps == 30);
    cq_page_params("4", "1000", &p, &ps);
    ck_assert(p == 4 && ps == 500);
    cq_page_params("99999999999999999999", "7", &p, &ps);
    ck_assert(p == 1 && ps == 7);
}
END_TEST

/*
 * Narrowing by other products' parameters: every condition bound, the
 * assignee left out of the four counts, the summary used while only its
 * columns are involved.
 */
START_TEST(test_narrow_and_counts)
{
    struct cq_request rq = {.list = CQ_ALL, .user_id = 7, .page = 2, .page_size = 25};
    struct cq_query q;
    const char *msg = NULL;

    rq.narrow.assignee = CQ_ASSIGNEE_UNASSIGNED;
    rq.narrow.status_category = "waiting";
    rq.narrow.status_name = "Snoozed";
    rq.narrow.status_not = 1;
    rq.narrow.inbox_id = 4;
    rq.narrow.team_id = 9;
    ck_assert_int_eq(cq_build(ar, &rq, &q, &msg), APP_OK);
    ck_assert_int_eq(q.count_from_summary, 1);
    ck_assert_int_eq(q.nparams, 5);
    ck_assert_str_eq(q.params[1], "waiting");
    ck_assert_str_eq(q.params[2], "Snoozed");
    ck_assert_str_eq(q.params[3], "4");
    ck_assert_str_eq(q.params[4], "9");
    ck_assert_ptr_nonnull(strstr(q.page_sql, "cs.name <> $3::text"));
    ck_assert_ptr_nonnull(strstr(q.page_sql, "c.assigned_user_id IS NULL"));
    ck_assert_ptr_nonnull(strstr(q.page_sql, "LIMIT 25 OFFSET 25"));
    ck_assert_ptr_nonnull(strstr(q.count_sql, "s.assigned_user_id = 0"));
    ck_assert_ptr_nonnull(strstr(q.counts_sql, "FROM deskd_conversation_counts s"));
    ck_assert_ptr_null(strstr(q.counts_sql, "AND s.assigned_user_id = 0"));
    ck_assert_ptr_nonnull(strstr(q.counts_sql, "s.inbox_id = $4::int"));
    ck_assert_ptr_nonnull(strstr(q.counts_list_sql, q.page_sql));

    /* Tags and message text: not in the summary, counted over conversations. */
    memset(&rq.narrow, 0, sizeof(rq.narrow));
    rq.narrow.tag_names = "[\"vip\"]";
    rq.narrow.message_term = "50%_off";
    ck_assert_int_eq(cq_build(ar, &rq, &q, &msg), APP_OK);
    ck_assert_int_eq(q.count_from_summary, 0);
    ck_assert_str_eq(q.params[2], "%50\\%\\_off%");
    ck_assert_ptr_nonnull(
        strstr(q.counts_sql, "count(*) FILTER (WHERE c.assigned_user_id IS NULL)"));
    ck_assert_ptr_nonnull(strstr(q.counts_sql, "msg.text_content ILIKE $3::text"));

    /* Nothing narrowed: the statements of deskd's own lists are unchanged. */
    memset(&rq.narrow, 0, sizeof(rq.narrow));
    ck_assert_int_eq(cq_build(ar, &rq, &q, &msg), APP_OK);
    ck_assert_int_eq(q.nparams, 1);
    ck_assert_ptr_null(strstr(q.page_sql, "cs."));

    /* The unanswered list: its (status, inbox, assignee) rollup unless priority or team is named.
     */
    rq.list = CQ_VIEW;
    rq.unanswered = 1;
    rq.live_inboxes = 1;
    rq.scopes = ACCESS_ALL;
    rq.narrow.inbox_id = 4;
    rq.narrow.assignee = CQ_ASSIGNEE_ASSIGNED;
    ck_assert_int_eq(cq_build(ar, &rq, &q, &msg), APP_OK);
    ck_assert_int_eq(q.count_from_summary, 1);
    has(q.count_sql, "FROM deskd_unanswered_rollup s");
    has(q.count_sql, "s.inbox_id = $2::int");
    rq.narrow.team_id = 9;
    ck_assert_int_eq(cq_build(ar, &rq, &q, &msg), APP_OK);
    has(q.count_sql, "FROM deskd_unanswered_counts s");
    rq.narrow.team_id = 0;
    rq.filters = LEAF("priority_id", "equals", "\"2\"");
    ck_assert_int_eq(cq_build(ar, &rq, &q, &msg), APP_OK);
    has(q.count_sql, "FROM deskd_unanswered_counts s");
}
END_TEST

Suite *lists_suite(void)
{
    return SUITE_OF("lists", 10, setup, teardown, test_scopes_and_defaults, test_view_scopes,
                    test_every_operator, test_tags, test_nul_in_a_key, test_groups, test_limits,
                    test_bad_input_and_injection, test_order_and_pages, test_narrow_and_counts);
}
