/*
 * inherit.h - deskd on a listening socket it was handed: the FastCGI
 * convention of mod_fcgid, mod_fastcgi, lighttpd and spawn-fcgi (the socket
 * is file descriptor 0).
 */
#ifndef APP_INHERIT_H
#define APP_INHERIT_H

struct config;

/* The inherited listening socket when DESKD_LISTEN is unset: 0, or -1 for none. */
int inherit_fd(void);

/*
 * Serves fd until SIGTERM or SIGUSR1: in this process alone (the spawner
 * manages processes), or under deskd's master with DESKD_INHERITED_WORKERS
 * workers when that is set above 0.  No background services either way.
 * Returns the exit status.
 */
int inherit_serve(struct config *cfg, int fd);

#endif
