/* The adapter's event log (NdisWriteErrorLogEntry), printed as OpenNDIS's log lines, and the
 * requests a miniport makes of the PnP manager or of its configuration that OpenNDIS does not
 * serve: each reports itself and fails as its DDI page allows. */
#include <stdarg.h>
#include <stdio.h>

#include "ndis.h"

static const char *ndis_error_code_name(ULONG code)
{
    static const struct {
        ULONG code;
        const char *name;
    } names[] = {
        {NDIS_ERROR_CODE_RESOURCE_CONFLICT, "RESOURCE_CONFLICT"},
        {NDIS_ERROR_CODE_OUT_OF_RESOURCES, "OUT_OF_RESOURCES"},
        {NDIS_ERROR_CODE_HARDWARE_FAILURE, "HARDWARE_FAILURE"},
        {NDIS_ERROR_CODE_ADAPTER_NOT_FOUND, "ADAPTER_NOT_FOUND"},
        {NDIS_ERROR_CODE_INTERRUPT_CONNECT, "INTERRUPT_CONNECT"},
        {NDIS_ERROR_CODE_DRIVER_FAILURE, "DRIVER_FAILURE"},
        {NDIS_ERROR_CODE_BAD_VERSION, "BAD_VERSION"},
        {NDIS_ERROR_CODE_TIMEOUT, "TIMEOUT"},
        {NDIS_ERROR_CODE_NETWORK_ADDRESS, "NETWORK_ADDRESS"},
        {NDIS_ERROR_CODE_UNSUPPORTED_CONFIGURATION, "UNSUPPORTED_CONFIGURATION"},
        {NDIS_ERROR_CODE_INVALID_VALUE_FROM_ADAPTER, "INVALID_VALUE_FROM_ADAPTER"},
        {NDIS_ERROR_CODE_MISSING_CONFIGURATION_PARAMETER, "MISSING_CONFIGURATION_PARAMETER"},
        {NDIS_ERROR_CODE_BAD_IO_BASE_ADDRESS, "BAD_IO_BASE_ADDRESS"},
        {NDIS_ERROR_CODE_RECEIVE_SPACE_SMALL, "RECEIVE_SPACE_SMALL"},
        {NDIS_ERROR_CODE_ADAPTER_DISABLED, "ADAPTER_DISABLED"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].code == code)
            return names[i].name;
    return NULL;
}

NDISAPI VOID NdisWriteErrorLogEntry(NDIS_HANDLE NdisAdapterHandle, ULONG ErrorCode, ULONG NumberOfErrorValues, ...)
{
    static const char fn[] = "NdisWriteErrorLogEntry";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(NdisAdapterHandle, fn, site);
    const char *name = ndis_error_code_name(ErrorCode);
    char line[512];
    int n = snprintf(line, sizeof line, "[errorlog] adapter %d: NDIS_ERROR_CODE_%s (0x%08X)", a ? (int)a->index : -1,
                     name ? name : "?", (unsigned)ErrorCode);
    va_list ap;
    va_start(ap, NumberOfErrorValues);
    for (ULONG i = 0; i < NumberOfErrorValues && i < 16 && n > 0 && (size_t)n < sizeof line; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, "%s0x%08X", i ? ", " : " values ", va_arg(ap, unsigned));
    va_end(ap);
    fprintf(stderr, "%s\n", line);
}

NDISAPI NDIS_STATUS NdisMRemoveMiniport(NDIS_HANDLE MiniportAdapterHandle)
{
    (void)MiniportAdapterHandle;
    ke_unsupported("NdisMRemoveMiniport", "OpenNDIS removes no adapter on a driver's request", VF_CALLER);
    return NDIS_STATUS_FAILURE;
}

NDISAPI PNET_BUFFER_LIST NdisAllocateCloneNetBufferList(PNET_BUFFER_LIST OriginalNetBufferList,
                                                        NDIS_HANDLE NetBufferListPoolHandle,
                                                        NDIS_HANDLE NetBufferPoolHandle, ULONG AllocateCloneFlags)
{
    (void)OriginalNetBufferList, (void)NetBufferListPoolHandle, (void)NetBufferPoolHandle, (void)AllocateCloneFlags;
    ke_unsupported("NdisAllocateCloneNetBufferList", "NET_BUFFER_LIST clones are not provided yet", VF_CALLER);
    return NULL;
}

NDISAPI VOID NdisFreeCloneNetBufferList(PNET_BUFFER_LIST CloneNetBufferList, ULONG FreeCloneFlags)
{
    (void)CloneNetBufferList, (void)FreeCloneFlags;
    ke_unsupported("NdisFreeCloneNetBufferList", "NET_BUFFER_LIST clones are not provided yet", VF_CALLER);
}
