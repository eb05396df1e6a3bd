/* Time: sleeping and stalling, the system time and the tick count. Kernel time is the host's
 * monotonic clock; system time its real-time clock in Windows units (100 ns since 1601). */
#include <time.h>

#include "ke.h"

NDISAPI VOID NdisMSleep(ULONG MicrosecondsToSleep)
{
    ke_irql_at_most(PASSIVE_LEVEL, "NdisMSleep", VF_CALLER);
    struct timespec ts = { MicrosecondsToSleep / 1000000, (long)(MicrosecondsToSleep % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

NDISAPI VOID NdisStallExecution(ULONG MicrosecondsToStall)
{
    if (MicrosecondsToStall > 50)
        vf_violation(VF_STALL_TOO_LONG, "NdisStallExecution", VF_CALLER,
                     "stalling %u us; NdisStallExecution is for delays of at most 50 us", MicrosecondsToStall);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do /* busy-wait, as the real one does */
        clock_gettime(CLOCK_MONOTONIC, &now);
    while ((now.tv_sec - start.tv_sec) * 1000000L + (now.tv_nsec - start.tv_nsec) / 1000 < (long)MicrosecondsToStall);
}

NDISAPI VOID NdisGetCurrentSystemTime(PLARGE_INTEGER SystemTime)
{
    /* 100 ns units since 1601-01-01, like KeQuerySystemTime. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    SystemTime->QuadPart = ((LONGLONG)ts.tv_sec + 11644473600LL) * 10000000LL + ts.tv_nsec / 100;
}

#define KE_TICK_100NS 156250 /* 15.625 ms, the usual Windows clock tick */

NTKERNELAPI ULONG KeQueryTimeIncrement(VOID)
{
    return KE_TICK_100NS;
}

NTKERNELAPI VOID KeQueryTickCount(PLARGE_INTEGER TickCount)
{
    TickCount->QuadPart = (LONGLONG)(ke_now_ns() / 100u / KE_TICK_100NS);
}

NTKERNELAPI VOID KeQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
    NdisGetCurrentSystemTime(CurrentTime);
}

NDISAPI VOID NdisGetSystemUpTimeEx(PLARGE_INTEGER pSystemUpTime)
{
    pSystemUpTime->QuadPart = (LONGLONG)(ke_now_ns() / 1000000u); /* milliseconds */
}
