/* Included as "Sub\Helper.h"; includes its neighbour as "Version.H" (version.h). */
#include "Version.H"
const char *HelperVersion(void);
