/* Processors: OpenNDIS models one processor group of N processors (OPENNDIS_PROCESSORS, or
 * `--processors N`; by default as many as the machine has online, at most 64).
 *
 * A processor is something a thread holds while it runs at DISPATCH_LEVEL or above, as on
 * Windows, where nothing else runs on a processor until its IRQL drops below DISPATCH_LEVEL.
 * So per-processor data a driver touches at DISPATCH_LEVEL without a lock is exclusive here
 * too, and TSan sees the hand-over between holders. Each processor has its own DPC thread
 * (dispatcher.c), pinned to it: a DPC targeted at processor k runs there and nowhere else.
 * Other threads take their last processor when they raise, else any free one, else wait
 * their turn. */
#include <stdlib.h>
#include <unistd.h>

#include "ke.h"

static unsigned ke_processors;           /* set once, by ke_processor_init */
static pthread_once_t ke_processor_once = PTHREAD_ONCE_INIT;
static _Atomic uint64_t ke_processor_free; /* bit k: processor k is held by nobody */
static atomic_uint ke_processor_waiters;
static atomic_uint ke_processor_next_home; /* spreads threads' first processors */
static pthread_mutex_t ke_processor_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ke_processor_cond = PTHREAD_COND_INITIALIZER;
static unsigned long ke_processor_next_ticket, ke_processor_serving; /* under ke_processor_lock */
static pthread_key_t ke_processor_key; /* gives a held processor back if its thread exits */

static _Thread_local OPENNDIS_TLS int ke_processor_held = -1; /* while at DISPATCH_LEVEL or above */
static _Thread_local OPENNDIS_TLS int ke_processor_home = -1;  /* the last one held */
static _Thread_local OPENNDIS_TLS bool ke_processor_pinned;   /* a DPC thread: its own only */
static _Thread_local OPENNDIS_TLS bool ke_processor_registered; /* ke_processor_key set */

static void ke_processor_exit(void *unused)
{
    (void)unused;
    ke_processor_give();
}

/* The count asked for: OPENNDIS_PROCESSORS when valid, else the machine's (1..64). */
unsigned ke_processor_wanted(const char *text, unsigned online)
{
    char *end;
    unsigned long n;
    if (text != NULL && *text != '\0' && (n = strtoul(text, &end, 10), *end == '\0') && n >= 1 &&
        n <= KE_MAX_PROCESSORS)
        return (unsigned)n;
    return online < 1 ? 1 : online > KE_MAX_PROCESSORS ? KE_MAX_PROCESSORS : online;
}

static void ke_processor_init(void)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    ke_processors = ke_processor_wanted(getenv("OPENNDIS_PROCESSORS"), online > 0 ? (unsigned)online : 1);
    atomic_store(&ke_processor_free, ke_processors == 64 ? ~0ull : (1ull << ke_processors) - 1);
    pthread_key_create(&ke_processor_key, ke_processor_exit);
}

ULONG ke_processor_count(void)
{
    pthread_once(&ke_processor_once, ke_processor_init);
    return ke_processors;
}

static bool ke_processor_try(unsigned k)
{
    uint64_t bit = 1ull << k;
    return (atomic_fetch_and(&ke_processor_free, ~bit) & bit) != 0;
}

/* Any free processor, taken; -1 when all are held. */
static int ke_processor_try_any(void)
{
    for (uint64_t f; (f = atomic_load(&ke_processor_free)) != 0;) {
        unsigned k = (unsigned)__builtin_ctzll(f);
        if (ke_processor_try(k))
            return (int)k;
    }
    return -1;
}

static int ke_processor_try_mine(void)
{
    if (ke_processor_try((unsigned)ke_processor_home))
        return ke_processor_home;
    return ke_processor_pinned ? -1 : ke_processor_try_any();
}

/* Waiting for a processor. DPC threads go first (on Windows a queued DPC runs before the
 * processor returns to thread-level code); other threads take turns in arrival order, so a
 * thread that gives its processor back and raises again at once does not starve them. */
static int ke_processor_wait(void)
{
    int k;
    pthread_mutex_lock(&ke_processor_lock);
    atomic_fetch_add(&ke_processor_waiters, 1);
    if (ke_processor_pinned) {
        while ((k = ke_processor_try_mine()) < 0)
            pthread_cond_wait(&ke_processor_cond, &ke_processor_lock);
    } else {
        unsigned long ticket = ke_processor_next_ticket++;
        while (ticket != ke_processor_serving || (k = ke_processor_try_mine()) < 0)
            pthread_cond_wait(&ke_processor_cond, &ke_processor_lock);
        ke_processor_serving++;
        pthread_cond_broadcast(&ke_processor_cond); /* the next in line may find one free */
    }
    atomic_fetch_sub(&ke_processor_waiters, 1);
    pthread_mutex_unlock(&ke_processor_lock);
    return k;
}

void ke_processor_take(void)
{
    if (!ke_processor_registered) { /* this thread's first time */
        ke_processor_current();
        pthread_setspecific(ke_processor_key, &ke_processor_home);
        ke_processor_registered = true;
    }
    /* no barging past threads already waiting, except by a DPC thread */
    int k = ke_processor_pinned || atomic_load(&ke_processor_waiters) == 0 ? ke_processor_try_mine() : -1;
    if (k < 0)
        k = ke_processor_wait();
    ke_processor_held = ke_processor_home = k;
}

void ke_processor_give(void)
{
    int k = ke_processor_held;
    if (k < 0)
        return;
    ke_processor_held = -1;
    atomic_fetch_or(&ke_processor_free, 1ull << k);
    if (atomic_load(&ke_processor_waiters) != 0) {
        pthread_mutex_lock(&ke_processor_lock);
        pthread_cond_broadcast(&ke_processor_cond);
        pthread_mutex_unlock(&ke_processor_lock);
    }
}

void ke_processor_pin(unsigned k)
{
    ke_processor_count();
    ke_processor_pinned = true;
    ke_processor_home = (int)k;
}

/* The processor this thread runs on: the one it holds, else the one it last held. */
unsigned ke_processor_current(void)
{
    if (ke_processor_held >= 0)
        return (unsigned)ke_processor_held;
    if (ke_processor_home < 0) {
        ULONG n = ke_processor_count();
        ke_processor_home = (int)(atomic_fetch_add(&ke_processor_next_home, 1) % n);
    }
    return (unsigned)ke_processor_home;
}

static bool ke_processor_valid(const PROCESSOR_NUMBER *p)
{
    return p != NULL && p->Group == 0 && p->Number < ke_processor_count() && p->Reserved == 0;
}

static KAFFINITY ke_processor_mask(void)
{
    ULONG n = ke_processor_count();
    return n == 64 ? ~(KAFFINITY)0 : ((KAFFINITY)1 << n) - 1;
}

NTKERNELAPI ULONG KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors)
{
    if (ActiveProcessors != NULL)
        *ActiveProcessors = ke_processor_mask();
    return ke_processor_count();
}

NTKERNELAPI ULONG KeQueryActiveProcessorCountEx(USHORT GroupNumber)
{
    return GroupNumber == 0 || GroupNumber == ALL_PROCESSOR_GROUPS ? ke_processor_count() : 0;
}

NTKERNELAPI ULONG KeQueryMaximumProcessorCountEx(USHORT GroupNumber)
{
    return KeQueryActiveProcessorCountEx(GroupNumber);
}

NTKERNELAPI USHORT KeQueryActiveGroupCount(VOID)
{
    return 1;
}

NTKERNELAPI KAFFINITY KeQueryGroupAffinity(USHORT GroupNumber)
{
    return GroupNumber == 0 ? ke_processor_mask() : 0;
}

NTKERNELAPI ULONG KeGetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber)
{
    unsigned k = ke_processor_current();
    if (ProcNumber != NULL)
        *ProcNumber = (PROCESSOR_NUMBER){ 0, (UCHAR)k, 0 };
    return k;
}

NTKERNELAPI NTSTATUS KeGetProcessorNumberFromIndex(ULONG ProcIndex, PPROCESSOR_NUMBER ProcNumber)
{
    if (ProcIndex >= ke_processor_count())
        return STATUS_INVALID_PARAMETER;
    *ProcNumber = (PROCESSOR_NUMBER){ 0, (UCHAR)ProcIndex, 0 };
    return STATUS_SUCCESS;
}

NTKERNELAPI ULONG KeGetProcessorIndexFromNumber(PPROCESSOR_NUMBER ProcNumber)
{
    return ke_processor_valid(ProcNumber) ? ProcNumber->Number : INVALID_PROCESSOR_INDEX;
}

NTKERNELAPI NTSTATUS KeSetTargetProcessorDpcEx(PKDPC Dpc, PPROCESSOR_NUMBER ProcNumber)
{
    if (!ke_processor_valid(ProcNumber))
        return STATUS_INVALID_PARAMETER;
    KeSetTargetProcessorDpc(Dpc, (CCHAR)ProcNumber->Number);
    return STATUS_SUCCESS;
}
