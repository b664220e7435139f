/*
 * store/seed.h - demo and benchmark data, generated inside PostgreSQL with
 * set-based statements (generate_series).  Seeded rows are recognisable by
 * their e-mail domains (agentN@example.com, customerN@example.net).  Each
 * function that writes is one transaction.
 */
#ifndef STORE_SEED_H
#define STORE_SEED_H

#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/*
 * The people, created once: five teams, two more inboxes and 24 agents
 * with the Agent role, each in one or two teams.
 */
enum app_err store_seed_people(struct db *db);

/* Seeded contacts up to total (none removed). */
enum app_err store_seed_contacts(struct db *db, struct arena *a, int64_t total);

/* The largest conversation id (0: none). */
enum app_err store_seed_last_conversation(struct db *db, struct arena *a, int64_t *id);

/*
 * count conversations spread over statuses, priorities, assignees, teams,
 * inboxes and the last year, without messages.
 */
enum app_err store_seed_conversations(struct db *db, struct arena *a, int64_t count);

/* 2 to 4 messages for each conversation whose id is above after_id. */
enum app_err store_seed_messages(struct db *db, struct arena *a, int64_t after_id);

/* The trigram index on message text: dropped before a large seed, built once after it. */
enum app_err store_seed_trgm_index_drop(struct db *db);
enum app_err store_seed_trgm_index_build(struct db *db);

/* VACUUM ANALYZE: bulk inserts leave dead row versions behind in the count table. */
enum app_err store_seed_vacuum(struct db *db);

#endif
