/*
 * rules/secret.c - see secret.h.
 */
#include "rules/secret.h"

#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/crypto.h"
#include "lib/jsonio.h"

/* Upstream's key (secret_use_upstream_key), if set. */
static unsigned char upstream_key[32];
static int have_upstream_key;

void secret_use_upstream_key(const char *key32)
{
    have_upstream_key = key32 != NULL && strlen(key32) == sizeof(upstream_key);
    if (have_upstream_key)
        memcpy(upstream_key, key32, sizeof(upstream_key));
    else
        memset(upstream_key, 0, sizeof(upstream_key));
}

/* deskd's own key, derived from the server secret; the label keeps existing values readable. */
static void derived_key(const char *server_secret, unsigned char key[32])
{
    static const char label[] = "deskd provider keys v1";
    crypto_hmac_sha256(server_secret, strlen(server_secret), label, sizeof(label) - 1, key);
}

/* The key new values are sealed under. */
static void sealing_key(const char *server_secret, unsigned char key[32])
{
    if (have_upstream_key)
        memcpy(key, upstream_key, sizeof(upstream_key));
    else
        derived_key(server_secret, key);
}

const char *secret_seal(struct arena *a, const char *server_secret, const char *plain)
{
    unsigned char key[32], sealed[CRYPTO_GCM_SEALED(SECRET_MAX_LEN)];
    size_t n = strlen(plain);

    if (n == 0)
        return "";
    if (n > SECRET_MAX_LEN)
        return NULL;
    char *b64 = arena_alloc(a, 4 + 4 * ((CRYPTO_GCM_SEALED(n) + 2) / 3) + 1);
    if (b64 == NULL)
        return NULL;
    sealing_key(server_secret, key);
    if (crypto_gcm_seal(key, NULL, (const unsigned char *)plain, n, sealed) != 0)
        return NULL;
    memcpy(b64, "enc:", 4);
    crypto_b64encode(sealed, CRYPTO_GCM_SEALED(n), b64 + 4);
    return b64;
}

int secret_open(struct arena *a, const char *server_secret, const char *stored, const char **plain)
{
    unsigned char key[32];

    if (strncmp(stored, "enc:", 4) != 0) {
        *plain = stored;
        return 0;
    }
    size_t n = strlen(stored + 4);
    unsigned char *raw = arena_alloc(a, n / 4 * 3 + 1);
    char *out = arena_alloc(a, n / 4 * 3 + 1);
    if (raw == NULL || out == NULL)
        return -1;
    long len = crypto_b64decode(stored + 4, n, raw);
    if (len < 0)
        return -1;
    long m = -1;
    if (have_upstream_key)
        m = crypto_gcm_open(upstream_key, raw, (size_t)len, (unsigned char *)out);
    if (m < 0) {
        derived_key(server_secret, key);
        m = crypto_gcm_open(key, raw, (size_t)len, (unsigned char *)out);
    }
    if (m < 0)
        return -1;
    out[m] = '\0';
    *plain = out;
    return 0;
}

/* Opens the string members called key in v and below; depth is bounded by the parse. */
static int open_walk(struct arena *a, const char *server_secret, struct json_object *v,
                     const char *key, int *failed)
{
    if (json_object_is_type(v, json_type_array)) {
        size_t n = json_object_array_length(v);
        for (size_t i = 0; i < n; i++)
            if (open_walk(a, server_secret, json_object_array_get_idx(v, i), key, failed) != 0)
                return -1;
        return 0;
    }
    if (!json_object_is_type(v, json_type_object))
        return 0;
    json_object_object_foreach(v, k, m)
    {
        if (strcmp(k, key) == 0 && json_object_is_type(m, json_type_string)) {
            const char *plain;
            if (secret_open(a, server_secret, json_object_get_string(m), &plain) != 0) {
                plain = "";
                (*failed)++;
            }
            if (json_object_set_string(m, plain) != 1)
                return -1;
        } else if (open_walk(a, server_secret, m, key, failed) != 0) {
            return -1;
        }
    }
    return 0;
}

int secret_open_members(struct arena *a, const char *server_secret, const char *json, size_t len,
                        const char *key, const char **out, size_t *out_len, int *failed)
{
    int ok;
    struct json_object *root = jsonio_parse(a, json, len, 8, &ok);

    *failed = 0;
    if (!ok || open_walk(a, server_secret, root, key, failed) != 0)
        return -1;
    size_t n;
    const char *s = json_object_to_json_string_length(
        root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
    char *copy = s == NULL ? NULL : arena_strndup(a, s, n);
    if (copy == NULL)
        return -1;
    *out = copy;
    *out_len = n;
    return 0;
}
