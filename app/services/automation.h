/*
 * services/automation.h - the time-trigger service, a service under the
 * deskd master (lib/prefork.h): every DESKD_AUTOMATION_INTERVAL it runs
 * the enabled time_trigger rules over the conversations created in the
 * last DESKD_AUTOMATION_LOOKBACK_DAYS (store_automation_time_batch).
 */
#ifndef SERVICES_AUTOMATION_H
#define SERVICES_AUTOMATION_H

/* The service's name in logs and /proc/<pid>/comm (at most 15 bytes). */
#define AUTOMATION_SERVICE_NAME "deskd-automate"

/* The service's main; arg is the const struct config *.  Returns the exit status. */
int automation_service_main(void *arg);

#endif
