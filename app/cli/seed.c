/*
 * seed.c - deskd seed: demo and benchmark data (store/seed.c), in batches
 * so that progress is visible and each transaction stays a bounded size.
 *
 * People (agents, teams, inboxes) are created once; each run adds N
 * conversations with 2-4 messages each, spread over statuses, priorities,
 * assignees, teams and the last year.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "lib/arena.h"
#include "lib/validate.h"
#include "server/config.h"
#include "store/connect.h"
#include "store/seed.h"

#define BATCH 50000
#define BIG_SEED 200000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_seed(const struct config *cfg, int argc, char **argv)
{
    int64_t n = -1;
    struct db *db;
    struct arena *a;
    double t0 = now_s();
    int rc = 1, big;

    if (argc == 2 && strcmp(argv[0], "--conversations") == 0)
        (void)v_int64(argv[1], 0, 50000000, &n);
    if (n < 0) {
        fprintf(stderr, "deskd: usage: deskd seed --conversations N (0 to 50000000)\n");
        return 2;
    }
    db = cli_connect_owner(cfg);
    if (db == NULL)
        return 1;
    a = arena_new(1 << 20);
    big = n >= BIG_SEED;

    if (store_seed_people(db) != APP_OK) {
        fprintf(stderr, "deskd: seeding agents, teams and inboxes failed (migrated?)\n");
        goto out;
    }
    int64_t contacts = n / 5 < 200 ? 200 : (n / 5 > 200000 ? 200000 : n / 5);
    if (store_seed_contacts(db, a, contacts) != APP_OK) {
        fprintf(stderr, "deskd: seeding contacts failed\n");
        goto out;
    }
    printf("seed: agents, teams, inboxes and %lld contacts ready (%.1fs)\n", (long long)contacts,
           now_s() - t0);
    fflush(stdout);

    /* A large seed builds the trigram index once at the end instead of row by row. */
    if (big && store_seed_trgm_index_drop(db) != APP_OK)
        goto out;
    for (int64_t done = 0; done < n;) {
        int64_t batch = n - done > BATCH ? BATCH : n - done, last;
        arena_reset(a);
        if (store_seed_last_conversation(db, a, &last) != APP_OK)
            goto out;
        if (store_seed_conversations(db, a, batch) != APP_OK ||
            store_seed_messages(db, a, last) != APP_OK) {
            fprintf(stderr, "deskd: seeding conversations failed\n");
            goto out;
        }
        done += batch;
        printf("seed: %lld / %lld conversations (%.1fs)\n", (long long)done, (long long)n,
               now_s() - t0);
        fflush(stdout);
    }
    if (big) {
        printf("seed: building the message trigram index\n");
        fflush(stdout);
        if (store_seed_trgm_index_build(db) != APP_OK)
            goto out;
    }
    if (n > 0 && store_seed_vacuum(db) != APP_OK)
        goto out;
    printf("seed: done in %.1fs\n", now_s() - t0);
    rc = 0;
out:
    store_close(db);
    arena_free(a);
    return rc;
}
