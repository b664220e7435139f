/*
 * config.h - deskd's configuration, read from the environment once and
 * validated before anything is forked.  A bad value is a clear error at
 * startup.  The struct is immutable after config_load().
 */
#ifndef SERVER_CONFIG_H
#define SERVER_CONFIG_H

#include <stddef.h>

/* Who sends a download's bytes (GET /uploads/{uuid}). */
enum upload_send {
    UPLOAD_SEND_ACCEL,    /* nginx: X-Accel-Redirect to /_deskd_uploads/ */
    UPLOAD_SEND_SENDFILE, /* Apache's mod_xsendfile: X-Sendfile with the file's path */
    UPLOAD_SEND_DESKD,    /* deskd itself, in the response body */
};

struct config {
    char *var_dir;              /* DESKD_VAR, absolute */
    char *database_url;         /* DESKD_DATABASE_URL: the workers' (and agent commands') role */
    char *migrate_database_url; /* DESKD_MIGRATE_DATABASE_URL: the owner role (migrate, seed) */
    char *database_read_url; /* DESKD_DATABASE_READ_URL: lists and search on a standby, or NULL */
    int read_max_lag;        /* DESKD_READ_MAX_LAG: milliseconds a standby may trail */
    char *listen;            /* DESKD_LISTEN: "unix:/path" or "host:port" */
    char *ws_listen;         /* DESKD_WS_LISTEN: the live hub's socket, as listen */
    int ws_client_buffer;    /* DESKD_WS_CLIENT_BUFFER: KiB queued per live client at most */
    int workers;             /* DESKD_WORKERS */
    char *secret_key;        /* DESKD_SECRET_KEY, or var/secret (see config_load_secret) */
    char *encryption_key;    /* DESKD_ENCRYPTION_KEY: upstream's 32-byte key, or NULL */
    long session_ttl;        /* DESKD_SESSION_TTL, seconds */
    int secure_cookies;      /* DESKD_SECURE_COOKIES */
    char *ai_base_url;       /* DESKD_AI_BASE_URL */
    char *ai_model;          /* DESKD_AI_MODEL */
    long ai_timeout;         /* DESKD_AI_TIMEOUT, seconds */
    char *upload_dir;        /* DESKD_UPLOAD_DIR */
    int upload_send;         /* DESKD_UPLOAD_SEND: enum upload_send */
    char *lang_dir;          /* DESKD_LANG_DIR: <lang>.json language files */
    int log_level;           /* DESKD_LOG_LEVEL */
    int log_json;            /* DESKD_LOG_FORMAT: json (1) or text (0) */
    int metrics;             /* DESKD_METRICS: on (1) or off (0: no counting, /metrics 404) */
    char *user;              /* DESKD_USER: drop to this user when started as root */
    int shutdown_timeout;    /* DESKD_SHUTDOWN_TIMEOUT, seconds */
    int statement_timeout;   /* DESKD_STATEMENT_TIMEOUT, milliseconds */
    int backlog;             /* DESKD_BACKLOG */
    char *sql_dir;           /* DESKD_SQL_DIR: migrations */
    int auth_key_limit;      /* DESKD_AUTH_KEY_LIMIT: failed checks per API key id per window */
    int auth_addr_limit; /* DESKD_AUTH_ADDR_LIMIT: failed checks per client address per window */
    int auth_tarpit;     /* DESKD_AUTH_TARPIT: bytes/s nginx sends those 429s at (0: off) */
    long auth_window;    /* DESKD_AUTH_WINDOW, seconds */
    int auth_bcrypt_max; /* DESKD_AUTH_BCRYPT_MAX: workers doing a bcrypt at once (resolved) */

    /* The webhook dispatcher (app/services/dispatcher.c). */
    long webhook_timeout;         /* DESKD_WEBHOOK_TIMEOUT: one delivery attempt, seconds */
    int webhook_max_attempts;     /* DESKD_WEBHOOK_MAX_ATTEMPTS: then the delivery is dead */
    long webhook_retry_base;      /* DESKD_WEBHOOK_RETRY_BASE: first retry delay, seconds */
    int webhook_allow_private;    /* DESKD_WEBHOOK_ALLOW_PRIVATE: loopback/private receivers */
    long event_retention;         /* DESKD_EVENT_RETENTION: events kept, seconds */
    long sla_interval;            /* DESKD_SLA_INTERVAL: between two breach rounds, seconds */
    long automation_interval;     /* DESKD_AUTOMATION_INTERVAL: between time-trigger rounds, s */
    int automation_lookback_days; /* DESKD_AUTOMATION_LOOKBACK_DAYS: conversations that old */
    /* The mail process (app/services/mail.c). */
    long mail_timeout;     /* DESKD_MAIL_TIMEOUT: one IMAP call or SMTP send, seconds */
    int mail_max_attempts; /* DESKD_MAIL_MAX_ATTEMPTS: SMTP attempts before a reply stays failed */
    long mail_retry_base;  /* DESKD_MAIL_RETRY_BASE: first retry delay, seconds */
    int mail_max_size;     /* DESKD_MAIL_MAX_SIZE: an inbound message larger is skipped, MB */
    int chatwoot_account_id; /* DESKD_CHATWOOT_ACCOUNT_ID: the one account /chatwoot serves */
};

/*
 * Reads the environment into c (all strings owned by c).  Returns 0, or -1
 * with a message naming the variable in err.  The secret is not loaded.
 */
int config_load(struct config *c, char *err, size_t errlen);

/*
 * Resolves the server secret: DESKD_SECRET_KEY (at least 32 characters)
 * or the file var/secret, created with 32 random bytes (mode 0600) when
 * create is set and it does not exist.  Returns 0 or -1 with err.
 */
int config_load_secret(struct config *c, int create, char *err, size_t errlen);

/* Frees the strings; the struct itself is the caller's. */
void config_free(struct config *c);

/*
 * The migrations' directory: DESKD_SQL_DIR, else sql/ beside bin/ (a
 * checkout) or share/deskd/sql (`make install`), else ./sql.  Malloc'd.
 */
char *config_sql_dir(const struct config *cfg);
/* Whether a file name is a migration's: NNN_name.sql, lower case. */
int config_is_migration(const char *name);

#endif
