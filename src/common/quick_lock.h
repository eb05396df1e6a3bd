/* A short-hold lock for OpenNDIS's own hot tables (handles, pool index, frame queues): a
 * test-and-set flag, a few instructions when free where a pthread mutex costs ~50 on every
 * frame. Held only around a table operation; after a short spin it yields, so a holder that
 * was preempted on the 2-core machines this runs on is not starved. Not for waiting on
 * conditions: those keep pthread mutexes. */
#ifndef OPENNDIS_COMMON_QUICK_LOCK_H
#define OPENNDIS_COMMON_QUICK_LOCK_H

#include <sched.h>
#include <stdatomic.h>

struct quick_lock {
    atomic_flag held;
};
#define QUICK_LOCK_INIT { ATOMIC_FLAG_INIT }

static inline void quick_lock_init(struct quick_lock *l)
{
    atomic_flag_clear_explicit(&l->held, memory_order_relaxed);
}

static inline void quick_lock_acquire(struct quick_lock *l)
{
    for (unsigned spin = 0; atomic_flag_test_and_set_explicit(&l->held, memory_order_acquire); spin++) {
        if (spin < 64) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#elif defined(__aarch64__)
            __asm__ __volatile__("yield");
#endif
        } else {
            sched_yield();
        }
    }
}

static inline void quick_lock_release(struct quick_lock *l)
{
    atomic_flag_clear_explicit(&l->held, memory_order_release);
}

#endif
