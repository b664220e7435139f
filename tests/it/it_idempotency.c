/*
 * it_idempotency.c - Idempotency-Key over HTTP: a repeated write answers
 * the first answer byte for byte and writes nothing more, also for a
 * refusal and for a write made of several statements; the same key with
 * another request is a 422, one still running a 409; keys are the
 * caller's own; requests without a key, and reads, behave as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "../suite_of.h"
#include "it.h"

/* A request with a JSON body, "token key" auth and an Idempotency-Key (idem NULL: none). */
static struct http_res keyed(const char *method, const char *path, const char *key,
                             const char *idem, const char *body)
{
    char extra[400];
    snprintf(extra, sizeof(extra), "Content-Type: application/json%s%s",
             idem ? "\nIdempotency-Key: " : "", idem ? idem : "");
    return http_do(method, path, tok(key), body, body ? strlen(body) : 0, extra);
}

/* Asserts that b is a byte-for-byte replay of a, marked as such. */
static void expect_replay(const struct http_res *a, const struct http_res *b)
{
    char v[16];
    ck_assert_int_eq(b->status, a->status);
    ck_assert_uint_eq(b->len, a->len);
    ck_assert_msg(memcmp(a->body, b->body, a->len) == 0, "%s vs %s", a->body, b->body);
    ck_assert_ptr_nonnull(http_header(b, "Idempotent-Replayed", v, sizeof(v)));
    ck_assert_str_eq(v, "true");
    ck_assert_ptr_null(http_header(a, "Idempotent-Replayed", v, sizeof(v)));
}

START_TEST(test_repeat_answers_the_first_answer)
{
    long pid = (long)getpid();
    char body[128], idem[64];
    snprintf(body, sizeof(body), "{\"name\":\"it-idem-%ld\"}", pid);
    snprintf(idem, sizeof(idem), "it-idem-create-%ld", pid);

    struct http_res a = keyed("POST", "/api/v1/tags", it_admin_key, idem, body);
    ck_assert_msg(a.status == 200, "%ld %s", a.status, a.body);
    sleep(1); /* a second run would answer another updated_at */
    struct http_res b = keyed("POST", "/api/v1/tags", it_admin_key, idem, body);
    expect_replay(&a, &b);
    expect_sqlf("1", "SELECT count(*) FROM tags WHERE name = 'it-idem-%ld'", pid);
    expect_sqlf("1",
                "SELECT count(*) FROM deskd_idempotency_keys WHERE key = '%s' AND status = 200"
                " AND user_id = (SELECT id FROM users WHERE email = '%s')",
                idem, it_admin_email);

    /* The same key with another body: 422, nothing written. */
    struct http_res c =
        keyed("POST", "/api/v1/tags", it_admin_key, idem, "{\"name\":\"it-idem-other\"}");
    assert_error(&c, 422,
                 "This Idempotency-Key was used with a different request; use a new key for a "
                 "new request",
                 "DataException");
    expect_sqlf("0", "SELECT count(*) FROM tags WHERE name = 'it-idem-other'");
    /* ... or on another path. */
    struct http_res d = keyed("POST", "/api/v1/statuses", it_admin_key, idem, body);
    ck_assert_int_eq(d.status, 422);

    /* Keys are the caller's own: the agent's same key is a request of its own (403 here). */
    struct http_res e = keyed("POST", "/api/v1/tags", it_agent_key, idem, body);
    ck_assert_int_eq(e.status, 403);
    ck_assert_ptr_null(strstr(e.headers, "Idempotent-Replayed"));

    http_res_free(&a);
    http_res_free(&b);
    http_res_free(&c);
    http_res_free(&d);
    http_res_free(&e);
}
END_TEST

/*
 * A refusal from the database (the name is taken: a unique violation inside
 * the request's transaction) answers as without a key, and is replayed.
 */
START_TEST(test_refusal_inside_the_transaction)
{
    long pid = (long)getpid();
    char body[128], idem[64];
    snprintf(body, sizeof(body), "{\"name\":\"it-idem-dup-%ld\"}", pid);
    snprintf(idem, sizeof(idem), "it-idem-dup-%ld", pid);
    struct http_res a = keyed("POST", "/api/v1/tags", it_admin_key, NULL, body);
    ck_assert_int_eq(a.status, 200);
    struct http_res plain = keyed("POST", "/api/v1/tags", it_admin_key, NULL, body);
    struct http_res b = keyed("POST", "/api/v1/tags", it_admin_key, idem, body);
    ck_assert_int_eq(plain.status, 409);
    ck_assert_int_eq(b.status, 409);
    ck_assert_str_eq(b.body, plain.body);
    struct http_res c = keyed("POST", "/api/v1/tags", it_admin_key, idem, body);
    expect_replay(&b, &c);
    expect_sqlf("1", "SELECT count(*) FROM tags WHERE name = 'it-idem-dup-%ld'", pid);
    http_res_free(&a);
    http_res_free(&plain);
    http_res_free(&b);
    http_res_free(&c);
}
END_TEST

/* A conversation (contact, conversation, message: one store transaction) made once. */
START_TEST(test_multi_statement_write_once)
{
    long pid = (long)getpid();
    char body[512], idem[64];
    char *inbox = sql_valuef(
        "INSERT INTO inboxes (name, channel) VALUES ('IT idem %ld', 'email') RETURNING id", pid);
    snprintf(body, sizeof(body),
             "{\"contact_email\":\"it-idem-%ld@example.com\",\"first_name\":\"Ida\","
             "\"last_name\":\"Em\",\"subject\":\"Once\",\"content\":\"<p>only once</p>\","
             "\"initiator\":\"contact\",\"inbox_id\":%s}",
             pid, inbox);
    free(inbox);
    snprintf(idem, sizeof(idem), "it-idem-conv-%ld", pid);
    struct http_res a = keyed("POST", "/api/v1/conversations", it_admin_key, idem, body);
    ck_assert_msg(a.status == 200, "%ld %s", a.status, a.body);
    struct http_res b = keyed("POST", "/api/v1/conversations", it_admin_key, idem, body);
    expect_replay(&a, &b);
    expect_sqlf("1",
                "SELECT count(*) FROM conversations c JOIN users u ON u.id = c.contact_id"
                " WHERE u.email = 'it-idem-%ld@example.com'",
                pid);
    expect_sqlf("1",
                "SELECT count(*) FROM conversation_messages m JOIN conversations c"
                " ON c.id = m.conversation_id JOIN users u ON u.id = c.contact_id"
                " WHERE u.email = 'it-idem-%ld@example.com'",
                pid);
    http_res_free(&a);
    http_res_free(&b);
}
END_TEST

/* A multipart upload retried with a new boundary is the same request. */
START_TEST(test_upload_retried_with_another_boundary)
{
    long pid = (long)getpid();
    char body[2][512], extra[2][256];
    const char *bnd[2] = {"AaaBoundary1", "ZzzOther22"};
    struct http_res r[2];
    for (int i = 0; i < 2; i++) {
        int n = snprintf(body[i], sizeof(body[i]),
                         "--%s\r\nContent-Disposition: form-data; name=\"files\"; "
                         "filename=\"idem-%ld.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                         "--%s--\r\n",
                         bnd[i], pid, bnd[i]);
        snprintf(extra[i], sizeof(extra[i]),
                 "Content-Type: multipart/form-data; boundary=%s\nIdempotency-Key: it-up-%ld",
                 bnd[i], pid);
        r[i] = http_do("POST", "/api/v1/media", tok(it_agent_key), body[i], (size_t)n, extra[i]);
    }
    ck_assert_msg(r[0].status == 200, "%ld %s", r[0].status, r[0].body);
    expect_replay(&r[0], &r[1]);
    expect_sqlf("1", "SELECT count(*) FROM media WHERE filename = 'idem-%ld.txt'", pid);
    http_res_free(&r[0]);
    http_res_free(&r[1]);
}
END_TEST

/* While another request holds the key's lock: 409, and nothing written. */
START_TEST(test_in_flight_is_409)
{
    long pid = (long)getpid();
    char idem[64], sql[256], body[128];
    snprintf(idem, sizeof(idem), "it-idem-busy-%ld", pid);
    snprintf(body, sizeof(body), "{\"name\":\"it-idem-busy-%ld\"}", pid);
    char *uid = sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email);
    const char *dsn = getenv("DESKD_DATABASE_URL");
    PGconn *pg = PQconnectdb(dsn ? dsn : "");
    ck_assert_int_eq(PQstatus(pg), CONNECTION_OK);
    /* The lock a running request with this key would hold. */
    snprintf(sql, sizeof(sql), "SELECT pg_advisory_lock(hashtextextended('%s:%s', 22))", uid, idem);
    PGresult *res = PQexec(pg, sql);
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);

    struct http_res a = keyed("POST", "/api/v1/tags", it_admin_key, idem, body);
    assert_error(&a, 409,
                 "A request with this Idempotency-Key is still running; retry when it has "
                 "answered",
                 "ConflictException");
    expect_sqlf("0", "SELECT count(*) FROM tags WHERE name = 'it-idem-busy-%ld'", pid);

    /* Released by a statement that returns only once it is (closing the session would not wait). */
    snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(hashtextextended('%s:%s', 22))", uid,
             idem);
    res = PQexec(pg, sql);
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "t");
    PQclear(res);
    PQfinish(pg);
    struct http_res b = keyed("POST", "/api/v1/tags", it_admin_key, idem, body);
    ck_assert_int_eq(b.status, 200);
    expect_sqlf("1", "SELECT count(*) FROM tags WHERE name = 'it-idem-busy-%ld'", pid);
    free(uid);
    http_res_free(&a);
    http_res_free(&b);
}
END_TEST

START_TEST(test_bad_keys_and_requests_without_one)
{
    long pid = (long)getpid();
    char body[128], longkey[300];
    memset(longkey, 'k', 256);
    longkey[256] = '\0';
    snprintf(body, sizeof(body), "{\"name\":\"it-idem-bad-%ld\"}", pid);
    static const char msg[] = "Invalid Idempotency-Key: use 1 to 255 visible ASCII characters";
    struct http_res a = keyed("POST", "/api/v1/tags", it_admin_key, longkey, body);
    assert_error(&a, 400, msg, "InputException");
    struct http_res b = keyed("POST", "/api/v1/tags", it_admin_key, "has space", body);
    assert_error(&b, 400, msg, "InputException");
    expect_sqlf("0", "SELECT count(*) FROM tags WHERE name = 'it-idem-bad-%ld'", pid);

    /* Without a key: two creates are two writes (the second a 409 here), as always. */
    struct http_res c = keyed("POST", "/api/v1/tags", it_admin_key, NULL, body);
    struct http_res d = keyed("POST", "/api/v1/tags", it_admin_key, NULL, body);
    ck_assert_int_eq(c.status, 200);
    ck_assert_int_eq(d.status, 409);
    /* A read with a key is just a read. */
    struct http_res e = keyed("GET", "/api/v1/tags", it_admin_key, "it-idem-read", NULL);
    ck_assert_int_eq(e.status, 200);
    ck_assert_ptr_null(strstr(e.headers, "Idempotent-Replayed"));
    expect_sqlf("0", "SELECT count(*) FROM deskd_idempotency_keys WHERE key = 'it-idem-read'");
    http_res_free(&a);
    http_res_free(&b);
    http_res_free(&c);
    http_res_free(&d);
    http_res_free(&e);
}
END_TEST

Suite *it_idempotency_suite(void)
{
    return SUITE_OF("idempotency", 60, NULL, NULL, test_repeat_answers_the_first_answer,
                    test_refusal_inside_the_transaction, test_multi_statement_write_once,
                    test_upload_retried_with_another_boundary, test_in_flight_is_409,
                    test_bad_keys_and_requests_without_one);
}
