/*
 * api/ready.c - GET /ready: readiness, unlike /health: 200 only when the
 * database answers and schema_migrations records every sql/NNN_name.sql
 * migration the worker finds (DESKD_SQL_DIR, else sql/ beside bin/ or in
 * share/deskd/), else 503.  The list is read once per worker.
 */
#include "api/ready.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/http.h"
#include "lib/sbuf.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/ready.h"

static char *versions; /* text[] literal of the migration file names */
static long nversions;

/* Builds versions once; 0 if the directory cannot be read. */
static int load_versions(const struct config *cfg)
{
    if (versions != NULL)
        return 1;
    char *dir = config_sql_dir(cfg);
    DIR *d = opendir(dir);
    free(dir);
    if (d == NULL)
        return 0;
    size_t cap = 256, len = 0;
    char *s = malloc(cap);
    if (s == NULL) {
        closedir(d);
        return 0;
    }
    s[len++] = '{';
    long count = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!config_is_migration(e->d_name))
            continue;
        size_t n = strlen(e->d_name);
        if (len + n + 3 > cap) {
            cap = (len + n + 3) * 2;
            char *t = realloc(s, cap);
            if (t == NULL) {
                free(s);
                closedir(d);
                return 0;
            }
            s = t;
        }
        if (count++ > 0)
            s[len++] = ',';
        memcpy(s + len, e->d_name, n);
        len += n;
    }
    closedir(d);
    s[len++] = '}';
    s[len] = '\0';
    versions = s;
    nversions = count;
    return 1;
}

enum app_err h_ready_get(struct req *r, struct resp *w)
{
    static const char body[] = "{\"status\":\"success\",\"data\":true}";
    struct ctx *c = r->ctx;
    long missing = 0;

    if (!load_versions(c->cfg) || nversions == 0)
        return reply_fail(r, w, APP_ERR_UNAVAILABLE, "Not ready: no migrations found");
    if (store_ready_missing(c->db, r->arena, versions, &missing) != APP_OK)
        return reply_fail(r, w, APP_ERR_UNAVAILABLE, "Not ready: database unavailable");
    if (missing > 0)
        return reply_fail(r, w, APP_ERR_UNAVAILABLE, "Not ready: %ld migrations not applied",
                          missing);
    w->raw_body = body;
    w->raw_len = sizeof(body) - 1;
    return APP_OK;
}
