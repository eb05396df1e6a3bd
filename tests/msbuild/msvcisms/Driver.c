/* The PnP characteristics a hardware miniport sets from MiniportSetOptions (NetKVM's
 * ParaNdis6_SetOptions): NDIS calls MiniportAddDevice before MiniportInitializeEx, which
 * gets the context AddDevice registered, and MiniportRemoveDevice after. MiniportInitializeEx
 * fails on purpose: there is no hardware, and the failure path must remove the device too. */
#include <ndis.h>
#include "rogue.h"
#include "vlib.h"

int QuirksCheck(long Wide);

static int AddContext; /* its address is the context */

static MINIPORT_ADD_DEVICE PnpAddDevice;
static NDIS_STATUS PnpAddDevice(NDIS_HANDLE NdisMiniportHandle, NDIS_HANDLE MiniportDriverContext)
{
    UNREFERENCED_PARAMETER(MiniportDriverContext);
    NDIS_MINIPORT_ADAPTER_ATTRIBUTES Attributes;
    NdisZeroMemory(&Attributes, sizeof Attributes);
    Attributes.AddDeviceRegistrationAttributes.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES;
    Attributes.AddDeviceRegistrationAttributes.Header.Revision = NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES_REVISION_1;
    Attributes.AddDeviceRegistrationAttributes.Header.Size = NDIS_SIZEOF_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES_REVISION_1;
    Attributes.AddDeviceRegistrationAttributes.MiniportAddDeviceContext = &AddContext;
    NDIS_STATUS Status = NdisMSetMiniportAttributes(NdisMiniportHandle, &Attributes);
    DbgPrint("add device: 0x%08X\n", (unsigned)Status);
    return Status;
}

static MINIPORT_REMOVE_DEVICE PnpRemoveDevice;
static VOID PnpRemoveDevice(NDIS_HANDLE MiniportAddDeviceContext)
{
    DbgPrint("remove device: %s context\n", MiniportAddDeviceContext == &AddContext ? "its" : "another");
}

static MINIPORT_FILTER_RESOURCE_REQUIREMENTS PnpFilterResources;
static NDIS_STATUS PnpFilterResources(NDIS_HANDLE MiniportAddDeviceContext, PIRP Irp)
{
    UNREFERENCED_PARAMETER(MiniportAddDeviceContext); UNREFERENCED_PARAMETER(Irp);
    return NDIS_STATUS_SUCCESS;
}

static MINIPORT_INITIALIZE PnpInitialize;
static NDIS_STATUS PnpInitialize(NDIS_HANDLE h, NDIS_HANDLE c, PNDIS_MINIPORT_INIT_PARAMETERS p)
{
    UNREFERENCED_PARAMETER(h); UNREFERENCED_PARAMETER(c);
    DbgPrint("initialize: %s add-device context\n", p->MiniportAddDeviceContext == &AddContext ? "its" : "no");
    return NDIS_STATUS_ADAPTER_NOT_FOUND;
}

static SET_OPTIONS PnpSetOptions;
static NDIS_STATUS PnpSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext)
{
    UNREFERENCED_PARAMETER(DriverContext);
    NDIS_MINIPORT_PNP_CHARACTERISTICS Pnp;
    NdisZeroMemory(&Pnp, sizeof Pnp);
    Pnp.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_PNP_CHARACTERISTICS;
    Pnp.Header.Revision = NDIS_MINIPORT_PNP_CHARACTERISTICS_REVISION_1;
    Pnp.Header.Size = NDIS_SIZEOF_MINIPORT_PNP_CHARACTERISTICS_REVISION_1;
    Pnp.MiniportAddDeviceHandler = PnpAddDevice;
    Pnp.MiniportRemoveDeviceHandler = PnpRemoveDevice;
    Pnp.MiniportFilterResourceRequirementsHandler = PnpFilterResources;
    return NdisSetOptionalHandlers(NdisDriverHandle, (PNDIS_DRIVER_OPTIONAL_HANDLERS)&Pnp);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DbgPrint("msvcisms quirks %d vlib %d\n", QuirksCheck(0x10005), VlibValue());
    /* more arguments than registers and the twelve slots a fixed-arity wrapper forwards */
    DbgPrint("args %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
             14);
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
    Chars.SetOptionsHandler = PnpSetOptions;
    Chars.InitializeHandlerEx = PnpInitialize;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle);
}
