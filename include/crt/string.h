/* OpenNDIS: <string.h> for drivers built as PE images (freestanding: no C library headers).
 * It declares the string functions ntoskrnl.exe exports, which is what the WDK's CRT headers
 * give a kernel-mode driver; ntdef.h includes it too. */
#ifndef OPENNDIS_CRT_STRING_H
#define OPENNDIS_CRT_STRING_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
void *__cdecl memcpy(void *dst, const void *src, size_t n);
void *__cdecl memmove(void *dst, const void *src, size_t n);
void *__cdecl memset(void *dst, int c, size_t n);
int __cdecl memcmp(const void *a, const void *b, size_t n);
size_t __cdecl strlen(const char *s);
int __cdecl strcmp(const char *a, const char *b);
int __cdecl strncmp(const char *a, const char *b, size_t n);
char *__cdecl strcpy(char *dst, const char *src);
char *__cdecl strncpy(char *dst, const char *src, size_t n);
char *__cdecl strchr(const char *s, int c);
#ifdef __cplusplus
}
#endif

#endif /* OPENNDIS_CRT_STRING_H */
