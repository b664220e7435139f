/*
 * rules/limits.h - the limits several resources apply to what clients
 * send, named once (upstream's where it has them); a limit only one
 * resource knows is named in its own file.
 */
#ifndef RULES_LIMITS_H
#define RULES_LIMITS_H

/* Names and short text fields: people's names, team, view, tag and status names. */
#define NAME_MAX_LEN 140

/* A conversation's subject. */
#define SUBJECT_MAX_LEN 1000

/* bcrypt work factor for passwords and API secrets deskd writes (upstream's default). */
#define BCRYPT_COST 10

/* The alphabet of generated keys, secrets and passwords. */
#define KEY_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

#endif
