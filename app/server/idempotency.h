/*
 * idempotency.h - safe retries of writes.  A POST, PUT, PATCH or DELETE
 * sent with an `Idempotency-Key` header by an authenticated caller runs
 * inside one transaction that also stores its answer under (caller, key);
 * the same request again gets that answer, byte for byte, without running
 * again.  The same key with another request is a 422, while the first is
 * still running a 409.  Requests without the header run as before.
 */
#ifndef SERVER_IDEMPOTENCY_H
#define SERVER_IDEMPOTENCY_H

#include <stddef.h>

#include "lib/err.h"

struct ctx;
struct req;
struct resp;

/* Hours an answer is kept (at least). */
#define IDEM_KEEP_HOURS 24
/* Longest key accepted. */
#define IDEM_KEY_MAX 255

struct idem {
    int active;           /* the request's transaction is open */
    char fingerprint[65]; /* hex SHA-256 of method, path, query and body */
};

enum idem_step {
    IDEM_RUN,  /* run the handler (inside the transaction if st->active) */
    IDEM_DONE, /* w holds the answer: a replay, or a refusal in *e */
};

/*
 * Before the handler, after authentication.  Returns IDEM_RUN with
 * st->active 0 when the request carries no key or the route is not a
 * write of an authenticated caller.
 */
enum idem_step idem_start(struct ctx *c, struct req *r, struct resp *w, struct idem *st,
                          enum app_err *e);

/*
 * After the handler, with the answer rendered: stores it and commits (an
 * answer of 500 or more is rolled back instead, so a retry runs again).
 * Returns APP_OK, or the error to answer instead (nothing was applied).
 */
enum app_err idem_finish(struct ctx *c, struct req *r, struct resp *w, struct idem *st, int status,
                         const char *body, size_t len);

#endif
