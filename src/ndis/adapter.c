/* The miniport adapter's life: MiniportInitializeEx, the Halted → Initializing → Paused ⇄
 * Restarting → Running → Pausing → Paused → Halted state machine, pended pause and restart,
 * halt, shutdown and PnP events. The host (an edge, a test, the command line) drives it;
 * every handler call and every driver call is checked against the state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ndis.h"
#include "../kernel/ob.h"

#define NDIS_ADAPTER_MAGIC 0x4e444150u /* "NDAP" */

static pthread_mutex_t ndis_index_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned ndis_next_index;

const char *ndis_state_name(enum ndis_state state)
{
    static const char *const names[] = { "Halted", "Initializing", "Paused", "Restarting",
                                         "Running", "Pausing", "Shutdown" };
    return (unsigned)state < sizeof names / sizeof names[0] ? names[state] : "?";
}

/* Waits (lock held) until `done` holds, for at most `seconds`. Returns whether it did. */
bool ndis_wait(struct ndis_adapter *a, bool (*done)(struct ndis_adapter *), double seconds)
{
    ndis_assert_locked(a);
    struct timespec until = ndis_deadline(seconds);
    while (!done(a))
        if (ndis_adapter_wait_until(a, &until) == ETIMEDOUT)
            return done(a);
    return true;
}

/* Under the mutex; atomic because the data path reads the state without it. */
static void ndis_state_store(struct ndis_adapter *a, enum ndis_state state)
{
    ndis_assert_locked(a);
    atomic_store(&a->state, state);
}

static void ndis_set_state(struct ndis_adapter *a, enum ndis_state state)
{
    ndis_adapter_lock(a);
    ndis_state_store(a, state);
    pthread_cond_broadcast(&a->changed);
    ndis_adapter_unlock(a);
}

static void ndis_adapter_free(struct ndis_adapter *a)
{
    struct ndis_driver *d = a->driver;
    pthread_rwlock_wrlock(&d->adapters_lock);
    for (struct ndis_adapter **p = &d->adapters; *p; p = &(*p)->next)
        if (*p == a) {
            *p = a->next;
            break;
        }
    pthread_rwlock_unlock(&d->adapters_lock);
    ndis_handle_remove(a);
    IoDeleteDevice(a->fdo); /* freed when the last client's file on it closes */
    ndis_bus_adapter_end(a);
    free(a->oid_pending); /* a request the driver never completed */
    free(a->supported_oids);
    pthread_cond_destroy(&a->changed);
    pthread_mutex_destroy(&a->lock);
    a->magic = 0;
    free(a);
}

static void ndis_adapter_remove_device(struct ndis_adapter *a)
{
    if (!a->added)
        return;
    a->added = false;
    MINIPORT_REMOVE_DEVICE_HANDLER remove = a->driver->pnp.MiniportRemoveDeviceHandler;
    KE_DRIVER_CALL(remove, a->init_parameters.MiniportAddDeviceContext);
    ke_irql_after_handler(PASSIVE_LEVEL, "MiniportRemoveDevice", (const void *)remove);
}

/* The adapter's device objects: a PDO of its (virtual) bus, and the FDO on the miniport
 * driver's object that NDIS dispatches IRPs to, named \Device\{NetCfgInstanceId} so that a
 * client can open the adapter (Wintun's rings are registered on it). */
static bool ndis_adapter_make_fdo(struct ndis_adapter *a, PDRIVER_OBJECT object)
{
    char section[32], id[80], name[96];
    ULONG type;
    snprintf(section, sizeof section, "adapter.%u", a->index);
    if (!ndis_config_lookup(section, "NetCfgInstanceId", id, sizeof id, &type))
        snprintf(id, sizeof id, "{4F70656E-4E44-4953-0000-%012X}", a->index + 1);
    int n = snprintf(name, sizeof name, "\\Device\\%s", id);
    WCHAR wide[96];
    for (int i = 0; i < n && i < 96; i++)
        wide[i] = (unsigned char)name[i];
    UNICODE_STRING u = { (USHORT)(n * sizeof(WCHAR)), (USHORT)(n * sizeof(WCHAR)), wide };
    NTSTATUS s = ke_io_create_device(object, 0, &u, FILE_DEVICE_PHYSICAL_NETCARD, FILE_DEVICE_SECURE_OPEN, FALSE,
                                     NULL, &a->fdo, NULL, NULL);
    if (s == STATUS_OBJECT_NAME_COLLISION) /* two adapters configured with one instance id */
        s = ke_io_create_device(object, 0, NULL, FILE_DEVICE_PHYSICAL_NETCARD, FILE_DEVICE_SECURE_OPEN, FALSE, NULL,
                                &a->fdo, NULL, NULL);
    if (!NT_SUCCESS(s))
        return false;
    a->fdo->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
    a->fdo->StackSize = 2; /* attaching puts the FDO one stack location above the PDO */
    a->pdo.Type = IO_TYPE_DEVICE;
    a->pdo.Size = sizeof(DEVICE_OBJECT);
    a->pdo.StackSize = 1;
    a->pdo.AttachedDevice = a->fdo; /* the FDO is the miniport's; the PDO its bus's */
    return true;
}

/* A driver that set PnP characteristics (NdisSetOptionalHandlers) is called as PnP would:
 * MiniportAddDevice when the device object is made, before MiniportInitializeEx, which
 * receives the context it registered; MiniportRemoveDevice when the device goes, after the
 * halt or a failed initialize. */
static bool ndis_adapter_add_device(struct ndis_adapter *a)
{
    MINIPORT_ADD_DEVICE_HANDLER add = a->driver->pnp.MiniportAddDeviceHandler;
    if (add == NULL)
        return true;
    a->in_add_device = true;
    a->add_status = KE_DRIVER_CALL(add, (NDIS_HANDLE)a, a->driver->context);
    ke_irql_after_handler(PASSIVE_LEVEL, "MiniportAddDevice", (const void *)add);
    a->in_add_device = false;
    if (a->add_status == NDIS_STATUS_PENDING || NT_SUCCESS(a->add_status)) {
        if (a->add_status != NDIS_STATUS_SUCCESS) {
            vf_report(VF_INITIALIZE_STATUS, "MiniportAddDevice", (const void *)add, true,
                      "MiniportAddDevice returned 0x%08X; it completes synchronously with SUCCESS or a failure status",
                      (unsigned)a->add_status);
            a->add_status = NDIS_STATUS_FAILURE;
            a->added = true; /* the driver thinks it succeeded: it is removed as NDIS would */
            ndis_adapter_remove_device(a);
            return false;
        }
        a->added = true;
        return true;
    }
    return false;
}

struct ndis_adapter *ndis_adapter_initialize(PDRIVER_OBJECT object, NDIS_STATUS *status)
{
    struct ndis_driver *d = ndis_registration_of(object);
    if (d == NULL) {
        *status = NDIS_STATUS_ADAPTER_NOT_FOUND;
        return NULL;
    }
    struct ndis_adapter *a = calloc(1, sizeof *a);
    if (a == NULL) {
        *status = NDIS_STATUS_RESOURCES;
        return NULL;
    }
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&a->changed, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&a->lock, NULL);
    quick_lock_init(&a->returns_lock);
    ke_pool_init(&a->pool);
    a->magic = NDIS_ADAPTER_MAGIC;
    a->driver = d;
    pthread_mutex_lock(&ndis_index_lock);
    a->index = ndis_next_index++;
    pthread_mutex_unlock(&ndis_index_lock);
    if (!ndis_adapter_make_fdo(a, object)) {
        *status = NDIS_STATUS_RESOURCES;
        pthread_cond_destroy(&a->changed);
        pthread_mutex_destroy(&a->lock);
        free(a);
        return NULL;
    }

    /* What PnP would give a virtual adapter: an interface index and a LUID of type
     * Ethernet (IF_TYPE_ETHERNET_CSMACD); a hardware one's device model adds its resources. */
    NDIS_MINIPORT_INIT_PARAMETERS *p = &a->init_parameters;
    p->AllocatedResources = ndis_bus_adapter_begin(a);
    p->Header.Type = NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS;
    p->Header.Revision = NDIS_MINIPORT_INIT_PARAMETERS_REVISION_1;
    p->Header.Size = NDIS_SIZEOF_MINIPORT_INIT_PARAMETER_REVISION_1;
    p->IfIndex = 100 + a->index;
    p->NetLuid.Info.IfType = IF_TYPE_ETHERNET_CSMACD;
    p->NetLuid.Info.NetLuidIndex = a->index + 1;

    if (!ndis_handle_add(a, NDIS_HANDLE_ADAPTER)) {
        *status = NDIS_STATUS_RESOURCES;
        free(a);
        return NULL;
    }
    pthread_rwlock_wrlock(&d->adapters_lock);
    a->next = d->adapters;
    d->adapters = a;
    pthread_rwlock_unlock(&d->adapters_lock);

    ndis_set_state(a, NDIS_STATE_INITIALIZING);
    if (!ndis_adapter_add_device(a)) {
        *status = a->add_status;
        ndis_set_state(a, NDIS_STATE_HALTED);
        ke_pool_release(&a->pool, "after MiniportAddDevice failed (it must free what it allocated)");
        ndis_adapter_free(a);
        return NULL;
    }
    a->in_initialize = true;
    MINIPORT_INITIALIZE_HANDLER init = d->chars.InitializeHandlerEx;
    NDIS_STATUS st = KE_DRIVER_CALL(init, a, d->context, p);
    ke_irql_after_handler(PASSIVE_LEVEL, "MiniportInitializeEx", (const void *)init);
    a->in_initialize = false;

    if (st == NDIS_STATUS_SUCCESS && (!a->has_registration || !a->has_general)) {
        vf_report(VF_ATTRIBUTES_MISSING, "MiniportInitializeEx", (const void *)init, true,
                  "MiniportInitializeEx returned NDIS_STATUS_SUCCESS without %s attributes; NDIS fails the initialization",
                  !a->has_registration ? "registration" : "general");
        st = NDIS_STATUS_FAILURE;
        /* NDIS failed an initialize the driver thinks succeeded: it halts the adapter. */
        if (a->has_registration) {
            MINIPORT_HALT_HANDLER halt = d->chars.HaltHandlerEx;
            KE_DRIVER_CALL(halt, a->context, NdisHaltDeviceInitializationFailed);
            ke_irql_after_handler(PASSIVE_LEVEL, "MiniportHaltEx", (const void *)halt);
        }
    } else if (st == NDIS_STATUS_PENDING) {
        vf_report(VF_INITIALIZE_STATUS, "MiniportInitializeEx", (const void *)init, true,
                  "MiniportInitializeEx returned NDIS_STATUS_PENDING; it completes synchronously");
        st = NDIS_STATUS_FAILURE;
    }
    if (st != NDIS_STATUS_SUCCESS) {
        ndis_set_state(a, NDIS_STATE_HALTED);
        ndis_adapter_remove_device(a);
        ndis_poll_halted(a, "MiniportInitializeEx");
        ndis_interrupt_halted(a, "MiniportInitializeEx");
        ndis_dma_halted(a, "MiniportInitializeEx");
        ke_pool_release(&a->pool, "after MiniportInitializeEx failed (it must free what it allocated)");
        ndis_adapter_free(a);
        *status = st;
        return NULL;
    }
    ndis_set_state(a, NDIS_STATE_PAUSED);
    ndis_adapter_start_hang_checks(a);
    *status = NDIS_STATUS_SUCCESS;
    return a;
}

static const struct ndis_pending_kind ndis_restart_kind = {
    "MiniportRestart", "NdisMRestartComplete", VF_PAUSE_RESTART_TIMEOUT, VF_COMPLETION_UNEXPECTED,
    NDIS_RESTART_TIMEOUT_SECONDS,
};
static const struct ndis_pending_kind ndis_pause_kind = {
    "MiniportPause", "NdisMPauseComplete", VF_PAUSE_RESTART_TIMEOUT, VF_COMPLETION_UNEXPECTED,
    NDIS_PAUSE_TIMEOUT_SECONDS,
};

NDIS_STATUS ndis_adapter_restart(struct ndis_adapter *a)
{
    ndis_adapter_lock(a);
    if (a->state != NDIS_STATE_PAUSED) {
        ndis_adapter_unlock(a);
        return NDIS_STATUS_INVALID_STATE;
    }
    ndis_state_store(a, NDIS_STATE_RESTARTING);
    ndis_pending_arm(&a->restart);
    ndis_adapter_unlock(a);

    NDIS_MINIPORT_RESTART_PARAMETERS params = {
        .Header = { NDIS_OBJECT_TYPE_DEFAULT, NDIS_MINIPORT_RESTART_PARAMETERS_REVISION_1,
                    NDIS_SIZEOF_MINIPORT_RESTART_PARAMETERS_REVISION_1 },
    };
    MINIPORT_RESTART_HANDLER restart = a->driver->chars.RestartHandler;
    NDIS_STATUS st = KE_DRIVER_CALL(restart, a->context, &params);
    ke_irql_after_handler(PASSIVE_LEVEL, "MiniportRestart", (const void *)restart);
    if (ndis_pending_finish(a, &a->restart, &ndis_restart_kind, (const void *)restart, st, NULL, NULL, &st) ==
        NDIS_PENDING_TIMED_OUT)
        ndis_pending_disarm(a, &a->restart);

    ndis_adapter_lock(a);
    ndis_state_store(a, st == NDIS_STATUS_SUCCESS ? NDIS_STATE_RUNNING : NDIS_STATE_PAUSED);
    pthread_cond_broadcast(&a->changed);
    ndis_adapter_unlock(a);
    return st;
}

/* NdisMRestartComplete and NdisMPauseComplete: end the pended operation if the adapter is
 * in the state that pended it, else report the completion as unexpected. */
static void ndis_pended_complete(const char *fn, const void *site, NDIS_HANDLE handle, bool restart,
                                 NDIS_STATUS status)
{
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(handle, fn, site);
    if (a == NULL)
        return;
    ndis_adapter_lock(a);
    bool expected = a->state == (restart ? NDIS_STATE_RESTARTING : NDIS_STATE_PAUSING) &&
                    ndis_pending_complete(a, restart ? &a->restart : &a->pause, status);
    enum ndis_state state = a->state;
    ndis_adapter_unlock(a);
    if (!expected)
        vf_violation(VF_COMPLETION_UNEXPECTED, fn, site, "no %s is pending (adapter %u is %s)",
                     restart ? "restart" : "pause", a->index, ndis_state_name(state));
}

NDISAPI VOID NdisMRestartComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status)
{
    ndis_pended_complete("NdisMRestartComplete", VF_CALLER, MiniportAdapterHandle, true, Status);
}

static bool ndis_no_send_in_call(struct ndis_adapter *a)
{
    return atomic_load(&a->sends_in_call) == 0;
}

NDIS_STATUS ndis_adapter_pause(struct ndis_adapter *a)
{
    ndis_adapter_lock(a);
    if (a->state != NDIS_STATE_RUNNING) {
        ndis_adapter_unlock(a);
        return NDIS_STATUS_INVALID_STATE;
    }
    ndis_state_store(a, NDIS_STATE_PAUSING);
    ndis_pending_arm(&a->pause);
    /* NDIS pauses the protocols above first: no send call is still being made when
     * MiniportPause runs (new ones now complete at once with NDIS_STATUS_PAUSED). */
    ndis_wait(a, ndis_no_send_in_call, 1e9);
    ndis_adapter_unlock(a);

    /* Part of pausing is NDIS returning every indicated NBL. */
    ndis_adapter_return_pending(a);
    NDIS_MINIPORT_PAUSE_PARAMETERS params = {
        .Header = { NDIS_OBJECT_TYPE_DEFAULT, NDIS_MINIPORT_PAUSE_PARAMETERS_REVISION_1,
                    NDIS_SIZEOF_MINIPORT_PAUSE_PARAMETERS_REVISION_1 },
    };
    MINIPORT_PAUSE_HANDLER pause = a->driver->chars.PauseHandler;
    NDIS_STATUS st = KE_DRIVER_CALL(pause, a->context, &params);
    ke_irql_after_handler(PASSIVE_LEVEL, "MiniportPause", (const void *)pause);
    if (st != NDIS_STATUS_SUCCESS && st != NDIS_STATUS_PENDING)
        vf_report(VF_PAUSE_STATUS, "MiniportPause", (const void *)pause, true,
                  "MiniportPause returned 0x%08X; pause cannot fail: only NDIS_STATUS_SUCCESS or NDIS_STATUS_PENDING",
                  (unsigned)st);
    /* While it pends, keep returning what the driver indicates: it may wait for that. */
    ndis_pending_finish(a, &a->pause, &ndis_pause_kind, (const void *)pause, st, NULL, ndis_adapter_return_pending, &st);
    /* A poll iteration may have taken the last completions off the driver's queues and not
     * delivered them yet: they are NDIS's, not outstanding, and what it indicates comes back. */
    ndis_adapter_lock(a);
    ndis_poll_settle(a);
    ndis_adapter_unlock(a);
    ndis_adapter_return_pending(a);
    ndis_adapter_lock(a);
    long sends = atomic_load(&a->sends_outstanding);
    a->pause.armed = false;
    ndis_state_store(a, NDIS_STATE_PAUSED);
    pthread_cond_broadcast(&a->changed);
    ndis_adapter_unlock(a);
    if (sends > 0)
        vf_report(VF_PAUSE_WITH_SENDS, "MiniportPause", (const void *)pause, true,
                  "the pause completed with %ld sent NET_BUFFER_LISTs not completed; a miniport completes every send before its pause completes",
                  sends);
    return NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisMPauseComplete(NDIS_HANDLE MiniportAdapterHandle)
{
    ndis_pended_complete("NdisMPauseComplete", VF_CALLER, MiniportAdapterHandle, false, NDIS_STATUS_SUCCESS);
}

NDIS_STATUS ndis_adapter_halt(struct ndis_adapter *a, NDIS_HALT_ACTION action)
{
    if (a->state == NDIS_STATE_RUNNING)
        ndis_adapter_pause(a); /* NDIS halts only paused adapters: pause first */
    if (a->state != NDIS_STATE_PAUSED && a->state != NDIS_STATE_SHUTDOWN)
        return NDIS_STATUS_INVALID_STATE;
    ndis_adapter_return_pending(a);
    ndis_adapter_stop_hang_checks(a); /* NDIS never checks for hangs during or after halt */
    ndis_dma_settle(a); /* the driver gets its pending shared memory before it halts, to free it */
    MINIPORT_HALT_HANDLER halt = a->driver->chars.HaltHandlerEx;
    KE_DRIVER_CALL(halt, a->context, action);
    ke_irql_after_handler(PASSIVE_LEVEL, "MiniportHaltEx", (const void *)halt);
    ndis_set_state(a, NDIS_STATE_HALTED);
    ndis_adapter_remove_device(a);
    ndis_poll_halted(a, "MiniportHaltEx");
    ndis_interrupt_halted(a, "MiniportHaltEx");
    ndis_dma_halted(a, "MiniportHaltEx");
    ke_pool_release(&a->pool, "when MiniportHaltEx returned (halt frees everything initialize allocated)");
    if (a->edge != NULL && a->edge->detached != NULL)
        a->edge->detached(a->edge_context, a);
    ndis_adapter_free(a);
    return NDIS_STATUS_SUCCESS;
}

void ndis_adapter_shutdown(struct ndis_adapter *a, NDIS_SHUTDOWN_ACTION action)
{
    MINIPORT_SHUTDOWN_HANDLER shutdown = a->driver->chars.ShutdownHandlerEx;
    KE_DRIVER_CALL(shutdown, a->context, action);
    ke_irql_after_handler(PASSIVE_LEVEL, "MiniportShutdownEx", (const void *)shutdown);
    ndis_set_state(a, NDIS_STATE_SHUTDOWN);
}

void ndis_adapter_pnp_event(struct ndis_adapter *a, NDIS_DEVICE_PNP_EVENT event, PVOID buffer, ULONG length)
{
    NET_DEVICE_PNP_EVENT e = {
        .Header = { NDIS_OBJECT_TYPE_DEFAULT, 1, sizeof e },
        .DevicePnPEvent = event,
        .InformationBuffer = buffer,
        .InformationBufferLength = length,
    };
    MINIPORT_DEVICE_PNP_EVENT_NOTIFY_HANDLER notify = a->driver->chars.DevicePnPEventNotifyHandler;
    KE_DRIVER_CALL(notify, a->context, &e);
    ke_irql_after_handler(PASSIVE_LEVEL, "MiniportDevicePnPEventNotify", (const void *)notify);
}

void ndis_adapter_attach(struct ndis_adapter *a, const struct ndis_upper_edge *edge, void *context)
{
    ndis_adapter_lock(a);
    a->edge = edge;
    a->edge_context = context;
    ndis_adapter_unlock(a);
}

void ndis_adapter_observe(struct ndis_adapter *a, ndis_frame_observer *observer, void *context)
{
    ndis_adapter_lock(a);
    a->observer_context = context;
    atomic_store_explicit(&a->observer, observer, memory_order_release); /* the data path peeks at it */
    ndis_adapter_unlock(a);
}

/* NDIS halts whatever adapters a driver still has before it unloads the driver. */
void ndis_driver_halt_adapters(struct ndis_driver *d)
{
    for (;;) {
        pthread_rwlock_rdlock(&d->adapters_lock);
        struct ndis_adapter *a = d->adapters;
        pthread_rwlock_unlock(&d->adapters_lock);
        if (a == NULL)
            return;
        ndis_adapter_halt(a, NdisHaltDeviceDisabled);
    }
}

void ndis_adapter_stats(struct ndis_adapter *a, struct ndis_adapter_stats *out)
{
    ndis_adapter_lock(a);
    *out = (struct ndis_adapter_stats){
        .index = a->index,
        .state = a->state,
        .mac_length = a->general.MacAddressLength < NDIS_MAX_PHYS_ADDRESS_LENGTH ? a->general.MacAddressLength
                                                                               : NDIS_MAX_PHYS_ADDRESS_LENGTH,
        .mtu = a->general.MtuSize,
        .link = a->link.MediaConnectState,
        .sent_frames = atomic_load_explicit(&a->counters.sent_frames, memory_order_relaxed),
        .sent_bytes = atomic_load_explicit(&a->counters.sent_bytes, memory_order_relaxed),
        .received_frames = atomic_load_explicit(&a->counters.received_frames, memory_order_relaxed),
        .received_bytes = atomic_load_explicit(&a->counters.received_bytes, memory_order_relaxed),
    };
    memcpy(out->mac, a->general.CurrentMacAddress, out->mac_length);
    ndis_adapter_unlock(a);
}
