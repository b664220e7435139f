/*
 * rules/password.h - the agent password policy, the password deskd makes
 * up when nobody chose one, and the hash deskd stores.
 */
#ifndef RULES_PASSWORD_H
#define RULES_PASSWORD_H

#include <stddef.h>

/* Random characters of a generated password, before the fixed tail that meets the policy. */
#define PASSWORD_RANDOM_LEN 16

/* A generated password's buffer: the random part, "aZ9!" and the NUL. */
#define PASSWORD_GENERATED_SIZE (PASSWORD_RANDOM_LEN + 5)

/* Room for a bcrypt hash and its NUL. */
#define PASSWORD_HASH_SIZE 128

/*
 * 1 if p meets the agent password rules: 10 to 72 bytes (bcrypt's limit)
 * with an upper-case letter, a lower-case letter, a digit and another byte.
 */
int password_ok(const char *p);

/*
 * A random password that meets the rules: PASSWORD_RANDOM_LEN characters
 * of KEY_ALPHABET followed by "aZ9!".  Returns 0, or -1 if the random
 * source failed.
 */
int password_generate(char out[PASSWORD_GENERATED_SIZE]);

/* The bcrypt hash of p at BCRYPT_COST into out.  Returns 0 or -1. */
int password_hash(const char *p, char out[PASSWORD_HASH_SIZE]);

#endif
