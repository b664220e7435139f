/* lib/ratelimit.c - shared failure counters: counting, sliding window, eviction, fork, gate. */
#include <sys/wait.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/ratelimit.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static const struct rl_limit TEN_PER_MIN = {10, 60000};
static const int64_t T0 = 1000000;

START_TEST(test_counting)
{
    struct rl_table *t = rl_create(64, 4);
    long ra = 0;
    ck_assert_ptr_nonnull(t);
    for (int i = 0; i < 9; i++) {
        ck_assert_int_eq(rl_over(t, "key:a", &TEN_PER_MIN, T0, &ra), 0);
        ck_assert_int_eq(rl_fail(t, "key:a", &TEN_PER_MIN, T0), 0);
    }
    ck_assert_int_eq(rl_over(t, "key:a", &TEN_PER_MIN, T0, &ra), 0); /* the 10th is allowed */
    ck_assert_int_eq(rl_fail(t, "key:a", &TEN_PER_MIN, T0), 1);      /* and reported once */
    ck_assert_int_eq(rl_over(t, "key:a", &TEN_PER_MIN, T0, &ra), 1);
    ck_assert_int_eq(ra, 6); /* one more failure drains in 60 s / 10 */
    ck_assert_int_eq(rl_fail(t, "key:a", &TEN_PER_MIN, T0), 0); /* not reported again */
    ck_assert_int_eq(rl_over(t, "key:a", &TEN_PER_MIN, T0, &ra), 1);
    ck_assert_int_eq(ra, 12);
    /* Other names are untouched. */
    ck_assert_int_eq(rl_over(t, "key:b", &TEN_PER_MIN, T0, &ra), 0);
    ck_assert(rl_level(t, "key:b", T0) == 0);
    ck_assert(rl_level(t, "key:a", T0) == 11);
    rl_reset(t);
    ck_assert_int_eq(rl_over(t, "key:a", &TEN_PER_MIN, T0, &ra), 0);
    rl_destroy(t);
}
END_TEST

START_TEST(test_window_slides)
{
    struct rl_table *t = rl_create(64, 4);
    long ra = 0;
    for (int i = 0; i < 10; i++)
        rl_fail(t, "addr:1", &TEN_PER_MIN, T0);
    ck_assert_int_eq(rl_over(t, "addr:1", &TEN_PER_MIN, T0 + 5999, &ra), 1);
    ck_assert_int_eq(ra, 1);
    /* 6 s later one failure has drained: one more attempt, then over again. */
    ck_assert_int_eq(rl_over(t, "addr:1", &TEN_PER_MIN, T0 + 6000, &ra), 0);
    ck_assert_int_eq(rl_fail(t, "addr:1", &TEN_PER_MIN, T0 + 6000), 0); /* same episode */
    ck_assert_int_eq(rl_over(t, "addr:1", &TEN_PER_MIN, T0 + 6000, &ra), 1);
    /* A whole window later everything has drained, and a new episode is reported. */
    ck_assert(rl_level(t, "addr:1", T0 + 6000 + 60000) == 0);
    for (int i = 0; i < 9; i++)
        ck_assert_int_eq(rl_fail(t, "addr:1", &TEN_PER_MIN, T0 + 70000), 0);
    ck_assert_int_eq(rl_fail(t, "addr:1", &TEN_PER_MIN, T0 + 70000), 1);
    /* The limit is the caller's: a higher one is not over at the same level. */
    struct rl_limit thirty = {30, 60000};
    ck_assert_int_eq(rl_over(t, "addr:1", &thirty, T0 + 70000, &ra), 0);
    rl_destroy(t);
}
END_TEST

START_TEST(test_eviction_spares_the_hot)
{
    /* One bucket: every name competes for the same RL_WAYS entries. */
    struct rl_table *t = rl_create(1, 1);
    char name[32];
    long ra;
    for (int i = 0; i < 10; i++)
        rl_fail(t, "victim", &TEN_PER_MIN, T0);
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "noise-%d", i);
        rl_fail(t, name, &TEN_PER_MIN, T0 + i);
    }
    ck_assert_int_eq(rl_over(t, "victim", &TEN_PER_MIN, T0 + 100, &ra), 1);
    ck_assert(rl_level(t, "noise-99", T0 + 100) > 0); /* the newest noise is kept */
    ck_assert(rl_level(t, "noise-0", T0 + 100) == 0); /* old noise went */
    /* Evicting the victim takes RL_WAYS names each hotter than it. */
    for (int n = 0; n < RL_WAYS; n++) {
        snprintf(name, sizeof(name), "hot-%d", n);
        for (int i = 0; i < 10; i++)
            rl_fail(t, name, &TEN_PER_MIN, T0 + 200);
    }
    ck_assert(rl_level(t, "victim", T0 + 200) == 0);
    rl_destroy(t);
}
END_TEST

START_TEST(test_fork_shares_counts)
{
    struct rl_table *t = rl_create(256, 4);
    long ra;
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        for (int i = 0; i < 10; i++)
            rl_fail(t, "key:shared", &TEN_PER_MIN, T0);
        _exit(0);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ck_assert_int_eq(rl_over(t, "key:shared", &TEN_PER_MIN, T0, &ra), 1);
    rl_destroy(t);
}
END_TEST

START_TEST(test_killed_lock_holder)
{
    struct rl_table *t = rl_create(64, 1);
    long ra;
    int p[2];
    char c;
    ck_assert_int_eq(pipe(p), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* The mutex is the first member of the mapping (ratelimit.c): hold it and die. */
        pthread_mutex_lock((pthread_mutex_t *)(void *)t);
        if (write(p[1], "x", 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    ck_assert_int_eq(read(p[0], &c, 1), 1);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    rl_fail(t, "after", &TEN_PER_MIN, T0); /* does not hang: EOWNERDEAD is recovered */
    ck_assert(rl_level(t, "after", T0) == 1);
    ck_assert_int_eq(rl_over(t, "after", &TEN_PER_MIN, T0, &ra), 0);
    close(p[0]);
    close(p[1]);
    rl_destroy(t);
}
END_TEST

START_TEST(test_gate)
{
    struct rl_table *t = rl_create(8, 3);
    int a = rl_gate_enter(t, 2, getpid());
    int b = rl_gate_enter(t, 2, getpid());
    ck_assert_int_ge(a, 0);
    ck_assert_int_ge(b, 0);
    ck_assert_int_ne(a, b);
    ck_assert_int_eq(rl_gate_enter(t, 2, getpid()), -1); /* cap reached */
    ck_assert_int_eq(rl_gate_held(t, 2), 2);
    rl_gate_leave(t, a);
    int c = rl_gate_enter(t, 2, getpid());
    ck_assert_int_eq(c, a);
    rl_gate_leave(t, b);
    rl_gate_leave(t, c);
    ck_assert_int_eq(rl_gate_held(t, 2), 0);

    /* A holder that is killed leaves its slot behind; the next caller takes it back. */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(rl_gate_enter(t, 1, getpid()) == 0 ? 0 : 1);
    int st;
    waitpid(pid, &st, 0);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ck_assert_int_eq(rl_gate_enter(t, 1, getpid()), 0);
    rl_destroy(t);
}
END_TEST

Suite *ratelimit_suite(void)
{
    return SUITE_OF("ratelimit", 30, NULL, NULL, test_counting, test_window_slides,
                    test_eviction_spares_the_hot, test_fork_shares_counts, test_killed_lock_holder,
                    test_gate);
}
