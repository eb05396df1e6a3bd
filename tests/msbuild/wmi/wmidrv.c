/* A driver that includes the header its .mof gives (wmidrvmof.h) and maps its custom GUIDs to
 * OIDs as NDIS drivers do (NDIS_GUID, OID_GEN_SUPPORTED_GUIDS): the structures' layout
 * follows WmiDataId order, the sizes end at the last fixed member. */
#include <ndis.h>
#include <initguid.h>
#include "wmidrvmof.h"
#include "rogue.h"

C_ASSERT(FIELD_OFFSET(WmiDrv_Config, Queues) == 0 && FIELD_OFFSET(WmiDrv_Config, Mode) == 4);
C_ASSERT(WmiDrv_Config_Queues_ID == 1 && WmiDrv_Config_Mode_ID == 2 && WmiDrv_Config_Mac_ID == 4);
C_ASSERT(WmiDrv_Config_Mac_SIZE == 6 && WmiDrv_Config_SIZE == FIELD_OFFSET(WmiDrv_Config, Mac) + 6);
C_ASSERT(WmiDrv_Diag_counters_SIZE == sizeof(WmiDrv_Counters) && WmiDrv_Counters_SIZE == 8);

static const NDIS_GUID SupportedGuids[] = {
    {WmiDrv_ConfigGuid, {0xFF010001}, WmiDrv_Config_SIZE, fNDIS_GUID_TO_OID | fNDIS_GUID_ALLOW_READ},
    {WmiDrv_DiagGuid, {0xFF010002}, WmiDrv_Diag_SIZE, fNDIS_GUID_TO_OID | fNDIS_GUID_ALLOW_READ},
};

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DbgPrint("wmi: %u GUIDs, config %u bytes, first %08x, defined %08x\n", (unsigned)ARRAYSIZE(SupportedGuids),
             (unsigned)WmiDrv_Config_SIZE, (unsigned)SupportedGuids[0].Guid.Data1, (unsigned)WmiDrv_Diag_GUID.Data1);
    return RogueRegister(DriverObject, RegistryPath);
}
