/*
 * inherit.h - deskd on a listening socket it was handed: the FastCGI
 * convention of mod_fcgid, mod_fastcgi, lighttpd and spawn-fcgi (the socket
 * is file descriptor 0).
 */
#ifndef APP_INHERIT_H
#define APP_INHERIT_H

struct config;

/*
 * `deskd serve` when it was handed its request or its socket; -1 when
 * neither, and the caller opens its own socket:
 * - fd 0 is a listening socket and DESKD_LISTEN is unset: serves it until
 *   SIGTERM or SIGUSR1, in this process alone (the spawner manages
 *   processes), or under deskd's master with DESKD_INHERITED_WORKERS workers
 *   when that is set above 0.  No background services either way.
 * - a CGI program (GATEWAY_INTERFACE set, fd 0 no socket): answers the one
 *   request and returns.
 * Otherwise the exit status.
 */
int inherit_run(struct config *cfg);

/*
 * systemd socket activation (deskd.socket): the listening socket systemd
 * passed as fd 3 (LISTEN_PID is this process, LISTEN_FDS at least 1), for
 * `deskd serve` to use instead of opening DESKD_LISTEN; -1 when none.  The
 * variables are removed so that no child takes them for its own.
 */
int inherit_systemd_fd(void);

#endif
