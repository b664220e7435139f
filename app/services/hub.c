/*
 * services/hub.c - see hub.h.
 *
 * One libwebsockets context, one thread, on a libev (epoll) loop.  Three
 * kinds of descriptor share it: the listen socket inherited from the master
 * (accepted here and handed to libwebsockets as HTTP connections that
 * upgrade), a dup of the PostgreSQL connection's socket (readable:
 * notifications arrived) and the clients.  A notification carries an event
 * id; the events are read by id (a NOTIFY is delivered at commit, so the
 * row is visible) and each is formatted once, then written to every client
 * it is for from that one buffer (a client whose socket is full queues it,
 * shared by reference); the access rule is a few bit tests per client on
 * scopes read when it authenticated.
 *
 * The wire protocol is the web app's: frames {"type", "data"}; the text
 * "ping" is answered "pong"; clients send conversation_subscribe (the one
 * open conversation), list_subscribe_replace (the conversations listed on
 * screen) and typing.  Routing, as upstream: new_message and
 * new_conversation go to every client allowed to read the conversation,
 * conversation_update and message_update (and typing) to its subscribers
 * allowed to read it, an event with a user to that agent's clients only,
 * the rest (agent_availability_update) to everyone.  Event names with a '.'
 * are webhook events and are not sent.
 */
#include "services/hub.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <libwebsockets.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/crypto.h"
#include "lib/http.h"
#include "lib/jsonio.h"
#include "lib/jsonw.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "lib/sbuf.h"
#include "lib/validate.h"
#include "rules/access.h"
#include "server/authn.h"
#include "server/config.h"
#include "server/ctx.h"
#include "store/connect.h"
#include "store/events.h"

#define HUB_ARENA (8u << 20)
#define MAX_FRAME (64u << 10) /* an incoming message, as upstream */
#define MAX_LIST_SUBS 500     /* list_subscribe_replace uuids kept, as upstream */
#define BATCH 200             /* events read per query when catching up */
#define STEP 16               /* notified events read per turn of the loop */
#define RECHECK_SECS 60       /* a connection's session and permissions are read again */
#define RECHECKS_PER_TICK 100 /* at most this many rechecks a second */
#define CATCH_UP_BATCHES 10   /* after a reconnect: at most this many batches of missed events */
#define MAX_COOKIE 8192
#define SLOW_MS 1000 /* how long reading events waits for a backlogged client */
/*
 * A connection idle for PING_SECS is pinged; one silent for HANGUP_SECS is
 * closed (as upstream).  The tick does it: libwebsockets' own validity
 * timers re-sort a list of all connections on every write.
 */
#define PING_SECS 25
#define HANGUP_SECS 60
/* Typing and viewers between the hubs of several hosts (deskd_live). */
#define LIVE_CHANNEL "deskd_live"
#define ORIGIN_LEN 16           /* hex characters naming a hub in its messages */
#define MAX_VIEWERS 64          /* viewer ids in one conversation_viewers */
#define MAX_REMOTE 4096         /* conversations viewed on other hosts, kept */
#define MAX_RELAYED 4096        /* deskd_live messages waiting to be handled */
#define RELAY_STEP 64           /* of them handled per turn of the loop */
#define VIEWERS_REFRESH_SECS 30 /* a hub announces its viewers again */
#define REFRESH_BATCH 200       /* announcements sent in one statement */
#define VIEWERS_EXPIRE_SECS 75  /* another hub's viewers not announced again are dropped */

/* A formatted frame, shared by the queues it is on. */
struct frame {
    unsigned refs;
    size_t len;
    unsigned char buf[]; /* LWS_PRE bytes, then len bytes of text */
};

struct qnode {
    struct qnode *next;
    struct frame *f;
};

/* One connection (libwebsockets' per-session data, zeroed). */
struct client {
    struct lws *wsi;
    struct client *prev, *next;
    int linked, authed, cut;
    int64_t user_id, session_id;
    unsigned scopes; /* access_read_scopes() of the agent, read at every (re)check */
    time_t checked_at;
    int has_open;
    unsigned char open[16];
    unsigned char (*list)[16]; /* sorted, nlist entries */
    int nlist;
    struct qnode *qhead, *qtail;
    size_t queued;
    long backlog_since;  /* ms: when the queue passed half the limit (0: it is not over) */
    int backlog_counted; /* counted in nbacklogged */
    time_t last_rx;      /* the last frame or pong from the client */
    time_t last_ping;
    int ping_due;
    char *rx; /* a message arriving in fragments */
    size_t rxlen;
};

static const struct hub_env *env;
static struct ev_loop *evloop; /* libev (epoll) under libwebsockets; NULL: its poll() loop */
static struct lws_context *ctx;
static struct lws_vhost *vh;
static struct db *db;
static struct arena *arena;
static struct client *clients;
static int nclients;
static int nbacklogged; /* clients with backlog_since set */
static volatile sig_atomic_t stop;
static struct lws *pg_wsi;
static unsigned long pg_gen;
static int64_t last_id;
static int queried; /* a query ran since the last pg_check() */
static int64_t *pending;
static size_t npending, pending_cap;
static char hub_id[ORIGIN_LEN + 1]; /* this hub in deskd_live messages */
static char **relayed;              /* deskd_live messages collected, handled by drain_relayed() */
static size_t nrelayed, relayed_cap;
static struct lws_sorted_usec_list tick_sul, wake_sul;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * Reading more events waits while a client is backlogged (its queue over
 * half the limit), for SLOW_MS at most: a client that reads catches up, one
 * that does not is cut off when reading resumes and its queue overflows.
 */
static int backlogged(void)
{
    if (nbacklogged == 0)
        return 0;
    long now = now_ms();
    for (const struct client *c = clients; c != NULL; c = c->next)
        if (c->backlog_since != 0 && !c->cut && now - c->backlog_since < SLOW_MS)
            return 1;
    return 0;
}

static void wake(struct lws_sorted_usec_list *sul)
{
    (void)sul; /* only ends the wait of service() */
}

/*
 * One turn of the event loop: waits for a descriptor or a timer (nowait:
 * only handles what is ready).  libev watches the descriptors with epoll,
 * so a turn costs what is ready, not a poll() over every connection.
 */
static int service(int nowait)
{
    if (evloop != NULL) {
        ev_run(evloop, nowait ? EVRUN_NOWAIT : EVRUN_ONCE);
        return 0;
    }
    return lws_service(ctx, nowait ? -1 : 0);
}

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
    if (ctx != NULL)
        lws_cancel_service(ctx);
}

/* uuid text (valid) to 16 bytes. */
static void uuid_bytes(const char *s, unsigned char out[16])
{
    int n = 0;
    for (const char *c = s; *c && n < 32; c++) {
        int v;
        if (*c == '-')
            continue;
        v = *c <= '9' ? *c - '0' : (*c | 0x20) - 'a' + 10;
        if (n % 2 == 0)
            out[n / 2] = (unsigned char)(v << 4);
        else
            out[n / 2] |= (unsigned char)v;
        n++;
    }
}

static int cmp16(const void *x, const void *y)
{
    return memcmp(x, y, 16);
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* ---- access ---- */

/*
 * The API's rule (rules/access.c) for this client and conversation, from
 * the scopes read when the client authenticated (or was last rechecked):
 * a few bit tests, and the team's member list only for a client whose
 * scopes depend on it.
 */
static int may_see(const struct client *c, const struct store_live_conv *conv)
{
    struct access_facts f;

    if (conv->uuid == NULL || c->scopes == 0)
        return 0;
    f.has_user = conv->has_user;
    f.user_id = conv->user_id;
    f.has_team = conv->has_team;
    f.my_team = (c->scopes & (ACCESS_TEAM_ALL | ACCESS_TEAM_INBOX)) && conv->has_team &&
                conv->nmembers > 0 &&
                bsearch(&c->user_id, conv->members, (size_t)conv->nmembers, sizeof(int64_t),
                        cmp_i64) != NULL;
    return access_scoped(c->scopes, c->user_id, &f);
}

static int subscribed(const struct client *c, const unsigned char uuid[16])
{
    if (c->has_open && memcmp(c->open, uuid, 16) == 0)
        return 1;
    return c->nlist > 0 && bsearch(uuid, c->list, (size_t)c->nlist, 16, cmp16) != NULL;
}

/* ---- queues ---- */

static struct frame *frame_new(const char *text, size_t len)
{
    struct frame *f = malloc(sizeof(*f) + LWS_PRE + len);
    if (f == NULL)
        return NULL;
    f->refs = 0;
    f->len = len;
    memcpy(f->buf + LWS_PRE, text, len);
    return f;
}

static void frame_unref(struct frame *f)
{
    if (--f->refs == 0)
        free(f);
}

/* Cuts a client off: it is closed at the next turn of the loop. */
static void cut_off(struct client *c, const char *why)
{
    if (c->cut)
        return;
    c->cut = 1;
    log_warnx("live hub: closing the connection of agent %lld: %s", (long long)c->user_id, why);
    lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

static void backlog_clear(struct client *c)
{
    c->backlog_since = 0;
    if (c->backlog_counted) {
        c->backlog_counted = 0;
        nbacklogged--;
    }
}

/*
 * Sends f to c: written at once when nothing of c's waits (the common case:
 * one send(2) per client and event, no queue node, no pass through poll()
 * for the socket to become writable), else queued for the writable callback.
 * libwebsockets keeps what the socket did not take of a write and sends it
 * first when the socket drains (asking for the callback itself), so frames
 * stay in order; while it holds such a rest, frames are queued.
 */
static void enqueue(struct client *c, struct frame *f)
{
    size_t limit = (size_t)env->cfg->ws_client_buffer * 1024;

    if (c->cut)
        return;
    if (c->qhead == NULL && !c->ping_due && !lws_partial_buffered(c->wsi)) {
        if (lws_write(c->wsi, f->buf + LWS_PRE, f->len, LWS_WRITE_TEXT) < (int)f->len)
            cut_off(c, "the connection failed");
        return;
    }
    if (c->queued + f->len > limit) {
        cut_off(c, "too slow to read its events (send buffer full)");
        return;
    }
    struct qnode *q = malloc(sizeof(*q));
    if (q == NULL) {
        cut_off(c, "out of memory");
        return;
    }
    q->next = NULL;
    q->f = f;
    f->refs++;
    if (c->qtail != NULL)
        c->qtail->next = q;
    else
        c->qhead = q;
    c->qtail = q;
    c->queued += f->len;
    if (c->backlog_since == 0 && c->queued > limit / 2) {
        c->backlog_since = now_ms();
        c->backlog_counted = 1;
        nbacklogged++;
    }
    lws_callback_on_writable(c->wsi);
}

static void queue_clear(struct client *c)
{
    while (c->qhead != NULL) {
        struct qnode *q = c->qhead;
        c->qhead = q->next;
        frame_unref(q->f);
        free(q);
    }
    c->qtail = NULL;
    c->queued = 0;
}

static void send_text(struct client *c, const char *text, size_t len)
{
    struct frame *f = frame_new(text, len);
    if (f == NULL)
        return;
    f->refs = 1; /* held while enqueueing */
    enqueue(c, f);
    frame_unref(f);
}

static void send_error(struct client *c, const char *msg)
{
    char buf[160];
    int n = snprintf(buf, sizeof(buf), "{\"type\":\"error\",\"data\":\"%s\"}", msg);
    send_text(c, buf, (size_t)n);
}

/* ---- fan-out ---- */

enum route {
    TO_ALL,        /* every client */
    TO_USER,       /* the clients of one agent */
    TO_AUTHORIZED, /* every client allowed to read conv */
    TO_SUBSCRIBERS /* the subscribers of conv allowed to read it */
};

static void fan_out(const char *text, size_t len, enum route route, int64_t user,
                    const struct store_live_conv *conv, const struct client *except)
{
    unsigned char uuid[16];
    struct frame *f = frame_new(text, len);

    if (f == NULL)
        return;
    if (conv != NULL && conv->uuid != NULL)
        uuid_bytes(conv->uuid, uuid);
    f->refs = 1;
    for (struct client *c = clients; c != NULL; c = c->next) {
        if (c == except || c->cut)
            continue;
        switch (route) {
        case TO_ALL:
            break;
        case TO_USER:
            if (c->user_id != user)
                continue;
            break;
        case TO_AUTHORIZED:
            if (!may_see(c, conv))
                continue;
            break;
        case TO_SUBSCRIBERS:
            if (!subscribed(c, uuid) || !may_see(c, conv))
                continue;
            break;
        }
        enqueue(c, f);
    }
    frame_unref(f);
}

static int event_name_ok(const char *e)
{
    return e != NULL && *e != '\0' && strspn(e, "abcdefghijklmnopqrstuvwxyz_") == strlen(e);
}

static void deliver(const struct store_live_event *ev)
{
    enum route route = TO_ALL;

    if (ev->id > last_id)
        last_id = ev->id;
    metrics_inc(METRIC_HUB_EVENTS);
    metrics_set(METRIC_HUB_LAG_MS, (long)ev->age_ms);
    if (!event_name_ok(ev->event) || ev->payload == NULL)
        return; /* a webhook event ("message.created"): not for the web app */
    if (ev->user_id > 0)
        route = TO_USER;
    else if (ev->conv_id > 0) {
        if (ev->conv.uuid == NULL)
            return; /* the conversation is gone */
        route = strcmp(ev->event, "new_message") == 0 || strcmp(ev->event, "new_conversation") == 0
                    ? TO_AUTHORIZED
                    : TO_SUBSCRIBERS;
    }
    struct sbuf sb;
    sbuf_init(&sb, arena);
    sbuf_add(&sb, "{\"type\":\"");
    sbuf_add(&sb, ev->event);
    sbuf_add(&sb, "\",\"data\":");
    sbuf_addn(&sb, ev->payload, ev->payload_len);
    sbuf_add(&sb, "}");
    if (sbuf_str(&sb) == NULL)
        return;
    fan_out(sb.buf, sb.len, route, ev->user_id, &ev->conv, NULL);
}

/* ---- the database side ---- */

static void collect(void *arg, const char *channel, const char *payload)
{
    (void)arg;
    if (strcmp(channel, LIVE_CHANNEL) == 0) {
        if (nrelayed == MAX_RELAYED)
            return;
        if (nrelayed == relayed_cap) {
            size_t cap = relayed_cap ? relayed_cap * 2 : 64;
            char **p = realloc(relayed, cap * sizeof(*p));
            if (p == NULL)
                return;
            relayed = p;
            relayed_cap = cap;
        }
        if ((relayed[nrelayed] = strdup(payload)) != NULL)
            nrelayed++;
        return;
    }
    char *end;
    long long id = strtoll(payload, &end, 10);
    if (end == payload || *end != '\0' || id <= 0)
        return;
    if (npending == pending_cap) {
        size_t cap = pending_cap ? pending_cap * 2 : 256;
        int64_t *p = realloc(pending, cap * sizeof(*p));
        if (p == NULL)
            return;
        pending = p;
        pending_cap = cap;
    }
    pending[npending++] = id;
}

static void pg_detach(void);
static void pg_check(void);

/*
 * Reads and delivers the events named by the notifications collected so
 * far, STEP at a time (the caller runs pg_check() after it): between steps
 * the loop turns (hub_main), so the clients' queues drain as they fill and
 * a burst of events cuts off only the clients that do not keep up.
 */
static void drain_pending(void)
{
    size_t take = npending < STEP ? npending : STEP;
    struct sbuf sb;
    struct store_live_event *rows;
    int n;

    if (take == 0)
        return;
    sbuf_init(&sb, arena);
    for (size_t i = 0; i < take; i++)
        sbuf_addf(&sb, i ? ",%lld" : "%lld", (long long)pending[i]);
    memmove(pending, pending + take, (npending - take) * sizeof(*pending));
    npending -= take;
    queried = 1;
    if (sbuf_str(&sb) == NULL || store_events_by_ids(db, arena, sb.buf, &rows, &n) != APP_OK) {
        log_warnx("live hub: %zu events could not be read", take);
    } else {
        for (int i = 0; i < n; i++)
            deliver(&rows[i]);
    }
    arena_reset(arena);
}

static void pg_detach(void)
{
    if (pg_wsi != NULL) {
        lws_set_timeout(pg_wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        pg_wsi = NULL;
    }
}

/* Connects, listens, and watches the connection's socket; catches up after a reconnect. */
static void pg_attach(void)
{
    lws_sock_file_fd_type fd;
    int first = pg_gen == 0;

    queried = 1;
    if (store_ensure(db) != APP_OK)
        return;
    if (store_listen(db, "deskd_events") != APP_OK || store_listen(db, LIVE_CHANNEL) != APP_OK)
        return;
    fd.filefd = dup(store_socket(db));
    if (fd.filefd < 0) {
        log_warn("live hub: dup");
        return;
    }
    pg_wsi = lws_adopt_descriptor_vhost(vh, LWS_ADOPT_RAW_FILE_DESC, fd, "deskd-pg", NULL);
    if (pg_wsi == NULL) {
        log_warnx("live hub: cannot watch the database connection");
        return;
    }
    pg_gen = store_generation(db);
    if (first) {
        if (store_events_last_id(db, arena, &last_id) != APP_OK)
            last_id = 0;
        arena_reset(arena);
        log_info("live hub: listening for events after %lld", (long long)last_id);
        return;
    }
    /* Events committed while the connection was down: sent late rather than never. */
    for (int b = 0; b < CATCH_UP_BATCHES; b++) {
        struct store_live_event *rows;
        int n;
        if (store_events_after(db, arena, last_id, BATCH, &rows, &n) != APP_OK)
            break;
        for (int i = 0; i < n; i++)
            deliver(&rows[i]);
        arena_reset(arena);
        if (n < BATCH)
            break;
    }
    arena_reset(arena);
    log_info("live hub: database connection back, events after %lld", (long long)last_id);
}

/*
 * After any query: a reconnect inside lib/db dropped the LISTEN; and a
 * notification that arrived while the query ran was read with its result
 * into libpq's buffer, where no readable socket would ever announce it: it
 * is collected now, so the loop sends it at once (not with the next event).
 */
static void pg_check(void)
{
    if (pg_wsi == NULL)
        return;
    if (store_generation(db) != pg_gen) {
        pg_detach();
        return;
    }
    if (queried) {
        queried = 0;
        if (store_notifications(db, collect, NULL) < 0)
            pg_detach();
    }
}

static int cb_pg(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                 size_t len)
{
    (void)user;
    (void)in;
    (void)len;
    switch (reason) {
    case LWS_CALLBACK_RAW_RX_FILE:
        if (wsi != pg_wsi)
            return -1;
        if (store_notifications(db, collect, NULL) < 0) {
            pg_wsi = NULL;
            return -1;
        }
        if (!backlogged())
            drain_pending();
        pg_check();
        break;
    case LWS_CALLBACK_RAW_CLOSE_FILE:
        if (wsi == pg_wsi)
            pg_wsi = NULL;
        break;
    default:
        break;
    }
    return 0;
}

/* ---- accepting ---- */

static int cb_accept(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len)
{
    (void)wsi;
    (void)user;
    (void)in;
    (void)len;
    if (reason != LWS_CALLBACK_RAW_RX_FILE)
        return 0;
    /* Another hub (a rolling restart) may have taken the connection: EAGAIN. */
    for (int i = 0; i < 64 && !stop; i++) {
        int fd = accept4(env->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                log_warn("live hub: accept");
            break;
        }
        if (lws_adopt_socket_vhost(vh, fd) == NULL)
            log_warnx("live hub: could not take a connection");
    }
    return 0;
}

/* ---- clients ---- */

static void uuid_text(const unsigned char uuid[16], char text[37])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text[o++] = '-';
        text[o++] = hex[uuid[i] >> 4];
        text[o++] = hex[uuid[i] & 15];
    }
    text[o] = '\0';
}

static int add_id(int64_t *ids, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (ids[i] == id)
            return n;
    if (n < MAX_VIEWERS)
        ids[n++] = id;
    return n;
}

/* The agents viewing the conversation on this hub, distinct, into ids; how many. */
static int local_viewers(const unsigned char uuid[16], int64_t *ids)
{
    int n = 0;
    for (struct client *c = clients; c != NULL; c = c->next)
        if (c->has_open && !c->cut && memcmp(c->open, uuid, 16) == 0)
            n = add_id(ids, n, c->user_id);
    return n;
}

/* ---- other hosts: typing and viewers through deskd_live ---- */

/*
 * The viewers another host's hub announced for one conversation.  Each hub
 * announces its own when they change and every VIEWERS_REFRESH_SECS; an
 * entry not heard of for VIEWERS_EXPIRE_SECS (its hub died) is dropped, as
 * are a hub's entries when it says goodbye.
 */
struct remote_view {
    char origin[ORIGIN_LEN + 1];
    unsigned char uuid[16];
    int n;
    int64_t ids[MAX_VIEWERS];
    time_t seen;
};

static struct remote_view *remote;
static size_t nremote, remote_cap;

/*
 * NOTIFY deskd_live with the messages in batch, a JSON array of strings
 * (a failure only costs the other hosts an update until the next refresh).
 */
static void relay_batch(struct sbuf *batch)
{
    if (sbuf_str(batch) == NULL || pg_wsi == NULL)
        return; /* the connection is down: the refresh after it is back catches up */
    queried = 1;
    if (store_events_relay(db, arena, batch->buf) != APP_OK)
        log_debug("live hub: could not tell the other hosts");
}

/* NOTIFY deskd_live with the one message in sb. */
static void relay(struct sbuf *sb)
{
    struct sbuf batch;

    if (sbuf_str(sb) == NULL)
        return;
    sbuf_init(&batch, arena);
    sbuf_add(&batch, "[");
    jw_str(&batch, sb->buf, sb->len);
    sbuf_add(&batch, "]");
    relay_batch(&batch);
}

/* The message telling the other hubs who views the conversation here, into sb. */
static void viewers_message(struct sbuf *sb, const unsigned char uuid[16], int ask)
{
    int64_t ids[MAX_VIEWERS];
    char text[37];
    int n = local_viewers(uuid, ids);

    uuid_text(uuid, text);
    sbuf_init(sb, arena);
    sbuf_addf(sb, "{\"o\":\"%s\",\"k\":\"viewers\",\"c\":\"%s\",\"ask\":%s,\"v\":[", hub_id, text,
              ask ? "true" : "false");
    for (int i = 0; i < n; i++)
        sbuf_addf(sb, i ? ",%lld" : "%lld", (long long)ids[i]);
    sbuf_add(sb, "]}");
}

/* Tells the other hubs who views the conversation here (ask: and to answer with theirs). */
static void announce_viewers(const unsigned char uuid[16], int ask)
{
    struct sbuf sb;
    viewers_message(&sb, uuid, ask);
    relay(&sb);
}

/* Sends conversation_viewers (this hub's viewers and the other hosts') to its viewers here. */
static void viewers_send(const unsigned char uuid[16])
{
    int64_t ids[MAX_VIEWERS];
    char text[37];
    int n = local_viewers(uuid, ids);

    if (n == 0)
        return; /* nobody here to tell */
    for (size_t r = 0; r < nremote; r++)
        if (memcmp(remote[r].uuid, uuid, 16) == 0)
            for (int i = 0; i < remote[r].n; i++)
                n = add_id(ids, n, remote[r].ids[i]);
    uuid_text(uuid, text);
    struct sbuf sb;
    sbuf_init(&sb, arena);
    sbuf_addf(&sb,
              "{\"type\":\"conversation_viewers\",\"data\":{\"conversation_uuid\":\"%s\","
              "\"viewer_ids\":[",
              text);
    for (int i = 0; i < n; i++)
        sbuf_addf(&sb, i ? ",%lld" : "%lld", (long long)ids[i]);
    sbuf_add(&sb, "]}}");
    if (sbuf_str(&sb) == NULL)
        return;
    struct frame *f = frame_new(sb.buf, sb.len);
    if (f == NULL)
        return;
    f->refs = 1;
    for (struct client *c = clients; c != NULL; c = c->next)
        if (c->has_open && !c->cut && memcmp(c->open, uuid, 16) == 0)
            enqueue(c, f);
    frame_unref(f);
}

/* The viewers here changed: tell them and the other hosts (not while shutting down). */
static void viewers_changed(const unsigned char uuid[16], int ask)
{
    viewers_send(uuid);
    if (!stop)
        announce_viewers(uuid, ask);
}

static void remote_drop(size_t r)
{
    remote[r] = remote[--nremote];
}

/* Another hub's viewers of uuid (n 0: none any more); 1 if that changed what is known. */
static int remote_set(const char *from, const unsigned char uuid[16], const int64_t *ids, int n)
{
    size_t r;
    for (r = 0; r < nremote; r++)
        if (memcmp(remote[r].uuid, uuid, 16) == 0 && strcmp(remote[r].origin, from) == 0)
            break;
    if (n == 0) {
        if (r == nremote)
            return 0;
        remote_drop(r);
        return 1;
    }
    if (r < nremote && remote[r].n == n &&
        memcmp(remote[r].ids, ids, (size_t)n * sizeof(*ids)) == 0) {
        remote[r].seen = time(NULL); /* a refresh */
        return 0;
    }
    if (r == nremote) {
        if (nremote == MAX_REMOTE) {
            log_warnx("live hub: viewers of more than %d conversations on other hosts; ignored",
                      MAX_REMOTE);
            return 0;
        }
        if (nremote == remote_cap) {
            size_t cap = remote_cap ? remote_cap * 2 : 64;
            struct remote_view *p = realloc(remote, cap * sizeof(*p));
            if (p == NULL)
                return 0;
            remote = p;
            remote_cap = cap;
        }
        nremote++;
        snprintf(remote[r].origin, sizeof(remote[r].origin), "%s", from);
        memcpy(remote[r].uuid, uuid, 16);
    }
    remote[r].n = n;
    memcpy(remote[r].ids, ids, (size_t)n * sizeof(*ids));
    remote[r].seen = time(NULL);
    return 1;
}

static void typing_frame(struct sbuf *sb, const char *uuid, int typing, int private_msg,
                         int64_t user_id)
{
    sbuf_init(sb, arena);
    sbuf_addf(sb,
              "{\"type\":\"typing\",\"data\":{\"conversation_uuid\":\"%s\",\"is_typing\":%s,"
              "\"is_private_message\":%s,\"user_id\":%lld}}",
              uuid, typing ? "true" : "false", private_msg ? "true" : "false", (long long)user_id);
}

static int flag(struct json_object *o, const char *key)
{
    struct json_object *v = jsonio_get(o, key);
    return v != NULL && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/* One deskd_live message of another hub's. */
static void relayed_one(const char *msg)
{
    int ok;
    const char *from, *kind, *uuid;
    struct json_object *m = jsonio_parse(arena, msg, strlen(msg), 4, &ok);

    if (m == NULL || !jsonio_string(jsonio_get(m, "o"), &from) ||
        !jsonio_string(jsonio_get(m, "k"), &kind) || strlen(from) != ORIGIN_LEN ||
        strcmp(from, hub_id) == 0)
        return; /* not a hub's, or this hub's own */
    if (strcmp(kind, "bye") == 0) {
        for (size_t r = 0; r < nremote;) {
            if (strcmp(remote[r].origin, from) != 0) {
                r++;
                continue;
            }
            unsigned char u[16];
            memcpy(u, remote[r].uuid, 16);
            remote_drop(r);
            viewers_send(u);
        }
        return;
    }
    if (!jsonio_string(jsonio_get(m, "c"), &uuid) || !v_uuid(uuid))
        return;
    unsigned char u[16];
    uuid_bytes(uuid, u);
    if (strcmp(kind, "typing") == 0) {
        struct store_live_conv conv;
        int64_t user = 0;
        struct sbuf sb;
        queried = 1;
        if (!jsonio_int64(jsonio_get(m, "u"), &user) ||
            store_events_conv(db, arena, uuid, &conv) != APP_OK)
            return;
        typing_frame(&sb, conv.uuid, flag(m, "t"), flag(m, "p"), user);
        if (sbuf_str(&sb) != NULL)
            fan_out(sb.buf, sb.len, TO_SUBSCRIBERS, 0, &conv, NULL);
    } else if (strcmp(kind, "viewers") == 0) {
        struct json_object *v = jsonio_get(m, "v");
        int64_t ids[MAX_VIEWERS];
        int n = 0;
        if (v == NULL || !json_object_is_type(v, json_type_array))
            return;
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            int64_t id;
            if (jsonio_int64(json_object_array_get_idx(v, i), &id) && id > 0)
                n = add_id(ids, n, id);
        }
        if (remote_set(from, u, ids, n))
            viewers_send(u);
        if (flag(m, "ask") && local_viewers(u, ids) > 0)
            announce_viewers(u, 0);
    }
}

/*
 * Handles the deskd_live messages collected so far, RELAY_STEP at a time
 * (a typing costs a query; the loop turns between steps); the caller runs
 * pg_check() after it.
 */
static void drain_relayed(void)
{
    size_t take = nrelayed < RELAY_STEP ? nrelayed : RELAY_STEP;

    for (size_t i = 0; i < take; i++) {
        relayed_one(relayed[i]);
        free(relayed[i]);
        arena_reset(arena);
    }
    memmove(relayed, relayed + take, (nrelayed - take) * sizeof(*relayed));
    nrelayed -= take;
}

/*
 * Every VIEWERS_REFRESH_SECS: this hub's viewers again (the other hubs
 * keep them alive), and the other hubs' that were not refreshed in time
 * dropped.
 */
static void viewers_refresh(time_t now)
{
    static time_t last;
    if (now - last < VIEWERS_REFRESH_SECS)
        return;
    last = now;
    for (size_t r = 0; r < nremote;) {
        if (now - remote[r].seen <= VIEWERS_EXPIRE_SECS) {
            r++;
            continue;
        }
        unsigned char u[16];
        memcpy(u, remote[r].uuid, 16);
        remote_drop(r);
        viewers_send(u);
        arena_reset(arena);
    }
    /* Each conversation viewed here, once. */
    unsigned char(*viewed)[16] = malloc((size_t)(nclients > 0 ? nclients : 1) * 16);
    int n = 0;
    if (viewed == NULL)
        return;
    for (const struct client *c = clients; c != NULL && n < nclients; c = c->next)
        if (c->has_open && !c->cut)
            memcpy(viewed[n++], c->open, 16);
    qsort(viewed, (size_t)n, 16, cmp16);
    /* In batches of REFRESH_BATCH messages, one statement each. */
    struct sbuf batch, one;
    int inbatch = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && memcmp(viewed[i], viewed[i - 1], 16) == 0)
            continue;
        if (inbatch == 0) {
            sbuf_init(&batch, arena);
            sbuf_add(&batch, "[");
        }
        viewers_message(&one, viewed[i], 0);
        if (sbuf_str(&one) == NULL)
            continue;
        if (inbatch > 0)
            sbuf_add(&batch, ",");
        jw_str(&batch, one.buf, one.len);
        if (++inbatch == REFRESH_BATCH) {
            sbuf_add(&batch, "]");
            relay_batch(&batch);
            arena_reset(arena);
            inbatch = 0;
        }
    }
    if (inbatch > 0) {
        sbuf_add(&batch, "]");
        relay_batch(&batch);
        arena_reset(arena);
    }
    free(viewed);
}

/* The conversation a client names, if it may read it; NULL otherwise (errors sent). */
static int conv_for(struct client *c, struct json_object *data, const char *missing,
                    struct store_live_conv *conv)
{
    const char *uuid;

    if (!jsonio_string(jsonio_get(data, "conversation_uuid"), &uuid) || *uuid == '\0') {
        send_error(c, missing);
        return 0;
    }
    /* As upstream: a conversation the agent may not read is ignored silently. */
    queried = 1;
    if (!v_uuid(uuid) || store_events_conv(db, arena, uuid, conv) != APP_OK)
        return 0;
    return may_see(c, conv);
}

static void on_subscribe(struct client *c, struct json_object *data)
{
    struct store_live_conv conv;
    unsigned char uuid[16], old[16];
    int had = c->has_open;

    if (!conv_for(c, data, "conversation_uuid is required", &conv))
        return;
    uuid_bytes(conv.uuid, uuid);
    memcpy(old, c->open, 16);
    c->has_open = 1;
    memcpy(c->open, uuid, 16);
    if (had && memcmp(old, uuid, 16) != 0)
        viewers_changed(old, 0);
    viewers_changed(uuid, 1);
}

static void on_list(struct client *c, struct json_object *data)
{
    struct json_object *arr = jsonio_get(data, "uuids");
    size_t n;

    if (arr == NULL || !json_object_is_type(arr, json_type_array)) {
        send_error(c, "invalid list_subscribe payload");
        return;
    }
    n = json_object_array_length(arr);
    if (n > MAX_LIST_SUBS)
        n = MAX_LIST_SUBS;
    free(c->list);
    c->list = NULL;
    c->nlist = 0;
    if (n == 0)
        return;
    c->list = malloc(n * 16);
    if (c->list == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        const char *s;
        if (jsonio_string(json_object_array_get_idx(arr, i), &s) && v_uuid(s))
            uuid_bytes(s, c->list[c->nlist++]);
    }
    qsort(c->list, (size_t)c->nlist, 16, cmp16);
}

static void on_typing(struct client *c, struct json_object *data)
{
    struct store_live_conv conv;
    struct json_object *t = jsonio_get(data, "is_typing"),
                       *pm = jsonio_get(data, "is_private_message");

    if (!conv_for(c, data, "conversation_uuid is required for typing", &conv))
        return;
    int typing = t != NULL && json_object_get_boolean(t),
        private_msg = pm != NULL && json_object_get_boolean(pm);
    struct sbuf sb;
    typing_frame(&sb, conv.uuid, typing, private_msg, c->user_id);
    if (sbuf_str(&sb) != NULL)
        fan_out(sb.buf, sb.len, TO_SUBSCRIBERS, 0, &conv, c);
    /* The subscribers on other hosts: through PostgreSQL (their hubs check their access). */
    sbuf_init(&sb, arena);
    sbuf_addf(&sb, "{\"o\":\"%s\",\"k\":\"typing\",\"c\":\"%s\",\"t\":%s,\"p\":%s,\"u\":%lld}",
              hub_id, conv.uuid, typing ? "true" : "false", private_msg ? "true" : "false",
              (long long)c->user_id);
    relay(&sb);
}

static void on_message(struct client *c, const char *buf, size_t len)
{
    int ok;

    if (len == 4 && memcmp(buf, "ping", 4) == 0) {
        send_text(c, "pong", 4);
        return;
    }
    struct json_object *root = jsonio_parse(arena, buf, len, 8, &ok);
    const char *type;
    if (root == NULL || !jsonio_string(jsonio_get(root, "type"), &type)) {
        send_error(c, "invalid message format");
        return;
    }
    struct json_object *data = jsonio_get(root, "data");
    if (strcmp(type, "conversation_subscribe") == 0)
        on_subscribe(c, data);
    else if (strcmp(type, "list_subscribe_replace") == 0)
        on_list(c, data);
    else if (strcmp(type, "typing") == 0)
        on_typing(c, data);
    else
        send_error(c, "unknown message type");
}

/* The session named by the request's libredesk_session cookie: 0 with the client's identity. */
static int authenticate(struct lws *wsi, struct client *c)
{
    char *cookie, origin[512], host[512];
    int len = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_COOKIE);
    struct principal *p;

    /*
     * A browser sends the cookie along with a page of another site's
     * WebSocket: the page's origin must be this host (a client that is not
     * a browser sends no Origin).
     */
    if (lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) > 0) {
        const char *o = strstr(origin, "://");
        o = o != NULL ? o + 3 : origin;
        if (lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0 ||
            strcasecmp(o, host) != 0) {
            log_info("live hub: refused a connection from origin %s", origin);
            return -1;
        }
    }
    if (len <= 0 || len > MAX_COOKIE)
        return -1;
    cookie = arena_alloc(arena, (size_t)len + 1);
    if (cookie == NULL || lws_hdr_copy(wsi, cookie, len + 1, WSI_TOKEN_HTTP_COOKIE) < 0)
        return -1;
    const char *token = http_cookie(arena, cookie, "libredesk_session");
    queried = 1;
    if (token == NULL || *token == '\0' || authn_session(db, arena, token, &p, NULL) != APP_OK)
        return -1;
    c->user_id = p->id;
    c->session_id = p->session_id;
    c->scopes = access_read_scopes(p);
    c->checked_at = time(NULL);
    c->authed = 1;
    return 0;
}

/* The periodic recheck: a revoked session or disabled agent loses its connection. */
static void recheck(struct client *c, time_t now)
{
    struct principal *p;
    queried = 1;
    enum app_err e = authn_session_ids(db, arena, c->user_id, c->session_id, &p, NULL);

    c->checked_at = now;
    if (e == APP_ERR_UNAUTHORIZED || e == APP_ERR_PERMISSION)
        cut_off(c, "its session ended");
    else if (e == APP_OK)
        c->scopes = access_read_scopes(p);
}

static void client_unlink(struct client *c)
{
    if (!c->linked)
        return;
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        clients = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    c->linked = 0;
    nclients--;
}

static int cb_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                 size_t len)
{
    struct client *c = user;

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        /* Not an upgrade: nothing else is served here. */
        lws_return_http_status(wsi, HTTP_STATUS_BAD_REQUEST, "WebSocket upgrade expected");
        return -1;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
        int rc = c != NULL ? authenticate(wsi, c) : -1;
        arena_reset(arena);
        pg_check();
        if (rc != 0) {
            lws_return_http_status(wsi, HTTP_STATUS_UNAUTHORIZED, NULL);
            return -1;
        }
        return 0;
    }
    case LWS_CALLBACK_ESTABLISHED:
        if (c == NULL || !c->authed)
            return -1;
        c->wsi = wsi;
        c->prev = NULL;
        c->next = clients;
        if (clients != NULL)
            clients->prev = c;
        clients = c;
        c->linked = 1;
        c->last_rx = time(NULL);
        nclients++;
        break;
    case LWS_CALLBACK_RECEIVE_PONG:
        if (c != NULL)
            c->last_rx = time(NULL);
        break;
    case LWS_CALLBACK_RECEIVE:
        if (c == NULL || c->cut)
            return -1;
        c->last_rx = time(NULL);
        if (lws_frame_is_binary(wsi)) {
            lws_close_reason(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, NULL, 0);
            return -1;
        }
        if (c->rx == NULL && lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
            on_message(c, in, len);
        } else {
            if (c->rxlen + len > MAX_FRAME) {
                lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, NULL, 0);
                return -1;
            }
            char *rx = realloc(c->rx, c->rxlen + len);
            if (rx == NULL)
                return -1;
            memcpy(rx + c->rxlen, in, len);
            c->rx = rx;
            c->rxlen += len;
            if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
                on_message(c, c->rx, c->rxlen);
                free(c->rx);
                c->rx = NULL;
                c->rxlen = 0;
            }
        }
        arena_reset(arena);
        pg_check();
        break;
    case LWS_CALLBACK_SERVER_WRITEABLE: {
        if (c == NULL || c->cut)
            return -1;
        if (c->ping_due) {
            unsigned char ping[LWS_PRE];
            c->ping_due = 0;
            if (lws_write(wsi, ping + LWS_PRE, 0, LWS_WRITE_PING) < 0)
                return -1;
            if (c->qhead != NULL)
                lws_callback_on_writable(wsi);
            break;
        }
        /* As much as the socket takes now: a client that reads keeps its queue short. */
        struct qnode *q;
        while ((q = c->qhead) != NULL) {
            struct frame *f = q->f;
            if (lws_write(wsi, f->buf + LWS_PRE, f->len, LWS_WRITE_TEXT) < (int)f->len)
                return -1;
            c->qhead = q->next;
            if (c->qhead == NULL)
                c->qtail = NULL;
            c->queued -= f->len;
            frame_unref(f);
            free(q);
            /* lws_send_pipe_choked() costs a poll(): only with more to write. */
            if (c->qhead != NULL && lws_send_pipe_choked(wsi))
                break;
        }
        if (c->queued < (size_t)env->cfg->ws_client_buffer * 256)
            backlog_clear(c);
        if (c->qhead != NULL)
            lws_callback_on_writable(wsi);
        break;
    }
    case LWS_CALLBACK_CLOSED:
        if (c == NULL)
            break;
        client_unlink(c);
        queue_clear(c);
        backlog_clear(c);
        free(c->list);
        c->list = NULL;
        free(c->rx);
        c->rx = NULL;
        if (c->has_open) {
            c->has_open = 0;
            viewers_changed(c->open, 0);
            arena_reset(arena);
        }
        break;
    default:
        break;
    }
    return 0;
}

/* Once a second: the database connection, and the rechecks that are due. */
static void tick(struct lws_sorted_usec_list *sul)
{
    time_t now = time(NULL);
    int done = 0;

    if (pg_wsi == NULL && !stop)
        pg_attach();
    for (struct client *c = clients; c != NULL && done < RECHECKS_PER_TICK; c = c->next) {
        if (c->cut || c->checked_at + RECHECK_SECS > now)
            continue;
        recheck(c, now);
        arena_reset(arena);
        done++;
    }
    for (struct client *c = clients; c != NULL; c = c->next) {
        if (c->cut)
            continue;
        if (now - c->last_rx >= HANGUP_SECS)
            cut_off(c, "silent for a minute (no pong)");
        else if (now - c->last_rx >= PING_SECS && now - c->last_ping >= PING_SECS) {
            c->last_ping = now;
            c->ping_due = 1;
            lws_callback_on_writable(c->wsi);
        }
    }
    if (pg_wsi != NULL)
        viewers_refresh(now);
    pg_check();
    lws_sul_schedule(ctx, 0, sul, tick, LWS_US_PER_SEC);
}

static void lws_logger(int level, const char *line)
{
    size_t n = strlen(line);
    while (n > 0 && line[n - 1] == '\n')
        n--;
    if (level & LLL_ERR)
        log_warnx("libwebsockets: %.*s", (int)n, line);
    else
        log_debug("libwebsockets: %.*s", (int)n, line);
}

static const struct lws_protocols protocols[] = {
    /* First: the protocol of an upgrade that names none (the web app's). */
    {"deskd-live", cb_ws, sizeof(struct client), 4096, 0, NULL, 1 << 16},
    {"deskd-pg", cb_pg, 0, 0, 0, NULL, 0},
    {"deskd-accept", cb_accept, 0, 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}};

int hub_main(void *arg)
{
    struct lws_context_creation_info info;
    struct sigaction sa;
    char appname[64];
    int rc = 0;

    env = arg;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);

    /* One descriptor per connection: as many as the hard limit allows. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
    authn_init(env->cfg->secret_key);
    unsigned char rnd[ORIGIN_LEN / 2];
    if (crypto_random(rnd, sizeof(rnd)) != 0) {
        log_err("live hub: no randomness");
        return 1;
    }
    for (size_t i = 0; i < sizeof(rnd); i++)
        snprintf(hub_id + 2 * i, 3, "%02x", rnd[i]);
    snprintf(appname, sizeof(appname), "deskd hub %ld", (long)getpid());
    if (store_open(env->cfg->database_url, appname, env->cfg->statement_timeout, &db) != APP_OK)
        log_warnx("live hub: database not reachable yet; retrying");
    arena = arena_new(HUB_ARENA);

    lws_set_log_level(LLL_ERR, lws_logger);
    memset(&info, 0, sizeof(info));
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_DISABLE_IPV6;
    info.gid = -1;
    info.uid = -1;
    info.vhost_name = "deskd";
    /*
     * On libev's epoll (the evlib plugin, libwebsockets-evlib-ev), with the
     * loop ours so that this loop turns it; lws' own poll() loop if the
     * plugin is missing (each turn then costs a poll() over every client).
     */
    void *loops[1] = {NULL};
    if ((evloop = ev_loop_new(EVBACKEND_EPOLL | EVFLAG_NOSIGMASK)) != NULL) {
        loops[0] = evloop;
        info.foreign_loops = loops;
        info.options |= LWS_SERVER_OPTION_LIBEV;
        if ((ctx = lws_create_context(&info)) == NULL) {
            log_warnx("live hub: no libev event loop for libwebsockets; using poll()");
            ev_loop_destroy(evloop);
            evloop = NULL;
        }
    }
    if (evloop == NULL) {
        info.foreign_loops = NULL;
        info.options &= ~(uint64_t)LWS_SERVER_OPTION_LIBEV;
        ctx = lws_create_context(&info);
    }
    if (ctx == NULL || arena == NULL || (vh = lws_create_vhost(ctx, &info)) == NULL) {
        log_err("live hub: cannot create the WebSocket context");
        rc = 1;
        goto out;
    }
    lws_sock_file_fd_type lfd;
    lfd.filefd = dup(env->listen_fd);
    if (lfd.filefd < 0 || lws_adopt_descriptor_vhost(vh, LWS_ADOPT_RAW_FILE_DESC, lfd,
                                                     "deskd-accept", NULL) == NULL) {
        log_err("live hub: cannot watch the listen socket");
        rc = 1;
        goto out;
    }
    pg_attach();
    memset(&tick_sul, 0, sizeof(tick_sul));
    lws_sul_schedule(ctx, 0, &tick_sul, tick, LWS_US_PER_SEC);
    log_info("live hub ready on %s (%s)", env->cfg->ws_listen, evloop ? "libev, epoll" : "poll");

    while (!stop) {
        /*
         * With events still to read, the loop only looks at the sockets (-1:
         * no wait), unless a client is backlogged: then it waits for the
         * sockets, and looks again every 50 ms.
         */
        int paused = npending > 0 && backlogged();
        if (paused)
            lws_sul_schedule(ctx, 0, &wake_sul, wake, 50 * LWS_US_PER_MS);
        if (service((npending > 0 && !paused) || nrelayed > 0) < 0)
            break;
        if (npending > 0 && !backlogged()) {
            drain_pending();
            pg_check();
        }
        if (nrelayed > 0) {
            drain_relayed();
            pg_check();
        }
    }
    log_info("live hub: draining %d connection(s)", nclients);
    if (pg_wsi != NULL) {
        /* The other hosts drop this hub's viewers now rather than when they expire. */
        struct sbuf sb;
        sbuf_init(&sb, arena);
        sbuf_addf(&sb, "{\"o\":\"%s\",\"k\":\"bye\"}", hub_id);
        relay(&sb);
        arena_reset(arena);
    }
    for (struct client *c = clients; c != NULL; c = c->next) {
        lws_close_reason(c->wsi, LWS_CLOSE_STATUS_GOINGAWAY,
                         (unsigned char *)"server shutting down", 20);
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }

out:
    if (ctx != NULL)
        lws_context_destroy(ctx);
    ctx = NULL;
    if (evloop != NULL)
        ev_loop_destroy(evloop);
    evloop = NULL;
    free(pending);
    for (size_t i = 0; i < nrelayed; i++)
        free(relayed[i]);
    free(relayed);
    free(remote);
    arena_free(arena);
    store_close(db);
    return rc;
}
