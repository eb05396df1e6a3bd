/* DriverEntry blocks every signal it can and spins: only SIGKILL stops it. */
#define _GNU_SOURCE
#include <signal.h>
#include "../rogue/rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    for (volatile int forever = 1; forever;)
        ;
    return RogueRegister(DriverObject, RegistryPath);
}
