/* A short-hold lock for OpenNDIS's own hot tables (handles, pool index, frame queues): a
 * test-and-set flag, a few instructions when free where a pthread mutex costs ~50 on every
 * frame. Held only around a table operation; after a short spin it yields, so a holder that
 * was preempted on the 2-core machines this runs on is not starved. Not for waiting on
 * conditions: those keep pthread mutexes. */
#ifndef OPENNDIS_KE_LOCK_H
#define OPENNDIS_KE_LOCK_H

#include <sched.h>
#include <stdatomic.h>

struct ke_lock {
    atomic_flag held;
};
#define KE_LOCK_INIT { ATOMIC_FLAG_INIT }

static inline void ke_lock_init(struct ke_lock *l)
{
    atomic_flag_clear_explicit(&l->held, memory_order_relaxed);
}

static inline void ke_lock(struct ke_lock *l)
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

static inline void ke_unlock(struct ke_lock *l)
{
    atomic_flag_clear_explicit(&l->held, memory_order_release);
}

#endif
