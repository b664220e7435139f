/*
 * ai.c - the chat-completions client.  One curl easy handle per worker,
 * reset for each call so connections to the provider are reused.
 */
#include "clients/ai_provider.h"

#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/log.h"
#include "lib/sbuf.h"

#define AI_MAX_ANSWER (1024 * 1024)
#define AI_MAX_TOKENS 1024

struct sink {
    struct sbuf sb;
    int overflow;
};

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
    struct sink *s = arg;
    size_t len = size * n;
    if (s->sb.len + len > AI_MAX_ANSWER) {
        s->overflow = 1;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    sbuf_addn(&s->sb, p, len);
    if (s->sb.failed) {
        s->overflow = 1;
        return 0;
    }
    return len;
}

static CURL *handle(void)
{
    static CURL *h;
    static int inited;
    if (!inited) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
            return NULL;
        inited = 1;
    }
    if (h == NULL)
        h = curl_easy_init();
    else
        curl_easy_reset(h);
    return h;
}

/* The request body: the model, the system and user messages, the limits. */
static const char *request_body(struct arena *a, const struct ai_call *call)
{
    json_object *root = json_object_new_object(), *msgs = json_object_new_array(), *m;
    json_object_object_add(root, "model", json_object_new_string(call->model));
    m = json_object_new_object();
    json_object_object_add(m, "role", json_object_new_string("system"));
    json_object_object_add(m, "content", json_object_new_string(call->system));
    json_object_array_add(msgs, m);
    m = json_object_new_object();
    json_object_object_add(m, "role", json_object_new_string("user"));
    json_object_object_add(m, "content", json_object_new_string(call->user));
    json_object_array_add(msgs, m);
    json_object_object_add(root, "messages", msgs);
    json_object_object_add(root, "max_tokens", json_object_new_int(AI_MAX_TOKENS));
    json_object_object_add(root, "temperature", json_object_new_double(0.7));
    const char *s = arena_strdup(a, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    return s;
}

/* choices[0].message.content of a chat completion, or NULL. */
static const char *answer_text(struct arena *a, const char *body, size_t len)
{
    json_tokener *tok = json_tokener_new();
    json_object *root = tok ? json_tokener_parse_ex(tok, body, (int)len) : NULL, *v;
    const char *text = NULL;
    if (root != NULL && json_tokener_get_error(tok) == json_tokener_success &&
        json_object_object_get_ex(root, "choices", &v) && json_object_is_type(v, json_type_array) &&
        json_object_array_length(v) > 0 &&
        json_object_object_get_ex(json_object_array_get_idx(v, 0), "message", &v) &&
        json_object_object_get_ex(v, "content", &v) && json_object_is_type(v, json_type_string))
        text = arena_strdup(a, json_object_get_string(v));
    json_object_put(root);
    if (tok)
        json_tokener_free(tok);
    return text;
}

enum ai_outcome ai_complete(struct arena *a, const struct ai_call *call, const char **text,
                            long *status)
{
    CURL *h = handle();
    struct curl_slist *hdrs = NULL, *more;
    struct sink sink = {.overflow = 0};
    const char *url = arena_printf(a, "%s/chat/completions", call->base_url);
    const char *auth = arena_printf(a, "Authorization: Bearer %s", call->api_key);
    const char *body = request_body(a, call);
    enum ai_outcome out;

    *text = NULL;
    *status = 0;
    sbuf_init(&sink.sb, a);
    if (h == NULL || url == NULL || auth == NULL || body == NULL)
        return AI_UNREACHABLE;
    if ((more = curl_slist_append(hdrs, "Content-Type: application/json")) != NULL)
        hdrs = more;
    if ((more = curl_slist_append(hdrs, auth)) != NULL)
        hdrs = more;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, call->timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, call->timeout < 5 ? call->timeout : 5L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "deskd");
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(hdrs);

    if (rc == CURLE_OPERATION_TIMEDOUT)
        out = AI_TIMEOUT;
    else if (rc == CURLE_WRITE_ERROR && sink.overflow)
        out = AI_BAD_ANSWER;
    else if (rc != CURLE_OK)
        out = AI_UNREACHABLE;
    else if (*status == 401 || *status == 403)
        out = AI_REJECTED;
    else if (*status == 429)
        out = AI_RATE_LIMITED;
    else if (*status < 200 || *status > 299)
        out = AI_FAILED;
    else
        out = (*text = answer_text(a, sink.sb.buf ? sink.sb.buf : "", sink.sb.len)) ? AI_OK
                                                                                    : AI_BAD_ANSWER;
    if (out != AI_OK)
        log_warnx("ai: %s: %s (HTTP %ld)", call->base_url,
                  rc != CURLE_OK ? curl_easy_strerror(rc) : "refused", *status);
    return out;
}
