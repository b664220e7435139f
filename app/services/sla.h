/*
 * services/sla.h - the SLA breach service, a service under the deskd
 * master (lib/prefork.h): every DESKD_SLA_INTERVAL it marks the overdue
 * deadlines of pending applied SLAs breached (store_sla_breach_due),
 * settles next-response events (store_sla_next_response_due) and sends the
 * due SLA notifications (store_sla_notify_due).
 */
#ifndef SERVICES_SLA_H
#define SERVICES_SLA_H

/* The service's name in logs and /proc/<pid>/comm (at most 15 bytes). */
#define SLA_SERVICE_NAME "deskd-sla"

/* The service's main; arg is the const struct config *.  Returns the exit status. */
int sla_service_main(void *arg);

#endif
