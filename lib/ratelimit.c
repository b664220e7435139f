/*
 * ratelimit.c - shared failure counters and gate (see ratelimit.h).
 *
 * The whole table is one mapping: header (mutex, hash key, sizes), the
 * buckets, then the gate slots.  Counters change under the mutex; the gate
 * is lock-free (compare-and-swap on a pid per slot).
 */
#include "ratelimit.h"

#include <sys/mman.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "crypto.h"

struct entry {
    uint64_t tag; /* 0 = free */
    double level; /* at t_ms */
    int64_t t_ms;
    long window_ms;
    int limit;
    int reported; /* over-limit reported since the level was last 0 */
};

struct rl_table {
    pthread_mutex_t mu;
    unsigned char key[32];
    size_t nbuckets;
    int gate_slots;
    size_t map_len;
    struct entry *entries; /* nbuckets * RL_WAYS, inside the mapping */
    _Atomic int *gate;     /* gate_slots pids (0 = free), inside the mapping */
};

int64_t rl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct rl_table *rl_create(size_t entries, int gate_slots)
{
    size_t nb = (entries + RL_WAYS - 1) / RL_WAYS;
    if (nb == 0)
        nb = 1;
    if (gate_slots < 1)
        gate_slots = 1;
    size_t head = (sizeof(struct rl_table) + 63) & ~(size_t)63;
    size_t elen = nb * RL_WAYS * sizeof(struct entry);
    size_t len = head + elen + (size_t)gate_slots * sizeof(_Atomic int);
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    struct rl_table *t = m; /* the mapping is zero-filled */
    pthread_mutexattr_t at;
    if (pthread_mutexattr_init(&at) != 0) {
        munmap(m, len);
        return NULL;
    }
    int rc = pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
    if (rc == 0)
        rc = pthread_mutex_init(&t->mu, &at);
    pthread_mutexattr_destroy(&at);
    if (rc != 0 || crypto_random(t->key, sizeof(t->key)) != 0) {
        munmap(m, len);
        return NULL;
    }
    t->nbuckets = nb;
    t->gate_slots = gate_slots;
    t->map_len = len;
    t->entries = (struct entry *)((char *)m + head);
    t->gate = (_Atomic int *)((char *)m + head + elen);
    for (int i = 0; i < gate_slots; i++)
        atomic_init(&t->gate[i], 0);
    return t;
}

void rl_destroy(struct rl_table *t)
{
    if (t == NULL)
        return;
    pthread_mutex_destroy(&t->mu);
    munmap(t, t->map_len);
}

static void lock(struct rl_table *t)
{
    /* The previous holder died mid-update: at worst one entry is inexact. */
    if (pthread_mutex_lock(&t->mu) == EOWNERDEAD)
        pthread_mutex_consistent(&t->mu);
}

static void unlock(struct rl_table *t)
{
    pthread_mutex_unlock(&t->mu);
}

/* The name's tag (never 0) and its bucket. */
static uint64_t tag_of(const struct rl_table *t, const char *name, struct entry **bucket)
{
    unsigned char mac[CRYPTO_SHA256_LEN];
    uint64_t tag, b;

    crypto_hmac_sha256(t->key, sizeof(t->key), name, strlen(name), mac);
    memcpy(&tag, mac, sizeof(tag));
    memcpy(&b, mac + 8, sizeof(b));
    *bucket = t->entries + (b % t->nbuckets) * RL_WAYS;
    return tag ? tag : 1;
}

static double level_at(const struct entry *e, int64_t now)
{
    if (e->tag == 0)
        return 0;
    double dt = now > e->t_ms ? (double)(now - e->t_ms) : 0;
    double lv = e->level - dt * e->limit / (double)e->window_ms;
    return lv > 0 ? lv : 0;
}

static struct entry *find(struct entry *bucket, uint64_t tag)
{
    for (int i = 0; i < RL_WAYS; i++)
        if (bucket[i].tag == tag)
            return &bucket[i];
    return NULL;
}

static int valid_limit(const struct rl_limit *l)
{
    return l != NULL && l->limit > 0 && l->window_ms > 0;
}

int rl_over(struct rl_table *t, const char *name, const struct rl_limit *l, int64_t now_ms,
            long *retry_after)
{
    struct entry *bucket;
    int over = 0;

    if (t == NULL || !valid_limit(l))
        return 0;
    uint64_t tag = tag_of(t, name, &bucket);
    lock(t);
    struct entry *e = find(bucket, tag);
    double lv = e ? level_at(e, now_ms) : 0;
    unlock(t);
    if (lv + 1 > l->limit) {
        over = 1;
        if (retry_after != NULL) {
            double ms = (lv + 1 - l->limit) * (double)l->window_ms / l->limit;
            long s = (long)(ms / 1000.0);
            if ((double)s * 1000.0 < ms)
                s++;
            *retry_after = s < 1 ? 1 : s;
        }
    }
    return over;
}

int rl_fail(struct rl_table *t, const char *name, const struct rl_limit *l, int64_t now_ms)
{
    struct entry *bucket;
    int report = 0;

    if (t == NULL || !valid_limit(l))
        return 0;
    uint64_t tag = tag_of(t, name, &bucket);
    lock(t);
    struct entry *e = find(bucket, tag);
    double lv = 0;
    if (e != NULL) {
        lv = level_at(e, now_ms);
        if (lv == 0)
            e->reported = 0;
    } else {
        /* A drained entry, else the one least close to its limit. */
        double best = 0;
        for (int i = 0; i < RL_WAYS; i++) {
            if (bucket[i].tag == 0) {
                e = &bucket[i];
                break;
            }
            double rel = level_at(&bucket[i], now_ms) / bucket[i].limit;
            if (rel == 0) {
                e = &bucket[i];
                break;
            }
            if (e == NULL || rel < best) {
                e = &bucket[i];
                best = rel;
            }
        }
        memset(e, 0, sizeof(*e));
        e->tag = tag;
    }
    e->level = lv + 1;
    e->t_ms = now_ms;
    e->limit = l->limit;
    e->window_ms = l->window_ms;
    if (e->level + 1 > l->limit && !e->reported) {
        e->reported = 1;
        report = 1;
    }
    unlock(t);
    return report;
}

double rl_level(struct rl_table *t, const char *name, int64_t now_ms)
{
    struct entry *bucket;
    if (t == NULL)
        return 0;
    uint64_t tag = tag_of(t, name, &bucket);
    lock(t);
    struct entry *e = find(bucket, tag);
    double lv = e ? level_at(e, now_ms) : 0;
    unlock(t);
    return lv;
}

void rl_reset(struct rl_table *t)
{
    if (t == NULL)
        return;
    lock(t);
    memset(t->entries, 0, t->nbuckets * RL_WAYS * sizeof(struct entry));
    unlock(t);
}

/* The holder of a slot is gone (a SIGKILLed worker never leaves). */
static int dead(int pid)
{
    return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
}

int rl_gate_enter(struct rl_table *t, int cap, int pid)
{
    if (t == NULL)
        return -1;
    if (cap > t->gate_slots)
        cap = t->gate_slots;
    for (int i = 0; i < cap; i++) {
        int cur = atomic_load(&t->gate[i]);
        if ((cur == 0 || dead(cur)) && atomic_compare_exchange_strong(&t->gate[i], &cur, pid))
            return i;
    }
    return -1;
}

void rl_gate_leave(struct rl_table *t, int slot)
{
    if (t != NULL && slot >= 0 && slot < t->gate_slots)
        atomic_store(&t->gate[slot], 0);
}

int rl_gate_held(struct rl_table *t, int cap)
{
    int n = 0;
    if (t == NULL)
        return 0;
    if (cap > t->gate_slots)
        cap = t->gate_slots;
    for (int i = 0; i < cap; i++) {
        int cur = atomic_load(&t->gate[i]);
        if (cur != 0 && !dead(cur))
            n++;
    }
    return n;
}
