/*
 * config.c - deskd's settings from the environment, with safe defaults.
 */
#include "server/config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "lib/env.h"
#include "lib/log.h"
#include "lib/xalloc.h"

static char *joinf(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *out = xmalloc(n);
    snprintf(out, n, "%s%s", a, b);
    return out;
}

int config_load(struct config *c, char *err, size_t errlen)
{
    const char *v;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    memset(c, 0, sizeof(*c));
    c->var_dir = env_absolute(env_get("DESKD_VAR") ? env_get("DESKD_VAR") : "./var");
    while (strlen(c->var_dir) > 1 && c->var_dir[strlen(c->var_dir) - 1] == '/')
        c->var_dir[strlen(c->var_dir) - 1] = '\0';

    if ((v = env_get("DESKD_DATABASE_URL")) != NULL) {
        c->database_url = xstrdup(v);
    } else {
        size_t n = strlen(c->var_dir) + 64;
        c->database_url = xmalloc(n);
        snprintf(c->database_url, n, "host=%s/pg/run dbname=deskd user=deskd", c->var_dir);
    }
    /*
     * Migrations (and seed) run as the role that owns the schema; the
     * workers' role may only read and write rows.  Unset, it is the
     * private cluster's owner role, or DESKD_DATABASE_URL when that is set
     * (one role for both, as before).
     */
    if ((v = env_get("DESKD_MIGRATE_DATABASE_URL")) != NULL) {
        c->migrate_database_url = xstrdup(v);
    } else if (env_get("DESKD_DATABASE_URL") != NULL) {
        c->migrate_database_url = xstrdup(c->database_url);
    } else {
        size_t n = strlen(c->var_dir) + 64;
        c->migrate_database_url = xmalloc(n);
        snprintf(c->migrate_database_url, n, "host=%s/pg/run dbname=deskd user=deskd_owner",
                 c->var_dir);
    }
    /* A second, read-only connection for lists and search (a streaming standby). */
    if ((v = env_get("DESKD_DATABASE_READ_URL")) != NULL && v[0] != '\0')
        c->database_read_url = xstrdup(v);

    if ((v = env_get("DESKD_LISTEN")) != NULL) {
        if (strncmp(v, "unix:", 5) == 0) {
            if (v[5] != '/') {
                snprintf(err, errlen, "DESKD_LISTEN=%s: unix socket path must be absolute", v);
                return -1;
            }
        } else if (strchr(v, ':') == NULL) {
            snprintf(err, errlen, "DESKD_LISTEN=%s: expected unix:/path or host:port", v);
            return -1;
        }
        c->listen = xstrdup(v);
    } else {
        c->listen = joinf("unix:", c->var_dir);
        char *l = joinf(c->listen, "/run/deskd.sock");
        free(c->listen);
        c->listen = l;
    }

    /* The live hub's socket (GET /ws through nginx), the same forms as DESKD_LISTEN. */
    if ((v = env_get("DESKD_WS_LISTEN")) != NULL) {
        if (strncmp(v, "unix:", 5) == 0) {
            if (v[5] != '/') {
                snprintf(err, errlen, "DESKD_WS_LISTEN=%s: unix socket path must be absolute", v);
                return -1;
            }
        } else if (strchr(v, ':') == NULL) {
            snprintf(err, errlen, "DESKD_WS_LISTEN=%s: expected unix:/path or host:port", v);
            return -1;
        }
        c->ws_listen = xstrdup(v);
    } else {
        char *l = joinf("unix:", c->var_dir);
        c->ws_listen = joinf(l, "/run/deskd-ws.sock");
        free(l);
    }
    /* What one live client may have queued before it is cut off, in KiB. */
    if (env_int("DESKD_WS_CLIENT_BUFFER", 256, 16, 65536, &c->ws_client_buffer, err, errlen) != 0)
        return -1;

    if (env_int("DESKD_WORKERS", cores > 0 ? (int)cores * 2 : 4, 1, 256, &c->workers, err,
                errlen) != 0)
        return -1;

    if (env_duration("DESKD_SESSION_TTL", 9 * 3600, 60, 366L * 86400, &c->session_ttl, err,
                     errlen) != 0 ||
        env_bool("DESKD_SECURE_COOKIES", 1, &c->secure_cookies, err, errlen) != 0)
        return -1;

    /* Upstream's app.encryption_key: exactly 32 bytes, used as the AES-256 key itself. */
    v = env_get("DESKD_ENCRYPTION_KEY");
    if (v != NULL && strlen(v) != 32) {
        snprintf(err, errlen,
                 "DESKD_ENCRYPTION_KEY: must be exactly 32 characters (upstream's "
                 "app.encryption_key), got %zu",
                 strlen(v));
        return -1;
    }
    c->encryption_key = v != NULL ? xstrdup(v) : NULL;

    v = env_get("DESKD_AI_BASE_URL");
    if (v != NULL && strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0) {
        snprintf(err, errlen, "DESKD_AI_BASE_URL=%s: expected an http(s):// URL", v);
        return -1;
    }
    c->ai_base_url = xstrdup(v ? v : "https://api.openai.com/v1");

    v = env_get("DESKD_AI_MODEL");
    if (v != NULL && (*v == '\0' || strlen(v) > 100 || strpbrk(v, "\" \\\r\n\t") != NULL)) {
        snprintf(err, errlen, "DESKD_AI_MODEL: expected a model name such as gpt-4o-mini");
        return -1;
    }
    c->ai_model = xstrdup(v ? v : "gpt-4o-mini");

    /* Under nginx's 60 s read timeout. */
    if (env_duration("DESKD_AI_TIMEOUT", 10, 1, 50, &c->ai_timeout, err, errlen) != 0)
        return -1;

    v = env_get("DESKD_UPLOAD_DIR");
    c->upload_dir = v ? env_absolute(v) : joinf(c->var_dir, "/uploads");
    v = env_get("DESKD_UPLOAD_SEND");
    if (v == NULL || strcmp(v, "x-accel-redirect") == 0) {
        c->upload_send = UPLOAD_SEND_ACCEL;
    } else if (strcmp(v, "x-sendfile") == 0) {
        c->upload_send = UPLOAD_SEND_SENDFILE;
    } else if (strcmp(v, "deskd") == 0) {
        c->upload_send = UPLOAD_SEND_DESKD;
    } else {
        snprintf(err, errlen,
                 "DESKD_UPLOAD_SEND=%s: expected x-accel-redirect, x-sendfile or deskd", v);
        return -1;
    }

    v = env_get("DESKD_LANG_DIR");
    c->lang_dir = v ? env_absolute(v) : joinf(c->var_dir, "/lang");

    c->log_level = LOG_INFO;
    if ((v = env_get("DESKD_LOG_LEVEL")) != NULL) {
        c->log_level = log_level_parse(v);
        if (c->log_level < 0) {
            snprintf(err, errlen, "DESKD_LOG_LEVEL=%s: expected error, warn, info or debug", v);
            return -1;
        }
    }

    c->log_json = 0;
    if ((v = env_get("DESKD_LOG_FORMAT")) != NULL) {
        if (strcmp(v, "json") == 0)
            c->log_json = 1;
        else if (strcmp(v, "text") != 0) {
            snprintf(err, errlen, "DESKD_LOG_FORMAT=%s: expected json or text", v);
            return -1;
        }
    }

    c->metrics = 1;
    if ((v = env_get("DESKD_METRICS")) != NULL) {
        if (strcmp(v, "off") == 0)
            c->metrics = 0;
        else if (strcmp(v, "on") != 0) {
            snprintf(err, errlen, "DESKD_METRICS=%s: expected on or off", v);
            return -1;
        }
    }

    v = env_get("DESKD_USER");
    c->user = v ? xstrdup(v) : NULL;

    if (env_int("DESKD_SHUTDOWN_TIMEOUT", 30, 1, 3600, &c->shutdown_timeout, err, errlen) != 0)
        return -1;
    if (env_int("DESKD_STATEMENT_TIMEOUT", 10000, 0, 3600000, &c->statement_timeout, err, errlen) !=
        0)
        return -1;
    if (env_int("DESKD_READ_MAX_LAG", 1000, 0, 600000, &c->read_max_lag, err, errlen) != 0)
        return -1;
    if (env_int("DESKD_BACKLOG", 1024, 16, 65535, &c->backlog, err, errlen) != 0)
        return -1;

    /*
     * Failed credential checks (wrong API secrets, unknown keys, bad session
     * tokens) before 429: a person mistyping or a client with a stale key
     * stays well under; a guesser gets 10 bcrypts a minute per key.  The
     * address limit is higher because an office shares one address.
     */
    if (env_int("DESKD_AUTH_KEY_LIMIT", 10, 1, 1000000, &c->auth_key_limit, err, errlen) != 0 ||
        env_int("DESKD_AUTH_ADDR_LIMIT", 30, 1, 1000000, &c->auth_addr_limit, err, errlen) != 0 ||
        env_int("DESKD_AUTH_TARPIT", 128, 0, 1000000, &c->auth_tarpit, err, errlen) != 0 ||
        env_duration("DESKD_AUTH_WINDOW", 60, 1, 86400, &c->auth_window, err, errlen) != 0)
        return -1;
    /* Default: all workers but one, so one is always free for requests that need no bcrypt. */
    if (env_int("DESKD_AUTH_BCRYPT_MAX", 0, 0, 256, &c->auth_bcrypt_max, err, errlen) != 0)
        return -1;
    if (c->auth_bcrypt_max == 0)
        c->auth_bcrypt_max = c->workers > 1 ? c->workers - 1 : 1;
    /* Chatwoot's API names an account in every path; deskd is one account. */
    if (env_int("DESKD_CHATWOOT_ACCOUNT_ID", 1, 1, 2147483647, &c->chatwoot_account_id, err,
                errlen) != 0)
        return -1;

    /*
     * Webhook deliveries (app/services/dispatcher.c): an attempt gets
     * DESKD_WEBHOOK_TIMEOUT; a failed one is retried after about
     * base * 2^(attempt - 1) (with jitter, at most an hour) until
     * DESKD_WEBHOOK_MAX_ATTEMPTS attempts were made.  Receivers on
     * loopback or private addresses are refused unless allowed.
     */
    if (env_duration("DESKD_WEBHOOK_TIMEOUT", 10, 1, 120, &c->webhook_timeout, err, errlen) != 0 ||
        env_int("DESKD_WEBHOOK_MAX_ATTEMPTS", 10, 1, 100, &c->webhook_max_attempts, err, errlen) !=
            0 ||
        env_duration("DESKD_WEBHOOK_RETRY_BASE", 10, 1, 3600, &c->webhook_retry_base, err,
                     errlen) != 0 ||
        env_bool("DESKD_WEBHOOK_ALLOW_PRIVATE", 0, &c->webhook_allow_private, err, errlen) != 0)
        return -1;
    /* The SLA breach service (app/services/sla.c) looks for overdue deadlines this often. */
    if (env_duration("DESKD_SLA_INTERVAL", 30, 1, 3600, &c->sla_interval, err, errlen) != 0)
        return -1;
    /* The time-triggered automation rules (app/services/automation.c) run this often. */
    if (env_duration("DESKD_AUTOMATION_INTERVAL", 3600, 1, 86400, &c->automation_interval, err,
                     errlen) != 0 ||
        env_int("DESKD_AUTOMATION_LOOKBACK_DAYS", 90, 1, 3650, &c->automation_lookback_days, err,
                errlen) != 0)
        return -1;
    /* Events (deskd_events) and finished deliveries are purged after this. */
    if (env_duration("DESKD_EVENT_RETENTION", 7 * 86400, 3600, 366L * 86400, &c->event_retention,
                     err, errlen) != 0)
        return -1;

    /*
     * E-mail (app/services/mail.c): an IMAP call or SMTP send gets
     * DESKD_MAIL_TIMEOUT; a failed reply is tried again after about
     * base * 2^(attempt - 1) until DESKD_MAIL_MAX_ATTEMPTS attempts were made;
     * an inbound message over DESKD_MAIL_MAX_SIZE MB is logged and skipped.
     */
    if (env_duration("DESKD_MAIL_TIMEOUT", 30, 1, 600, &c->mail_timeout, err, errlen) != 0 ||
        env_int("DESKD_MAIL_MAX_ATTEMPTS", 5, 1, 100, &c->mail_max_attempts, err, errlen) != 0 ||
        env_duration("DESKD_MAIL_RETRY_BASE", 60, 1, 86400, &c->mail_retry_base, err, errlen) !=
            0 ||
        env_int("DESKD_MAIL_MAX_SIZE", 25, 1, 1024, &c->mail_max_size, err, errlen) != 0)
        return -1;

    v = env_get("DESKD_SQL_DIR");
    c->sql_dir = v ? env_absolute(v) : NULL;
    return 0;
}

int config_load_secret(struct config *c, int create, char *err, size_t errlen)
{
    const char *v = env_get("DESKD_SECRET_KEY");
    char path[PATH_MAX];
    char buf[256];
    int fd;
    ssize_t n;

    if (v != NULL) {
        if (strlen(v) < 32) {
            snprintf(err, errlen, "DESKD_SECRET_KEY: must be at least 32 characters");
            return -1;
        }
        c->secret_key = xstrdup(v);
        return 0;
    }
    snprintf(path, sizeof(path), "%s/secret", c->var_dir);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        unsigned char raw[32];
        char hex[65];
        if (crypto_random(raw, sizeof(raw)) != 0) {
            snprintf(err, errlen, "cannot generate a secret: no randomness");
            return -1;
        }
        for (size_t i = 0; i < sizeof(raw); i++)
            snprintf(hex + 2 * i, 3, "%02x", raw[i]);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            if (write(fd, hex, 64) != 64) {
                snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
                close(fd);
                return -1;
            }
            close(fd);
            log_info("generated a new server secret in %s", path);
        }
        fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s (set DESKD_SECRET_KEY or create it)", path, strerror(errno));
        return -1;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        n--;
    buf[n] = '\0';
    if (n < 32) {
        snprintf(err, errlen, "%s: secret must be at least 32 characters", path);
        return -1;
    }
    c->secret_key = xstrdup(buf);
    return 0;
}

void config_free(struct config *c)
{
    free(c->var_dir);
    free(c->database_url);
    free(c->migrate_database_url);
    free(c->database_read_url);
    free(c->listen);
    free(c->ws_listen);
    free(c->secret_key);
    free(c->encryption_key);
    free(c->ai_base_url);
    free(c->ai_model);
    free(c->upload_dir);
    free(c->lang_dir);
    free(c->user);
    free(c->sql_dir);
    memset(c, 0, sizeof(*c));
}

char *config_sql_dir(const struct config *cfg)
{
    char exe[PATH_MAX];
    ssize_t n;

    if (cfg->sql_dir != NULL)
        return xstrdup(cfg->sql_dir);
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            /* sql/ beside bin/ (a checkout), or where `make install` puts it. */
            static const char *const rel[] = {"/../sql", "/../share/deskd/sql"};
            *slash = '\0';
            for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
                size_t len = strlen(exe) + strlen(rel[i]) + 1;
                char *dir = xmalloc(len);
                snprintf(dir, len, "%s%s", exe, rel[i]);
                if (access(dir, R_OK) == 0)
                    return dir;
                free(dir);
            }
        }
    }
    return xstrdup("sql");
}

int config_is_migration(const char *name)
{
    size_t n = strlen(name);
    return n > 8 && name[0] >= '0' && name[0] <= '9' && name[1] >= '0' && name[1] <= '9' &&
           name[2] >= '0' && name[2] <= '9' && name[3] == '_' && strcmp(name + n - 4, ".sql") == 0;
}
