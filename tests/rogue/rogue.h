/* Deliberately broken NDIS 6 miniports, one per rule or failing status. Each file's header
 * says what it does wrong and what OpenNDIS must report. */
#ifndef ROGUE_H
#define ROGUE_H

#include <ndis.h>

extern NDIS_HANDLE RogueHandle;

/* A valid NDIS 6.0 characteristics structure whose unload handler deregisters RogueHandle.
 * Rogues start from it and break one thing. */
VOID RogueCharacteristics(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars);
NDIS_STATUS RogueRegister(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);
/* The same with this MiniportSetOptions and (if not NULL) this MiniportDriverUnload. */
NDIS_STATUS RogueRegisterWith(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath,
                              SET_OPTIONS_HANDLER SetOptions, MINIPORT_DRIVER_UNLOAD Unload);

/* RogueRegister plus a control device \Device\Rogue (link \DosDevices\Rogue) with this
 * dispatch table and DEVICE_OBJECT flags (DO_BUFFERED_IO, DO_DIRECT_IO); the unload handler
 * deregisters both. */
NDIS_STATUS RogueRegisterWithDevice(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath,
                                    PDRIVER_DISPATCH *MajorFunctions, ULONG DeviceFlags);
/* Sets the IRP's status block and completes it; returns Status. */
NTSTATUS RogueCompleteIrp(PIRP Irp, NTSTATUS Status, ULONG_PTR Information);

/* Valid timer characteristics with a callback that does nothing. */
VOID RogueTimerCharacteristics(PNDIS_TIMER_CHARACTERISTICS Tc);

/* Registration attributes naming Context, and 802.3 general attributes: MTU 1500, link up,
 * this MAC address and these OIDs. */
NDIS_STATUS RogueSetBasicAttributes(NDIS_HANDLE AdapterHandle, NDIS_HANDLE Context, const UCHAR *Mac, PNDIS_OID Oids,
                                    ULONG OidsLength);

/* The receive pool of the rogues that reflect what they are sent: NBLs with a NET_BUFFER
 * and ROGUE_FRAME_MAX bytes of data each. */
#define ROGUE_FRAME_MAX 1514
NDIS_HANDLE RogueReceivePool(NDIS_HANDLE AdapterHandle, ULONG Tag);
/* A copy of the sent frame in an NBL from that pool (its data at *Data), or NULL when it has
 * fewer than MinLength or more than ROGUE_FRAME_MAX bytes or cannot be made. */
PNET_BUFFER_LIST RogueCopyFrame(NDIS_HANDLE Pool, NDIS_HANDLE AdapterHandle, PNET_BUFFER Nb, ULONG MinLength,
                                PUCHAR *Data);

/* Completes a send at once, every NBL successful: for test devices without a wire. */
VOID RogueCompleteSends(NDIS_HANDLE AdapterHandle, PNET_BUFFER_LIST Nbls);

/* Hardware test miniports: line-based interrupt characteristics with these two handlers
 * (the disable and enable handlers do nothing: the test devices need no masking), and a
 * 64-bit scatter/gather DMA description. */
VOID RogueInterruptCharacteristics(PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS Chars, MINIPORT_ISR_HANDLER Isr,
                                   MINIPORT_INTERRUPT_DPC_HANDLER Dpc);
VOID RogueSgDmaDescription(PNDIS_SG_DMA_DESCRIPTION Dma, ULONG MaximumPhysicalMapping,
                           MINIPORT_PROCESS_SG_LIST_HANDLER ProcessSGList);

MINIPORT_UNLOAD RogueUnload;
MINIPORT_CHECK_FOR_HANG RogueCheckForHang;
MINIPORT_DIRECT_OID_REQUEST RogueDirectOidRequest;
/* Frees every NBL NDIS returns (rogues indicate NBLs from their own pools); RogueCharacteristics sets it. */
MINIPORT_RETURN_NET_BUFFER_LISTS RogueReturnNetBufferLists;

#endif
