/* OpenNDIS: <stdio.h> for drivers built as PE images (freestanding). A kernel-mode driver has
 * no files or streams: what it gets is ntoskrnl.exe's formatting into a buffer. */
#ifndef OPENNDIS_CRT_STDIO_H
#define OPENNDIS_CRT_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
int __cdecl sprintf(char *buffer, const char *format, ...);
#ifdef __cplusplus
}
#endif

#endif /* OPENNDIS_CRT_STDIO_H */
