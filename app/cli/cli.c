/*
 * cli.c - migrate, agent create and agent api-key.
 *
 * Migrations are the files sql/NNN_name.sql, applied in order, each in
 * its own transaction together with its row in schema_migrations, under
 * an advisory lock so that two concurrent `deskd migrate` runs serialise.
 */
#include "cli/cli.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/auth.h"
#include "server/config.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/validate.h"
#include "lib/xalloc.h"
#include "store/queries.h"

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define BCRYPT_COST 10
#define MIGRATION_LOCK "7265001"

struct db *cli_connect(const struct config *cfg)
{
    struct db *db = db_new(cfg->database_url, "deskd cli", 0);
    if (db_ensure(db) != APP_OK) {
        fprintf(stderr, "deskd: cannot use the database (%s); is it running and migrated?\n",
                cfg->database_url);
        db_free(db);
        return NULL;
    }
    return db;
}

/* Finds the value of --name in argv; rejects unknown or valueless options. */
static int parse_opts(int argc, char **argv, const char *const *names, const char **values,
                      size_t n)
{
    for (int i = 0; i < argc; i++) {
        size_t k;
        for (k = 0; k < n; k++)
            if (strcmp(argv[i], names[k]) == 0)
                break;
        if (k == n) {
            fprintf(stderr, "deskd: unknown option %s\n", argv[i]);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "deskd: %s needs a value\n", argv[i]);
            return -1;
        }
        values[k] = argv[++i];
    }
    return 0;
}

static char *sql_dir(const struct config *cfg)
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
            *slash = '\0';
            size_t len = strlen(exe) + sizeof("/../sql");
            char *dir = xmalloc(len);
            snprintf(dir, len, "%s/../sql", exe);
            if (access(dir, R_OK) == 0)
                return dir;
            free(dir);
        }
    }
    return xstrdup("sql");
}

static int is_migration(const char *name)
{
    size_t n = strlen(name);
    return n > 8 && name[0] >= '0' && name[0] <= '9' && name[1] >= '0' && name[1] <= '9' &&
           name[2] >= '0' && name[2] <= '9' && name[3] == '_' && strcmp(name + n - 4, ".sql") == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;

    if (f == NULL)
        return NULL;
    for (;;) {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 131072;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

int cli_migrate(const struct config *cfg)
{
    char *dir = sql_dir(cfg);
    DIR *d = opendir(dir);
    char **files = NULL;
    size_t nfiles = 0;
    struct db *db = NULL;
    struct arena *a = arena_new(1 << 20);
    int rc = 1, applied = 0;

    if (d == NULL) {
        fprintf(stderr, "deskd: migrations directory %s: %s (set DESKD_SQL_DIR)\n", dir,
                strerror(errno));
        goto out;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!is_migration(e->d_name))
            continue;
        files = xrealloc(files, (nfiles + 1) * sizeof(*files));
        files[nfiles++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(files, nfiles, sizeof(*files), cmp_str);

    db = cli_connect(cfg);
    if (db == NULL)
        goto out;
    if (db_script(db, "SET client_min_messages = warning;"
                      "SELECT pg_advisory_lock(" MIGRATION_LOCK ");"
                      "CREATE TABLE IF NOT EXISTS schema_migrations ("
                      " version TEXT PRIMARY KEY,"
                      " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())") != APP_OK) {
        fprintf(stderr, "deskd: cannot prepare schema_migrations\n");
        goto out;
    }
    for (size_t i = 0; i < nfiles; i++) {
        const char *version[1] = {files[i]};
        struct db_res *res;
        char path[PATH_MAX];

        arena_reset(a);
        if (db_exec(db, a, CLI_MIGRATION_APPLIED->sql, 1, version, &res) != APP_OK)
            goto out;
        if (db_ntuples(res) > 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        char *sql = read_file(path);
        if (sql == NULL) {
            fprintf(stderr, "deskd: %s: %s\n", path, strerror(errno));
            goto out;
        }
        enum app_err e = db_begin(db);
        if (e == APP_OK)
            e = db_script(db, sql);
        free(sql);
        if (e == APP_OK)
            e = db_exec(db, a, CLI_MIGRATION_RECORD->sql, 1, version, NULL);
        if (e == APP_OK)
            e = db_commit(db);
        if (e != APP_OK) {
            db_rollback(db);
            fprintf(stderr, "deskd: migration %s failed; nothing of it was applied\n", files[i]);
            goto out;
        }
        printf("applied %s\n", files[i]);
        applied++;
    }
    printf("database is up to date (%d migration%s applied now)\n", applied,
           applied == 1 ? "" : "s");
    rc = 0;
out:
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free(dir);
    db_free(db);
    arena_free(a);
    return rc;
}

int cli_agent_create(const struct config *cfg, int argc, char **argv)
{
    static const char *const names[] = {"--email", "--first-name", "--last-name", "--role",
                                        "--password"};
    const char *v[5] = {NULL, NULL, "", NULL, NULL};
    char generated[24], hash[128];
    struct db *db = NULL;
    struct arena *a = NULL;
    struct db_res *res;
    int rc = 1;

    if (parse_opts(argc, argv, names, v, 5) != 0)
        return 2;
    if (v[0] == NULL || v[1] == NULL || v[3] == NULL) {
        fprintf(stderr, "deskd: agent create needs --email, --first-name and --role\n");
        return 2;
    }
    if (!v_email(v[0])) {
        fprintf(stderr, "deskd: invalid e-mail address: %s\n", v[0]);
        return 2;
    }
    if (*v[1] == '\0' || strlen(v[1]) > 140 || strlen(v[2]) > 140) {
        fprintf(stderr, "deskd: names must be 1 to 140 characters\n");
        return 2;
    }
    if (v[4] == NULL) {
        /* Random, and guaranteed to satisfy the strength rules. */
        if (crypto_random_string(generated, 16, ALNUM) != 0)
            return 1;
        memcpy(generated + 16, "aZ9!", 5);
        v[4] = generated;
    } else if (!v_password(v[4])) {
        fprintf(stderr, "deskd: password must be 10-72 characters with an upper-case letter, "
                        "a lower-case letter, a digit and a special character\n");
        return 2;
    }
    if (auth_bcrypt_hash(v[4], BCRYPT_COST, hash, sizeof(hash)) != 0) {
        fprintf(stderr, "deskd: bcrypt failed\n");
        return 1;
    }
    db = cli_connect(cfg);
    if (db == NULL)
        return 1;
    a = arena_new(1 << 20);
    const char *role[1] = {v[3]};
    if (db_run(db, a, CLI_ROLE_ID, role, &res) != APP_OK)
        goto out;
    if (db_ntuples(res) != 1) {
        fprintf(stderr, "deskd: no role named %s (try Admin or Agent)\n", v[3]);
        rc = 2;
        goto out;
    }
    const char *role_id = db_value(res, 0, 0);
    const char *ins[4] = {v[0], v[1], v[2], hash};
    enum app_err e = db_begin(db);
    if (e == APP_OK)
        e = db_run(db, a, CLI_AGENT_INSERT, ins, &res);
    if (e == APP_OK) {
        const char *ur[2] = {db_value(res, 0, 0), role_id};
        e = db_run(db, a, CLI_USER_ROLE_INSERT, ur, NULL);
    }
    if (e == APP_OK)
        e = db_commit(db);
    if (e != APP_OK) {
        db_rollback(db);
        if (e == APP_ERR_CONFLICT)
            fprintf(stderr, "deskd: an agent with e-mail %s already exists\n", v[0]);
        else
            fprintf(stderr, "deskd: could not create the agent\n");
        goto out;
    }
    printf("created agent %s with role %s\n", v[0], v[3]);
    if (v[4] == generated)
        printf("password: %s\n", generated);
    rc = 0;
out:
    db_free(db);
    arena_free(a);
    return rc;
}

int cli_agent_api_key(const struct config *cfg, int argc, char **argv)
{
    static const char *const names[] = {"--email"};
    const char *v[1] = {NULL};
    char key[33], secret[65], hash[128];
    struct db *db;
    struct arena *a;
    struct db_res *res;
    int rc = 1;

    if (parse_opts(argc, argv, names, v, 1) != 0)
        return 2;
    if (v[0] == NULL) {
        fprintf(stderr, "deskd: agent api-key needs --email\n");
        return 2;
    }
    if (crypto_random_string(key, 32, ALNUM) != 0 || crypto_random_string(secret, 64, ALNUM) != 0 ||
        auth_bcrypt_hash(secret, BCRYPT_COST, hash, sizeof(hash)) != 0) {
        fprintf(stderr, "deskd: could not generate a key\n");
        return 1;
    }
    db = cli_connect(cfg);
    if (db == NULL)
        return 1;
    a = arena_new(1 << 20);
    const char *p[3] = {v[0], key, hash};
    if (db_run(db, a, CLI_AGENT_SET_API_KEY, p, &res) != APP_OK) {
        fprintf(stderr, "deskd: could not store the key\n");
    } else if (db_ntuples(res) == 0) {
        fprintf(stderr, "deskd: no live agent with e-mail %s\n", v[0]);
        rc = 2;
    } else {
        printf("API key for %s (the secret is shown only now; any previous key is revoked):\n",
               v[0]);
        printf("%s:%s\n", key, secret);
        rc = 0;
    }
    db_free(db);
    arena_free(a);
    return rc;
}
