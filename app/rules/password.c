/*
 * rules/password.c - see password.h.
 */
#include "rules/password.h"

#include <string.h>

#include "lib/auth.h"
#include "lib/crypto.h"
#include "rules/limits.h"

int password_ok(const char *p)
{
    int up = 0, low = 0, dig = 0, other = 0;
    size_t n = strlen(p);

    if (n < 10 || n > 72)
        return 0;
    for (const char *c = p; *c; c++) {
        if (*c >= 'A' && *c <= 'Z')
            up = 1;
        else if (*c >= 'a' && *c <= 'z')
            low = 1;
        else if (*c >= '0' && *c <= '9')
            dig = 1;
        else
            other = 1;
    }
    return up && low && dig && other;
}

int password_generate(char out[PASSWORD_GENERATED_SIZE])
{
    if (crypto_random_string(out, PASSWORD_RANDOM_LEN, KEY_ALPHABET) != 0)
        return -1;
    memcpy(out + PASSWORD_RANDOM_LEN, "aZ9!", 5);
    return 0;
}

int password_hash(const char *p, char out[PASSWORD_HASH_SIZE])
{
    return auth_bcrypt_hash(p, BCRYPT_COST, out, PASSWORD_HASH_SIZE);
}
