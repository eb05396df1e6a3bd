/* OpenNDIS: wdmsec.h — device objects with a security descriptor given in SDDL, and the
 * SDDL strings the WDK predefines for them (values from "SDDL for Device Objects"). Drivers
 * pass these to IoCreateDeviceSecure, or to NdisRegisterDeviceEx through
 * NDIS_DEVICE_OBJECT_ATTRIBUTES.DefaultSDDLString. */
#ifndef OPENNDIS_WDMSEC_H
#define OPENNDIS_WDMSEC_H

#include <wdm.h>

OPENNDIS_EXTERN_C_BEGIN

/* u"" literals are UTF-16 whether or not the includer builds with -fshort-wchar. Each
 * translation unit gets its own copy; drivers only take their address. */
#define OPENNDIS_SDDL(name, text) \
    static const UNICODE_STRING name __attribute__((unused)) = RTL_CONSTANT_STRING(u"" text)

OPENNDIS_SDDL(SDDL_DEVOBJ_KERNEL_ONLY, "D:P");
OPENNDIS_SDDL(SDDL_DEVOBJ_SYS_ALL, "D:P(A;;GA;;;SY)");
OPENNDIS_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_ALL, "D:P(A;;GA;;;SY)(A;;GA;;;BA)");
OPENNDIS_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RX, "D:P(A;;GA;;;SY)(A;;GRGX;;;BA)");
OPENNDIS_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R, "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)");
OPENNDIS_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R, "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)");
OPENNDIS_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R, "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)");
OPENNDIS_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX,
              "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)");
#undef OPENNDIS_SDDL

/* IoCreateDevice with a security descriptor in SDDL (required; an unparsable one gives
 * STATUS_INVALID_PARAMETER). DeviceClassGuid is accepted and not used. */
NTKERNELAPI NTSTATUS IoCreateDeviceSecure(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                                          PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
                                          ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                                          PCUNICODE_STRING DefaultSDDLString, LPCGUID DeviceClassGuid,
                                          PDEVICE_OBJECT *DeviceObject);

OPENNDIS_EXTERN_C_END

#endif /* OPENNDIS_WDMSEC_H */
