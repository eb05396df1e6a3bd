/* Registry keys behind handles (ZwOpenKey and the rest) over the configuration store that
 * NdisReadConfiguration reads, so that the two views of a driver's parameters agree
 * (docs/configuration.md). Two keys exist: the driver's service key
 * (\Registry\Machine\System\CurrentControlSet\Services\<service>, and its Parameters subkey),
 * which is the file's [driver] section, and each adapter's driver key under the network
 * class (...\Control\Class\{4d36e972-e325-11ce-bfc1-08002be10318}\NNNN), [adapter.N]. A key
 * is an object of type Key in the caller's handle table, closed with ZwClose. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "ndis.h"
#include "../kernel/ob.h"

#define NDIS_REG_SERVICES "\\registry\\machine\\system\\currentcontrolset\\services\\"
#define NDIS_REG_NET_CLASS \
    "\\registry\\machine\\system\\currentcontrolset\\control\\class\\{4d36e972-e325-11ce-bfc1-08002be10318}\\"

struct ndis_regkey {
    char section[32]; /* "driver" or "adapter.N" */
};

/* The services of the drivers loaded, so that only their own keys open. */
static pthread_mutex_t ndis_reg_lock = PTHREAD_MUTEX_INITIALIZER;
static char ndis_reg_services[8][64];

static void ndis_reg_entry_calling(PDRIVER_OBJECT object, struct ke_pool *pool)
{
    (void)pool;
    PUNICODE_STRING s = object->DriverExtension ? &object->DriverExtension->ServiceKeyName : NULL;
    char name[64] = "";
    for (size_t i = 0; s && s->Buffer && i < s->Length / sizeof(WCHAR) && i + 1 < sizeof name; i++)
        name[i] = s->Buffer[i] < 0x80 ? (char)s->Buffer[i] : '?', name[i + 1] = '\0';
    pthread_mutex_lock(&ndis_reg_lock);
    for (size_t i = 0; i < sizeof ndis_reg_services / sizeof *ndis_reg_services; i++)
        if (ndis_reg_services[i][0] == '\0' || strcasecmp(ndis_reg_services[i], name) == 0) {
            snprintf(ndis_reg_services[i], sizeof ndis_reg_services[i], "%s", name);
            break;
        }
    pthread_mutex_unlock(&ndis_reg_lock);
}

static const struct ke_driver_events ndis_reg_events = { .entry_calling = ndis_reg_entry_calling };

__attribute__((constructor)) static void ndis_reg_listen(void)
{
    ke_driver_listen(&ndis_reg_events);
}

static bool ndis_reg_service_known(const char *name, size_t len)
{
    bool known = false;
    pthread_mutex_lock(&ndis_reg_lock);
    for (size_t i = 0; i < sizeof ndis_reg_services / sizeof *ndis_reg_services && !known; i++)
        known = ndis_reg_services[i][0] != '\0' && strlen(ndis_reg_services[i]) == len &&
                strncasecmp(ndis_reg_services[i], name, len) == 0;
    pthread_mutex_unlock(&ndis_reg_lock);
    return known;
}

/* UTF-16 to ASCII for names and paths; false when it does not fit or is not ASCII. */
static bool ndis_reg_ascii(PCUNICODE_STRING u, char *out, size_t len)
{
    size_t n = u && u->Buffer ? u->Length / sizeof(WCHAR) : 0;
    if (n + 1 > len)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (u->Buffer[i] == 0 || u->Buffer[i] >= 0x80)
            return false;
        out[i] = (char)u->Buffer[i];
    }
    out[n] = '\0';
    return true;
}

/* The section a key path names, relative to `parent` (NULL: absolute). */
static bool ndis_reg_resolve(const struct ndis_regkey *parent, const char *path, char *section, size_t len)
{
    if (parent != NULL) {
        /* the service key's Parameters subkey is the same values; nothing else lies below */
        if (path[0] == '\0' || (strcmp(parent->section, "driver") == 0 && strcasecmp(path, "Parameters") == 0)) {
            snprintf(section, len, "%s", parent->section);
            return true;
        }
        return false;
    }
    size_t sl = strlen(NDIS_REG_SERVICES), cl = strlen(NDIS_REG_NET_CLASS);
    if (strncasecmp(path, NDIS_REG_SERVICES, sl) == 0) {
        const char *name = path + sl, *end = strchr(name, '\\');
        size_t n = end ? (size_t)(end - name) : strlen(name);
        if (n == 0 || !ndis_reg_service_known(name, n) || (end != NULL && strcasecmp(end + 1, "Parameters") != 0))
            return false;
        snprintf(section, len, "driver");
        return true;
    }
    if (strncasecmp(path, NDIS_REG_NET_CLASS, cl) == 0) {
        const char *digits = path + cl;
        if (strlen(digits) != 4 || !isdigit((unsigned char)digits[0]) || !isdigit((unsigned char)digits[1]) ||
            !isdigit((unsigned char)digits[2]) || !isdigit((unsigned char)digits[3]))
            return false;
        snprintf(section, len, "adapter.%d", atoi(digits));
        return true;
    }
    return false;
}

static NTSTATUS ndis_reg_open(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                              const char *fn, const void *site, bool *opened)
{
    char path[512], section[32];
    if (KeyHandle != NULL)
        *KeyHandle = NULL;
    if (KeyHandle == NULL || ObjectAttributes == NULL || ObjectAttributes->ObjectName == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!ndis_reg_ascii(ObjectAttributes->ObjectName, path, sizeof path))
        return STATUS_OBJECT_NAME_INVALID;
    struct ndis_regkey *parent = NULL;
    ACCESS_MASK granted;
    if (ObjectAttributes->RootDirectory != NULL) {
        NTSTATUS s = ke_handle_reference(ke_process_current(), ObjectAttributes->RootDirectory, &ke_type_key, false,
                                         (void **)&parent, &granted);
        if (!NT_SUCCESS(s))
            return s;
    }
    bool found = ndis_reg_resolve(parent, path, section, sizeof section);
    if (parent != NULL)
        ke_object_unref(parent);
    if (!found) {
        *opened = false;
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    *opened = true;
    if (vf_fault_inject(fn, site))
        return STATUS_INSUFFICIENT_RESOURCES;
    struct ndis_regkey *k = ke_object_create(&ke_type_key, sizeof *k, NULL);
    if (k == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    snprintf(k->section, sizeof k->section, "%s", section);
    bool kernel = (ObjectAttributes->Attributes & OBJ_KERNEL_HANDLE) != 0;
    NTSTATUS status = ke_handle_insert(ke_process_current(), k,
                                       ke_object_access(&ke_type_key, DesiredAccess ? DesiredAccess : KEY_READ),
                                       kernel, site, KeyHandle);
    ke_object_unref(k); /* the handle holds it now */
    return status;
}

NTSYSAPI NTSTATUS ZwOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
    static const char fn[] = "ZwOpenKey";
    const void *site = VF_CALLER;
    bool opened;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    return ndis_reg_open(KeyHandle, DesiredAccess, ObjectAttributes, fn, site, &opened);
}

NTSYSAPI NTSTATUS ZwCreateKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                              ULONG TitleIndex, PUNICODE_STRING Class, ULONG CreateOptions, PULONG Disposition)
{
    static const char fn[] = "ZwCreateKey";
    const void *site = VF_CALLER;
    (void)TitleIndex, (void)Class, (void)CreateOptions;
    bool opened = false;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    NTSTATUS status = ndis_reg_open(KeyHandle, DesiredAccess, ObjectAttributes, fn, site, &opened);
    if (status == STATUS_OBJECT_NAME_NOT_FOUND && !opened)
        return ke_unsupported(fn, "only the driver's service key and its adapters' keys exist here", site);
    if (NT_SUCCESS(status) && Disposition != NULL)
        *Disposition = REG_OPENED_EXISTING_KEY;
    return status;
}

/* The key behind a handle with `need` access, referenced; NULL with the status otherwise. */
static struct ndis_regkey *ndis_reg_key(HANDLE h, ACCESS_MASK need, NTSTATUS *status)
{
    struct ndis_regkey *k;
    ACCESS_MASK granted;
    *status = ke_handle_reference(ke_process_current(), h, &ke_type_key, false, (void **)&k, &granted);
    if (!NT_SUCCESS(*status))
        return NULL;
    if ((granted & need) != need) {
        ke_object_unref(k);
        *status = STATUS_ACCESS_DENIED;
        return NULL;
    }
    return k;
}

/* A value's data as the registry holds it, from the store's text. Returns its size. */
static size_t ndis_reg_data(const char *text, ULONG type, UCHAR *out, size_t cap)
{
    size_t n = 0;
    switch (type) {
    case REG_DWORD: {
        ULONG v = (ULONG)strtoul(text, NULL, 10);
        if (cap >= sizeof v)
            memcpy(out, &v, sizeof v);
        return sizeof v;
    }
    case REG_QWORD: {
        ULONGLONG v = strtoull(text, NULL, 10);
        if (cap >= sizeof v)
            memcpy(out, &v, sizeof v);
        return sizeof v;
    }
    case REG_BINARY:
        for (const char *p = text; p[0] && p[1]; p += 2, n++)
            if (n < cap) {
                char byte[3] = { p[0], p[1], 0 };
                out[n] = (UCHAR)strtoul(byte, NULL, 16);
            }
        return n;
    default: { /* the strings: UTF-16, NUL-terminated; REG_MULTI_SZ doubly */
        size_t len = strlen(text), total = (len + 1 + (type == REG_MULTI_SZ && len > 0)) * sizeof(WCHAR);
        for (size_t i = 0; i <= len; i++) {
            WCHAR c = text[i] == NDIS_REG_MULTI_SEP && type == REG_MULTI_SZ ? 0 : (unsigned char)text[i];
            if ((i + 1) * sizeof(WCHAR) <= cap)
                memcpy(out + i * sizeof(WCHAR), &c, sizeof c);
        }
        if (total > (len + 1) * sizeof(WCHAR) && total <= cap)
            memset(out + (len + 1) * sizeof(WCHAR), 0, sizeof(WCHAR));
        return total;
    }
    }
}

/* Fills a KEY_VALUE_*_INFORMATION for name/text/type with the statuses ZwQueryValueKey and
 * ZwEnumerateValueKey document: too small for the fixed part, STATUS_BUFFER_TOO_SMALL and nothing
 * written; for the fixed part but not the rest, STATUS_BUFFER_OVERFLOW with the fixed part. */
static NTSTATUS ndis_reg_fill(const char *name, const char *text, ULONG type, KEY_VALUE_INFORMATION_CLASS cls,
                              PVOID info, ULONG length, PULONG result)
{
    UCHAR data[NDIS_CONFIG_MAX_VALUE * sizeof(WCHAR) + 4];
    size_t dlen = ndis_reg_data(text, type, data, sizeof data), nlen = strlen(name) * sizeof(WCHAR);
    size_t fixed, need;
    switch (cls) {
    case KeyValueBasicInformation:
        fixed = FIELD_OFFSET(KEY_VALUE_BASIC_INFORMATION, Name), need = fixed + nlen;
        break;
    case KeyValueFullInformation:
    case KeyValueFullInformationAlign64:
        fixed = FIELD_OFFSET(KEY_VALUE_FULL_INFORMATION, Name), need = fixed + nlen + dlen;
        break;
    case KeyValuePartialInformation:
    case KeyValuePartialInformationAlign64:
        fixed = FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data), need = fixed + dlen;
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    if (result != NULL)
        *result = (ULONG)need;
    if (info == NULL || length < fixed)
        return STATUS_BUFFER_TOO_SMALL;
    UCHAR *out = info;
    ULONG zero = 0, t = type, nl = (ULONG)nlen, dl = (ULONG)dlen, doff = (ULONG)(fixed + nlen);
    memcpy(out, &zero, 4); /* TitleIndex */
    memcpy(out + 4, &t, 4);
    if (cls == KeyValueBasicInformation) {
        memcpy(out + 8, &nl, 4);
    } else if (cls == KeyValuePartialInformation || cls == KeyValuePartialInformationAlign64) {
        memcpy(out + 8, &dl, 4);
    } else {
        memcpy(out + 8, &doff, 4);
        memcpy(out + 12, &dl, 4);
        memcpy(out + 16, &nl, 4);
    }
    if (length < need)
        return STATUS_BUFFER_OVERFLOW;
    if (cls != KeyValuePartialInformation && cls != KeyValuePartialInformationAlign64)
        for (size_t i = 0; name[i]; i++) {
            WCHAR c = (unsigned char)name[i];
            memcpy(out + fixed + i * sizeof(WCHAR), &c, sizeof c);
        }
    if (cls == KeyValuePartialInformation || cls == KeyValuePartialInformationAlign64)
        memcpy(out + fixed, data, dlen);
    else if (cls != KeyValueBasicInformation)
        memcpy(out + doff, data, dlen);
    return STATUS_SUCCESS;
}

/* A value's KEY_VALUE_*_INFORMATION: by name (ZwQueryValueKey) or, name NULL, by its place in
 * the key's sorted value list (ZwEnumerateValueKey). */
static NTSTATUS ndis_reg_value_info(HANDLE KeyHandle, const char *fn, const void *site, PUNICODE_STRING ValueName,
                                    ULONG Index, KEY_VALUE_INFORMATION_CLASS cls, PVOID info, ULONG Length,
                                    PULONG ResultLength)
{
    char name[NDIS_CONFIG_MAX_KEY + 1], text[NDIS_CONFIG_MAX_VALUE + 1];
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    if (ResultLength != NULL)
        *ResultLength = 0;
    NTSTATUS status;
    struct ndis_regkey *k = ndis_reg_key(KeyHandle, KEY_QUERY_VALUE, &status);
    if (k == NULL)
        return status;
    ULONG type;
    bool named = ValueName != NULL ? ndis_reg_ascii(ValueName, name, sizeof name)
                                   : ndis_config_name_at(k->section, Index, name, sizeof name);
    if (!named || !ndis_config_lookup(k->section, name, text, sizeof text, &type))
        status = ValueName != NULL ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_NO_MORE_ENTRIES;
    else
        status = ndis_reg_fill(name, text, type, cls, info, Length, ResultLength);
    ke_object_unref(k);
    return status;
}

NTSYSAPI NTSTATUS ZwQueryValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                                  KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass, PVOID KeyValueInformation,
                                  ULONG Length, PULONG ResultLength)
{
    static WCHAR none;
    UNICODE_STRING empty = { 0, 0, &none }; /* a NULL name is the key's default value: none here */
    return ndis_reg_value_info(KeyHandle, "ZwQueryValueKey", VF_CALLER, ValueName ? ValueName : &empty, 0,
                               KeyValueInformationClass, KeyValueInformation, Length, ResultLength);
}

NTSYSAPI NTSTATUS ZwEnumerateValueKey(HANDLE KeyHandle, ULONG Index,
                                      KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
                                      PVOID KeyValueInformation, ULONG Length, PULONG ResultLength)
{
    return ndis_reg_value_info(KeyHandle, "ZwEnumerateValueKey", VF_CALLER, NULL, Index, KeyValueInformationClass,
                               KeyValueInformation, Length, ResultLength);
}

/* The store's text for registry data; false when the data is malformed or too long. */
static bool ndis_reg_text(ULONG type, const UCHAR *data, ULONG size, char *out, size_t len)
{
    switch (type) {
    case REG_DWORD: {
        ULONG v;
        if (size != sizeof v)
            return false;
        memcpy(&v, data, sizeof v);
        snprintf(out, len, "%u", v);
        return true;
    }
    case REG_QWORD: {
        ULONGLONG v;
        if (size != sizeof v)
            return false;
        memcpy(&v, data, sizeof v);
        snprintf(out, len, "%llu", (unsigned long long)v);
        return true;
    }
    case REG_BINARY:
        if ((size_t)size * 2 + 1 > len)
            return false;
        for (ULONG i = 0; i < size; i++)
            snprintf(out + 2 * i, 3, "%02x", data[i]);
        out[2 * size] = '\0';
        return true;
    case REG_SZ:
    case REG_EXPAND_SZ:
    case REG_MULTI_SZ: {
        size_t units = size / sizeof(WCHAR), n = 0;
        for (size_t i = 0; i < units; i++) {
            WCHAR c;
            memcpy(&c, data + i * sizeof c, sizeof c);
            if (c == 0) {
                bool last = type != REG_MULTI_SZ || i + 1 >= units ||
                            (memcpy(&c, data + (i + 1) * sizeof c, sizeof c), c == 0);
                if (last)
                    break;
                c = NDIS_REG_MULTI_SEP;
            }
            if (n + 1 >= len)
                return false;
            out[n++] = c < 0x80 ? (char)c : '?';
        }
        out[n] = '\0';
        return true;
    }
    default:
        return false;
    }
}

NTSYSAPI NTSTATUS ZwSetValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName, ULONG TitleIndex, ULONG Type, PVOID Data,
                                ULONG DataSize)
{
    static const char fn[] = "ZwSetValueKey";
    const void *site = VF_CALLER;
    char name[NDIS_CONFIG_MAX_KEY + 1], text[NDIS_CONFIG_MAX_VALUE + 1];
    (void)TitleIndex;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    NTSTATUS status;
    struct ndis_regkey *k = ndis_reg_key(KeyHandle, KEY_SET_VALUE, &status);
    if (k == NULL)
        return status;
    if (!ndis_reg_ascii(ValueName, name, sizeof name) || name[0] == '\0')
        status = STATUS_INVALID_PARAMETER;
    else if ((Data == NULL && DataSize != 0) || !ndis_reg_text(Type, Data, DataSize, text, sizeof text))
        status = STATUS_INVALID_PARAMETER; /* a size that does not fit its type, or past the store's limit */
    else if (vf_fault_inject(fn, site) || !ndis_config_store(k->section, name, text, Type))
        status = STATUS_INSUFFICIENT_RESOURCES;
    ke_object_unref(k);
    return status;
}

NTSYSAPI NTSTATUS ZwDeleteValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName)
{
    static const char fn[] = "ZwDeleteValueKey";
    char name[NDIS_CONFIG_MAX_KEY + 1];
    ke_irql_at_most(PASSIVE_LEVEL, fn, VF_CALLER);
    NTSTATUS status;
    struct ndis_regkey *k = ndis_reg_key(KeyHandle, KEY_SET_VALUE, &status);
    if (k == NULL)
        return status;
    if (!ndis_reg_ascii(ValueName, name, sizeof name) || !ndis_config_delete(k->section, name))
        status = STATUS_OBJECT_NAME_NOT_FOUND;
    ke_object_unref(k);
    return status;
}

/* ---- RtlQueryRegistryValues ----------------------------------------------------------------- */

static size_t ndis_wlen(const WCHAR *w)
{
    size_t n = 0;
    while (w[n] != 0)
        n++;
    return n;
}

/* The section RelativeTo and Path name; STATUS_OBJECT_NAME_NOT_FOUND when it does not exist. */
static NTSTATUS ndis_rqv_key(ULONG relative, PCWSTR path, char *section, size_t len)
{
    if (relative & RTL_REGISTRY_HANDLE) {
        NTSTATUS status;
        struct ndis_regkey *k = ndis_reg_key((HANDLE)path, KEY_QUERY_VALUE, &status);
        if (k == NULL)
            return status;
        snprintf(section, len, "%s", k->section);
        ke_object_unref(k);
        return STATUS_SUCCESS;
    }
    static const char *const roots[RTL_REGISTRY_MAXIMUM] = {
        "", NDIS_REG_SERVICES, "\\registry\\machine\\system\\currentcontrolset\\control\\",
        "\\registry\\machine\\software\\microsoft\\windows nt\\currentversion\\",
        "\\registry\\machine\\hardware\\devicemap\\", "\\registry\\user\\currentuser\\",
    };
    ULONG base = relative & 0xffff;
    if (base >= RTL_REGISTRY_MAXIMUM || path == NULL)
        return STATUS_INVALID_PARAMETER;
    char full[512];
    size_t n = strlen(roots[base]);
    memcpy(full, roots[base], n);
    for (; *path; path++) {
        if (*path >= 0x80 || n + 1 >= sizeof full)
            return STATUS_OBJECT_NAME_INVALID;
        full[n++] = (char)*path;
    }
    full[n] = '\0';
    return ndis_reg_resolve(NULL, full, section, len) ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
}

/* DIRECT: the value stored where EntryContext says, as the DDI's table describes by type. */
static NTSTATUS ndis_rqv_direct(const RTL_QUERY_REGISTRY_TABLE *e, ULONG type, const UCHAR *data, ULONG size,
                                const void *site)
{
    if (type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ) {
        PUNICODE_STRING u = e->EntryContext;
        ULONG bytes = size; /* with its terminator */
        if (u->Buffer == NULL) {
            u->Buffer = ke_ex_alloc(bytes ? bytes : sizeof(WCHAR), 0x52747247u /* "GrtR" */, site, "RtlQueryRegistryValues");
            if (u->Buffer == NULL)
                return STATUS_INSUFFICIENT_RESOURCES;
            u->MaximumLength = (USHORT)(bytes ? bytes : sizeof(WCHAR));
        } else if (bytes > u->MaximumLength) {
            return STATUS_BUFFER_TOO_SMALL;
        }
        memcpy(u->Buffer, data, bytes);
        u->Length = (USHORT)(bytes >= sizeof(WCHAR) ? bytes - sizeof(WCHAR) : 0);
        if (type == REG_MULTI_SZ) /* one string holding the list, its own NULs inside */
            u->Length = (USHORT)bytes;
        else if (u->MaximumLength > u->Length)
            u->Buffer[u->Length / sizeof(WCHAR)] = 0;
        return STATUS_SUCCESS;
    }
    if (size <= sizeof(ULONG)) {
        memcpy(e->EntryContext, data, size);
        return STATUS_SUCCESS;
    }
    LONG room;
    memcpy(&room, e->EntryContext, sizeof room);
    ULONG have = (ULONG)(room < 0 ? -(int64_t)room : room);
    if (room < 0) { /* the data alone */
        if (size > have)
            return STATUS_BUFFER_TOO_SMALL;
        memcpy(e->EntryContext, data, size);
    } else { /* length, type, then the data */
        if ((uint64_t)size + 2 * sizeof(ULONG) > have)
            return STATUS_BUFFER_TOO_SMALL;
        ULONG head[2] = { size, type };
        memcpy(e->EntryContext, head, sizeof head);
        memcpy((UCHAR *)e->EntryContext + sizeof head, data, size);
    }
    return STATUS_SUCCESS;
}

/* One value to the entry: its routine (per string of a REG_MULTI_SZ unless NOEXPAND) or DIRECT. */
static NTSTATUS ndis_rqv_value(const RTL_QUERY_REGISTRY_TABLE *e, const char *name, ULONG type, const UCHAR *data,
                               ULONG size, PVOID context, const void *site)
{
    if ((e->Flags & RTL_QUERY_REGISTRY_TYPECHECK) && (e->DefaultType >> RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) != type)
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (e->Flags & RTL_QUERY_REGISTRY_DIRECT)
        return ndis_rqv_direct(e, type, data, size, site);
    WCHAR wname[NDIS_CONFIG_MAX_KEY + 1];
    size_t n = strlen(name);
    for (size_t i = 0; i <= n; i++)
        wname[i] = (unsigned char)name[i];
    NTSTATUS s;
    if (type == REG_MULTI_SZ && !(e->Flags & RTL_QUERY_REGISTRY_NOEXPAND)) {
        const WCHAR *w = (const WCHAR *)data;
        size_t count = size / sizeof(WCHAR);
        for (size_t i = 0; i < count && w[i] != 0;) {
            size_t len = 0;
            while (i + len < count && w[i + len] != 0)
                len++;
            s = KE_DRIVER_CALL(e->QueryRoutine, wname, REG_SZ, (PVOID)(w + i), (ULONG)((len + 1) * sizeof(WCHAR)),
                               context, e->EntryContext);
            if (!NT_SUCCESS(s) && s != STATUS_BUFFER_TOO_SMALL)
                return s;
            i += len + 1;
        }
        return STATUS_SUCCESS;
    }
    s = KE_DRIVER_CALL(e->QueryRoutine, wname, type, (PVOID)data, size, context, e->EntryContext);
    return NT_SUCCESS(s) || s == STATUS_BUFFER_TOO_SMALL ? STATUS_SUCCESS : s;
}

/* Reads the configuration store as the registry: `name`'s data in its registry type. */
static bool ndis_rqv_read(const char *section, const char *name, ULONG *type, UCHAR *data, ULONG *size)
{
    char text[NDIS_CONFIG_MAX_VALUE + 1];
    if (!ndis_config_lookup(section, name, text, sizeof text, type))
        return false;
    *size = (ULONG)ndis_reg_data(text, *type, data, 2 * (NDIS_CONFIG_MAX_VALUE + 2));
    return true;
}

NTSYSAPI NTSTATUS RtlQueryRegistryValues(ULONG RelativeTo, PCWSTR Path, PRTL_QUERY_REGISTRY_TABLE QueryTable,
                                         PVOID Context, PVOID Environment)
{
    static const char fn[] = "RtlQueryRegistryValues";
    const void *site = VF_CALLER;
    (void)Environment; /* REG_EXPAND_SZ values are stored without variables to expand */
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    char top[32], section[32], name[NDIS_CONFIG_MAX_KEY + 1];
    NTSTATUS status = ndis_rqv_key(RelativeTo, Path, top, sizeof top);
    if (!NT_SUCCESS(status))
        return status == STATUS_OBJECT_NAME_NOT_FOUND && (RelativeTo & RTL_REGISTRY_OPTIONAL) ? STATUS_SUCCESS : status;
    if (QueryTable == NULL)
        return STATUS_INVALID_PARAMETER;
    snprintf(section, sizeof section, "%s", top);
    static _Thread_local DECLSPEC_ALIGN(8) UCHAR data[2 * (NDIS_CONFIG_MAX_VALUE + 2)]; /* read as WCHARs too */
    bool in_subkey_missing = false;
    for (PRTL_QUERY_REGISTRY_TABLE e = QueryTable; e->QueryRoutine != NULL || e->Name != NULL; e++) {
        if (e->Name != NULL && !ndis_reg_ascii(&(UNICODE_STRING){ (USHORT)(ndis_wlen(e->Name) * sizeof(WCHAR)), 0, e->Name },
                                               name, sizeof name))
            return STATUS_OBJECT_NAME_INVALID;
        if (e->Flags & RTL_QUERY_REGISTRY_TOPKEY) {
            snprintf(section, sizeof section, "%s", top);
            in_subkey_missing = false;
        }
        if (e->Flags & RTL_QUERY_REGISTRY_SUBKEY) {
            struct ndis_regkey parent;
            snprintf(parent.section, sizeof parent.section, "%s", top);
            in_subkey_missing = e->Name == NULL || !ndis_reg_resolve(&parent, name, section, sizeof section);
            if (in_subkey_missing && (e->Flags & RTL_QUERY_REGISTRY_REQUIRED))
                return STATUS_OBJECT_NAME_NOT_FOUND;
            if (e->QueryRoutine == NULL)
                continue;
        }
        if (in_subkey_missing)
            continue;
        if ((e->Flags & RTL_QUERY_REGISTRY_DIRECT) ? e->Name == NULL || e->EntryContext == NULL : e->QueryRoutine == NULL)
            return STATUS_INVALID_PARAMETER;
        if (e->Flags & RTL_QUERY_REGISTRY_NOVALUE) {
            status = KE_DRIVER_CALL(e->QueryRoutine, e->Name, REG_NONE, NULL, 0, Context, e->EntryContext);
            if (!NT_SUCCESS(status) && status != STATUS_BUFFER_TOO_SMALL)
                return status;
            continue;
        }
        if (e->Name == NULL || (e->Flags & RTL_QUERY_REGISTRY_SUBKEY)) { /* every value of the key */
            bool any = false;
            for (ULONG i = 0; ndis_config_name_at(section, i, name, sizeof name); i++) {
                ULONG type, size;
                if (!ndis_rqv_read(section, name, &type, data, &size))
                    continue;
                any = true;
                if (!NT_SUCCESS(status = ndis_rqv_value(e, name, type, data, size, Context, site)))
                    return status;
            }
            if (!any && (e->Flags & RTL_QUERY_REGISTRY_REQUIRED))
                return STATUS_OBJECT_NAME_NOT_FOUND;
            continue;
        }
        ULONG type, size;
        if (ndis_rqv_read(section, name, &type, data, &size)) {
            status = ndis_rqv_value(e, name, type, data, size, Context, site);
            if (NT_SUCCESS(status) && (e->Flags & RTL_QUERY_REGISTRY_DELETE))
                ndis_config_delete(section, name);
        } else if ((e->DefaultType & 0xff) != REG_NONE) {
            ULONG dtype = e->DefaultType & 0xff, dlen = e->DefaultLength;
            if (dlen == 0 && e->DefaultData != NULL && (dtype == REG_SZ || dtype == REG_EXPAND_SZ))
                dlen = (ULONG)((ndis_wlen(e->DefaultData) + 1) * sizeof(WCHAR));
            else if (dlen == 0 && e->DefaultData != NULL && dtype == REG_MULTI_SZ) {
                const WCHAR *w = e->DefaultData;
                size_t k = 0;
                while (w[k] != 0 || w[k + 1] != 0)
                    k++;
                dlen = (ULONG)((k + 2) * sizeof(WCHAR));
            }
            status = ndis_rqv_value(e, name, dtype, e->DefaultData, dlen, Context, site);
        } else if (e->Flags & RTL_QUERY_REGISTRY_REQUIRED) {
            return STATUS_OBJECT_NAME_NOT_FOUND;
        } else {
            status = STATUS_SUCCESS;
        }
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}

/* ---- IoOpenDeviceRegistryKey: an adapter's class key --------------------------------------------- */
NTKERNELAPI NTSTATUS IoOpenDeviceRegistryKey(PDEVICE_OBJECT DeviceObject, ULONG DevInstKeyType,
                                             ACCESS_MASK DesiredAccess, PHANDLE DeviceRegKey)
{
    static const char fn[] = "IoOpenDeviceRegistryKey";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    if (DeviceRegKey != NULL)
        *DeviceRegKey = NULL;
    ULONG kind = DevInstKeyType & (PLUGPLAY_REGKEY_DEVICE | PLUGPLAY_REGKEY_DRIVER);
    if (DeviceRegKey == NULL || kind == 0 || kind == (PLUGPLAY_REGKEY_DEVICE | PLUGPLAY_REGKEY_DRIVER))
        return STATUS_INVALID_PARAMETER;
    struct ndis_adapter *a = ndis_adapter_of_device(DeviceObject);
    if (a == NULL) /* only adapters have Plug and Play keys here */
        return STATUS_INVALID_DEVICE_REQUEST;
    char path[160];
    WCHAR wide[160];
    int n = snprintf(path, sizeof path, "%s%04u", NDIS_REG_NET_CLASS, a->index);
    for (int i = 0; i <= n; i++)
        wide[i] = (unsigned char)path[i];
    UNICODE_STRING u = { (USHORT)(n * sizeof(WCHAR)), (USHORT)((n + 1) * sizeof(WCHAR)), wide };
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &u, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    bool opened;
    return ndis_reg_open(DeviceRegKey, DesiredAccess, &oa, fn, site, &opened);
}
