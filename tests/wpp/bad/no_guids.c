// no configuration at all
#include "x.tmh"
