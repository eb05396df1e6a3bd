/* A C++ driver tracing with tree_style/trace.h's WPP forms (NetKVM's): each call below must
 * become one record with the prefix, the message and the arguments; DPrintf(9, ...) is above
 * every level the driver enables and must not appear, nor evaluate its argument. */
#include <ndis.h>
#include "trace.h"
#include "tree_style.tmh"

extern "C" {
#include "../../rogue/rogue.h"
}

int TreeDebugLevel = 1;
static int Evaluated;

static NDIS_STATUS Traced(int Value)
{
    DEBUG_ENTRY(0);
    DPrintf(0, "value %d", Value);
    DPrintf(9, "never shown %d", ++Evaluated);
    TraceNoPrefix(1, "plain %s", "text");
    NDIS_STATUS Status = Value ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
    DEBUG_EXIT_STATUS(0, Status);
    return Status;
}

extern "C" NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WPP_INIT_TRACING(DriverObject, RegistryPath);
    Traced(7);
    DbgPrint("tree-style arguments evaluated %d time(s)\n", Evaluated);
    return RogueRegister(DriverObject, RegistryPath);
}
