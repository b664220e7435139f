/*
 * services/hub.h - the live hub: the process under the deskd master that
 * holds the web app's WebSocket connections (GET /ws, proxied by nginx)
 * in one libwebsockets event loop.  It authenticates a connection with
 * the session cookie, keeps each client's subscriptions, relays typing,
 * and fans out the outbox's live events (LISTEN deskd_events) to the
 * clients that may see them: a conversation's events by the API's access
 * rule, an agent's own events to that agent only.  A client whose queue
 * outgrows DESKD_WS_CLIENT_BUFFER is cut off; idle connections are pinged.
 */
#ifndef SERVICES_HUB_H
#define SERVICES_HUB_H

struct config;

struct hub_env {
    const struct config *cfg;
    int listen_fd; /* DESKD_WS_LISTEN, opened by the master (non-blocking) */
};

/* The service's main (struct prefork_service): runs until SIGTERM. */
int hub_main(void *arg);

#endif
