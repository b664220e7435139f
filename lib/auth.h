/*
 * auth.h - credential parsing and verification: API-key headers, bcrypt
 * (libcrypt), and the per-process cache of verified API keys.  The only
 * libcrypt (and, for sessions, libjwt) user.
 */
#ifndef LIB_AUTH_H
#define LIB_AUTH_H

#include <stddef.h>
#include <time.h>

struct arena;

#define AUTH_KEY_MAX 128
#define AUTH_SECRET_MAX 256

/*
 * Parses "token KEY:SECRET" or "Basic base64(KEY:SECRET)" (scheme words
 * exactly as upstream: lowercase "token", capitalised "Basic").  The rest
 * is space-trimmed and split on the first ':'.  Returns 1 with key and
 * secret copied into the arena, or 0 if the header is absent, another
 * scheme, malformed, or has an empty key or secret (the caller then tries
 * the session path, as upstream does).
 */
int auth_parse_api_key(struct arena *a, const char *header, const char **key, const char **secret);

/*
 * A bare "KEY:SECRET" (a peer API's key header), space-trimmed and split as
 * above.  Returns 1 with both in the arena, or 0.
 */
int auth_parse_key_pair(struct arena *a, const char *value, const char **key, const char **secret);

/*
 * bcrypt verification of password against a stored "$2a$"/"$2b$"/"$2y$"
 * hash.  Returns 1 on match, 0 otherwise (including a malformed hash).
 */
int auth_bcrypt_verify(const char *password, const char *hash);

/*
 * Hashes password with bcrypt at cost (4..31) into out (at least 61
 * bytes).  Returns 0 or -1.
 */
int auth_bcrypt_hash(const char *password, int cost, char *out, size_t outlen);

/*
 * The verified-key cache.  An entry binds (api_key, stored hash,
 * SHA-256(secret)) to a verdict, so a repeated request skips bcrypt.  The
 * stored hash is part of the key: a regenerated or revoked key never hits.
 * Returns 1 (verified before), 0 (known wrong) or -1 (unknown).
 */
int auth_cache_lookup(const char *api_key, const char *stored_hash, const char *secret);

/*
 * 1 if this process verified secret for api_key before (under whatever
 * stored hash), else 0.  Costs no bcrypt; the caller still checks the
 * stored hash with auth_cache_lookup().
 */
int auth_cache_known_good(const char *api_key, const char *secret);

/* Records a verdict (1 valid, 0 invalid) for the triple. */
void auth_cache_store(const char *api_key, const char *stored_hash, const char *secret, int valid);

/*
 * Returns 1 if the caller should refresh the key's last-used timestamp
 * now (at most once per interval seconds per key and process) and notes
 * the time; 0 otherwise.
 */
int auth_cache_touch_due(const char *api_key, const char *stored_hash, time_t now, int interval);

#define AUTH_JWT_MAX 2048

/*
 * Signs a session token: HS256 over {"sub", "sid", "iat", "exp"} with key.
 * Returns the token in arena memory, or NULL on failure.
 */
char *auth_jwt_sign(struct arena *a, const unsigned char *key, size_t keylen, long sub, long sid,
                    long iat, long exp);

/*
 * Verifies a session token: at most AUTH_JWT_MAX bytes, signature under key
 * (never NULL), algorithm exactly HS256 whatever the token says, `exp`
 * present and after now, `iat` not more than a minute ahead, integer `sub`
 * and `sid`.  Returns 0 with *sub and *sid, or -1.
 */
int auth_jwt_verify(const char *token, const unsigned char *key, size_t keylen, long now, long *sub,
                    long *sid);

/* Empties the cache (tests). */
void auth_cache_clear(void);

#endif
