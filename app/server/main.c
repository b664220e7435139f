/*
 * main.c - deskd's command line and the server's master process.
 *
 * `deskd serve` validates the configuration, opens the FastCGI socket,
 * drops privileges when started as root, compiles and checks the route
 * table, and hands over to the pre-fork supervisor.  The master never
 * opens a database connection.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/envfile.h"
#include "lib/fcgi_io.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "lib/prefork.h"
#include "lib/ratelimit.h"
#include "lib/router.h"
#include "rules/secret.h"
#include "server/authn.h"
#include "server/config.h"
#include "server/dialect.h"
#include "server/inherit.h"
#include "server/routes.h"
#include "server/version.h"
#include "server/worker.h"
#include "services/dispatcher.h"
#include "services/hub.h"
#include "services/mail.h"
#include "services/automation.h"
#include "services/sla.h"

/* Names (key ids, addresses) the failed-credential table tracks at once (40 bytes each). */
#define AUTH_LIMIT_ENTRIES 4096

static struct config cfg;
static struct worker_env wenv;
static struct hub_env henv;

/* deskd routes: one tab-separated line per route, in the table's order (scripts/openapi). */
static int print_routes(void)
{
    for (size_t i = 0; i < app_nroutes; i++) {
        const struct route *rt = &app_routes[i];
        const char *who = rt->auth == AUTH_NONE ? "public" : rt->perm ? rt->perm : "agent";
        printf("%s\t%s\t%s\t%zu\t%s\t%s\n", http_method_name(rt->key.method), rt->key.pattern, who,
               rt->body_limit, rt->dialect ? rt->dialect->name : "libredesk", rt->name);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

static void usage(FILE *f)
{
    fprintf(
        f,
        "deskd %s - a Libredesk-compatible helpdesk API server\n"
        "\n"
        "usage:\n"
        "  deskd [serve]                      run the FastCGI server (master + workers)\n"
        "  deskd migrate [--dry-run] [--adopt]\n"
        "                                     apply pending sql/ migrations (--dry-run: list\n"
        "                                     them; --adopt: adopt a Libredesk database)\n"
        "  deskd agent create --email E --first-name F [--last-name L]\n"
        "                     --role Admin|Agent [--password P]\n"
        "                                     create an agent (prints a generated password\n"
        "                                     when --password is not given)\n"
        "  deskd agent api-key --email E      generate an API key; prints KEY:SECRET last\n"
        "  deskd config check                 print the settings in effect (DESKD_CONFIG's file\n"
        "                                     under the environment), secrets masked; exit 2\n"
        "                                     on an invalid value\n"
        "  deskd seed --conversations N       add demo agents, teams, contacts, inboxes\n"
        "                                     and N conversations with messages\n"
        "  deskd routes                       print the route table: method, path, who may call\n"
        "                                     (public, agent or a permission), body limit,\n"
        "                                     dialect, name (app/api/openapi/ documents each)\n"
        "  deskd --help | --version\n"
        "\n"
        "configuration (environment):\n"
        "  DESKD_VAR             state directory (default ./var)\n"
        "  DESKD_DATABASE_URL    libpq connection string or URI\n"
        "                        (default: the private cluster under DESKD_VAR, user deskd)\n"
        "  DESKD_MIGRATE_DATABASE_URL  the schema owner's connection for migrate and seed\n"
        "                        (default: DESKD_DATABASE_URL if set, else the private\n"
        "                        cluster as user deskd_owner)\n"
        "  DESKD_LISTEN          unix:/path or host:port (default unix:$DESKD_VAR/run/deskd.sock)\n"
        "  DESKD_WS_LISTEN       the live hub's socket for GET /ws, as DESKD_LISTEN\n"
        "                        (default unix:$DESKD_VAR/run/deskd-ws.sock)\n"
        "  DESKD_WS_CLIENT_BUFFER KiB queued for one live client before it is cut off\n"
        "                        (default 256)\n"
        "  DESKD_WORKERS         worker processes (default 2 per core)\n"
        "  DESKD_INHERITED_WORKERS  on a socket inherited as fd 0 (DESKD_LISTEN unset):\n"
        "                        0: serve it as one process (default); N: N workers\n"
        "  DESKD_SECRET_KEY      server secret, >= 32 chars (default: $DESKD_VAR/secret)\n"
        "  DESKD_SESSION_TTL     session lifetime, e.g. 9h (default 9h)\n"
        "  DESKD_SECURE_COOKIES  true|false (default true)\n"
        "  DESKD_AI_BASE_URL     OpenAI-compatible API base URL\n"
        "  DESKD_AI_MODEL        chat model (default gpt-4o-mini)\n"
        "  DESKD_AI_TIMEOUT      one provider exchange, 1s-50s (default 10s)\n"
        "  DESKD_UPLOAD_DIR      upload directory (default $DESKD_VAR/uploads)\n"
        "  DESKD_LANG_DIR        language files of /api/v1/lang/{lang} (default $DESKD_VAR/lang)\n"
        "  DESKD_LOG_LEVEL       error|warn|info|debug (default info)\n"
        "  DESKD_USER            user to switch to when started as root\n"
        "  DESKD_AUTH_KEY_LIMIT  failed authentications per API key per window (default 10)\n"
        "  DESKD_AUTH_ADDR_LIMIT failed authentications per client address per window\n"
        "                        (default 30)\n"
        "  DESKD_AUTH_TARPIT     bytes a second nginx sends such a 429 at (default 128;\n"
        "                        0: at once)\n"
        "  DESKD_AUTH_WINDOW     the window of both limits (default 60s)\n"
        "  DESKD_AUTH_BCRYPT_MAX workers checking a bcrypt at once (default workers - 1)\n"
        "  DESKD_WEBHOOK_TIMEOUT one webhook delivery attempt, 1s-120s (default 10s)\n"
        "  DESKD_WEBHOOK_MAX_ATTEMPTS  attempts before a delivery is dead (default 10)\n"
        "  DESKD_WEBHOOK_RETRY_BASE    first retry delay, doubled each time (default 10s)\n"
        "  DESKD_WEBHOOK_ALLOW_PRIVATE true: deliver to loopback/private addresses\n"
        "                        (default false)\n"
        "  DESKD_EVENT_RETENTION events and finished deliveries kept (default 7d)\n"
        "  DESKD_MAIL_TIMEOUT    one IMAP call or SMTP send, 1s-600s (default 30s)\n"
        "  DESKD_MAIL_MAX_ATTEMPTS  SMTP attempts before a reply stays failed (default 5)\n"
        "  DESKD_MAIL_RETRY_BASE first retry of a failed reply, doubled each time\n"
        "                        (default 60s)\n"
        "  DESKD_MAIL_MAX_SIZE   MB: larger inbound messages are skipped (default 25)\n"
        "  DESKD_SLA_INTERVAL    how often deskd-sla looks for breaches and due SLA\n"
        "                        notifications, 1s-1h (default 30s)\n"
        "  DESKD_AUTOMATION_INTERVAL  how often deskd-automate runs the time_trigger\n"
        "                        rules, 1s-1d (default 1h)\n"
        "  DESKD_AUTOMATION_LOOKBACK_DAYS  conversations those rules look at, by age\n"
        "                        (default 90)\n"
        "  DESKD_DATABASE_READ_URL  a standby for lists and search (default: none)\n"
        "  DESKD_READ_MAX_LAG    ms the standby may trail before reads go to the primary\n"
        "                        (default 1000)\n"
        "  DESKD_ENCRYPTION_KEY  Libredesk's app.encryption_key, for an adopted database\n"
        "  DESKD_UPLOAD_SEND     who sends download bytes: x-accel-redirect (default),\n"
        "                        x-sendfile or deskd\n"
        "  DESKD_CHATWOOT_ACCOUNT_ID  the account id of Chatwoot clients' paths (default 1)\n"
        "  DESKD_LOG_FORMAT      text|json (default text)\n"
        "  DESKD_CONFIG          a KEY=VALUE file read first; the environment wins\n"
        "  DESKD_METRICS         on|off: off counts nothing and /metrics is 404 (default on)\n"
        "  DESKD_SHUTDOWN_TIMEOUT, DESKD_STATEMENT_TIMEOUT, DESKD_BACKLOG, DESKD_SQL_DIR\n",
        DESKD_VERSION);
}

static int drop_privileges(const char *user)
{
    struct passwd *pw;

    if (getuid() != 0 && geteuid() != 0)
        return 0;
    if (user == NULL) {
        log_warnx("running as root; set DESKD_USER to run workers unprivileged");
        return 0;
    }
    errno = 0;
    pw = getpwnam(user);
    if (pw == NULL) {
        log_err("DESKD_USER=%s: no such user", user);
        return -1;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0) {
        log_warn("dropping privileges to %s", user);
        return -1;
    }
    if (setuid(0) == 0) {
        log_err("managed to regain root privileges after dropping them: aborting");
        return -1;
    }
    log_info("running as %s (uid %ld)", user, (long)pw->pw_uid);
    return 0;
}

/* SIGHUP in the master: the new configuration must be valid and keep the socket. */
static int reload(void *arg)
{
    struct config fresh;
    char err[256];
    (void)arg;

    if (config_load(&fresh, err, sizeof(err)) != 0) {
        log_err("reload: %s", err);
        config_free(&fresh);
        return -1;
    }
    /*
     * The secret stays the one read at start: the master may no longer be
     * allowed to read var/secret after dropping privileges, and sessions
     * signed with it must stay valid across a reload.
     */
    fresh.secret_key = cfg.secret_key;
    cfg.secret_key = NULL;
    if (strcmp(fresh.listen, cfg.listen) != 0)
        log_warnx("reload: DESKD_LISTEN changed; the socket stays %s until restart", cfg.listen);
    free(fresh.listen);
    fresh.listen = cfg.listen;
    cfg.listen = NULL;
    if (strcmp(fresh.ws_listen, cfg.ws_listen) != 0)
        log_warnx("reload: DESKD_WS_LISTEN changed; the socket stays %s until restart",
                  cfg.ws_listen);
    free(fresh.ws_listen);
    fresh.ws_listen = cfg.ws_listen;
    cfg.ws_listen = NULL;
    config_free(&cfg);
    cfg = fresh;
    log_set_level((enum log_level)cfg.log_level);
    log_set_json(cfg.log_json);
    return 0;
}

static int serve(void)
{
    char err[256];
    struct router *router;
    int fd, rc;
    uid_t uid = (uid_t)-1;
    gid_t gid = (gid_t)-1;

    if (config_load_secret(&cfg, 1, err, sizeof(err)) != 0) {
        log_err("configuration: %s", err);
        return 2;
    }
    /* Inherited by every worker and service. */
    secret_use_upstream_key(cfg.encryption_key);
    router = router_new(app_routes, app_nroutes, sizeof(app_routes[0]), err, sizeof(err));
    if (router == NULL) {
        log_err("route table: %s", err);
        return 2;
    }
    if (router_check(router, err, sizeof(err)) != 0) {
        log_err("route table: %s", err);
        router_free(router);
        return 2;
    }
    if ((getuid() == 0 || geteuid() == 0) && cfg.user != NULL) {
        struct passwd *pw = getpwnam(cfg.user);
        if (pw == NULL) {
            log_err("DESKD_USER=%s: no such user", cfg.user);
            router_free(router);
            return 2;
        }
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    }
    /* systemd's socket (deskd.socket), else ours: owner and group may connect (nginx's group). */
    int activated = (fd = inherit_systemd_fd()) >= 0;
    if (!activated)
        fd = fcgi_io_listen(cfg.listen, cfg.backlog, 0660, uid, gid);
    if (fd < 0) {
        router_free(router);
        return 2;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
        log_warn("fcntl(O_NONBLOCK)");
        close(fd);
        router_free(router);
        return 2;
    }
    /* The live hub's socket: nginx proxies GET /ws to it (services/hub.h). */
    int ws_fd = fcgi_io_listen(cfg.ws_listen, cfg.backlog, 0660, uid, gid);
    if (ws_fd < 0) {
        close(fd);
        router_free(router);
        return 2;
    }
    fl = fcntl(ws_fd, F_GETFL);
    if (fl < 0 || fcntl(ws_fd, F_SETFL, fl | O_NONBLOCK) != 0) {
        log_warn("fcntl(O_NONBLOCK)");
        close(ws_fd);
        close(fd);
        router_free(router);
        return 2;
    }
    if (drop_privileges(cfg.user) != 0) {
        close(ws_fd);
        close(fd);
        router_free(router);
        return 2;
    }
    log_info("deskd %s listening on %s with %d workers", DESKD_VERSION,
             activated ? "systemd's socket (fd 3)" : cfg.listen, cfg.workers);

    /*
     * Failed-credential counters and the bcrypt gate, shared by every worker
     * and kept across rolling restarts: created here, before any fork.
     */
    struct rl_table *limits = rl_create(AUTH_LIMIT_ENTRIES, 256);
    if (limits == NULL) {
        log_warn("cannot create the failed-credential table");
        close(ws_fd);
        close(fd);
        router_free(router);
        return 2;
    }
    authn_set_limits(limits);

    wenv.cfg = &cfg;
    wenv.router = router;
    wenv.listen_fd = fd;
    henv.cfg = &cfg;
    henv.listen_fd = ws_fd;
    /* The mail services read and send for the e-mail inboxes (services/mail.h). */
    static struct mail_env mail_in, mail_out;
    mail_in.cfg = mail_out.cfg = &cfg;
    mail_out.outbound = 1;
    /* Always on: an idle consumer only waits on LISTEN (and the hub on its socket). */
    static const struct prefork_service services[] = {
        /* clang-format off */
        {DISPATCHER_NAME, dispatcher_main, &cfg},
        {"deskd-hub", hub_main, &henv},
        {MAIL_IN_NAME, mail_main, &mail_in},
        {MAIL_OUT_NAME, mail_main, &mail_out},
        {SLA_SERVICE_NAME, sla_service_main, &cfg},
        {AUTOMATION_SERVICE_NAME, automation_service_main, &cfg},
        /* clang-format on */
    };
    struct prefork_opts o = {
        .workers = cfg.workers,
        .services = services,
        .nservices = (int)(sizeof(services) / sizeof(services[0])),
        .shutdown_timeout = cfg.shutdown_timeout,
        .worker_main = worker_main,
        .arg = &wenv,
        .reload = reload,
    };
    /* DESKD_METRICS=off: no slots, so nothing counts (lib/metrics.h) and /metrics is 404. */
    if (cfg.metrics)
        metrics_init(prefork_slots(&o), app_nroutes);
    rc = prefork_run(&o);
    authn_set_limits(NULL);
    rl_destroy(limits);
    close(ws_fd);
    fcgi_io_unlink(cfg.ws_listen);
    close(fd);
    if (!activated)
        fcgi_io_unlink(cfg.listen);
    router_free(router);
    log_info("deskd stopped (exit %d)", rc);
    return rc;
}

int main(int argc, char **argv)
{
    char err[256];
    const char *cmd = argc > 1 ? argv[1] : "serve";
    int rc;

    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("deskd %s\n", DESKD_VERSION);
        return 0;
    }
    if (strcmp(cmd, "routes") == 0 && argc == 2)
        return print_routes();
    /* DESKD_CONFIG: a KEY=VALUE file under the environment (lib/envfile.h). */
    const char *file = getenv("DESKD_CONFIG");
    if (file != NULL && *file != '\0' && envfile_load(file, err, sizeof(err)) != 0) {
        fprintf(stderr, "deskd: configuration: %s\n", err);
        return 2;
    }
    if (config_load(&cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "deskd: configuration: %s\n", err);
        config_free(&cfg);
        return 2;
    }
    log_set_level((enum log_level)cfg.log_level);
    log_set_json(cfg.log_json);

    if (strcmp(cmd, "serve") == 0 && argc <= 2) {
        /* A spawner's socket on fd 0 or a CGI request (server/inherit.h); else our own socket. */
        if ((rc = inherit_run(&cfg)) < 0)
            rc = serve();
    } else if (strcmp(cmd, "migrate") == 0)
        rc = cli_migrate(&cfg, argc - 2, argv + 2);
    else if (strcmp(cmd, "agent") == 0 && argc > 2 && strcmp(argv[2], "create") == 0)
        rc = cli_agent_create(&cfg, argc - 3, argv + 3);
    else if (strcmp(cmd, "agent") == 0 && argc > 2 && strcmp(argv[2], "api-key") == 0)
        rc = cli_agent_api_key(&cfg, argc - 3, argv + 3);
    else if (strcmp(cmd, "config") == 0 && argc > 2 && strcmp(argv[2], "check") == 0)
        rc = cli_config_check(&cfg, argc - 3, argv + 3);
    else if (strcmp(cmd, "seed") == 0)
        rc = cli_seed(&cfg, argc - 2, argv + 2);
    else {
        fprintf(stderr, "deskd: unknown command: %s\n\n", cmd);
        usage(stderr);
        rc = 2;
    }
    config_free(&cfg);
    return rc;
}
