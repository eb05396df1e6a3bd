/* IRPs a driver allocates for the requests it makes of others (kernel sockets, lower drivers):
 * IoAllocateIrp, IoInitializeIrp, IoReuseIrp, IoFreeIrp, IoCancelIrp, and the completion
 * routines IofCompleteRequest runs when such an IRP is completed. The IRP comes from the
 * driver's pool, so one never freed is a leak at unload like any other allocation.
 *
 * Stack locations lie after the IRP; a new IRP has none current (CurrentLocation is
 * StackCount + 1): the caller fills the next one, and whoever serves the request makes it
 * current. Completion walks back up, calling each routine its caller set; one that returns
 * STATUS_MORE_PROCESSING_REQUIRED takes the IRP back and completion stops. */
#include <string.h>

#include "irp.h"
#include "ke.h"

/* IRP.AllocationFlags: an IRP of IoAllocateIrp (a bit Windows leaves to the I/O manager) */
#define KE_IRP_ALLOCATED 0x80

NTKERNELAPI VOID IoInitializeIrp(PIRP Irp, USHORT PacketSize, CCHAR StackSize)
{
    memset(Irp, 0, PacketSize);
    Irp->Type = 6; /* IO_TYPE_IRP */
    Irp->Size = PacketSize;
    Irp->StackCount = StackSize;
    Irp->CurrentLocation = (CHAR)(StackSize + 1);
    Irp->Tail.Overlay.CurrentStackLocation = (PIO_STACK_LOCATION)(Irp + 1) + StackSize;
    InitializeListHead(&Irp->ThreadListEntry);
}

NTKERNELAPI PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
    static const char fn[] = "IoAllocateIrp";
    const void *site = VF_CALLER;
    (void)ChargeQuota;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site))
        return NULL;
    if (StackSize < 1) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "StackSize %d: an IRP needs at least one stack location",
                     (int)StackSize);
        return NULL;
    }
    USHORT size = IoSizeOfIrp(StackSize);
    PIRP irp = ke_ex_alloc(size, 0x20707249 /* "Irp " */, site, fn);
    if (irp == NULL)
        return NULL;
    IoInitializeIrp(irp, size, StackSize);
    irp->AllocationFlags = KE_IRP_ALLOCATED;
    return irp;
}

static bool ke_irp_allocated(PIRP irp, const char *fn, const void *site)
{
    if (ke_pool_live(irp) && (irp->AllocationFlags & KE_IRP_ALLOCATED))
        return true;
    vf_violation(VF_FREE_INVALID, fn, site, "%p is not a live IRP from IoAllocateIrp", (void *)irp);
    return false;
}

NTKERNELAPI VOID IoReuseIrp(PIRP Irp, NTSTATUS Iostatus)
{
    static const char fn[] = "IoReuseIrp";
    const void *site = VF_CALLER;
    if (!ke_irp_allocated(Irp, fn, site))
        return;
    if (Irp->CancelRoutine != NULL)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "IRP %p still has a cancel routine: it is still with whoever it was sent to", (void *)Irp);
    UCHAR flags = Irp->AllocationFlags;
    IoInitializeIrp(Irp, Irp->Size, Irp->StackCount);
    Irp->AllocationFlags = flags;
    Irp->IoStatus.Status = Iostatus;
}

NTKERNELAPI VOID IoFreeIrp(PIRP Irp)
{
    static const char fn[] = "IoFreeIrp";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (!ke_irp_allocated(Irp, fn, site))
        return;
    if (Irp->CancelRoutine != NULL)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "IRP %p freed while it still has a cancel routine: it is still with whoever it was sent to",
                     (void *)Irp);
    Irp->AllocationFlags = 0;
    ke_pool_free(Irp);
}

NTKERNELAPI BOOLEAN IoCancelIrp(PIRP Irp)
{
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(DISPATCH_LEVEL, "IoCancelIrp", site))
        return FALSE;
    KIRQL irql;
    IoAcquireCancelSpinLock(&irql);
    Irp->Cancel = TRUE;
    PDRIVER_CANCEL routine = IoSetCancelRoutine(Irp, NULL);
    if (routine == NULL) {
        IoReleaseCancelSpinLock(irql);
        return FALSE;
    }
    Irp->CancelIrql = irql;
    PDEVICE_OBJECT device =
        Irp->CurrentLocation <= Irp->StackCount ? IoGetCurrentIrpStackLocation(Irp)->DeviceObject : NULL;
    KE_DRIVER_CALL(routine, device, Irp); /* releases the cancel spin lock */
    ke_irql_after_handler(irql, "Cancel", (const void *)routine);
    return TRUE;
}

bool ke_irp_run_completions(PIRP Irp, const void *site)
{
    NTSTATUS status = Irp->IoStatus.Status;
    while (Irp->CurrentLocation <= Irp->StackCount) {
        PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(Irp);
        Irp->PendingReturned = (sl->Control & SL_PENDING_RETURNED) != 0;
        PIO_COMPLETION_ROUTINE routine = sl->CompletionRoutine;
        PVOID context = sl->Context;
        UCHAR control = sl->Control;
        IoSkipCurrentIrpStackLocation(Irp);
        /* the routine's caller is the location above, if it has one */
        PDEVICE_OBJECT caller =
            Irp->CurrentLocation <= Irp->StackCount ? IoGetCurrentIrpStackLocation(Irp)->DeviceObject : NULL;
        bool invoke = routine != NULL && ((NT_SUCCESS(status) && (control & SL_INVOKE_ON_SUCCESS)) ||
                                          (!NT_SUCCESS(status) && (control & SL_INVOKE_ON_ERROR)) ||
                                          (Irp->Cancel && (control & SL_INVOKE_ON_CANCEL)));
        if (!invoke) {
            if (Irp->PendingReturned && Irp->CurrentLocation <= Irp->StackCount)
                IoMarkIrpPending(Irp);
            continue;
        }
        KIRQL irql = ke_irql();
        NTSTATUS r = KE_DRIVER_CALL(routine, caller, Irp, context);
        ke_irql_after_handler(irql, "IoCompletion", (const void *)routine);
        if (r == STATUS_MORE_PROCESSING_REQUIRED)
            return false; /* the routine has it back */
    }
    if (Irp->AllocationFlags & KE_IRP_ALLOCATED) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "IoCompleteRequest", site,
                     "IRP %p from IoAllocateIrp ran out of completion routines: the last one must return "
                     "STATUS_MORE_PROCESSING_REQUIRED and free or reuse it, since no thread owns it",
                     (void *)Irp);
        return false;
    }
    return true;
}
