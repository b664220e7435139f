/*
 * smtp.h - sending messages over SMTP (plain, STARTTLS or implicit TLS,
 * with or without authentication) with libcurl, each send bounded by a
 * timeout.  A handle keeps its connection open between sends (libcurl
 * reconnects when the server closed it), so a run of replies to one server
 * pays for the connection, TLS and authentication once.
 */
#ifndef LIB_SMTP_H
#define LIB_SMTP_H

#include <stddef.h>

#include "lib/imap.h" /* enum mail_tls */

struct smtp_opts {
    const char *host;
    int port;
    enum mail_tls tls;
    int skip_verify;
    const char *user, *password; /* no authentication when user is NULL or "" */
    const char *auth;            /* "plain", "login", "cram" or NULL/"" (the server's choice) */
    const char *helo;            /* NULL or "": libcurl's default */
    long timeout_s;
};

struct smtp;

/* A handle for o (strings copied); NULL if libcurl refused. */
struct smtp *smtp_new(const struct smtp_opts *o);

/* Closes the connection; NULL is a no-op. */
void smtp_free(struct smtp *s);

/*
 * Sends len bytes of message data from from_addr to the nrcpt addresses.
 * 0 when the server accepted it; -1 with err (libcurl's reason and the
 * server's last reply code, if any).
 */
int smtp_send(struct smtp *s, const char *from_addr, const char *const *rcpt, size_t nrcpt,
              const char *data, size_t len, char *err, size_t errlen);

#endif
