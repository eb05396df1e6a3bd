/* Nested failures inside the success branch of the registration, an unload routine that never
 * deregisters, a handler that is already NDIS 6, and NDIS 5.x calls elsewhere in the file. */
#define NDIS51_MINIPORT 1 /* expect port-build-define */
#include <ndis.h>

NDIS_HANDLE GlobalWrapper;
NDIS_HANDLE AdapterHandle;

NDIS_STATUS CreateA(void);
NDIS_STATUS CreateB(void);
VOID FreeA(void);
MINIPORT_INITIALIZE MPInitializeEx;
MINIPORT_PAUSE MPPause;

VOID MPUnload(PDRIVER_OBJECT DriverObject) /* expect port-unload-deregister */
{
    UNREFERENCED_PARAMETER(DriverObject);
    FreeA();
}

VOID MPSendDone(PNDIS_PACKET Packet) /* expect port-send-receive */
{
    NdisMSendComplete(AdapterHandle, Packet, NDIS_STATUS_SUCCESS); /* expect port-send-receive */
}

VOID MPSetup(NDIS_HANDLE Context)
{
    PVOID Block;
    NdisMSetAttributesEx(AdapterHandle, Context, 0, 0, 0); /* expect port-attributes */
    if (NdisAllocateMemory(&Block, 64, 0, NDIS_PHYSICAL_ADDRESS_CONST(-1, -1)) != NDIS_STATUS_SUCCESS) /* expect port-memory */
        return;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status;
    NDIS_MINIPORT_CHARACTERISTICS Ch; /* expect port-characteristics */

    NdisMInitializeWrapper(&GlobalWrapper, DriverObject, RegistryPath, NULL); /* expect port-initialize-wrapper */
    NdisZeroMemory(&Ch, sizeof(Ch));
    Ch.MajorNdisVersion = 5; /* expect port-characteristics */
    Ch.MinorNdisVersion = 1; /* expect port-characteristics */
    Ch.InitializeHandler = MPInitializeEx; /* expect port-handler */

    Status = NdisMRegisterMiniport(GlobalWrapper, &Ch, sizeof(Ch)); /* expect port-register-miniport port-required-handler */
    if (Status == NDIS_STATUS_SUCCESS) {
        NdisMRegisterUnloadHandler(GlobalWrapper, MPUnload); /* expect port-unload-handler */
        if (CreateA() != NDIS_STATUS_SUCCESS) {
            return NDIS_STATUS_RESOURCES; /* expect port-missing-deregister */
        } else if (CreateB() != NDIS_STATUS_SUCCESS) {
            FreeA();
            NdisTerminateWrapper(GlobalWrapper, NULL); /* expect port-terminate-wrapper */
            return NDIS_STATUS_FAILURE;
        }
    } else {
        NdisTerminateWrapper(GlobalWrapper, NULL); /* expect port-terminate-wrapper */
    }
    return Status;
}
