/*
 * ctx.h - what every handler sees besides the request: the database
 * handle, the configuration and the authenticated principal.
 */
#ifndef SERVER_CTX_H
#define SERVER_CTX_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct config;

struct principal {
    int64_t id;
    const char *const *perms; /* arena, nperms entries: the roles' lists concatenated */
    size_t nperms;
    int via_api_key;
    int64_t session_id; /* the session row when authenticated by a session, else 0 */
};

struct ctx {
    struct db *db;
    /*
     * The worker's read connection (DESKD_DATABASE_READ_URL) or NULL; the
     * worker swaps it into db for a replica route (server/routes.h).
     */
    struct db *read_db;
    const struct config *cfg;
    struct principal *who; /* NULL until authenticated; arena */
    /*
     * Version of the reference tables read together with the credentials
     * (0 = unknown); the per-worker list cache is valid only at this version.
     */
    int64_t ref_version;
};

/* 1 if the principal holds perm (exact string match, as upstream). */
int app_has_perm(const struct principal *p, const char *perm);

#endif
