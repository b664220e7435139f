/*
 * it_sla.c - the SLA policy list over HTTP: what a policy row reads as (the
 * durations as stored), most recently changed first, for any agent; 401
 * without credentials.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

START_TEST(test_sla_list)
{
    char sql[512], older[64], newer[64];
    long pid = (long)getpid();
    snprintf(older, sizeof(older), "it-sla-old-%ld", pid);
    snprintf(newer, sizeof(newer), "it-sla-new-%ld", pid);
    snprintf(sql, sizeof(sql),
             "INSERT INTO sla_policies (name, description, first_response_time, resolution_time,"
             " next_response_time, notifications, updated_at) VALUES"
             " ('%s', NULL, '4h', '2d', NULL, '[]', now() - interval '1 day'),"
             " ('%s', 'Gold customers', '30m', '8h', '1h',"
             "  '[{\"type\": \"warning\", \"time_delay\": \"10m\"}]', now())",
             older, newer);
    sql_exec(sql);

    /* Any agent reads the list, the newest change first, every key as upstream names it. */
    struct http_res r = http_get("/api/v1/sla", tok(it_agent_key));
    json_object *root, *d = json_data(&r, &root);
    ck_assert(json_object_is_type(d, json_type_array));
    int at_new = -1, at_old = -1;
    for (size_t i = 0; i < json_object_array_length(d); i++) {
        json_object *p = json_object_array_get_idx(d, i);
        if (strcmp(json_str(p, "name"), newer) == 0)
            at_new = (int)i;
        if (strcmp(json_str(p, "name"), older) == 0)
            at_old = (int)i;
    }
    ck_assert_int_ge(at_new, 0);
    ck_assert_int_gt(at_old, at_new);
    static const char *const keys[] = {
        "id",           "created_at",          "updated_at",      "name",
        "description",  "first_response_time", "resolution_time", "next_response_time",
        "notifications"};
    json_object *p = json_object_array_get_idx(d, (size_t)at_new);
    size_t k = 0;
    json_object_object_foreach(p, key, val)
    {
        (void)val;
        ck_assert_uint_lt(k, 9);
        ck_assert_str_eq(key, keys[k++]);
    }
    ck_assert_uint_eq(k, 9);
    ck_assert_str_eq(json_str(p, "description"), "Gold customers");
    ck_assert_str_eq(json_str(p, "first_response_time"), "30m");
    ck_assert_str_eq(json_str(p, "resolution_time"), "8h");
    ck_assert_str_eq(json_str(p, "next_response_time"), "1h");
    json_object *n = json_object_object_get(p, "notifications");
    ck_assert_uint_eq(json_object_array_length(n), 1);
    ck_assert_str_eq(json_str(json_object_array_get_idx(n, 0), "time_delay"), "10m");
    p = json_object_array_get_idx(d, (size_t)at_old);
    ck_assert_str_eq(json_str(p, "description"), ""); /* NULL reads as "" */
    ck_assert_str_eq(json_str(p, "next_response_time"), "");
    json_object_put(root);
    http_res_free(&r);

    expect_error("/api/v1/sla", NULL, 401, "Invalid or expired session", "GeneralException");
    snprintf(sql, sizeof(sql), "DELETE FROM sla_policies WHERE name IN ('%s', '%s')", older, newer);
    sql_exec(sql);
}
END_TEST

Suite *it_sla_suite(void)
{
    return SUITE_OF("sla", 30, NULL, NULL, test_sla_list);
}
