/* The ntstrsafe.h functions (include/ntstrsafe.h says what they promise). One routine puts a
 * known run of characters into a bounded destination with the flags' behaviour; Copy, Cat
 * and Printf only work out what to put and where. Characters are 1 byte (A) or 2 (W). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ntstrsafe.h>

#include "ke.h"

#define KE_STR_FLAGS                                                                                            \
    (0xFFu | STRSAFE_IGNORE_NULLS | STRSAFE_FILL_BEHIND_NULL | STRSAFE_FILL_ON_FAILURE | STRSAFE_NULL_ON_FAILURE | \
     STRSAFE_NO_TRUNCATION)

static size_t ke_ch(const void *s, size_t i, size_t w)
{
    return w == 1 ? ((const unsigned char *)s)[i] : ((const uint16_t *)s)[i];
}

static void ke_set_ch(void *s, size_t i, size_t c, size_t w)
{
    if (w == 1)
        ((unsigned char *)s)[i] = (unsigned char)c;
    else
        ((uint16_t *)s)[i] = (uint16_t)c;
}

/* Characters before the terminator, looking at most `max`; `max` when there is none. */
static size_t ke_str_len(const void *s, size_t max, size_t w)
{
    size_t n = 0;
    while (n < max && ke_ch(s, n, w) != 0)
        n++;
    return n;
}

/* Reports the terminator and the characters left, for the Ex forms. */
static void ke_str_report(void *dest, size_t cch, size_t len, void **end, size_t *remaining, size_t w)
{
    if (end)
        *end = dest ? (char *)dest + len * w : NULL;
    if (remaining)
        *remaining = dest ? cch - len : 0;
}

/* A failure leaves the destination as the flags ask (whole buffer of the fill byte, or
 * empty) and returns the length of what it holds. */
static size_t ke_str_fail(void *dest, size_t cch, size_t len, DWORD flags, size_t w)
{
    if (flags & STRSAFE_FILL_ON_FAILURE) {
        memset(dest, (int)(flags & 0xFF), cch * w);
        ke_set_ch(dest, cch - 1, 0, w);
        return cch - 1;
    }
    if (flags & STRSAFE_NULL_ON_FAILURE) {
        ke_set_ch(dest, 0, 0, w);
        return 0;
    }
    return len;
}

/* Puts n characters of src at position `at` (the existing string's end for Cat) of a
 * destination of cch characters. */
static NTSTATUS ke_str_put(void *dest, size_t cch, size_t at, const void *src, size_t n, DWORD flags, void **end,
                           size_t *remaining, size_t w)
{
    NTSTATUS st = STATUS_SUCCESS;
    size_t len;
    if (at + n < cch) {
        memmove((char *)dest + at * w, src, n * w);
        len = at + n;
        ke_set_ch(dest, len, 0, w);
        if (flags & STRSAFE_FILL_BEHIND_NULL)
            memset((char *)dest + (len + 1) * w, (int)(flags & 0xFF), (cch - len - 1) * w);
    } else {
        st = STATUS_BUFFER_OVERFLOW;
        if (flags & STRSAFE_NO_TRUNCATION) {
            len = at; /* left as it was */
        } else {
            memmove((char *)dest + at * w, src, (cch - 1 - at) * w);
            len = cch - 1;
            ke_set_ch(dest, len, 0, w);
        }
        len = ke_str_fail(dest, cch, len, flags, w);
    }
    ke_str_report(dest, cch, len, end, remaining, w);
    return st;
}

/* The checks every function makes of its destination; *done is set when the call is over
 * (an invalid argument, or a NULL destination of size 0 allowed by STRSAFE_IGNORE_NULLS). */
static NTSTATUS ke_str_check(void *dest, size_t cch, DWORD flags, size_t want, bool *done, void **end,
                             size_t *remaining, size_t w)
{
    *done = true;
    if ((flags & ~KE_STR_FLAGS) != 0 || cch > NTSTRSAFE_MAX_CCH) {
        ke_str_report(NULL, 0, 0, end, remaining, w);
        return STATUS_INVALID_PARAMETER;
    }
    if (dest == NULL) {
        ke_str_report(NULL, 0, 0, end, remaining, w);
        if ((flags & STRSAFE_IGNORE_NULLS) && cch == 0)
            return want == 0 ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW;
        return STATUS_INVALID_PARAMETER;
    }
    if (cch == 0) {
        ke_str_report(NULL, 0, 0, end, remaining, w);
        return STATUS_INVALID_PARAMETER;
    }
    *done = false;
    return STATUS_SUCCESS;
}

/* An invalid argument with a usable destination: apply the failure flags, or empty it. */
static NTSTATUS ke_str_invalid(void *dest, size_t cch, DWORD flags, void **end, size_t *remaining, size_t w)
{
    size_t len = ke_str_fail(dest, cch, 0, flags | ((flags & STRSAFE_FILL_ON_FAILURE) ? 0 : STRSAFE_NULL_ON_FAILURE), w);
    ke_str_report(dest, cch, len, end, remaining, w);
    return STATUS_INVALID_PARAMETER;
}

/* The source as the functions see it: NULL is "" under STRSAFE_IGNORE_NULLS; its length. */
static const void *ke_str_source(const void *src, DWORD flags, size_t *n, size_t w)
{
    static const uint16_t empty = 0;
    if (src == NULL && (flags & STRSAFE_IGNORE_NULLS))
        src = &empty;
    *n = src ? ke_str_len(src, NTSTRSAFE_MAX_CCH, w) : 0;
    return src;
}

static NTSTATUS ke_str_copy(void *dest, size_t cch, const void *src, DWORD flags, void **end, size_t *remaining,
                            size_t w)
{
    size_t n;
    src = ke_str_source(src, flags, &n, w);
    bool done;
    NTSTATUS st = ke_str_check(dest, cch, flags, n, &done, end, remaining, w);
    if (done)
        return st;
    if (src == NULL)
        return ke_str_invalid(dest, cch, flags, end, remaining, w);
    return ke_str_put(dest, cch, 0, src, n, flags, end, remaining, w);
}

static NTSTATUS ke_str_cat(void *dest, size_t cch, const void *src, DWORD flags, size_t w)
{
    size_t n;
    src = ke_str_source(src, flags, &n, w);
    bool done;
    NTSTATUS st = ke_str_check(dest, cch, flags, n, &done, NULL, NULL, w);
    if (done)
        return st;
    size_t at = ke_str_len(dest, cch, w);
    if (src == NULL || at == cch)
        return STATUS_INVALID_PARAMETER; /* the destination is not a string within cchDest: leave it */
    return ke_str_put(dest, cch, at, src, n, flags, NULL, NULL, w);
}

static NTSTATUS ke_str_length(const void *s, size_t cch_max, size_t *out, size_t w)
{
    size_t n = s && cch_max > 0 && cch_max <= NTSTRSAFE_MAX_CCH ? ke_str_len(s, cch_max, w) : cch_max;
    bool ok = s != NULL && cch_max > 0 && cch_max <= NTSTRSAFE_MAX_CCH && n < cch_max;
    if (out)
        *out = ok ? n : 0;
    return ok ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

static NTSTATUS ke_str_vprintf(char *dest, size_t cch, DWORD flags, const char *fmt, va_list ap, char **end,
                               size_t *remaining)
{
    if (fmt == NULL && (flags & STRSAFE_IGNORE_NULLS))
        fmt = "";
    va_list count;
    va_copy(count, ap);
    size_t n = fmt ? ke_vformat(NULL, 0, fmt, count) : 0;
    va_end(count);
    bool done;
    NTSTATUS st = ke_str_check(dest, cch, flags, n, &done, (void **)end, remaining, 1);
    if (done)
        return st;
    if (fmt == NULL)
        return ke_str_invalid(dest, cch, flags, (void **)end, remaining, 1);
    char *text = malloc(n + 1);
    if (text == NULL)
        return ke_str_invalid(dest, cch, flags, (void **)end, remaining, 1);
    ke_vformat(text, n + 1, fmt, ap);
    st = ke_str_put(dest, cch, 0, text, n, flags, (void **)end, remaining, 1);
    free(text);
    return st;
}

static size_t ke_str_format(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = ke_vformat(out, cap, fmt, ap);
    va_end(ap);
    return n;
}

/* UTF-8 (what the formatter writes) to UTF-16; malformed bytes become U+FFFD. Returns the
 * number of UTF-16 units written to out (which has room for 2 * len + 1). */
static size_t ke_utf8_to_utf16(const char *in, size_t len, WCHAR *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned char b = (unsigned char)in[i];
        size_t extra = b < 0x80 ? 0 : (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : 4;
        uint32_t c = 0xfffd;
        size_t used = 1;
        if (extra == 0) {
            c = b;
        } else if (extra < 4 && i + extra < len) {
            uint32_t v = b & (0x3fu >> extra);
            size_t k = 1;
            for (; k <= extra && ((unsigned char)in[i + k] & 0xc0) == 0x80; k++)
                v = (v << 6) | ((unsigned char)in[i + k] & 0x3f);
            if (k > extra) {
                c = v;
                used = extra + 1;
            }
        }
        i += used;
        if (c >= 0x10000) {
            out[o++] = (WCHAR)(0xd800 + ((c - 0x10000) >> 10));
            out[o++] = (WCHAR)(0xdc00 + ((c - 0x10000) & 0x3ff));
        } else {
            out[o++] = (WCHAR)c;
        }
    }
    return o;
}

/* Wide printf: the format goes to UTF-8, is formatted with wide defaults, and comes back. */
static NTSTATUS ke_str_vprintf_w(WCHAR *dest, size_t cch, DWORD flags, const WCHAR *fmt, va_list ap, WCHAR **end,
                                 size_t *remaining)
{
    static const WCHAR empty = 0;
    if (fmt == NULL && (flags & STRSAFE_IGNORE_NULLS))
        fmt = &empty;
    char *nfmt = NULL, *text = NULL;
    WCHAR *wide = NULL;
    size_t n = 0, units = 0;
    NTSTATUS st = STATUS_SUCCESS;
    if (fmt != NULL) {
        size_t fl = ke_str_format(NULL, 0, "%ws", fmt);
        va_list count;
        if ((nfmt = malloc(fl + 1)) == NULL)
            goto fail;
        ke_str_format(nfmt, fl + 1, "%ws", fmt);
        va_copy(count, ap);
        n = ke_vformat_as(NULL, 0, nfmt, count, true);
        va_end(count);
        if ((text = malloc(n + 1)) == NULL || (wide = malloc((2 * n + 1) * sizeof(WCHAR))) == NULL)
            goto fail;
        ke_vformat_as(text, n + 1, nfmt, ap, true);
        units = ke_utf8_to_utf16(text, n, wide);
    }
    bool done;
    st = ke_str_check(dest, cch, flags, units, &done, (void **)end, remaining, 2);
    if (!done)
        st = fmt == NULL ? ke_str_invalid(dest, cch, flags, (void **)end, remaining, 2)
                         : ke_str_put(dest, cch, 0, wide, units, flags, (void **)end, remaining, 2);
    free(nfmt);
    free(text);
    free(wide);
    return st;
fail:
    free(nfmt);
    free(text);
    free(wide);
    if (dest == NULL || cch == 0 || cch > NTSTRSAFE_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    return ke_str_invalid(dest, cch, flags, (void **)end, remaining, 2);
}

/* ---- the exports -------------------------------------------------------------------------- */
NTSTRSAFEDDI RtlStringCchCopyA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s)
{
    return ke_str_copy(d, cch, s, 0, NULL, NULL, 1);
}
NTSTRSAFEDDI RtlStringCchCopyW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s)
{
    return ke_str_copy(d, cch, s, 0, NULL, NULL, 2);
}
NTSTRSAFEDDI RtlStringCbCopyA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s)
{
    return ke_str_copy(d, cb, s, 0, NULL, NULL, 1);
}
NTSTRSAFEDDI RtlStringCbCopyW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s)
{
    return ke_str_copy(d, cb / sizeof(WCHAR), s, 0, NULL, NULL, 2);
}
NTSTRSAFEDDI RtlStringCchCopyExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s, NTSTRSAFE_PSTR *end,
                                 size_t *remaining, DWORD flags)
{
    return ke_str_copy(d, cch, s, flags, (void **)end, remaining, 1);
}
NTSTRSAFEDDI RtlStringCchCopyExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s, NTSTRSAFE_PWSTR *end,
                                 size_t *remaining, DWORD flags)
{
    return ke_str_copy(d, cch, s, flags, (void **)end, remaining, 2);
}

NTSTRSAFEDDI RtlStringCchCatA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s)
{
    return ke_str_cat(d, cch, s, 0, 1);
}
NTSTRSAFEDDI RtlStringCchCatW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s)
{
    return ke_str_cat(d, cch, s, 0, 2);
}
NTSTRSAFEDDI RtlStringCbCatA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s)
{
    return ke_str_cat(d, cb, s, 0, 1);
}
NTSTRSAFEDDI RtlStringCbCatW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s)
{
    return ke_str_cat(d, cb / sizeof(WCHAR), s, 0, 2);
}

NTSTRSAFEDDI RtlStringCchLengthA(NTSTRSAFE_PCSTR s, size_t cch_max, size_t *len)
{
    return ke_str_length(s, cch_max, len, 1);
}
NTSTRSAFEDDI RtlStringCchLengthW(NTSTRSAFE_PCWSTR s, size_t cch_max, size_t *len)
{
    return ke_str_length(s, cch_max, len, 2);
}
NTSTRSAFEDDI RtlStringCbLengthA(NTSTRSAFE_PCSTR s, size_t cb_max, size_t *len)
{
    return ke_str_length(s, cb_max, len, 1);
}
NTSTRSAFEDDI RtlStringCbLengthW(NTSTRSAFE_PCWSTR s, size_t cb_max, size_t *len)
{
    size_t cch = 0;
    NTSTATUS st = ke_str_length(s, cb_max / sizeof(WCHAR), &cch, 2);
    if (len)
        *len = cch * sizeof(WCHAR);
    return st;
}

NTSTRSAFEDDI RtlStringCchVPrintfA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR fmt, va_list ap)
{
    return ke_str_vprintf(d, cch, 0, fmt, ap, NULL, NULL);
}
NTSTRSAFEDDI RtlStringCbVPrintfA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR fmt, va_list ap)
{
    return ke_str_vprintf(d, cb, 0, fmt, ap, NULL, NULL);
}
NTSTRSAFEDDI RtlStringCchVPrintfExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PSTR *end, size_t *remaining,
                                    DWORD flags, NTSTRSAFE_PCSTR fmt, va_list ap)
{
    return ke_str_vprintf(d, cch, flags, fmt, ap, end, remaining);
}
NTSTRSAFEDDI RtlStringCchPrintfA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = ke_str_vprintf(d, cch, 0, fmt, ap, NULL, NULL);
    va_end(ap);
    return st;
}
NTSTRSAFEDDI RtlStringCbPrintfA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = ke_str_vprintf(d, cb, 0, fmt, ap, NULL, NULL);
    va_end(ap);
    return st;
}
NTSTRSAFEDDI RtlStringCchPrintfExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PSTR *end, size_t *remaining,
                                   DWORD flags, NTSTRSAFE_PCSTR fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = ke_str_vprintf(d, cch, flags, fmt, ap, end, remaining);
    va_end(ap);
    return st;
}

NTSTRSAFEDDI RtlStringCchVPrintfW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR fmt, va_list ap)
{
    return ke_str_vprintf_w(d, cch, 0, fmt, ap, NULL, NULL);
}
NTSTRSAFEDDI RtlStringCbVPrintfW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR fmt, va_list ap)
{
    return ke_str_vprintf_w(d, cb / sizeof(WCHAR), 0, fmt, ap, NULL, NULL);
}
NTSTRSAFEDDI RtlStringCchVPrintfExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PWSTR *end, size_t *remaining,
                                    DWORD flags, NTSTRSAFE_PCWSTR fmt, va_list ap)
{
    return ke_str_vprintf_w(d, cch, flags, fmt, ap, end, remaining);
}
NTSTRSAFEDDI RtlStringCchPrintfW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = ke_str_vprintf_w(d, cch, 0, fmt, ap, NULL, NULL);
    va_end(ap);
    return st;
}
NTSTRSAFEDDI RtlStringCbPrintfW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = ke_str_vprintf_w(d, cb / sizeof(WCHAR), 0, fmt, ap, NULL, NULL);
    va_end(ap);
    return st;
}
NTSTRSAFEDDI RtlStringCchPrintfExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PWSTR *end, size_t *remaining,
                                   DWORD flags, NTSTRSAFE_PCWSTR fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = ke_str_vprintf_w(d, cch, flags, fmt, ap, end, remaining);
    va_end(ap);
    return st;
}
