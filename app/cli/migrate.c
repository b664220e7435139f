/*
 * migrate.c - deskd migrate [--dry-run] [--adopt].
 *
 * Migrations are the files sql/NNN_name.sql, applied in order, each in
 * its own transaction together with its row in schema_migrations (the
 * first one creates that table, in its transaction), under an advisory
 * lock so that two concurrent `deskd migrate` runs serialise.
 *
 * A Libredesk database (its tables, a "migrations" row in settings, no
 * deskd history) is adopted, only with --adopt: the same steps, each
 * replaced by sql/adopt/NNN_name.sql where that file exists (the additive
 * part of a migration whose tables upstream already has), and every index
 * a step builds on a table that was already there is built CONCURRENTLY
 * before the step's transaction (store_migration_apply_indexed), so a
 * live database keeps taking writes.  Once adopted, pending steps keep
 * using the adopt variants.  --dry-run lists the steps and changes nothing.
 */
#include "cli/cli.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/xalloc.h"
#include "server/config.h"
#include "store/connect.h"
#include "store/migrations.h"

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

/* The Libredesk versions whose schema sql/adopt/ was written against. */
static const char *const supported_libredesk[] = {"v2.7.0"};

static int libredesk_supported(const char *version)
{
    for (size_t i = 0; i < sizeof(supported_libredesk) / sizeof(supported_libredesk[0]); i++)
        if (strcmp(version, supported_libredesk[i]) == 0)
            return 1;
    return 0;
}

static int file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/*
 * The description of a step: its first comment's first sentence (after
 * "-- NNN_name.sql:"), the comment's lines joined.
 */
static void describe(const char *sql, char *out, size_t size)
{
    size_t len = 0;
    const char *p = sql;

    out[0] = '\0';
    while (strncmp(p, "-- ", 3) == 0 && len + 1 < size) {
        p += 3;
        size_t n = strcspn(p, "\n");
        const char *line = p;
        if (len == 0) {
            const char *colon = memchr(line, ':', n);
            if (colon != NULL) {
                n -= (size_t)(colon + 1 - line);
                line = colon + 1;
            }
            while (n > 0 && *line == ' ')
                line++, n--;
        } else {
            out[len++] = ' ';
        }
        for (size_t i = 0; i < n && len + 1 < size; i++) {
            out[len++] = line[i];
            /* A sentence ends at ". " or at a line's last '.'. */
            if (line[i] == '.' && (i + 1 == n || line[i + 1] == ' ')) {
                out[len] = '\0';
                return;
            }
        }
        out[len] = '\0';
        p += strcspn(p, "\n");
        if (*p == '\n')
            p++;
    }
}

/*
 * The statements of a script: [starts[i], ends[i]) without the ';'.
 * Quotes, dollar quotes and comments are skipped over, so a ';' inside a
 * function body does not split it.  Returns the count (at most max).
 */
static int split(const char *sql, const char **starts, const char **ends, int max)
{
    const char *p = sql, *start = sql;
    int n = 0;

    while (*p != '\0') {
        if (p[0] == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            p = e != NULL ? e + 2 : p + strlen(p);
        } else if (*p == '\'' || *p == '"') {
            char q = *p++;
            while (*p != '\0' && *p != q)
                p++;
            if (*p != '\0')
                p++;
        } else if (*p == '$') {
            const char *t = p + 1;
            while (*t == '_' || (*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
                   (*t >= '0' && *t <= '9'))
                t++;
            if (*t != '$') {
                p++;
                continue;
            }
            size_t taglen = (size_t)(t + 1 - p);
            const char *body = t + 1, *e = body;
            while ((e = strchr(e, '$')) != NULL && strncmp(e, p, taglen) != 0)
                e++;
            p = e != NULL ? e + taglen : body + strlen(body);
        } else if (*p == ';') {
            if (n < max) {
                starts[n] = start;
                ends[n] = p;
            }
            n++;
            start = ++p;
        } else {
            p++;
        }
    }
    /* A last statement without its ';'. */
    for (const char *q = start; *q != '\0'; q++) {
        if (q[0] == '-' && q[1] == '-') {
            q += strcspn(q, "\n");
            if (*q == '\0')
                break;
            continue;
        }
        if (*q != ' ' && *q != '\n' && *q != '\t' && *q != '\r') {
            if (n < max) {
                starts[n] = start;
                ends[n] = start + strlen(start);
            }
            n++;
            break;
        }
    }
    return n < max ? n : max;
}

/* Skips blanks and comments. */
static const char *skip(const char *p, const char *end)
{
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
            p++;
        if (p + 1 < end && p[0] == '-' && p[1] == '-') {
            while (p < end && *p != '\n')
                p++;
            continue;
        }
        return p;
    }
}

/* Consumes the keyword word (any case) at *p, followed by a blank. */
static int keyword(const char **p, const char *end, const char *word)
{
    size_t n = strlen(word);
    const char *q = skip(*p, end);
    if ((size_t)(end - q) <= n || strncasecmp(q, word, n) != 0 ||
        !(q[n] == ' ' || q[n] == '\n' || q[n] == '\t'))
        return 0;
    *p = q + n;
    return 1;
}

/* An identifier [a-z0-9_] at *p into out. */
static int ident(const char **p, const char *end, char *out, size_t size)
{
    const char *q = skip(*p, end), *s = q;
    while (q < end && (*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                       (*q >= '0' && *q <= '9')))
        q++;
    if (q == s || (size_t)(q - s) >= size)
        return 0;
    snprintf(out, size, "%.*s", (int)(q - s), s);
    *p = q;
    return 1;
}

/*
 * A statement "CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON [ONLY] table
 * ...": its index and table names, and where the text after the name
 * starts.  0 if it is anything else.
 */
static int index_statement(const char *s, const char *end, char *name, char *table, size_t size,
                           const char **after_name)
{
    const char *p = s;

    if (!keyword(&p, end, "CREATE"))
        return 0;
    keyword(&p, end, "UNIQUE");
    if (!keyword(&p, end, "INDEX"))
        return 0;
    if (keyword(&p, end, "CONCURRENTLY"))
        return 0; /* already written for outside a transaction: left as it is */
    if (keyword(&p, end, "IF") && !(keyword(&p, end, "NOT") && keyword(&p, end, "EXISTS")))
        return 0;
    if (!ident(&p, end, name, size))
        return 0;
    *after_name = p;
    if (!keyword(&p, end, "ON"))
        return 0;
    keyword(&p, end, "ONLY");
    if (!ident(&p, end, table, size))
        return 0;
    /* PostgreSQL keeps the first 63 bytes of a longer name (NAMEDATALEN). */
    name[strnlen(name, 63)] = '\0';
    return 1;
}

struct step {
    char *name; /* NNN_name.sql: what schema_migrations records */
    char *path; /* the file run: sql/ or sql/adopt/ */
    int adopt;  /* a Libredesk variant */
};

/*
 * Applies one step.  When adopting, an index on a table that exists
 * already is built concurrently before the rest (see the file comment).
 */
static enum app_err apply(struct db *db, struct arena *a, const struct step *st, const char *sql,
                          int adopting)
{
    enum { MAX_STMTS = 512 };
    static const char *starts[MAX_STMTS], *ends[MAX_STMTS];
    const char *names[MAX_STEP_INDEXES], *builds[MAX_STEP_INDEXES];
    int n, nidx = 0;

    if (!adopting)
        return store_migration_apply(db, a, st->name, sql);
    n = split(sql, starts, ends, MAX_STMTS);
    if (n == MAX_STMTS) {
        fprintf(stderr, "deskd: %s: too many statements\n", st->path);
        return APP_ERR_INTERNAL;
    }
    /* What runs in the transaction: every statement but the concurrent builds. */
    char *rest = xmalloc(strlen(sql) + (size_t)n + 16);
    size_t len = 0;
    enum app_err e = APP_OK;
    for (int i = 0; i < n && e == APP_OK; i++) {
        char name[128], table[128];
        const char *after = NULL;
        int exists = 0;
        if (index_statement(starts[i], ends[i], name, table, sizeof(name), &after)) {
            e = store_migrations_table_exists(db, a, table, &exists);
            if (e != APP_OK)
                break;
        }
        if (exists && nidx < MAX_STEP_INDEXES) {
            const char *q = starts[i];
            keyword(&q, ends[i], "CREATE");
            int unique = keyword(&q, ends[i], "UNIQUE");
            char *b = arena_printf(a, "CREATE %sINDEX CONCURRENTLY IF NOT EXISTS %s%.*s",
                                   unique ? "UNIQUE " : "", name, (int)(ends[i] - after), after);
            names[nidx] = arena_strdup(a, name);
            builds[nidx] = b;
            if (b == NULL || names[nidx] == NULL) {
                e = APP_ERR_INTERNAL;
                break;
            }
            nidx++;
            continue;
        }
        memcpy(rest + len, starts[i], (size_t)(ends[i] - starts[i]));
        len += (size_t)(ends[i] - starts[i]);
        rest[len++] = ';';
    }
    memcpy(rest + len, "SELECT 1", sizeof("SELECT 1"));
    if (e == APP_OK)
        e = store_migration_apply_indexed(db, a, st->name, names, builds, nidx, rest);
    free(rest);
    return e;
}

/*
 * For --dry-run: the indexes a step would build concurrently (on tables
 * there now, and on deskd's own tables, which an earlier step makes).
 * -1 on a database error.
 */
static int concurrent_builds(struct db *db, struct arena *a, const char *sql)
{
    enum { MAX_STMTS = 512 };
    static const char *starts[MAX_STMTS], *ends[MAX_STMTS];
    int n = split(sql, starts, ends, MAX_STMTS), count = 0;

    for (int i = 0; i < n; i++) {
        char name[128], table[128];
        const char *after;
        int exists = 0, made_here = 0;
        if (!index_statement(starts[i], ends[i], name, table, sizeof(name), &after))
            continue;
        /* A table this step makes (and is not there yet) is new: indexed in the transaction. */
        for (int j = 0; j < i && !made_here; j++) {
            const char *q = starts[j];
            char made[128];
            made_here = keyword(&q, ends[j], "CREATE") && keyword(&q, ends[j], "TABLE") &&
                        (!keyword(&q, ends[j], "IF") ||
                         (keyword(&q, ends[j], "NOT") && keyword(&q, ends[j], "EXISTS"))) &&
                        ident(&q, ends[j], made, sizeof(made)) && strcmp(made, table) == 0;
        }
        if (store_migrations_table_exists(db, a, table, &exists) != APP_OK)
            return -1;
        count += exists || (!made_here && strncmp(table, "deskd_", 6) == 0);
    }
    return count;
}

static void usage_migrate(void)
{
    fprintf(stderr, "usage: deskd migrate [--dry-run] [--adopt]\n");
}

int cli_migrate(const struct config *cfg, int argc, char **argv)
{
    char *dir = config_sql_dir(cfg);
    DIR *d = NULL;
    char **files = NULL;
    struct step *steps = NULL;
    size_t nfiles = 0, nsteps = 0;
    struct db *db = NULL;
    struct arena *a = arena_new(1 << 20);
    struct store_db_state state;
    int rc = 1, applied = 0, dry_run = 0, adopt = 0, adopting = 0;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--dry-run") == 0)
            dry_run = 1;
        else if (strcmp(argv[i], "--adopt") == 0)
            adopt = 1;
        else {
            usage_migrate();
            rc = 2;
            goto out;
        }
    }
    d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "deskd: migrations directory %s: %s (set DESKD_SQL_DIR)\n", dir,
                strerror(errno));
        goto out;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!config_is_migration(e->d_name))
            continue;
        files = xrealloc(files, (nfiles + 1) * sizeof(*files));
        files[nfiles++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(files, nfiles, sizeof(*files), cmp_str);

    db = cli_connect_owner(cfg);
    if (db == NULL)
        goto out;
    if (store_migrations_lock(db) != APP_OK || store_migrations_inspect(db, a, &state) != APP_OK) {
        fprintf(stderr, "deskd: cannot read the database's state\n");
        goto out;
    }
    if (state.history && state.applied > 0) {
        /* deskd's database (made by deskd, or adopted: then Libredesk's version is there). */
        adopting = state.version[0] != '\0';
    } else if (state.version[0] != '\0') {
        if (!libredesk_supported(state.version)) {
            fprintf(stderr,
                    "deskd: this is a Libredesk %s database; deskd adopts Libredesk %s only. "
                    "Nothing was changed.\n",
                    state.version, supported_libredesk[0]);
            fprintf(stderr,
                    "deskd: an older Libredesk: upgrade it to %s first (libredesk "
                    "--upgrade), then run deskd migrate --adopt\n",
                    supported_libredesk[0]);
            goto out;
        }
        adopting = 1;
        if (!adopt && !dry_run) {
            printf("this is a Libredesk %s database with no deskd history: deskd can adopt it "
                   "(additive steps only; upstream's tables, columns and rows stay as they are)\n",
                   state.version);
            dry_run = 1;
            rc = 3; /* the plan is printed below; nothing is changed */
        }
    } else if (state.tables > 0) {
        fprintf(stderr,
                "deskd: the database has %d table%s but neither deskd's history "
                "(schema_migrations) nor a Libredesk version (settings \"migrations\"); "
                "deskd migrate will not touch it. Nothing was changed.\n",
                state.tables, state.tables == 1 ? "" : "s");
        goto out;
    }

    for (size_t i = 0; i < nfiles; i++) {
        char path[PATH_MAX];
        int done = 0;

        arena_reset(a);
        if (state.history && store_migration_applied(db, a, files[i], &done) != APP_OK)
            goto out;
        if (done)
            continue;
        struct step st = {files[i], NULL, 0};
        snprintf(path, sizeof(path), "%s/adopt/%s", dir, files[i]);
        if (adopting && file_exists(path))
            st.adopt = 1;
        else
            snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        st.path = xstrdup(path);
        steps = xrealloc(steps, (nsteps + 1) * sizeof(*steps));
        steps[nsteps++] = st;
    }

    if (dry_run) {
        printf("%s: %zu step%s to apply%s\n", adopting ? "adopting" : "migrating", nsteps,
               nsteps == 1 ? "" : "s", nsteps ? ":" : "");
        for (size_t i = 0; i < nsteps; i++) {
            char *sql = read_file(steps[i].path);
            char desc[400] = "";
            int builds = 0;
            if (sql != NULL) {
                describe(sql, desc, sizeof(desc));
                if (adopting)
                    builds = concurrent_builds(db, a, sql);
            }
            free(sql);
            printf("  %-36s %s%s", steps[i].name, steps[i].adopt ? "[adopt variant] " : "", desc);
            if (builds > 0)
                printf(" [%d index%s built concurrently first]", builds, builds == 1 ? "" : "es");
            printf("\n");
        }
        if (rc == 3)
            printf("nothing was changed; run `deskd migrate --adopt` to apply these steps\n");
        else
            rc = 0;
        goto out;
    }
    for (size_t i = 0; i < nsteps; i++) {
        arena_reset(a);
        char *sql = read_file(steps[i].path);
        if (sql == NULL) {
            fprintf(stderr, "deskd: %s: %s\n", steps[i].path, strerror(errno));
            goto out;
        }
        enum app_err e = apply(db, a, &steps[i], sql, adopting);
        free(sql);
        if (e != APP_OK) {
            fprintf(stderr, "deskd: migration %s failed; nothing of it was applied\n",
                    steps[i].name);
            goto out;
        }
        printf("applied %s%s\n", steps[i].name, steps[i].adopt ? " (Libredesk variant)" : "");
        applied++;
    }
    printf("database is up to date (%d migration%s applied now)\n", applied,
           applied == 1 ? "" : "s");
    rc = 0;
out:
    for (size_t i = 0; i < nsteps; i++)
        free(steps[i].path);
    free(steps);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free(dir);
    store_close(db);
    arena_free(a);
    return rc;
}
