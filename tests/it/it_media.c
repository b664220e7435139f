/*
 * it_media.c - uploads over HTTP: the stored row and file, the type sniffed
 * from the bytes, downloads sent by nginx after deskd authorized them, and
 * hostile bodies (traversal names, double extensions, truncated or
 * boundary-less bodies, oversized files), and attachments: uploads linked
 * to messages, then served only to those who may read the conversation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

static const char *const CT = "Content-Type: multipart/form-data; boundary=ItB0und";

/* A multipart body with one file part (and an inline field when inl). */
static size_t body_with(char *out, size_t cap, const char *filename, const char *data, size_t len,
                        int inl)
{
    int n = snprintf(
        out, cap,
        "%s--ItB0und\r\nContent-Disposition: form-data; name=\"files\"; filename=\"%s\"\r\n"
        "Content-Type: application/x-evil\r\n\r\n",
        inl ? "--ItB0und\r\nContent-Disposition: form-data; name=\"inline\"\r\n\r\ntrue\r\n" : "",
        filename);
    ck_assert(n > 0 && (size_t)n + len + 16 < cap);
    memcpy(out + n, data, len);
    n += (int)len;
    n += snprintf(out + n, cap - (size_t)n, "\r\n--ItB0und--\r\n");
    return (size_t)n;
}

static struct http_res upload(const char *body, size_t len, const char *ctype)
{
    return http_do("POST", "/api/v1/media", tok(it_agent_key), body, len, ctype);
}

static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0, 0, 13,
                                    'I',  'H', 'D', 'R', 0,    0,    0,    2,    0,    0, 0, 3,
                                    8,    2,   0,   0,   0,    0x12, 0x16, 0xf1, 0x4d, 0, 0, 0,
                                    0,    'I', 'E', 'N', 'D',  0xae, 0x42, 0x60, 0x82};

/* A JPEG header (JFIF, then a baseline frame of 640 x 480): enough for the type and size. */
static const unsigned char JPEG[] = {0xff, 0xd8, 0xff, 0xe0, 0,    0x10, 'J',  'F', 'I', 'F',  0,
                                     1,    1,    0,    0,    1,    0,    1,    0,   0,   0xff, 0xc0,
                                     0,    0x11, 8,    0x01, 0xe0, 0x02, 0x80, 3,   1,   0x22, 0,
                                     2,    0x11, 1,    3,    0x11, 1,    0xff, 0xd9};

START_TEST(test_upload_and_download)
{
    static char body[1 << 16];
    size_t len = body_with(body, sizeof(body), "../../etc/report.txt", "hello, deskd\n", 13, 0);
    struct http_res r = upload(body, len, CT);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *root = json_body(&r), *d = json_object_object_get(root, "data");
    char uuid[64], url[128];
    snprintf(uuid, sizeof(uuid), "%s", json_object_get_string(json_object_object_get(d, "uuid")));
    snprintf(url, sizeof(url), "%s", json_object_get_string(json_object_object_get(d, "url")));
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "filename")), "report.txt");
    /* The client said application/x-evil; the bytes say text. */
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "content_type")),
                     "text/plain");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "disposition")),
                     "attachment");
    ck_assert_int_eq(json_object_get_int(json_object_object_get(d, "size")), 13);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "store")), "fs");
    ck_assert_int_eq(json_object_object_length(json_object_object_get(d, "meta")), 0);
    json_object_put(root);
    http_res_free(&r);
    char want_url[128];
    snprintf(want_url, sizeof(want_url), "/uploads/%s", uuid);
    ck_assert_str_eq(url, want_url);

    /* The file sits under the upload directory with the uuid as its name. */
    char path[1024];
    snprintf(path, sizeof(path), "%s/uploads/%s", getenv("DESKD_VAR"), uuid);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq((int)st.st_size, 13);
    char *v = sql_valuef("SELECT filename || '/' || size FROM media WHERE uuid = '%s'", uuid);
    ck_assert_str_eq(v, "report.txt/13");
    free(v);

    /* Download: deskd authorizes, nginx sends the bytes with deskd's headers. */
    r = http_get(url, tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.len, 13);
    ck_assert(memcmp(r.body, "hello, deskd\n", 13) == 0);
    char h[256];
    ck_assert_ptr_nonnull(http_header(&r, "Content-Type", h, sizeof(h)));
    ck_assert_ptr_nonnull(strstr(h, "text/plain"));
    ck_assert_str_eq(http_header(&r, "Content-Disposition", h, sizeof(h)),
                     "attachment; filename=\"report.txt\"; filename*=UTF-8''report.txt");
    ck_assert_ptr_null(http_header(&r, "X-Accel-Redirect", h, sizeof(h)));
    http_res_free(&r);
    r = http_get(url, NULL);
    ck_assert_int_eq(r.status, 401);
    http_res_free(&r);
    r = http_get("/uploads/00000000-0000-0000-0000-000000000000", tok(it_agent_key));
    assert_error(&r, 404, "Media not found", "NotFoundException");
    http_res_free(&r);
    /* A row whose file is gone from disk: nginx's 404, in the envelope, not its HTML page. */
    char *gone = sql_valuef("INSERT INTO media (filename, content_type, size, uploaded_by)"
                            " SELECT 'gone.txt', 'text/plain', 5, id FROM users WHERE email = '%s'"
                            " RETURNING uuid",
                            it_agent_email);
    char gone_url[128];
    snprintf(gone_url, sizeof(gone_url), "/uploads/%s", gone);
    free(gone);
    r = http_get(gone_url, tok(it_agent_key));
    assert_error(&r, 404, "Media not found", "NotFoundException");
    http_res_free(&r);
    char direct[160];
    snprintf(direct, sizeof(direct), "/_deskd_uploads/%s", uuid);
    r = http_get(direct, tok(it_agent_key)); /* internal only */
    ck_assert_int_eq(r.status, 404);
    http_res_free(&r);

    /* An image named as a PHP script is stored as what it is and shown inline. */
    len = body_with(body, sizeof(body), "pic.php.png", (const char *)PNG, sizeof(PNG), 1);
    r = upload(body, len, CT);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    root = json_body(&r);
    d = json_object_object_get(root, "data");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "content_type")),
                     "image/png");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "disposition")), "inline");
    ck_assert_str_eq(
        json_object_to_json_string_ext(json_object_object_get(d, "meta"), JSON_C_TO_STRING_PLAIN),
        "{\"width\":2,\"height\":3}");
    snprintf(url, sizeof(url), "%s", json_object_get_string(json_object_object_get(d, "url")));
    json_object_put(root);
    http_res_free(&r);
    len = body_with(body, sizeof(body), "photo.jpg", (const char *)JPEG, sizeof(JPEG), 0);
    r = upload(body, len, CT);
    ck_assert_int_eq(r.status, 200);
    root = json_body(&r);
    d = json_object_object_get(root, "data");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "content_type")),
                     "image/jpeg");
    ck_assert_str_eq(
        json_object_to_json_string_ext(json_object_object_get(d, "meta"), JSON_C_TO_STRING_PLAIN),
        "{\"width\":640,\"height\":480}");
    json_object_put(root);
    http_res_free(&r);
    r = http_get(url, tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(http_header(&r, "Content-Disposition", h, sizeof(h)),
                     "inline; filename=\"pic.php.png\"; filename*=UTF-8''pic.php.png");
    ck_assert_str_eq(http_header(&r, "X-Content-Type-Options", h, sizeof(h)), "nosniff");
    http_res_free(&r);
}
END_TEST

static void refused(const char *body, size_t len, const char *ctype, long status,
                    const char *message)
{
    struct http_res r = upload(body, len, ctype);
    assert_error(&r, status, message, status == 413 ? "GeneralException" : "InputException");
    http_res_free(&r);
}

START_TEST(test_hostile_uploads)
{
    static char body[1 << 16];
    char *before = sql_valuef("SELECT count(*) FROM media");
    size_t len;

    len = body_with(body, sizeof(body), "..", "x", 1, 0);
    refused(body, len, CT, 400, "Invalid file name");
    len = body_with(body, sizeof(body), "dir/", "x", 1, 0);
    refused(body, len, CT, 400, "Invalid file name");
    len = body_with(body, sizeof(body), "empty.txt", "", 0, 0);
    refused(body, len, CT, 400, "The file is empty");
    refused(body, len - 16, CT, 400, "Error parsing request: truncated multipart body");
    len = body_with(body, sizeof(body), "a.txt", "x", 1, 0);
    refused(body, len, "Content-Type: multipart/form-data", 400,
            "Error parsing request: missing or bad multipart boundary");
    refused(body, len, "Content-Type: application/json", 400,
            "Expected a multipart/form-data body with a `files` part");
    const char *nofile = "--ItB0und\r\nContent-Disposition: form-data; name=\"inline\"\r\n\r\ntrue"
                         "\r\n--ItB0und--\r\n";
    refused(nofile, strlen(nofile), CT, 400, "File not found");

    /* The size setting (in MB) and the extension allow-list. */
    sql_exec("UPDATE settings SET value = '0.00001' WHERE key = 'app.max_file_upload_size'");
    sql_exec("UPDATE settings SET value = '1' WHERE key = 'app.max_file_upload_size'");
    static char big[(1 << 20) + 4096];
    static char data[(1 << 20) + 1];
    memset(data, 'a', sizeof(data));
    len = body_with(big, sizeof(big), "big.txt", data, sizeof(data), 0);
    refused(big, len, CT, 413, "File size exceeds the limit of 1 MB");
    sql_exec("UPDATE settings SET value = '20' WHERE key = 'app.max_file_upload_size'");
    sql_exec("UPDATE settings SET value = '[\"pdf\", \".png\"]' WHERE key ="
             " 'app.allowed_file_upload_extensions'");
    len = body_with(body, sizeof(body), "notes.txt", "x", 1, 0);
    refused(body, len, CT, 400, "This file type is not allowed");
    len = body_with(body, sizeof(body), "shot.PNG", (const char *)PNG, sizeof(PNG), 0);
    struct http_res r = upload(body, len, CT);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    sql_exec(
        "UPDATE settings SET value = '[\"*\"]' WHERE key = 'app.allowed_file_upload_extensions'");

    /* A declared length over nginx's limit is refused from the header alone. */
    len = body_with(body, sizeof(body), "a.txt", "x", 1, 0);
    refused(body, len,
            "Content-Type: multipart/form-data; boundary=ItB0und\nContent-Length: 68719476736", 413,
            "Request body too large");

    /* Over nginx's 32 MiB: refused before deskd sees it, in the same envelope. */
    size_t huge = (size_t)33 << 20;
    char *hbody = malloc(huge), *hdata = malloc(huge);
    ck_assert(hbody != NULL && hdata != NULL);
    memset(hdata, 'h', huge - 4096);
    len = body_with(hbody, huge, "huge.txt", hdata, huge - 4096, 0);
    refused(hbody, len, CT, 413, "Request body too large");
    free(hbody);
    free(hdata);

    char *after = sql_valuef("SELECT count(*) - 1 FROM media");
    ck_assert_str_eq(after, before); /* only the allowed PNG was stored */
    free(before);
    free(after);
}
END_TEST

/* Uploads one file as key; its id and uuid. */
static void upload_as(const char *key, const char *filename, const void *data, size_t dlen,
                      char id[16], char uuid[64])
{
    static char body[1 << 16];
    size_t len = body_with(body, sizeof(body), filename, data, dlen, 0);
    struct http_res r = http_do("POST", "/api/v1/media", tok(key), body, len, CT);
    json_object *root, *d = json_data(&r, &root);
    snprintf(id, 16, "%s", json_str(d, "id"));
    snprintf(uuid, 64, "%s", json_str(d, "uuid"));
    json_object_put(root);
    http_res_free(&r);
}

/* GET /uploads/<uuid> as key: the status, and for a 200 that the bytes are want. */
static void download(const char *uuid, const char *key, long status, const char *want)
{
    char path[128];
    snprintf(path, sizeof(path), "/uploads/%s", uuid);
    struct http_res r = http_get(path, tok(key));
    if (status == 200) {
        ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
        ck_assert_uint_eq(r.len, strlen(want));
        ck_assert(memcmp(r.body, want, r.len) == 0);
    } else if (status == 404) {
        assert_error(&r, status, "Media not found", "NotFoundException");
    } else {
        assert_error(&r, status, "Permission denied", "PermissionException");
    }
    http_res_free(&r);
}

/*
 * Attachments: uploads linked to a message by id when it is sent (or with a
 * new conversation's first message), in the message's transaction, each at
 * most once; a linked file is then as private as its conversation.
 */
START_TEST(test_attachments)
{
    long pid = (long)getpid();
    char inbox[16], conv[16], cuuid[64], email[96], n_id[16], n_key[256], m_key[256];
    char ids[4][16], uuids[4][64], path[160], body[1024];

    copy_value(inbox, sizeof(inbox),
               sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('It media %ld', 'email')"
                          " RETURNING id",
                          pid));
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact',"
                               " 'M', 'media-%ld@example.org') RETURNING id",
                               pid);
    copy_value(conv, sizeof(conv),
               sql_valuef("INSERT INTO conversations (subject, status_id, contact_id, inbox_id)"
                          " VALUES ('files', (SELECT id FROM conversation_statuses WHERE name ="
                          " 'Open'), %s, %s) RETURNING id",
                          contact, inbox));
    free(contact);
    copy_value(cuuid, sizeof(cuuid),
               sql_valuef("SELECT uuid FROM conversations WHERE id = %s", conv));
    /* N reads only what is assigned to it; M reads every conversation but no messages. */
    sql_exec("INSERT INTO roles (name, permissions) VALUES ('It media assigned', ARRAY["
             "'conversations:read', 'conversations:read_assigned', 'messages:read']),"
             " ('It media no messages', ARRAY['conversations:read', 'conversations:read_all'])"
             " ON CONFLICT (name) DO NOTHING");
    snprintf(email, sizeof(email), "media-n-%ld@example.com", pid);
    it_make_agent(email, "N", "It media assigned", NULL, n_id, sizeof(n_id), n_key, sizeof(n_key));
    snprintf(email, sizeof(email), "media-m-%ld@example.com", pid);
    it_make_agent(email, "M", "It media no messages", NULL, NULL, 0, m_key, sizeof(m_key));

    upload_as(it_admin_key, "pic.png", PNG, sizeof(PNG), ids[0], uuids[0]);
    upload_as(it_admin_key, "a.txt", "first\n", 6, ids[1], uuids[1]);
    upload_as(it_admin_key, "b.txt", "second\n", 7, ids[2], uuids[2]);
    upload_as(it_admin_key, "c.txt", "third\n", 6, ids[3], uuids[3]);
    download(uuids[1], it_admin_key, 200, "first\n"); /* not linked yet: its uploader only */
    download(uuids[1], n_key, 404, NULL);

    /* Sent with a message (a repeated id counts once): linked to it, listed with it. */
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages", cuuid);
    snprintf(body, sizeof(body),
             "{\"sender_type\": \"agent\", \"message\": \"<p>files</p>\","
             " \"attachments\": [%s, %s, %s]}",
             ids[1], ids[0], ids[1]);
    struct http_res r = http_json("POST", path, it_admin_key, body);
    json_object *root, *d = json_data(&r, &root), *att = json_object_object_get(d, "attachments");
    char msg_id[16], want[256];
    snprintf(msg_id, sizeof(msg_id), "%s", json_str(d, "id"));
    ck_assert_int_eq((int)json_object_array_length(att), 2);
    json_object *a0 = json_object_array_get_idx(att, 0), *a1 = json_object_array_get_idx(att, 1);
    ck_assert_str_eq(json_str(a0, "name"), "pic.png");
    ck_assert_str_eq(json_str(a0, "uuid"), uuids[0]);
    ck_assert_str_eq(json_str(a0, "content_type"), "image/png");
    snprintf(want, sizeof(want), "/uploads/%s", uuids[0]);
    ck_assert_str_eq(json_str(a0, "thumbnail_url"), want); /* the image itself */
    ck_assert_ptr_null(json_str(a1, "thumbnail_url"));     /* there, and null */
    snprintf(want, sizeof(want), "/uploads/%s", uuids[1]);
    ck_assert_str_eq(json_str(a1, "url"), want);
    ck_assert_str_eq(json_str(a1, "name"), "a.txt");
    ck_assert_int_eq(json_object_get_int(json_object_object_get(a1, "size")), 6);
    json_object_put(root);
    http_res_free(&r);
    snprintf(want, sizeof(want), "messages:%s,messages:%s,-,-", msg_id, msg_id);
    expect_sqlf(want,
                "SELECT string_agg(coalesce(model_type || ':' || model_id, '-'), ',' ORDER BY id)"
                " FROM media WHERE id IN (%s, %s, %s, %s)",
                ids[0], ids[1], ids[2], ids[3]);

    /* Now the conversation decides who downloads. */
    download(uuids[1], it_admin_key, 200, "first\n");
    download(uuids[1], n_key, 403, NULL);
    download(uuids[1], m_key, 403, NULL);
    free(sql_valuef("UPDATE conversations SET assigned_user_id = %s WHERE id = %s RETURNING id",
                    n_id, conv));
    download(uuids[1], n_key, 200, "first\n");
    download(uuids[2], m_key, 404, NULL); /* still unlinked: the uploader's alone */
    download(uuids[2], it_admin_key, 200, "second\n");

    /* Refused, and nothing written: taken, unknown and malformed ids. */
    char *before = sql_valuef("SELECT count(*) FROM conversation_messages");
    snprintf(body, sizeof(body),
             "{\"sender_type\": \"agent\", \"message\": \"x\", \"attachments\": [%s, %s]}", ids[2],
             ids[0]);
    snprintf(want, sizeof(want), "Attachment %s is already attached elsewhere", ids[0]);
    expect_json_error("POST", path, it_admin_key, body, 400, want, "InputException");
    expect_json_error("POST", path, it_admin_key,
                      "{\"sender_type\": \"agent\", \"message\": \"x\","
                      " \"attachments\": [2000000000]}",
                      400, "Attachment 2000000000 not found: upload it with POST /api/v1/media",
                      "InputException");
    static const char *const bad[] = {"\"1\"",   "[0]", "[-4]",        "[1.5]",
                                      "[\"1\"]", "{}",  "[4294967297]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"sender_type\": \"agent\", \"message\": \"x\", \"attachments\": %s}", bad[i]);
        expect_json_error("POST", path, it_admin_key, body, 400,
                          i < 1 || i == 5
                              ? "Invalid `attachments`: a list of at most 50 media ids"
                              : "Invalid `attachments`: each item is a media id (a positive "
                                "integer)",
                          "InputException");
    }
    int n = snprintf(body, sizeof(body),
                     "{\"sender_type\": \"agent\", \"message\": \"x\", \"attachments\": [1");
    for (int i = 0; i < 50; i++)
        n += snprintf(body + n, sizeof(body) - (size_t)n, ",1");
    snprintf(body + n, sizeof(body) - (size_t)n, "]}");
    expect_json_error("POST", path, it_admin_key, body, 400,
                      "Invalid `attachments`: a list of at most 50 media ids", "InputException");
    expect_sqlf(before, "SELECT count(*) FROM conversation_messages");
    free(before);

    /* A failure after the link (the participants table is gone) leaves the file unlinked. */
    snprintf(body, sizeof(body),
             "{\"sender_type\": \"agent\", \"message\": \"x\", \"attachments\": [%s]}", ids[2]);
    sql_exec("ALTER TABLE conversation_participants RENAME TO conversation_participants_moved");
    r = http_json("POST", path, it_admin_key, body);
    sql_exec("ALTER TABLE conversation_participants_moved RENAME TO conversation_participants");
    assert_error(&r, 500, "Something went wrong", "GeneralException");
    http_res_free(&r);
    expect_sqlf("-", "SELECT coalesce(model_type || ':' || model_id, '-') FROM media WHERE id = %s",
                ids[2]);

    /* A new conversation's first message takes attachments too. */
    snprintf(body, sizeof(body),
             "{\"inbox_id\": %s, \"contact_email\": \"media-new-%ld@example.org\","
             " \"first_name\": \"New\", \"content\": \"<p>hi</p>\", \"initiator\": \"contact\","
             " \"attachments\": [%s]}",
             inbox, pid, ids[3]);
    r = http_json("POST", "/api/v1/conversations", it_admin_key, body);
    d = json_data(&r, &root);
    snprintf(want, sizeof(want), "messages:%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf(want,
                "SELECT md.model_type || ':' || m.conversation_id FROM media md JOIN"
                " conversation_messages m ON m.id = md.model_id WHERE md.id = %s",
                ids[3]);
}
END_TEST

/* The body of key's answer to method path with body (caller frees). */
static char *answer(const char *method, const char *path, const char *key, const char *body,
                    long *status)
{
    struct http_res r = body ? http_json(method, path, key, body) : http_get(path, tok(key));
    char *out = strdup(r.body);
    *status = r.status;
    http_res_free(&r);
    return out;
}

/* status and body (exactly) of key's answer to method path with body. */
static void expect_answer(const char *method, const char *path, const char *key, const char *body,
                          long status, const char *want)
{
    long st;
    char *got = answer(method, path, key, body, &st);
    ck_assert_msg(st == status, "%s %s: %ld %s", method, path, st, got);
    ck_assert_str_eq(got, want);
    free(got);
}

/*
 * A pending upload (not yet attached) is its uploader's: another agent can
 * neither attach it (to a reply, a new conversation or a macro's message)
 * nor download it, and is answered exactly as for an upload that does not
 * exist; the uploader's own send then still works.  Rows without an
 * uploader (written before deskd recorded it, or by upstream) are nobody's.
 */
START_TEST(test_pending_uploads_are_the_uploaders)
{
    long pid = (long)getpid();
    char inbox[16], cuuid[64], admin_id[16], agent_id[16], c_key[256], email[96], macro[16];
    char p_id[16], p_uuid[64], q_id[16], q_uuid[64], n_id[16], n_uuid[64], path[160], mpath[160];
    char body[1024], want[512], unknown_path[96], *v;

    copy_value(admin_id, sizeof(admin_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email));
    copy_value(agent_id, sizeof(agent_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_agent_email));
    copy_value(inbox, sizeof(inbox),
               sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('It pending %ld', 'email')"
                          " RETURNING id",
                          pid));
    copy_value(cuuid, sizeof(cuuid),
               sql_valuef("WITH ct AS (INSERT INTO users (type, first_name, email) VALUES"
                          " ('contact', 'P', 'pending-%ld@example.org') RETURNING id)"
                          " INSERT INTO conversations (subject, status_id, contact_id, inbox_id,"
                          " assigned_user_id) SELECT 'pending', (SELECT id FROM"
                          " conversation_statuses WHERE name = 'Open'), ct.id, %s, %s FROM ct"
                          " RETURNING uuid",
                          pid, inbox, agent_id));
    copy_value(macro, sizeof(macro),
               sql_valuef("INSERT INTO macros (name, message_content, visibility) VALUES"
                          " ('pending-%ld', '', 'all') RETURNING id",
                          pid));
    snprintf(email, sizeof(email), "pending-c-%ld@example.com", pid);
    it_make_agent(email, "C", "Admin", NULL, NULL, 0, c_key, sizeof(c_key));
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages", cuuid);
    snprintf(mpath, sizeof(mpath), "/api/v1/conversations/%s/macros/%s/apply", cuuid, macro);

    upload_as(it_admin_key, "pending.txt", "admin's draft\n", 14, p_id, p_uuid);

    /* What an id that does not exist gets: the other agent's pending upload gets the same. */
    copy_value(n_id, sizeof(n_id), sql_valuef("SELECT max(id) + 1000 FROM media"));
    static const char refusal[] =
        "{\"status\":\"error\",\"message\":\"Attachment %s not found: upload it with POST"
        " /api/v1/media\",\"error_type\":\"InputException\",\"data\":null}";
    char *before = sql_valuef("SELECT count(*) FROM conversation_messages");
    const char *ids[] = {n_id, p_id};
    for (int i = 0; i < 2; i++) {
        snprintf(want, sizeof(want), refusal, ids[i]);
        snprintf(body, sizeof(body),
                 "{\"sender_type\": \"agent\", \"message\": \"<p>mine now</p>\","
                 " \"attachments\": [%s]}",
                 ids[i]);
        expect_answer("POST", path, it_agent_key, body, 400, want);
        snprintf(body, sizeof(body),
                 "{\"actions\": [], \"message\": \"<p>mine now</p>\", \"attachments\": [%s]}",
                 ids[i]);
        expect_answer("POST", mpath, it_agent_key, body, 400, want);
        snprintf(body, sizeof(body),
                 "{\"inbox_id\": %s, \"contact_email\": \"pending-new-%ld@example.org\","
                 " \"first_name\": \"N\", \"content\": \"<p>hi</p>\", \"initiator\": \"agent\","
                 " \"attachments\": [%s]}",
                 inbox, pid, ids[i]);
        expect_answer("POST", "/api/v1/conversations", c_key, body, 400, want);
    }
    expect_sqlf(before, "SELECT count(*) FROM conversation_messages");
    free(before);
    expect_sqlf("0", "SELECT count(*) FROM users WHERE email = 'pending-new-%ld@example.org'", pid);
    snprintf(want, sizeof(want), "%s|-", admin_id);
    expect_sqlf(want,
                "SELECT uploaded_by || '|' || coalesce(model_id::text, '-') FROM media"
                " WHERE id = %s",
                p_id);

    /* Nor can the other agent (or another admin) download it: as if there were no such file. */
    long st;
    char *none =
        answer("GET", "/uploads/00000000-0000-0000-0000-000000000000", it_agent_key, NULL, &st);
    ck_assert_int_eq(st, 404);
    snprintf(unknown_path, sizeof(unknown_path), "/uploads/%s", p_uuid);
    expect_answer("GET", unknown_path, it_agent_key, NULL, 404, none);
    expect_answer("GET", unknown_path, c_key, NULL, 404, none);
    download(p_uuid, it_admin_key, 200, "admin's draft\n");
    expect_sqlf("-", "SELECT coalesce(model_id::text, '-') FROM media WHERE id = %s", p_id);

    /* The uploader's own send still works, and links the file to that message. */
    snprintf(body, sizeof(body),
             "{\"sender_type\": \"agent\", \"message\": \"<p>here</p>\", \"attachments\": [%s]}",
             p_id);
    struct http_res r = http_json("POST", path, it_admin_key, body);
    json_object *root, *d = json_data(&r, &root);
    snprintf(want, sizeof(want), "messages:%s:%s", json_str(d, "id"), admin_id);
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf(want,
                "SELECT md.model_type || ':' || md.model_id || ':' || m.sender_id FROM media md"
                " JOIN conversation_messages m ON m.id = md.model_id WHERE md.id = %s",
                p_id);
    /* Attached, the conversation decides: the agent it is assigned to may read it now. */
    download(p_uuid, it_agent_key, 200, "admin's draft\n");

    /* The agent's own upload is the agent's: attached by it, refused to the admin. */
    upload_as(it_agent_key, "q.txt", "agent's\n", 8, q_id, q_uuid);
    download(q_uuid, it_admin_key, 404, NULL);
    snprintf(want, sizeof(want), refusal, q_id);
    snprintf(body, sizeof(body),
             "{\"sender_type\": \"agent\", \"message\": \"<p>q</p>\", \"attachments\": [%s]}",
             q_id);
    expect_answer("POST", path, it_admin_key, body, 400, want);
    r = http_json("POST", path, it_agent_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    v = sql_valuef("SELECT (model_id IS NOT NULL) || '|' || uploaded_by FROM media WHERE id = %s",
                   q_id);
    snprintf(want, sizeof(want), "true|%s", agent_id);
    ck_assert_str_eq(v, want);
    free(v);

    /* A pending row with no uploader is nobody's: refused to everyone, admin included. */
    upload_as(it_admin_key, "old.txt", "old\n", 4, n_id, n_uuid);
    sql_exec("UPDATE media SET uploaded_by = NULL WHERE filename = 'old.txt'"
             " AND model_id IS NULL");
    snprintf(want, sizeof(want), refusal, n_id);
    snprintf(body, sizeof(body),
             "{\"sender_type\": \"agent\", \"message\": \"<p>old</p>\", \"attachments\": [%s]}",
             n_id);
    expect_answer("POST", path, it_admin_key, body, 400, want);
    download(n_uuid, it_admin_key, 404, NULL);
    free(none);

    /* The migration that added the column runs again without changing anything. */
    char file[1024], sql[4096];
    snprintf(file, sizeof(file), "%s/sql/020_media_uploaded_by.sql", it_root());
    FILE *fp = fopen(file, "r");
    ck_assert_ptr_nonnull(fp);
    size_t got = fread(sql, 1, sizeof(sql) - 1, fp);
    fclose(fp);
    sql[got] = '\0';
    sql_exec(sql);
    snprintf(want, sizeof(want), "%s", admin_id);
    expect_sqlf(want, "SELECT uploaded_by FROM media WHERE id = %s", p_id);
    expect_sqlf("1", "SELECT count(*) FROM pg_constraint WHERE conrelid = 'media'::regclass"
                     " AND contype = 'f'");
}
END_TEST

Suite *it_media_suite(void)
{
    return SUITE_OF("media", 60, NULL, NULL, test_upload_and_download, test_hostile_uploads,
                    test_attachments, test_pending_uploads_are_the_uploaders);
}
