/*
 * rules/apikey.c - see apikey.h.
 */
#include "rules/apikey.h"

#include "lib/auth.h"
#include "lib/crypto.h"
#include "rules/limits.h"

int apikey_mint(struct apikey *k)
{
    if (crypto_random_string(k->key, APIKEY_KEY_LEN, KEY_ALPHABET) != 0 ||
        crypto_random_string(k->secret, APIKEY_SECRET_LEN, KEY_ALPHABET) != 0 ||
        auth_bcrypt_hash(k->secret, BCRYPT_COST, k->hash, sizeof(k->hash)) != 0)
        return -1;
    return 0;
}
