/* A driver whose DriverEntry catches an exception in __try/__except and returns the
 * caught status: it imports the SEH helpers of excpt.h and nothing that needs registering. */
#include <ndis.h>

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    volatile NTSTATUS status = STATUS_SUCCESS;
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    __try {
        ExRaiseStatus(STATUS_DEVICE_NOT_READY);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}
