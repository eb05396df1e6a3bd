/* Interrupts of a hardware miniport (NdisMRegisterInterruptEx and what hangs off it).
 *
 * A device model raises an interrupt (openndis_device_interrupt); NDIS runs the driver's
 * MiniportInterrupt (or MiniportMessageInterrupt) at DIRQL on the message's processor, on
 * that processor's DPC thread, holding the interrupt's lock; then MiniportInterruptDPC (or
 * the message form) at DISPATCH_LEVEL on each processor the ISR asked for. Every message has
 * one DPC object per processor, so a DPC already queued on a processor is not queued there
 * again, as NdisMQueueDpcEx's page says. NdisMSynchronizeWithInterruptEx takes the same lock
 * at the same DIRQL.
 *
 * Deregistration stops everything: no ISR or DPC runs after NdisMDeregisterInterruptEx
 * returns. The object stays (marked gone) until the adapter goes, so that a driver that still
 * queues a DPC on it or synchronizes with it is told so instead of touching freed memory. */
#include <stdlib.h>

#include "ndis.h"

#include "../common/include/openndis/device.h"

#define NDIS_DIRQL ((KIRQL)5) /* every interrupt's IRQL: a device level between DISPATCH and HIGH */

struct ndis_interrupt;

/* One interrupt: the line, or one MSI-X message. */
struct ndis_vector {
    struct ndis_interrupt *irq;
    ULONG id;              /* MessageId (0 for the line) */
    unsigned processor;    /* where its ISR runs */
    pthread_mutex_t *lock; /* its own, or the one all messages share */
    KDPC isr;              /* delivers the raised interrupt on `processor` */
    KDPC *dpcs;            /* one per processor: MiniportInterruptDPC */
};

struct ndis_interrupt {
    struct ndis_adapter *adapter;
    struct ndis_interrupt *next; /* in adapter->hw.interrupts */
    NDIS_HANDLE context;
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars;
    bool message_based;
    _Atomic bool gone; /* deregistered: no ISR or DPC runs again */
    const void *site;  /* NdisMRegisterInterruptEx's caller */
    ULONG count;       /* vectors */
    unsigned processors;
    pthread_mutex_t locks[OPENNDIS_DEVICE_MAX_MESSAGES];
    PIO_INTERRUPT_MESSAGE_INFO table; /* message-based: what MessageInfoTable points to */
    struct ndis_vector vectors[];
};

/* The vector whose ISR or MiniportSynchronizeInterrupt this thread runs (its lock held). */
static _Thread_local OPENNDIS_TLS struct ndis_vector *ndis_vector_current;

static struct ndis_interrupt *ndis_interrupt_from_handle(NDIS_HANDLE handle, ULONG message, const char *fn,
                                                          const void *site, struct ndis_vector **v)
{
    if (ndis_handle_kind(handle) != NDIS_HANDLE_INTERRUPT) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not an interrupt from NdisMRegisterInterruptEx",
                     (void *)handle);
        return NULL;
    }
    struct ndis_interrupt *irq = handle;
    if (atomic_load(&irq->gone)) {
        vf_violation(VF_INTERRUPT_AFTER_DEREGISTER, fn, site,
                     "interrupt %p of adapter %u was deregistered with NdisMDeregisterInterruptEx", handle,
                     irq->adapter->index);
        return NULL;
    }
    /* a line-based interrupt ignores MessageId, as the pages say */
    ULONG index = irq->message_based ? message : 0;
    if (index >= irq->count) {
        vf_violation(VF_INTERRUPT_MISUSE, fn, site, "MessageId %lu of an interrupt with %lu messages",
                     (unsigned long)message, (unsigned long)irq->count);
        return NULL;
    }
    *v = &irq->vectors[index];
    return irq;
}

/* ---- DPCs ----------------------------------------------------------------------------------- */
static void ndis_interrupt_dpc(PKDPC dpc, PVOID context, PVOID dpc_context, PVOID unused)
{
    (void)unused;
    struct ndis_vector *v = context;
    struct ndis_interrupt *irq = v->irq;
    if (atomic_load(&irq->gone))
        return;
    NDIS_RECEIVE_THROTTLE_PARAMETERS throttle = { .MaxNblsToIndicate = NDIS_INDICATE_ALL_NBLS };
    ULONG reserved = 0;
    if (irq->message_based) {
        KE_DRIVER_CALL(irq->chars.MessageInterruptDpcHandler, irq->context, v->id, dpc_context, &throttle,
                       &reserved);
        ke_irql_after_handler(DISPATCH_LEVEL, "MiniportMessageInterruptDPC",
                              (const void *)irq->chars.MessageInterruptDpcHandler);
    } else {
        KE_DRIVER_CALL(irq->chars.InterruptDpcHandler, irq->context, dpc_context, &throttle, &reserved);
        ke_irql_after_handler(DISPATCH_LEVEL, "MiniportInterruptDPC", (const void *)irq->chars.InterruptDpcHandler);
    }
    if (throttle.MoreNblsPending && !atomic_load(&irq->gone)) /* it stopped at the budget: call it again */
        KeInsertQueueDpc(dpc, dpc_context, NULL);
}

/* Queues the vector's DPC on each processor of `targets`; returns those it was queued on. */
static KAFFINITY ndis_interrupt_queue_dpcs(struct ndis_vector *v, KAFFINITY targets, PVOID dpc_context)
{
    KAFFINITY queued = 0;
    for (unsigned k = 0; k < v->irq->processors; k++)
        if ((targets >> k & 1) && KeInsertQueueDpc(&v->dpcs[k], dpc_context, NULL))
            queued |= (KAFFINITY)1 << k;
    return queued;
}

/* ---- the ISR -------------------------------------------------------------------------------- */
/* Runs on the vector's processor at DISPATCH_LEVEL (a DPC thread); raises to DIRQL for the ISR. */
static void ndis_interrupt_deliver(PKDPC dpc, PVOID context, PVOID a1, PVOID a2)
{
    (void)dpc, (void)a1, (void)a2;
    struct ndis_vector *v = context;
    struct ndis_interrupt *irq = v->irq;
    if (atomic_load(&irq->gone))
        return;
    BOOLEAN queue_default = FALSE, claimed;
    ULONG targets = 0;
    pthread_mutex_lock(v->lock);
    KIRQL old = ke_irql_set(NDIS_DIRQL);
    ndis_vector_current = v;
    const void *isr;
    const char *name;
    if (irq->message_based) {
        isr = (const void *)irq->chars.MessageInterruptHandler, name = "MiniportMessageInterrupt";
        claimed = KE_DRIVER_CALL(irq->chars.MessageInterruptHandler, irq->context, v->id, &queue_default, &targets);
    } else {
        isr = (const void *)irq->chars.InterruptHandler, name = "MiniportInterrupt";
        claimed = KE_DRIVER_CALL(irq->chars.InterruptHandler, irq->context, &queue_default, &targets);
    }
    ke_irql_after_handler(NDIS_DIRQL, name, isr);
    ndis_vector_current = NULL;
    ke_irql_set(old);
    pthread_mutex_unlock(v->lock);
    atomic_fetch_add(&irq->adapter->hw.interrupts_serviced, 1);
    if (!claimed)
        return; /* not its device's: a shared line */
    atomic_fetch_add(&irq->adapter->hw.interrupts_claimed, 1);
    if (queue_default)
        ndis_interrupt_queue_dpcs(v, (KAFFINITY)1 << ke_processor_current(), NULL);
    else if (targets != 0)
        ndis_interrupt_queue_dpcs(v, targets, NULL);
}

bool ndis_interrupt_raise(struct ndis_adapter *a, unsigned message)
{
    struct ndis_interrupt *irq = atomic_load(&a->hw.interrupt);
    if (irq == NULL || atomic_load(&irq->gone) || message >= irq->count)
        return false;
    atomic_fetch_add(&irq->adapter->hw.interrupts_raised, 1);
    KeInsertQueueDpc(&irq->vectors[message].isr, NULL, NULL); /* FALSE: pending already, coalesced */
    return true;
}

unsigned ndis_interrupt_messages(struct ndis_adapter *a)
{
    struct ndis_interrupt *irq = atomic_load(&a->hw.interrupt);
    return irq != NULL && !atomic_load(&irq->gone) && irq->message_based ? irq->count : 0;
}

/* ---- registration --------------------------------------------------------------------------- */
static bool ndis_interrupt_chars_ok(const struct ndis_adapter *a, PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS c,
                                    const char *fn, const void *site)
{
    if (c == NULL) {
        vf_violation(VF_INTERRUPT_MISUSE, fn, site, "MiniportInterruptCharacteristics is NULL");
        return false;
    }
    if (c->Header.Type != NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT || c->Header.Revision < NDIS_MINIPORT_INTERRUPT_REVISION_1 ||
        c->Header.Size < NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1) {
        vf_violation(VF_INTERRUPT_MISUSE, fn, site,
                     "the characteristics' header is Type 0x%02X Revision %u Size %u; expected "
                     "NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT (0x84), revision 1, size >= %zu",
                     c->Header.Type, c->Header.Revision, c->Header.Size,
                     (size_t)NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1);
        return false;
    }
    /* the page: the four line-based handlers always, the four message ones with MsiSupported */
    const char *missing = c->InterruptHandler == NULL             ? "InterruptHandler"
                          : c->InterruptDpcHandler == NULL        ? "InterruptDpcHandler"
                          : c->DisableInterruptHandler == NULL    ? "DisableInterruptHandler"
                          : c->EnableInterruptHandler == NULL     ? "EnableInterruptHandler"
                          : !c->MsiSupported                      ? NULL
                          : c->MessageInterruptHandler == NULL    ? "MessageInterruptHandler"
                          : c->MessageInterruptDpcHandler == NULL ? "MessageInterruptDpcHandler"
                          : c->DisableMessageInterruptHandler == NULL ? "DisableMessageInterruptHandler"
                          : c->EnableMessageInterruptHandler == NULL  ? "EnableMessageInterruptHandler"
                                                                      : NULL;
    if (missing != NULL) {
        vf_violation(VF_INTERRUPT_MISUSE, fn, site, "the characteristics have no %s%s", missing,
                     c->MsiSupported ? " (MsiSupported needs all eight handlers)" : "");
        return false;
    }
    if (!a->in_initialize) {
        vf_violation(VF_INTERRUPT_MISUSE, fn, site, "called outside MiniportInitializeEx of adapter %u", a->index);
        return false;
    }
    if (!a->has_registration) {
        vf_violation(VF_INTERRUPT_MISUSE, fn, site,
                     "called before NdisMSetMiniportAttributes set the registration attributes");
        return false;
    }
    return true;
}

static void ndis_interrupt_free(struct ndis_interrupt *irq)
{
    for (ULONG i = 0; i < irq->count; i++)
        free(irq->vectors[i].dpcs);
    for (unsigned i = 0; i < OPENNDIS_DEVICE_MAX_MESSAGES; i++)
        pthread_mutex_destroy(&irq->locks[i]);
    free(irq->table);
    free(irq);
}

static struct ndis_interrupt *ndis_interrupt_new(struct ndis_adapter *a, unsigned messages)
{
    ULONG count = messages == 0 ? 1 : messages;
    struct ndis_interrupt *irq = calloc(1, sizeof *irq + count * sizeof irq->vectors[0]);
    if (irq == NULL)
        return NULL;
    irq->adapter = a;
    irq->count = count;
    irq->message_based = messages != 0;
    irq->processors = ke_processor_count();
    for (unsigned i = 0; i < OPENNDIS_DEVICE_MAX_MESSAGES; i++)
        pthread_mutex_init(&irq->locks[i], NULL);
    bool ok = true;
    for (ULONG i = 0; i < count; i++) {
        struct ndis_vector *v = &irq->vectors[i];
        v->irq = irq;
        v->id = i;
        v->processor = i % irq->processors; /* messages spread over the processors, the line on 0 */
        KeInitializeDpc(&v->isr, ndis_interrupt_deliver, v);
        KeSetImportanceDpc(&v->isr, HighImportance);
        KeSetTargetProcessorDpc(&v->isr, (CCHAR)v->processor);
        v->dpcs = calloc(irq->processors, sizeof *v->dpcs);
        ok = ok && v->dpcs != NULL;
        for (unsigned k = 0; v->dpcs != NULL && k < irq->processors; k++) {
            KeInitializeDpc(&v->dpcs[k], ndis_interrupt_dpc, v);
            KeSetTargetProcessorDpc(&v->dpcs[k], (CCHAR)k);
        }
    }
    if (ok && irq->message_based) {
        irq->table = calloc(1, sizeof *irq->table + (count - 1) * sizeof irq->table->MessageInfo[0]);
        ok = irq->table != NULL;
    }
    if (!ok) {
        ndis_interrupt_free(irq);
        return NULL;
    }
    if (irq->table != NULL) {
        irq->table->UnifiedIrql = NDIS_DIRQL;
        irq->table->MessageCount = count;
        for (ULONG i = 0; i < count; i++) {
            PIO_INTERRUPT_MESSAGE_INFO_ENTRY e = &irq->table->MessageInfo[i];
            e->MessageAddress.QuadPart = 0xFEE00000ll; /* where an x86 MSI write goes */
            e->TargetProcessorSet = (KAFFINITY)1 << irq->vectors[i].processor;
            e->MessageData = 0x40 + i;
            e->Vector = 0x40 + i;
            e->Irql = NDIS_DIRQL;
            e->Mode = Latched;
            e->Polarity = InterruptActiveHigh;
        }
    }
    return irq;
}

NDISAPI NDIS_STATUS NdisMRegisterInterruptEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportInterruptContext,
                                             PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS MiniportInterruptCharacteristics,
                                             PNDIS_HANDLE NdisInterruptHandle)
{
    static const char fn[] = "NdisMRegisterInterruptEx";
    const void *site = VF_CALLER;
    if (NdisInterruptHandle != NULL)
        *NdisInterruptHandle = NULL;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS c = MiniportInterruptCharacteristics;
    if (a == NULL || NdisInterruptHandle == NULL || !ndis_interrupt_chars_ok(a, c, fn, site))
        return NDIS_STATUS_INVALID_PARAMETER;
    int offered = ndis_bus_messages(a);
    if (offered < 0) {
        vf_violation(VF_INTERRUPT_MISUSE, fn, site, "adapter %u has no device, so no interrupt to register",
                     a->index);
        return NDIS_STATUS_RESOURCES;
    }
    if (atomic_load(&a->hw.interrupt) != NULL) {
        vf_violation(VF_INTERRUPT_MISUSE, fn, site, "adapter %u already has an interrupt registered", a->index);
        return NDIS_STATUS_RESOURCES;
    }
    if (vf_fault_inject(fn, site))
        return NDIS_STATUS_RESOURCES;
    /* MSI when the driver supports it and the device offers it; else the line */
    struct ndis_interrupt *irq = ndis_interrupt_new(a, c->MsiSupported ? (unsigned)offered : 0);
    if (irq == NULL || !ndis_handle_add(irq, NDIS_HANDLE_INTERRUPT)) {
        if (irq != NULL)
            ndis_interrupt_free(irq);
        return NDIS_STATUS_RESOURCES;
    }
    irq->context = MiniportInterruptContext;
    irq->site = site;
    irq->chars = *c;
    if (c->MsiSyncWithAllMessages || !irq->message_based)
        for (ULONG i = 0; i < irq->count; i++)
            irq->vectors[i].lock = &irq->locks[0];
    else
        for (ULONG i = 0; i < irq->count; i++)
            irq->vectors[i].lock = &irq->locks[i];
    c->InterruptType = irq->message_based ? NDIS_CONNECT_MESSAGE_BASED : NDIS_CONNECT_LINE_BASED;
    atomic_store(&a->hw.interrupt_kind, irq->message_based ? irq->count + 1 : 1);
    c->MessageInfoTable = irq->table;
    *NdisInterruptHandle = irq;
    irq->next = a->hw.interrupts;
    a->hw.interrupts = irq;
    atomic_store(&a->hw.interrupt, irq); /* from here the device's interrupts reach the ISR */
    return NDIS_STATUS_SUCCESS;
}

/* Stops every ISR and DPC of `irq` and waits for those running; not from one of them. */
static void ndis_interrupt_stop(struct ndis_interrupt *irq)
{
    atomic_store(&irq->gone, true);
    for (ULONG i = 0; i < irq->count; i++) {
        struct ndis_vector *v = &irq->vectors[i];
        KeRemoveQueueDpc(&v->isr);
        ke_timer_wait_idle(&v->isr);
        for (unsigned k = 0; k < irq->processors; k++) {
            KeRemoveQueueDpc(&v->dpcs[k]);
            ke_timer_wait_idle(&v->dpcs[k]);
        }
    }
}

NDISAPI VOID NdisMDeregisterInterruptEx(NDIS_HANDLE NdisInterruptHandle)
{
    static const char fn[] = "NdisMDeregisterInterruptEx";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return; /* from its own ISR or DPC it would wait for itself */
    struct ndis_vector *v;
    struct ndis_interrupt *irq = ndis_interrupt_from_handle(NdisInterruptHandle, 0, fn, site, &v);
    if (irq == NULL)
        return;
    atomic_store(&irq->adapter->hw.interrupt, NULL);
    ndis_interrupt_stop(irq);
}

void ndis_interrupt_halted(struct ndis_adapter *a, const char *handler)
{
    struct ndis_interrupt *irq = atomic_load(&a->hw.interrupt);
    if (irq == NULL)
        return;
    vf_violation(VF_INTERRUPT_NOT_DEREGISTERED, handler, irq->site,
                 "the interrupt of adapter %u (registered here) is still registered when %s returned; "
                 "deregister it with NdisMDeregisterInterruptEx before then",
                 a->index, handler);
    atomic_store(&a->hw.interrupt, NULL);
    ndis_interrupt_stop(irq);
}

void ndis_interrupt_adapter_end(struct ndis_adapter *a)
{
    while (a->hw.interrupts != NULL) {
        struct ndis_interrupt *irq = a->hw.interrupts;
        a->hw.interrupts = irq->next;
        ndis_interrupt_stop(irq); /* a raise that slipped in after deregistration */
        ndis_handle_remove(irq);
        ndis_interrupt_free(irq);
    }
    atomic_store(&a->hw.interrupt, NULL);
}

/* ---- synchronization and DPC requests ------------------------------------------------------- */
NDISAPI BOOLEAN NdisMSynchronizeWithInterruptEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                                                MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER SynchronizeFunction,
                                                PVOID SynchronizeContext)
{
    static const char fn[] = "NdisMSynchronizeWithInterruptEx";
    const void *site = VF_CALLER;
    ke_irql_at_most(NDIS_DIRQL, fn, site);
    struct ndis_vector *v;
    struct ndis_interrupt *irq = ndis_interrupt_from_handle(NdisInterruptHandle, MessageId, fn, site, &v);
    if (irq == NULL || SynchronizeFunction == NULL)
        return FALSE;
    /* IRQL first, then the lock, as KeSynchronizeExecution does: the ISR's thread holds its
     * processor while it waits for the lock */
    if (ndis_vector_current != NULL && ndis_vector_current->lock == v->lock) {
        /* Windows would spin on the lock this processor holds forever */
        vf_violation(VF_INTERRUPT_MISUSE, fn, site,
                     "called from a handler that already holds the interrupt's lock (its ISR or a "
                     "MiniportSynchronizeInterrupt): on Windows this deadlocks");
        return FALSE;
    }
    KIRQL old = ke_irql_set(NDIS_DIRQL);
    pthread_mutex_lock(v->lock);
    struct ndis_vector *outer = ndis_vector_current;
    ndis_vector_current = v;
    BOOLEAN r = KE_DRIVER_CALL(SynchronizeFunction, SynchronizeContext);
    ke_irql_after_handler(NDIS_DIRQL, "MiniportSynchronizeInterrupt", (const void *)SynchronizeFunction);
    ndis_vector_current = outer;
    pthread_mutex_unlock(v->lock);
    ke_irql_set(old);
    return r;
}

NDISAPI KAFFINITY NdisMQueueDpcEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, PGROUP_AFFINITY TargetProcessors,
                                  PVOID MiniportDpcContext)
{
    static const char fn[] = "NdisMQueueDpcEx";
    const void *site = VF_CALLER;
    struct ndis_vector *v;
    struct ndis_interrupt *irq = ndis_interrupt_from_handle(NdisInterruptHandle, MessageId, fn, site, &v);
    if (irq == NULL || TargetProcessors == NULL)
        return 0;
    if (TargetProcessors->Group != 0) {
        vf_violation(VF_INTERRUPT_MISUSE, fn, site, "processor group %u: there is only group 0",
                     TargetProcessors->Group);
        return 0;
    }
    return ndis_interrupt_queue_dpcs(v, TargetProcessors->Mask, MiniportDpcContext);
}

NDISAPI ULONG NdisMQueueDpc(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, ULONG TargetProcessors,
                            PVOID MiniportDpcContext)
{
    struct ndis_vector *v;
    struct ndis_interrupt *irq = ndis_interrupt_from_handle(NdisInterruptHandle, MessageId, "NdisMQueueDpc",
                                                            VF_CALLER, &v);
    return irq == NULL ? 0 : (ULONG)ndis_interrupt_queue_dpcs(v, TargetProcessors, MiniportDpcContext);
}
