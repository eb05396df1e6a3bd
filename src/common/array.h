/* The one way OpenNDIS grows an array: by doubling, checked for overflow and for memory.
 * Header-only, below every layer (each may include it). */
#ifndef OPENNDIS_COMMON_ARRAY_H
#define OPENNDIS_COMMON_ARRAY_H

#include <stdint.h>
#include <stdlib.h>

/* Makes room for `need` elements of `size` bytes in `items`, whose capacity is *cap.
 * Returns the array (moved or not) with *cap updated, or NULL when memory ran out or the
 * size would overflow; `items` and *cap are then untouched and still valid. */
static inline void *array_reserve(void *items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap && items != NULL)
        return items;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return NULL;
        n *= 2;
    }
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *grown = realloc(items, n * size);
    if (grown != NULL)
        *cap = n;
    return grown;
}

#endif
