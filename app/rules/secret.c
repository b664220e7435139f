/*
 * rules/secret.c - see secret.h.
 */
#include "rules/secret.h"

#include <string.h>

#include "lib/arena.h"
#include "lib/crypto.h"

/* The sealing key, derived from the server secret; the label keeps existing values readable. */
static void sealing_key(const char *server_secret, unsigned char key[32])
{
    static const char label[] = "deskd provider keys v1";
    crypto_hmac_sha256(server_secret, strlen(server_secret), label, sizeof(label) - 1, key);
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
    sealing_key(server_secret, key);
    long m = len < 0 ? -1 : crypto_gcm_open(key, raw, (size_t)len, (unsigned char *)out);
    if (m < 0)
        return -1;
    out[m] = '\0';
    *plain = out;
    return 0;
}
