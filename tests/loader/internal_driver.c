/* A driver that reaches for OpenNDIS's internals: ndis_adapter_send is a host function of
 * the runtime, not part of the driver interface (docs/exports.md). */
#include <ndis.h>

struct ndis_adapter;
void ndis_adapter_send(struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls);

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    void (*volatile send)(struct ndis_adapter *, PNET_BUFFER_LIST) = ndis_adapter_send;
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return send != NULL ? STATUS_NOT_SUPPORTED : STATUS_SUCCESS; /* never calls it */
}
