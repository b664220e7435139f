/*
 * ratelimit.h - failure counters and a concurrency gate shared by forked
 * processes.
 *
 * One table lives in anonymous shared memory created before fork(), so
 * every child (and every child of a later fork) counts into the same
 * entries.  A name (any string) has a level that each failure raises by
 * one and that drains at limit per window, continuously: a sliding
 * window without timestamps per event.  The name is over its limit when
 * one more failure would raise the level above limit.
 *
 * The table is fixed in size: a keyed hash (a random key drawn at
 * creation) picks a bucket of RL_WAYS entries; a new name takes a drained
 * entry of its bucket, else evicts the one with the lowest level relative
 * to its limit, so a name near its limit is the last to go and nobody can
 * aim names at a chosen bucket.  Entries are guarded by one process-shared
 * robust mutex (a holder killed mid-update leaves at worst one entry
 * inexact).
 *
 * The gate: at most cap holders at once (cap chosen per call, up to the
 * slots given at creation); a slot holds its owner's pid, and a slot whose
 * owner no longer exists is taken back, so a killed holder leaks nothing.
 */
#ifndef LIB_RATELIMIT_H
#define LIB_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RL_WAYS 8

struct rl_table;

/* limit failures per window_ms milliseconds (both > 0). */
struct rl_limit {
    int limit;
    long window_ms;
};

/*
 * A table of at least entries counters (rounded up to whole buckets) and
 * gate_slots gate slots, in MAP_SHARED anonymous memory.  NULL on failure.
 */
struct rl_table *rl_create(size_t entries, int gate_slots);
void rl_destroy(struct rl_table *t);

/*
 * 1 if name is over its limit at now_ms (a monotonic clock in ms), with
 * the seconds until one more failure is allowed in *retry_after (>= 1);
 * 0 otherwise.  Never creates an entry.
 */
int rl_over(struct rl_table *t, const char *name, const struct rl_limit *l, int64_t now_ms,
            long *retry_after);

/*
 * Counts one failure of name.  Returns 1 if this failure put name over its
 * limit and name was not reported over since it last drained completely
 * (so a caller logs one line per episode), else 0.
 */
int rl_fail(struct rl_table *t, const char *name, const struct rl_limit *l, int64_t now_ms);

/* The level of name now (0 if unknown); tests and diagnostics. */
double rl_level(struct rl_table *t, const char *name, int64_t now_ms);

/* Forgets every counter (tests). */
void rl_reset(struct rl_table *t);

/* Takes one of cap gate slots for pid: the slot index, or -1 if all cap are held. */
int rl_gate_enter(struct rl_table *t, int cap, int pid);
void rl_gate_leave(struct rl_table *t, int slot);
/* Slots held now (dead holders not counted once reclaimed). */
int rl_gate_held(struct rl_table *t, int cap);

/* The process's monotonic clock in ms (the same clock in every process). */
int64_t rl_now_ms(void);

#endif
