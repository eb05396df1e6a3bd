/* OpenNDIS: ntddk.h is wdm.h plus kernel internals no miniport here needs yet. */
#ifndef OPENNDIS_NTDDK_H
#define OPENNDIS_NTDDK_H
#include <wdm.h>
#endif
