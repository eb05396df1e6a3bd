/* driverspecs.h: the driver annotations (__drv_*, _IRQL_*, _Kernel_*), defined in sal.h. */
#include <sal.h>
