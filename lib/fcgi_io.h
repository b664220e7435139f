/*
 * fcgi_io.h - the only libfcgi adapter: opens the listen socket, turns an
 * accepted FastCGI request into a struct req (copied into the arena) and
 * writes a response.
 */
#ifndef LIB_FCGI_IO_H
#define LIB_FCGI_IO_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

struct req;
struct resp;
struct arena;
struct fcgi_io;

/*
 * Opens the listen socket for spec "unix:/path" or "host:port" with the
 * given backlog.  A unix socket is created with mode, and chowned to
 * uid/gid unless they are -1.  A stale socket file is replaced; a live one
 * (something accepts on it) is an error.  Returns the fd or -1 (logged).
 */
int fcgi_io_listen(const char *spec, int backlog, mode_t mode, uid_t uid, gid_t gid);

/* Removes a unix socket file for spec (no-op for TCP). */
void fcgi_io_unlink(const char *spec);

/* Initialises libfcgi for this process and wraps the listen fd.  Caller frees. */
struct fcgi_io *fcgi_io_new(int listen_fd);
void fcgi_io_free(struct fcgi_io *io);

/*
 * True when this process was started as a CGI program: fd 0 is no FastCGI
 * socket and GATEWAY_INTERFACE is set.
 */
int fcgi_io_is_cgi(void);

/*
 * The one request of a CGI process: its parameters from the environment,
 * its body from stdin, the response (Status: header first) to stdout.  The
 * first fcgi_io_accept has it; a second one returns -ECONNABORTED.
 */
struct fcgi_io *fcgi_io_new_cgi(void);

/*
 * Blocks until a request arrives.  Returns 0 with a request in hand, or a
 * negative errno (EINTR when interrupted by a signal).
 */
int fcgi_io_accept(struct fcgi_io *io);

/*
 * Fills r from the current request: method, path, query, headers, request
 * id, content length.  Strings are copied into a; the body is not read.
 * Returns APP_OK, APP_ERR_INPUT (malformed) or APP_ERR_METHOD (unknown method).
 */
enum app_err fcgi_io_read_head(struct fcgi_io *io, struct arena *a, struct req *r);

/*
 * Reads exactly r->content_length bytes of body into the arena.  The caller
 * has checked the limit.  Returns APP_OK, APP_ERR_INPUT on a short read or
 * APP_ERR_TOO_LARGE if the arena cap is hit.
 */
enum app_err fcgi_io_read_body(struct fcgi_io *io, struct arena *a, struct req *r);

/*
 * Writes status line, headers and body (omitted when head_only).  Returns 0,
 * or -1 if the client went away.
 */
int fcgi_io_write(struct fcgi_io *io, int status, const struct resp *w, const char *body,
                  size_t len, int head_only);

/* Completes the current request (flushes and closes the connection). */
void fcgi_io_finish(struct fcgi_io *io);

#endif
