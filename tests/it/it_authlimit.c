/*
 * it_authlimit.c - failed-credential limits over HTTP: per API key id and
 * per client address, shared by all workers, 429 with Retry-After.
 *
 * Each test sends from its own loopback address (127.0.0.x, nginx's
 * REMOTE_ADDR), so the address counters of the other suites (127.0.0.1)
 * are never touched; the limits are the stack's (scripts/test).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

static int env_limit(const char *name, int def)
{
    const char *v = getenv(name);
    return v != NULL && atoi(v) > 0 ? atoi(v) : def;
}

static void fresh_agent(char *email, size_t elen, char *key, size_t klen)
{
    static int seq;
    snprintf(email, elen, "authlimit-%ld-%ld-%d@example.com", (long)time(NULL), (long)getpid(),
             ++seq);
    it_make_agent(email, "L", "Agent", "Test-Passw0rd", NULL, 0, key, klen);
}

/* key with its secret replaced by a guess. */
static const char *guess(const char *key, int i)
{
    static char out[300];
    snprintf(out, sizeof(out), "token %.*s:guess-%d-%ld", (int)(strchr(key, ':') - key), key, i,
             (long)rand());
    return out;
}

static long status_of(const char *auth)
{
    struct http_res r = http_get("/api/v1/statuses", auth);
    long st = r.status;
    http_res_free(&r);
    return st;
}

/* Asserts the 429: envelope, message naming what is limited, Retry-After in 1..max seconds. */
static void expect_429(const char *auth, const char *what, long max_retry)
{
    char ra[32], msg[160];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct http_res r = http_get("/api/v1/statuses", auth);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_msg(r.status == 429, "%s: %ld %s", auth ? auth : "(none)", r.status, r.body);
    /*
     * The tarpit for a key id (DESKD_AUTH_TARPIT, 128 bytes a second): nginx sends 128
     * bytes in the first second and 128 more each next one, so these ~450 take two seconds
     * at least; it keeps deskd's instruction to itself.  An address's 429 comes at once.
     */
    long ms = (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L;
    if (strcmp(what, "for this API key") == 0)
        ck_assert_msg(ms >= 1000, "a key id's 429 came in %ld ms: no tarpit", ms);
    else
        ck_assert_msg(ms < 1000, "an address's 429 took %ld ms", ms);
    ck_assert_ptr_null(http_header(&r, "X-Accel-Limit-Rate", ra, sizeof(ra)));
    ck_assert_ptr_nonnull(http_header(&r, "Retry-After", ra, sizeof(ra)));
    long s = atol(ra);
    ck_assert_msg(s >= 1 && s <= max_retry, "Retry-After: %s", ra);
    snprintf(msg, sizeof(msg), "Too many failed authentication attempts %s; retry in %ld seconds",
             what, s);
    assert_error(&r, 429, msg, "RateLimitException");
    http_res_free(&r);
}

/* Lines of deskd's log holding needle. */
static int log_lines(const char *needle)
{
    char cmd[1024], out[64];
    snprintf(cmd, sizeof(cmd), "grep -cF -- '%s' '%s/log/deskd.log' || true", needle,
             getenv("DESKD_VAR") ? getenv("DESKD_VAR") : "var");
    ck_assert_int_eq(run_cmd(cmd, out, sizeof(out)), 0);
    return atoi(out);
}

/*
 * Sends guesses until the 429 (at most extra beyond limit): the first limit
 * are all 401, whatever the drain meanwhile.  Returns how many were sent.
 */
static int guess_until_limited(const char *key, int limit, int extra, const char *msg)
{
    int n = 0;
    for (; n < limit + extra; n++) {
        struct http_res r = http_get("/api/v1/statuses", guess(key, n));
        long st = r.status;
        if (st == 429) {
            http_res_free(&r);
            break;
        }
        assert_error(&r, 401, msg, "GeneralException");
        http_res_free(&r);
    }
    ck_assert_int_ge(n, limit);
    ck_assert_int_lt(n, limit + extra);
    return n;
}

START_TEST(test_key_limit)
{
    char ea[128], eb[128], ka[256], kb[256], needle[200];
    int limit = env_limit("DESKD_AUTH_KEY_LIMIT", 10);
    long window = env_limit("DESKD_AUTH_WINDOW", 60);
    it_source_addr = "127.0.0.2";
    fresh_agent(ea, sizeof(ea), ka, sizeof(ka));
    fresh_agent(eb, sizeof(eb), kb, sizeof(kb));

    /* Successes never count: B authenticates more often than the limit. */
    for (int i = 0; i < limit + 5; i++)
        ck_assert_int_eq(status_of(tok(kb)), 200);

    /* A's id is known: wrong secrets are 401 up to the limit, then 429 before any bcrypt. */
    guess_until_limited(ka, limit, 3, "Invalid credential");
    expect_429(guess(ka, 999), "for this API key", (window + limit - 1) / limit);
    /*
     * A's owner, in a worker that never verified the secret: refused as well (no bcrypt).
     * The tarpitted 429s above took seconds, in which the level drained below the limit:
     * wrong guesses until one counts again (a 401) put it back over first.
     */
    for (int i = 0; i < 20 && status_of(guess(ka, 1000 + i)) != 401; i++)
        ;
    expect_429(tok(ka), "for this API key", (window + limit - 1) / limit);
    expect_sqlf("t", "SELECT api_key_last_used_at IS NULL FROM users WHERE email = '%s'", ea);

    /* B, from the same address, is untouched: its right secret works, a wrong one is a 401. */
    ck_assert_int_eq(status_of(tok(kb)), 200);
    struct http_res r = http_get("/api/v1/statuses", guess(kb, 0));
    assert_error(&r, 401, "Invalid credential", "GeneralException");
    http_res_free(&r);

    /* One warning for the episode, not one per refused request. */
    snprintf(needle, sizeof(needle), "API key %.*s: ", (int)(strchr(ka, ':') - ka), ka);
    ck_assert_int_eq(log_lines(needle), 1);
    it_source_addr = NULL;
}
END_TEST

/*
 * At the test stack's address limit the level drains by several failures a
 * second, so the over state lasts a fraction of a second after the 429:
 * each check below tops the level up first (guesses until the next 429).
 */
static void top_up(int limit)
{
    for (int i = 0; i <= limit && status_of(guess("nosuchkey:x", i)) == 401; i++)
        ;
}

/* status of auth right after a top-up, retried while the drain wins the race. */
static long status_when_over(const char *auth, int limit, long want)
{
    long st = 0;
    for (int i = 0; i < 5 && st != want; i++) {
        top_up(limit);
        st = status_of(auth);
    }
    return st;
}

START_TEST(test_address_limit)
{
    char email[128], key[256], session[2048];
    int limit = env_limit("DESKD_AUTH_ADDR_LIMIT", 30);
    fresh_agent(email, sizeof(email), key, sizeof(key));
    it_source_addr = "127.0.0.3";
    ck_assert_int_eq(it_login(email, "Test-Passw0rd", session, sizeof(session), NULL, 0), 200);

    /* Unknown key ids (no bcrypt) count against the address alone. */
    guess_until_limited("nosuchkey0000000000000000000000:x", limit, limit, "Invalid credential");
    expect_429("token nosuchkey:x", "from your address", 60);
    /* So do session tokens that do not verify. */
    ck_assert_int_eq(status_when_over("Bearer not.a.token", limit, 429), 429);
    top_up(limit);
    expect_429("Bearer not.a.token", "from your address", 60);
    /*
     * A key this address never used needs a bcrypt: refused.  (Should the
     * drain win the race anyway, the key is verified and cached: the next
     * try takes a fresh one.)
     */
    long st = 0;
    for (int i = 0; i < 3 && st != 429; i++) {
        char e2[128], k2[256];
        if (i > 0)
            fresh_agent(e2, sizeof(e2), k2, sizeof(k2));
        st = status_when_over(tok(i == 0 ? key : k2), limit, 429);
    }
    ck_assert_int_eq(st, 429);
    /* A valid session costs no bcrypt and is let through. */
    char bearer[2100];
    snprintf(bearer, sizeof(bearer), "Bearer %s", session);
    top_up(limit);
    ck_assert_int_eq(status_of(bearer), 200);
    ck_assert_int_eq(log_lines("address 127.0.0.3: "), 1);

    /* Another address is not affected. */
    it_source_addr = "127.0.0.4";
    ck_assert_int_eq(status_of(tok(key)), 200);
    it_source_addr = NULL;
}
END_TEST

START_TEST(test_missing_credentials_do_not_count)
{
    int limit = env_limit("DESKD_AUTH_ADDR_LIMIT", 30);
    it_source_addr = "127.0.0.5";
    for (int i = 0; i < limit + 5; i++)
        expect_error("/api/v1/statuses", NULL, 401, "Invalid or expired session",
                     "GeneralException");
    expect_error("/api/v1/statuses", "Bearer not.a.token", 401, "Invalid or expired session",
                 "GeneralException");
    ck_assert_int_eq(log_lines("address 127.0.0.5:"), 0);
    it_source_addr = NULL;
}
END_TEST

/* 401s for guesses at key before the first 429 (at most max). */
static int guesses_before_429(const char *key, int max)
{
    int n = 0;
    while (n < max && status_of(guess(key, n)) == 401)
        n++;
    return n;
}

static int same_pid(const pid_t *a, int n, pid_t p)
{
    for (int i = 0; i < n; i++)
        if (a[i] == p)
            return 1;
    return 0;
}

/* Waits (up to 20 s) until the master runs n workers, none of them in old[0..nold). */
static void wait_replaced(pid_t m, const pid_t *old, int nold, int n)
{
    pid_t now[64];
    for (int tries = 0; tries < 200; tries++) {
        int k = worker_pids(m, now, 64), stale = 0;
        for (int i = 0; i < k; i++)
            stale += same_pid(old, nold, now[i]);
        if (k == n && stale == 0)
            return;
        usleep(100 * 1000);
    }
    ck_abort_msg("workers were not replaced");
}

START_TEST(test_counts_survive_restart_and_kill)
{
    char email[128], key[256], other_email[128], other[256];
    int limit = env_limit("DESKD_AUTH_KEY_LIMIT", 10);
    pid_t m = master_pid(), before[64];
    ck_assert_int_gt(m, 0);
    fresh_agent(email, sizeof(email), key, sizeof(key));
    fresh_agent(other_email, sizeof(other_email), other, sizeof(other));
    it_source_addr = "127.0.0.6";
    guess_until_limited(key, limit, 3, "Invalid credential");

    /* A rolling restart (SIGHUP) replaces every worker; the counts live in the master's table. */
    int n = worker_pids(m, before, 64);
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(kill(m, SIGHUP), 0);
    wait_replaced(m, before, n, n);
    /* Still over (one guess may have drained meanwhile); a fresh table would allow limit. */
    ck_assert_int_lt(guesses_before_429(key, limit), limit / 2);

    /* A worker SIGKILLed (maybe mid-request) leaves the table and the bcrypt slots usable. */
    n = worker_pids(m, before, 64);
    ck_assert_int_eq(kill(before[0], SIGKILL), 0);
    wait_replaced(m, before, 1, n);
    ck_assert_int_lt(guesses_before_429(key, limit), limit / 2);
    ck_assert_int_eq(status_of(tok(other)), 200); /* a bcrypt, in whichever worker */
    it_source_addr = NULL;
}
END_TEST

Suite *it_authlimit_suite(void)
{
    return SUITE_OF("authlimit", 120, NULL, NULL, test_key_limit, test_address_limit,
                    test_missing_credentials_do_not_count, test_counts_survive_restart_and_kill);
}
