/* openndis build's test driver: its includes are spelt as on Windows. <NDIS.h> is OpenNDIS's
 * ndis.h, "Trace.h" is common/trace.h and "Sub\Helper.h" common/sub/helper.h. */
#include <NDIS.h>
#include <Ntstrsafe.h>
#include "Trace.h"
#include "Sub\Helper.h"
#include "ROGUE.H"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    CHAR Line[64];
    if (!NT_SUCCESS(RtlStringCbPrintfA(Line, sizeof Line, "spelled %s %s trace %d", HelperVersion(),
                                       SPELLED_CONFIG, SPELLED_TRACE_LEVEL)))
        return STATUS_UNSUCCESSFUL;
    DbgPrint("%s\n", Line);
    return RogueRegister(DriverObject, RegistryPath);
}
