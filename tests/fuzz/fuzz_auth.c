/*
 * fuzz_auth.c - credentials (lib/auth.c, lib/http.c): the Authorization
 * header as auth_parse_api_key() and the session path read it, the Cookie
 * header as http_cookie() reads it, and session tokens as auth_jwt_verify()
 * reads them.
 *
 * Input: one header value.  A token made of fuzz bytes alone never gets
 * past the signature, so the input is also read as "<JOSE header JSON>\n
 * <claims JSON>", signed under the harness's key and verified: that drives
 * libjwt's parsing and deskd's checks of alg, exp, iat, sub and sid.
 */
#include "lib/auth.h"
#include "lib/crypto.h"
#include "lib/http.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[32] = "deskd fuzz session token key...";
#define NOW 1700000000L

/* base64url without padding of n bytes into the arena. */
static char *b64url(struct arena *a, const void *in, size_t n)
{
    char *out = arena_alloc(a, 4 * ((n + 2) / 3) + 1);
    if (out == NULL)
        return NULL;
    size_t len = crypto_b64encode(in, n, out);
    while (len > 0 && out[len - 1] == '=')
        len--;
    out[len] = '\0';
    for (char *c = out; *c; c++)
        *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
    return out;
}

static void verify(const char *token)
{
    long sub = 0, sid = 0;
    if (auth_jwt_verify(token, key, sizeof(key), NOW, &sub, &sid) == 0)
        FUZZ_ASSERT(sub > 0 && sid > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    const char *hdr = arena_strndup(a, (const char *)data, size);
    if (hdr == NULL)
        return 0;

    const char *k, *secret;
    if (auth_parse_api_key(a, hdr, &k, &secret) == 1) {
        FUZZ_ASSERT(k != NULL && *k != '\0' && secret != NULL && *secret != '\0');
        FUZZ_ASSERT(strchr(k, ':') == NULL);
        FUZZ_ASSERT(strlen(k) <= AUTH_KEY_MAX && strlen(secret) <= AUTH_SECRET_MAX);
    } else {
        FUZZ_ASSERT(k == NULL && secret == NULL);
    }
    verify(strncmp(hdr, "Bearer ", 7) == 0 ? hdr + 7 : hdr);
    (void)http_cookie(a, hdr, "libredesk_session");
    (void)http_cookie(a, hdr, "csrf_token");

    const char *jose, *claims;
    size_t clen;
    if (fuzz_split(a, data, size, &jose, &claims, &clen) != 0)
        return 0;
    char *h = b64url(a, jose, strlen(jose));
    char *c = b64url(a, claims, clen);
    if (h == NULL || c == NULL)
        return 0;
    char *signing = arena_printf(a, "%s.%s", h, c);
    if (signing == NULL)
        return 0;
    unsigned char mac[CRYPTO_SHA256_LEN];
    crypto_hmac_sha256(key, sizeof(key), signing, strlen(signing), mac);
    char *sig = b64url(a, mac, sizeof(mac));
    char *token = sig ? arena_printf(a, "%s.%s", signing, sig) : NULL;
    if (token != NULL)
        verify(token);

    /* What deskd signs, it verifies. */
    long sub = 0, sid = 0;
    long s1 = 1 + (long)(size % 1000), s2 = 1 + (long)(clen % 1000);
    char *own = auth_jwt_sign(a, key, sizeof(key), s1, s2, NOW, NOW + 3600);
    FUZZ_ASSERT(own != NULL);
    FUZZ_ASSERT(auth_jwt_verify(own, key, sizeof(key), NOW, &sub, &sid) == 0);
    FUZZ_ASSERT(sub == s1 && sid == s2);
    return 0;
}
