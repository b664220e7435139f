/*
 * httpq.h - many HTTP POSTs in flight at once over one curl multi handle,
 * driven from the caller's event loop: nothing here blocks on a receiver,
 * so a slow one delays only its own requests.  Each request has its own
 * timeout; redirects are never followed; only http and https; loopback,
 * private, link-local and other non-public addresses are refused at
 * connect time (after name resolution, so a name that resolves to one is
 * refused too) unless allow_private is set.
 */
#ifndef LIB_HTTPQ_H
#define LIB_HTTPQ_H

#include <stddef.h>
#include <stdint.h>

struct httpq;

/* Why a request ended without an HTTP status. */
enum httpq_fail {
    HTTPQ_OK = 0,  /* an HTTP status arrived */
    HTTPQ_TIMEOUT, /* the per-request timeout ran out */
    HTTPQ_CONNECT, /* name resolution, connection, TLS or transfer error */
    HTTPQ_REFUSED, /* the address is not public and private ones are not allowed */
    HTTPQ_BAD_URL, /* not an http(s) URL curl accepts */
};

struct httpq_result {
    int64_t id;  /* as given to httpq_post() */
    long status; /* HTTP status, 0 if none */
    enum httpq_fail fail;
    char error[256]; /* what went wrong ("" on a status) */
    long elapsed_ms;
};

/* NULL if curl cannot be initialised. */
struct httpq *httpq_new(int allow_private, const char *user_agent);
/* Aborts what is in flight and frees.  NULL is a no-op. */
void httpq_free(struct httpq *q);

/*
 * Starts POSTing body (len bytes, copied) to url with the extra headers
 * ("Name: value", n of them, copied), giving up after timeout_ms.  Returns
 * 0, or -1 if curl refused to start it (then nothing is reported for id).
 */
int httpq_post(struct httpq *q, int64_t id, const char *url, const char *const *headers, int n,
               const char *body, size_t len, long timeout_ms);

/* Requests started and not yet returned by httpq_next(). */
int httpq_in_flight(const struct httpq *q);

/*
 * Drives the transfers, waiting up to timeout_ms for network activity or
 * for one of the nfds caller descriptors to become readable (ready[i] set
 * to 1 for those that did).  Returns 0, or -1 on a curl failure.
 */
int httpq_wait(struct httpq *q, const int *fds, int nfds, int *ready, int timeout_ms);

/* The next finished request into *out: 1, or 0 if none is finished. */
int httpq_next(struct httpq *q, struct httpq_result *out);

/*
 * 1 if the IPv4 or IPv6 socket address (struct sockaddr) is loopback,
 * private, link-local, shared, multicast, unspecified or otherwise not a
 * public unicast address.
 */
int httpq_address_private(const void *sockaddr);

#endif
