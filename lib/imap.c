/*
 * imap.c - see imap.h.  libcurl speaks the protocol: the mailbox goes in
 * the URL (a message by ";UID=n"), other commands are custom requests
 * whose untagged responses libcurl hands over as the body.
 */
#include "lib/imap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

struct imap {
    CURL *c;
    char *base; /* imap[s]://host:port */
};

struct buf {
    char *p;
    size_t len, cap, max;
    int over;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *arg)
{
    struct buf *b = arg;
    size_t add = size * n;
    if (b->len + add > b->max) {
        b->over = 1;
        return 0;
    }
    if (b->len + add + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 8192;
        while (cap < b->len + add + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            return 0;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, ptr, add);
    b->len += add;
    b->p[b->len] = '\0';
    return add;
}

struct imap *imap_new(const struct imap_opts *o)
{
    struct imap *im = calloc(1, sizeof(*im));
    if (im == NULL || (im->c = curl_easy_init()) == NULL) {
        free(im);
        return NULL;
    }
    size_t n = strlen(o->host) + 32;
    im->base = malloc(n);
    if (im->base == NULL) {
        imap_free(im);
        return NULL;
    }
    snprintf(im->base, n, "%s://%s:%d", o->tls == MAIL_TLS_IMPLICIT ? "imaps" : "imap", o->host,
             o->port);
    CURL *c = im->c;
    curl_easy_setopt(c, CURLOPT_USERNAME, o->user ? o->user : "");
    curl_easy_setopt(c, CURLOPT_PASSWORD, o->password ? o->password : "");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->timeout_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    if (o->tls == MAIL_TLS_STARTTLS)
        curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (o->skip_verify) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    return im;
}

void imap_free(struct imap *im)
{
    if (im == NULL)
        return;
    if (im->c != NULL)
        curl_easy_cleanup(im->c);
    free(im->base);
    free(im);
}

/* Runs one request: path after the base, custom command (NULL: fetch the URL). */
static int run(struct imap *im, const char *mailbox, const char *suffix, const char *custom,
               struct buf *b, char *err, size_t errlen)
{
    char *box = mailbox ? curl_easy_escape(im->c, mailbox, 0) : NULL;
    size_t n = strlen(im->base) + (box ? strlen(box) : 0) + (suffix ? strlen(suffix) : 0) + 4;
    char *url = malloc(n);
    if (url == NULL || (mailbox != NULL && box == NULL)) {
        curl_free(box);
        free(url);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(url, n, "%s/%s%s", im->base, box ? box : "", suffix ? suffix : "");
    curl_free(box);
    curl_easy_setopt(im->c, CURLOPT_URL, url);
    curl_easy_setopt(im->c, CURLOPT_CUSTOMREQUEST, custom);
    curl_easy_setopt(im->c, CURLOPT_WRITEDATA, b);
    CURLcode rc = curl_easy_perform(im->c);
    free(url);
    if (rc != CURLE_OK) {
        if (b->over)
            snprintf(err, errlen, "the message is larger than %zu bytes", b->max);
        else
            snprintf(err, errlen, "%s", curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

int imap_status(struct imap *im, const char *mailbox, long long *uidvalidity, long long *uidnext,
                char *err, size_t errlen)
{
    struct buf b = {NULL, 0, 0, 1u << 20, 0};
    char cmd[600];
    *uidvalidity = *uidnext = 0;
    if (strlen(mailbox) > 500 || strpbrk(mailbox, "\"\\\r\n") != NULL) {
        snprintf(err, errlen, "unusable mailbox name");
        return -1;
    }
    snprintf(cmd, sizeof(cmd), "STATUS \"%s\" (UIDVALIDITY UIDNEXT)", mailbox);
    int rc = run(im, NULL, NULL, cmd, &b, err, errlen);
    const char *v = b.p ? strstr(b.p, "UIDVALIDITY ") : NULL;
    const char *x = b.p ? strstr(b.p, "UIDNEXT ") : NULL;
    if (rc == 0 && (v == NULL || x == NULL)) {
        snprintf(err, errlen, "STATUS answered without UIDVALIDITY and UIDNEXT");
        rc = -1;
    }
    if (rc == 0) {
        *uidvalidity = strtoll(v + 12, NULL, 10);
        *uidnext = strtoll(x + 8, NULL, 10);
    }
    free(b.p);
    return rc;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/*
 * libcurl 7.88 mangles and finally refuses long multi-line answers to a
 * custom command (it counts them as headers), so the UIDs come from one
 * SEARCH line over a bounded range and each size from its own FETCH.
 */
int imap_list(struct imap *im, const char *mailbox, long long from_uid, long long to_uid,
              size_t max, long long *uids, size_t *n, char *err, size_t errlen)
{
    struct buf b = {NULL, 0, 0, 1u << 20, 0};
    char cmd[96];
    *n = 0;
    if (from_uid < 1)
        from_uid = 1;
    if (to_uid < from_uid)
        return 0;
    snprintf(cmd, sizeof(cmd), "UID SEARCH UID %lld:%lld", from_uid, to_uid);
    int rc = run(im, mailbox, NULL, cmd, &b, err, errlen);
    const char *s = b.p ? strstr(b.p, "* SEARCH") : NULL;
    if (rc == 0 && s != NULL) {
        char *end;
        for (s += 8; *s == ' ' && *n < max; s = end) {
            long long v = strtoll(s + 1, &end, 10);
            if (end == s + 1)
                break;
            /* "n:m" names the last message even when the range is past it */
            if (v >= from_uid && v <= to_uid)
                uids[(*n)++] = v;
        }
        qsort(uids, *n, sizeof(uids[0]), cmp_ll);
    }
    free(b.p);
    return rc;
}

int imap_size(struct imap *im, const char *mailbox, long long uid, long long *size, char *err,
              size_t errlen)
{
    struct buf b = {NULL, 0, 0, 1u << 16, 0};
    char cmd[64];
    *size = -1;
    snprintf(cmd, sizeof(cmd), "UID FETCH %lld (UID RFC822.SIZE)", uid);
    int rc = run(im, mailbox, NULL, cmd, &b, err, errlen);
    const char *s = b.p ? strstr(b.p, "RFC822.SIZE ") : NULL;
    if (rc == 0 && s != NULL)
        *size = strtoll(s + 12, NULL, 10);
    free(b.p);
    return rc;
}

int imap_fetch(struct imap *im, const char *mailbox, long long uid, size_t max_bytes, char **data,
               size_t *len, char *err, size_t errlen)
{
    struct buf b = {NULL, 0, 0, max_bytes, 0};
    char suffix[48];
    *data = NULL;
    *len = 0;
    snprintf(suffix, sizeof(suffix), "/;UID=%lld", uid);
    if (run(im, mailbox, suffix, NULL, &b, err, errlen) != 0) {
        free(b.p);
        return b.over ? -2 : -1;
    }
    if (b.p == NULL) {
        snprintf(err, errlen, "no message with UID %lld", uid);
        return -1;
    }
    *data = b.p;
    *len = b.len;
    return 0;
}

int imap_first_since(struct imap *im, const char *mailbox, long long since, long long *uid,
                     char *err, size_t errlen)
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct buf b = {NULL, 0, 0, 64u << 20, 0};
    char cmd[64];
    struct tm tm;
    time_t t = (time_t)since;
    *uid = 0;
    gmtime_r(&t, &tm);
    snprintf(cmd, sizeof(cmd), "UID SEARCH SINCE %d-%s-%d", tm.tm_mday, mon[tm.tm_mon],
             tm.tm_year + 1900);
    int rc = run(im, mailbox, NULL, cmd, &b, err, errlen);
    const char *s = b.p ? strstr(b.p, "* SEARCH") : NULL;
    if (rc == 0 && s != NULL) {
        char *end;
        for (s += 8; *s == ' '; s++) {
            long long v = strtoll(s + 1, &end, 10);
            if (end == s + 1)
                break;
            if (v > 0 && (*uid == 0 || v < *uid))
                *uid = v;
            s = end - 1;
        }
    }
    free(b.p);
    return rc;
}
