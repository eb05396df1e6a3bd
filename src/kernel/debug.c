/* DbgPrint and friends. Driver format strings follow the Windows rules: `l` is 32 bits,
 * I64/I32/I select explicit widths, %ws/%S print UTF-16 and %wZ/%Z counted strings. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ke.h"

static ULONG ke_dbg_level = DPFLTR_INFO_LEVEL;

static size_t ke_put(char *out, size_t cap, size_t pos, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, pos++)
        if (pos + 1 < cap)
            out[pos] = s[i];
    return pos;
}

/* UTF-16 to UTF-8, replacing unpaired surrogates with U+FFFD. */
static size_t ke_put_utf16(char *out, size_t cap, size_t pos, const WCHAR *s, size_t units)
{
    for (size_t i = 0; i < units; i++) {
        uint32_t c = s[i];
        if (c < 0x80) { /* ASCII, nearly every character of a registry path or a name */
            if (pos + 1 < cap)
                out[pos] = (char)c;
            pos++;
            continue;
        }
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < units && s[i + 1] >= 0xdc00 && s[i + 1] < 0xe000)
            c = 0x10000 + ((c - 0xd800) << 10) + (s[++i] - 0xdc00);
        else if (c >= 0xd800 && c < 0xe000)
            c = 0xfffd;
        char b[4];
        size_t n;
        if (c < 0x800) { b[0] = (char)(0xc0 | c >> 6); b[1] = (char)(0x80 | (c & 0x3f)); n = 2; }
        else if (c < 0x10000) {
            b[0] = (char)(0xe0 | c >> 12); b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
            b[2] = (char)(0x80 | (c & 0x3f)); n = 3;
        } else {
            b[0] = (char)(0xf0 | c >> 18); b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
            b[2] = (char)(0x80 | ((c >> 6) & 0x3f)); b[3] = (char)(0x80 | (c & 0x3f)); n = 4;
        }
        pos = ke_put(out, cap, pos, b, n);
    }
    return pos;
}

size_t ke_vformat(char *out, size_t cap, const char *fmt, va_list ap)
{
    return ke_vformat_as(out, cap, fmt, ap, false);
}

size_t ke_format(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = ke_vformat(out, cap, fmt, ap);
    va_end(ap);
    return n;
}

size_t ke_vformat_as(char *out, size_t cap, const char *fmt, va_list ap, bool wide_printf)
{
    return ke_vformat_ex(out, cap, fmt, ap, wide_printf, NULL, NULL);
}

size_t ke_vformat_ex(char *out, size_t cap, const char *fmt, va_list ap_in, bool wide_printf, ke_format_ext ext,
                     void *ctx)
{
    size_t pos = 0;
    va_list ap; /* a local one: an extension takes its argument through a pointer to it */
    va_copy(ap, ap_in);

    while (*fmt) {
        if (*fmt != '%') {
            pos = ke_put(out, cap, pos, fmt++, 1);
            continue;
        }
        /* %!NAME!: a WPP extension, when the caller renders them. */
        const char *bang_end = fmt[1] == '!' ? strchr(fmt + 2, '!') : NULL;
        if (ext && bang_end) {
            char name[32], text[256];
            size_t len = (size_t)(bang_end - fmt - 2);
            snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), fmt + 2);
            size_t n = ext(text, sizeof text, name, &ap, ctx);
            pos = ke_put(out, cap, pos, text, n < sizeof text ? n : sizeof text - 1);
            fmt = bang_end + 1;
            continue;
        }
        /* Collect flags, width and precision as C understands them. */
        char spec[32] = "%";
        size_t sl = 1;
        fmt++;
        while (*fmt && strchr("-+ #0", *fmt) && sl < 20)
            spec[sl++] = *fmt++;
        if (*fmt == '*') {
            sl += (size_t)snprintf(spec + sl, sizeof spec - sl, "%d", va_arg(ap, int));
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9' && sl < 24)
            spec[sl++] = *fmt++;
        if (*fmt == '.') {
            spec[sl++] = *fmt++;
            if (*fmt == '*') {
                sl += (size_t)snprintf(spec + sl, sizeof spec - sl, "%d", va_arg(ap, int));
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9' && sl < 28)
                spec[sl++] = *fmt++;
        }
        /* Windows length modifiers. */
        int bits = 32;
        bool wide = false, narrow = *fmt == 'h'; /* %hs, %hc: always narrow */
        if (strncmp(fmt, "I64", 3) == 0) { bits = 64; fmt += 3; }
        else if (strncmp(fmt, "I32", 3) == 0) { bits = 32; fmt += 3; }
        else if (*fmt == 'I' || *fmt == 'z') { bits = 8 * (int)sizeof(void *); fmt++; }
        else if (strncmp(fmt, "ll", 2) == 0) { bits = 64; fmt += 2; }
        else if (strncmp(fmt, "hh", 2) == 0) { bits = 8; fmt += 2; }
        else if (*fmt == 'h') { bits = 16; fmt++; }
        else if (*fmt == 'l') { bits = 32; wide = true; fmt++; }
        else if (*fmt == 'w') { wide = true; fmt++; }

        char conv = *fmt ? *fmt++ : '\0';
        char tmp[128];
        switch (conv) {
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': {
            spec[sl++] = 'l';
            spec[sl++] = 'l';
            spec[sl++] = conv;
            spec[sl] = '\0';
            long long v;
            bool is_signed = conv == 'd' || conv == 'i';
            if (bits == 64)
                v = va_arg(ap, long long);
            else {
                int32_t w = va_arg(ap, int32_t);
                if (bits == 16) w = is_signed ? (int16_t)w : (uint16_t)w;
                if (bits == 8) w = is_signed ? (int8_t)w : (uint8_t)w;
                v = is_signed ? (long long)w : (long long)(uint32_t)w;
            }
            int n = snprintf(tmp, sizeof tmp, spec, v);
            pos = ke_put(out, cap, pos, tmp, n > 0 ? (size_t)n : 0);
            break;
        }
        case 'p': {
            int n = snprintf(tmp, sizeof tmp, "%016llX", (unsigned long long)(uintptr_t)va_arg(ap, void *));
            pos = ke_put(out, cap, pos, tmp, (size_t)n);
            break;
        }
        case 'c': case 'C': {
            int c = va_arg(ap, int);
            /* In a wide printf %c and %s are wide and %C and %S narrow; in a narrow one the reverse. */
            if (wide || (!narrow && (conv == 'C') != wide_printf)) {
                WCHAR w = (WCHAR)c;
                pos = ke_put_utf16(out, cap, pos, &w, 1);
            } else {
                char ch = (char)c;
                pos = ke_put(out, cap, pos, &ch, 1);
            }
            break;
        }
        case 's': case 'S': {
            if (wide || (!narrow && (conv == 'S') != wide_printf)) {
                const WCHAR *w = va_arg(ap, const WCHAR *);
                size_t n = 0;
                if (w == NULL) { pos = ke_put(out, cap, pos, "(null)", 6); break; }
                while (w[n]) n++;
                pos = ke_put_utf16(out, cap, pos, w, n);
            } else {
                const char *s = va_arg(ap, const char *);
                spec[sl++] = 's';
                spec[sl] = '\0';
                char big[1024];
                int n = snprintf(big, sizeof big, spec, s ? s : "(null)");
                pos = ke_put(out, cap, pos, big, n > 0 ? (size_t)(n < (int)sizeof big ? n : (int)sizeof big - 1) : 0);
            }
            break;
        }
        case 'Z': {
            if (wide) {
                const UNICODE_STRING *u = va_arg(ap, const UNICODE_STRING *);
                if (u == NULL || u->Buffer == NULL) { pos = ke_put(out, cap, pos, "(null)", 6); break; }
                pos = ke_put_utf16(out, cap, pos, u->Buffer, u->Length / sizeof(WCHAR));
            } else {
                const ANSI_STRING *a = va_arg(ap, const ANSI_STRING *);
                if (a == NULL || a->Buffer == NULL) { pos = ke_put(out, cap, pos, "(null)", 6); break; }
                pos = ke_put(out, cap, pos, a->Buffer, a->Length);
            }
            break;
        }
        case '%':
            pos = ke_put(out, cap, pos, "%", 1);
            break;
        default:
            /* Unknown conversion: print it literally rather than guess at its argument. */
            pos = ke_put(out, cap, pos, "%", 1);
            if (conv)
                pos = ke_put(out, cap, pos, &conv, 1);
            break;
        }
    }
    va_end(ap);
    if (cap)
        out[pos < cap ? pos : cap - 1] = '\0';
    return pos;
}

static ULONG ke_dbg_vprint(const char *fmt, va_list ap)
{
    char line[2048];
    ke_vformat(line, sizeof line, fmt, ap);
    fprintf(stderr, "[driver] %s", line);
    size_t n = strlen(line);
    if (n == 0 || line[n - 1] != '\n')
        fputc('\n', stderr);
    return STATUS_SUCCESS;
}

NTSYSAPI ULONG DbgPrint(PCSTR Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    ULONG r = ke_dbg_vprint(Format, ap);
    va_end(ap);
    return r;
}

NTSYSAPI ULONG vDbgPrintExWithPrefix(PCCH Prefix, ULONG ComponentId, ULONG Level, PCCH Format, va_list arglist)
{
    (void)ComponentId;
    /* Level is a severity (0-31) or, above 31, a bit mask; show severities up to INFO. */
    if (Level <= 31 && Level > ke_dbg_level)
        return STATUS_SUCCESS;
    if (Prefix != NULL && Prefix[0] != '\0') {
        char line[2048];
        size_t n = strlen(Prefix);
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, Prefix, n);
        ke_vformat(line + n, sizeof line - n, Format, arglist);
        return DbgPrint("%s", line);
    }
    return ke_dbg_vprint(Format, arglist);
}

NTSYSAPI ULONG vDbgPrintEx(ULONG ComponentId, ULONG Level, PCCH Format, va_list arglist)
{
    return vDbgPrintExWithPrefix(NULL, ComponentId, Level, Format, arglist);
}

NTSYSAPI ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    ULONG r = vDbgPrintEx(ComponentId, Level, Format, ap);
    va_end(ap);
    return r;
}

NTSTATUS ke_unsupported(const char *function, const char *why, const void *site)
{
    struct vf_location loc;
    char where[512];
    vf_locate(site, true, &loc);
    vf_location_format(&loc, where, sizeof where);
    fprintf(stderr, "openndis: %s is not supported (%s); the call from %s fails\n", function, why, where);
    return STATUS_NOT_IMPLEMENTED;
}

/* Bug check callbacks: OpenNDIS has no bug check to call them at, and no crash dump to add
 * their data to; registering reports that and fails, as the DDI allows (FALSE). */
static const char ke_no_bugcheck[] = "OpenNDIS has no bug check and no crash dump to call them for";

NTKERNELAPI BOOLEAN KeRegisterBugCheckReasonCallback(PKBUGCHECK_REASON_CALLBACK_RECORD CallbackRecord,
                                                     PKBUGCHECK_REASON_CALLBACK_ROUTINE CallbackRoutine,
                                                     KBUGCHECK_CALLBACK_REASON Reason, PUCHAR Component)
{
    (void)CallbackRecord, (void)CallbackRoutine, (void)Reason, (void)Component;
    ke_unsupported("KeRegisterBugCheckReasonCallback", ke_no_bugcheck, VF_CALLER);
    return FALSE;
}

NTKERNELAPI BOOLEAN KeDeregisterBugCheckReasonCallback(PKBUGCHECK_REASON_CALLBACK_RECORD CallbackRecord)
{
    (void)CallbackRecord;
    return FALSE; /* never registered */
}

NTKERNELAPI BOOLEAN KeRegisterBugCheckCallback(PKBUGCHECK_CALLBACK_RECORD CallbackRecord,
                                               PKBUGCHECK_CALLBACK_ROUTINE CallbackRoutine, PVOID Buffer,
                                               ULONG Length, PUCHAR Component)
{
    (void)CallbackRecord, (void)CallbackRoutine, (void)Buffer, (void)Length, (void)Component;
    ke_unsupported("KeRegisterBugCheckCallback", ke_no_bugcheck, VF_CALLER);
    return FALSE;
}

NTKERNELAPI BOOLEAN KeDeregisterBugCheckCallback(PKBUGCHECK_CALLBACK_RECORD CallbackRecord)
{
    (void)CallbackRecord;
    return FALSE; /* never registered */
}
