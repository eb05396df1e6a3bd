/* The NDIS 6.20-6.80 hardware-assist structures and their x64 layouts, compiled as C++. */
#include "../compile/hw_assist.c"
