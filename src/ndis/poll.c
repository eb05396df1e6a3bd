/* NDIS poll mode (NDIS 6.85: NdisRegisterPoll and the calls on a Poll object), as NetKVM
 * uses it in place of its DPCs when *NdisPoll is on. OpenNDIS runs no Poll objects yet:
 * registration fails with NDIS_STATUS_NOT_SUPPORTED and a NULL handle, which a driver must
 * already handle (NetKVM then keeps its DPC path), and each call reports itself with its
 * caller. */
#include "ndis.h"

#include <ndis/poll.h>

static const char ndis_no_poll[] = "OpenNDIS does not run NDIS poll mode yet";

NDISAPI NDIS_STATUS NdisRegisterPoll(NDIS_HANDLE NdisHandle, PVOID Context,
                                     NDIS_POLL_CHARACTERISTICS const *Characteristics,
                                     NDIS_POLL_HANDLE *PollHandle)
{
    (void)NdisHandle, (void)Context, (void)Characteristics;
    if (PollHandle)
        *PollHandle = NULL;
    ke_unsupported("NdisRegisterPoll", ndis_no_poll, VF_CALLER);
    return NDIS_STATUS_NOT_SUPPORTED;
}

NDISAPI VOID NdisDeregisterPoll(NDIS_POLL_HANDLE PollHandle)
{
    (void)PollHandle;
    ke_unsupported("NdisDeregisterPoll", ndis_no_poll, VF_CALLER);
}

NDISAPI VOID NdisRequestPoll(NDIS_POLL_HANDLE PollHandle, PVOID Reserved)
{
    (void)PollHandle, (void)Reserved;
    ke_unsupported("NdisRequestPoll", ndis_no_poll, VF_CALLER);
}

NDISAPI VOID NdisSetPollAffinity(NDIS_POLL_HANDLE PollHandle, PROCESSOR_NUMBER const *PollAffinity)
{
    (void)PollHandle, (void)PollAffinity;
    ke_unsupported("NdisSetPollAffinity", ndis_no_poll, VF_CALLER);
}
