/*
 * it_contacts.c - contacts and contact notes over HTTP, with database
 * checks: the list's filters, order and pages, one contact, blocking,
 * updates as JSON and as a form, and who may delete which note.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

static struct http_res send_as(const char *method, const char *path, const char *key,
                               const char *body, const char *ctype)
{
    char h[128];
    snprintf(h, sizeof(h), "Content-Type: %s", ctype);
    return http_do(method, path, tok(key), body, body ? strlen(body) : 0, h);
}

START_TEST(test_contacts)
{
    long pid = (long)getpid();
    char ids[3][16], path[256], body[512];
    for (int i = 0; i < 3; i++) {
        char *v = sql_valuef(
            "INSERT INTO users (type, first_name, email, created_at) VALUES ('contact',"
            " 'Ct%d', 'ct-%ld-%c@example.org', now() - interval '%d hours') RETURNING id",
            i, pid, 'a' + i, i);
        snprintf(ids[i], sizeof(ids[i]), "%s", v);
        free(v);
    }
    /* Filtered to these three, by e-mail ascending, two a page. */
    snprintf(path, sizeof(path),
             "/api/v1/contacts?filters=%%5B%%7B%%22model%%22%%3A%%22users%%22%%2C%%22field%%22%%3A"
             "%%22email%%22%%2C%%22operator%%22%%3A%%22contains%%22%%2C%%22value%%22%%3A%%22ct-%ld-"
             "%%22%%7D%%5D&order_by=users.email&order=asc&page_size=2",
             pid);
    struct http_res r = http_get(path, tok(it_admin_key));
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *root = json_body(&r), *d = json_object_object_get(root, "data");
    json_object *res = json_object_object_get(d, "results");
    ck_assert_int_eq(json_object_get_int(json_object_object_get(d, "total")), 3);
    ck_assert_int_eq(json_object_get_int(json_object_object_get(d, "total_pages")), 2);
    ck_assert_int_eq((int)json_object_array_length(res), 2);
    json_object *first = json_object_array_get_idx(res, 0);
    ck_assert_str_eq(json_str(first, "id"), ids[0]);
    ck_assert_str_eq(json_str(json_object_array_get_idx(res, 1), "id"), ids[1]);
    ck_assert_int_eq(json_object_object_length(first), 9);
    ck_assert_str_eq(json_str(first, "type"), "contact");
    json_object_put(root);
    http_res_free(&r);
    /* Default order: newest first. */
    char *p2 = strstr(path, "&order_by");
    snprintf(p2, sizeof(path) - (size_t)(p2 - path), "&page_size=1");
    r = http_get(path, tok(it_admin_key));
    root = json_body(&r);
    res = json_object_object_get(json_object_object_get(root, "data"), "results");
    ck_assert_str_eq(json_str(json_object_array_get_idx(res, 0), "id"), ids[0]);
    json_object_put(root);
    http_res_free(&r);

    expect_json_error("GET", "/api/v1/contacts?order_by=users.first_name", it_admin_key, NULL, 400,
                      "Invalid `order_by`: `users.first_name` is not a sortable field",
                      "InputException");
    expect_json_error("GET", "/api/v1/contacts", it_agent_key, NULL, 403, "Permission denied",
                      "PermissionException");

    /* One contact; agents are not contacts. */
    char email[96];
    snprintf(email, sizeof(email), "ct-%ld-b@example.org", pid);
    snprintf(path, sizeof(path), "/api/v1/contacts/%s", ids[1]);
    r = http_get(path, tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    root = json_body(&r);
    d = json_object_object_get(root, "data");
    ck_assert_str_eq(json_str(d, "email"), email);
    ck_assert_str_eq(json_str(d, "type"), "contact");
    ck_assert_ptr_null(strstr(r.body, "password"));
    json_object_put(root);
    http_res_free(&r);
    expect_json_error("GET", "/api/v1/contacts/99999999", it_admin_key, NULL, 404, "User not found",
                      "NotFoundException");
    char *agent = sql_valuef("SELECT id FROM users WHERE email = '%s'", it_agent_email);
    char apath[64];
    snprintf(apath, sizeof(apath), "/api/v1/contacts/%s", agent);
    free(agent);
    expect_json_error("GET", apath, it_admin_key, NULL, 404, "User not found", "NotFoundException");
    expect_json_error("GET", "/api/v1/contacts/0", it_admin_key, NULL, 400, "Invalid contact `id`",
                      "InputException");

    /* Block and unblock. */
    char bpath[64];
    snprintf(bpath, sizeof(bpath), "/api/v1/contacts/%s/block", ids[1]);
    r = http_json("PUT", bpath, it_admin_key, "{\"enabled\":false}");
    ck_assert_int_eq(r.status, 200);
    root = json_body(&r);
    ck_assert(!json_object_get_boolean(
        json_object_object_get(json_object_object_get(root, "data"), "enabled")));
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("false", "SELECT enabled::text FROM users WHERE id = %s", ids[1]);
    expect_json_error("PUT", bpath, it_admin_key, "{\"enabled\":\"no\"}", 400,
                      "`enabled` must be true or false", "InputException");
    r = http_json("PUT", bpath, it_admin_key, "{\"enabled\":true}");
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("true", "SELECT enabled::text FROM users WHERE id = %s", ids[1]);

    /* Update as JSON: e-mail normalised; a clash is a conflict and changes nothing. */
    snprintf(body, sizeof(body),
             "{\"first_name\":\"New\",\"email\":\" NEW-%ld@Example.org\",\"phone_number\":"
             "\"12345\",\"country\":\"DE\"}",
             pid);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    char want[160];
    snprintf(want, sizeof(want), "New/new-%ld@example.org/12345/DE", pid);
    expect_sqlf(want,
                "SELECT first_name || '/' || email || '/' || phone_number || '/' || country"
                " FROM users WHERE id = %s",
                ids[1]);
    snprintf(body, sizeof(body), "{\"first_name\":\"X\",\"email\":\"ct-%ld-a@example.org\"}", pid);
    expect_json_error("PUT", path, it_admin_key, body, 409,
                      "Another contact with same email already exists", "ConflictException");
    expect_json_error("PUT", path, it_admin_key, "{\"email\":\"x@example.org\"}", 400,
                      "`first_name` is required", "InputException");
    expect_json_error("PUT", path, it_admin_key, "{\"first_name\":\"X\",\"email\":\"nope\"}", 400,
                      "Invalid `email`", "InputException");
    expect_sqlf(want,
                "SELECT first_name || '/' || email || '/' || phone_number || '/' || country"
                " FROM users WHERE id = %s",
                ids[1]);

    /* As an urlencoded form; the literal "null" clears a field, as upstream reads forms. */
    snprintf(body, sizeof(body), "first_name=Form&email=form-%ld%%40example.org&phone_number=null",
             pid);
    r = send_as("PUT", path, it_admin_key, body, "application/x-www-form-urlencoded");
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    snprintf(want, sizeof(want), "Form/form-%ld@example.org/-", pid);
    expect_sqlf(want,
                "SELECT first_name || '/' || email || '/' || coalesce(phone_number, '-')"
                " FROM users WHERE id = %s",
                ids[1]);

    /* As multipart, as upstream's clients send it, with an avatar image; a non-image is refused. */
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0, 0, 13,
                                        'I',  'H', 'D', 'R', 0,    0,    0,    4,    0,    0, 0, 4,
                                        8,    2,   0,   0,   0,    0x26, 0x93, 0x09, 0x29, 0, 0, 0,
                                        0,    'I', 'E', 'N', 'D',  0xae, 0x42, 0x60, 0x82};
    static char mp[4096];
    char uploads[512], moved[600];
    snprintf(uploads, sizeof(uploads), "%s/uploads", getenv("DESKD_VAR"));
    snprintf(moved, sizeof(moved), "%s.moved", uploads);
    char *media_before = sql_valuef("SELECT count(*) FROM media");
    /* Round 0 stores an avatar, 1 sends a non-image, 2 cannot write the file. */
    for (int round = 0; round < 3; round++) {
        int n =
            snprintf(mp, sizeof(mp),
                     "--AvB\r\nContent-Disposition: form-data; name=\"first_name\"\r\n\r\n"
                     "Multi%d\r\n--AvB\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n"
                     "multi-%ld@example.org\r\n--AvB\r\nContent-Disposition: form-data;"
                     " name=\"files\"; filename=\"me.png\"\r\n\r\n",
                     round, pid);
        size_t flen = round == 1 ? 5 : sizeof(png);
        memcpy(mp + n, round == 1 ? (const void *)"plain" : (const void *)png, flen);
        n += (int)flen;
        n += snprintf(mp + n, sizeof(mp) - (size_t)n, "\r\n--AvB--\r\n");
        if (round == 2)
            ck_assert_int_eq(rename(uploads, moved), 0);
        r = http_do("PUT", path, tok(it_admin_key), mp, (size_t)n,
                    "Content-Type: multipart/form-data; boundary=AvB");
        if (round == 2)
            ck_assert_int_eq(rename(moved, uploads), 0);
        if (round == 0) {
            ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
        } else if (round == 1) {
            assert_error(&r, 400, "The avatar must be a PNG, JPEG, GIF or WebP image",
                         "InputException");
        } else {
            assert_error(&r, 500, "Something went wrong", "GeneralException");
        }
        http_res_free(&r);
    }
    /* One avatar row, the contact's; the failed round changed nothing. */
    snprintf(want, sizeof(want), "Multi0/t/users/%s/image/png", ids[1]);
    expect_sqlf(want,
                "SELECT u.first_name || '/' || (u.avatar_url = '/uploads/' || m.uuid)::text::char"
                " || '/' || m.model_type || '/' || m.model_id || '/' || m.content_type"
                " FROM users u JOIN media m ON u.avatar_url = '/uploads/' || m.uuid"
                " WHERE u.id = %s",
                ids[1]);
    expect_sqlf(media_before, "SELECT count(*) - 1 FROM media");
    free(media_before);
}
END_TEST

START_TEST(test_notes)
{
    long pid = (long)getpid();
    char email[96], key[256], path[96], other[256];
    sql_exec("INSERT INTO roles (name, permissions) VALUES ('It notes', ARRAY['contact_notes:read',"
             " 'contact_notes:write', 'contact_notes:delete']) ON CONFLICT (name) DO NOTHING");
    snprintf(email, sizeof(email), "notes-%ld@example.com", pid);
    char nora[16];
    it_make_agent(email, "Nora", "It notes", NULL, nora, sizeof(nora), key, sizeof(key));
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact', 'N',"
                               " 'noted-%ld@example.org') RETURNING id",
                               pid);
    char *contact2 =
        sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact', 'N2',"
                   " 'noted2-%ld@example.org') RETURNING id",
                   pid);
    snprintf(path, sizeof(path), "/api/v1/contacts/%s/notes", contact);

    /* Nora writes a note; it comes back with her name, newest first. */
    struct http_res r = http_json("POST", path, key, "{\"note\":\"Prefers e-mail\"}");
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *root = json_body(&r), *d = json_object_object_get(root, "data");
    ck_assert_str_eq(json_str(d, "note"), "Prefers e-mail");
    ck_assert_str_eq(json_str(d, "first_name"), "Nora");
    ck_assert_str_eq(json_str(d, "user_id"), nora);
    ck_assert_str_eq(json_str(d, "contact_id"), contact);
    ck_assert_int_eq(json_object_object_length(d), 9);
    char nora_note[16];
    snprintf(nora_note, sizeof(nora_note), "%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);
    r = http_json("POST", path, it_admin_key, "{\"note\":\"Admin's note\"}");
    ck_assert_int_eq(r.status, 200);
    root = json_body(&r);
    char admin_note[16];
    snprintf(admin_note, sizeof(admin_note), "%s",
             json_str(json_object_object_get(root, "data"), "id"));
    json_object_put(root);
    http_res_free(&r);
    r = http_get(path, tok(key));
    root = json_body(&r);
    d = json_object_object_get(root, "data");
    ck_assert_int_eq((int)json_object_array_length(d), 2);
    ck_assert_str_eq(json_str(json_object_array_get_idx(d, 0), "id"), admin_note);
    json_object_put(root);
    http_res_free(&r);

    expect_json_error("POST", path, key, "{\"note\":\"\"}", 400, "`note` is required",
                      "InputException");
    expect_json_error("GET", "/api/v1/contacts/99999999/notes", key, NULL, 404, "User not found",
                      "NotFoundException");
    expect_json_error("POST", "/api/v1/contacts/99999999/notes", key, "{\"note\":\"x\"}", 404,
                      "User not found", "NotFoundException");
    expect_json_error("GET", path, it_agent_key, NULL, 403, "Permission denied",
                      "PermissionException");

    /* Deleting: not another's note without the Admin role; not through another contact. */
    snprintf(other, sizeof(other), "%s/%s", path, admin_note);
    expect_json_error("DELETE", other, key, NULL, 403, "You can only delete your own note",
                      "PermissionException");
    snprintf(other, sizeof(other), "/api/v1/contacts/%s/notes/%s", contact2, nora_note);
    expect_json_error("DELETE", other, key, NULL, 404, "Note not found", "NotFoundException");
    snprintf(other, sizeof(other), "%s/%s", path, nora_note);
    r = http_json("DELETE", other, key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    r = http_json("POST", path, key, "{\"note\":\"Second\"}");
    root = json_body(&r);
    snprintf(other, sizeof(other), "%s/%s", path,
             json_str(json_object_object_get(root, "data"), "id"));
    json_object_put(root);
    http_res_free(&r);
    r = http_json("DELETE", other, it_admin_key, NULL); /* the Admin may */
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("Admin's note",
                "SELECT string_agg(note, ',') FROM contact_notes WHERE contact_id = %s", contact);
    free(contact);
    free(contact2);
}
END_TEST

Suite *it_contacts_suite(void)
{
    return SUITE_OF("contacts", 60, NULL, NULL, test_contacts, test_notes);
}
