/*
 * services/mail.h - the mail process, a service under the deskd master
 * (lib/prefork.h): it reads every enabled e-mail inbox over IMAP into
 * conversations and sends agents' replies over SMTP.
 */
#ifndef SERVICES_MAIL_H
#define SERVICES_MAIL_H

/* The service's name in logs and /proc/<pid>/comm (at most 15 bytes). */
#define MAIL_NAME "deskd-mail"

/* The service's main; arg is the const struct config *.  Returns the exit status. */
int mail_main(void *arg);

#endif
