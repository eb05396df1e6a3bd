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
 * empty) and returns the length of what it holds. `term` is 1 for terminated strings and
 * 0 for counted ones (UNICODE_STRING), which may use every character. */
static size_t ke_str_fail(void *dest, size_t cch, size_t len, DWORD flags, size_t term, size_t w)
{
    if (cch == 0)
        return 0;
    if (flags & STRSAFE_FILL_ON_FAILURE) {
        memset(dest, (int)(flags & 0xFF), cch * w);
        if ((flags & 0xFF) == 0)
            return 0; /* a buffer of zeros holds the empty string */
        if (term)
            ke_set_ch(dest, cch - 1, 0, w);
        return cch - term;
    }
    if (flags & STRSAFE_NULL_ON_FAILURE) {
        if (term)
            ke_set_ch(dest, 0, 0, w);
        return 0;
    }
    return len;
}

/* Puts n characters of src at position `at` (the existing string's end for Cat) of a
 * destination of cch characters; *len is the length of the result. */
static NTSTATUS ke_str_place(void *dest, size_t cch, size_t at, const void *src, size_t n, DWORD flags,
                             size_t term, size_t w, size_t *len)
{
    if (at + n + term <= cch) {
        if (n > 0)
            memmove((char *)dest + at * w, src, n * w);
        *len = at + n;
        if (term)
            ke_set_ch(dest, *len, 0, w);
        if ((flags & STRSAFE_FILL_BEHIND_NULL) && cch > *len + term)
            memset((char *)dest + (*len + term) * w, (int)(flags & 0xFF), (cch - *len - term) * w);
        return STATUS_SUCCESS;
    }
    if (flags & STRSAFE_NO_TRUNCATION) {
        *len = at; /* left as it was */
    } else {
        if (cch - term > at)
            memmove((char *)dest + at * w, src, (cch - term - at) * w);
        *len = cch - term;
        if (term)
            ke_set_ch(dest, *len, 0, w);
    }
    *len = ke_str_fail(dest, cch, *len, flags, term, w);
    return STATUS_BUFFER_OVERFLOW;
}

static NTSTATUS ke_str_put(void *dest, size_t cch, size_t at, const void *src, size_t n, DWORD flags, void **end,
                           size_t *remaining, size_t w)
{
    size_t len;
    NTSTATUS st = ke_str_place(dest, cch, at, src, n, flags, 1, w, &len);
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
    size_t len =
        ke_str_fail(dest, cch, 0, flags | ((flags & STRSAFE_FILL_ON_FAILURE) ? 0 : STRSAFE_NULL_ON_FAILURE), 1, w);
    ke_str_report(dest, cch, len, end, remaining, w);
    return STATUS_INVALID_PARAMETER;
}

/* The source as the functions see it: NULL is "" under STRSAFE_IGNORE_NULLS; its length,
 * counting at most `max` characters (the N forms). */
static const void *ke_str_source(const void *src, DWORD flags, size_t max, size_t *n, size_t w)
{
    static const uint16_t empty = 0;
    if (src == NULL && (flags & STRSAFE_IGNORE_NULLS))
        src = &empty;
    *n = src ? ke_str_len(src, max < NTSTRSAFE_MAX_CCH ? max : NTSTRSAFE_MAX_CCH, w) : 0;
    return src;
}

/* Copy, and CopyN with max <= NTSTRSAFE_MAX_CCH (a larger count is an invalid argument). */
static NTSTATUS ke_str_copy(void *dest, size_t cch, const void *src, size_t max, DWORD flags, void **end,
                            size_t *remaining, size_t w)
{
    size_t n;
    src = ke_str_source(src, flags, max, &n, w);
    bool done;
    NTSTATUS st = ke_str_check(dest, cch, flags, n, &done, end, remaining, w);
    if (done)
        return st;
    if (src == NULL || max > NTSTRSAFE_MAX_CCH)
        return ke_str_invalid(dest, cch, flags, end, remaining, w);
    return ke_str_put(dest, cch, 0, src, n, flags, end, remaining, w);
}

static NTSTATUS ke_str_cat(void *dest, size_t cch, const void *src, size_t max, DWORD flags, void **end,
                           size_t *remaining, size_t w)
{
    size_t n;
    src = ke_str_source(src, flags, max, &n, w);
    bool done;
    NTSTATUS st = ke_str_check(dest, cch, flags, n, &done, end, remaining, w);
    if (done)
        return st;
    size_t at = ke_str_len(dest, cch, w);
    if (src == NULL || at == cch || max > NTSTRSAFE_MAX_CCH) {
        /* the destination is not a string within cchDest, or the arguments are bad: leave it */
        ke_str_report(dest, cch, at == cch ? 0 : at, end, remaining, w);
        return STATUS_INVALID_PARAMETER;
    }
    return ke_str_put(dest, cch, at, src, n, flags, end, remaining, w);
}

/* The Cb Ex forms report what remains in bytes. */
static NTSTATUS ke_str_cb_left(NTSTATUS st, const size_t *cch_left, size_t *cb_left, size_t w)
{
    if (cb_left)
        *cb_left = *cch_left * w;
    return st;
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

/* Wide formatting: the format goes to UTF-8, is formatted with wide defaults, and comes
 * back as UTF-16 in a buffer the caller frees; NULL when memory runs out. */
static WCHAR *ke_wformat(const WCHAR *fmt, va_list ap, size_t *units)
{
    char *nfmt = NULL, *text = NULL;
    WCHAR *wide = NULL;
    size_t fl = ke_format(NULL, 0, "%ws", fmt), n;
    va_list count;
    if ((nfmt = malloc(fl + 1)) == NULL)
        return NULL;
    ke_format(nfmt, fl + 1, "%ws", fmt);
    va_copy(count, ap);
    n = ke_vformat_as(NULL, 0, nfmt, count, true);
    va_end(count);
    if ((text = malloc(n + 1)) != NULL && (wide = malloc((2 * n + 1) * sizeof(WCHAR))) != NULL) {
        ke_vformat_as(text, n + 1, nfmt, ap, true);
        *units = ke_utf8_to_utf16(text, n, wide);
    }
    free(nfmt);
    free(text);
    return wide;
}

static NTSTATUS ke_str_vprintf_w(WCHAR *dest, size_t cch, DWORD flags, const WCHAR *fmt, va_list ap, WCHAR **end,
                                 size_t *remaining)
{
    static const WCHAR empty = 0;
    if (fmt == NULL && (flags & STRSAFE_IGNORE_NULLS))
        fmt = &empty;
    WCHAR *wide = NULL;
    size_t units = 0;
    if (fmt != NULL && (wide = ke_wformat(fmt, ap, &units)) == NULL)
        fmt = NULL; /* out of memory: fail as for a missing format */
    bool done;
    NTSTATUS st = ke_str_check(dest, cch, flags, units, &done, (void **)end, remaining, 2);
    if (!done)
        st = fmt == NULL ? ke_str_invalid(dest, cch, flags, (void **)end, remaining, 2)
                         : ke_str_put(dest, cch, 0, wide, units, flags, (void **)end, remaining, 2);
    free(wide);
    return st;
}

/* ---- the exports -------------------------------------------------------------------------- */
NTSTRSAFEDDI RtlStringCchCopyA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s)
{
    return ke_str_copy(d, cch, s, NTSTRSAFE_MAX_CCH, 0, NULL, NULL, 1);
}
NTSTRSAFEDDI RtlStringCbCopyA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s)
{
    return ke_str_copy(d, cb, s, NTSTRSAFE_MAX_CCH, 0, NULL, NULL, 1);
}
NTSTRSAFEDDI RtlStringCchCopyExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s, NTSTRSAFE_PSTR *end,
                                 size_t *remaining, DWORD flags)
{
    return ke_str_copy(d, cch, s, NTSTRSAFE_MAX_CCH, flags, (void **)end, remaining, 1);
}
NTSTRSAFEDDI RtlStringCbCopyExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s, NTSTRSAFE_PSTR *end, size_t *remaining,
                                DWORD flags)
{
    size_t left;
    return ke_str_cb_left(ke_str_copy(d, cb, s, NTSTRSAFE_MAX_CCH, flags, (void **)end, &left, 1), &left, remaining, 1);
}
NTSTRSAFEDDI RtlStringCchCopyNA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s, size_t n)
{
    return ke_str_copy(d, cch, s, n, 0, NULL, NULL, 1);
}
NTSTRSAFEDDI RtlStringCbCopyNA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s, size_t n)
{
    return ke_str_copy(d, cb, s, n, 0, NULL, NULL, 1);
}
NTSTRSAFEDDI RtlStringCchCopyNExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s, size_t n, NTSTRSAFE_PSTR *end,
                                  size_t *remaining, DWORD flags)
{
    return ke_str_copy(d, cch, s, n, flags, (void **)end, remaining, 1);
}
NTSTRSAFEDDI RtlStringCbCopyNExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s, size_t n, NTSTRSAFE_PSTR *end,
                                 size_t *remaining, DWORD flags)
{
    size_t left;
    return ke_str_cb_left(ke_str_copy(d, cb, s, n, flags, (void **)end, &left, 1), &left, remaining, 1);
}
NTSTRSAFEDDI RtlStringCchCatA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s)
{
    return ke_str_cat(d, cch, s, NTSTRSAFE_MAX_CCH, 0, NULL, NULL, 1);
}
NTSTRSAFEDDI RtlStringCbCatA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s)
{
    return ke_str_cat(d, cb, s, NTSTRSAFE_MAX_CCH, 0, NULL, NULL, 1);
}
NTSTRSAFEDDI RtlStringCchCatExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s, NTSTRSAFE_PSTR *end, size_t *remaining,
                                DWORD flags)
{
    return ke_str_cat(d, cch, s, NTSTRSAFE_MAX_CCH, flags, (void **)end, remaining, 1);
}
NTSTRSAFEDDI RtlStringCbCatExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s, NTSTRSAFE_PSTR *end, size_t *remaining,
                               DWORD flags)
{
    size_t left;
    return ke_str_cb_left(ke_str_cat(d, cb, s, NTSTRSAFE_MAX_CCH, flags, (void **)end, &left, 1), &left, remaining, 1);
}
NTSTRSAFEDDI RtlStringCchCatNA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s, size_t n)
{
    return ke_str_cat(d, cch, s, n, 0, NULL, NULL, 1);
}
NTSTRSAFEDDI RtlStringCbCatNA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s, size_t n)
{
    return ke_str_cat(d, cb, s, n, 0, NULL, NULL, 1);
}
NTSTRSAFEDDI RtlStringCchCatNExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s, size_t n, NTSTRSAFE_PSTR *end,
                                 size_t *remaining, DWORD flags)
{
    return ke_str_cat(d, cch, s, n, flags, (void **)end, remaining, 1);
}
NTSTRSAFEDDI RtlStringCbCatNExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s, size_t n, NTSTRSAFE_PSTR *end,
                                size_t *remaining, DWORD flags)
{
    size_t left;
    return ke_str_cb_left(ke_str_cat(d, cb, s, n, flags, (void **)end, &left, 1), &left, remaining, 1);
}
NTSTRSAFEDDI RtlStringCchCopyW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s)
{
    return ke_str_copy(d, cch, s, NTSTRSAFE_MAX_CCH, 0, NULL, NULL, 2);
}
NTSTRSAFEDDI RtlStringCbCopyW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s)
{
    return ke_str_copy(d, cb / sizeof(WCHAR), s, NTSTRSAFE_MAX_CCH, 0, NULL, NULL, 2);
}
NTSTRSAFEDDI RtlStringCchCopyExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s, NTSTRSAFE_PWSTR *end,
                                 size_t *remaining, DWORD flags)
{
    return ke_str_copy(d, cch, s, NTSTRSAFE_MAX_CCH, flags, (void **)end, remaining, 2);
}
NTSTRSAFEDDI RtlStringCbCopyExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s, NTSTRSAFE_PWSTR *end,
                                size_t *remaining, DWORD flags)
{
    size_t left;
    return ke_str_cb_left(ke_str_copy(d, cb / sizeof(WCHAR), s, NTSTRSAFE_MAX_CCH, flags, (void **)end, &left, 2),
                          &left, remaining, 2);
}
NTSTRSAFEDDI RtlStringCchCopyNW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s, size_t n)
{
    return ke_str_copy(d, cch, s, n, 0, NULL, NULL, 2);
}
NTSTRSAFEDDI RtlStringCbCopyNW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s, size_t n)
{
    return ke_str_copy(d, cb / sizeof(WCHAR), s, n / sizeof(WCHAR), 0, NULL, NULL, 2);
}
NTSTRSAFEDDI RtlStringCchCopyNExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s, size_t n, NTSTRSAFE_PWSTR *end,
                                  size_t *remaining, DWORD flags)
{
    return ke_str_copy(d, cch, s, n, flags, (void **)end, remaining, 2);
}
NTSTRSAFEDDI RtlStringCbCopyNExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s, size_t n, NTSTRSAFE_PWSTR *end,
                                 size_t *remaining, DWORD flags)
{
    size_t left;
    return ke_str_cb_left(ke_str_copy(d, cb / sizeof(WCHAR), s, n / sizeof(WCHAR), flags, (void **)end, &left, 2),
                          &left, remaining, 2);
}
NTSTRSAFEDDI RtlStringCchCatW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s)
{
    return ke_str_cat(d, cch, s, NTSTRSAFE_MAX_CCH, 0, NULL, NULL, 2);
}
NTSTRSAFEDDI RtlStringCbCatW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s)
{
    return ke_str_cat(d, cb / sizeof(WCHAR), s, NTSTRSAFE_MAX_CCH, 0, NULL, NULL, 2);
}
NTSTRSAFEDDI RtlStringCchCatExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s, NTSTRSAFE_PWSTR *end,
                                size_t *remaining, DWORD flags)
{
    return ke_str_cat(d, cch, s, NTSTRSAFE_MAX_CCH, flags, (void **)end, remaining, 2);
}
NTSTRSAFEDDI RtlStringCbCatExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s, NTSTRSAFE_PWSTR *end,
                               size_t *remaining, DWORD flags)
{
    size_t left;
    return ke_str_cb_left(ke_str_cat(d, cb / sizeof(WCHAR), s, NTSTRSAFE_MAX_CCH, flags, (void **)end, &left, 2), &left,
                          remaining, 2);
}
NTSTRSAFEDDI RtlStringCchCatNW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s, size_t n)
{
    return ke_str_cat(d, cch, s, n, 0, NULL, NULL, 2);
}
NTSTRSAFEDDI RtlStringCbCatNW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s, size_t n)
{
    return ke_str_cat(d, cb / sizeof(WCHAR), s, n / sizeof(WCHAR), 0, NULL, NULL, 2);
}
NTSTRSAFEDDI RtlStringCchCatNExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s, size_t n, NTSTRSAFE_PWSTR *end,
                                 size_t *remaining, DWORD flags)
{
    return ke_str_cat(d, cch, s, n, flags, (void **)end, remaining, 2);
}
NTSTRSAFEDDI RtlStringCbCatNExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s, size_t n, NTSTRSAFE_PWSTR *end,
                                size_t *remaining, DWORD flags)
{
    size_t left;
    return ke_str_cb_left(ke_str_cat(d, cb / sizeof(WCHAR), s, n / sizeof(WCHAR), flags, (void **)end, &left, 2), &left,
                          remaining, 2);
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
NTSTRSAFEDDI RtlStringCbVPrintfExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PSTR *end, size_t *remaining, DWORD flags,
                                   NTSTRSAFE_PCSTR fmt, va_list ap)
{
    return ke_str_vprintf(d, cb, flags, fmt, ap, end, remaining); /* a char is a byte */
}
NTSTRSAFEDDI RtlStringCbPrintfExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PSTR *end, size_t *remaining, DWORD flags,
                                  NTSTRSAFE_PCSTR fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = ke_str_vprintf(d, cb, flags, fmt, ap, end, remaining);
    va_end(ap);
    return st;
}
NTSTRSAFEDDI RtlStringCbVPrintfExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PWSTR *end, size_t *remaining, DWORD flags,
                                   NTSTRSAFE_PCWSTR fmt, va_list ap)
{
    size_t left;
    return ke_str_cb_left(ke_str_vprintf_w(d, cb / sizeof(WCHAR), flags, fmt, ap, end, &left), &left, remaining, 2);
}
NTSTRSAFEDDI RtlStringCbPrintfExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PWSTR *end, size_t *remaining, DWORD flags,
                                  NTSTRSAFE_PCWSTR fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = RtlStringCbVPrintfExW(d, cb, end, remaining, flags, fmt, ap);
    va_end(ap);
    return st;
}

/* ---- UNICODE_STRING: lengths in bytes, no terminator needed, at most
 * NTSTRSAFE_UNICODE_STRING_MAX_CCH characters. The same placing routine with term = 0. ---- */
#define KE_US_MAX_CB (NTSTRSAFE_UNICODE_STRING_MAX_CCH * sizeof(WCHAR))

/* RtlUnicodeStringValidateEx's rules; under STRSAFE_IGNORE_NULLS a NULL structure, and a NULL
 * Buffer whatever its lengths, are the empty string. */
static NTSTATUS ke_us_validate(PCUNICODE_STRING s, DWORD flags, DWORD allowed)
{
    if ((flags & ~allowed) != 0)
        return STATUS_INVALID_PARAMETER;
    if (s == NULL)
        return (flags & STRSAFE_IGNORE_NULLS) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    if (s->Length % sizeof(WCHAR) || s->MaximumLength % sizeof(WCHAR) || s->Length > s->MaximumLength ||
        s->MaximumLength > KE_US_MAX_CB)
        return STATUS_INVALID_PARAMETER;
    if (s->Buffer == NULL && (s->Length || s->MaximumLength) && !(flags & STRSAFE_IGNORE_NULLS))
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

/* A UNICODE_STRING source: its characters, at most `max` of them. */
static NTSTATUS ke_us_source(PCUNICODE_STRING s, DWORD flags, size_t max, const WCHAR **buf, size_t *n)
{
    NTSTATUS st = ke_us_validate(s, flags, KE_STR_FLAGS);
    bool empty = !NT_SUCCESS(st) || s == NULL || s->Buffer == NULL;
    *buf = empty ? NULL : s->Buffer;
    *n = empty ? 0 : s->Length / sizeof(WCHAR);
    if (*n > max)
        *n = max;
    return max > NTSTRSAFE_UNICODE_STRING_MAX_CCH ? STATUS_INVALID_PARAMETER : st;
}

/* A terminated source for the String forms: NULL is "" under STRSAFE_IGNORE_NULLS. */
static NTSTATUS ke_us_source_sz(const WCHAR *s, DWORD flags, size_t max, const WCHAR **buf, size_t *n)
{
    *buf = ke_str_source(s, flags, max, n, 2);
    return *buf == NULL || max > NTSTRSAFE_UNICODE_STRING_MAX_CCH ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
}

/* Puts n characters of src into d (at its end for Cat) as the flags ask; `src_st` is the
 * verdict on the source, applied once the destination is known to be usable. */
static NTSTATUS ke_us_put(PUNICODE_STRING d, bool cat, NTSTATUS src_st, const WCHAR *src, size_t n,
                          PUNICODE_STRING rem, DWORD flags)
{
    NTSTATUS st = ke_us_validate(d, flags, KE_STR_FLAGS);
    if (!NT_SUCCESS(st))
        return st;
    if (d == NULL) { /* allowed by STRSAFE_IGNORE_NULLS: a destination with no room */
        if (rem)
            *rem = (UNICODE_STRING){ 0, 0, NULL };
        return !NT_SUCCESS(src_st) ? src_st : n == 0 ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW;
    }
    size_t cch = d->Buffer ? d->MaximumLength / sizeof(WCHAR) : 0;
    size_t at = d->Buffer ? d->Length / sizeof(WCHAR) : 0, len = at;
    if (NT_SUCCESS(src_st)) {
        st = ke_str_place(d->Buffer, cch, cat ? at : 0, src, n, flags, 0, 2, &len);
    } else {
        len = ke_str_fail(d->Buffer, cch, at, flags, 0, 2);
        st = src_st;
    }
    d->Length = (USHORT)(len * sizeof(WCHAR));
    if (rem)
        *rem = (UNICODE_STRING){ 0, (USHORT)((cch - len) * sizeof(WCHAR)), d->Buffer ? d->Buffer + len : NULL };
    return st;
}

static NTSTATUS ke_us_copy(PUNICODE_STRING d, bool cat, PCUNICODE_STRING s, size_t max, PUNICODE_STRING rem,
                           DWORD flags)
{
    const WCHAR *buf;
    size_t n;
    NTSTATUS st = ke_us_source(s, flags, max, &buf, &n);
    return ke_us_put(d, cat, st, buf, n, rem, flags);
}

static NTSTATUS ke_us_copy_sz(PUNICODE_STRING d, bool cat, const WCHAR *s, size_t max, PUNICODE_STRING rem,
                              DWORD flags)
{
    const WCHAR *buf;
    size_t n;
    NTSTATUS st = ke_us_source_sz(s, flags, max, &buf, &n);
    return ke_us_put(d, cat, st, buf, n, rem, flags);
}

static NTSTATUS ke_us_vprintf(PUNICODE_STRING d, PUNICODE_STRING rem, DWORD flags, const WCHAR *fmt, va_list ap)
{
    static const WCHAR empty = 0;
    if (fmt == NULL && (flags & STRSAFE_IGNORE_NULLS))
        fmt = &empty;
    WCHAR *wide = NULL;
    size_t units = 0;
    NTSTATUS src_st = STATUS_INVALID_PARAMETER;
    if (fmt != NULL && (wide = ke_wformat(fmt, ap, &units)) != NULL)
        src_st = STATUS_SUCCESS;
    NTSTATUS st = ke_us_put(d, false, src_st, wide, units, rem, flags);
    free(wide);
    return st;
}

NTSTRSAFEDDI RtlUnicodeStringInitEx(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, DWORD flags)
{
    size_t n = 0;
    if ((flags & ~(DWORD)STRSAFE_IGNORE_NULLS) != 0 || (d == NULL && (s != NULL || !(flags & STRSAFE_IGNORE_NULLS))))
        return STATUS_INVALID_PARAMETER;
    /* the string and its terminator fit in NTSTRSAFE_UNICODE_STRING_MAX_CCH characters */
    NTSTATUS st = s ? ke_str_length(s, NTSTRSAFE_UNICODE_STRING_MAX_CCH, &n, 2) : STATUS_SUCCESS;
    if (d != NULL) {
        bool ok = NT_SUCCESS(st) && s != NULL;
        *d = (UNICODE_STRING){ (USHORT)(ok ? n * sizeof(WCHAR) : 0), (USHORT)(ok ? (n + 1) * sizeof(WCHAR) : 0),
                               ok ? (PWCH)s : NULL };
    }
    return st;
}
NTSTRSAFEDDI RtlUnicodeStringInit(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s)
{
    return RtlUnicodeStringInitEx(d, s, 0);
}
NTSTRSAFEDDI RtlUnicodeStringValidateEx(PCUNICODE_STRING s, DWORD flags)
{
    return ke_us_validate(s, flags, STRSAFE_IGNORE_NULLS);
}
NTSTRSAFEDDI RtlUnicodeStringValidate(PCUNICODE_STRING s)
{
    return ke_us_validate(s, 0, 0);
}

#define KE_US_ALL NTSTRSAFE_UNICODE_STRING_MAX_CCH
NTSTRSAFEDDI RtlUnicodeStringCopy(PUNICODE_STRING d, PCUNICODE_STRING s)
{
    return ke_us_copy(d, false, s, KE_US_ALL, NULL, 0);
}
NTSTRSAFEDDI RtlUnicodeStringCopyEx(PUNICODE_STRING d, PCUNICODE_STRING s, PUNICODE_STRING rem, DWORD flags)
{
    return ke_us_copy(d, false, s, KE_US_ALL, rem, flags);
}
NTSTRSAFEDDI RtlUnicodeStringCat(PUNICODE_STRING d, PCUNICODE_STRING s)
{
    return ke_us_copy(d, true, s, KE_US_ALL, NULL, 0);
}
NTSTRSAFEDDI RtlUnicodeStringCatEx(PUNICODE_STRING d, PCUNICODE_STRING s, PUNICODE_STRING rem, DWORD flags)
{
    return ke_us_copy(d, true, s, KE_US_ALL, rem, flags);
}
NTSTRSAFEDDI RtlUnicodeStringCchCopyN(PUNICODE_STRING d, PCUNICODE_STRING s, size_t n)
{
    return ke_us_copy(d, false, s, n, NULL, 0);
}
NTSTRSAFEDDI RtlUnicodeStringCbCopyN(PUNICODE_STRING d, PCUNICODE_STRING s, size_t n)
{
    return ke_us_copy(d, false, s, n / sizeof(WCHAR), NULL, 0);
}
NTSTRSAFEDDI RtlUnicodeStringCchCopyNEx(PUNICODE_STRING d, PCUNICODE_STRING s, size_t n, PUNICODE_STRING rem,
                                        DWORD flags)
{
    return ke_us_copy(d, false, s, n, rem, flags);
}
NTSTRSAFEDDI RtlUnicodeStringCbCopyNEx(PUNICODE_STRING d, PCUNICODE_STRING s, size_t n, PUNICODE_STRING rem,
                                       DWORD flags)
{
    return ke_us_copy(d, false, s, n / sizeof(WCHAR), rem, flags);
}
NTSTRSAFEDDI RtlUnicodeStringCchCatN(PUNICODE_STRING d, PCUNICODE_STRING s, size_t n)
{
    return ke_us_copy(d, true, s, n, NULL, 0);
}
NTSTRSAFEDDI RtlUnicodeStringCbCatN(PUNICODE_STRING d, PCUNICODE_STRING s, size_t n)
{
    return ke_us_copy(d, true, s, n / sizeof(WCHAR), NULL, 0);
}
NTSTRSAFEDDI RtlUnicodeStringCchCatNEx(PUNICODE_STRING d, PCUNICODE_STRING s, size_t n, PUNICODE_STRING rem,
                                       DWORD flags)
{
    return ke_us_copy(d, true, s, n, rem, flags);
}
NTSTRSAFEDDI RtlUnicodeStringCbCatNEx(PUNICODE_STRING d, PCUNICODE_STRING s, size_t n, PUNICODE_STRING rem,
                                      DWORD flags)
{
    return ke_us_copy(d, true, s, n / sizeof(WCHAR), rem, flags);
}

NTSTRSAFEDDI RtlUnicodeStringCopyString(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s)
{
    return ke_us_copy_sz(d, false, s, KE_US_ALL, NULL, 0);
}
NTSTRSAFEDDI RtlUnicodeStringCopyStringEx(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, PUNICODE_STRING rem, DWORD flags)
{
    return ke_us_copy_sz(d, false, s, KE_US_ALL, rem, flags);
}
NTSTRSAFEDDI RtlUnicodeStringCatString(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s)
{
    return ke_us_copy_sz(d, true, s, KE_US_ALL, NULL, 0);
}
NTSTRSAFEDDI RtlUnicodeStringCatStringEx(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, PUNICODE_STRING rem, DWORD flags)
{
    return ke_us_copy_sz(d, true, s, KE_US_ALL, rem, flags);
}
NTSTRSAFEDDI RtlUnicodeStringCchCopyStringN(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, size_t n)
{
    return ke_us_copy_sz(d, false, s, n, NULL, 0);
}
NTSTRSAFEDDI RtlUnicodeStringCbCopyStringN(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, size_t n)
{
    return ke_us_copy_sz(d, false, s, n / sizeof(WCHAR), NULL, 0);
}
NTSTRSAFEDDI RtlUnicodeStringCchCatStringN(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, size_t n)
{
    return ke_us_copy_sz(d, true, s, n, NULL, 0);
}
NTSTRSAFEDDI RtlUnicodeStringCbCatStringN(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, size_t n)
{
    return ke_us_copy_sz(d, true, s, n / sizeof(WCHAR), NULL, 0);
}

NTSTRSAFEDDI RtlUnicodeStringVPrintfEx(PUNICODE_STRING d, PUNICODE_STRING rem, DWORD flags, NTSTRSAFE_PCWSTR fmt,
                                       va_list ap)
{
    return ke_us_vprintf(d, rem, flags, fmt, ap);
}
NTSTRSAFEDDI RtlUnicodeStringVPrintf(PUNICODE_STRING d, NTSTRSAFE_PCWSTR fmt, va_list ap)
{
    return ke_us_vprintf(d, NULL, 0, fmt, ap);
}
NTSTRSAFEDDI RtlUnicodeStringPrintfEx(PUNICODE_STRING d, PUNICODE_STRING rem, DWORD flags, NTSTRSAFE_PCWSTR fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = ke_us_vprintf(d, rem, flags, fmt, ap);
    va_end(ap);
    return st;
}
NTSTRSAFEDDI RtlUnicodeStringPrintf(PUNICODE_STRING d, NTSTRSAFE_PCWSTR fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = ke_us_vprintf(d, NULL, 0, fmt, ap);
    va_end(ap);
    return st;
}
