/*
 * it_automation.c - automation rules over HTTP: create, get, list by type,
 * update, toggle, weights, execution mode and delete with exact bodies and
 * the rows they leave; every refused write (400 naming the field, 403
 * without automations:manage, 404 for an unknown id) leaves the table as
 * it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

#define RULES                                                                                      \
    "[{\"group_operator\":\"AND\",\"groups\":[{\"logical_op\":\"OR\",\"rules\":"                   \
    "[{\"field\":\"subject\",\"field_type\":\"conversation\",\"operator\":\"contains\","           \
    "\"value\":\"refund\",\"case_sensitive_match\":false}]}],"                                     \
    "\"actions\":[{\"type\":\"set_priority\",\"value\":[\"1\"]}]}]"

/* The rule's JSON as the API answers it, built by the database from its row. */
static char *row_json(const char *id)
{
    return sql_valuef("SELECT json_build_object('id', id, 'created_at', created_at, 'updated_at',"
                      " updated_at, 'name', name, 'description', coalesce(description, ''),"
                      " 'type', type, 'events', to_json(events), 'enabled', enabled, 'weight',"
                      " weight, 'execution_mode', execution_mode, 'rules', rules)::text"
                      " FROM automation_rules WHERE id = %s",
                      id);
}

/* Asserts that the success body of r is exactly {"status":"success","data":<row of id>}. */
static void expect_row_body(struct http_res *r, const char *id)
{
    char *row = row_json(id);
    json_object *want = json_tokener_parse(row), *got = json_body(r);
    ck_assert_int_eq(r->status, 200);
    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(json_str(got, "status"), "success");
    ck_assert(json_object_equal(json_object_object_get(got, "data"), want));
    ck_assert_int_eq(json_object_object_length(got), 2);
    json_object_put(want);
    json_object_put(got);
    free(row);
}

static void expect_true(const char *method, const char *path, const char *body)
{
    struct http_res r = http_json(method, path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
}

START_TEST(test_automation_crud)
{
    long pid = (long)getpid();
    char name[64], body[2048], path[96], id[16], id2[16];
    snprintf(name, sizeof(name), "it-auto-%ld", pid);

    /* Create: the stored row, answered as it is. */
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"description\":\"d\",\"type\":\"new_conversation\","
             "\"events\":[],\"enabled\":true,\"rules\":" RULES "}",
             name);
    struct http_res r = http_json("POST", "/api/v1/automations/rules", it_admin_key, body);
    json_object *root, *d = json_data(&r, &root);
    snprintf(id, sizeof(id), "%s", json_str(d, "id"));
    ck_assert_str_eq(json_str(d, "name"), name);
    ck_assert_str_eq(json_str(d, "execution_mode"), "all");
    ck_assert_int_eq(json_object_get_boolean(json_object_object_get(d, "enabled")), 1);
    json_object_put(root);
    expect_row_body(&r, id);
    http_res_free(&r);
    expect_sqlf("new_conversation|d|{}|true|0|all|refund|set_priority",
                "SELECT type || '|' || description || '|' || events::text || '|' || enabled"
                " || '|' || weight || '|' || execution_mode || '|'"
                " || (rules->0->'groups'->0->'rules'->0->>'value') || '|'"
                " || (rules->0->'actions'->0->>'type') FROM automation_rules WHERE id = %s",
                id);

    /* An update rule with events. */
    snprintf(body, sizeof(body),
             "{\"name\":\"%s-u\",\"type\":\"conversation_update\","
             "\"events\":[\"conversation.status.change\"],\"rules\":" RULES "}",
             name);
    r = http_json("POST", "/api/v1/automations/rules", it_admin_key, body);
    d = json_data(&r, &root);
    snprintf(id2, sizeof(id2), "%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("{conversation.status.change}|",
                "SELECT events::text || '|' || coalesce(description, '') FROM automation_rules"
                " WHERE id = %s",
                id2);

    /* Get. */
    snprintf(path, sizeof(path), "/api/v1/automations/rules/%s", id);
    r = http_get(path, tok(it_admin_key));
    expect_row_body(&r, id);
    http_res_free(&r);

    /* List by type: exactly the rows of that type, by weight then id. */
    r = http_get("/api/v1/automations/rules?type=conversation_update", tok(it_admin_key));
    char *want = sql_valuef(
        "SELECT coalesce(json_agg(id ORDER BY weight, id), '[]')::text FROM automation_rules"
        " WHERE type = 'conversation_update'");
    d = json_data(&r, &root);
    json_object *ids = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(d); i++) {
        json_object *one = json_object_array_get_idx(d, i);
        ck_assert_str_eq(json_str(one, "type"), "conversation_update");
        json_object_array_add(ids, json_object_get(json_object_object_get(one, "id")));
    }
    json_object *want_ids = json_tokener_parse(want);
    ck_assert(json_object_equal(ids, want_ids));
    json_object_put(ids);
    json_object_put(want_ids);
    json_object_put(root);
    free(want);
    http_res_free(&r);
    r = http_get("/api/v1/automations/rules", tok(it_admin_key));
    d = json_data(&r, &root);
    char *count = sql_value("SELECT count(*) FROM automation_rules");
    ck_assert_int_eq((long)json_object_array_length(d), atol(count));
    free(count);
    json_object_put(root);
    http_res_free(&r);

    /* Update: every field replaced. */
    snprintf(body, sizeof(body),
             "{\"name\":\"%s-2\",\"description\":\"e\",\"type\":\"time_trigger\","
             "\"enabled\":false,\"rules\":" RULES "}",
             name);
    r = http_json("PUT", path, it_admin_key, body);
    expect_row_body(&r, id);
    http_res_free(&r);
    expect_sqlf("time_trigger|e|false",
                "SELECT type || '|' || description || '|' || enabled"
                " FROM automation_rules WHERE id = %s",
                id);

    /* Toggle flips enabled and answers the rule. */
    snprintf(path, sizeof(path), "/api/v1/automations/rules/%s/toggle", id);
    r = http_json("PUT", path, it_admin_key, NULL);
    expect_row_body(&r, id);
    http_res_free(&r);
    expect_sqlf("t", "SELECT enabled FROM automation_rules WHERE id = %s", id);
    /* A body (upstream's spec shows {enabled}) is read but the flag still flips. */
    r = http_json("PUT", path, it_admin_key, "{\"enabled\":true}");
    expect_row_body(&r, id);
    http_res_free(&r);
    expect_sqlf("f", "SELECT enabled FROM automation_rules WHERE id = %s", id);
    r = http_json("PUT", path, it_admin_key, NULL);
    http_res_free(&r);
    expect_sqlf("t", "SELECT enabled FROM automation_rules WHERE id = %s", id);

    /* Weights. */
    snprintf(body, sizeof(body), "{\"%s\":7,\"%s\":3}", id, id2);
    expect_true("PUT", "/api/v1/automations/rules/weights", body);
    expect_sqlf("7,3",
                "SELECT string_agg(weight::text, ',' ORDER BY id) FROM automation_rules"
                " WHERE id IN (%s, %s)",
                id, id2);
    /* One unknown id: nothing changes. */
    snprintf(body, sizeof(body), "{\"%s\":1,\"999999999\":2}", id);
    expect_json_error("PUT", "/api/v1/automations/rules/weights", it_admin_key, body, 404,
                      "Automation rule not found", "NotFoundException");
    expect_sqlf("7", "SELECT weight FROM automation_rules WHERE id = %s", id);
    expect_json_error("PUT", "/api/v1/automations/rules/weights", it_admin_key, "{\"x\":1}", 400,
                      "Weights must be keyed by rule `id`", "InputException");
    snprintf(body, sizeof(body), "{\"%s\":\"high\"}", id);
    expect_json_error("PUT", "/api/v1/automations/rules/weights", it_admin_key, body, 400,
                      "`weight` must be an integer", "InputException");

    /* Execution mode: the new_conversation rules only. */
    snprintf(path, sizeof(path), "/api/v1/automations/rules/%s", id);
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"type\":\"new_conversation\",\"rules\":" RULES "}", name);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_true("PUT", "/api/v1/automations/rules/execution-mode", "{\"mode\":\"first_match\"}");
    expect_sqlf("0", "SELECT count(*) FROM automation_rules WHERE type = 'new_conversation'"
                     " AND execution_mode <> 'first_match'");
    expect_sqlf("all", "SELECT execution_mode FROM automation_rules WHERE id = %s", id2);
    /* A new rule of that type takes its type's mode. */
    snprintf(body, sizeof(body),
             "{\"name\":\"%s-m\",\"type\":\"new_conversation\",\"rules\":" RULES "}", name);
    r = http_json("POST", "/api/v1/automations/rules", it_admin_key, body);
    d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "execution_mode"), "first_match");
    char id3[16];
    snprintf(id3, sizeof(id3), "%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);
    snprintf(path, sizeof(path), "/api/v1/automations/rules/%s", id3);
    expect_true("DELETE", path, NULL);
    snprintf(path, sizeof(path), "/api/v1/automations/rules/%s", id);
    expect_json_error("PUT", "/api/v1/automations/rules/execution-mode", it_admin_key,
                      "{\"mode\":\"auto\"}", 400, "`mode` must be all or first_match",
                      "InputException");
    expect_true("PUT", "/api/v1/automations/rules/execution-mode", "{\"mode\":\"all\"}");
    expect_sqlf("all", "SELECT execution_mode FROM automation_rules WHERE id = %s", id);

    /* Delete, then 404 everywhere. */
    expect_true("DELETE", path, NULL);
    expect_sqlf("0", "SELECT count(*) FROM automation_rules WHERE id = %s", id);
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "Automation rule not found",
                      "NotFoundException");
    expect_error(path, tok(it_admin_key), 404, "Automation rule not found", "NotFoundException");
    r = http_json("PUT", path, it_admin_key, body);
    assert_error(&r, 404, "Automation rule not found", "NotFoundException");
    http_res_free(&r);
    snprintf(path, sizeof(path), "/api/v1/automations/rules/%s/toggle", id);
    expect_json_error("PUT", path, it_admin_key, NULL, 404, "Automation rule not found",
                      "NotFoundException");
    snprintf(path, sizeof(path), "/api/v1/automations/rules/%s", id2);
    expect_true("DELETE", path, NULL);
}
END_TEST

/* A create with this body is refused with 400 and message, and writes no row. */
static void refused(const char *body, const char *message)
{
    char *before = sql_value("SELECT count(*) FROM automation_rules");
    expect_json_error("POST", "/api/v1/automations/rules", it_admin_key, body, 400, message,
                      "InputException");
    expect_sqlf(before, "SELECT count(*) FROM automation_rules");
    free(before);
}

#define RULE_WITH(GROUP_OP, LOGIC, FIELD, OP, ACTION)                                              \
    "[{\"group_operator\":\"" GROUP_OP "\",\"groups\":[{\"logical_op\":\"" LOGIC "\","             \
    "\"rules\":[{\"field\":\"" FIELD "\",\"operator\":\"" OP "\",\"value\":\"x\"}]}],"             \
    "\"actions\":[{\"type\":\"" ACTION "\",\"value\":[\"1\"]}]}]"

START_TEST(test_automation_refusals)
{
    refused("{\"type\":\"new_conversation\",\"rules\":" RULES "}", "`name` is required");
    refused("{\"name\":\"n\",\"type\":\"sometimes\",\"rules\":" RULES "}",
            "`type` must be new_conversation, conversation_update or time_trigger");
    refused("{\"name\":\"n\",\"type\":\"new_conversation\"}",
            "`rules` must be a list of 1 to 20 rules");
    refused("{\"name\":\"n\",\"type\":\"new_conversation\",\"rules\":{}}",
            "`rules` must be a list of 1 to 20 rules");
    refused("{\"name\":\"n\",\"type\":\"new_conversation\",\"rules\":" RULE_WITH(
                "XOR", "AND", "subject", "contains", "set_status") "}",
            "`rules.group_operator` must be AND or OR");
    refused("{\"name\":\"n\",\"type\":\"new_conversation\",\"rules\":" RULE_WITH(
                "AND", "NAND", "subject", "contains", "set_status") "}",
            "`rules.groups.logical_op` must be AND or OR");
    refused("{\"name\":\"n\",\"type\":\"new_conversation\",\"rules\":" RULE_WITH(
                "AND", "AND", "mood", "contains", "set_status") "}",
            "Unknown condition `field`");
    refused("{\"name\":\"n\",\"type\":\"new_conversation\",\"rules\":" RULE_WITH(
                "AND", "AND", "subject", "resembles", "set_status") "}",
            "Unknown condition `operator`");
    refused("{\"name\":\"n\",\"type\":\"new_conversation\",\"rules\":" RULE_WITH(
                "AND", "AND", "subject", "contains", "launch_rocket") "}",
            "Unknown action `type`");
    refused("{\"name\":\"n\",\"type\":\"new_conversation\",\"rules\":[{\"group_operator\":"
            "\"AND\",\"groups\":[],\"actions\":[]}]}",
            "`rules.actions` must be a list of 1 to 20");
    refused("{\"name\":\"n\",\"type\":\"conversation_update\",\"rules\":" RULES "}",
            "`events` is required for conversation_update");
    refused("{\"name\":\"n\",\"type\":\"conversation_update\",\"events\":[\"conversation.x\"],"
            "\"rules\":" RULES "}",
            "Unknown event in `events`");
    refused("{\"name\":\"n\",\"type\":\"new_conversation\",\"enabled\":\"yes\",\"rules\":" RULES
            "}",
            "`enabled` must be true or false");
    refused("not json", "Error parsing request");

    /* A refused update changes nothing. */
    struct http_res r =
        http_json("POST", "/api/v1/automations/rules", it_admin_key,
                  "{\"name\":\"it-auto-keep\",\"type\":\"new_conversation\",\"rules\":" RULES "}");
    json_object *root, *d = json_data(&r, &root);
    char id[16], path[96];
    snprintf(id, sizeof(id), "%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);
    snprintf(path, sizeof(path), "/api/v1/automations/rules/%s", id);
    expect_json_error("PUT", path, it_admin_key,
                      "{\"name\":\"changed\",\"type\":\"new_conversation\",\"rules\":" RULE_WITH(
                          "AND", "AND", "mood", "contains", "set_status") "}",
                      400, "Unknown condition `field`", "InputException");
    expect_sqlf("it-auto-keep", "SELECT name FROM automation_rules WHERE id = %s", id);
    expect_json_error("GET", "/api/v1/automations/rules/abc", it_admin_key, NULL, 400,
                      "Invalid rule `id`", "InputException");
    expect_json_error("GET", "/api/v1/automations/rules?type=weekly", it_admin_key, NULL, 400,
                      "`type` must be new_conversation, conversation_update or time_trigger",
                      "InputException");

    /* Without automations:manage: 403 on every route, nothing written. */
    expect_json_error("GET", "/api/v1/automations/rules", it_agent_key, NULL, 403,
                      "Permission denied", "PermissionException");
    expect_json_error("GET", path, it_agent_key, NULL, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("POST", "/api/v1/automations/rules", it_agent_key,
                      "{\"name\":\"x\",\"type\":\"new_conversation\",\"rules\":" RULES "}", 403,
                      "Permission denied", "PermissionException");
    expect_json_error("DELETE", path, it_agent_key, NULL, 403, "Permission denied",
                      "PermissionException");
    snprintf(path, sizeof(path), "/api/v1/automations/rules/%s/toggle", id);
    expect_json_error("PUT", path, it_agent_key, NULL, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("PUT", "/api/v1/automations/rules/execution-mode", it_agent_key,
                      "{\"mode\":\"all\"}", 403, "Permission denied", "PermissionException");
    expect_json_error("PUT", "/api/v1/automations/rules/weights", it_agent_key, "{}", 403,
                      "Permission denied", "PermissionException");
    expect_sqlf("true|it-auto-keep",
                "SELECT enabled || '|' || name FROM automation_rules"
                " WHERE id = %s",
                id);
    sql_exec("DELETE FROM automation_rules WHERE name = 'it-auto-keep'");
}
END_TEST

Suite *it_automation_suite(void)
{
    return SUITE_OF("automation", 60, NULL, NULL, test_automation_crud, test_automation_refusals);
}
