/* The hardware-miniport surface (ndis/hardware.h), compiled as C++. */
#include "../compile/hardware.c"
