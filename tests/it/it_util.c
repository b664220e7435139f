/* it_util.c - HTTP, SQL and process helpers for the integration suites. */
#include "it.h"

#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <curl/curl.h>
#include <libpq-fe.h>

char it_admin_key[256];
char it_agent_key[256];
char it_admin_email[128];
char it_agent_email[128];
const char *it_source_addr;

const char *it_base_url(void)
{
    const char *u = getenv("DESKD_TEST_URL");
    return u ? u : "http://127.0.0.1:8080";
}

const char *it_root(void)
{
    const char *r = getenv("DESKD_ROOT");
    return r ? r : ".";
}

struct buf {
    char *p;
    size_t len;
};

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    struct buf *b = arg;
    size_t add = size * n;
    char *p = realloc(b->p, b->len + add + 1);
    if (p == NULL)
        return 0;
    memcpy(p + b->len, data, add);
    b->p = p;
    b->len += add;
    b->p[b->len] = '\0';
    return add;
}

struct http_res http_do(const char *method, const char *path, const char *auth, const char *body,
                        size_t len, const char *extra)
{
    struct http_res r = {0};
    struct buf bb = {0}, hb = {0};
    struct curl_slist *hdrs = NULL;
    char *url = NULL, ah[600];
    CURL *c = curl_easy_init();

    ck_assert_ptr_nonnull(c);
    /* Any length: a path cut short would test something else than was asked. */
    ck_assert_int_ge(asprintf(&url, "%s%s", it_base_url(), path), 0);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    if (it_source_addr != NULL)
        curl_easy_setopt(c, CURLOPT_INTERFACE, it_source_addr);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &bb);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hb);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        if (extra == NULL || strncasecmp(extra, "Content-Type:", 13) != 0)
            hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    }
    if (auth != NULL) {
        snprintf(ah, sizeof(ah), "Authorization: %s", auth);
        hdrs = curl_slist_append(hdrs, ah);
    }
    /* extra may hold several headers, one per line. */
    for (const char *h = extra; h != NULL && *h;) {
        const char *nl = strchr(h, '\n');
        size_t n = nl ? (size_t)(nl - h) : strlen(h);
        char line[512];
        snprintf(line, sizeof(line), "%.*s", (int)n, h);
        hdrs = curl_slist_append(hdrs, line);
        h = nl ? nl + 1 : NULL;
    }
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    CURLcode rc = curl_easy_perform(c);
    ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    free(url);
    r.body = bb.p ? bb.p : calloc(1, 1);
    r.len = bb.len;
    r.headers = hb.p ? hb.p : calloc(1, 1);
    return r;
}

struct http_res http_get(const char *path, const char *auth)
{
    return http_do("GET", path, auth, NULL, 0, NULL);
}

void http_res_free(struct http_res *r)
{
    free(r->body);
    free(r->headers);
    memset(r, 0, sizeof(*r));
}

const char *http_header(const struct http_res *r, const char *name, char *buf, size_t len)
{
    size_t n = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *end = strstr(line, "\r\n");
        if (end == NULL)
            break;
        if ((size_t)(end - line) > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            size_t vl = (size_t)(end - v);
            if (vl >= len)
                vl = len - 1;
            memcpy(buf, v, vl);
            buf[vl] = '\0';
            return buf;
        }
        line = end + 2;
    }
    return NULL;
}

const char *tok(const char *key)
{
    static char slots[4][300];
    static int next;
    char *s = slots[next++ % 4];
    snprintf(s, sizeof(slots[0]), "token %s", key);
    return s;
}

json_object *json_body(const struct http_res *r)
{
    json_object *j = json_tokener_parse(r->body);
    ck_assert_msg(j != NULL, "body is not JSON: %s", r->body);
    return j;
}

void assert_error(const struct http_res *r, long status, const char *message, const char *type)
{
    char want[1024];
    ck_assert_msg(r->status == status, "status %ld, want %ld; body %s", r->status, status, r->body);
    snprintf(want, sizeof(want),
             "{\"status\":\"error\",\"message\":\"%s\",\"error_type\":\"%s\",\"data\":null}",
             message, type);
    ck_assert_str_eq(r->body, want);
    char ct[128];
    ck_assert_ptr_nonnull(http_header(r, "Content-Type", ct, sizeof(ct)));
    ck_assert_ptr_nonnull(strstr(ct, "application/json"));
}

void expect_error(const char *path, const char *auth, long status, const char *message,
                  const char *type)
{
    struct http_res r = http_get(path, auth);
    assert_error(&r, status, message, type);
    http_res_free(&r);
}

const char *it_owner_dsn(void)
{
    const char *dsn = getenv("DESKD_MIGRATE_DATABASE_URL");
    if (dsn == NULL || *dsn == '\0')
        dsn = getenv("DESKD_DATABASE_URL");
    return dsn ? dsn : "";
}

static PGconn *connect_db(void)
{
    PGconn *c = PQconnectdb(it_owner_dsn());
    ck_assert_msg(PQstatus(c) == CONNECTION_OK, "test db: %s", PQerrorMessage(c));
    return c;
}

char *sql_value(const char *sql)
{
    PGconn *c = connect_db();
    PGresult *res = PQexec(c, sql);
    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
    char *v = NULL;
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        v = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(c);
    return v;
}

void sql_exec(const char *sql)
{
    PGconn *c = connect_db();
    PGresult *res = PQexec(c, sql);
    ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK,
                  "%s: %s", sql, PQerrorMessage(c));
    PQclear(res);
    PQfinish(c);
}

int run_cmd(const char *cmd, char *last, size_t len)
{
    char line[1024];
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    if (last != NULL && len > 0)
        last[0] = '\0';
    while (fgets(line, sizeof(line), p) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (last != NULL && line[0] != '\0')
            snprintf(last, len, "%s", line);
    }
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

pid_t master_pid(void)
{
    char path[1024], buf[32] = "";
    const char *var = getenv("DESKD_VAR");
    snprintf(path, sizeof(path), "%s/run/deskd.pid", var ? var : "var");
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    if (fgets(buf, sizeof(buf), f) == NULL)
        buf[0] = '\0';
    fclose(f);
    return (pid_t)atol(buf);
}

int worker_pids(pid_t master, pid_t *out, int max)
{
    char path[128], buf[4096];
    int n = 0;
    snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", (long)master, (long)master);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    if (fgets(buf, sizeof(buf), f) != NULL) {
        for (char *t = strtok(buf, " \n"); t != NULL && n < max; t = strtok(NULL, " \n")) {
            /* Services (the live hub, ...) name themselves; the workers stay "deskd". */
            char cpath[64], comm[32] = "";
            snprintf(cpath, sizeof(cpath), "/proc/%s/comm", t);
            FILE *cf = fopen(cpath, "r");
            if (cf != NULL) {
                if (fgets(comm, sizeof(comm), cf) == NULL)
                    comm[0] = '\0';
                fclose(cf);
            }
            if (strcmp(comm, "deskd\n") == 0)
                out[n++] = (pid_t)atol(t);
        }
    }
    fclose(f);
    return n;
}

/* Logs in; the session token and csrf cookie values into tok/csrf. Returns the status. */
long it_login(const char *email, const char *password, char *tok, size_t tlen, char *csrf,
              size_t clen)
{
    char body[512];
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
    struct http_res r = http_do("POST", "/api/v1/auth/login", NULL, body, strlen(body), NULL);
    long st = r.status;
    if (tok)
        tok[0] = '\0';
    if (csrf)
        csrf[0] = '\0';
    for (const char *line = r.headers; line && (line = strcasestr(line, "Set-Cookie: ")) != NULL;
         line += 12) {
        const char *v = line + 12;
        size_t n = strcspn(v, ";\r\n");
        if (tok && strncmp(v, "libredesk_session=", 18) == 0)
            snprintf(tok, tlen, "%.*s", (int)(n - 18), v + 18);
        if (csrf && strncmp(v, "csrf_token=", 11) == 0)
            snprintf(csrf, clen, "%.*s", (int)(n - 11), v + 11);
    }
    http_res_free(&r);
    return st;
}

struct http_res http_json(const char *method, const char *path, const char *key, const char *body)
{
    return http_do(method, path, key ? tok(key) : NULL, body, body ? strlen(body) : 0,
                   "Content-Type: application/json");
}

void expect_json_error(const char *method, const char *path, const char *key, const char *body,
                       long status, const char *message, const char *type)
{
    struct http_res r = http_json(method, path, key, body);
    assert_error(&r, status, message, type);
    http_res_free(&r);
}

json_object *json_data(const struct http_res *r, json_object **root)
{
    json_object *d;
    *root = json_body(r);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(*root, "status")), "success");
    ck_assert(json_object_object_get_ex(*root, "data", &d));
    return d;
}

const char *json_str(json_object *o, const char *key)
{
    json_object *v;
    ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s", key);
    return json_object_get_string(v);
}

static char *vsql_value(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vsql_value(const char *fmt, va_list ap)
{
    char sql[4096];
    int n = vsnprintf(sql, sizeof(sql), fmt, ap);
    ck_assert_msg(n >= 0 && (size_t)n < sizeof(sql), "SQL too long");
    return sql_value(sql);
}

char *sql_valuef(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = vsql_value(fmt, ap);
    va_end(ap);
    return v;
}

void expect_sqlf(const char *want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = vsql_value(fmt, ap);
    va_end(ap);
    ck_assert_msg(v != NULL && strcmp(v, want) == 0, "%s: got %s, want %s", fmt, v ? v : "NULL",
                  want);
    free(v);
}

void copy_value(char *dst, size_t len, char *v)
{
    ck_assert_ptr_nonnull(v);
    snprintf(dst, len, "%s", v);
    free(v);
}

void url_escape(const char *s, char *out, size_t len)
{
    char *e = curl_easy_escape(NULL, s, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_lt(strlen(e), len);
    snprintf(out, len, "%s", e);
    curl_free(e);
}

void it_make_agent(const char *email, const char *first_name, const char *role,
                   const char *password, char *id, size_t ilen, char *key, size_t klen)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "'%s/bin/deskd' agent create --email %s --first-name %s --role '%s'%s%s%s >/dev/null",
             it_root(), email, first_name, role, password ? " --password '" : "",
             password ? password : "", password ? "'" : "");
    ck_assert_int_eq(run_cmd(cmd, NULL, 0), 0);
    if (id != NULL)
        copy_value(id, ilen, sql_valuef("SELECT id FROM users WHERE email = '%s'", email));
    if (key != NULL) {
        snprintf(cmd, sizeof(cmd), "'%s/bin/deskd' agent api-key --email %s", it_root(), email);
        ck_assert_int_eq(run_cmd(cmd, key, klen), 0);
        ck_assert_ptr_nonnull(strchr(key, ':'));
    }
}
