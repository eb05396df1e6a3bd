/* The cancel-safe IRP queue (IoCsq*). Requests, files and completion are in irp.c, device
 * objects and symbolic links in device.c. */
#include <wdmsec.h>

#include "ke.h"

/* ---- cancel-safe queue. The queue, its lock and its cancel handling are the driver's (six
 * callbacks); the IRP's cancel routine here finds the queue through the context stored in
 * the IRP, as Windows does with DriverContext[3]. ------------------------------------------ */
#define KE_CSQ_TYPE 0x00000001u
#define KE_CSQ_CONTEXT_TYPE 0x00000002u
#define KE_CSQ_IRP_CONTEXT(irp) ((irp)->Tail.Overlay.DriverContext[3])

static VOID ke_csq_cancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    (void)DeviceObject;
    IoReleaseCancelSpinLock(Irp->CancelIrql); /* the queue's own lock guards it, not this one */
    PVOID ctx = KE_CSQ_IRP_CONTEXT(Irp);
    PIO_CSQ csq = ctx;
    PIO_CSQ_IRP_CONTEXT irp_ctx = NULL;
    if (ctx != NULL && *(ULONG *)ctx == KE_CSQ_CONTEXT_TYPE) {
        irp_ctx = ctx;
        csq = irp_ctx->Csq;
    }
    KIRQL irql;
    KE_DRIVER_CALL(csq->CsqAcquireLock, csq, &irql);
    KE_DRIVER_CALL(csq->CsqRemoveIrp, csq, Irp);
    if (irp_ctx != NULL)
        irp_ctx->Irp = NULL;
    KE_CSQ_IRP_CONTEXT(Irp) = NULL;
    KE_DRIVER_CALL(csq->CsqReleaseLock, csq, irql);
    KE_DRIVER_CALL(csq->CsqCompleteCanceledIrp, csq, Irp);
}

NTKERNELAPI NTSTATUS IoCsqInitialize(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                                     PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                                     PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                                     PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    ke_irql_at_most(DISPATCH_LEVEL, "IoCsqInitialize", VF_CALLER);
    *Csq = (IO_CSQ){ .Type = KE_CSQ_TYPE,
                     .CsqInsertIrp = CsqInsertIrp,
                     .CsqRemoveIrp = CsqRemoveIrp,
                     .CsqPeekNextIrp = CsqPeekNextIrp,
                     .CsqAcquireLock = CsqAcquireLock,
                     .CsqReleaseLock = CsqReleaseLock,
                     .CsqCompleteCanceledIrp = CsqCompleteCanceledIrp };
    return STATUS_SUCCESS;
}

NTKERNELAPI VOID IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, "IoCsqInsertIrp", site);
    if (Csq->Type != KE_CSQ_TYPE) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "IoCsqInsertIrp", site, "IO_CSQ %p was not set up by IoCsqInitialize",
                     (void *)Csq);
        return;
    }
    KIRQL irql;
    KE_DRIVER_CALL(Csq->CsqAcquireLock, Csq, &irql);
    if (Context != NULL) {
        *Context = (IO_CSQ_IRP_CONTEXT){ .Type = KE_CSQ_CONTEXT_TYPE, .Irp = Irp, .Csq = Csq };
        KE_CSQ_IRP_CONTEXT(Irp) = Context;
    } else {
        KE_CSQ_IRP_CONTEXT(Irp) = Csq;
    }
    KE_DRIVER_CALL(Csq->CsqInsertIrp, Csq, Irp);
    IoMarkIrpPending(Irp); /* the documented order: lock, insert, mark pending, unlock */
    (void)IoSetCancelRoutine(Irp, ke_csq_cancel);
    if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
        /* cancelled before it was queued: take it back out and complete it as cancelled */
        KE_DRIVER_CALL(Csq->CsqRemoveIrp, Csq, Irp);
        if (Context != NULL)
            Context->Irp = NULL;
        KE_CSQ_IRP_CONTEXT(Irp) = NULL;
        KE_DRIVER_CALL(Csq->CsqReleaseLock, Csq, irql);
        KE_DRIVER_CALL(Csq->CsqCompleteCanceledIrp, Csq, Irp);
        return;
    }
    KE_DRIVER_CALL(Csq->CsqReleaseLock, Csq, irql);
}

/* Takes an IRP out unless its cancellation already owns it (the cancel routine is gone). */
static bool ke_csq_claim(PIO_CSQ csq, PIRP irp)
{
    if (IoSetCancelRoutine(irp, NULL) == NULL)
        return false;
    KE_DRIVER_CALL(csq->CsqRemoveIrp, csq, irp);
    PVOID ctx = KE_CSQ_IRP_CONTEXT(irp);
    if (ctx != NULL && *(ULONG *)ctx == KE_CSQ_CONTEXT_TYPE)
        ((PIO_CSQ_IRP_CONTEXT)ctx)->Irp = NULL;
    KE_CSQ_IRP_CONTEXT(irp) = NULL;
    return true;
}

NTKERNELAPI PIRP IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext)
{
    ke_irql_at_most(DISPATCH_LEVEL, "IoCsqRemoveNextIrp", VF_CALLER);
    KIRQL irql;
    KE_DRIVER_CALL(Csq->CsqAcquireLock, Csq, &irql);
    PIRP irp = KE_DRIVER_CALL(Csq->CsqPeekNextIrp, Csq, NULL, PeekContext);
    while (irp != NULL && !ke_csq_claim(Csq, irp))
        irp = KE_DRIVER_CALL(Csq->CsqPeekNextIrp, Csq, irp, PeekContext);
    KE_DRIVER_CALL(Csq->CsqReleaseLock, Csq, irql);
    return irp;
}

NTKERNELAPI PIRP IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context)
{
    ke_irql_at_most(DISPATCH_LEVEL, "IoCsqRemoveIrp", VF_CALLER);
    KIRQL irql;
    KE_DRIVER_CALL(Csq->CsqAcquireLock, Csq, &irql);
    PIRP irp = Context->Irp;
    if (irp != NULL && !ke_csq_claim(Csq, irp))
        irp = NULL;
    KE_DRIVER_CALL(Csq->CsqReleaseLock, Csq, irql);
    return irp;
}
