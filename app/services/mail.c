/*
 * services/mail.c - the mail process.
 *
 * Inbound: every enabled e-mail inbox's IMAP mailbox (config.imap[0]) is
 * read every read_interval (at least 1 s).  The messages after the last
 * UID taken (store/mail.h; a mailbox seen for the first time starts at the
 * messages of the last scan_inbox_since, else at what arrives next) are
 * fetched one by one, parsed (lib/mime, GMime) and stored in one
 * transaction each with the UID: a new conversation, or a message of the
 * conversation its In-Reply-To/References or the "#<reference>" in its
 * subject names.  Automatic replies, delivery reports, deskd's own mail
 * (X-Libredesk-Loop-Prevention), messages over DESKD_MAIL_MAX_SIZE and
 * messages that do not parse are logged and skipped: the UID advances, the
 * inbox goes on.  HTML is sanitised (lib/html); files are kept under the
 * upload limits (app.max_file_upload_size, app.allowed_file_upload_extensions),
 * typed from their bytes as uploads are.
 *
 * Outbound: agents' replies (pending, or failed and due for a retry) in
 * inboxes with an SMTP server (config.smtp[0]) are claimed under a lease
 * and sent with lib/smtp: From the inbox's address, To the contact (or
 * meta.to), Cc/Bcc from meta, Message-ID <message uuid>@<from domain>,
 * In-Reply-To/References from the conversation's earlier messages, the
 * conversation's reference in the subject, the attachments.  Sent, or
 * failed with the reason in meta.delivery_error and a retry after
 * base * 2^(attempt - 1) until DESKD_MAIL_MAX_ATTEMPTS; PUT .../retry
 * makes a failed reply due at once.  A LISTEN on deskd_events wakes the
 * process when something changes, so a reply goes out within moments.
 *
 * The two directions are two processes (deskd-mail-in, deskd-mail-out) of
 * this one loop.  Each does one thing at a time: an IMAP call or an SMTP
 * send is bounded by DESKD_MAIL_TIMEOUT, and SIGTERM is looked at between
 * messages.
 */
#include "services/mail.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/env.h"
#include "lib/html.h"
#include "lib/imap.h"
#include "lib/log.h"
#include "lib/mime.h"
#include "lib/sbuf.h"
#include "lib/smtp.h"
#include "lib/text.h"
#include "rules/secret.h"
#include "rules/upload.h"
#include "server/config.h"
#include "services/service.h"
#include "store/automation.h"
#include "store/connect.h"
#include "store/mail.h"
#include "store/media.h"
#include "store/settings.h"

#define MAX_INBOXES 256
#define PER_ROUND 100 /* messages of one inbox per round, then the others get a turn */
#define CLAIM_MAX 16
#define LIST_EVERY_MS 5000L
#define OUT_EVERY_MS 1000L
#define OUT_MIN_GAP_MS 100L
#define MAX_THREAD (MIME_MAX_REFS + 1)

#define MAX_SMTP 16
#define SMTP_IDLE_MS 60000L

/* An open SMTP connection, kept for the next reply to the same server. */
struct conn {
    char *key; /* what it was opened with (malloc'd); NULL: free slot */
    struct smtp *h;
    long used;
};

/* A message that failed to fetch this many rounds in a row is skipped. */
#define FETCH_TRIES 3

struct box {
    int64_t id;
    long next_scan;     /* ms, monotonic */
    long long fail_uid; /* the UID whose fetch failed last, fail_count rounds in a row */
    int fail_count;
    char last_error[200];
};

struct mail {
    const struct config *cfg;
    int outbound;
    struct db *db;
    struct arena *a;
    int sfd;
    int stopping;
    unsigned long listening;
    struct box boxes[MAX_INBOXES];
    size_t nboxes;
    long next_list, next_out, last_out;
    int woken;
    struct conn conns[MAX_SMTP];
    /* The upload limits (settings), read again every LIST_EVERY_MS. */
    char *max_mb, *exts;
    long limits_at;
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* A pending SIGTERM/SIGINT sets stopping (read without blocking). */
static int stop_asked(struct mail *m)
{
    struct signalfd_siginfo si;
    while (read(m->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
        m->stopping = 1;
    return m->stopping;
}

static const char *jstr(struct json_object *o, const char *key, const char *def)
{
    struct json_object *v;
    if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return def;
    return json_object_get_string(v);
}

static int64_t jint(struct json_object *o, const char *key, int64_t def)
{
    struct json_object *v;
    if (o == NULL || !json_object_object_get_ex(o, key, &v))
        return def;
    if (json_object_is_type(v, json_type_int))
        return json_object_get_int64(v);
    if (json_object_is_type(v, json_type_string))
        return strtoll(json_object_get_string(v), NULL, 10);
    return def;
}

static int jbool(struct json_object *o, const char *key)
{
    struct json_object *v;
    return o != NULL && json_object_object_get_ex(o, key, &v) &&
           json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/* config.<list>[0] of an inbox's config (borrowed from root). */
static struct json_object *server_of(struct json_object *root, const char *list)
{
    struct json_object *l;
    if (root == NULL || !json_object_object_get_ex(root, list, &l) ||
        !json_object_is_type(l, json_type_array) || json_object_array_length(l) == 0)
        return NULL;
    struct json_object *s = json_object_array_get_idx(l, 0);
    return json_object_is_type(s, json_type_object) ? s : NULL;
}

static enum mail_tls tls_of(const char *t)
{
    if (t != NULL && strcmp(t, "tls") == 0)
        return MAIL_TLS_IMPLICIT;
    if (t != NULL && strcmp(t, "starttls") == 0)
        return MAIL_TLS_STARTTLS;
    return MAIL_TLS_NONE;
}

/* The password of a server entry, opened; NULL (logged) if it does not open. */
static const char *password_of(struct mail *m, struct json_object *srv, int64_t inbox)
{
    const char *plain = NULL;
    if (secret_open(m->a, m->cfg->secret_key, jstr(srv, "password", ""), &plain) != 0) {
        log_warnx("mail: inbox %lld: a stored password does not open under the server secret",
                  (long long)inbox);
        return NULL;
    }
    return plain;
}

/* ---- inbound ---------------------------------------------------------------------------- */

/* The last "#<digits>" of a subject (arena), NULL if none. */
static const char *subject_ref(struct arena *a, const char *s)
{
    const char *found = NULL;
    size_t flen = 0;
    for (const char *p = s; p && (p = strchr(p, '#')) != NULL; p++) {
        size_t n = strspn(p + 1, "0123456789");
        if (n > 0 && n < 20) {
            found = p + 1;
            flen = n;
        }
    }
    return found ? arena_strndup(a, found, flen) : NULL;
}

/* Files of the message kept under the upload limits, typed from their bytes. */
static size_t files_of(struct mail *m, const struct mime_msg *mm, int64_t inbox,
                       struct store_media_new *out)
{
    size_t n = 0;
    if (mm->nparts > 0 && (m->limits_at == 0 || now_ms() - m->limits_at > LIST_EVERY_MS)) {
        const char *max_s = NULL, *ext_s = NULL;
        if (store_setting(m->db, m->a, "app.max_file_upload_size", &max_s) == APP_OK &&
            store_setting(m->db, m->a, "app.allowed_file_upload_extensions", &ext_s) == APP_OK) {
            free(m->max_mb);
            free(m->exts);
            m->max_mb = max_s ? strdup(max_s) : NULL;
            m->exts = ext_s ? strdup(ext_s) : NULL;
            m->limits_at = now_ms();
        }
    }
    const char *exts = m->exts;
    long max_mb = m->max_mb ? strtol(m->max_mb, NULL, 10) : 20;
    if (max_mb <= 0)
        max_mb = 20;
    for (size_t i = 0; i < mm->nparts; i++) {
        const struct mime_part *p = &mm->parts[i];
        const char *name = p->filename ? upload_clean_name(p->filename) : NULL;
        if (name == NULL) {
            const char *slash = strchr(p->content_type, '/');
            name = arena_printf(m->a, "%s-%zu.%s", p->is_inline ? "inline" : "attachment", i + 1,
                                slash && strlen(slash + 1) < 10 ? slash + 1 : "bin");
        }
        if (name == NULL)
            continue;
        if (p->len > (size_t)max_mb * 1024 * 1024 || !upload_extension_allowed(exts, name)) {
            log_info("mail: inbox %lld: file %s (%zu bytes) not kept: over the upload limits",
                     (long long)inbox, name, p->len);
            continue;
        }
        struct store_media_new *f = &out[n];
        memset(f, 0, sizeof(*f));
        f->name = name;
        f->data = p->data;
        f->len = p->len;
        f->disp = p->is_inline ? "inline" : "attachment";
        f->content_id = p->content_id;
        upload_sniff(m->a, f);
        if (f->type != NULL)
            n++;
    }
    return n;
}

/* meta of an inbound message: {"subject", "from", "files_skipped"?}. */
static const char *meta_of(struct arena *a, const struct mime_msg *mm, size_t skipped)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "subject", json_object_new_string(mm->subject));
    json_object_object_add(o, "from", json_object_new_string(mm->from_addr));
    if (skipped > 0)
        json_object_object_add(o, "files_skipped", json_object_new_int64((int64_t)skipped));
    const char *s = arena_strdup(a, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return s;
}

/*
 * Takes one fetched message (or, with skip, only its UID).  0, or -1 if
 * the database is away (the message is fetched again next time).
 */
static int take_one(struct mail *m, const struct store_mail_inbox *ib, const char *mailbox,
                    long long uidvalidity, long long uid, const char *data, size_t len,
                    const char *skip)
{
    static const char *const want[] = {"X-Libredesk-Loop-Prevention", NULL};
    struct mime_msg *mm = ARENA_NEW(m->a, struct mime_msg, 1);
    struct store_media_new *files = ARENA_NEW(m->a, struct store_media_new, MIME_MAX_PARTS);
    struct store_mail_in in;
    const char *thread[MAX_THREAD];
    char err[200];
    const char *from_name = NULL, *from_addr = NULL;

    if (mm == NULL || files == NULL)
        return -1;
    memset(&in, 0, sizeof(in));
    in.inbox_id = ib->id;
    in.mailbox = mailbox;
    in.uidvalidity = uidvalidity;
    in.uid = uid;
    in.skip = skip;
    in.upload_dir = m->cfg->upload_dir;
    if (skip == NULL && mime_parse(m->a, data, len, want, mm, err, sizeof(err)) != 0)
        in.skip = arena_printf(m->a, "malformed: %s", err);
    (void)mime_address(m->a, ib->from, &from_name, &from_addr);
    if (in.skip == NULL) {
        if (mm->from_addr == NULL)
            in.skip = "malformed: no From address";
        else if ((mm->want[0] != NULL && strstr(mm->want[0], ib->uuid) != NULL) ||
                 (from_addr != NULL && strcmp(mm->from_addr, from_addr) == 0))
            in.skip = "sent by this inbox (a mail loop)";
        else if (mm->bounce) {
            in.skip = "a delivery report (bounce)";
            in.bounced_id = mm->report_id;
            in.bounced_reason = arena_printf(m->a, "returned by the recipient's mail server%s%s",
                                             mm->report_reason ? ": " : "",
                                             mm->report_reason ? mm->report_reason : "");
        } else if (mm->auto_reply)
            in.skip = "an automatic reply";
    }
    if (in.skip == NULL) {
        const char *html = mm->html ? html_sanitize(m->a, mm->html, strlen(mm->html))
                                    : html_from_text(m->a, mm->text ? mm->text : "");
        const char *text = mm->text ? mm->text : (html ? text_from_html(m->a, html) : NULL);
        size_t nt = 0;
        if (mm->in_reply_to != NULL)
            thread[nt++] = mm->in_reply_to;
        for (size_t i = 0; i < mm->nrefs && nt < MAX_THREAD; i++)
            thread[nt++] = mm->refs[i];
        in.from_addr = mm->from_addr;
        in.from_name = mm->from_name;
        in.subject = mm->subject;
        in.message_id = mm->message_id;
        in.thread = thread;
        in.nthread = nt;
        in.ref = subject_ref(m->a, mm->subject);
        in.html = html;
        in.text = text;
        in.preview = text ? text_prefix(m->a, text, 1000) : NULL;
        in.files = files;
        in.nfiles = files_of(m, mm, ib->id, files);
        in.meta = meta_of(m->a, mm, mm->nparts - in.nfiles + mm->parts_dropped);
        if (html == NULL || text == NULL || in.preview == NULL || in.meta == NULL)
            in.skip = "too large to hold in memory";
    }

    enum store_mail_took took;
    int64_t conv = 0, msg = 0;
    enum app_err e = store_mail_take(m->db, m->a, &in, &took, &conv, &msg);
    if (e == APP_ERR_UNAVAILABLE)
        return -1;
    if (e != APP_OK) {
        /* The database refused it (a value it cannot hold): skipped, so the inbox goes on. */
        log_warnx("mail: inbox %lld: UID %lld could not be stored (%s); skipped", (long long)ib->id,
                  uid, err_name(e));
        in.skip = "refused by the database";
        in.bounced_id = NULL;
        in.nfiles = 0;
        if ((e = store_mail_take(m->db, m->a, &in, &took, &conv, &msg)) != APP_OK)
            return -1;
    }
    switch (took) {
    case STORE_MAIL_TAKEN_NEW:
        log_info("mail: inbox %lld: UID %lld from %s: new conversation %lld (message %lld, %zu "
                 "file(s))",
                 (long long)ib->id, uid, in.from_addr, (long long)conv, (long long)msg, in.nfiles);
        break;
    case STORE_MAIL_TAKEN_REPLY:
        log_info("mail: inbox %lld: UID %lld from %s: reply in conversation %lld (message %lld)",
                 (long long)ib->id, uid, in.from_addr, (long long)conv, (long long)msg);
        break;
    case STORE_MAIL_SKIPPED:
        log_warnx("mail: inbox %lld: UID %lld skipped: %s", (long long)ib->id, uid, in.skip);
        break;
    case STORE_MAIL_DUPLICATE:
        log_info("mail: inbox %lld: UID %lld is a message stored already (%s)", (long long)ib->id,
                 uid, in.message_id);
        break;
    case STORE_MAIL_BOUNCED:
        log_warnx("mail: inbox %lld: UID %lld is a bounce of reply <%s>: failed (%s)",
                  (long long)ib->id, uid, in.bounced_id, in.bounced_reason);
        break;
    case STORE_MAIL_ALREADY:
        break;
    }
    return 0;
}

static void box_error(struct box *b, int64_t id, const char *what, const char *err)
{
    char msg[sizeof(b->last_error)];
    snprintf(msg, sizeof(msg), "%s: %s", what, err);
    if (strcmp(msg, b->last_error) != 0) /* logged once until it changes */
        log_warnx("mail: inbox %lld: IMAP %s", (long long)id, msg);
    snprintf(b->last_error, sizeof(b->last_error), "%s", msg);
}

/* One round of an inbox: returns 1 if more messages wait, 0 if not, -1 on a database error. */
static int scan(struct mail *m, const struct store_mail_inbox *ib, struct box *b, long *interval)
{
    struct json_object *root = json_tokener_parse(ib->config);
    struct json_object *srv = server_of(root, "imap");
    long long uids[PER_ROUND], validity, next;
    size_t n = 0;
    char err[256];
    int rc = 0;

    *interval = 300;
    const char *host = jstr(srv, "host", "");
    if (srv == NULL || *host == '\0') {
        json_object_put(root);
        *interval = 60;
        return 0;
    }
    long iv = env_parse_duration(jstr(srv, "read_interval", "5m"));
    *interval = iv > 0 ? iv : 300;
    const char *mailbox = arena_strdup(m->a, jstr(srv, "mailbox", "INBOX"));
    if (mailbox == NULL || *mailbox == '\0')
        mailbox = "INBOX";
    struct imap_opts o = {
        .host = host,
        .port = (int)jint(srv, "port", 993),
        .tls = tls_of(jstr(srv, "tls_type", "tls")),
        .skip_verify = jbool(srv, "tls_skip_verify"),
        .user = jstr(srv, "username", ""),
        .password = password_of(m, srv, ib->id),
        .timeout_s = m->cfg->mail_timeout,
    };
    long since = env_parse_duration(jstr(srv, "scan_inbox_since", ""));
    struct imap *im = o.password ? imap_new(&o) : NULL;
    json_object_put(root);
    if (im == NULL)
        return 0;
    if (imap_status(im, mailbox, &validity, &next, err, sizeof(err)) != 0) {
        box_error(b, ib->id, "status", err);
        goto out;
    }
    int64_t last;
    enum app_err e = store_mail_mailbox(m->db, m->a, ib->id, mailbox, validity, -1, &last);
    if (e == APP_ERR_NOT_FOUND) {
        long long first = 0, start = next > 0 ? next - 1 : 0;
        if (since > 0 &&
            imap_first_since(im, mailbox, (long long)time(NULL) - since, &first, err,
                             sizeof(err)) == 0 &&
            first > 0)
            start = first - 1;
        e = store_mail_mailbox(m->db, m->a, ib->id, mailbox, validity, start, &last);
        log_info("mail: inbox %lld: mailbox %s (UIDVALIDITY %lld) read from UID %lld on",
                 (long long)ib->id, mailbox, validity, start + 1);
    }
    if (e != APP_OK) {
        rc = -1;
        goto out;
    }
    if (next > 0 && next - 1 <= last)
        goto ok;
    /* Windows of UIDs up to UIDNEXT - 1: a window with none (all expunged) is passed over. */
    long long from = last + 1, top = next > 0 ? next - 1 : from + 100000;
    for (int w = 0; n == 0 && from <= top && w < 20; w++, from += 1000) {
        long long to = from + 999 < top ? from + 999 : top;
        if (imap_list(im, mailbox, from, to, PER_ROUND, uids, &n, err, sizeof(err)) != 0) {
            box_error(b, ib->id, "search", err);
            goto out;
        }
    }
    size_t max = (size_t)m->cfg->mail_max_size * 1024 * 1024;
    int broke = 0;
    for (size_t i = 0; i < n && !stop_asked(m); i++) {
        char *data = NULL;
        size_t len = 0;
        const char *skip = NULL;
        long long size;
        if (imap_size(im, mailbox, uids[i], &size, err, sizeof(err)) != 0) {
            box_error(b, ib->id, "size", err);
            broke = 1;
            break; /* the connection failed: the rest waits for the next round */
        }
        if (size < 0)
            continue; /* expunged meanwhile */
        if (size > (long long)max) {
            skip = arena_printf(m->a, "%lld bytes, over DESKD_MAIL_MAX_SIZE (%d MB)", size,
                                m->cfg->mail_max_size);
        } else {
            int f = imap_fetch(im, mailbox, uids[i], max, &data, &len, err, sizeof(err));
            if (f == -1 && b->fail_uid == uids[i] && b->fail_count + 1 >= FETCH_TRIES)
                f = -2; /* this one message keeps failing: the others must not wait for it */
            if (f == -1) {
                b->fail_count = b->fail_uid == uids[i] ? b->fail_count + 1 : 1;
                b->fail_uid = uids[i];
                box_error(b, ib->id, "fetch", err);
                broke = 1;
                break; /* the connection failed: the rest waits for the next round */
            }
            if (f == -2)
                skip = arena_printf(m->a, "cannot be fetched: %s", err);
        }
        int r = take_one(m, ib, mailbox, validity, uids[i], data, len, skip);
        free(data);
        if (r != 0) {
            rc = -1;
            goto out;
        }
    }
    if (broke)
        goto out; /* tried again after the interval, not at once */
    rc = n == PER_ROUND;
ok:
    b->last_error[0] = '\0';
out:
    imap_free(im);
    return rc;
}

static struct box *box_find(struct mail *m, int64_t id)
{
    for (size_t i = 0; i < m->nboxes; i++)
        if (m->boxes[i].id == id)
            return &m->boxes[i];
    return NULL;
}

/* Reads the inboxes, keeping each one's schedule; scans those that are due. */
static void inbound(struct mail *m)
{
    struct store_mail_inbox *ib = ARENA_NEW(m->a, struct store_mail_inbox, MAX_INBOXES);
    struct box old[MAX_INBOXES];
    size_t n = 0, nold = m->nboxes;

    if (ib == NULL || store_mail_inboxes(m->db, m->a, MAX_INBOXES, ib, &n) != APP_OK)
        return;
    memcpy(old, m->boxes, sizeof(old[0]) * nold);
    m->nboxes = 0;
    for (size_t i = 0; i < n; i++) {
        struct box *b = &m->boxes[m->nboxes++];
        memset(b, 0, sizeof(*b));
        b->id = ib[i].id;
        for (size_t j = 0; j < nold; j++)
            if (old[j].id == b->id)
                *b = old[j];
    }
    for (size_t i = 0; i < n && !stop_asked(m); i++) {
        struct box *b = box_find(m, ib[i].id);
        long now = now_ms(), interval;
        if (b == NULL || b->next_scan > now)
            continue;
        int more = scan(m, &ib[i], b, &interval);
        if (more < 0)
            return;
        b->next_scan = more ? now_ms() : now_ms() + interval * 1000L;
    }
}

/* ---- outbound --------------------------------------------------------------------------- */

/* The strings of meta.<key> (an array of addresses, or one string) into out; how many. */
static size_t addresses(struct arena *a, struct json_object *meta, const char *key,
                        const char **out, size_t max)
{
    struct json_object *v;
    size_t n = 0;
    if (meta == NULL || !json_object_object_get_ex(meta, key, &v))
        return 0;
    if (json_object_is_type(v, json_type_string)) {
        const char *name, *addr;
        if (mime_address(a, json_object_get_string(v), &name, &addr) == 0)
            out[n++] = addr;
        return n;
    }
    if (!json_object_is_type(v, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(v) && n < max; i++) {
        struct json_object *x = json_object_array_get_idx(v, i);
        const char *name, *addr;
        if (json_object_is_type(x, json_type_string) &&
            mime_address(a, json_object_get_string(x), &name, &addr) == 0)
            out[n++] = addr;
    }
    return n;
}

/* The bytes of an uploaded file (arena); NULL if unreadable. */
static const char *file_bytes(struct mail *m, const char *uuid, size_t *len)
{
    const char *path = arena_printf(m->a, "%s/%s", m->cfg->upload_dir, uuid);
    FILE *f = path ? fopen(path, "rb") : NULL;
    char *d = NULL;
    *len = 0;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long sz = ftell(f);
        if (sz >= 0 && fseek(f, 0, SEEK_SET) == 0 && (d = arena_alloc(m->a, (size_t)sz + 1)) &&
            fread(d, 1, (size_t)sz, f) == (size_t)sz)
            *len = (size_t)sz;
        else
            d = NULL;
    }
    fclose(f);
    return d;
}

static void conn_close(struct conn *c)
{
    smtp_free(c->h);
    free(c->key);
    memset(c, 0, sizeof(*c));
}

/* Closes the connections unused for SMTP_IDLE_MS (all of them with all set). */
static void conns_idle(struct mail *m, int all)
{
    long now = now_ms();
    for (int i = 0; i < MAX_SMTP; i++)
        if (m->conns[i].key != NULL && (all || now - m->conns[i].used > SMTP_IDLE_MS))
            conn_close(&m->conns[i]);
}

/* The open connection for o, or a new one (the least recently used slot reused); NULL if none. */
static struct smtp *conn_for(struct mail *m, const struct smtp_opts *o)
{
    char *key = NULL;
    if (asprintf(&key, "%s\n%d\n%d\n%d\n%s\n%s\n%s\n%s", o->host, o->port, (int)o->tls,
                 o->skip_verify, o->user ? o->user : "", o->password ? o->password : "",
                 o->auth ? o->auth : "", o->helo ? o->helo : "") < 0)
        return NULL;
    struct conn *lru = &m->conns[0];
    for (int i = 0; i < MAX_SMTP; i++) {
        struct conn *c = &m->conns[i];
        if (c->key != NULL && strcmp(c->key, key) == 0) {
            free(key);
            c->used = now_ms();
            return c->h;
        }
        if (c->key == NULL || (lru->key != NULL && c->used < lru->used))
            lru = c;
    }
    if (lru->key != NULL)
        conn_close(lru);
    if ((lru->h = smtp_new(o)) == NULL) {
        free(key);
        return NULL;
    }
    lru->key = key;
    lru->used = now_ms();
    return lru->h;
}

#define MAX_RCPT 50

/*
 * The inbox's from_name_template for this reply, as upstream's: {{ .Agent.FirstName }},
 * {{ .Agent.LastName }}, {{ .Agent.FullName }} and {{ .Inbox.Name }} (an unknown
 * {{...}} is dropped).  NULL if the template is empty.
 */
static const char *templated_name(struct arena *a, struct json_object *x)
{
    const char *t = jstr(x, "from_name_template", "");
    const char *first = jstr(x, "agent_first", ""), *last = jstr(x, "agent_last", "");
    const char *full = arena_printf(a, "%s%s%s", first, *first && *last ? " " : "", last);
    struct sbuf sb;
    if (*t == '\0' || full == NULL)
        return NULL;
    sbuf_init(&sb, a);
    while (*t) {
        const char *open = strstr(t, "{{"), *close = open ? strstr(open + 2, "}}") : NULL;
        if (open == NULL || close == NULL) {
            sbuf_add(&sb, t);
            break;
        }
        sbuf_addn(&sb, t, (size_t)(open - t));
        const char *v = open + 2, *e = close;
        while (v < e && *v == ' ')
            v++;
        while (e > v && e[-1] == ' ')
            e--;
        size_t n = (size_t)(e - v);
        if (n == 16 && strncmp(v, ".Agent.FirstName", n) == 0)
            sbuf_add(&sb, first);
        else if (n == 15 && strncmp(v, ".Agent.LastName", n) == 0)
            sbuf_add(&sb, last);
        else if (n == 15 && strncmp(v, ".Agent.FullName", n) == 0)
            sbuf_add(&sb, full);
        else if (n == 11 && strncmp(v, ".Inbox.Name", n) == 0)
            sbuf_add(&sb, jstr(x, "inbox_name", ""));
        t = close + 2;
    }
    return sbuf_str(&sb);
}

/* Builds and sends one claimed reply; 0, or -1 with err. */
static int send_one(struct mail *m, struct json_object *x, const char **msgid, char *err,
                    size_t errlen)
{
    struct json_object *config, *meta, *refs, *att;
    const char *to[MAX_RCPT], *cc[MAX_RCPT], *bcc[MAX_RCPT], *rcpt[3 * MAX_RCPT], *refv[20];
    const char *from_name = NULL, *from_addr = NULL;
    struct mime_part parts[MIME_MAX_PARTS];
    size_t nto, ncc, nbcc, nrefs = 0, nparts = 0;

    json_object_object_get_ex(x, "config", &config);
    json_object_object_get_ex(x, "meta", &meta);
    struct json_object *srv = server_of(config, "smtp");
    if (srv == NULL) {
        snprintf(err, errlen, "the inbox has no SMTP server");
        return -1;
    }
    if (mime_address(m->a, jstr(x, "from", ""), &from_name, &from_addr) != 0 &&
        mime_address(m->a, jstr(config, "from", ""), &from_name, &from_addr) != 0) {
        snprintf(err, errlen, "the inbox has no From address");
        return -1;
    }
    const char *templated = templated_name(m->a, x);
    if (templated != NULL)
        from_name = templated;
    nto = addresses(m->a, meta, "to", to, MAX_RCPT);
    if (nto == 0) {
        const char *e = jstr(x, "contact_email", NULL), *nm;
        if (e == NULL || mime_address(m->a, e, &nm, &to[0]) != 0) {
            snprintf(err, errlen, "the contact has no e-mail address");
            return -1;
        }
        nto = 1;
    }
    ncc = addresses(m->a, meta, "cc", cc, MAX_RCPT);
    nbcc = addresses(m->a, meta, "bcc", bcc, MAX_RCPT);
    size_t nrcpt = 0;
    for (size_t i = 0; i < nto; i++)
        rcpt[nrcpt++] = to[i];
    for (size_t i = 0; i < ncc; i++)
        rcpt[nrcpt++] = cc[i];
    for (size_t i = 0; i < nbcc; i++)
        rcpt[nrcpt++] = bcc[i];

    if (json_object_object_get_ex(x, "refs", &refs) && json_object_is_type(refs, json_type_array))
        for (size_t i = 0; i < json_object_array_length(refs) && nrefs < 20; i++)
            refv[nrefs++] = json_object_get_string(json_object_array_get_idx(refs, i));
    if (json_object_object_get_ex(x, "attachments", &att) &&
        json_object_is_type(att, json_type_array))
        for (size_t i = 0; i < json_object_array_length(att) && nparts < MIME_MAX_PARTS; i++) {
            struct json_object *f = json_object_array_get_idx(att, i);
            struct mime_part *p = &parts[nparts];
            memset(p, 0, sizeof(*p));
            p->data = file_bytes(m, jstr(f, "uuid", ""), &p->len);
            if (p->data == NULL) {
                snprintf(err, errlen, "attachment %s cannot be read", jstr(f, "name", "?"));
                return -1;
            }
            p->filename = jstr(f, "name", "attachment");
            p->content_type = jstr(f, "type", "application/octet-stream");
            p->content_id = jstr(f, "content_id", NULL);
            p->is_inline = strcmp(jstr(f, "disposition", ""), "inline") == 0;
            nparts++;
        }

    const char *at = strchr(from_addr, '@');
    *msgid = arena_printf(m->a, "%s@%s", jstr(x, "uuid", ""), at ? at + 1 : "localhost");
    const char *subject = jstr(x, "subject", ""), *ref = jstr(x, "ref", "");
    const char *tag = arena_printf(m->a, "#%s", ref);
    if (tag != NULL && strstr(subject, tag) == NULL)
        subject = arena_printf(m->a, "%s%s%s", subject, *subject ? " - " : "", tag);
    if (subject != NULL && strncasecmp(subject, "re:", 3) != 0)
        subject = arena_printf(m->a, "Re: %s", subject);
    const char *names[3] = {"X-Libredesk-Loop-Prevention", "X-Libredesk-Conversation-UUID",
                            "Reply-To"};
    const char *values[3] = {jstr(x, "inbox_uuid", ""), jstr(x, "conv_uuid", ""),
                             jstr(config, "reply_to", "")};
    struct mime_out o = {
        .from_name = from_name,
        .from_addr = from_addr,
        .to = to,
        .nto = nto,
        .cc = cc,
        .ncc = ncc,
        .subject = subject,
        .message_id = *msgid,
        .in_reply_to = jstr(x, "in_reply_to", NULL),
        .refs = refv,
        .nrefs = nrefs,
        .hdr_names = names,
        .hdr_values = values,
        .nhdrs = *values[2] ? 3 : 2,
        .text = jstr(x, "text", ""),
        .html = jstr(x, "content", NULL),
        .parts = parts,
        .nparts = nparts,
    };
    size_t len;
    const char *data = *msgid && subject ? mime_write(m->a, &o, &len) : NULL;
    if (data == NULL) {
        snprintf(err, errlen, "the message does not fit in memory");
        return -1;
    }
    struct smtp_opts so = {
        .host = jstr(srv, "host", ""),
        .port = (int)jint(srv, "port", 25),
        .tls = tls_of(jstr(srv, "tls_type", "none")),
        .skip_verify = jbool(srv, "tls_skip_verify"),
        .user = jstr(srv, "username", ""),
        .password = password_of(m, srv, 0),
        .auth = jstr(srv, "auth_protocol", ""),
        .helo = jstr(srv, "hello_hostname", ""),
        .timeout_s = m->cfg->mail_timeout,
    };
    if (so.password == NULL) {
        snprintf(err, errlen, "the SMTP password does not open under the server secret");
        return -1;
    }
    if (so.auth != NULL && strcmp(so.auth, "none") == 0)
        so.user = NULL;
    struct smtp *h = conn_for(m, &so);
    if (h == NULL) {
        snprintf(err, errlen, "libcurl refused an SMTP handle");
        return -1;
    }
    return smtp_send(h, from_addr, rcpt, nrcpt, data, len, err, errlen);
}

/* The delay before the next try after attempts attempts; -1 when they ran out. */
static long retry_after(const struct mail *m, int attempts)
{
    if (attempts >= m->cfg->mail_max_attempts)
        return -1;
    long d = m->cfg->mail_retry_base;
    for (int i = 1; i < attempts && d < 86400; i++)
        d *= 2;
    return d > 86400 ? 86400 : d;
}

/* One round of sends; 1 if a full batch was claimed (more may be due), 0, or -1. */
static int outbound(struct mail *m)
{
    struct store_mail_out out[CLAIM_MAX];
    int n = 0;
    long lease = m->cfg->mail_timeout * 2 + 30;

    if (store_mail_claim(m->db, m->a, CLAIM_MAX, m->cfg->mail_max_attempts, lease, out, &n) !=
        APP_OK)
        return -1;
    for (int i = 0; i < n; i++) {
        struct json_object *x = json_tokener_parse(out[i].json);
        const char *msgid = NULL;
        char err[300] = "";
        int rc = x ? send_one(m, x, &msgid, err, sizeof(err)) : -1;
        if (x == NULL)
            snprintf(err, sizeof(err), "unreadable");
        enum app_err e;
        if (rc == 0) {
            log_info("mail: reply %lld sent as <%s>", (long long)out[i].id, msgid);
            e = store_mail_sent(m->db, m->a, out[i].id, msgid);
        } else {
            long retry = retry_after(m, out[i].attempts + 1);
            log_warnx("mail: reply %lld failed (attempt %d): %s; %s", (long long)out[i].id,
                      out[i].attempts + 1, err, retry < 0 ? "no more retries" : "will retry");
            e = store_mail_failed(m->db, m->a, out[i].id, err, retry);
        }
        json_object_put(x);
        if (e != APP_OK)
            log_warnx(
                "mail: the outcome of reply %lld was not recorded (%s); the lease will expire",
                (long long)out[i].id, err_name(e));
        if (stop_asked(m))
            break;
    }
    return n == CLAIM_MAX;
}

/* ---- the loop --------------------------------------------------------------------------- */

static int ready(struct mail *m)
{
    if (store_ensure(m->db) != APP_OK)
        return -1;
    if (m->outbound && m->listening != store_generation(m->db)) {
        if (store_listen(m->db, "deskd_events") != APP_OK)
            return -1;
        m->listening = store_generation(m->db);
    }
    return 0;
}

int mail_main(void *arg)
{
    static struct mail m;
    const struct mail_env *env = arg;
    const struct config *cfg = env->cfg;
    const char *name = env->outbound ? MAIL_OUT_NAME : MAIL_IN_NAME;

    memset(&m, 0, sizeof(m));
    m.cfg = cfg;
    store_automation_secret(cfg->secret_key);
    m.outbound = env->outbound;
    m.sfd = service_signals("mail");
    if (m.sfd < 0)
        return 1;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log_err("mail: cannot initialise libcurl");
        close(m.sfd);
        return 1;
    }
    mime_init();
    m.a = arena_new((size_t)cfg->mail_max_size * 8u * 1024 * 1024 + (64u << 20));
    (void)store_open(cfg->database_url, name, cfg->statement_timeout, &m.db);
    if (m.outbound)
        log_info("mail: %s started (timeout %lds, %d attempts, retry base %lds)", name,
                 cfg->mail_timeout, cfg->mail_max_attempts, cfg->mail_retry_base);
    else
        log_info("mail: %s started (timeout %lds, messages up to %d MB)", name, cfg->mail_timeout,
                 cfg->mail_max_size);

    while (!stop_asked(&m)) {
        long now = now_ms(), wait = 1000;
        int up = ready(&m) == 0;

        arena_reset(m.a);
        if (up) {
            int more = 0;
            if (m.outbound &&
                ((m.woken && now - m.last_out >= OUT_MIN_GAP_MS) || now >= m.next_out)) {
                m.woken = 0;
                m.last_out = now;
                more = outbound(&m);
                conns_idle(&m, 0);
                m.next_out = now_ms() + (more > 0 ? 0 : OUT_EVERY_MS);
                arena_reset(m.a);
            }
            if (!m.outbound && !m.stopping)
                inbound(&m);
            arena_reset(m.a);
            now = now_ms();
            long due = m.outbound ? m.next_out : now + 1000;
            for (size_t i = 0; i < m.nboxes; i++)
                if (m.boxes[i].next_scan < due)
                    due = m.boxes[i].next_scan;
            wait = due - now;
            if (m.outbound && (m.woken || store_notifications(m.db, NULL, NULL) > 0)) {
                m.woken = 1;
                wait = OUT_MIN_GAP_MS;
            }
        }
        if (wait < 0)
            wait = 0;
        if (wait > 1000)
            wait = 1000;
        struct pollfd pf[2] = {{m.sfd, POLLIN, 0}, {up ? store_socket(m.db) : -1, POLLIN, 0}};
        if (poll(pf, pf[1].fd >= 0 && m.outbound ? 2 : 1, (int)wait) > 0 && m.outbound &&
            (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
            store_notifications(m.db, NULL, NULL) != 0)
            m.woken = 1;
    }
    conns_idle(&m, 1);
    store_close(m.db);
    arena_free(m.a);
    curl_global_cleanup();
    close(m.sfd);
    log_info("mail: %s stopped", name);
    return 0;
}
