/* An ELF constructor that misbehaves before DriverEntry exists for OpenNDIS: built once per
 * CTOR_SEGV, CTOR_ABORT, CTOR_LOOP and CTOR_EXIT0. Whatever it does, every command reports
 * it (exit 3) instead of dying, hanging or passing with it. */
#include <stdlib.h>
#include "../rogue/rogue.h"

__attribute__((constructor)) static void HostileConstructor(void)
{
#if defined(CTOR_SEGV)
    volatile int *volatile nowhere = NULL;
    *nowhere = 1;
#elif defined(CTOR_ABORT)
    abort();
#elif defined(CTOR_LOOP)
    for (volatile int forever = 1; forever;)
        ;
#elif defined(CTOR_EXIT0)
    exit(0);
#endif
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return RogueRegister(DriverObject, RegistryPath);
}
