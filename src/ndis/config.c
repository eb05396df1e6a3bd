/* Configuration: what a driver reads with NdisReadConfiguration comes from a parameter file
 * (INI: [driver], [adapter] for every adapter, [adapter.N] for adapter N; keys are
 * case-insensitive), loaded by the host. Writes change the in-memory copy for this run. An
 * open configuration handle is an allocation: one left open at halt is a leak. */
#include <ctype.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "ndis.h"

struct ndis_config_entry {
    char *section, *key, *value;
    struct ndis_config_entry *next;
};

static pthread_mutex_t ndis_config_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ndis_config_entry *ndis_config;

/* One open configuration handle and the parameters it handed out. */
struct ndis_config_handle {
    char section[32];       /* "driver" or "adapter.N" */
    struct ndis_config_param {
        NDIS_CONFIGURATION_PARAMETER value;
        struct ndis_config_param *next;
        WCHAR text[];
    } *params;
};

static bool ndis_config_put(const char *section, const char *key, const char *value)
{
    pthread_mutex_lock(&ndis_config_lock);
    for (struct ndis_config_entry *e = ndis_config; e; e = e->next)
        if (strcasecmp(e->section, section) == 0 && strcasecmp(e->key, key) == 0) {
            char *v = strdup(value);
            if (v != NULL) {
                free(e->value);
                e->value = v;
            }
            pthread_mutex_unlock(&ndis_config_lock);
            return v != NULL;
        }
    struct ndis_config_entry *e = calloc(1, sizeof *e);
    bool ok = e && (e->section = strdup(section)) && (e->key = strdup(key)) && (e->value = strdup(value));
    if (ok) {
        e->next = ndis_config;
        ndis_config = e;
    } else if (e) {
        free(e->section);
        free(e->key);
        free(e);
    }
    pthread_mutex_unlock(&ndis_config_lock);
    return ok;
}

static int ndis_config_ini_line(void *user, const char *section, const char *key, const char *value)
{
    (void)user;
    return ndis_config_put(section, key, value) ? 1 : 0;
}

bool ndis_config_load(const char *path, char *err, size_t len)
{
    int rc = ini_parse(path, ndis_config_ini_line, NULL);
    if (rc == 0)
        return true;
    if (rc < 0)
        snprintf(err, len, "%s: cannot read the parameter file", path);
    else
        snprintf(err, len, "%s:%d: not a valid parameter line (expected [section] or key = value)", path, rc);
    return false;
}

static bool ndis_config_get(const char *section, const char *key, char *out, size_t len);

/* Does `section`/`key` already have a value? */
static bool ndis_config_has(const char *section, const char *key)
{
    char value[8];
    return ndis_config_get(section, key, value, sizeof value);
}

static char *ndis_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    if (end - s >= 2 && *s == '"' && end[-1] == '"') { /* a quoted INF string */
        end[-1] = '\0';
        s++;
    }
    return s;
}

bool ndis_config_load_inf(const char *path, char *err, size_t len)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, len, "%s: cannot read the INF file", path);
        return false;
    }
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char *semi = strchr(line, ';'); /* INF comments (no quoted ';' in these lines) */
        if (semi)
            *semi = '\0';
        /* HKR, Ndi\params\<Key>, default, <flags>, <value> */
        char *field[5] = { 0 };
        int n = 0;
        for (char *p = line; n < 5 && p; n++) {
            field[n] = p;
            p = strchr(p, ',');
            if (p)
                *p++ = '\0';
        }
        if (n < 5)
            continue;
        char *root = ndis_trim(field[0]), *subkey = ndis_trim(field[1]), *name = ndis_trim(field[2]);
        if (strcasecmp(root, "HKR") != 0 || strncasecmp(subkey, "Ndi\\params\\", 11) != 0 ||
            strcasecmp(name, "default") != 0)
            continue;
        const char *key = subkey + 11;
        if (*key != '\0' && !strchr(key, '\\') && !ndis_config_has("adapter", key) &&
            !ndis_config_put("adapter", key, ndis_trim(field[4]))) {
            fclose(f);
            snprintf(err, len, "%s: out of memory", path);
            return false;
        }
    }
    fclose(f);
    return true;
}

void ndis_config_clear(void)
{
    pthread_mutex_lock(&ndis_config_lock);
    while (ndis_config) {
        struct ndis_config_entry *e = ndis_config;
        ndis_config = e->next;
        free(e->section);
        free(e->key);
        free(e->value);
        free(e);
    }
    pthread_mutex_unlock(&ndis_config_lock);
}

/* Looks `key` up in `section`, then in "adapter" for adapter sections. Copies the value. */
static bool ndis_config_get(const char *section, const char *key, char *out, size_t len)
{
    bool found = false;
    pthread_mutex_lock(&ndis_config_lock);
    for (int pass = 0; pass < 2 && !found; pass++) {
        const char *want = pass == 0 ? section : (strncasecmp(section, "adapter.", 8) == 0 ? "adapter" : NULL);
        for (struct ndis_config_entry *e = ndis_config; want && e && !found; e = e->next)
            if (strcasecmp(e->section, want) == 0 && strcasecmp(e->key, key) == 0) {
                snprintf(out, len, "%s", e->value);
                found = true;
            }
    }
    pthread_mutex_unlock(&ndis_config_lock);
    /* Windows' network class installer gives every adapter's key a NetCfgInstanceId, the
     * adapter's instance GUID (tap-windows6 names its device after it). Without a configured
     * one, adapter N gets a fixed GUID ending in N + 1. */
    unsigned n;
    if (!found && strcasecmp(key, "NetCfgInstanceId") == 0 && sscanf(section, "adapter.%u", &n) == 1) {
        snprintf(out, len, "{4F70656E-4E44-4953-0000-%012X}", n + 1);
        found = true;
    }
    return found;
}

static void ndis_keyword_text(PCUNICODE_STRING keyword, char *out, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; keyword && keyword->Buffer && i < keyword->Length / sizeof(WCHAR) && n + 1 < len; i++)
        out[n++] = keyword->Buffer[i] < 0x80 ? (char)keyword->Buffer[i] : '?';
    out[n] = '\0';
}

static struct ndis_config_handle *ndis_config_from_handle(NDIS_HANDLE h, const char *fn, const void *site)
{
    if (ndis_handle_kind(h) != NDIS_HANDLE_CONFIGURATION) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not a handle from NdisOpenConfigurationEx", h);
        return NULL;
    }
    return h;
}

static struct ke_pool *ndis_config_owner(struct ndis_config_handle *c)
{
    return ke_pool_owner(c);
}

NDISAPI NDIS_STATUS NdisOpenConfigurationEx(PNDIS_CONFIGURATION_OBJECT ConfigObject, PNDIS_HANDLE ConfigurationHandle)
{
    static const char fn[] = "NdisOpenConfigurationEx";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    if (ConfigObject == NULL || ConfigurationHandle == NULL ||
        ConfigObject->Header.Type != NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT || ConfigObject->Header.Revision < 1 ||
        ConfigObject->Header.Size < NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "the configuration object needs NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT, revision 1 and its size");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    struct ke_pool *owner = ndis_pool_of_handle(ConfigObject->NdisHandle);
    if (owner == NULL) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "NdisHandle %p is neither a driver nor a miniport adapter handle",
                     ConfigObject->NdisHandle);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (vf_fault_inject(fn, site))
        return NDIS_STATUS_RESOURCES;
    struct ndis_config_handle *c = ke_pool_alloc(owner, sizeof *c, 0, site, fn);
    if (c == NULL)
        return NDIS_STATUS_RESOURCES;
    memset(c, 0, sizeof *c);
    struct ndis_adapter *a = ndis_adapter_from_handle(ConfigObject->NdisHandle);
    if (a != NULL)
        snprintf(c->section, sizeof c->section, "adapter.%u", a->index);
    else
        snprintf(c->section, sizeof c->section, "driver");
    if (!ndis_handle_add(c, NDIS_HANDLE_CONFIGURATION)) {
        ke_pool_free(c);
        return NDIS_STATUS_RESOURCES;
    }
    *ConfigurationHandle = c;
    return NDIS_STATUS_SUCCESS;
}

static PNDIS_CONFIGURATION_PARAMETER ndis_config_param(struct ndis_config_handle *c, NDIS_PARAMETER_TYPE type,
                                                       size_t text_units, const void *site)
{
    struct ndis_config_param *p =
        ke_pool_alloc(ndis_config_owner(c), sizeof *p + text_units * sizeof(WCHAR), 0, site, "NdisReadConfiguration");
    if (p == NULL)
        return NULL;
    memset(p, 0, sizeof *p);
    p->value.ParameterType = type;
    p->next = c->params;
    c->params = p;
    return &p->value;
}

NDISAPI VOID NdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                                   NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                                   NDIS_PARAMETER_TYPE ParameterType)
{
    static const char fn[] = "NdisReadConfiguration";
    const void *site = VF_CALLER;
    char key[128], value[512];
    *Status = NDIS_STATUS_FAILURE;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return;
    struct ndis_config_handle *c = ndis_config_from_handle(ConfigurationHandle, fn, site);
    if (c == NULL)
        return;
    ndis_keyword_text(Keyword, key, sizeof key);
    if (!ndis_config_get(c->section, key, value, sizeof value))
        return; /* not configured: the driver uses its default */
    PNDIS_CONFIGURATION_PARAMETER p;
    if (ParameterType == NdisParameterInteger || ParameterType == NdisParameterHexInteger) {
        char *end;
        unsigned long v = strtoul(value, &end, ParameterType == NdisParameterHexInteger ? 16 : 10);
        if (end == value || *end != '\0')
            return; /* not a number of that base */
        if ((p = ndis_config_param(c, ParameterType, 0, site)) == NULL) {
            *Status = NDIS_STATUS_RESOURCES;
            return;
        }
        p->ParameterData.IntegerData = (ULONG)v;
    } else if (ParameterType == NdisParameterString || ParameterType == NdisParameterMultiString) {
        size_t n = strlen(value);
        /* A multi-string here is one string: the file has no REG_MULTI_SZ. Double-terminated. */
        if ((p = ndis_config_param(c, ParameterType, n + 2, site)) == NULL) {
            *Status = NDIS_STATUS_RESOURCES;
            return;
        }
        PWCH text = ((struct ndis_config_param *)p)->text;
        for (size_t i = 0; i < n; i++)
            text[i] = (unsigned char)value[i];
        text[n] = text[n + 1] = 0;
        p->ParameterData.StringData.Buffer = text;
        p->ParameterData.StringData.Length = (USHORT)(n * sizeof(WCHAR));
        p->ParameterData.StringData.MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    } else {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "ParameterType %d is not supported for keyword %s",
                     ParameterType, key);
        return;
    }
    *ParameterValue = p;
    *Status = NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisWriteConfiguration(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                                    PNDIS_CONFIGURATION_PARAMETER ParameterValue)
{
    static const char fn[] = "NdisWriteConfiguration";
    const void *site = VF_CALLER;
    char key[128], value[512];
    *Status = NDIS_STATUS_FAILURE;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return;
    struct ndis_config_handle *c = ndis_config_from_handle(ConfigurationHandle, fn, site);
    if (c == NULL || ParameterValue == NULL)
        return;
    ndis_keyword_text(Keyword, key, sizeof key);
    switch (ParameterValue->ParameterType) {
    case NdisParameterInteger:
        snprintf(value, sizeof value, "%u", ParameterValue->ParameterData.IntegerData);
        break;
    case NdisParameterHexInteger:
        snprintf(value, sizeof value, "%x", ParameterValue->ParameterData.IntegerData);
        break;
    case NdisParameterString:
        ndis_keyword_text(&ParameterValue->ParameterData.StringData, value, sizeof value);
        break;
    default:
        return;
    }
    *Status = ndis_config_put(c->section, key, value) ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

NDISAPI VOID NdisReadNetworkAddress(PNDIS_STATUS Status, PVOID *NetworkAddress, PUINT NetworkAddressLength,
                                    NDIS_HANDLE ConfigurationHandle)
{
    static const char fn[] = "NdisReadNetworkAddress";
    const void *site = VF_CALLER;
    char value[128];
    UCHAR mac[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    size_t n = 0;
    *Status = NDIS_STATUS_FAILURE;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return;
    struct ndis_config_handle *c = ndis_config_from_handle(ConfigurationHandle, fn, site);
    if (c == NULL || !ndis_config_get(c->section, "NetworkAddress", value, sizeof value))
        return;
    /* Hex digits, optionally grouped with '-' or ':' (the registry holds "02004C4F4F50"). */
    for (const char *p = value; *p && n < sizeof mac;) {
        if (*p == '-' || *p == ':') {
            p++;
            continue;
        }
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
            return;
        char byte[3] = { p[0], p[1], 0 };
        mac[n++] = (UCHAR)strtoul(byte, NULL, 16);
        p += 2;
    }
    if (n == 0)
        return;
    PNDIS_CONFIGURATION_PARAMETER p = ndis_config_param(c, NdisParameterBinary, (n + 1) / 2, site);
    if (p == NULL) {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    UCHAR *bytes = (UCHAR *)((struct ndis_config_param *)p)->text;
    memcpy(bytes, mac, n);
    *NetworkAddress = bytes;
    *NetworkAddressLength = (UINT)n;
    *Status = NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle)
{
    static const char fn[] = "NdisCloseConfiguration";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_config_handle *c = ndis_config_from_handle(ConfigurationHandle, fn, site);
    if (c == NULL)
        return;
    while (c->params) { /* every value read through this handle goes with it */
        struct ndis_config_param *p = c->params;
        c->params = p->next;
        ke_pool_free(p);
    }
    ndis_handle_remove(c);
    ke_pool_free(c);
}
