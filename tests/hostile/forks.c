/* DriverEntry forks; the child sleeps forever, holding whatever descriptors it inherited.
 * The driver itself registers and unloads correctly: its step ends when its own process
 * does, and the forked child is killed with it. */
#define _GNU_SOURCE
#include <unistd.h>
#include "../rogue/rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    if (fork() == 0)
        for (;;)
            pause();
    return RogueRegister(DriverObject, RegistryPath);
}
