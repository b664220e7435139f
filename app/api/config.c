/*
 * api/config.c - the boot requests of the web app: the public settings
 * (with the enabled OIDC providers) and a language file, read from DESKD_LANG_DIR on each request
 * (the files are small and the directory is the admin's to change).
 */
#include "api/config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/jsonio.h"
#include "lib/log.h"
#include "lib/router.h"
#include "rules/lang.h"
#include "rules/secret.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/settings.h"

/* The largest language file served (upstream's en-US.json is about 100 KiB). */
#define LANG_FILE_MAX (1024 * 1024)

enum app_err h_config_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *json;
    size_t len;
    int failed;
    enum app_err e = store_settings_config_json(c->db, r->arena, &json, &len);

    if (e != APP_OK)
        return e;
    /* The providers' client ids are stored sealed; the web app needs them open. */
    if (secret_open_members(r->arena, c->cfg->secret_key, json, len, "client_id", &w->data_json,
                            &w->data_len, &failed) != 0)
        return APP_ERR_INTERNAL;
    if (failed > 0)
        log_err("config: %d OIDC client id(s) do not open; was the server secret changed?", failed);
    return APP_OK;
}

/* Reads the open file fd (at most LANG_FILE_MAX bytes) into the arena; -1 if too big or unreadable.
 */
static int read_file(struct arena *a, int fd, char **buf, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > LANG_FILE_MAX)
        return -1;
    size_t want = (size_t)st.st_size, got = 0;
    char *b = arena_alloc(a, want + 1);
    if (b == NULL)
        return -1;
    while (got < want) {
        ssize_t k = read(fd, b + got, want - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    b[got] = '\0';
    *buf = b;
    *len = got;
    return 0;
}

enum app_err h_lang_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *lang = router_capture(&r->match, "lang");
    char *path, *buf;
    size_t len;
    int ok;

    if (!lang_code_valid(lang))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid language code");
    size_t plen = strlen(c->cfg->lang_dir) + strlen(lang) + 7;
    if ((path = arena_alloc(r->arena, plen)) == NULL)
        return APP_ERR_INTERNAL;
    snprintf(path, plen, "%s/%s.json", c->cfg->lang_dir, lang);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
        return reply_fail(r, w, APP_ERR_NOT_FOUND, "Language not found");
    if (fd < 0) {
        log_err("lang: cannot open %s: %s", path, strerror(errno));
        return APP_ERR_INTERNAL;
    }
    int rc = read_file(r->arena, fd, &buf, &len);
    close(fd);
    if (rc != 0) {
        log_err("lang: %s is not a regular file of at most %d bytes, or unreadable", path,
                LANG_FILE_MAX);
        return APP_ERR_INTERNAL;
    }
    struct json_object *root = jsonio_parse(r->arena, buf, len, 16, &ok);
    if (!json_object_is_type(root, json_type_object)) {
        log_err("lang: %s is not a JSON object", path);
        return APP_ERR_INTERNAL;
    }
    w->raw_body = buf;
    w->raw_len = len;
    w->content_type = "application/json"; /* upstream's, without a charset */
    return APP_OK;
}
