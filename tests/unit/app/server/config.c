/* app/server/config.c - the environment read into a configuration: refusals and defaults. */
#include <stdlib.h>
#include <string.h>

#include "server/config.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

START_TEST(test_bad_config_is_an_error)
{
    struct config c;
    char err[256];
    static const char *const vars[] = {"DESKD_DATABASE_URL",        "DESKD_LISTEN",
                                       "DESKD_SESSION_TTL",         "DESKD_SECURE_COOKIES",
                                       "DESKD_LOG_LEVEL",           "DESKD_WORKERS",
                                       "DESKD_AI_BASE_URL",         "DESKD_AI_MODEL",
                                       "DESKD_ENCRYPTION_KEY",      "DESKD_AI_TIMEOUT",
                                       "DESKD_MIGRATE_DATABASE_URL"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]); /* defaults are under test; this runs in a forked child */
    setenv("DESKD_WORKERS", "zero", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "DESKD_WORKERS"));
    config_free(&c);
    unsetenv("DESKD_WORKERS");
    setenv("DESKD_LISTEN", "unix:relative.sock", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "DESKD_LISTEN"));
    config_free(&c);
    unsetenv("DESKD_LISTEN");
    static const char *const bad_ai[][2] = {
        {"DESKD_AI_TIMEOUT", "51s"},
        {"DESKD_AI_TIMEOUT", "0s"},
        {"DESKD_AI_MODEL", "gpt 4"},
        {"DESKD_AI_BASE_URL", "ftp://x"},
        {"DESKD_ENCRYPTION_KEY", "31 characters, one too short..."},
        {"DESKD_ENCRYPTION_KEY", "33 characters, one too long......"}};
    for (size_t i = 0; i < sizeof(bad_ai) / sizeof(bad_ai[0]); i++) {
        setenv(bad_ai[i][0], bad_ai[i][1], 1);
        ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
        ck_assert_ptr_nonnull(strstr(err, bad_ai[i][0]));
        config_free(&c);
        unsetenv(bad_ai[i][0]);
    }
    setenv("DESKD_VAR", "/tmp/deskd-unit", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_str_eq(c.listen, "unix:/tmp/deskd-unit/run/deskd.sock");
    ck_assert_str_eq(c.database_url, "host=/tmp/deskd-unit/pg/run dbname=deskd user=deskd");
    ck_assert_str_eq(c.migrate_database_url,
                     "host=/tmp/deskd-unit/pg/run dbname=deskd user=deskd_owner");
    ck_assert_int_eq(c.session_ttl, 32400);
    ck_assert_int_eq(c.secure_cookies, 1);
    ck_assert_str_eq(c.ai_base_url, "https://api.openai.com/v1");
    ck_assert_str_eq(c.ai_model, "gpt-4o-mini");
    ck_assert_int_eq(c.ai_timeout, 10);
    ck_assert_ptr_null(c.encryption_key);
    config_free(&c);
    setenv("DESKD_ENCRYPTION_KEY", "upstream-32-byte-encryption-key!", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_str_eq(c.encryption_key, "upstream-32-byte-encryption-key!");
    config_free(&c);
    unsetenv("DESKD_ENCRYPTION_KEY");
    unsetenv("DESKD_VAR");
}
END_TEST

/* migrate and seed connect with DESKD_MIGRATE_DATABASE_URL, else with DESKD_DATABASE_URL. */
START_TEST(test_migrate_database_url)
{
    struct config c;
    char err[256];
    unsetenv("DESKD_MIGRATE_DATABASE_URL");
    setenv("DESKD_DATABASE_URL", "postgresql://app@db/deskd", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_str_eq(c.database_url, "postgresql://app@db/deskd");
    ck_assert_str_eq(c.migrate_database_url, "postgresql://app@db/deskd");
    config_free(&c);
    setenv("DESKD_MIGRATE_DATABASE_URL", "postgresql://owner@db/deskd", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_str_eq(c.database_url, "postgresql://app@db/deskd");
    ck_assert_str_eq(c.migrate_database_url, "postgresql://owner@db/deskd");
    config_free(&c);
    unsetenv("DESKD_DATABASE_URL");
    unsetenv("DESKD_MIGRATE_DATABASE_URL");
}
END_TEST

/* The read connection: unset or empty is none; the lag bound is checked. */
START_TEST(test_read_url)
{
    struct config c;
    char err[256];
    unsetenv("DESKD_DATABASE_READ_URL");
    unsetenv("DESKD_READ_MAX_LAG");
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_ptr_null(c.database_read_url);
    ck_assert_int_eq(c.read_max_lag, 1000);
    config_free(&c);
    setenv("DESKD_DATABASE_READ_URL", "", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_ptr_null(c.database_read_url);
    config_free(&c);
    setenv("DESKD_DATABASE_READ_URL", "host=db2,db1 target_session_attrs=prefer-standby", 1);
    setenv("DESKD_READ_MAX_LAG", "250", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_str_eq(c.database_read_url, "host=db2,db1 target_session_attrs=prefer-standby");
    ck_assert_int_eq(c.read_max_lag, 250);
    config_free(&c);
    setenv("DESKD_READ_MAX_LAG", "-1", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "DESKD_READ_MAX_LAG"));
    config_free(&c);
    unsetenv("DESKD_READ_MAX_LAG");
    unsetenv("DESKD_DATABASE_READ_URL");
}
END_TEST

START_TEST(test_auth_limits)
{
    struct config c;
    char err[256];
    static const char *const vars[] = {"DESKD_AUTH_KEY_LIMIT", "DESKD_AUTH_ADDR_LIMIT",
                                       "DESKD_AUTH_WINDOW", "DESKD_AUTH_BCRYPT_MAX"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]); /* scripts/test sets some for its stack; this runs in a forked child */
    setenv("DESKD_WORKERS", "4", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.auth_key_limit, 10);
    ck_assert_int_eq(c.auth_addr_limit, 30);
    ck_assert_int_eq(c.auth_window, 60);
    ck_assert_int_eq(c.auth_bcrypt_max, 3); /* one worker always free */
    config_free(&c);
    setenv("DESKD_WORKERS", "1", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.auth_bcrypt_max, 1);
    config_free(&c);
    setenv("DESKD_AUTH_BCRYPT_MAX", "2", 1);
    setenv("DESKD_AUTH_WINDOW", "5m", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.auth_bcrypt_max, 2);
    ck_assert_int_eq(c.auth_window, 300);
    config_free(&c);
    static const char *const bad[][2] = {{"DESKD_AUTH_KEY_LIMIT", "0"},
                                         {"DESKD_AUTH_ADDR_LIMIT", "many"},
                                         {"DESKD_AUTH_WINDOW", "0s"},
                                         {"DESKD_AUTH_BCRYPT_MAX", "-1"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv(bad[i][0], bad[i][1], 1);
        ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
        ck_assert_ptr_nonnull(strstr(err, bad[i][0]));
        config_free(&c);
        unsetenv(bad[i][0]);
    }
    unsetenv("DESKD_WORKERS");
}
END_TEST

START_TEST(test_webhook_settings)
{
    struct config c;
    char err[256];
    static const char *const vars[] = {"DESKD_WEBHOOK_TIMEOUT", "DESKD_WEBHOOK_MAX_ATTEMPTS",
                                       "DESKD_WEBHOOK_RETRY_BASE", "DESKD_WEBHOOK_ALLOW_PRIVATE",
                                       "DESKD_EVENT_RETENTION"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]); /* scripts/test sets some for its stack; this runs in a forked child */
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.webhook_timeout, 10);
    ck_assert_int_eq(c.webhook_max_attempts, 10);
    ck_assert_int_eq(c.webhook_retry_base, 10);
    ck_assert_int_eq(c.webhook_allow_private, 0); /* loopback and private receivers refused */
    ck_assert_int_eq(c.event_retention, 7 * 86400);
    config_free(&c);
    setenv("DESKD_WEBHOOK_ALLOW_PRIVATE", "true", 1);
    setenv("DESKD_EVENT_RETENTION", "30d", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.webhook_allow_private, 1);
    ck_assert_int_eq(c.event_retention, 30 * 86400);
    config_free(&c);
    static const char *const bad[][2] = {{"DESKD_WEBHOOK_TIMEOUT", "5m"},
                                         {"DESKD_WEBHOOK_MAX_ATTEMPTS", "0"},
                                         {"DESKD_WEBHOOK_RETRY_BASE", "2h"},
                                         {"DESKD_WEBHOOK_ALLOW_PRIVATE", "maybe"},
                                         {"DESKD_EVENT_RETENTION", "10m"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv(bad[i][0], bad[i][1], 1);
        ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
        ck_assert_ptr_nonnull(strstr(err, bad[i][0]));
        config_free(&c);
        unsetenv(bad[i][0]);
    }
}
END_TEST

START_TEST(test_mail_settings)
{
    struct config c;
    char err[256];
    static const char *const vars[] = {"DESKD_MAIL_TIMEOUT", "DESKD_MAIL_MAX_ATTEMPTS",
                                       "DESKD_MAIL_RETRY_BASE", "DESKD_MAIL_MAX_SIZE"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]); /* scripts/test sets some for its stack; this runs in a forked child */
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.mail_timeout, 30);
    ck_assert_int_eq(c.mail_max_attempts, 5);
    ck_assert_int_eq(c.mail_retry_base, 60);
    ck_assert_int_eq(c.mail_max_size, 25);
    config_free(&c);
    setenv("DESKD_MAIL_TIMEOUT", "2m", 1);
    setenv("DESKD_MAIL_MAX_SIZE", "50", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.mail_timeout, 120);
    ck_assert_int_eq(c.mail_max_size, 50);
    config_free(&c);
    unsetenv("DESKD_MAIL_TIMEOUT");
    unsetenv("DESKD_MAIL_MAX_SIZE");
    static const char *const bad[][2] = {{"DESKD_MAIL_TIMEOUT", "11m"},
                                         {"DESKD_MAIL_MAX_ATTEMPTS", "0"},
                                         {"DESKD_MAIL_RETRY_BASE", "2d"},
                                         {"DESKD_MAIL_MAX_SIZE", "25MB"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv(bad[i][0], bad[i][1], 1);
        ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
        ck_assert_ptr_nonnull(strstr(err, bad[i][0]));
        config_free(&c);
        unsetenv(bad[i][0]);
    }
}
END_TEST

START_TEST(test_chatwoot_account_id)
{
    struct config c;
    char err[256];
    unsetenv("DESKD_CHATWOOT_ACCOUNT_ID");
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.chatwoot_account_id, 1);
    config_free(&c);
    setenv("DESKD_CHATWOOT_ACCOUNT_ID", "42", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.chatwoot_account_id, 42);
    config_free(&c);
    static const char *const bad[] = {"0", "x", "-3", "2147483648"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv("DESKD_CHATWOOT_ACCOUNT_ID", bad[i], 1);
        ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
        ck_assert_ptr_nonnull(strstr(err, "DESKD_CHATWOOT_ACCOUNT_ID"));
        config_free(&c);
    }
    unsetenv("DESKD_CHATWOOT_ACCOUNT_ID");
}
END_TEST

START_TEST(test_upload_send)
{
    struct config c;
    char err[256];
    static const struct {
        const char *v;
        int want;
    } good[] = {{"x-accel-redirect", UPLOAD_SEND_ACCEL},
                {"x-sendfile", UPLOAD_SEND_SENDFILE},
                {"deskd", UPLOAD_SEND_DESKD}};
    unsetenv("DESKD_UPLOAD_SEND");
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.upload_send, UPLOAD_SEND_ACCEL);
    config_free(&c);
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        setenv("DESKD_UPLOAD_SEND", good[i].v, 1);
        ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
        ck_assert_int_eq(c.upload_send, good[i].want);
        config_free(&c);
    }
    static const char *const bad[] = {"X-Sendfile", "nginx", "x-sendfile "};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv("DESKD_UPLOAD_SEND", bad[i], 1);
        ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
        ck_assert_ptr_nonnull(strstr(err, "DESKD_UPLOAD_SEND"));
        config_free(&c);
    }
    unsetenv("DESKD_UPLOAD_SEND");
}
END_TEST

Suite *config_suite(void)
{
    return SUITE_OF("config", 10, NULL, NULL, test_bad_config_is_an_error,
                    test_migrate_database_url, test_read_url, test_auth_limits,
                    test_webhook_settings, test_mail_settings, test_chatwoot_account_id,
                    test_upload_send);
}
