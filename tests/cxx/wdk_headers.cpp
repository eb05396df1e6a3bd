/* The WDK headers beside ndis.h, compiled as C++. */
#include "../compile/wdk_headers.c"
