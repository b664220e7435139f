/*
 * crypto.h - the only libcrypto user: SHA-256, CSPRNG bytes and unbiased
 * random strings, strict base64, constant-time comparison, AES-256-GCM.
 */
#ifndef LIB_CRYPTO_H
#define LIB_CRYPTO_H

#include <stddef.h>

#define CRYPTO_SHA256_LEN 32

void crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_SHA256_LEN]);

/*
 * SHA-256 of data given in pieces: begin (NULL if libcrypto refused), add
 * each piece, end (writes the digest and frees; a NULL ctx writes zeros).
 */
struct crypto_sha256_ctx;
struct crypto_sha256_ctx *crypto_sha256_begin(void);
void crypto_sha256_add(struct crypto_sha256_ctx *ctx, const void *data, size_t len);
void crypto_sha256_end(struct crypto_sha256_ctx *ctx, unsigned char out[CRYPTO_SHA256_LEN]);

/* Fills buf with n random bytes from the CSPRNG.  Returns 0 or -1. */
int crypto_random(void *buf, size_t n);

/*
 * Writes n random characters drawn uniformly (rejection sampling, no
 * modulo bias) from alphabet into out, NUL-terminated (out holds n + 1).
 * Returns 0 or -1.
 */
int crypto_random_string(char *out, size_t n, const char *alphabet);

/* HMAC-SHA-256 of data under key into out. */
void crypto_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                        unsigned char out[CRYPTO_SHA256_LEN]);

/* 1 if the n bytes at a and b are equal; time independent of the contents. */
int crypto_equal(const void *a, const void *b, size_t n);

/*
 * Strict standard base64 decode (RFC 4648 alphabet, '=' padding required,
 * length a multiple of 4, no whitespace).  out must hold len/4*3 + 1
 * bytes; the result is NUL-terminated.  Returns the decoded length or -1.
 */
long crypto_b64decode(const char *in, size_t len, unsigned char *out);

/* Standard base64 with padding; out must hold 4*((len+2)/3) + 1 bytes.  Returns length. */
size_t crypto_b64encode(const unsigned char *in, size_t len, char *out);

#define CRYPTO_GCM_NONCE 12
#define CRYPTO_GCM_TAG 16
/* Bytes a sealed message takes: nonce, ciphertext, tag. */
#define CRYPTO_GCM_SEALED(n) ((n) + CRYPTO_GCM_NONCE + CRYPTO_GCM_TAG)

/*
 * AES-256-GCM, laid out as Go's gcm.Seal(nonce, nonce, plain, nil) with the
 * nonce in front: out = nonce(12) | ciphertext(n) | tag(16), out holding
 * CRYPTO_GCM_SEALED(n) bytes.  nonce NULL draws a random one (the normal
 * case; a fixed nonce is for known-answer tests only).  Returns 0 or -1.
 */
int crypto_gcm_seal(const unsigned char key[32], const unsigned char *nonce,
                    const unsigned char *plain, size_t n, unsigned char *out);

/*
 * Opens what crypto_gcm_seal() made: len bytes of in, plaintext (len - 28
 * bytes) into out.  Returns the plaintext length, or -1 if it is too short
 * or does not authenticate under key.
 */
long crypto_gcm_open(const unsigned char key[32], const unsigned char *in, size_t len,
                     unsigned char *out);

#endif
