/*
 * crypto.c - libcrypto wrappers.
 */
#include "crypto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

void crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_SHA256_LEN])
{
    /*
     * OpenSSL 3's one-shot SHA256() looks the algorithm up on every call;
     * fetching it once per process makes a digest of a short secret cheap
     * enough for every request.
     */
    static EVP_MD *md;
    unsigned int n = CRYPTO_SHA256_LEN;

    if (md == NULL)
        md = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (md == NULL || EVP_Digest(data, len, out, &n, md, NULL) != 1)
        SHA256(data, len, out);
}

struct crypto_sha256_ctx {
    EVP_MD_CTX *md;
};

struct crypto_sha256_ctx *crypto_sha256_begin(void)
{
    struct crypto_sha256_ctx *c = malloc(sizeof(*c));
    if (c == NULL)
        return NULL;
    c->md = EVP_MD_CTX_new();
    if (c->md == NULL || EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(c->md);
        free(c);
        return NULL;
    }
    return c;
}

void crypto_sha256_add(struct crypto_sha256_ctx *c, const void *data, size_t len)
{
    if (c != NULL && len > 0)
        (void)EVP_DigestUpdate(c->md, data, len);
}

void crypto_sha256_end(struct crypto_sha256_ctx *c, unsigned char out[CRYPTO_SHA256_LEN])
{
    unsigned int n = CRYPTO_SHA256_LEN;
    if (c == NULL || EVP_DigestFinal_ex(c->md, out, &n) != 1)
        memset(out, 0, CRYPTO_SHA256_LEN);
    if (c != NULL) {
        EVP_MD_CTX_free(c->md);
        free(c);
    }
}

void crypto_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                        unsigned char out[CRYPTO_SHA256_LEN])
{
    unsigned int n = CRYPTO_SHA256_LEN;
    if (HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &n) == NULL)
        memset(out, 0, CRYPTO_SHA256_LEN); /* never happens with valid arguments */
}

int crypto_random(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        int chunk = n > 65536 ? 65536 : (int)n;
        if (RAND_bytes(p, chunk) != 1)
            return -1;
        p += chunk;
        n -= (size_t)chunk;
    }
    return 0;
}

int crypto_random_string(char *out, size_t n, const char *alphabet)
{
    size_t k = strlen(alphabet);
    unsigned char buf[64];
    size_t have = 0, pos = 0, o = 0;
    unsigned limit;

    if (k == 0 || k > 256)
        return -1;
    /* Accept bytes below the largest multiple of k: uniform without bias. */
    limit = 256 - (256 % (unsigned)k);
    while (o < n) {
        if (pos == have) {
            if (crypto_random(buf, sizeof(buf)) != 0)
                return -1;
            have = sizeof(buf);
            pos = 0;
        }
        unsigned b = buf[pos++];
        if (b >= limit)
            continue;
        out[o++] = alphabet[b % k];
    }
    out[o] = '\0';
    return 0;
}

int crypto_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long crypto_b64decode(const char *in, size_t len, unsigned char *out)
{
    size_t o = 0;

    if (len % 4 != 0)
        return -1;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)in[i + k];
            if (c == '=') {
                /* padding only in the last quantum, only at its end */
                if (i + 4 != len || k < 2)
                    return -1;
                pad++;
                v[k] = 0;
            } else {
                if (pad)
                    return -1;
                v[k] = b64val(c);
                if (v[k] < 0)
                    return -1;
            }
        }
        uint32_t triple = ((uint32_t)v[0] << 18) | ((uint32_t)v[1] << 12) | ((uint32_t)v[2] << 6) |
                          (uint32_t)v[3];
        out[o++] = (unsigned char)(triple >> 16);
        if (pad < 2)
            out[o++] = (unsigned char)(triple >> 8);
        if (pad < 1)
            out[o++] = (unsigned char)triple;
    }
    out[o] = '\0';
    return (long)o;
}

size_t crypto_b64encode(const unsigned char *in, size_t len, char *out)
{
    int n = EVP_EncodeBlock((unsigned char *)out, in, (int)len);
    return n < 0 ? 0 : (size_t)n;
}

int crypto_gcm_seal(const unsigned char key[32], const unsigned char *nonce,
                    const unsigned char *plain, size_t n, unsigned char *out)
{
    EVP_CIPHER_CTX *c;
    int len, ok;

    if (n > INT32_MAX - 64)
        return -1;
    if (nonce != NULL)
        memcpy(out, nonce, CRYPTO_GCM_NONCE);
    else if (crypto_random(out, CRYPTO_GCM_NONCE) != 0)
        return -1;
    if ((c = EVP_CIPHER_CTX_new()) == NULL)
        return -1;
    ok = EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, out) == 1 &&
         EVP_EncryptUpdate(c, out + CRYPTO_GCM_NONCE, &len, plain, (int)n) == 1 &&
         EVP_EncryptFinal_ex(c, out + CRYPTO_GCM_NONCE + len, &len) == 1 &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, CRYPTO_GCM_TAG, out + CRYPTO_GCM_NONCE + n) ==
             1;
    EVP_CIPHER_CTX_free(c);
    return ok ? 0 : -1;
}

long crypto_gcm_open(const unsigned char key[32], const unsigned char *in, size_t len,
                     unsigned char *out)
{
    EVP_CIPHER_CTX *c;
    int n, fin, ok;

    if (len < CRYPTO_GCM_NONCE + CRYPTO_GCM_TAG || len > INT32_MAX)
        return -1;
    size_t clen = len - CRYPTO_GCM_NONCE - CRYPTO_GCM_TAG;
    if ((c = EVP_CIPHER_CTX_new()) == NULL)
        return -1;
    ok = EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, in) == 1 &&
         EVP_DecryptUpdate(c, out, &n, in + CRYPTO_GCM_NONCE, (int)clen) == 1 &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, CRYPTO_GCM_TAG,
                             (void *)(in + CRYPTO_GCM_NONCE + clen)) == 1 &&
         EVP_DecryptFinal_ex(c, out + n, &fin) == 1;
    EVP_CIPHER_CTX_free(c);
    return ok ? (long)clen : -1;
}
