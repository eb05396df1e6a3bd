/* A WPP-tracing NDIS 6 driver for the tests: every trace form and format extension once, at
 * known lines, then a normal registration. Built through openndis_add_driver(), which
 * generates wpp_driver.tmh. */
#include "../rogue/rogue.h"
#include "trace.h"
#include "wpp_driver.tmh"

static const GUID TestGuid = { 0x12345678, 0x9abc, 0xdef0, { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef } };
static const UCHAR TestMac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };

static VOID WppUnload(PDRIVER_OBJECT DriverObject)
{
    TraceEvents(TRACE_LEVEL_VERBOSE, TRACE_DRIVER, "%!FUNC!: unloading");
    WPP_CLEANUP(DriverObject);
    RogueUnload(DriverObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WPP_INIT_TRACING(DriverObject, RegistryPath);
    TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_DRIVER, "status %!STATUS!", STATUS_INSUFFICIENT_RESOURCES);
    TraceEvents(TRACE_LEVEL_WARNING, TRACE_DATAPATH, "mac %!MACADDR! ip %!IPADDR!", TestMac, 0x0100000aU);
    TraceEvents(TRACE_LEVEL_VERBOSE, TRACE_DRIVER, "guid %!GUID! ready %!bool! %d%%", &TestGuid, TRUE, 42);
    TraceError(TRACE_DRIVER, "hr %!HRESULT! at %!FILE!:%!LINE! in %!FUNC!", 0x80004005);
    DoTraceMessage(TRACE_DATAPATH, "plain %s %I64u", "text", 1ULL << 40);
    /* As with WPP, a disabled trace call does not evaluate its arguments. */
    static int Evaluated;
    TraceEvents(TRACE_LEVEL_VERBOSE, TRACE_DRIVER, "evaluated %d", ++Evaluated);
    DbgPrint("wpp arguments evaluated %d time(s)\n", Evaluated);
    return RogueRegisterWith(DriverObject, RegistryPath, NULL, WppUnload);
}
