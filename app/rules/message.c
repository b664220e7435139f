/*
 * rules/message.c - see message.h.
 */
#include "rules/message.h"

#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/text.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/media.h"
#include "store/messages.h"

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/*
 * Parses `attachments`: media ids from POST /api/v1/media, each the
 * caller's own upload and not yet linked (a repeated id counts once).
 * Another agent's pending upload is refused in the words of an id that does
 * not exist, so that a refusal tells nothing about others' uploads.
 * Checked here so that the 400 can name the id; the transaction checks again.
 */
static enum app_err attachments(struct req *r, struct resp *w, struct json_object *b,
                                struct store_message_new *m)
{
    struct ctx *c = r->ctx;
    struct json_object *list;
    if (!json_object_object_get_ex(b, "attachments", &list) ||
        json_object_is_type(list, json_type_null))
        return APP_OK;
    size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    if (!json_object_is_type(list, json_type_array) || n > MESSAGE_MAX_ATTACHMENTS)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `attachments`: a list of at most %d media ids",
                          MESSAGE_MAX_ATTACHMENTS);
    if (n == 0)
        return APP_OK;
    int64_t *ids = ARENA_NEW(r->arena, int64_t, n);
    if (ids == NULL)
        return APP_ERR_INTERNAL;
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(list, i);
        ids[i] = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
        if (ids[i] <= 0 || ids[i] > INT32_MAX)
            return reply_fail(
                r, w, APP_ERR_INPUT,
                "Invalid `attachments`: each item is a media id (a positive integer)");
    }
    qsort(ids, n, sizeof(ids[0]), cmp_id);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || ids[i] != ids[i - 1])
            ids[k++] = ids[i];
    m->attachments = ids;
    m->nattachments = k;
    m->attacher = c->who->id;

    int64_t bad;
    int missing;
    enum app_err e = store_media_unlinkable(c->db, r->arena, ids, k, m->attacher, &bad, &missing);
    if (e != APP_OK || bad == 0)
        return e;
    if (missing)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Attachment %lld not found: upload it with POST /api/v1/media",
                          (long long)bad);
    return reply_fail(r, w, APP_ERR_INPUT, "Attachment %lld is already attached elsewhere",
                      (long long)bad);
}

enum app_err message_body(struct req *r, struct resp *w, struct json_object *b,
                          const char *sender_type, int is_private, const char *html,
                          struct store_message_new *m)
{
    m->sender_type = sender_type;
    m->is_private = is_private;
    m->content = html;
    m->text = text_from_html(r->arena, html);
    m->preview = m->text ? text_prefix(r->arena, m->text, 1000) : NULL;
    /* meta keeps what upstream keeps there: the client's echo id and the recipients. */
    struct json_object *meta = json_object_new_object();
    static const char *const keep[] = {"echo_id", "to", "cc", "bcc"};
    for (size_t i = 0; meta != NULL && i < sizeof(keep) / sizeof(keep[0]); i++) {
        struct json_object *v;
        if (json_object_object_get_ex(b, keep[i], &v) && !json_object_is_type(v, json_type_null))
            json_object_object_add(meta, keep[i], json_object_get(v));
    }
    const char *text = meta ? json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN) : NULL;
    m->meta = text ? arena_strdup(r->arena, text) : NULL;
    json_object_put(meta);
    if (m->text == NULL || m->preview == NULL || m->meta == NULL)
        return APP_ERR_INTERNAL;
    return attachments(r, w, b, m);
}
