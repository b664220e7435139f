/*
 * migrate.c - deskd migrate.
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
#include "lib/xalloc.h"
#include "server/config.h"
#include "store/connect.h"
#include "store/migrations.h"

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

    db = cli_connect_owner(cfg);
    if (db == NULL)
        goto out;
    if (store_migrations_prepare(db) != APP_OK) {
        fprintf(stderr, "deskd: cannot prepare schema_migrations\n");
        goto out;
    }
    for (size_t i = 0; i < nfiles; i++) {
        char path[PATH_MAX];
        int done;

        arena_reset(a);
        if (store_migration_applied(db, a, files[i], &done) != APP_OK)
            goto out;
        if (done)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        char *sql = read_file(path);
        if (sql == NULL) {
            fprintf(stderr, "deskd: %s: %s\n", path, strerror(errno));
            goto out;
        }
        enum app_err e = store_migration_apply(db, a, files[i], sql);
        free(sql);
        if (e != APP_OK) {
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
    store_close(db);
    arena_free(a);
    return rc;
}
