/* The WDK helper headers as driver source uses them: ntstrsafe.h on UNICODE_STRINGs,
 * ntintsafe.h size arithmetic, wdmsec.h's IoCreateDeviceSecure with a predefined SDDL
 * string. Must compile with gcc and clang under -Wall -Wextra -Werror. */
#include <ndis.h>
#include <ntintsafe.h>
#include <ntstrsafe.h>
#include <wdmsec.h>

static PCUNICODE_STRING DeviceSddl = &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX;

NTSTATUS MakeControlDevice(PDRIVER_OBJECT DriverObject, ULONG Index, PDEVICE_OBJECT *Device);

_Use_decl_annotations_
NTSTATUS MakeControlDevice(PDRIVER_OBJECT DriverObject, ULONG Index, PDEVICE_OBJECT *Device)
{
    WCHAR nameBuffer[64];
    UNICODE_STRING name = { 0, sizeof(nameBuffer), nameBuffer };
    SIZE_T bytes;
    ULONG size;
    NTSTATUS status = RtlSizeTMult(sizeof(WCHAR), 64, &bytes);
    if (!NT_SUCCESS(status) || !NT_SUCCESS(status = RtlSIZETToULong(bytes, &size)))
        return status;
    status = RtlUnicodeStringPrintf(&name, L"\\Device\\Ctl%lu", Index);
    if (!NT_SUCCESS(status))
        return status;
    status = RtlUnicodeStringCatString(&name, L"-x");
    if (!NT_SUCCESS(status))
        return status;
    return IoCreateDeviceSecure(DriverObject, size, &name, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN, FALSE,
                                DeviceSddl, NULL, Device);
}
