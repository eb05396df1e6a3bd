/* OpenNDIS: reading an adapter's or driver's configuration (the registry on Windows; a
 * parameter file here, see docs/configuration.md). */
#ifndef OPENNDIS_NDIS_CONFIG_H
#define OPENNDIS_NDIS_CONFIG_H

#include <ndis/miniport.h>

OPENNDIS_EXTERN_C_BEGIN

typedef enum _NDIS_PARAMETER_TYPE {
    NdisParameterInteger,
    NdisParameterHexInteger,
    NdisParameterString,
    NdisParameterMultiString,
    NdisParameterBinary
} NDIS_PARAMETER_TYPE, *PNDIS_PARAMETER_TYPE;

typedef struct {
    USHORT Length;
    PVOID Buffer;
} BINARY_DATA;

typedef struct _NDIS_CONFIGURATION_PARAMETER {
    NDIS_PARAMETER_TYPE ParameterType;
    union {
        ULONG IntegerData;
        NDIS_STRING StringData;
        BINARY_DATA BinaryData;
    } ParameterData;
} NDIS_CONFIGURATION_PARAMETER, *PNDIS_CONFIGURATION_PARAMETER;

#define NDIS_CONFIGURATION_OBJECT_REVISION_1 1
#define NDIS_CONFIG_FLAG_FILTER_INSTANCE_CONFIGURATION 0x00000001
typedef struct _NDIS_CONFIGURATION_OBJECT {
    NDIS_OBJECT_HEADER Header;
    NDIS_HANDLE NdisHandle;
    ULONG Flags;
} NDIS_CONFIGURATION_OBJECT, *PNDIS_CONFIGURATION_OBJECT;
#define NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_CONFIGURATION_OBJECT, Flags)

NDISAPI NDIS_STATUS NdisOpenConfigurationEx(PNDIS_CONFIGURATION_OBJECT ConfigObject, PNDIS_HANDLE ConfigurationHandle);
NDISAPI VOID NdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle);
NDISAPI VOID NdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                                   NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                                   NDIS_PARAMETER_TYPE ParameterType);
NDISAPI VOID NdisWriteConfiguration(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                                    PNDIS_CONFIGURATION_PARAMETER ParameterValue);
NDISAPI VOID NdisReadNetworkAddress(PNDIS_STATUS Status, PVOID *NetworkAddress, PUINT NetworkAddressLength,
                                    NDIS_HANDLE ConfigurationHandle);

/* A subkey of an open configuration key: subkeys are not kept (configuration.md), so the
 * status is NDIS_STATUS_FAILURE and the call says why. */
NDISAPI VOID NdisOpenConfigurationKeyByName(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, PNDIS_STRING SubKeyName,
                                            PNDIS_HANDLE SubKeyHandle);

OPENNDIS_EXTERN_C_END

C_ASSERT(sizeof(NDIS_CONFIGURATION_PARAMETER) == 0x18 && offsetof(NDIS_CONFIGURATION_PARAMETER, ParameterData) == 8);
C_ASSERT(sizeof(NDIS_CONFIGURATION_OBJECT) == 0x18);

#endif /* OPENNDIS_NDIS_CONFIG_H */
