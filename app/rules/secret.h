/*
 * rules/secret.h - secrets deskd stores for outside services (the AI
 * provider's key, inbox IMAP/SMTP and notification SMTP passwords, OIDC
 * client credentials, webhook and context-link secrets): sealed with
 * AES-256-GCM as "enc:<base64(nonce | ciphertext | tag)>" (upstream's
 * format, 12-byte random nonce), under a key derived from the server secret
 * or, when DESKD_ENCRYPTION_KEY is set, under upstream's own key, so that a
 * database shared with (or adopted from) Libredesk reads the same on both
 * sides.  Secrets are never returned to clients (an OIDC client id, not
 * secret, is shown opened).  Every seal and open of a stored secret goes
 * through here.
 */
#ifndef RULES_SECRET_H
#define RULES_SECRET_H

#include <stddef.h>

struct arena;

/*
 * Upstream's stand-in for a stored secret in responses: ten U+2022 BULLETs.
 * A write that sends it back keeps the stored secret.
 */
#define SECRET_MASK                                                                                \
    "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"         \
    "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"

/* The longest secret accepted for sealing, in bytes. */
#define SECRET_MAX_LEN 512

/*
 * Upstream's key: key32 is the 32 bytes of upstream's app.encryption_key
 * (DESKD_ENCRYPTION_KEY), used as the AES-256 key itself, as upstream does.
 * From then on secret_seal() seals under it, and secret_open() opens under
 * it first, then under the key derived from the server secret (values deskd
 * sealed before the setting was made stay readable).  Called once at
 * startup, before any process forks; NULL (the default): deskd's derived
 * key only.  Not thread-safe; deskd's processes are single-threaded.
 */
void secret_use_upstream_key(const char *key32);

/*
 * plain sealed as "enc:<base64>" in the arena ("" stays "").  NULL if
 * plain is longer than SECRET_MAX_LEN, or if the arena or the random
 * source failed.
 */
const char *secret_seal(struct arena *a, const char *server_secret, const char *plain);

/*
 * The stored value opened into *plain: "" stays "", "enc:..." is unsealed,
 * anything else is taken as plain text (written by older versions).
 * Returns 0, or -1 if it does not open (the server secret changed, or the
 * value was tampered with) or the arena refused.
 */
int secret_open(struct arena *a, const char *server_secret, const char *stored, const char **plain);

/*
 * The JSON document json (len bytes: objects and arrays at most 8 deep) with
 * every string member called key, at any depth, opened as secret_open()
 * does, into *out (arena, NUL-terminated, *out_len bytes).  A value that
 * does not open becomes "" (as upstream clears it) and is counted in
 * *failed.  Returns 0, or -1 if json does not parse or the arena refused.
 */
int secret_open_members(struct arena *a, const char *server_secret, const char *json, size_t len,
                        const char *key, const char **out, size_t *out_len, int *failed);

#endif
