/* ND1009 InvalidMiniportCharacteristics, one driver per check of NdisMRegisterMiniportDriver.
 * Built once per BREAK_* macro (tests/CMakeLists.txt); each breaks exactly one thing and
 * DriverEntry returns the status NDIS gave back. The expected status is in the comment.
 * Rogues are built for NDIS 6.80 so every revision's fields exist; RogueCharacteristics()
 * still fills a revision 1, NDIS 6.0 structure. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
#if defined(BREAK_TYPE) /* NDIS_STATUS_BAD_CHARACTERISTICS */
    Chars.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
#elif defined(BREAK_REVISION) /* NDIS_STATUS_BAD_CHARACTERISTICS */
    Chars.Header.Revision = 4;
#elif defined(BREAK_SIZE) /* NDIS_STATUS_BAD_CHARACTERISTICS */
    Chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 - sizeof(PVOID);
#elif defined(BREAK_MAJOR) /* NDIS_STATUS_BAD_VERSION */
    Chars.MajorNdisVersion = 5;
#elif defined(BREAK_MINOR) /* NDIS_STATUS_BAD_VERSION */
    Chars.MinorNdisVersion = 7;
#elif defined(BREAK_REVISION_TOO_NEW) /* NDIS_STATUS_BAD_CHARACTERISTICS: REV_3 is 6.80's */
    Chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3;
    Chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3;
    Chars.MinorNdisVersion = 30;
#elif defined(BREAK_NO_UNLOAD) /* NDIS_STATUS_BAD_CHARACTERISTICS: the seed's rule */
    Chars.UnloadHandler = NULL;
#elif defined(BREAK_NO_PAUSE) /* NDIS_STATUS_BAD_CHARACTERISTICS */
    Chars.PauseHandler = NULL;
#elif defined(BREAK_HANG_WITHOUT_RESET) /* NDIS_STATUS_BAD_CHARACTERISTICS */
    Chars.CheckForHangHandlerEx = RogueCheckForHang;
#elif defined(BREAK_DIRECT_OID_UNPAIRED) /* NDIS_STATUS_BAD_CHARACTERISTICS */
    Chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars.MinorNdisVersion = 20;
    Chars.DirectOidRequestHandler = RogueDirectOidRequest;
#elif defined(BREAK_RESERVED_FLAGS) /* NDIS_STATUS_BAD_CHARACTERISTICS */
    Chars.Flags = NDIS_DRIVER_FLAGS_RESERVED;
#else
#error "build with one BREAK_* macro"
#endif
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle); /* expect ND1009: rogue_bad_* */
}
