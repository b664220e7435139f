/*
 * it.h - helpers for the integration suites: HTTP through the private
 * nginx with libcurl, database checks with libpq, and the deskd CLI.
 * The stack is started by scripts/test; these suites only talk to it.
 */
#ifndef TESTS_IT_IT_H
#define TESTS_IT_IT_H

#include <stddef.h>
#include <sys/types.h>

#include <check.h>
#include <json-c/json.h>

struct http_res {
    long status;
    char *body; /* NUL-terminated; freed by http_res_free() */
    size_t len;
    char *headers; /* raw response headers */
};

/* Fixtures created once by the runner (see check_it_main.c). */
extern char it_admin_key[256]; /* "KEY:SECRET" of an Admin agent */
extern char it_agent_key[256]; /* "KEY:SECRET" of an Agent-role agent */
extern char it_admin_email[128];
extern char it_agent_email[128];
/*
 * Local address requests are sent from (NULL: the default, 127.0.0.1); any
 * 127.x.y.z reaches the private nginx and becomes deskd's REMOTE_ADDR.
 */
extern const char *it_source_addr;

const char *it_base_url(void);
const char *it_root(void);

/*
 * Performs a request.  auth is a full Authorization header value or NULL;
 * extra holds more "Name: value" headers, one per line, or NULL.  Fails the test on a
 * transport error.
 */
struct http_res http_do(const char *method, const char *path, const char *auth, const char *body,
                        size_t len, const char *extra);
struct http_res http_get(const char *path, const char *auth);
void http_res_free(struct http_res *r);
/* Value of a response header (case-insensitive name), copied into buf; NULL if absent. */
const char *http_header(const struct http_res *r, const char *name, char *buf, size_t len);

/* "token KEY:SECRET" for a key pair, in a static buffer per call slot. */
const char *tok(const char *key);

/* Parses r->body, asserting it is JSON; caller puts the root. */
json_object *json_body(const struct http_res *r);

/* Asserts the error envelope exactly: status, message and error_type. */
void assert_error(const struct http_res *r, long status, const char *message, const char *type);

/* GETs path and asserts the exact error envelope (see assert_error()). */
void expect_error(const char *path, const char *auth, long status, const char *message,
                  const char *type);

/*
 * The connection string of the test database's fixtures: the schema owner
 * (DESKD_MIGRATE_DATABASE_URL), else DESKD_DATABASE_URL.  sql_value() and
 * sql_exec() connect with it: some fixtures rename tables.
 */
const char *it_owner_dsn(void);
/* Runs one SQL statement on the test database; returns the first value (malloc'd) or NULL. */
char *sql_value(const char *sql);
/* Runs SQL that returns nothing; fails the test on error. */
void sql_exec(const char *sql);

/* Runs a shell command, returns its exit status; stdout's last line into last (if non-NULL). */
int run_cmd(const char *cmd, char *last, size_t len);

/* The deskd master's pid from the pid file, and its worker pids (children). */
pid_t master_pid(void);
int worker_pids(pid_t master, pid_t *out, int max);

/* A request with a JSON body (or none) and "token key" auth (key NULL: none). */
struct http_res http_json(const char *method, const char *path, const char *key, const char *body);
/* http_json(), then assert_error() on the answer. */
void expect_json_error(const char *method, const char *path, const char *key, const char *body,
                       long status, const char *message, const char *type);

/* The data of a success envelope (asserted); *root is the parsed body to put. */
json_object *json_data(const struct http_res *r, json_object **root);
/* The value of key in o as a string; the key must be there. */
const char *json_str(json_object *o, const char *key);

/* sql_value() of the statement fmt builds (caller frees). */
char *sql_valuef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Asserts that the first value of the statement fmt builds is want. */
void expect_sqlf(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copies v (asserted non-NULL) into dst and frees it. */
void copy_value(char *dst, size_t len, char *v);
/* s percent-encoded for a query string. */
void url_escape(const char *s, char *out, size_t len);

/*
 * Creates an agent with the CLI (password NULL: a generated one); its id
 * into id and an API key "KEY:SECRET" into key, each when not NULL.
 */
void it_make_agent(const char *email, const char *first_name, const char *role,
                   const char *password, char *id, size_t ilen, char *key, size_t klen);

/* POST /api/v1/auth/login; the session token and csrf cookie values into tok/csrf (each may
 * be NULL).  Returns the status. */
long it_login(const char *email, const char *password, char *tok, size_t tlen, char *csrf,
              size_t clen);

Suite *it_api_suite(void);
Suite *it_agents_suite(void);
Suite *it_auth_suite(void);
Suite *it_errors_suite(void);
Suite *it_http_suite(void);
Suite *it_wassist_suite(void);
Suite *it_fault_suite(void);
Suite *it_conversations_suite(void);
Suite *it_sessions_suite(void);
Suite *it_statuses_suite(void);
Suite *it_notifications_suite(void);
Suite *it_automation_suite(void);
Suite *it_automation_run_suite(void);
Suite *it_macros_suite(void);
Suite *it_tags_suite(void);
Suite *it_reports_suite(void);
Suite *it_events_suite(void);
Suite *it_sla_suite(void);
Suite *it_csat_suite(void);
Suite *it_ai_suite(void);
Suite *it_views_suite(void);
Suite *it_contacts_suite(void);
Suite *it_media_suite(void);
Suite *it_roles_suite(void);
Suite *it_settings_suite(void);
Suite *it_inboxes_suite(void);
Suite *it_custom_attributes_suite(void);
Suite *it_drafts_suite(void);
Suite *it_openapi_suite(void);
Suite *it_activity_log_suite(void);
Suite *it_oidc_suite(void);
Suite *it_dbroles_suite(void);
Suite *it_idempotency_suite(void);
Suite *it_authlimit_suite(void);
Suite *it_webhooks_suite(void);
Suite *it_vambe_suite(void);
Suite *it_chatwoot_suite(void);

#endif
