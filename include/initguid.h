/* initguid.h: the DEFINE_GUIDs that follow define their GUIDs instead of declaring them. */
#define INITGUID
#include <guiddef.h>
