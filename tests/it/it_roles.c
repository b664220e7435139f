/*
 * it_roles.c - roles over HTTP: create, read, update and delete with exact
 * bodies and rows, the permission names a role may hold, the fixed Admin
 * role and the undeletable Agent role, the wall for agents without
 * roles:manage, and a permission change reaching every holder's next
 * request (API key and session) in every worker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

/* Requests enough to reach every worker of the test stack. */
#define EVERY_WORKER 12

/* The JSON text j written back plainly: keys keep their order, spacing goes. */
static void plain(const char *j, char *out, size_t len)
{
    json_object *o = json_tokener_parse(j);
    ck_assert_msg(o != NULL, "not JSON: %s", j);
    snprintf(out, len, "%s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
}

/* o's value at key written plainly (static buffer). */
static const char *plain_at(json_object *o, const char *key)
{
    static char buf[4096];
    json_object *v;
    ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s", key);
    snprintf(buf, sizeof(buf), "%s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    return buf;
}

/*
 * Asserts r is 200 with exactly (these keys in this order, nothing else)
 * {"status":"success","data":{"id":…,"created_at":…,"updated_at":…,"name":name,
 * "description":desc,"permissions":perms}}; the id into id.
 */
static void expect_role(const struct http_res *r, const char *name, const char *desc,
                        const char *perms, char *id, size_t ilen)
{
    ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
    json_object *root, *d = json_data(r, &root);
    char want[2048], got[2048], exact[2048];
    snprintf(id, ilen, "%s", json_str(d, "id"));
    ck_assert_uint_gt(strlen(json_str(d, "created_at")), 19);
    ck_assert_uint_gt(strlen(json_str(d, "updated_at")), 19);
    snprintf(want, sizeof(want),
             "{\"status\":\"success\",\"data\":{\"id\":%s,\"created_at\":\"%s\",\"updated_at\":"
             "\"%s\",\"name\":\"%s\",\"description\":\"%s\",\"permissions\":%s}}",
             id, json_str(d, "created_at"), json_str(d, "updated_at"), name, desc, perms);
    json_object_put(root);
    plain(want, exact, sizeof(exact));
    plain(r->body, got, sizeof(got));
    ck_assert_str_eq(got, exact);
}

/* name/description/permissions of the role's row, "" if there is none (caller frees). */
static char *role_row(const char *id)
{
    char *v = sql_valuef("SELECT coalesce((SELECT name || '/' || coalesce(description, '-') || '/'"
                         " || array_to_string(permissions, ',') FROM roles WHERE id = %s), '')",
                         id);
    ck_assert_ptr_nonnull(v);
    return v;
}

/* POST /api/v1/roles with body by the admin, asserted 200; the new role's id into id. */
static void create_role(const char *body, char *id, size_t ilen)
{
    json_object *root;
    struct http_res r = http_json("POST", "/api/v1/roles", it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    snprintf(id, ilen, "%s", json_str(json_data(&r, &root), "id"));
    json_object_put(root);
    http_res_free(&r);
}

START_TEST(test_role_writes)
{
    long pid = (long)getpid() % 100000;
    char name[64], renamed[64], body[1024], path[64], id[16], id2[16], want[256];
    snprintf(name, sizeof(name), "Triage %ld", pid);
    snprintf(renamed, sizeof(renamed), "Triage B %ld", pid);

    /* Create: duplicates collapse, the order first given is kept, unknown fields ignored. */
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"description\":\"Sorts the queue\",\"permissions\":"
             "[\"status:manage\",\"messages:read\",\"status:manage\"],\"extra\":1}",
             name);
    struct http_res r = http_json("POST", "/api/v1/roles", it_admin_key, body);
    expect_role(&r, name, "Sorts the queue", "[\"status:manage\",\"messages:read\"]", id,
                sizeof(id));
    char created[4096];
    snprintf(created, sizeof(created), "%s", r.body);
    http_res_free(&r);
    char *v = role_row(id);
    snprintf(want, sizeof(want), "%s/Sorts the queue/status:manage,messages:read", name);
    ck_assert_str_eq(v, want);
    free(v);
    expect_sqlf("t", "SELECT created_at = updated_at FROM roles WHERE id = %s", id);

    /* One role reads as it was created; the list holds the same object. */
    snprintf(path, sizeof(path), "/api/v1/roles/%s", id);
    r = http_get(path, tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, created);
    http_res_free(&r);
    r = http_get("/api/v1/roles", tok(it_agent_key));
    json_object *root, *d = json_data(&r, &root), *one = json_tokener_parse(created);
    json_object *listed = NULL;
    for (size_t i = 0; i < json_object_array_length(d); i++)
        if (strcmp(json_str(json_object_array_get_idx(d, i), "id"), id) == 0)
            listed = json_object_array_get_idx(d, i);
    ck_assert_ptr_nonnull(listed);
    char a[2048];
    snprintf(a, sizeof(a), "%s", json_object_to_json_string_ext(listed, JSON_C_TO_STRING_PLAIN));
    ck_assert_str_eq(a, plain_at(one, "data"));
    json_object_put(one);
    json_object_put(root);
    http_res_free(&r);

    /* Refusals write nothing. */
    char *before = sql_valuef("SELECT count(*) FROM roles");
    expect_json_error("POST", "/api/v1/roles", it_admin_key, body, 409, "Role already exists",
                      "ConflictException");
    expect_json_error("POST", "/api/v1/roles", it_admin_key,
                      "{\"name\":\"Bad perm\",\"permissions\":[\"messages:read\",\"foo:bar\"]}",
                      400, "Invalid permission foo:bar", "InputException");
    expect_json_error("POST", "/api/v1/roles", it_admin_key,
                      "{\"name\":\"Newer one\",\"permissions\":[\"messages:write_private\"]}", 400,
                      "Invalid permission messages:write_private", "InputException");
    expect_json_error("POST", "/api/v1/roles", it_admin_key,
                      "{\"name\":\"No perms\",\"permissions\":[]}", 400, "No permissions provided",
                      "InputException");
    expect_json_error("POST", "/api/v1/roles", it_admin_key, "{\"name\":\"No perms\"}", 400,
                      "`permissions` is required: an array of permission names", "InputException");
    expect_json_error("POST", "/api/v1/roles", it_admin_key,
                      "{\"name\":\"No perms\",\"permissions\":\"status:manage\"}", 400,
                      "`permissions` is required: an array of permission names", "InputException");
    expect_json_error("POST", "/api/v1/roles", it_admin_key,
                      "{\"name\":\"Odd perms\",\"permissions\":[\"status:manage\",7]}", 400,
                      "`permissions` must be an array of permission names", "InputException");
    expect_json_error("POST", "/api/v1/roles", it_admin_key,
                      "{\"permissions\":[\"status:manage\"]}", 400, "`name` is required",
                      "InputException");
    expect_json_error("POST", "/api/v1/roles", it_admin_key,
                      "{\"name\":\"\",\"permissions\":[\"status:manage\"]}", 400,
                      "`name` is required", "InputException");
    expect_json_error("POST", "/api/v1/roles", it_admin_key,
                      "{\"name\":\"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxy\","
                      "\"permissions\":[\"status:manage\"]}",
                      400, "Role name is too long, should be at most 50 characters",
                      "InputException");
    char longdesc[320];
    memset(longdesc, 'd', 301);
    longdesc[301] = '\0';
    snprintf(body, sizeof(body),
             "{\"name\":\"Wordy\",\"description\":\"%s\",\"permissions\":[\"status:manage\"]}",
             longdesc);
    expect_json_error("POST", "/api/v1/roles", it_admin_key, body, 400,
                      "Role description is too long, should be at most 300 characters",
                      "InputException");
    expect_json_error("POST", "/api/v1/roles", it_admin_key,
                      "{\"name\":\"Typed\",\"description\":5,\"permissions\":[\"status:manage\"]}",
                      400, "`description` must be a string", "InputException");
    expect_json_error("POST", "/api/v1/roles", it_admin_key, "{\"name\":", 400,
                      "Error parsing request", "InputException");
    v = sql_valuef("SELECT count(*) FROM roles");
    ck_assert_str_eq(v, before);
    free(v);
    free(before);

    /* Fifty characters are fine as a hundred bytes; a null description is "". */
    char wide[128];
    for (int i = 0; i < 50; i++)
        memcpy(wide + 2 * i, "\xc3\xa9", 2);
    wide[100] = '\0';
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"description\":null,\"permissions\":[\"tags:manage\"]}", wide);
    r = http_json("POST", "/api/v1/roles", it_admin_key, body);
    expect_role(&r, wide, "", "[\"tags:manage\"]", id2, sizeof(id2));
    http_res_free(&r);

    /* Update replaces every field and moves updated_at. */
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"permissions\":[\"contacts:read\",\"contacts:write\","
             "\"contacts:read\"]}",
             renamed);
    r = http_json("PUT", path, it_admin_key, body);
    char same[16];
    expect_role(&r, renamed, "", "[\"contacts:read\",\"contacts:write\"]", same, sizeof(same));
    ck_assert_str_eq(same, id);
    http_res_free(&r);
    v = role_row(id);
    snprintf(want, sizeof(want), "%s//contacts:read,contacts:write", renamed);
    ck_assert_str_eq(v, want);
    free(v);
    expect_sqlf("t", "SELECT updated_at > created_at FROM roles WHERE id = %s", id);

    /* Update refusals leave the row as it is. */
    expect_json_error("PUT", path, it_admin_key,
                      "{\"name\":\"Agent\",\"permissions\":[\"status:manage\"]}", 409,
                      "Role already exists", "ConflictException");
    expect_json_error("PUT", path, it_admin_key,
                      "{\"name\":\"Fine\",\"permissions\":[\"contacts:read\",\"nope\"]}", 400,
                      "Invalid permission nope", "InputException");
    expect_json_error("PUT", path, it_admin_key, "{\"name\":\"Fine\",\"permissions\":[]}", 400,
                      "No permissions provided", "InputException");
    v = role_row(id);
    ck_assert_str_eq(v, want);
    free(v);

    /* Unknown and malformed ids. */
    expect_json_error("GET", "/api/v1/roles/99999999", it_admin_key, NULL, 404, "Role not found",
                      "NotFoundException");
    expect_json_error("PUT", "/api/v1/roles/99999999", it_admin_key,
                      "{\"name\":\"X\",\"permissions\":[\"status:manage\"]}", 404, "Role not found",
                      "NotFoundException");
    expect_json_error("DELETE", "/api/v1/roles/99999999", it_admin_key, NULL, 404, "Role not found",
                      "NotFoundException");
    expect_json_error("GET", "/api/v1/roles/abc", it_admin_key, NULL, 400, "Invalid role `id`",
                      "InputException");
    expect_json_error("DELETE", "/api/v1/roles/0", it_admin_key, NULL, 400, "Invalid role `id`",
                      "InputException");

    /* Delete: the holders' links go with the role; the holder stays. */
    char email[96], uid[16];
    snprintf(email, sizeof(email), "role-holder-%ld@example.com", pid);
    it_make_agent(email, "Holder", renamed, NULL, uid, sizeof(uid), NULL, 0);
    expect_sqlf("1", "SELECT count(*) FROM user_roles WHERE role_id = %s", id);
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    v = role_row(id);
    ck_assert_str_eq(v, "");
    free(v);
    expect_sqlf("0", "SELECT count(*) FROM user_roles WHERE role_id = %s OR user_id = %s", id, uid);
    expect_sqlf("1", "SELECT count(*) FROM users WHERE id = %s AND deleted_at IS NULL", uid);
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "Role not found",
                      "NotFoundException");
    snprintf(path, sizeof(path), "/api/v1/roles/%s", id2);
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
}
END_TEST

START_TEST(test_builtin_roles)
{
    char path[64], body[4096];
    char *admin = sql_valuef("SELECT id FROM roles WHERE name = 'Admin'");
    char *agent = sql_valuef("SELECT id FROM roles WHERE name = 'Agent'");
    ck_assert_ptr_nonnull(admin);
    ck_assert_ptr_nonnull(agent);
    char *admin_row = role_row(admin), *agent_row = role_row(agent);

    /* Admin: never changed, never deleted, whatever is sent. */
    snprintf(path, sizeof(path), "/api/v1/roles/%s", admin);
    expect_json_error("PUT", path, it_admin_key,
                      "{\"name\":\"Admin\",\"permissions\":[\"status:manage\"]}", 400,
                      "Cannot modify admin role, Please create a new role.", "InputException");
    expect_json_error("PUT", path, it_admin_key,
                      "{\"name\":\"Boss\",\"permissions\":[\"status:manage\"]}", 400,
                      "Cannot modify admin role, Please create a new role.", "InputException");
    expect_json_error("DELETE", path, it_admin_key, NULL, 400,
                      "Cannot modify admin role, Please create a new role.", "InputException");
    char *v = role_row(admin);
    ck_assert_str_eq(v, admin_row);
    free(v);
    /* Every known permission but messages:write_as_contact, as upstream seeds it. */
    expect_sqlf("43", "SELECT cardinality(permissions) FROM roles WHERE id = %s", admin);

    /* Agent: description and permissions may change; never renamed or deleted. */
    snprintf(path, sizeof(path), "/api/v1/roles/%s", agent);
    expect_json_error("DELETE", path, it_admin_key, NULL, 400, "Cannot delete the Agent role",
                      "InputException");
    expect_json_error("PUT", path, it_admin_key,
                      "{\"name\":\"Helper\",\"permissions\":[\"status:manage\"]}", 400,
                      "Cannot rename the Agent role", "InputException");
    v = role_row(agent);
    ck_assert_str_eq(v, agent_row);
    free(v);
    /* Sent back as it reads (what the web client's save does): accepted, nothing changes. */
    struct http_res r = http_get(path, tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    json_object *root, *d = json_data(&r, &root);
    snprintf(body, sizeof(body), "%s", json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    http_res_free(&r);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    v = role_row(agent);
    ck_assert_str_eq(v, agent_row);
    free(v);

    free(admin_row);
    free(agent_row);
    free(admin);
    free(agent);
}
END_TEST

START_TEST(test_agent_forbidden)
{
    char path[64];
    char *agent = sql_valuef("SELECT id FROM roles WHERE name = 'Agent'");
    ck_assert_ptr_nonnull(agent);
    char *row = role_row(agent), *count = sql_valuef("SELECT count(*) FROM roles");
    static const char body[] = "{\"name\":\"By an agent\",\"permissions\":[\"roles:manage\"]}";

    snprintf(path, sizeof(path), "/api/v1/roles/%s", agent);
    const struct {
        const char *method, *path, *body;
    } calls[] = {{"GET", path, NULL},
                 {"POST", "/api/v1/roles", body},
                 {"PUT", path, body},
                 {"DELETE", path, NULL}};
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
        expect_json_error(calls[i].method, calls[i].path, it_agent_key, calls[i].body, 403,
                          "Permission denied", "PermissionException");
    expect_sqlf(count, "SELECT count(*) FROM roles");
    char *v = role_row(agent);
    ck_assert_str_eq(v, row);
    free(v);
    /* The list is for every agent. */
    struct http_res r = http_get("/api/v1/roles", tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    free(row);
    free(count);
    free(agent);
}
END_TEST

/*
 * Whether auth (a whole Authorization value) may manage statuses, asked of
 * every worker: PUT of an unknown status is 404 past the permission check,
 * 403 before it.
 */
static void may_manage_statuses(const char *auth, int want)
{
    static const char body[] = "{\"name\":\"Nobody\",\"category\":\"open\"}";
    for (int i = 0; i < EVERY_WORKER; i++) {
        struct http_res r = http_do("PUT", "/api/v1/statuses/99999999", auth, body,
                                    sizeof(body) - 1, "Content-Type: application/json");
        ck_assert_msg(r.status == (want ? 404 : 403), "%.20s: %ld %s", auth, r.status, r.body);
        http_res_free(&r);
    }
}

/* PUT /api/v1/roles/{id} {name, permissions (a JSON array)} by the admin, asserted 200. */
static void set_permissions(const char *id, const char *name, const char *perms)
{
    char path[64], body[512];
    snprintf(path, sizeof(path), "/api/v1/roles/%s", id);
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"permissions\":%s}", name, perms);
    struct http_res r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
}

/* GET /api/v1/agents/me with the key: its roles and permissions (JSON arrays) as given. */
static void me_has(const char *key, const char *roles, const char *perms)
{
    json_object *root;
    struct http_res r = http_json("GET", "/api/v1/agents/me", key, NULL);
    json_object *d = json_data(&r, &root);
    ck_assert_str_eq(plain_at(d, "roles"), roles);
    ck_assert_str_eq(plain_at(d, "permissions"), perms);
    json_object_put(root);
    http_res_free(&r);
}

START_TEST(test_permission_change_applies)
{
    long pid = (long)getpid() % 100000;
    char name[64], body[256], id[16], email[96], key[256], session[2048], bearer[2100];
    char status[64], path[64], token[300], roles[96];
    snprintf(name, sizeof(name), "Status keepers %ld", pid);
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"permissions\":[\"conversations:read\"]}",
             name);
    create_role(body, id, sizeof(id));

    /* Its holder, by API key and by session. */
    snprintf(email, sizeof(email), "keeper-%ld@example.com", pid);
    it_make_agent(email, "Keeper", name, "Keep-Passw0rd!", NULL, 0, key, sizeof(key));
    ck_assert_int_eq(it_login(email, "Keep-Passw0rd!", session, sizeof(session), NULL, 0), 200);
    snprintf(bearer, sizeof(bearer), "Bearer %s", session);
    snprintf(token, sizeof(token), "token %s", key);
    const char *auths[] = {token, bearer};
    snprintf(roles, sizeof(roles), "[\"%s\"]", name);

    for (int a = 0; a < 2; a++)
        may_manage_statuses(auths[a], 0);

    /* Gained: the next request of either credential, in every worker, may. */
    set_permissions(id, name, "[\"conversations:read\",\"status:manage\"]");
    for (int a = 0; a < 2; a++)
        may_manage_statuses(auths[a], 1);
    snprintf(status, sizeof(status), "Kept %ld", pid);
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"category\":\"open\"}", status);
    json_object *root;
    struct http_res r = http_json("POST", "/api/v1/statuses", key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    snprintf(path, sizeof(path), "/api/v1/statuses/%s", json_str(json_data(&r, &root), "id"));
    json_object_put(root);
    http_res_free(&r);
    me_has(key, roles, "[\"conversations:read\",\"status:manage\"]");

    /* Lost again: refused at once. */
    set_permissions(id, name, "[\"conversations:read\"]");
    for (int a = 0; a < 2; a++)
        may_manage_statuses(auths[a], 0);
    expect_json_error("DELETE", path, key, NULL, 403, "Permission denied", "PermissionException");
    me_has(key, roles, "[\"conversations:read\"]");

    /* Gained, then the role deleted: refused at once; the agent still signs in. */
    set_permissions(id, name, "[\"status:manage\"]");
    may_manage_statuses(auths[0], 1);
    char role_path[64];
    snprintf(role_path, sizeof(role_path), "/api/v1/roles/%s", id);
    r = http_json("DELETE", role_path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    for (int a = 0; a < 2; a++)
        may_manage_statuses(auths[a], 0);
    me_has(key, "[]", "[]");

    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
}
END_TEST

Suite *it_roles_suite(void)
{
    return SUITE_OF("roles", 120, NULL, NULL, test_role_writes, test_builtin_roles,
                    test_agent_forbidden, test_permission_change_applies);
}
