/* guiddef.h: DEFINE_GUID declares a GUID, or defines it where initguid.h came first (one
 * source of a driver includes initguid.h so that its GUIDs have storage). As on Windows,
 * the DEFINE_GUID part is outside the include guard: each inclusion after initguid.h
 * redefines it. A definition is weak (MSVC's selectany): several sources may define one. */
#include <ntdef.h>

#ifndef OPENNDIS_GUIDDEF_H
#define OPENNDIS_GUIDDEF_H
#ifdef __cplusplus
static inline bool IsEqualGUID(const GUID &a, const GUID &b) { return memcmp(&a, &b, sizeof(GUID)) == 0; }
#else
#define IsEqualGUID(a, b) (memcmp((a), (b), sizeof(GUID)) == 0)
#endif
#define InlineIsEqualGUID IsEqualGUID
#define IsEqualIID IsEqualGUID
#endif

#undef DEFINE_GUID
#if defined(INITGUID) && defined(__cplusplus)
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    extern "C" const GUID __attribute__((weak)) name = { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }
#elif defined(INITGUID) /* C: a const at file scope is external already */
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    const GUID __attribute__((weak)) name = { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) EXTERN_C const GUID name
#endif
