/*
 * auth.c - API-key header parsing, bcrypt through libcrypt, and the
 * per-worker verified-key cache.
 *
 * A bcrypt check at cost 10 costs tens of milliseconds of CPU; the cache
 * makes that a once-per-key-per-worker cost.  Entries are compared in
 * constant time on the secret's digest; the secret itself is never stored.
 */
#include "auth.h"

#include <crypt.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "crypto.h"

#include <jwt.h>

#define CACHE_SIZE 64
#define HASH_MAX 128

struct cache_entry {
    int used;
    int valid;
    char key[AUTH_KEY_MAX + 1];
    char hash[HASH_MAX + 1];
    unsigned char digest[CRYPTO_SHA256_LEN];
    time_t touched;
};

static struct cache_entry cache[CACHE_SIZE];
static size_t cache_next;
static struct crypt_data cdata;

static const char *trim(const char *s, size_t *len)
{
    while (*len > 0 && *s == ' ') {
        s++;
        (*len)--;
    }
    while (*len > 0 && s[*len - 1] == ' ')
        (*len)--;
    return s;
}

static int split_pair(struct arena *a, const char *s, size_t len, const char **key,
                      const char **secret)
{
    const char *colon = memchr(s, ':', len);
    if (colon == NULL)
        return 0;
    size_t klen = (size_t)(colon - s);
    size_t slen = len - klen - 1;
    if (klen == 0 || slen == 0 || klen > AUTH_KEY_MAX || slen > AUTH_SECRET_MAX)
        return 0;
    if (memchr(s, '\0', len) != NULL)
        return 0;
    *key = arena_strndup(a, s, klen);
    *secret = arena_strndup(a, colon + 1, slen);
    return *key != NULL && *secret != NULL;
}

int auth_parse_api_key(struct arena *a, const char *header, const char **key, const char **secret)
{
    size_t len;
    const char *rest;

    *key = *secret = NULL;
    if (header == NULL)
        return 0;
    if (strncmp(header, "token ", 6) == 0) {
        len = strlen(header + 6);
        rest = trim(header + 6, &len);
        return split_pair(a, rest, len, key, secret);
    }
    if (strncmp(header, "Basic ", 6) == 0) {
        len = strlen(header + 6);
        rest = trim(header + 6, &len);
        if (len == 0 || len > 4 * ((AUTH_KEY_MAX + AUTH_SECRET_MAX + 1 + 2) / 3))
            return 0;
        unsigned char *dec = arena_alloc(a, len / 4 * 3 + 1);
        if (dec == NULL)
            return 0;
        long n = crypto_b64decode(rest, len, dec);
        if (n <= 0)
            return 0;
        return split_pair(a, (const char *)dec, (size_t)n, key, secret);
    }
    return 0;
}

int auth_parse_key_pair(struct arena *a, const char *value, const char **key, const char **secret)
{
    size_t len;
    const char *rest;

    *key = *secret = NULL;
    if (value == NULL)
        return 0;
    len = strlen(value);
    rest = trim(value, &len);
    return split_pair(a, rest, len, key, secret);
}

int auth_bcrypt_verify(const char *password, const char *hash)
{
    size_t hlen;

    if (password == NULL || hash == NULL)
        return 0;
    hlen = strlen(hash);
    /* Only bcrypt: "$2a$10$" + 53 characters. */
    if (hlen != 60 || hash[0] != '$' || hash[1] != '2' ||
        (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') || hash[3] != '$')
        return 0;
    const char *out = crypt_r(password, hash, &cdata);
    if (out == NULL || out[0] == '*' || strlen(out) != hlen)
        return 0;
    return crypto_equal(out, hash, hlen);
}

int auth_bcrypt_hash(const char *password, int cost, char *out, size_t outlen)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];

    if (cost < 4 || cost > 31 || outlen < 61)
        return -1;
    if (crypt_gensalt_rn("$2b$", (unsigned long)cost, NULL, 0, salt, sizeof(salt)) == NULL)
        return -1;
    const char *h = crypt_r(password, salt, &cdata);
    if (h == NULL || h[0] == '*' || strlen(h) >= outlen)
        return -1;
    memcpy(out, h, strlen(h) + 1);
    return 0;
}

/* The entry for the whole triple (digest compared in constant time), or NULL. */
static struct cache_entry *find(const char *api_key, const char *stored_hash,
                                const unsigned char *digest)
{
    for (size_t i = 0; i < CACHE_SIZE; i++) {
        struct cache_entry *e = &cache[i];
        if (e->used && strcmp(e->key, api_key) == 0 && strcmp(e->hash, stored_hash) == 0 &&
            (digest == NULL ? e->valid : crypto_equal(digest, e->digest, CRYPTO_SHA256_LEN)))
            return e;
    }
    return NULL;
}

int auth_cache_lookup(const char *api_key, const char *stored_hash, const char *secret)
{
    unsigned char d[CRYPTO_SHA256_LEN];
    struct cache_entry *e;

    crypto_sha256(secret, strlen(secret), d);
    e = find(api_key, stored_hash, d);
    return e == NULL ? -1 : e->valid;
}

int auth_cache_known_good(const char *api_key, const char *secret)
{
    unsigned char d[CRYPTO_SHA256_LEN];

    crypto_sha256(secret, strlen(secret), d);
    for (size_t i = 0; i < CACHE_SIZE; i++) {
        const struct cache_entry *e = &cache[i];
        if (e->used && e->valid && strcmp(e->key, api_key) == 0 &&
            crypto_equal(d, e->digest, CRYPTO_SHA256_LEN))
            return 1;
    }
    return 0;
}

void auth_cache_store(const char *api_key, const char *stored_hash, const char *secret, int valid)
{
    unsigned char d[CRYPTO_SHA256_LEN];
    struct cache_entry *e;

    if (strlen(api_key) > AUTH_KEY_MAX || strlen(stored_hash) > HASH_MAX)
        return;
    crypto_sha256(secret, strlen(secret), d);
    e = find(api_key, stored_hash, d);
    if (e == NULL) {
        /* A wrong secret (a guess, maybe one of many) never pushes out a verified key. */
        size_t i = cache_next;
        for (size_t n = 0; !valid && n < CACHE_SIZE; n++, i = (i + 1) % CACHE_SIZE)
            if (!cache[i].used || !cache[i].valid)
                break;
        e = &cache[i];
        cache_next = (i + 1) % CACHE_SIZE;
        e->touched = 0;
    }
    e->used = 1;
    e->valid = valid;
    memcpy(e->key, api_key, strlen(api_key) + 1);
    memcpy(e->hash, stored_hash, strlen(stored_hash) + 1);
    memcpy(e->digest, d, sizeof(d));
}

int auth_cache_touch_due(const char *api_key, const char *stored_hash, time_t now, int interval)
{
    struct cache_entry *e = find(api_key, stored_hash, NULL);
    if (e == NULL)
        return 1;
    if (e->touched != 0 && now - e->touched < interval)
        return 0;
    e->touched = now;
    return 1;
}

void auth_cache_clear(void)
{
    memset(cache, 0, sizeof(cache));
    cache_next = 0;
}

char *auth_jwt_sign(struct arena *a, const unsigned char *key, size_t keylen, long sub, long sid,
                    long iat, long exp)
{
    jwt_t *jwt = NULL;
    char *tok = NULL, *out = NULL;

    if (key == NULL || keylen == 0 || keylen > INT_MAX || jwt_new(&jwt) != 0)
        return NULL;
    if (jwt_add_grant_int(jwt, "sub", sub) == 0 && jwt_add_grant_int(jwt, "sid", sid) == 0 &&
        jwt_add_grant_int(jwt, "iat", iat) == 0 && jwt_add_grant_int(jwt, "exp", exp) == 0 &&
        jwt_set_alg(jwt, JWT_ALG_HS256, key, (int)keylen) == 0)
        tok = jwt_encode_str(jwt);
    if (tok != NULL) {
        out = arena_strdup(a, tok);
        free(tok);
    }
    jwt_free(jwt);
    return out;
}

/* An integer grant, told apart from a missing or non-integer one. */
static int grant(jwt_t *jwt, const char *name, long *out)
{
    errno = 0;
    long v = jwt_get_grant_int(jwt, name);
    if (errno != 0)
        return -1;
    *out = v;
    return 0;
}

int auth_jwt_verify(const char *token, const unsigned char *key, size_t keylen, long now, long *sub,
                    long *sid)
{
    jwt_t *jwt = NULL;
    long exp, iat;
    int rc = -1;

    if (token == NULL || key == NULL || keylen == 0 || keylen > INT_MAX ||
        strlen(token) > AUTH_JWT_MAX || strchr(token, '.') == NULL)
        return -1;
    /* With a key, libjwt checks the signature; alg:none and friends fail here or below. */
    if (jwt_decode(&jwt, token, key, (int)keylen) != 0 || jwt == NULL)
        return -1;
    if (jwt_get_alg(jwt) == JWT_ALG_HS256 && grant(jwt, "exp", &exp) == 0 && exp > now &&
        grant(jwt, "iat", &iat) == 0 && iat <= now + 60 && grant(jwt, "sub", sub) == 0 &&
        grant(jwt, "sid", sid) == 0 && *sub > 0 && *sid > 0)
        rc = 0;
    jwt_free(jwt);
    return rc;
}
