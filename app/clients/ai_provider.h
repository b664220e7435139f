/*
 * ai.h - one chat completion from an OpenAI-compatible provider
 * (POST {base}/chat/completions) over libcurl, bounded in time and size.
 */
#ifndef APP_AI_H
#define APP_AI_H

struct arena;

enum ai_outcome {
    AI_OK,
    AI_REJECTED,     /* 401/403: the key is wrong or lacks access */
    AI_RATE_LIMITED, /* 429 */
    AI_TIMEOUT,      /* no whole answer within the timeout */
    AI_UNREACHABLE,  /* DNS, connect or TLS failure */
    AI_FAILED,       /* any other non-2xx status */
    AI_BAD_ANSWER    /* 2xx that is not a chat completion, or too large */
};

struct ai_call {
    const char *base_url, *model, *api_key;
    long timeout;              /* seconds, the whole exchange */
    const char *system, *user; /* the two messages */
};

/*
 * Runs the call.  On AI_OK *text is the first choice's message content
 * (arena).  *status is the provider's HTTP status (0 if none came).  The
 * key is sent only in the Authorization header and never logged.
 */
enum ai_outcome ai_complete(struct arena *a, const struct ai_call *call, const char **text,
                            long *status);

#endif
