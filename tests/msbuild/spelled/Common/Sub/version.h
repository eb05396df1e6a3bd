/* Included from helper.h, which the compiler sees through the spelling overlay. */
#define HELPER_PREFIX "v"
