/* A driver that writes to stdout, as drivers ported with debug printf do: its output must
 * reach stderr (not be lost, not mix into the report's stream), and verify's fault steps must
 * not repeat it. */
#include <stdio.h>

#include "../rogue/rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    printf("printf-driver-says-hello\n");
    return RogueRegister(DriverObject, RegistryPath);
}
