/*
 * services/mail.h - the mail processes, two services under the deskd master
 * (lib/prefork.h): one reads every enabled e-mail inbox over IMAP into
 * conversations, the other sends agents' replies over SMTP, so that a slow
 * server of one kind never holds the other's work.
 */
#ifndef SERVICES_MAIL_H
#define SERVICES_MAIL_H

/* The services' names in logs and /proc/<pid>/comm (at most 15 bytes). */
#define MAIL_IN_NAME "deskd-mail-in"
#define MAIL_OUT_NAME "deskd-mail-out"

struct config;

/* What a mail service runs: the configuration and its direction. */
struct mail_env {
    const struct config *cfg;
    int outbound; /* 0: read the inboxes (IMAP); 1: send the replies (SMTP) */
};

/* A service's main; arg is a const struct mail_env *.  Returns the exit status. */
int mail_main(void *arg);

#endif
