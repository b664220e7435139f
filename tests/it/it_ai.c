/*
 * it_ai.c - AI completion and the provider key over HTTP, against the fake
 * provider scripts/test starts (tests/fake/ai_provider.py): the exact
 * request deskd sends, the answer it returns for each way a provider can
 * fail, the key sealed at rest and absent from the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../suite_of.h"
#include "it.h"

static const char *const COMPLETION = "/api/v1/ai/completion";
static const char *const PROVIDER = "/api/v1/ai/provider";
static const char *const KEY = "sk-test-abc123";

/* Lines in the fake provider's record and the last one (malloc'd, NULL if none). */
static int records(char **last)
{
    const char *path = getenv("DESKD_FAKE_AI_RECORD");
    ck_assert_msg(path != NULL, "DESKD_FAKE_AI_RECORD is not set: run through make test");
    FILE *f = fopen(path, "r");
    int n = 0;
    static char line[1 << 16];
    if (last)
        *last = NULL;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        n++;
        if (last) {
            free(*last);
            *last = strdup(line);
        }
    }
    fclose(f);
    return n;
}

static void complete_err(const char *content, long status, const char *message, const char *type)
{
    char body[512];
    snprintf(body, sizeof(body), "{\"prompt_key\":\"make_friendly\",\"content\":\"%s\"}", content);
    struct http_res r = http_json("POST", COMPLETION, it_agent_key, body);
    assert_error(&r, status, message, type);
    http_res_free(&r);
}

static void complete_ok(const char *content, const char *want_data)
{
    char body[512], want[512];
    snprintf(body, sizeof(body), "{\"prompt_key\":\"make_friendly\",\"content\":\"%s\"}", content);
    struct http_res r = http_json("POST", COMPLETION, it_agent_key, body);
    snprintf(want, sizeof(want), "{\"status\":\"success\",\"data\":\"%s\"}", want_data);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_str_eq(r.body, want);
    http_res_free(&r);
}

static void set_key(const char *key)
{
    char body[256];
    snprintf(body, sizeof(body), "{\"provider\":\"openai\",\"api_key\":\"%s\"}", key);
    struct http_res r = http_json("PUT", PROVIDER, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":\"Provider updated successfully\"}");
    http_res_free(&r);
}

START_TEST(test_refusals_before_the_provider)
{
    int before = records(NULL);
    set_key("");
    complete_err("hello", 400,
                 "OpenAI API Key is not set. Please ask your administrator to set it up",
                 "InputException");
    struct http_res r = http_json("POST", COMPLETION, it_agent_key,
                                  "{\"prompt_key\":\"no_such_prompt\",\"content\":\"hello\"}");
    assert_error(&r, 400, "Template not found", "InputException");
    http_res_free(&r);
    r = http_json("POST", COMPLETION, it_agent_key, "{\"prompt_key\":\"make_friendly\"}");
    assert_error(&r, 400, "`content` is required", "InputException");
    http_res_free(&r);
    r = http_json("PUT", PROVIDER, it_agent_key, "{\"provider\":\"openai\",\"api_key\":\"x\"}");
    assert_error(&r, 403, "Permission denied", "PermissionException");
    http_res_free(&r);
    r = http_json("PUT", PROVIDER, it_admin_key, "{\"provider\":\"anthropic\",\"api_key\":\"x\"}");
    assert_error(&r, 400, "Invalid provider: only openai is supported", "InputException");
    http_res_free(&r);
    ck_assert_int_eq(records(NULL), before); /* nothing reached the provider */
}
END_TEST

START_TEST(test_completion_round_trip)
{
    set_key(KEY);
    /* Sealed at rest: enc:, base64 of nonce (12) + key (14) + tag (16), no plain key. */
    char *v = sql_value("SELECT (config->>'api_key' LIKE 'enc:%')::text || '/' ||"
                        " length(decode(substr(config->>'api_key', 5), 'base64')) || '/' ||"
                        " (position('sk-test' in config::text) = 0)::text"
                        " FROM ai_providers WHERE is_default");
    ck_assert_str_eq(v, "true/42/true");
    free(v);

    complete_ok("Hi there, \\\"friend\\\"", "Rewritten: Hi there, \\\"friend\\\"");

    /* Exactly what the provider received. */
    char *line;
    ck_assert_int_gt(records(&line), 0);
    json_object *rec = json_tokener_parse(line), *body, *msgs, *m;
    free(line);
    ck_assert_ptr_nonnull(rec);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(rec, "path")),
                     "/v1/chat/completions");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(rec, "authorization")),
                     "Bearer sk-test-abc123");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(rec, "content_type")),
                     "application/json");
    body = json_object_object_get(rec, "body");
    ck_assert_int_eq(json_object_object_length(body), 4);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(body, "model")), "gpt-4o-mini");
    ck_assert_int_eq(json_object_get_int(json_object_object_get(body, "max_tokens")), 1024);
    ck_assert(json_object_get_double(json_object_object_get(body, "temperature")) == 0.7);
    msgs = json_object_object_get(body, "messages");
    ck_assert_int_eq((int)json_object_array_length(msgs), 2);
    char *prompt = sql_value("SELECT content FROM ai_prompts WHERE key = 'make_friendly'");
    m = json_object_array_get_idx(msgs, 0);
    ck_assert_int_eq(json_object_object_length(m), 2);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(m, "role")), "system");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(m, "content")), prompt);
    free(prompt);
    m = json_object_array_get_idx(msgs, 1);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(m, "role")), "user");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(m, "content")),
                     "Hi there, \"friend\"");
    json_object_put(rec);

    /* A key stored in the clear (as older upstream rows are) is used as it is. */
    sql_exec("UPDATE ai_providers SET config = jsonb_set(config, '{api_key}', '\"plain-key\"')"
             " WHERE is_default");
    complete_ok("again", "Rewritten: again");
    ck_assert_int_gt(records(&line), 0);
    ck_assert_ptr_nonnull(strstr(line, "\"Bearer plain-key\""));
    free(line);
    /* A sealed value that does not open is a 500, not a call with garbage. */
    int before = records(NULL);
    sql_exec("UPDATE ai_providers SET config = jsonb_set(config, '{api_key}',"
             " '\"enc:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"') WHERE is_default");
    complete_err("x", 500, "Something went wrong", "GeneralException");
    ck_assert_int_eq(records(NULL), before);
    set_key(KEY);
}
END_TEST

START_TEST(test_provider_failures)
{
    set_key(KEY);
    complete_err("mode:401", 400,
                 "The AI provider refused the API key; ask your administrator to check it",
                 "InputException");
    complete_err("mode:429", 429,
                 "The AI provider is rate limiting requests; try again in a minute",
                 "RateLimitException");
    complete_err("mode:500", 502, "The AI provider failed (HTTP 500)", "GeneralException");
    const char *unreadable = "The AI provider sent an answer that is not a chat completion";
    complete_err("mode:garbage", 502, unreadable, "GeneralException");
    complete_err("mode:nochoices", 502, unreadable, "GeneralException");
    complete_err("mode:huge", 502, unreadable, "GeneralException");

    /* The provider takes 5 s; deskd gives up after DESKD_AI_TIMEOUT (2 s in the test stack). */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    complete_err("mode:slow", 504, "The AI provider did not answer in time", "GeneralException");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 4);
    /* And the worker is free again at once. */
    complete_ok("after", "Rewritten: after");
}
END_TEST

START_TEST(test_key_never_logged)
{
    char path[1024], line[8192];
    snprintf(path, sizeof(path), "%s/log/deskd.log", getenv("DESKD_VAR"));
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "no %s", path);
    int lines = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        lines++;
        ck_assert_msg(strstr(line, KEY) == NULL, "the key is in the log: %s", line);
    }
    fclose(f);
    ck_assert_int_gt(lines, 0);
}
END_TEST

Suite *it_ai_suite(void)
{
    return SUITE_OF("ai", 60, NULL, NULL, test_refusals_before_the_provider,
                    test_completion_round_trip, test_provider_failures, test_key_never_logged);
}
