/*
 * fcgi_io.c - libfcgi adapter.
 *
 * libfcgi frees the request environment on the next accept or finish, so
 * every string read here is copied into the request arena at once.
 */
#include "fcgi_io.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "arena.h"
#include "http.h"
#include "log.h"
#include "validate.h"
#include "xalloc.h"

#define READ_CHUNK (64 * 1024)

struct fcgi_io {
    FCGX_Request req;
    int accepted;
    int cgi;    /* one CGI request: the environment, stdin and stdout */
    int served; /* the CGI request was accepted */
};

static int listen_unix(const char *path, int backlog, mode_t mode, uid_t uid, gid_t gid)
{
    struct sockaddr_un sa;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        log_err("listen socket path too long (%zu bytes): %s", strlen(path), path);
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);

    /* Refuse to steal a socket that another server is still accepting on. */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        log_warn("socket(AF_UNIX)");
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
        log_err("%s: another server is listening on this socket", path);
        close(fd);
        return -1;
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        log_warn("unlink %s", path);
        close(fd);
        return -1;
    }
    close(fd);

    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        log_warn("socket(AF_UNIX)");
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        log_warn("bind %s", path);
        close(fd);
        return -1;
    }
    if (chmod(path, mode) != 0) {
        log_warn("chmod %s", path);
        close(fd);
        return -1;
    }
    if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) != 0) {
        log_warn("chown %s", path);
        close(fd);
        return -1;
    }
    if (listen(fd, backlog) != 0) {
        log_warn("listen %s", path);
        close(fd);
        return -1;
    }
    return fd;
}

static int listen_tcp(const char *spec, int backlog)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    struct addrinfo hints, *res = NULL, *ai;
    int fd = -1, one = 1, rc;

    if (colon == NULL || (size_t)(colon - spec) >= sizeof(host)) {
        log_err("bad listen address %s", spec);
        return -1;
    }
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res);
    if (rc != 0) {
        log_err("listen address %s: %s", spec, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
            bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0)
            break;
        log_warn("bind/listen %s", spec);
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int fcgi_io_listen(const char *spec, int backlog, mode_t mode, uid_t uid, gid_t gid)
{
    if (strncmp(spec, "unix:", 5) == 0)
        return listen_unix(spec + 5, backlog, mode, uid, gid);
    return listen_tcp(spec, backlog);
}

void fcgi_io_unlink(const char *spec)
{
    if (strncmp(spec, "unix:", 5) == 0 && unlink(spec + 5) != 0 && errno != ENOENT)
        log_warn("unlink %s", spec + 5);
}

struct fcgi_io *fcgi_io_new(int listen_fd)
{
    struct fcgi_io *io = xcalloc(1, sizeof(*io));

    if (FCGX_Init() != 0) {
        log_err("FCGX_Init failed");
        free(io);
        return NULL;
    }
    if (FCGX_InitRequest(&io->req, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
        log_err("FCGX_InitRequest failed");
        free(io);
        return NULL;
    }
    return io;
}

int fcgi_io_is_cgi(void)
{
    const char *gi = getenv("GATEWAY_INTERFACE");
    return gi != NULL && *gi != '\0' && FCGX_IsCGI();
}

struct fcgi_io *fcgi_io_new_cgi(void)
{
    struct fcgi_io *io = xcalloc(1, sizeof(*io));
    io->cgi = 1;
    return io;
}

void fcgi_io_free(struct fcgi_io *io)
{
    if (io == NULL)
        return;
    if (io->cgi) {
        free(io);
        return;
    }
    if (io->accepted)
        FCGX_Finish_r(&io->req);
    FCGX_Free(&io->req, 0);
    free(io);
}

int fcgi_io_accept(struct fcgi_io *io)
{
    if (io->cgi) {
        if (io->served)
            return -ECONNABORTED; /* one request per CGI process */
        io->served = io->accepted = 1;
        return 0;
    }
    int rc = FCGX_Accept_r(&io->req);
    io->accepted = rc >= 0;
    return rc >= 0 ? 0 : rc;
}

/* A request parameter: FastCGI's, or a CGI program's environment. */
static const char *getp(struct fcgi_io *io, const char *name)
{
    return io->cgi ? getenv(name) : FCGX_GetParam(name, io->req.envp);
}

static const char *param(struct fcgi_io *io, struct arena *a, const char *name)
{
    const char *v = getp(io, name);
    return v ? arena_strdup(a, v) : NULL;
}

enum app_err fcgi_io_read_head(struct fcgi_io *io, struct arena *a, struct req *r)
{
    const char *method = getp(io, "REQUEST_METHOD");
    const char *uri = getp(io, "REQUEST_URI");
    const char *cl = getp(io, "CONTENT_LENGTH");
    int m;

    r->arena = a;
    /* nginx's $request_id; Apache's mod_unique_id otherwise. */
    r->request_id = param(io, a, "REQUEST_ID");
    if (r->request_id == NULL)
        r->request_id = param(io, a, "UNIQUE_ID");
    r->remote_addr = param(io, a, "REMOTE_ADDR");
    r->content_length = -1;
    r->path = "/";
    r->query = "";
    /* A CGI server that sets no REQUEST_URI (it is not in RFC 3875): the path after the script. */
    if (uri == NULL && io->cgi && getenv("PATH_INFO") != NULL) {
        const char *qs = getenv("QUERY_STRING");
        uri = arena_printf(a, "%s%s%s", getenv("PATH_INFO"), qs && *qs ? "?" : "", qs ? qs : "");
    }
    if (method == NULL || uri == NULL)
        return APP_ERR_INPUT;
    m = http_method_parse(method);
    if (m < 0)
        return APP_ERR_METHOD;
    r->method = (enum http_method)m;

    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    r->path = arena_strndup(a, uri, plen);
    r->query = arena_strdup(a, q ? q + 1 : "");
    if (r->path == NULL || r->query == NULL)
        return APP_ERR_TOO_LARGE;

    r->authorization = param(io, a, "HTTP_AUTHORIZATION");
    r->cookie = param(io, a, "HTTP_COOKIE");
    r->csrf_header = param(io, a, "HTTP_X_CSRFTOKEN");
    r->content_type = param(io, a, "CONTENT_TYPE");
    r->user_agent = param(io, a, "HTTP_USER_AGENT");
    r->idempotency_key = param(io, a, "HTTP_IDEMPOTENCY_KEY");
    r->api_access_token = param(io, a, "HTTP_API_ACCESS_TOKEN");
    r->x_api_key = param(io, a, "HTTP_X_API_KEY");
    r->if_none_match = param(io, a, "HTTP_IF_NONE_MATCH");
    r->host = param(io, a, "HTTP_HOST");
    r->scheme = param(io, a, "REQUEST_SCHEME");

    if (cl != NULL && *cl != '\0') {
        int64_t v;
        if (v_int64(cl, 0, LLONG_MAX, &v) != 0)
            return APP_ERR_INPUT;
        r->content_length = (long long)v;
    }
    if (http_parse_query(a, r->query, &r->params, &r->nparams) != 0)
        return APP_ERR_INPUT;
    return APP_OK;
}

enum app_err fcgi_io_read_body(struct fcgi_io *io, struct arena *a, struct req *r)
{
    size_t want, got = 0;
    char *buf;

    r->body = NULL;
    r->body_len = 0;
    if (r->content_length <= 0)
        return APP_OK;
    want = (size_t)r->content_length;
    buf = arena_alloc(a, want + 1);
    if (buf == NULL)
        return APP_ERR_TOO_LARGE;
    while (got < want) {
        size_t chunk = want - got > READ_CHUNK ? READ_CHUNK : want - got;
        int n = io->cgi ? (int)fread(buf + got, 1, chunk, stdin)
                        : FCGX_GetStr(buf + got, (int)chunk, io->req.in);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got != want) {
        log_warnx("short request body: %zu of %zu bytes", got, want);
        return APP_ERR_INPUT;
    }
    buf[got] = '\0';
    r->body = buf;
    r->body_len = got;
    return APP_OK;
}

static int safe_header(const char *s)
{
    for (; *s; s++)
        if (*s == '\r' || *s == '\n')
            return 0;
    return 1;
}

/*
 * Responses longer than libfcgi's 8 KiB output buffer would leave in
 * several writes, and a worker killed between two of them would leave nginx
 * with a response it has begun to send: the client would get a cut body.
 * Up to WHOLE_MAX such a response goes as FCGI_STDOUT records built here in
 * one write(), so it reaches nginx whole or not at all (then nginx answers
 * 502, mapped to the 503 envelope); libfcgi then ends the stream and the
 * request as usual.
 */
#define WHOLE_MIN 8000
#define WHOLE_MAX (4 * 1024 * 1024)
#define REC_MAX 65528 /* content bytes per record: a multiple of 8 below 65535 */

static int put_whole(struct fcgi_io *io, const char *head, size_t hlen, const char *body,
                     size_t blen)
{
    size_t total = hlen + blen, nrec = (total + REC_MAX - 1) / REC_MAX;
    unsigned char *buf = malloc(total + nrec * 8);
    size_t w = 0, done = 0;
    int id = io->req.requestId;

    if (buf == NULL)
        return -1;
    while (done < total) {
        size_t n = total - done > REC_MAX ? REC_MAX : total - done;
        unsigned char rec[8] = {1,
                                6 /* FCGI_STDOUT */,
                                (unsigned char)(id >> 8),
                                (unsigned char)id,
                                (unsigned char)(n >> 8),
                                (unsigned char)n,
                                0,
                                0};
        memcpy(buf + w, rec, 8);
        w += 8;
        for (size_t left = n; left > 0;) {
            const char *src = done < hlen ? head + done : body + (done - hlen);
            size_t avail = done < hlen ? hlen - done : total - done;
            size_t k = avail < left ? avail : left;
            memcpy(buf + w, src, k);
            w += k;
            done += k;
            left -= k;
        }
    }
    size_t sent = 0;
    while (sent < w) {
        ssize_t r = write(io->req.ipcFd, buf + sent, w - sent);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            free(buf);
            return -1;
        }
        sent += (size_t)r;
    }
    free(buf);
    return 0;
}

int fcgi_io_write(struct fcgi_io *io, int status, const struct resp *w, const char *body,
                  size_t len, int head_only)
{
    char head[2048];
    size_t off = 0;
    int n;

    /* Cache-Control: no-store unless the handler set its own. */
    const char *cache = "Cache-Control: no-store\r\n";
    for (size_t i = 0; i < w->nheaders; i++)
        if (strcasecmp(w->headers[i].key, "Cache-Control") == 0)
            cache = "";
    n = snprintf(head, sizeof(head),
                 "Status: %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                 "X-Content-Type-Options: nosniff\r\n%s",
                 status, http_reason(status),
                 w->content_type ? w->content_type : "application/json; charset=utf-8", len, cache);
    if (n < 0 || (size_t)n >= sizeof(head))
        return -1;
    off = (size_t)n;
    for (size_t i = 0; i < w->nheaders; i++) {
        if (!safe_header(w->headers[i].key) || !safe_header(w->headers[i].value)) {
            log_err("refusing header with CR/LF: %s", w->headers[i].key);
            continue;
        }
        n = snprintf(head + off, sizeof(head) - off, "%s: %s\r\n", w->headers[i].key,
                     w->headers[i].value);
        if (n < 0 || (size_t)n >= sizeof(head) - off)
            return -1;
        off += (size_t)n;
    }
    if (off + 2 >= sizeof(head))
        return -1;
    head[off++] = '\r';
    head[off++] = '\n';
    if (head_only)
        len = 0;
    if (io->cgi) {
        /* A CGI response: the same header block (Status: first) on stdout. */
        if (fwrite(head, 1, off, stdout) != off || (len > 0 && fwrite(body, 1, len, stdout) != len))
            return -1;
        return fflush(stdout) == 0 ? 0 : -1;
    }
    if (off + len > WHOLE_MIN && off + len <= WHOLE_MAX)
        return put_whole(io, head, off, body, len);
    if (FCGX_PutStr(head, (int)off, io->req.out) < 0)
        return -1;
    if (len > 0) {
        size_t put = 0;
        while (put < len) {
            size_t chunk = len - put > READ_CHUNK ? READ_CHUNK : len - put;
            if (FCGX_PutStr(body + put, (int)chunk, io->req.out) < 0)
                return -1;
            put += chunk;
        }
    }
    return FCGX_GetError(io->req.out) == 0 ? 0 : -1;
}

void fcgi_io_finish(struct fcgi_io *io)
{
    if (io->cgi) {
        io->accepted = 0;
        fflush(stdout);
        return;
    }
    if (io->accepted) {
        FCGX_Finish_r(&io->req);
        io->accepted = 0;
    }
}
