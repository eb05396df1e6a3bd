#define WPP_CONTROL_GUIDS WPP_DEFINE_CONTROL_GUID(G, (1,2,3,4,5), WPP_DEFINE_BIT(A))
// begin_wpp config
// USEPREFIX (Trace);
// FUNC Trace(LEVEL, MSG, ...);
// end_wpp
#include "x.tmh"
