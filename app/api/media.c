/*
 * api/media.c - uploads: POST /api/v1/media stores the `files` part of a
 * multipart body under the upload directory with a uuid name (the type
 * sniffed from the bytes, never taken from the client), and GET
 * /uploads/{uuid} authorizes a download that nginx then sends itself
 * (X-Accel-Redirect to the internal /_deskd_uploads/ location), or Apache's
 * mod_xsendfile (X-Sendfile), or deskd itself (DESKD_UPLOAD_SEND).  The row
 * records its uploader: until a message links it, an upload is the
 * uploader's alone (attaching it, downloading it).  Messages
 * link uploads by id (api/messages.c); the contact avatar is stored the
 * same way (api/contacts.c).
 */
#include "api/media.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/log.h"
#include "lib/multipart.h"
#include "lib/validate.h"
#include "rules/access.h"
#include "rules/upload.h"
#include "server/body.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/media.h"
#include "store/settings.h"

enum app_err h_media_upload(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    const struct mp_part *files, *file;
    const char *max_s = NULL, *exts = NULL, *uuid = NULL;
    int n;

    if (r->content_type == NULL || strncasecmp(r->content_type, "multipart/form-data", 19) != 0)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Expected a multipart/form-data body with a `files` part");
    enum app_err e = body_form(r, w, &b, &files, &n);
    if (e != APP_OK)
        return e;
    file = body_file(files, n, "files");
    const char *inline_v = body_string(b, "inline"), *model = body_string(b, "linked_model");
    if (file == NULL)
        return reply_fail(r, w, APP_ERR_INPUT, "File not found");
    if (file->len == 0)
        return reply_fail(r, w, APP_ERR_INPUT, "The file is empty");
    const char *name = upload_clean_name(file->filename);
    if (name == NULL)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid file name");
    if (model != NULL && *model != '\0' && strcmp(model, "messages") != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `linked_model`: use messages");
    e = store_setting(c->db, r->arena, "app.max_file_upload_size", &max_s);
    if (e == APP_OK)
        e = store_setting(c->db, r->arena, "app.allowed_file_upload_extensions", &exts);
    if (e != APP_OK)
        return e;
    long max_mb = max_s ? strtol(max_s, NULL, 10) : 20;
    if (max_mb <= 0)
        max_mb = 20;
    if (file->len > (size_t)max_mb * 1024 * 1024)
        return reply_fail(r, w, APP_ERR_TOO_LARGE, "File size exceeds the limit of %ld MB", max_mb);
    if (!upload_extension_allowed(exts, name))
        return reply_fail(r, w, APP_ERR_INPUT, "This file type is not allowed");

    struct store_media_new m = {
        .name = name,
        .data = file->data,
        .len = file->len,
        .disp = inline_v && strcmp(inline_v, "true") == 0 ? "inline" : "attachment",
        .model = model && *model ? model : NULL,
        .uploaded_by = c->who->id,
    };
    upload_sniff(r->arena, &m);
    if (m.type == NULL)
        return APP_ERR_INTERNAL;
    if ((e = store_media_create(c->db, r->arena, c->cfg->upload_dir, &m, &uuid)) != APP_OK)
        return e;
    return store_media_json(c->db, r->arena, uuid, &w->data_json, &w->data_len);
}

/* The file name for Content-Disposition: an ASCII fallback and the UTF-8 original (RFC 6266). */
static const char *disposition(struct arena *a, const char *kind, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(name);
    char *ascii = arena_alloc(a, n + 1), *pct = arena_alloc(a, 3 * n + 1);
    size_t o = 0;
    if (ascii == NULL || pct == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        ascii[i] = (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') ? (char)ch : '_';
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            strchr("-._~", ch) != NULL) {
            pct[o++] = (char)ch;
        } else {
            pct[o++] = '%';
            pct[o++] = hex[ch >> 4];
            pct[o++] = hex[ch & 15];
        }
    }
    ascii[n] = '\0';
    pct[o] = '\0';
    return arena_printf(a, "%s; filename=\"%s\"; filename*=UTF-8''%s", kind, ascii, pct);
}

/*
 * DESKD_UPLOAD_SEND=deskd (no web server sends files for deskd): the file
 * read into the request's arena as the body.  A file gone from disk is the
 * 404 nginx would answer.
 */
static enum app_err read_upload(struct req *r, const char *dir, const char *uuid, struct resp *w)
{
    const char *path = arena_printf(r->arena, "%s/%s", dir, uuid);
    struct stat st;
    char *buf;
    size_t got = 0;
    int fd;

    if (path == NULL)
        return APP_ERR_INTERNAL;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
        return reply_fail(r, w, APP_ERR_NOT_FOUND, "Media not found");
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        log_err("uploads: cannot read %s: %s", path, fd < 0 ? strerror(errno) : "not a file");
        if (fd >= 0)
            close(fd);
        return APP_ERR_INTERNAL;
    }
    buf = arena_alloc(r->arena, (size_t)st.st_size + 1);
    if (buf == NULL) {
        close(fd);
        return APP_ERR_INTERNAL;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != (size_t)st.st_size) {
        log_err("uploads: %s: read %zu of %lld bytes", path, got, (long long)st.st_size);
        return APP_ERR_INTERNAL;
    }
    w->raw_body = buf;
    w->raw_len = got;
    return APP_OK;
}

enum app_err h_uploads_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *uuid = router_capture(&r->match, "uuid");
    struct store_media_file f;

    if (uuid == NULL || !v_uuid(uuid))
        return reply_fail(r, w, APP_ERR_NOT_FOUND, "Media not found");
    enum app_err e = store_media_file(c->db, r->arena, uuid, &f);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Media not found");
    if (e != APP_OK)
        return e;
    /*
     * An upload not yet linked to anything is its uploader's alone: to anyone
     * else (a row with no recorded uploader: to everyone) it is not there,
     * the same 404 as an unknown uuid.  A message's attachment is as private
     * as its conversation: messages:read and the conversation access rule
     * (403, where upstream says 401).  Contact avatars go to any agent.
     */
    if (f.pending && (f.uploaded_by == 0 || f.uploaded_by != c->who->id))
        return reply_fail(r, w, APP_ERR_NOT_FOUND, "Media not found");
    if (f.conv_uuid != NULL) {
        struct access_conv ca;
        if (!app_has_perm(c->who, "messages:read"))
            return APP_ERR_PERMISSION;
        if ((e = conv_access_uuid(r, w, f.conv_uuid, &ca)) != APP_OK)
            return e;
    }
    /* Only images may show inline; everything else downloads. */
    const char *kind = strncmp(f.type, "image/", 6) == 0 && strcmp(f.type, "image/svg+xml") != 0
                           ? f.disposition
                           : "attachment";
    const char *cd = disposition(r->arena, kind, f.filename);
    if (cd == NULL)
        return APP_ERR_INTERNAL;
    w->content_type = f.type;
    w->raw_body = "";
    w->raw_len = 0;
    switch ((enum upload_send)c->cfg->upload_send) {
    case UPLOAD_SEND_ACCEL: {
        const char *redirect = arena_printf(r->arena, "/_deskd_uploads/%s", uuid);
        if (redirect == NULL)
            return APP_ERR_INTERNAL;
        http_add_header(w, "X-Accel-Redirect", redirect);
        break;
    }
    case UPLOAD_SEND_SENDFILE: {
        /* mod_xsendfile sends it (XSendFilePath names the upload directory). */
        const char *path = arena_printf(r->arena, "%s/%s", c->cfg->upload_dir, uuid);
        if (path == NULL)
            return APP_ERR_INTERNAL;
        if (access(path, R_OK) != 0)
            return reply_fail(r, w, APP_ERR_NOT_FOUND, "Media not found");
        http_add_header(w, "X-Sendfile", path);
        break;
    }
    case UPLOAD_SEND_DESKD: {
        enum app_err e2 = read_upload(r, c->cfg->upload_dir, uuid, w);
        if (e2 != APP_OK)
            return e2;
        break;
    }
    }
    http_add_header(w, "Content-Disposition", cd);
    http_add_header(w, "X-Content-Type-Options", "nosniff");
    return APP_OK;
}
