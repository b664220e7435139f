/*
 * rules/apikey.h - minting an agent's API key: a public key, a secret
 * shown once, and the secret's bcrypt hash, which is what deskd stores.
 */
#ifndef RULES_APIKEY_H
#define RULES_APIKEY_H

#define APIKEY_KEY_LEN 32
#define APIKEY_SECRET_LEN 64

struct apikey {
    char key[APIKEY_KEY_LEN + 1];       /* KEY_ALPHABET */
    char secret[APIKEY_SECRET_LEN + 1]; /* KEY_ALPHABET */
    char hash[128];                     /* bcrypt of secret at BCRYPT_COST */
};

/* Fills k with a new key, secret and hash.  Returns 0, or -1 if randomness or bcrypt failed. */
int apikey_mint(struct apikey *k);

#endif
