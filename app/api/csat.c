/*
 * api/csat.c - customer satisfaction surveys.  The survey itself is offered
 * by the status route (api/conversation.c) when a conversation is resolved
 * in an inbox with csat_enabled; its link carries a signed token
 * (rules/csat.h), so every public route first checks the signature and
 * answers an unknown or forged token as it answers a survey that is not
 * there: 404 (upstream: 400).  The contact answers once: rating 1 to 5 or
 * none (0), and a feedback cut to 1000 characters, at least one of the two
 * (upstream's rules); a second answer is refused with 400 and changes
 * nothing.
 */
#include "api/csat.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/html.h"
#include "lib/http.h"
#include "lib/jsonio.h"
#include "lib/router.h"
#include "rules/csat.h"
#include "server/body.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/csat.h"

#define NOT_FOUND "Survey not found"
#define ANSWERED "This survey has already been answered"
#define NOTHING "Either `rating` or `feedback` is required"
#define BAD_RATING "Invalid `rating`: use 1 to 5, or 0 for none"

/* The uuid the route's {token} names, if deskd signed it; NULL otherwise. */
static const char *token_uuid(struct req *r)
{
    struct ctx *c = r->ctx;
    const char *token = router_capture(&r->match, "token");
    char *uuid = arena_alloc(r->arena, CSAT_UUID_LEN + 1);

    if (uuid == NULL || csat_token_uuid(c->cfg->secret_key, token, uuid) != 0)
        return NULL;
    return uuid;
}

/* GET /api/v1/csat/{token}: what the survey page shows, and whether it was answered. */
enum app_err h_csat_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *uuid = token_uuid(r);

    if (uuid == NULL)
        return reply_fail(r, w, APP_ERR_NOT_FOUND, NOT_FOUND);
    enum app_err e = store_csat_json(c->db, r->arena, uuid, &w->data_json, &w->data_len);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, NOT_FOUND);
    return e;
}

/*
 * The rating field: absent, null or "" is 0 (none); else an integer 0 to 5,
 * a JSON number or (from a form) its digits.  Returns 0, or -1 if it is
 * something else.
 */
static int rating_of(struct json_object *b, int *rating)
{
    struct json_object *v = jsonio_get(b, "rating");
    const char *s;
    int64_t n;

    *rating = 0;
    if (v == NULL)
        return 0;
    if (jsonio_string(v, &s)) {
        if (*s == '\0')
            return 0;
        if (strlen(s) != 1 || s[0] < '0' || s[0] > '5')
            return -1;
        *rating = s[0] - '0';
        return 0;
    }
    if (!jsonio_int64(v, &n) || n < 0 || n > 5)
        return -1;
    *rating = (int)n;
    return 0;
}

/* An answer as the survey routes read it. */
struct answer {
    int rating;
    const char *feedback; /* cut to CSAT_FEEDBACK_MAX characters; NULL: none */
    const char *meta;     /* JSON object text or NULL */
};

/* The rating and feedback of body b, upstream's rules; the refusal's message in *why. */
static enum app_err answer_of(struct req *r, struct json_object *b, struct answer *ans,
                              const char **why)
{
    struct json_object *f = jsonio_get(b, "feedback");
    const char *fb = NULL;

    memset(ans, 0, sizeof(*ans));
    if (rating_of(b, &ans->rating) != 0) {
        *why = BAD_RATING;
        return APP_ERR_INPUT;
    }
    if (f != NULL && !jsonio_string(f, &fb)) {
        *why = "Invalid `feedback`: expected a string";
        return APP_ERR_INPUT;
    }
    if (fb != NULL && *fb != '\0') {
        ans->feedback = arena_strndup(r->arena, fb, csat_cut(fb, CSAT_FEEDBACK_MAX));
        if (ans->feedback == NULL)
            return APP_ERR_INTERNAL;
    }
    if (ans->rating == 0 && ans->feedback == NULL) {
        *why = NOTHING;
        return APP_ERR_INPUT;
    }
    return APP_OK;
}

/* Saves ans for uuid; the refusal's status and message in *why. */
static enum app_err save(struct req *r, const char *uuid, const struct answer *ans,
                         const char **why)
{
    struct ctx *c = r->ctx;
    enum store_csat_answer out;
    enum app_err e =
        store_csat_answer(c->db, r->arena, uuid, ans->rating, ans->feedback, ans->meta, &out);

    if (e != APP_OK)
        return e;
    if (out == STORE_CSAT_UNKNOWN) {
        *why = NOT_FOUND;
        return APP_ERR_NOT_FOUND;
    }
    if (out == STORE_CSAT_ANSWERED) {
        *why = ANSWERED;
        return APP_ERR_INPUT;
    }
    return APP_OK;
}

/* POST /api/v1/csat/{token}/response {rating, feedback}: `true` (upstream). */
enum app_err h_csat_answer(struct req *r, struct resp *w)
{
    const char *uuid = token_uuid(r), *why = NULL;
    struct json_object *b;
    struct answer ans;
    enum app_err e;

    if (uuid == NULL)
        return reply_fail(r, w, APP_ERR_NOT_FOUND, NOT_FOUND);
    if ((e = body_object(r, w, &b)) != APP_OK)
        return e;
    if ((e = answer_of(r, b, &ans, &why)) == APP_OK)
        e = save(r, uuid, &ans, &why);
    if (e != APP_OK && why != NULL)
        return reply_fail(r, w, e, "%s", why);
    if (e == APP_OK) {
        w->data_json = "true";
        w->data_len = 4;
    }
    return e;
}

/* ---- The HTML page ---- */

#define PAGE_HEAD                                                                                  \
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"                              \
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"                     \
    "<title>%s</title><style>body{font-family:system-ui,sans-serif;max-width:34rem;"               \
    "margin:3rem auto;padding:0 1rem;color:#1f2937;line-height:1.5}h1{font-size:1.4rem}"           \
    "fieldset{border:0;padding:0;margin:1rem 0}label{margin-right:1rem}"                           \
    "textarea{width:100%%;box-sizing:border-box;margin:.5rem 0 1rem}"                              \
    "button{padding:.5rem 1.5rem}.muted{color:#6b7280}</style></head><body>"
#define PAGE_TAIL "</body></html>"

/* Answers an HTML page with status: a title and a body (HTML, already escaped). */
static enum app_err page(struct req *r, struct resp *w, int status, const char *title,
                         const char *body)
{
    char *html = arena_printf(r->arena, PAGE_HEAD "%s" PAGE_TAIL, title, body);

    if (html == NULL)
        return APP_ERR_INTERNAL;
    w->status = status;
    w->raw_body = html;
    w->raw_len = strlen(html);
    w->content_type = "text/html; charset=utf-8";
    http_add_header(w, "Cache-Control", "no-store");
    http_add_header(w, "X-Frame-Options", "DENY");
    http_add_header(w, "Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    return APP_OK;
}

static enum app_err message_page(struct req *r, struct resp *w, int status, const char *title,
                                 const char *text)
{
    char *body = arena_printf(r->arena, "<h1>%s</h1><p>%s</p>", title, text);
    return body ? page(r, w, status, title, body) : APP_ERR_INTERNAL;
}

static enum app_err thanks(struct req *r, struct resp *w)
{
    return message_page(r, w, 200, "Thank you",
                        "Your feedback has been recorded. We appreciate you taking the time.");
}

static enum app_err not_found_page(struct req *r, struct resp *w)
{
    return message_page(r, w, 404, "Page not found",
                        "This survey link is not valid. Please check the link you received.");
}

static const char *const rating_names[] = {"", "Poor", "Fair", "Good", "Great", "Excellent"};

/* GET /csat/{token}[?rating=N]: the survey form, N preselected; a thank-you once answered. */
enum app_err h_csat_page(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *uuid = token_uuid(r), *json, *s;
    size_t len;
    int ok;

    if (uuid == NULL)
        return not_found_page(r, w);
    enum app_err e = store_csat_json(c->db, r->arena, uuid, &json, &len);
    if (e == APP_ERR_NOT_FOUND)
        return not_found_page(r, w);
    if (e != APP_OK)
        return e;
    struct json_object *o = jsonio_parse(r->arena, json, len, 4, &ok), *v;
    if (o == NULL)
        return APP_ERR_INTERNAL;
    if ((v = jsonio_get(o, "responded")) != NULL && json_object_get_boolean(v))
        return thanks(r, w);
    struct json_object *conv = jsonio_get(o, "conversation");
    const char *subject = "", *ref = "";
    if (jsonio_string(jsonio_get(conv, "subject"), &s))
        subject = s;
    if (jsonio_string(jsonio_get(conv, "reference_number"), &s))
        ref = s;
    const char *pre = http_param(r, "rating");
    int chosen =
        pre != NULL && strlen(pre) == 1 && pre[0] >= '1' && pre[0] <= '5' ? pre[0] - '0' : 0;
    const char *token = router_capture(&r->match, "token");
    char *radios = arena_strdup(r->arena, "");
    for (int i = 5; i >= 1 && radios != NULL; i--)
        radios = arena_printf(r->arena,
                              "%s<label><input type=\"radio\" name=\"rating\" value=\"%d\"%s> "
                              "%s</label>",
                              radios, i, i == chosen ? " checked" : "", rating_names[i]);
    const char *esc_subject = html_escape(r->arena, subject), *esc_ref = html_escape(r->arena, ref);
    if (radios == NULL || esc_subject == NULL || esc_ref == NULL)
        return APP_ERR_INTERNAL;
    char *body = arena_printf(
        r->arena,
        "<h1>How did we do?</h1><p class=\"muted\">Conversation #%s%s%s</p>"
        "<form method=\"post\" action=\"/csat/%s\"><fieldset><legend>Your rating</legend>%s"
        "</fieldset><label for=\"feedback\">Anything you would like to tell us?</label>"
        "<textarea id=\"feedback\" name=\"feedback\" rows=\"5\" maxlength=\"%d\"></textarea>"
        "<button type=\"submit\">Send</button></form>",
        esc_ref, *subject ? ": " : "", esc_subject, token, radios, CSAT_FEEDBACK_MAX);
    return body ? page(r, w, 200, "How did we do?", body) : APP_ERR_INTERNAL;
}

/*
 * The form's other fields as a JSON object for meta, as upstream keeps
 * them: at most CSAT_META_MAX_KEYS, keys and values cut to their limits.
 */
static const char *form_meta(struct req *r, struct json_object *b)
{
    struct json_object *m = json_object_new_object();
    const char *out = NULL;
    int n = 0;

    if (m == NULL)
        return NULL;
    json_object_object_foreach(b, key, val)
    {
        const char *s;
        if (strcmp(key, "rating") == 0 || strcmp(key, "feedback") == 0 || !jsonio_string(val, &s) ||
            n >= CSAT_META_MAX_KEYS)
            continue;
        char *k = arena_strndup(r->arena, key, csat_cut(key, CSAT_META_KEY_MAX));
        char *v = arena_strndup(r->arena, s, csat_cut(s, CSAT_META_VALUE_MAX));
        struct json_object *js = v ? json_object_new_string(v) : NULL;
        if (k == NULL || js == NULL || json_object_object_add(m, k, js) != 0) {
            json_object_put(js);
            json_object_put(m);
            return NULL;
        }
        n++;
    }
    const char *text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN);
    out = text ? arena_strdup(r->arena, text) : NULL;
    json_object_put(m);
    return out;
}

/* POST /csat/{token} (the page's form): a thank-you page, or the refusal as a page. */
enum app_err h_csat_page_answer(struct req *r, struct resp *w)
{
    const char *uuid = token_uuid(r), *why = NULL;
    struct json_object *b;
    struct answer ans;

    if (uuid == NULL)
        return not_found_page(r, w);
    enum app_err e = body_object(r, w, &b);
    if (e == APP_ERR_INPUT)
        return message_page(r, w, 400, "Something went wrong", "The form could not be read.");
    if (e != APP_OK)
        return e;
    if ((e = answer_of(r, b, &ans, &why)) == APP_OK) {
        if ((ans.meta = form_meta(r, b)) == NULL)
            return APP_ERR_INTERNAL;
        e = save(r, uuid, &ans, &why);
    }
    if (e == APP_OK)
        return thanks(r, w);
    if (e == APP_ERR_NOT_FOUND)
        return not_found_page(r, w);
    if (e == APP_ERR_INPUT && why != NULL && strcmp(why, ANSWERED) == 0)
        return message_page(r, w, 400, "Thank you", "This survey has already been answered.");
    if (e == APP_ERR_INPUT)
        return message_page(r, w, 400, "Please choose a rating",
                            "Choose a rating or write a comment, then send the form again.");
    return e;
}
