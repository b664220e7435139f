/*
 * mime.c - see mime.h.  GMime does the parsing, the charset conversion and
 * the transfer encodings; this file only picks out what mime.h returns.
 */
#include "lib/mime.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "lib/arena.h"

void mime_init(void)
{
    g_mime_init();
}

/* s as valid UTF-8 (invalid sequences replaced), in the arena. */
static char *dup_utf8(struct arena *a, const char *s)
{
    if (g_utf8_validate(s, -1, NULL))
        return arena_strdup(a, s);
    char *v = g_utf8_make_valid(s, -1);
    char *d = arena_strdup(a, v);
    g_free(v);
    return d;
}

static char *dup_lower(struct arena *a, const char *s)
{
    char *d = arena_strdup(a, s);
    for (char *p = d; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

/* An id without its angle brackets and surrounding space (arena). */
static const char *bare_id(struct arena *a, const char *s)
{
    if (s == NULL)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '<')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '>' || s[n - 1] == '\r' ||
                     s[n - 1] == '\n'))
        n--;
    return n > 0 ? arena_strndup(a, s, n) : NULL;
}

/* The ids of a References/In-Reply-To value, oldest first, the last MIME_MAX_REFS kept. */
static size_t parse_refs(struct arena *a, const char *v, const char **out, size_t max)
{
    size_t n = 0;
    if (v == NULL)
        return 0;
    GMimeReferences *r = g_mime_references_parse(NULL, v);
    if (r == NULL)
        return 0;
    int len = g_mime_references_length(r);
    int from = len > (int)max ? len - (int)max : 0;
    for (int i = from; i < len; i++) {
        const char *id = g_mime_references_get_message_id(r, i);
        if (id != NULL && *id != '\0' && (out[n] = arena_strdup(a, id)) != NULL)
            n++;
    }
    g_mime_references_free(r);
    return n;
}

struct walk {
    struct arena *a;
    struct mime_msg *m;
    int failed;
};

/* The decoded bytes of a part's content (arena); NULL and *len 0 if there are none. */
static const char *part_bytes(struct arena *a, GMimeObject *obj, size_t *len)
{
    GMimeStream *mem = g_mime_stream_mem_new();
    const char *out = NULL;

    *len = 0;
    if (GMIME_IS_PART(obj)) {
        GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
        if (w != NULL)
            g_mime_data_wrapper_write_to_stream(w, mem);
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (inner != NULL)
            g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, mem);
    }
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    if (ba != NULL && ba->len > 0) {
        char *d = arena_alloc(a, ba->len + 1);
        if (d != NULL) {
            memcpy(d, ba->data, ba->len);
            d[ba->len] = '\0';
            *len = ba->len;
            out = d;
        }
    }
    g_object_unref(mem);
    return out;
}

static void visit(GMimeObject *parent, GMimeObject *obj, gpointer arg)
{
    struct walk *w = arg;
    struct mime_msg *m = w->m;
    (void)parent;

    if (w->failed || GMIME_IS_MULTIPART(obj))
        return;
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    const char *disp = g_mime_object_get_disposition(obj);
    const char *fname = GMIME_IS_PART(obj) ? g_mime_part_get_filename(GMIME_PART(obj)) : NULL;
    const char *cid = g_mime_object_get_content_id(obj);
    int attachment = disp != NULL && strcasecmp(disp, "attachment") == 0;

    if (GMIME_IS_TEXT_PART(obj) && !attachment && fname == NULL && ct != NULL &&
        (g_mime_content_type_is_type(ct, "text", "plain") ||
         g_mime_content_type_is_type(ct, "text", "html"))) {
        int html = g_mime_content_type_is_type(ct, "text", "html");
        if ((html ? m->html : m->text) == NULL) {
            char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
            const char *d = dup_utf8(w->a, t ? t : "");
            g_free(t);
            if (d == NULL)
                w->failed = 1;
            else if (html)
                m->html = d;
            else
                m->text = d;
            return;
        }
    }
    if (!GMIME_IS_PART(obj) && !GMIME_IS_MESSAGE_PART(obj))
        return;
    if (m->nparts >= MIME_MAX_PARTS) {
        m->parts_dropped++;
        return;
    }
    struct mime_part *p = &m->parts[m->nparts];
    char *type = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    p->content_type = dup_lower(w->a, type ? type : "application/octet-stream");
    g_free(type);
    p->filename = fname ? dup_utf8(w->a, fname) : NULL;
    if (p->filename == NULL && GMIME_IS_MESSAGE_PART(obj))
        p->filename = "message.eml";
    p->content_id = cid ? bare_id(w->a, cid) : NULL;
    p->is_inline = disp ? strcasecmp(disp, "inline") == 0 : p->content_id != NULL;
    p->data = part_bytes(w->a, obj, &p->len);
    if (p->content_type == NULL || arena_exhausted(w->a)) {
        w->failed = 1;
        return;
    }
    if (p->len > 0)
        m->nparts++;
}

static int header_is(GMimeObject *o, const char *name, const char *const *values)
{
    const char *v = g_mime_object_get_header(o, name);
    if (v == NULL)
        return 0;
    while (*v == ' ' || *v == '\t')
        v++;
    if (values == NULL)
        return 1;
    for (size_t i = 0; values[i]; i++)
        if (strncasecmp(v, values[i], strlen(values[i])) == 0)
            return 1;
    return 0;
}

/* The value of the first header line "name:" in len bytes of data (arena, trimmed); NULL if none.
 */
static const char *find_header(struct arena *a, const char *data, size_t len, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = data, *end = data + len; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        if (n > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            size_t vn = n - nl - 1;
            while (vn > 0 && (*v == ' ' || *v == '\t'))
                v++, vn--;
            while (vn > 0 && (v[vn - 1] == '\r' || v[vn - 1] == ' '))
                vn--;
            return vn > 0 ? arena_strndup(a, v, vn < 300 ? vn : 300) : NULL;
        }
        p += n + 1;
    }
    return NULL;
}

/* What a delivery report says about the message it returns. */
static void report_of(struct arena *a, struct mime_msg *m)
{
    for (size_t i = 0; i < m->nparts; i++) {
        const struct mime_part *p = &m->parts[i];
        if (strcmp(p->content_type, "message/delivery-status") == 0 && m->report_reason == NULL) {
            m->report_reason = find_header(a, p->data, p->len, "Diagnostic-Code");
            if (m->report_reason == NULL)
                m->report_reason = find_header(a, p->data, p->len, "Status");
        }
        if ((strcmp(p->content_type, "message/rfc822") == 0 ||
             strcmp(p->content_type, "text/rfc822-headers") == 0) &&
            m->report_id == NULL)
            m->report_id = bare_id(a, find_header(a, p->data, p->len, "Message-ID"));
    }
    if (m->report_id == NULL)
        m->report_id = m->in_reply_to;
}

int mime_parse(struct arena *a, const char *data, size_t len, const char *const *want,
               struct mime_msg *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof(*m));
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(data, len);
    GMimeParser *p = g_mime_parser_new_with_stream(s);
    GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
    g_object_unref(p);
    g_object_unref(s);
    if (msg == NULL) {
        snprintf(err, errlen, "not an Internet message (no header block)");
        return -1;
    }
    GMimeObject *o = GMIME_OBJECT(msg);
    InternetAddressList *from = g_mime_message_get_from(msg);
    for (int i = 0; from != NULL && i < internet_address_list_length(from); i++) {
        InternetAddress *ia = internet_address_list_get_address(from, i);
        if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
            continue;
        const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
        if (addr == NULL || strchr(addr, '@') == NULL)
            continue;
        const char *name = internet_address_get_name(ia);
        m->from_addr = dup_lower(a, addr);
        m->from_name = dup_utf8(a, name ? name : "");
        break;
    }
    const char *subj = g_mime_message_get_subject(msg);
    m->subject = dup_utf8(a, subj ? subj : "");
    m->message_id = bare_id(a, g_mime_message_get_message_id(msg));
    const char *irt[1];
    if (parse_refs(a, g_mime_object_get_header(o, "In-Reply-To"), irt, 1) == 1)
        m->in_reply_to = irt[0];
    m->nrefs = parse_refs(a, g_mime_object_get_header(o, "References"), m->refs, MIME_MAX_REFS);

    static const char *const auto_sub[] = {"auto-", NULL};
    static const char *const prec[] = {"auto_reply", "bulk", "junk", "list", NULL};
    m->auto_reply = header_is(o, "Auto-Submitted", auto_sub) || header_is(o, "X-Autoreply", NULL) ||
                    header_is(o, "X-Autorespond", NULL) || header_is(o, "Precedence", prec);
    GMimeObject *body = g_mime_message_get_mime_part(msg);
    GMimeContentType *ct = body ? g_mime_object_get_content_type(body) : NULL;
    static const char *const null_path[] = {"<>", NULL};
    m->bounce = (ct != NULL && g_mime_content_type_is_type(ct, "multipart", "report")) ||
                header_is(o, "Return-Path", null_path);
    if (m->from_addr != NULL && (strncmp(m->from_addr, "mailer-daemon@", 14) == 0 ||
                                 strncmp(m->from_addr, "postmaster@", 11) == 0))
        m->bounce = 1;
    for (size_t i = 0; want != NULL && want[i] != NULL && i < MIME_MAX_WANT; i++) {
        const char *v = g_mime_object_get_header(o, want[i]);
        m->want[i] = v ? dup_utf8(a, v) : NULL;
    }

    struct walk w = {a, m, 0};
    g_mime_message_foreach(msg, visit, &w);
    g_object_unref(msg);
    if (m->bounce && !w.failed)
        report_of(a, m);
    if (w.failed || arena_exhausted(a)) {
        snprintf(err, errlen, "out of memory for the message");
        return -1;
    }
    return 0;
}

/* A part holding len bytes of data as type ("major/minor"), base64. */
static GMimeObject *file_part(const struct mime_part *f)
{
    char major[64] = "application", minor[128] = "octet-stream";
    const char *slash = f->content_type ? strchr(f->content_type, '/') : NULL;
    if (slash != NULL && slash - f->content_type < (long)sizeof(major) &&
        strlen(slash + 1) < sizeof(minor) && slash[1] != '\0') {
        snprintf(major, sizeof(major), "%.*s", (int)(slash - f->content_type), f->content_type);
        snprintf(minor, sizeof(minor), "%s", slash + 1);
    }
    GMimePart *p = g_mime_part_new_with_type(major, minor);
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(f->data, f->len);
    GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);
    g_mime_part_set_content(p, dw);
    g_object_unref(dw);
    g_object_unref(s);
    g_mime_part_set_content_encoding(p, GMIME_CONTENT_ENCODING_BASE64);
    if (f->filename != NULL)
        g_mime_part_set_filename(p, f->filename);
    g_mime_object_set_disposition(GMIME_OBJECT(p), f->is_inline ? "inline" : "attachment");
    if (f->content_id != NULL)
        g_mime_object_set_content_id(GMIME_OBJECT(p), f->content_id);
    return GMIME_OBJECT(p);
}

static GMimeObject *text_part(const char *subtype, const char *text)
{
    GMimeTextPart *t = g_mime_text_part_new_with_subtype(subtype);
    g_mime_text_part_set_text(t, text);
    g_mime_part_set_content_encoding(GMIME_PART(t), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    return GMIME_OBJECT(t);
}

char *mime_write(struct arena *a, const struct mime_out *o, size_t *len)
{
    GMimeMessage *msg = g_mime_message_new(TRUE);
    GMimeObject *mo = GMIME_OBJECT(msg);
    char *out = NULL;

    *len = 0;
    g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, o->from_name ? o->from_name : "",
                               o->from_addr);
    for (size_t i = 0; i < o->nto; i++)
        g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, "", o->to[i]);
    for (size_t i = 0; i < o->ncc; i++)
        g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_CC, "", o->cc[i]);
    g_mime_message_set_subject(msg, o->subject ? o->subject : "", "utf-8");
    GDateTime *now = g_date_time_new_now_local();
    g_mime_message_set_date(msg, now);
    g_date_time_unref(now);
    if (o->message_id != NULL)
        g_mime_message_set_message_id(msg, o->message_id);
    if (o->in_reply_to != NULL) {
        char *v = g_strdup_printf("<%s>", o->in_reply_to);
        g_mime_object_set_header(mo, "In-Reply-To", v, NULL);
        g_free(v);
    }
    if (o->nrefs > 0) {
        GString *refs = g_string_new(NULL);
        for (size_t i = 0; i < o->nrefs; i++)
            g_string_append_printf(refs, "%s<%s>", i ? " " : "", o->refs[i]);
        g_mime_object_set_header(mo, "References", refs->str, NULL);
        g_string_free(refs, TRUE);
    }
    for (size_t i = 0; i < o->nhdrs; i++)
        g_mime_object_set_header(mo, o->hdr_names[i], o->hdr_values[i], NULL);

    GMimeObject *body;
    if (o->text != NULL && o->html != NULL) {
        GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
        GMimeObject *t = text_part("plain", o->text), *h = text_part("html", o->html);
        g_mime_multipart_add(alt, t);
        g_mime_multipart_add(alt, h);
        g_object_unref(t);
        g_object_unref(h);
        body = GMIME_OBJECT(alt);
    } else {
        body = text_part(o->html ? "html" : "plain", o->html ? o->html : o->text);
    }
    if (o->nparts > 0) {
        GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
        g_mime_multipart_add(mixed, body);
        g_object_unref(body);
        for (size_t i = 0; i < o->nparts; i++) {
            GMimeObject *f = file_part(&o->parts[i]);
            g_mime_multipart_add(mixed, f);
            g_object_unref(f);
        }
        body = GMIME_OBJECT(mixed);
    }
    g_mime_message_set_mime_part(msg, body);
    g_object_unref(body);

    GMimeFormatOptions *fo = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
    GMimeStream *mem = g_mime_stream_mem_new();
    if (g_mime_object_write_to_stream(mo, fo, mem) >= 0) {
        GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
        if (ba != NULL && (out = arena_alloc(a, ba->len + 1)) != NULL) {
            memcpy(out, ba->data, ba->len);
            out[ba->len] = '\0';
            *len = ba->len;
        }
    }
    g_object_unref(mem);
    g_mime_format_options_free(fo);
    g_object_unref(msg);
    return out;
}

int mime_address(struct arena *a, const char *s, const char **name, const char **addr)
{
    InternetAddressList *l = s ? internet_address_list_parse(NULL, s) : NULL;
    int rc = -1;
    *name = *addr = NULL;
    for (int i = 0; l != NULL && i < internet_address_list_length(l); i++) {
        InternetAddress *ia = internet_address_list_get_address(l, i);
        if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
            continue;
        const char *ad = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
        const char *nm = internet_address_get_name(ia);
        if (ad == NULL || strchr(ad, '@') == NULL)
            continue;
        *addr = dup_lower(a, ad);
        *name = dup_utf8(a, nm ? nm : "");
        rc = *addr && *name ? 0 : -1;
        break;
    }
    if (l != NULL)
        g_object_unref(l);
    return rc;
}
