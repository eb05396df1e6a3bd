/* A driver that changes its own configuration, for `run --write-config` (tests/scripts/
 * config_write.sh): through its service key (ZwSetValueKey, ZwDeleteValueKey) and through
 * NdisWriteConfiguration (through its Parameters subkey, as NetKVM opens it), values of each
 * registry type the parameter file can hold, and one it cannot. It prints what it read, so a second run shows the first run's values came back. */
#include "../rogue/rogue.h"

static NTSTATUS SetValue(HANDLE Key, PCWSTR Name, ULONG Type, const void *Data, ULONG Size)
{
    UNICODE_STRING N;
    RtlInitUnicodeString(&N, Name);
    return ZwSetValueKey(Key, &N, 0, Type, (PVOID)Data, Size);
}

static ULONG ReadDword(HANDLE Key, PCWSTR Name)
{
    UNICODE_STRING N;
    RtlInitUnicodeString(&N, Name);
    UCHAR Buffer[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + 16];
    PKEY_VALUE_PARTIAL_INFORMATION Info = (PKEY_VALUE_PARTIAL_INFORMATION)Buffer;
    ULONG Got, Value = 0;
    if (NT_SUCCESS(ZwQueryValueKey(Key, &N, KeyValuePartialInformation, Info, sizeof Buffer, &Got)) &&
        Info->Type == REG_DWORD && Info->DataLength == sizeof Value)
        RtlCopyMemory(&Value, Info->Data, sizeof Value);
    return Value;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (!NT_SUCCESS(Status))
        return Status;
    OBJECT_ATTRIBUTES Oa;
    HANDLE Key;
    InitializeObjectAttributes(&Oa, RegistryPath, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    if (!NT_SUCCESS(ZwOpenKey(&Key, KEY_READ | KEY_SET_VALUE, &Oa))) {
        NdisMDeregisterMiniportDriver(RogueHandle);
        return STATUS_UNSUCCESSFUL;
    }
    ULONG Runs = ReadDword(Key, L"Runs");
    DbgPrint("runs before: %u\n", (unsigned)Runs);
    Runs++;
    static const UCHAR Blob[] = { 0x00, 0xa1, 0xff };
    static const WCHAR Names[] = L"alpha\0beta\0";
    static const WCHAR Looks[] = L"dword:7";
    static const WCHAR Broken[] = L"two\nlines";
    SetValue(Key, L"Runs", REG_DWORD, &Runs, sizeof Runs);
    SetValue(Key, L"Blob", REG_BINARY, Blob, sizeof Blob);
    SetValue(Key, L"Names", REG_MULTI_SZ, Names, sizeof Names);
    SetValue(Key, L"Looks", REG_SZ, Looks, sizeof Looks);
    SetValue(Key, L"Broken", REG_SZ, Broken, sizeof Broken);
    UNICODE_STRING Obsolete;
    RtlInitUnicodeString(&Obsolete, L"Obsolete");
    ZwDeleteValueKey(Key, &Obsolete);
    ZwClose(Key);

    /* and through NDIS, as a miniport does */
    NDIS_CONFIGURATION_OBJECT Co = { { NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT, NDIS_CONFIGURATION_OBJECT_REVISION_1,
                                       NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1 }, RogueHandle, 0 };
    NDIS_HANDLE Config;
    if (NdisOpenConfigurationEx(&Co, &Config) == NDIS_STATUS_SUCCESS) {
        /* as NetKVM does: its Parameters subkey, which is the same values */
        NDIS_STRING Parameters = NDIS_STRING_CONST("Parameters"), Other = NDIS_STRING_CONST("Other");
        NDIS_HANDLE Sub = NULL, None = NULL;
        NdisOpenConfigurationKeyByName(&Status, Config, &Parameters, &Sub);
        DbgPrint("subkey Parameters: 0x%08X\n", (unsigned)Status);
        NdisOpenConfigurationKeyByName(&Status, Config, &Other, &None);
        DbgPrint("subkey Other: 0x%08X\n", (unsigned)Status);
        NDIS_STRING Keyword = NDIS_STRING_CONST("Mode");
        NDIS_CONFIGURATION_PARAMETER P;
        NdisZeroMemory(&P, sizeof P);
        P.ParameterType = NdisParameterInteger;
        P.ParameterData.IntegerData = 42;
        NdisWriteConfiguration(&Status, Sub != NULL ? Sub : Config, &Keyword, &P);
        if (Sub != NULL)
            NdisCloseConfiguration(Sub);
        NdisCloseConfiguration(Config);
    }
    return STATUS_SUCCESS;
}
