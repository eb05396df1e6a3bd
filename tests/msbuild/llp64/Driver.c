/* A driver written for MSVC's LLP64, as SoftEther's Neo6 is: its own header defines Windows
 * base types before it includes ndis.h. As a Linux .so (LP64) its unsigned long DWORD is 64
 * bits and clashes with OpenNDIS's; with `openndis build --abi windows` it is the WDK's very
 * type, and the CHAR and BOOL that MSVC calls benign redefinitions are kept (docs/pe.md). */
typedef unsigned long DWORD;
typedef unsigned long BOOL;
typedef signed char CHAR;

#include <ndis.h>
#include <stdio.h>

#include "rogue.h"

C_ASSERT(sizeof(DWORD) == 4 && sizeof(ULONG) == 4 && sizeof(BOOL) == 4 && sizeof(LONG_PTR) == 8);

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    char text[64];
    DWORD bits = (DWORD)(sizeof(DWORD) * 8);
    sprintf(text, "llp64: DWORD %lu bits, CHAR signed %d", bits, (int)((CHAR)-1 < 0));
    DbgPrint("%s\n", text);
    return RogueRegister(DriverObject, RegistryPath);
}
