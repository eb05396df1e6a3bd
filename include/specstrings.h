/* specstrings.h: the SAL annotations, which sal.h defines (as nothing: they guide Code
 * Analysis, not the compiler). */
#include <sal.h>
