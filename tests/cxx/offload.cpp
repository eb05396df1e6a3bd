/* NDIS task offload (ndis/offload.h), compiled as C++. */
#include "../compile/offload.c"
