#define WPP_CONTROL_GUIDS \
    WPP_DEFINE_CONTROL_GUID(G, (1,2,3,4,5), )
#include "x.tmh"
