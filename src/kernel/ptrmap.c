/* An open-addressing hash map from pointers to small values, for the tables OpenNDIS
 * consults on every frame (live pool blocks, handles). It replaces tsearch trees, whose
 * insert/delete cost and allocation per entry dominated the data path. The caller locks. */
#include <stdint.h>
#include <stdlib.h>

#include "ke.h"

#define KE_SLOT_EMPTY ((uintptr_t)0)
#define KE_SLOT_GONE ((uintptr_t)1) /* a removed key: probing continues past it */

static size_t ke_ptrmap_hash(uintptr_t key, size_t mask)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull; /* fmix64 of MurmurHash3: addresses differ in few bits */
    key ^= key >> 33;
    return (size_t)key & mask;
}

/* The slot holding `key`, or NULL. */
static struct ke_ptrmap_slot *ke_ptrmap_find(const struct ke_ptrmap *m, uintptr_t key)
{
    if (m->cap == 0)
        return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = ke_ptrmap_hash(key, mask), n = 0; n < m->cap; i = (i + 1) & mask, n++) {
        if (m->slots[i].key == key)
            return &m->slots[i];
        if (m->slots[i].key == KE_SLOT_EMPTY)
            return NULL;
    }
    return NULL;
}

static bool ke_ptrmap_grow(struct ke_ptrmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    if (m->used * 2 < m->cap)
        cap = m->cap; /* mostly tombstones: rebuild at the same size */
    struct ke_ptrmap_slot *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        uintptr_t k = m->slots[i].key;
        if (k == KE_SLOT_EMPTY || k == KE_SLOT_GONE)
            continue;
        size_t j = ke_ptrmap_hash(k, cap - 1);
        while (slots[j].key != KE_SLOT_EMPTY)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    m->filled = m->used;
    return true;
}

bool ke_ptrmap_put(struct ke_ptrmap *m, const void *key, uintptr_t value)
{
    uintptr_t k = (uintptr_t)key;
    if (k <= KE_SLOT_GONE)
        return false;
    if ((m->filled + 1) * 4 > m->cap * 3 && !ke_ptrmap_grow(m))
        return false;
    /* One pass: the key must not be in its run, and it goes in the run's first free slot. */
    size_t mask = m->cap - 1, i = ke_ptrmap_hash(k, mask), slot = SIZE_MAX;
    for (; m->slots[i].key != KE_SLOT_EMPTY; i = (i + 1) & mask) {
        if (m->slots[i].key == k)
            return false; /* already present */
        if (m->slots[i].key == KE_SLOT_GONE && slot == SIZE_MAX)
            slot = i;
    }
    if (slot == SIZE_MAX) {
        slot = i;
        m->filled++;
    }
    m->slots[slot] = (struct ke_ptrmap_slot){ k, value };
    m->used++;
    return true;
}

bool ke_ptrmap_get(const struct ke_ptrmap *m, const void *key, uintptr_t *value)
{
    struct ke_ptrmap_slot *s = ke_ptrmap_find(m, (uintptr_t)key);
    if (s != NULL && value != NULL)
        *value = s->value;
    return s != NULL;
}

void ke_ptrmap_each(struct ke_ptrmap *m, void (*fn)(const void *key, uintptr_t value, void *arg), void *arg)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key > KE_SLOT_GONE)
            fn((const void *)m->slots[i].key, m->slots[i].value, arg);
}

bool ke_ptrmap_remove(struct ke_ptrmap *m, const void *key)
{
    uintptr_t k = (uintptr_t)key;
    struct ke_ptrmap_slot *s = k > KE_SLOT_GONE ? ke_ptrmap_find(m, k) : NULL;
    if (s == NULL)
        return false;
    s->key = KE_SLOT_GONE;
    m->used--;
    return true;
}
