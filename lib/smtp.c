/*
 * smtp.c - see smtp.h.
 */
#include "lib/smtp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

struct smtp {
    CURL *c;
};

struct src {
    const char *p;
    size_t left;
};

static size_t on_read(char *ptr, size_t size, size_t n, void *arg)
{
    struct src *s = arg;
    size_t k = size * n < s->left ? size * n : s->left;
    memcpy(ptr, s->p, k);
    s->p += k;
    s->left -= k;
    return k;
}

struct smtp *smtp_new(const struct smtp_opts *o)
{
    struct smtp *s = calloc(1, sizeof(*s));
    char url[600], opts[32];

    if (s == NULL || (s->c = curl_easy_init()) == NULL) {
        free(s);
        return NULL;
    }
    CURL *c = s->c;
    snprintf(url, sizeof(url), "%s://%s:%d/%s", o->tls == MAIL_TLS_IMPLICIT ? "smtps" : "smtp",
             o->host, o->port, o->helo ? o->helo : "");
    curl_easy_setopt(c, CURLOPT_URL, url); /* libcurl copies every string option */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->timeout_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (o->user != NULL && *o->user != '\0') {
        curl_easy_setopt(c, CURLOPT_USERNAME, o->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, o->password ? o->password : "");
        const char *mech = NULL;
        if (o->auth != NULL && strcmp(o->auth, "plain") == 0)
            mech = "PLAIN";
        else if (o->auth != NULL && strcmp(o->auth, "login") == 0)
            mech = "LOGIN";
        else if (o->auth != NULL && strcmp(o->auth, "cram") == 0)
            mech = "CRAM-MD5";
        if (mech != NULL) {
            snprintf(opts, sizeof(opts), "AUTH=%s", mech);
            curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS, opts);
        }
    }
    if (o->tls == MAIL_TLS_STARTTLS)
        curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (o->skip_verify) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    return s;
}

void smtp_free(struct smtp *s)
{
    if (s == NULL)
        return;
    curl_easy_cleanup(s->c);
    free(s);
}

int smtp_send(struct smtp *s, const char *from_addr, const char *const *rcpt, size_t nrcpt,
              const char *data, size_t len, char *err, size_t errlen)
{
    struct curl_slist *to = NULL;
    char from[400];
    struct src src = {data, len};
    int rc = -1;

    snprintf(from, sizeof(from), "<%s>", from_addr);
    for (size_t i = 0; i < nrcpt; i++) {
        char r[400];
        snprintf(r, sizeof(r), "<%s>", rcpt[i]);
        struct curl_slist *t = curl_slist_append(to, r);
        if (t == NULL) {
            snprintf(err, errlen, "out of memory");
            curl_slist_free_all(to);
            return -1;
        }
        to = t;
    }
    curl_easy_setopt(s->c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(s->c, CURLOPT_MAIL_RCPT, to);
    curl_easy_setopt(s->c, CURLOPT_READDATA, &src);
    curl_easy_setopt(s->c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    CURLcode cc = curl_easy_perform(s->c);
    if (cc == CURLE_OK) {
        rc = 0;
    } else {
        long code = 0;
        curl_easy_getinfo(s->c, CURLINFO_RESPONSE_CODE, &code);
        if (code > 0)
            snprintf(err, errlen, "%s (SMTP %ld)", curl_easy_strerror(cc), code);
        else
            snprintf(err, errlen, "%s", curl_easy_strerror(cc));
    }
    /* The list is the handle's until the next send sets another; it must not dangle. */
    curl_easy_setopt(s->c, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(s->c, CURLOPT_READDATA, NULL);
    curl_slist_free_all(to);
    return rc;
}
