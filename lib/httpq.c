/*
 * httpq.c - see httpq.h.  One easy handle per request, all on one multi
 * handle (which keeps connections to a receiver open between requests).
 */
#include "httpq.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "log.h"
#include "xalloc.h"

struct httpq {
    CURLM *multi;
    int allow_private;
    char *user_agent;
    int in_flight;
    struct xfer *head; /* what is in flight */
};

struct xfer {
    struct xfer *prev, *next;
    CURL *h;
    struct httpq *q;
    int64_t id;
    struct curl_slist *headers;
    char *body;
    int refused;
    char refused_addr[INET6_ADDRSTRLEN];
    char errbuf[CURL_ERROR_SIZE];
};

static int v4_private(uint32_t a)
{
    return (a >> 24) == 0 ||             /* 0.0.0.0/8 "this network" */
           (a >> 24) == 10 ||            /* 10/8 */
           (a >> 24) == 127 ||           /* loopback */
           (a >> 16) == 0xa9fe ||        /* 169.254/16 link-local */
           (a >> 20) == (0xac10 >> 4) || /* 172.16/12 */
           (a >> 16) == 0xc0a8 ||        /* 192.168/16 */
           (a >> 22) == (0x6440 >> 6) || /* 100.64/10 shared (CGNAT) */
           (a >> 8) == 0xc00000 ||       /* 192.0.0/24 protocol assignments */
           (a >> 8) == 0xc00002 ||       /* 192.0.2/24 TEST-NET-1 */
           (a >> 8) == 0xc63364 ||       /* 198.51.100/24 TEST-NET-2 */
           (a >> 8) == 0xcb0071 ||       /* 203.0.113/24 TEST-NET-3 */
           (a >> 17) == (0xc612 >> 1) || /* 198.18/15 benchmarking */
           (a >> 28) >= 0xe;             /* multicast, reserved, broadcast */
}

int httpq_address_private(const void *sockaddr)
{
    const struct sockaddr *sa = sockaddr;

    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = sockaddr;
        return v4_private(ntohl(in->sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = sockaddr;
        const unsigned char *b = in6->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        static const unsigned char zero[12] = {0};
        if (memcmp(b, mapped, 12) == 0 || memcmp(b, zero, 12) == 0) {
            /* ::ffff:a.b.c.d, and ::a.b.c.d (also :: and ::1) */
            uint32_t a = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 |
                         (uint32_t)b[15];
            return memcmp(b, zero, 12) == 0 ? 1 : v4_private(a);
        }
        return (b[0] & 0xfe) == 0xfc ||                   /* fc00::/7 unique local */
               (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || /* fe80::/10 link-local */
               (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) || /* fec0::/10 site-local */
               b[0] == 0xff ||                            /* multicast */
               (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) || /* 2001:db8::/32 */
               (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b);   /* 64:ff9b::/96 */
    }
    return 1; /* not an IP address: never */
}

static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
    struct xfer *x = clientp;
    (void)purpose;

    if (!x->q->allow_private && httpq_address_private(&addr->addr)) {
        const void *where = addr->family == AF_INET6
                                ? (const void *)&((struct sockaddr_in6 *)&addr->addr)->sin6_addr
                                : (const void *)&((struct sockaddr_in *)&addr->addr)->sin_addr;
        x->refused = 1;
        if (inet_ntop(addr->family, where, x->refused_addr, sizeof(x->refused_addr)) == NULL)
            snprintf(x->refused_addr, sizeof(x->refused_addr), "?");
        return CURL_SOCKET_BAD;
    }
    return socket(addr->family, addr->socktype, addr->protocol);
}

static size_t discard(char *p, size_t size, size_t n, void *u)
{
    (void)p;
    (void)u;
    return size * n;
}

struct httpq *httpq_new(int allow_private, const char *user_agent)
{
    static int inited;
    if (!inited) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
            return NULL;
        inited = 1;
    }
    struct httpq *q = xcalloc(1, sizeof(*q));
    q->multi = curl_multi_init();
    if (q->multi == NULL) {
        free(q);
        return NULL;
    }
    q->allow_private = allow_private;
    q->user_agent = xstrdup(user_agent);
    return q;
}

static void xfer_free(struct xfer *x)
{
    curl_slist_free_all(x->headers);
    free(x->body);
    free(x);
}

void httpq_free(struct httpq *q)
{
    if (q == NULL)
        return;
    while (q->head != NULL) {
        struct xfer *x = q->head;
        q->head = x->next;
        curl_multi_remove_handle(q->multi, x->h);
        curl_easy_cleanup(x->h);
        xfer_free(x);
    }
    curl_multi_cleanup(q->multi);
    free(q->user_agent);
    free(q);
}

int httpq_post(struct httpq *q, int64_t id, const char *url, const char *const *headers, int n,
               const char *body, size_t len, long timeout_ms)
{
    struct xfer *x = xcalloc(1, sizeof(*x));
    CURL *h = curl_easy_init();
    struct curl_slist *more;

    if (h == NULL) {
        free(x);
        return -1;
    }
    x->q = q;
    x->id = id;
    x->body = xmalloc(len + 1);
    memcpy(x->body, body, len);
    x->body[len] = '\0';
    for (int i = 0; i < n; i++) {
        if ((more = curl_slist_append(x->headers, headers[i])) == NULL)
            goto fail;
        x->headers = more;
    }
    /* No "Expect: 100-continue" round trip before larger bodies. */
    if ((more = curl_slist_append(x->headers, "Expect:")) == NULL)
        goto fail;
    x->headers = more;

    if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK)
        goto fail;
    curl_easy_setopt(h, CURLOPT_PRIVATE, x);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*"); /* the address checked is the receiver's */
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    /*
     * curl resolves a name in a thread of its own (getaddrinfo cannot be
     * interrupted).  A transfer that ends while that thread still waits for
     * a name server (the timeout, or httpq_free) would join it, stopping
     * every other transfer until the resolver gives up (10 s and more for a
     * server that never answers); with QUICK_EXIT the thread is left to end
     * on its own.  Such a thread lives at most the resolver's timeout, one
     * per attempt in flight.
     */
    curl_easy_setopt(h, CURLOPT_QUICK_EXIT, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000L);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, x);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, q->user_agent);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
    if (curl_multi_add_handle(q->multi, h) != CURLM_OK)
        goto fail;
    x->h = h;
    x->next = q->head;
    if (q->head != NULL)
        q->head->prev = x;
    q->head = x;
    q->in_flight++;
    return 0;
fail:
    curl_easy_cleanup(h);
    xfer_free(x);
    return -1;
}

int httpq_in_flight(const struct httpq *q)
{
    return q->in_flight;
}

int httpq_wait(struct httpq *q, const int *fds, int nfds, int *ready, int timeout_ms)
{
    struct curl_waitfd w[8];
    int running, numfds;

    if (nfds > 8)
        nfds = 8;
    for (int i = 0; i < nfds; i++) {
        w[i].fd = fds[i];
        w[i].events = CURL_WAIT_POLLIN;
        w[i].revents = 0;
        ready[i] = 0;
    }
    /*
     * Poll first, then perform: a request added since the last call makes
     * curl's timer due at once, and what the perform finishes is read by
     * httpq_next() before the caller waits again.
     */
    if (curl_multi_poll(q->multi, w, (unsigned)nfds, timeout_ms, &numfds) != CURLM_OK)
        return -1;
    for (int i = 0; i < nfds; i++)
        ready[i] = (w[i].revents & CURL_WAIT_POLLIN) != 0;
    if (curl_multi_perform(q->multi, &running) != CURLM_OK)
        return -1;
    return 0;
}

int httpq_next(struct httpq *q, struct httpq_result *out)
{
    CURLMsg *m;
    int left;

    while ((m = curl_multi_info_read(q->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE)
            continue;
        CURL *h = m->easy_handle;
        CURLcode rc = m->data.result;
        struct xfer *x = NULL;
        curl_off_t us = 0;

        curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&x);
        memset(out, 0, sizeof(*out));
        out->id = x->id;
        if (curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &us) == CURLE_OK)
            out->elapsed_ms = (long)(us / 1000);
        if (rc == CURLE_OK) {
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
            out->fail = HTTPQ_OK;
        } else if (x->refused) {
            out->fail = HTTPQ_REFUSED;
            snprintf(out->error, sizeof(out->error),
                     "refused to connect to %s: not a public address", x->refused_addr);
        } else {
            out->fail = rc == CURLE_OPERATION_TIMEDOUT ? HTTPQ_TIMEOUT
                        : rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT
                            ? HTTPQ_BAD_URL
                            : HTTPQ_CONNECT;
            snprintf(out->error, sizeof(out->error), "%s",
                     x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
        }
        curl_multi_remove_handle(q->multi, h);
        curl_easy_cleanup(h);
        if (x->prev != NULL)
            x->prev->next = x->next;
        else
            q->head = x->next;
        if (x->next != NULL)
            x->next->prev = x->prev;
        xfer_free(x);
        q->in_flight--;
        return 1;
    }
    return 0;
}
