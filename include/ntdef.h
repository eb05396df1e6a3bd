/* OpenNDIS: NT base types with Windows (LLP64) widths, the MSVC-isms driver source uses,
 * counted strings and the doubly linked list helpers. Written from the documented types. */
#ifndef OPENNDIS_NTDEF_H
#define OPENNDIS_NTDEF_H

#include <stddef.h>
#include <stdint.h>
#if defined(__cplusplus) && !defined(_MSC_VER)
/* libstdc++'s configuration header #undefs min and max: read it first, once, so the min and
 * max below survive the C++ headers a driver includes later */
#include <cstddef>
#endif
#if (defined(_MSC_VER) || (defined(__clang__) && !defined(__GNUC__))) && !defined(OPENNDIS_BUILDING)
/* A driver built as a PE image (clang --target=x86_64-pc-windows-msvc, freestanding: no C
 * library headers): the C run-time functions a driver calls are ntoskrnl's exports. The
 * same declarations serve clang++ -fms-compatibility on Linux (openndis build's C++), in
 * which glibc's <string.h> does not compile (clang then poses as no GNU compiler). */
#if defined(_MSC_VER)
#define OPENNDIS_PE_DRIVER 1
#endif
#include "crt/string.h"
#else
#include <string.h>
#endif

#include <sal.h>

#ifdef __cplusplus
#define OPENNDIS_EXTERN_C_BEGIN extern "C" {
#define OPENNDIS_EXTERN_C_END }
#define OPENNDIS_STATIC_ASSERT(e, msg) static_assert(e, msg)
#else
#define OPENNDIS_EXTERN_C_BEGIN
#define OPENNDIS_EXTERN_C_END
#define OPENNDIS_STATIC_ASSERT(e, msg) _Static_assert(e, msg)
#endif

/* L"..." must be UTF-16 as on Windows: every WCHAR layout depends on it. OpenNDIS itself
 * uses u"..." and is exempt. */
#if !defined(OPENNDIS_BUILDING) && defined(__WCHAR_MAX__) && __WCHAR_MAX__ != 0xffff
#error "NDIS drivers must be compiled with -fshort-wchar (pkg-config --cflags openndis adds it)"
#endif

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "OpenNDIS supports 64-bit targets (x86-64, AArch64) only"
#endif
/* MSVC predefines _WIN64 on these targets and the WDK build names the architecture; driver
 * source tests both (Wintun's 32-bit-process paths hang on _WIN64). */
#ifndef _WIN64
#define _WIN64 1
#endif
#if defined(__x86_64__) && !defined(_AMD64_)
#define _AMD64_ 1
#endif
#if defined(__aarch64__) && !defined(_ARM64_)
#define _ARM64_ 1
#endif

/* ---- MSVC-isms ---------------------------------------------------------------------- */
#ifdef OPENNDIS_PE_DRIVER
/* clang in MSVC mode knows them: __declspec, __int64, __stdcall, __forceinline ... */
#define UNALIGNED __unaligned
#define UNALIGNED64 __unaligned
#define IN
#define OUT
#define OPTIONAL
#define CONST const
#define __fallthrough
#define __CRTDECL __cdecl /* the MSVC run time's calling convention */
#define OPENNDIS_API
/* The kernel's exported variables: an image reaches them through its import table. */
#define OPENNDIS_DATA_API __declspec(dllimport)
#else
#define __stdcall
#define __cdecl
#define __CRTDECL /* the MSVC run time's calling convention: the default here */
#define __fastcall
#define __ptr64
#define __ptr32
#define __unaligned
#define UNALIGNED
#define UNALIGNED64
#define IN
#define OUT
#define OPTIONAL
#define CONST const
#define __fallthrough
#define __forceinline __inline__ __attribute__((__always_inline__))
#define __int8 char
#define __int16 short
#define __int32 int
#define __int64 long long
#define __declspec(x) OPENNDIS_DECLSPEC_##x
#define OPENNDIS_DECLSPEC_align(n) __attribute__((__aligned__(n)))
#define OPENNDIS_DECLSPEC_noinline __attribute__((__noinline__))
#define OPENNDIS_DECLSPEC_noreturn __attribute__((__noreturn__))
#define OPENNDIS_DECLSPEC_dllimport
#define OPENNDIS_DECLSPEC_dllexport __attribute__((__visibility__("default")))
#define OPENNDIS_DECLSPEC_selectany __attribute__((__weak__))
#define OPENNDIS_DECLSPEC_nothrow
#define OPENNDIS_DECLSPEC_novtable
#define OPENNDIS_DECLSPEC_restrict
#define OPENNDIS_DECLSPEC_noalias
#define OPENNDIS_DECLSPEC_deprecated __attribute__((__deprecated__))
#define OPENNDIS_DECLSPEC_code_seg(seg)
#define OPENNDIS_DECLSPEC_allocate(seg)
/* MSVC's operator form of #pragma: pack and the like keep working, warning(...) is ignored
 * (clang -fms-extensions has its own) */
#ifndef __pragma
#define __pragma(x) _Pragma(#x)
#endif

/* Functions OpenNDIS exports to drivers keep default visibility even when the library
 * (or a driver) is built with -fvisibility=hidden. */
#define OPENNDIS_API __attribute__((__visibility__("default")))
#define OPENNDIS_DATA_API OPENNDIS_API
#endif
#define NTAPI
#define NTSYSAPI OPENNDIS_API
#define NTSYSCALLAPI OPENNDIS_API
#define NTKERNELAPI OPENNDIS_API
#define NTHALAPI OPENNDIS_API
#define WINAPI
#define CALLBACK
#ifdef __cplusplus
#define EXTERN_C extern "C"
#define EXTERN_C_START extern "C" {
#define EXTERN_C_END }
#else
#define EXTERN_C extern
#define EXTERN_C_START
#define EXTERN_C_END
#endif
#define FASTCALL
#define FORCEINLINE __forceinline
#define DECLSPEC_ALIGN(n) __attribute__((__aligned__(n)))
#define DECLSPEC_CACHEALIGN DECLSPEC_ALIGN(64)
#define DECLSPEC_NOINLINE __attribute__((__noinline__))
#define DECLSPEC_NORETURN __attribute__((__noreturn__))
#define DECLSPEC_SELECTANY __attribute__((__weak__))
#define DECLSPEC_IMPORT
#define DECLSPEC_EXPORT __attribute__((__visibility__("default")))
#define DECLSPEC_DEPRECATED __attribute__((__deprecated__))
#define DECLSPEC_NOTHROW
#define DECLSPEC_NOVTABLE
#define DECLSPEC_GUARDNOCF
#define C_ASSERT(e) OPENNDIS_STATIC_ASSERT(e, #e)
#define UNREFERENCED_PARAMETER(p) ((void)(p))
#define DBG_UNREFERENCED_PARAMETER(p) ((void)(p))
#define DBG_UNREFERENCED_LOCAL_VARIABLE(v) ((void)(v))
#define ANYSIZE_ARRAY 1
#define MAX_NATURAL_ALIGNMENT sizeof(ULONGLONG)
#define MEMORY_ALLOCATION_ALIGNMENT 16

/* ---- base types (LLP64: LONG/ULONG are 32 bits even on 64-bit targets) -------------- */
#define VOID void
#define NOTHING /* an empty statement's body: `if (x) NOTHING;` */
typedef void *PVOID, *LPVOID;
typedef const void *PCVOID, *LPCVOID;
typedef void *PVOID64;
/* A driver whose own header already says `typedef signed char CHAR;` or `typedef unsigned
 * long BOOL;` builds with MSVC, which calls the second definition a benign redefinition
 * (C4142) and keeps the first; clang refuses it. Such a driver defines
 * OPENNDIS_DRIVER_DEFINES_CHAR / OPENNDIS_DRIVER_DEFINES_BOOL and OpenNDIS's typedef steps
 * aside (docs/pe.md). */
#ifndef OPENNDIS_DRIVER_DEFINES_CHAR
typedef char CHAR;
#endif
typedef char *PCHAR, *PSTR, *LPSTR;
typedef const char *PCSTR, *LPCSTR, *PCSZ, *PCCH, *LPCCH;
typedef signed char SCHAR, *PSCHAR;
typedef unsigned char UCHAR, *PUCHAR, BYTE, *PBYTE, BOOLEAN, *PBOOLEAN;
typedef short SHORT, *PSHORT, CSHORT;
typedef unsigned short USHORT, *PUSHORT, WORD, *PWORD;
#ifdef __cplusplus
typedef wchar_t WCHAR, *PWCHAR, *PWCH, *PWSTR, *LPWSTR, *PZZWSTR; /* as MSVC's: L"" converts */
#else
typedef unsigned short WCHAR, *PWCHAR, *PWCH, *PWSTR, *LPWSTR, *PZZWSTR;
#endif
typedef const WCHAR *PCWCH, *PCWSTR, *LPCWSTR, *PCZZWSTR;
#ifdef OPENNDIS_PE_DRIVER
/* LLP64, the very types of the WDK: a driver's own `typedef unsigned long DWORD;` is the same
 * type, not a clash (docs/pe.md). */
typedef long LONG, *PLONG;
typedef unsigned long ULONG, *PULONG, DWORD, *PDWORD;
typedef int INT, *PINT, LONG32, *PLONG32, INT32, *PINT32;
#ifndef OPENNDIS_DRIVER_DEFINES_BOOL
typedef int BOOL;
#endif
typedef BOOL *PBOOL;
typedef unsigned int UINT, *PUINT, ULONG32, *PULONG32, UINT32, *PUINT32, DWORD32, *PDWORD32;
typedef ULONG CLONG;
#else
typedef int32_t LONG, *PLONG, INT, *PINT, BOOL, *PBOOL, LONG32, *PLONG32, INT32, *PINT32;
typedef uint32_t ULONG, *PULONG, UINT, *PUINT, DWORD, *PDWORD, ULONG32, *PULONG32,
    UINT32, *PUINT32, DWORD32, *PDWORD32, CLONG;
#endif
typedef int64_t LONGLONG, *PLONGLONG, LONG64, *PLONG64, INT64, *PINT64;
typedef uint64_t ULONGLONG, *PULONGLONG, ULONG64, *PULONG64, DWORD64, *PDWORD64, UINT64,
    *PUINT64, DWORDLONG;
typedef int8_t INT8, *PINT8;
typedef uint8_t UINT8, *PUINT8;
typedef int16_t INT16, *PINT16;
typedef uint16_t UINT16, *PUINT16;
typedef intptr_t LONG_PTR, *PLONG_PTR, INT_PTR, *PINT_PTR, SSIZE_T, *PSSIZE_T;
typedef uintptr_t ULONG_PTR, *PULONG_PTR, UINT_PTR, *PUINT_PTR, DWORD_PTR, *PDWORD_PTR;
typedef size_t SIZE_T, *PSIZE_T;
typedef void *HANDLE, **PHANDLE;
/* TCHAR follows UNICODE, as in the WDK's ntdef.h. */
#ifdef UNICODE
typedef WCHAR TCHAR, *PTCHAR, *PTSTR, *LPTSTR;
typedef const WCHAR *PCTSTR, *LPCTSTR;
#else
typedef char TCHAR, *PTCHAR, *PTSTR, *LPTSTR;
typedef const char *PCTSTR, *LPCTSTR;
#endif
typedef LONG NTSTATUS, *PNTSTATUS;
typedef char CCHAR, *PCCHAR;
typedef UCHAR KIRQL, *PKIRQL;
typedef ULONG LOGICAL, *PLOGICAL;
typedef ULONG_PTR KAFFINITY, *PKAFFINITY;

/* Processors come in groups of up to 64 (one KAFFINITY bit each). */
#define MAXIMUM_PROC_PER_GROUP 64
#define MAXIMUM_PROCESSORS MAXIMUM_PROC_PER_GROUP
#define ALL_PROCESSOR_GROUPS 0xffff
typedef struct _PROCESSOR_NUMBER {
    USHORT Group;
    UCHAR Number;
    UCHAR Reserved;
} PROCESSOR_NUMBER, *PPROCESSOR_NUMBER;
typedef struct _GROUP_AFFINITY {
    KAFFINITY Mask;
    USHORT Group;
    USHORT Reserved[3];
} GROUP_AFFINITY, *PGROUP_AFFINITY;
typedef LONG KPRIORITY;
typedef CCHAR KPROCESSOR_MODE;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#define MINCHAR 0x80
#define MAXCHAR 0x7f
#define MINSHORT 0x8000
#define MAXSHORT 0x7fff
#define MINLONG 0x80000000
#define MAXLONG 0x7fffffff
#define MAXUCHAR 0xff
#define MAXUSHORT 0xffff
#define MAXULONG 0xffffffffU
#define MAXUINT ((UINT)~((UINT)0))
#define MAXINT ((INT)(MAXUINT >> 1))
#define MININT ((INT)~MAXINT)
#define MAXLONGLONG 0x7fffffffffffffffLL
#define MAXULONGLONG 0xffffffffffffffffULL
#define MAXULONG_PTR UINTPTR_MAX
#define MAXSIZE_T SIZE_MAX

typedef union _LARGE_INTEGER {
    struct {
        ULONG LowPart;
        LONG HighPart;
    };
    struct {
        ULONG LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
    struct {
        ULONG LowPart;
        ULONG HighPart;
    };
    struct {
        ULONG LowPart;
        ULONG HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

typedef struct _LUID {
    ULONG LowPart;
    LONG HighPart;
} LUID, *PLUID;

typedef struct _GUID {
    ULONG Data1;
    USHORT Data2;
    USHORT Data3;
    UCHAR Data4[8];
} GUID, *PGUID, *LPGUID;
typedef const GUID *PCGUID, *LPCGUID;

/* ---- structure arithmetic ----------------------------------------------------------- */
#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#define UFIELD_OFFSET(type, field) ((ULONG)offsetof(type, field))
#define RTL_FIELD_SIZE(type, field) (sizeof(((type *)0)->field))
#define RTL_SIZEOF_THROUGH_FIELD(type, field) (offsetof(type, field) + RTL_FIELD_SIZE(type, field))
#define RTL_CONTAINS_FIELD(base, size, field) \
    ((((PCHAR)(&(base)->field)) + sizeof((base)->field)) <= (((PCHAR)(base)) + (size)))
#define CONTAINING_RECORD(address, type, field) \
    ((type *)((PCHAR)(address) - (ULONG_PTR)offsetof(type, field)))
#define RTL_NUMBER_OF(a) (sizeof(a) / sizeof((a)[0]))
#define ARRAYSIZE(a) RTL_NUMBER_OF(a)
#define _ARRAYSIZE(a) RTL_NUMBER_OF(a)
#define RTL_NUMBER_OF_V1(a) RTL_NUMBER_OF(a)
#define RTL_NUMBER_OF_V2(a) RTL_NUMBER_OF(a)
#define ALIGN_DOWN_BY(length, alignment) ((ULONG_PTR)(length) & ~((ULONG_PTR)(alignment)-1))
#define ALIGN_UP_BY(length, alignment) \
    (ALIGN_DOWN_BY(((ULONG_PTR)(length) + (alignment)-1), (alignment)))
#define ALIGN_DOWN_POINTER_BY(p, a) ((PVOID)ALIGN_DOWN_BY(p, a))
#define ALIGN_UP_POINTER_BY(p, a) ((PVOID)ALIGN_UP_BY(p, a))
#define ALIGN_DOWN(length, type) ALIGN_DOWN_BY(length, sizeof(type))
#define ALIGN_UP(length, type) ALIGN_UP_BY(length, sizeof(type))
#define BooleanFlagOn(f, sf) ((BOOLEAN)(((f) & (sf)) != 0))
#define FlagOn(f, sf) ((f) & (sf))
#define SetFlag(f, sf) ((f) |= (sf))
#define ClearFlag(f, sf) ((f) &= ~(sf))
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif

/* ---- status classification ---------------------------------------------------------- */
#ifndef OPENNDIS_PORT_ANALYSIS
#define NT_SUCCESS(s) (((NTSTATUS)(s)) >= 0)
#define NT_INFORMATION(s) ((((ULONG)(s)) >> 30) == 1)
#define NT_WARNING(s) ((((ULONG)(s)) >> 30) == 2)
#define NT_ERROR(s) ((((ULONG)(s)) >> 30) == 3)
#else /* `openndis port` follows status tests through calls it understands, not macro bodies */
BOOLEAN NT_SUCCESS(NTSTATUS s);
BOOLEAN NT_INFORMATION(NTSTATUS s);
BOOLEAN NT_WARNING(NTSTATUS s);
BOOLEAN NT_ERROR(NTSTATUS s);
#endif

/* ---- counted strings ---------------------------------------------------------------- */
typedef struct _UNICODE_STRING {
    USHORT Length;        /* bytes, without a terminator */
    USHORT MaximumLength; /* bytes */
    PWCH Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

typedef struct _STRING {
    USHORT Length;
    USHORT MaximumLength;
    PCHAR Buffer;
} STRING, *PSTRING, ANSI_STRING, *PANSI_STRING, OEM_STRING, *POEM_STRING;
typedef const STRING *PCSTRING, *PCANSI_STRING, *PCOEM_STRING;

#ifdef __cplusplus
/* C++ converts no void * implicitly: the buffer pointer is typed from the literal. */
extern "C++" {
inline PCHAR openndis_string_buffer(const char *s) { return const_cast<PCHAR>(s); }
inline PWCH openndis_string_buffer(const wchar_t *s) { return const_cast<PWCH>(s); }
#if defined(__cpp_unicode_characters) /* not under clang -fms-compatibility */
inline PWCH openndis_string_buffer(const char16_t *s) { return reinterpret_cast<PWCH>(const_cast<char16_t *>(s)); }
#endif
}
#define RTL_CONSTANT_STRING(s) \
    { (USHORT)(sizeof(s) - sizeof((s)[0])), (USHORT)sizeof(s), openndis_string_buffer(s) }
#else
#define RTL_CONSTANT_STRING(s) \
    { (USHORT)(sizeof(s) - sizeof((s)[0])), (USHORT)sizeof(s), (void *)(s) }
#endif
#define DECLARE_CONST_UNICODE_STRING(name, s) \
    const WCHAR name##_buffer[] = s;          \
    const UNICODE_STRING name = { (USHORT)(sizeof(s) - sizeof(WCHAR)), (USHORT)sizeof(s), (PWCH)name##_buffer }
#define DECLARE_UNICODE_STRING_SIZE(name, size) \
    WCHAR name##_buffer[size];                  \
    UNICODE_STRING name = { 0, (USHORT)((size) * sizeof(WCHAR)), name##_buffer }
#define DECLARE_GLOBAL_CONST_UNICODE_STRING(name, s) DECLARE_CONST_UNICODE_STRING(name, s)

/* ---- lists -------------------------------------------------------------------------- */
typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY, *PRLIST_ENTRY;

typedef struct _SINGLE_LIST_ENTRY {
    struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

OPENNDIS_EXTERN_C_BEGIN

/* Fails the process as Windows' __fastfail does; the list helpers call it on corruption. */
#define FAST_FAIL_CORRUPT_LIST_ENTRY 3
NTSYSAPI DECLSPEC_NORETURN VOID RtlFailFast(ULONG Code);

/* A list head that starts empty without a call: `static RTL_STATIC_LIST_HEAD(List);` */
#define RTL_STATIC_LIST_HEAD(x) LIST_ENTRY x = { &x, &x }
static inline VOID InitializeListHead(PLIST_ENTRY head)
{
    head->Flink = head->Blink = head;
}

static inline BOOLEAN IsListEmpty(const LIST_ENTRY *head)
{
    return (BOOLEAN)(head->Flink == head);
}

/* In a PE image the list helpers are inlined even at -O0, so a finding in one is named at the
 * driver's line: a PDB gives no way back from a helper of OpenNDIS's to its caller. */
#ifdef OPENNDIS_PE_DRIVER
#define OPENNDIS_LIST_FN static __forceinline
#else
#define OPENNDIS_LIST_FN static inline
#endif

/* As in the WDK, every link operation first checks its neighbours point back: a driver
 * that corrupts a list fails fast at the operation, not later somewhere else. (The checks
 * stay in each helper so a report walks one inlining level back to the driver's line.) */
OPENNDIS_LIST_FN BOOLEAN RemoveEntryList(PLIST_ENTRY entry)
{
    PLIST_ENTRY next = entry->Flink, prev = entry->Blink;
    if (next->Blink != entry || prev->Flink != entry)
        RtlFailFast(FAST_FAIL_CORRUPT_LIST_ENTRY);
    prev->Flink = next;
    next->Blink = prev;
    return (BOOLEAN)(next == prev);
}

OPENNDIS_LIST_FN PLIST_ENTRY RemoveHeadList(PLIST_ENTRY head)
{
    PLIST_ENTRY entry = head->Flink;
    RemoveEntryList(entry);
    return entry;
}

OPENNDIS_LIST_FN PLIST_ENTRY RemoveTailList(PLIST_ENTRY head)
{
    PLIST_ENTRY entry = head->Blink;
    RemoveEntryList(entry);
    return entry;
}

OPENNDIS_LIST_FN VOID InsertTailList(PLIST_ENTRY head, PLIST_ENTRY entry)
{
    PLIST_ENTRY prev = head->Blink;
    if (prev->Flink != head)
        RtlFailFast(FAST_FAIL_CORRUPT_LIST_ENTRY);
    entry->Flink = head;
    entry->Blink = prev;
    prev->Flink = entry;
    head->Blink = entry;
}

OPENNDIS_LIST_FN VOID InsertHeadList(PLIST_ENTRY head, PLIST_ENTRY entry)
{
    PLIST_ENTRY next = head->Flink;
    if (next->Blink != head)
        RtlFailFast(FAST_FAIL_CORRUPT_LIST_ENTRY);
    entry->Flink = next;
    entry->Blink = head;
    next->Blink = entry;
    head->Flink = entry;
}

/* Splices the list that starts at entry (headless, circular) onto the tail of head. */
OPENNDIS_LIST_FN VOID AppendTailList(PLIST_ENTRY head, PLIST_ENTRY entry)
{
    PLIST_ENTRY tail = head->Blink;
    head->Blink->Flink = entry;
    head->Blink = entry->Blink;
    entry->Blink->Flink = head;
    entry->Blink = tail;
}

OPENNDIS_LIST_FN PSINGLE_LIST_ENTRY PopEntryList(PSINGLE_LIST_ENTRY head)
{
    PSINGLE_LIST_ENTRY first = head->Next;
    if (first != NULL)
        head->Next = first->Next;
    return first;
}

OPENNDIS_LIST_FN VOID PushEntryList(PSINGLE_LIST_ENTRY head, PSINGLE_LIST_ENTRY entry)
{
    entry->Next = head->Next;
    head->Next = entry;
}

OPENNDIS_EXTERN_C_END

/* __try/__except/__finally, as the WDK's ntdef.h brings in excpt.h; DEFINE_GUID. */
#include <excpt.h>
#include <guiddef.h>

/* ---- layout checks against the Windows x64 ABI -------------------------------------- */
C_ASSERT(sizeof(ULONG) == 4 && sizeof(LONG) == 4 && sizeof(ULONG64) == 8);
C_ASSERT(sizeof(WCHAR) == 2 && sizeof(BOOLEAN) == 1 && sizeof(ULONG_PTR) == sizeof(void *));
C_ASSERT(sizeof(LARGE_INTEGER) == 8 && sizeof(GUID) == 16 && sizeof(LUID) == 8);
C_ASSERT(sizeof(UNICODE_STRING) == 16 && offsetof(UNICODE_STRING, Buffer) == 8);
C_ASSERT(sizeof(LIST_ENTRY) == 16 && offsetof(LIST_ENTRY, Blink) == 8);

#endif /* OPENNDIS_NTDEF_H */
