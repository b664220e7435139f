/*
 * services/dispatcher.h - the webhook dispatcher, a service under the
 * deskd master (lib/prefork.h): it sends the deliveries the outbox writes
 * (deskd_webhook_deliveries) and purges old events.
 */
#ifndef SERVICES_DISPATCHER_H
#define SERVICES_DISPATCHER_H

/* The service's name in logs and /proc/<pid>/comm (at most 15 bytes). */
#define DISPATCHER_NAME "deskd-webhooks"

/* The service's main; arg is the const struct config *.  Returns the exit status. */
int dispatcher_main(void *arg);

#endif
