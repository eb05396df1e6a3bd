/* Included as "VLIB.h"; its neighbour is found beside it, not on any include path. */
#ifndef VLIB_H
#define VLIB_H
#include "vlib_ring.h"
#ifdef __cplusplus
extern "C"
#endif
int VlibValue(void);
#endif
