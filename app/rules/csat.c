/*
 * rules/csat.c - see csat.h.
 */
#include "rules/csat.h"

#include <stdio.h>
#include <string.h>

#include "lib/crypto.h"

static const char hex[] = "0123456789abcdef";

int csat_new_uuid(char out[CSAT_UUID_LEN + 1])
{
    unsigned char b[16];
    size_t o = 0;

    if (crypto_random(b, sizeof(b)) != 0)
        return -1;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    for (size_t i = 0; i < sizeof(b); i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0f];
    }
    out[o] = '\0';
    return 0;
}

/* 1 if s is a uuid in canonical lower-case form (36 characters, dashes at 8, 13, 18, 23). */
static int canonical(const char *s)
{
    for (size_t i = 0; i < CSAT_UUID_LEN; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : strchr(hex, s[i]) == NULL || s[i] == '\0')
            return 0;
    }
    return s[CSAT_UUID_LEN] == '\0' || s[CSAT_UUID_LEN] == '.';
}

/* The signature of the 36 bytes of uuid, in lower hex, into out (CSAT_SIG_LEN + 1). */
static void sign(const char *server_secret, const char *uuid, char *out)
{
    static const char label[] = "deskd csat links v1";
    unsigned char key[CRYPTO_SHA256_LEN], mac[CRYPTO_SHA256_LEN];

    crypto_hmac_sha256(server_secret, strlen(server_secret), label, sizeof(label) - 1, key);
    crypto_hmac_sha256(key, sizeof(key), uuid, CSAT_UUID_LEN, mac);
    for (size_t i = 0; i < CSAT_SIG_LEN / 2; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 0x0f];
    }
    out[CSAT_SIG_LEN] = '\0';
}

int csat_token(const char *server_secret, const char *uuid, char out[CSAT_TOKEN_LEN + 1])
{
    if (uuid == NULL || strlen(uuid) != CSAT_UUID_LEN || !canonical(uuid))
        return -1;
    memcpy(out, uuid, CSAT_UUID_LEN);
    out[CSAT_UUID_LEN] = '.';
    sign(server_secret, uuid, out + CSAT_UUID_LEN + 1);
    return 0;
}

int csat_token_uuid(const char *server_secret, const char *token, char uuid[CSAT_UUID_LEN + 1])
{
    char want[CSAT_SIG_LEN + 1];

    if (token == NULL || strlen(token) != CSAT_TOKEN_LEN || !canonical(token) ||
        token[CSAT_UUID_LEN] != '.')
        return -1;
    sign(server_secret, token, want);
    if (!crypto_equal(want, token + CSAT_UUID_LEN + 1, CSAT_SIG_LEN))
        return -1;
    memcpy(uuid, token, CSAT_UUID_LEN);
    uuid[CSAT_UUID_LEN] = '\0';
    return 0;
}

int csat_new_link(const char *server_secret, char uuid[CSAT_UUID_LEN + 1],
                  char token[CSAT_TOKEN_LEN + 1])
{
    return csat_new_uuid(uuid) == 0 ? csat_token(server_secret, uuid, token) : -1;
}

size_t csat_cut(const char *s, size_t max)
{
    size_t i = 0, n = 0;

    while (s[i] != '\0' && n < max) {
        i++; /* past the lead byte, then its continuation bytes */
        while ((s[i] & 0xc0) == 0x80)
            i++;
        n++;
    }
    return i;
}
