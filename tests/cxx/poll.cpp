/* NDIS poll mode (ndis/poll.h), compiled as C++. */
#include "../compile/poll.c"
