/* Security: SDDL strings into self-relative security descriptors, access checks and
 * privileges, decided from a client's Linux credentials. The model (docs/control-devices.md):
 * every client is Everyone (WD), Authenticated Users (AU), Interactive (IU) and Users (BU);
 * root, and the uid or gid set as the device owner, are also Administrators (BA) and hold
 * every privilege; the driver's own process is LocalSystem (SY) and Administrators. Kernel-
 * mode checks grant what they are asked, as on Windows. */
#include <stdlib.h>
#include <string.h>

#include "ke.h"
#include "ob.h"

/* ---- SIDs ------------------------------------------------------------------------------------- */
#define KE_SID_MAX_SUB 8
struct ke_sid {
    UCHAR revision;
    UCHAR count;
    UCHAR authority[6];
    ULONG sub[KE_SID_MAX_SUB];
};

static const struct {
    char alias[3];
    UCHAR authority;
    UCHAR count;
    ULONG sub[2];
} ke_well_known[] = {
    { "WD", 1, 1, { 0 } },        { "CO", 3, 1, { 0 } },        { "OW", 3, 1, { 4 } },
    { "NU", 5, 1, { 2 } },        { "IU", 5, 1, { 4 } },        { "SU", 5, 1, { 6 } },
    { "AN", 5, 1, { 7 } },        { "AU", 5, 1, { 11 } },       { "RC", 5, 1, { 12 } },
    { "SY", 5, 1, { 18 } },       { "LS", 5, 1, { 19 } },       { "NS", 5, 1, { 20 } },
    { "BA", 5, 2, { 32, 544 } },  { "BU", 5, 2, { 32, 545 } },  { "BG", 5, 2, { 32, 546 } },
    { "SO", 5, 2, { 32, 549 } },
};

static struct ke_sid ke_sid_alias(const char *alias)
{
    struct ke_sid s = { 0 };
    for (size_t i = 0; i < sizeof ke_well_known / sizeof ke_well_known[0]; i++)
        if (strcmp(ke_well_known[i].alias, alias) == 0) {
            s.revision = 1;
            s.count = ke_well_known[i].count;
            s.authority[5] = ke_well_known[i].authority;
            memcpy(s.sub, ke_well_known[i].sub, sizeof(ULONG) * s.count);
        }
    return s;
}

static size_t ke_sid_size(const struct ke_sid *s)
{
    return 8u + 4u * s->count;
}

/* A SID in its binary layout at `p` (possibly unaligned) equals `s`. */
static bool ke_sid_equal(const UCHAR *p, const struct ke_sid *s)
{
    if (p[0] != 1 || p[1] != s->count || memcmp(p + 2, s->authority, 6) != 0)
        return false;
    for (UCHAR i = 0; i < s->count; i++) {
        ULONG v;
        memcpy(&v, p + 8 + 4u * i, 4);
        if (v != s->sub[i])
            return false;
    }
    return true;
}

/* ---- who a process is ---------------------------------------------------------------------------- */
static _Atomic long ke_owner_uid = -1, ke_owner_gid = -1;

void ke_security_set_owner(uid_t uid, gid_t gid)
{
    atomic_store(&ke_owner_uid, uid == (uid_t)-1 ? -1 : (long)uid);
    atomic_store(&ke_owner_gid, gid == (gid_t)-1 ? -1 : (long)gid);
}

bool ke_process_is_admin(const struct ke_process *p)
{
    return p->system || p->uid == 0 || (long)p->uid == atomic_load(&ke_owner_uid) ||
           (long)p->gid == atomic_load(&ke_owner_gid);
}

/* Whether the process's token holds the SID (binary layout). */
static bool ke_token_has(const struct ke_process *p, const UCHAR *sid)
{
    static const char *const client[] = { "WD", "AU", "IU", "BU" };
    for (size_t i = 0; i < 4; i++) {
        struct ke_sid s = ke_sid_alias(client[i]);
        if (ke_sid_equal(sid, &s))
            return true;
    }
    struct ke_sid ba = ke_sid_alias("BA"), sy = ke_sid_alias("SY");
    if (ke_process_is_admin(p) && ke_sid_equal(sid, &ba))
        return true;
    return p->system && ke_sid_equal(sid, &sy);
}

/* ---- SDDL ------------------------------------------------------------------------------------------ */
struct ke_sddl_ace {
    UCHAR type, flags;
    ACCESS_MASK mask;
    struct ke_sid sid;
};
struct ke_sddl {
    bool has_owner, has_group, has_dacl, protected_dacl;
    struct ke_sid owner, group;
    struct ke_sddl_ace aces[32];
    size_t ace_count;
};

/* The SDDL text, narrowed (SDDL is ASCII). */
static bool ke_sddl_narrow(const WCHAR *w, size_t len, char *out, size_t cap)
{
    if (len >= cap)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (w[i] == 0 || w[i] > 0x7e)
            return false;
        out[i] = (char)w[i];
    }
    out[len] = 0;
    return true;
}

static bool ke_parse_sid(const char **pp, struct ke_sid *s)
{
    const char *p = *pp;
    if (p[0] == 'S' && p[1] == '-') {
        char *end;
        p += 2;
        unsigned long rev = strtoul(p, &end, 10);
        if (end == p || rev != 1 || *end != '-')
            return false;
        p = end + 1;
        unsigned long long auth = strtoull(p, &end, 10);
        if (end == p || auth >= 1ull << 48)
            return false;
        *s = (struct ke_sid){ .revision = 1 };
        for (int i = 0; i < 6; i++)
            s->authority[5 - i] = (UCHAR)(auth >> (8 * i));
        p = end;
        while (*p == '-') {
            unsigned long v = strtoul(p + 1, &end, 10);
            if (end == p + 1 || v > 0xffffffffu || s->count == KE_SID_MAX_SUB)
                return false;
            s->sub[s->count++] = (ULONG)v;
            p = end;
        }
        *pp = p;
        return s->count > 0;
    }
    char alias[3] = { p[0], p[0] ? p[1] : 0, 0 };
    *s = ke_sid_alias(alias);
    if (s->revision == 0)
        return false;
    *pp = p + 2;
    return true;
}

static bool ke_parse_rights(const char *text, size_t len, ACCESS_MASK *mask)
{
    static const struct {
        char code[3];
        ACCESS_MASK value;
    } codes[] = {
        { "GA", GENERIC_ALL }, { "GR", GENERIC_READ }, { "GW", GENERIC_WRITE }, { "GX", GENERIC_EXECUTE },
        { "RC", READ_CONTROL }, { "SD", DELETE }, { "WD", WRITE_DAC }, { "WO", WRITE_OWNER },
        { "FA", FILE_ALL_ACCESS }, { "FR", 0x120089 }, { "FW", 0x120116 }, { "FX", 0x1200A0 },
        { "KA", KEY_ALL_ACCESS }, { "KR", 0x20019 }, { "KW", 0x20006 }, { "KX", 0x20019 },
        { "CC", 0x1 }, { "DC", 0x2 }, { "LC", 0x4 }, { "SW", 0x8 }, { "RP", 0x10 }, { "WP", 0x20 },
        { "DT", 0x40 }, { "LO", 0x80 }, { "CR", 0x100 },
    };
    *mask = 0;
    if (len > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        char buf[16], *end;
        if (len >= sizeof buf)
            return false;
        memcpy(buf, text, len);
        buf[len] = 0;
        unsigned long v = strtoul(buf, &end, 16);
        *mask = (ACCESS_MASK)v;
        return *end == 0 && v <= 0xffffffffu;
    }
    if (len % 2 != 0)
        return false;
    for (size_t i = 0; i < len; i += 2) {
        size_t k = 0;
        while (k < sizeof codes / sizeof codes[0] && memcmp(codes[k].code, text + i, 2) != 0)
            k++;
        if (k == sizeof codes / sizeof codes[0])
            return false;
        *mask |= codes[k].value;
    }
    return true;
}

/* One "(type;flags;rights;object;inherit-object;sid)". */
static bool ke_parse_ace(const char **pp, struct ke_sddl_ace *ace)
{
    const char *p = *pp + 1, *field[6];
    size_t flen[6];
    for (int i = 0; i < 6; i++) {
        field[i] = p;
        while (*p && *p != ';' && *p != ')')
            p++;
        flen[i] = (size_t)(p - field[i]);
        if (i < 5 && *p != ';')
            return false;
        if (*p == 0)
            return false;
        p++;
    }
    if (p[-1] != ')')
        return false;
    if (flen[0] == 1 && field[0][0] == 'A')
        ace->type = 0; /* ACCESS_ALLOWED_ACE_TYPE */
    else if (flen[0] == 1 && field[0][0] == 'D')
        ace->type = 1; /* ACCESS_DENIED_ACE_TYPE */
    else
        return false;  /* object and audit ACEs have no meaning for a device here */
    ace->flags = 0;
    if (flen[1] % 2 != 0)
        return false;
    for (size_t i = 0; i < flen[1]; i += 2) {
        static const struct {
            char code[3];
            UCHAR bit;
        } f[] = { { "OI", 1 }, { "CI", 2 }, { "NP", 4 }, { "IO", 8 }, { "ID", 0x10 } };
        size_t k = 0;
        while (k < 5 && memcmp(f[k].code, field[1] + i, 2) != 0)
            k++;
        if (k == 5)
            return false;
        ace->flags |= f[k].bit;
    }
    if (flen[1] % 2 != 0 || flen[3] != 0 || flen[4] != 0 || !ke_parse_rights(field[2], flen[2], &ace->mask))
        return false;
    const char *sid = field[5];
    if (!ke_parse_sid(&sid, &ace->sid) || sid != field[5] + flen[5])
        return false;
    *pp = p;
    return true;
}

static bool ke_parse_sddl(const char *p, struct ke_sddl *sd)
{
    memset(sd, 0, sizeof *sd);
    while (*p) {
        char section = p[0];
        if (p[1] != ':')
            return false;
        p += 2;
        switch (section) {
        case 'O':
            if (!ke_parse_sid(&p, &sd->owner))
                return false;
            sd->has_owner = true;
            break;
        case 'G':
            if (!ke_parse_sid(&p, &sd->group))
                return false;
            sd->has_group = true;
            break;
        case 'D':
            sd->has_dacl = true;
            while (*p && *p != '(' && p[1] != ':') {
                if (*p == 'P')
                    sd->protected_dacl = true, p++;
                else if (p[0] == 'A' && (p[1] == 'I' || p[1] == 'R'))
                    p += 2;
                else
                    return false;
            }
            while (*p == '(') {
                if (sd->ace_count == sizeof sd->aces / sizeof sd->aces[0] ||
                    !ke_parse_ace(&p, &sd->aces[sd->ace_count++]))
                    return false;
            }
            break;
        case 'S': /* the audit list: parsed past, not enforced */
            while (*p && !(p[1] == ':' && (p[0] == 'O' || p[0] == 'G' || p[0] == 'D')))
                p++;
            break;
        default:
            return false;
        }
    }
    return true;
}

/* The self-relative layout: header, owner, group, then the DACL. */
static void *ke_sd_build(const struct ke_sddl *sd, size_t *size_out, void *(*alloc)(size_t, void *), void *ctx)
{
    size_t size = sizeof(SECURITY_DESCRIPTOR_RELATIVE);
    size_t owner = 0, group = 0, dacl = 0;
    if (sd->has_owner)
        owner = size, size += ke_sid_size(&sd->owner);
    if (sd->has_group)
        group = size, size += ke_sid_size(&sd->group);
    size_t acl_size = 8;
    for (size_t i = 0; i < sd->ace_count; i++)
        acl_size += 8 + ke_sid_size(&sd->aces[i].sid);
    if (sd->has_dacl)
        dacl = size, size += acl_size;
    UCHAR *b = alloc(size, ctx);
    if (b == NULL)
        return NULL;
    memset(b, 0, size);
    SECURITY_DESCRIPTOR_RELATIVE h = { .Revision = SECURITY_DESCRIPTOR_REVISION,
                                       .Control = SE_SELF_RELATIVE | (sd->has_dacl ? SE_DACL_PRESENT : 0) |
                                                  (sd->protected_dacl ? SE_DACL_PROTECTED : 0),
                                       .Owner = (ULONG)owner, .Group = (ULONG)group, .Dacl = (ULONG)dacl };
    memcpy(b, &h, sizeof h);
    if (owner)
        memcpy(b + owner, &sd->owner, ke_sid_size(&sd->owner));
    if (group)
        memcpy(b + group, &sd->group, ke_sid_size(&sd->group));
    if (dacl) {
        ACL acl = { .AclRevision = 2, .AclSize = (USHORT)acl_size, .AceCount = (USHORT)sd->ace_count };
        memcpy(b + dacl, &acl, sizeof acl);
        UCHAR *a = b + dacl + 8;
        for (size_t i = 0; i < sd->ace_count; i++) {
            USHORT ace_size = (USHORT)(8 + ke_sid_size(&sd->aces[i].sid));
            a[0] = sd->aces[i].type;
            a[1] = sd->aces[i].flags;
            memcpy(a + 2, &ace_size, 2);
            memcpy(a + 4, &sd->aces[i].mask, 4);
            memcpy(a + 8, &sd->aces[i].sid, ke_sid_size(&sd->aces[i].sid));
            a += ace_size;
        }
    }
    *size_out = size;
    return b;
}

/* The access check over a self-relative descriptor of `size` bytes (0: trusted, ours). */
static NTSTATUS ke_check(const UCHAR *sd, const struct ke_process *p, ACCESS_MASK desired, ACCESS_MASK previous,
                         const GENERIC_MAPPING *mapping, ACCESS_MASK *granted_out)
{
    SECURITY_DESCRIPTOR_RELATIVE h;
    memcpy(&h, sd, sizeof h);
    if (h.Revision != SECURITY_DESCRIPTOR_REVISION || !(h.Control & SE_SELF_RELATIVE))
        return STATUS_INVALID_PARAMETER;
    bool maximum = desired & MAXIMUM_ALLOWED;
    ACCESS_MASK want = ke_map_generic(desired & ~(ACCESS_MASK)MAXIMUM_ALLOWED, mapping);
    ACCESS_MASK all = mapping != NULL ? mapping->GenericAll | STANDARD_RIGHTS_ALL : 0xffffffu;
    ACCESS_MASK granted = previous, denied = 0;
    if (!(h.Control & SE_DACL_PRESENT) || h.Dacl == 0) {
        granted |= maximum ? all : want; /* no DACL: no protection */
    } else {
        if (h.Owner != 0 && ke_token_has(p, sd + h.Owner))
            granted |= READ_CONTROL | WRITE_DAC;
        ACL acl;
        memcpy(&acl, sd + h.Dacl, sizeof acl);
        const UCHAR *a = sd + h.Dacl + 8;
        for (USHORT i = 0; i < acl.AceCount; i++) {
            USHORT ace_size;
            ACCESS_MASK mask;
            memcpy(&ace_size, a + 2, 2);
            memcpy(&mask, a + 4, 4);
            mask = ke_map_generic(mask, mapping);
            if (!(a[1] & 8) && ke_token_has(p, a + 8)) { /* not inherit-only, and ours */
                if (a[0] == 0)
                    granted |= mask & ~denied;
                else if (a[0] == 1)
                    denied |= mask & ~granted;
            }
            a += ace_size;
        }
    }
    if ((want & ACCESS_SYSTEM_SECURITY) && ke_process_is_admin(p))
        granted |= ACCESS_SYSTEM_SECURITY;
    if (maximum) {
        *granted_out = granted;
        return (granted & want) == want && (granted != 0 || want != 0) ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
    }
    *granted_out = want & granted;
    return want != 0 && (want & ~granted) == 0 ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
}

static void *ke_malloc_ctx(size_t size, void *ctx)
{
    (void)ctx;
    return malloc(size);
}

NTSTATUS ke_access_check_sddl(const WCHAR *sddl, const struct ke_process *p, ACCESS_MASK desired,
                              PGENERIC_MAPPING mapping, ACCESS_MASK *granted)
{
    if (sddl == NULL) {
        *granted = ke_map_generic(desired & ~(ACCESS_MASK)MAXIMUM_ALLOWED, mapping);
        return STATUS_SUCCESS;
    }
    size_t len = 0;
    while (sddl[len] != 0)
        len++;
    char text[1024];
    struct ke_sddl sd;
    if (!ke_sddl_narrow(sddl, len, text, sizeof text) || !ke_parse_sddl(text, &sd))
        return STATUS_INVALID_PARAMETER;
    size_t size;
    UCHAR *b = ke_sd_build(&sd, &size, ke_malloc_ctx, NULL);
    if (b == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = ke_check(b, p, desired, 0, mapping, granted);
    free(b);
    return status;
}

/* ---- the exports ------------------------------------------------------------------------------------ */
struct ke_alloc_ctx {
    const void *site;
};

static void *ke_pool_alloc_ctx(size_t size, void *ctx)
{
    return ke_ex_alloc(size, 0x64536553u /* 'SeSd' */, ((struct ke_alloc_ctx *)ctx)->site,
                       "SeSddlSecurityDescriptorFromSDDL");
}

/* Undocumented, but Wintun imports it: the descriptor is pool memory the caller frees. */
NTSTATUS SeSddlSecurityDescriptorFromSDDL(const PUNICODE_STRING SecurityDescriptorString,
                                          BOOLEAN SuppliedByDefaultMechanism, PSECURITY_DESCRIPTOR *SecurityDescriptor);
OPENNDIS_API NTSTATUS SeSddlSecurityDescriptorFromSDDL(const PUNICODE_STRING SecurityDescriptorString,
                                                       BOOLEAN SuppliedByDefaultMechanism,
                                                       PSECURITY_DESCRIPTOR *SecurityDescriptor)
{
    (void)SuppliedByDefaultMechanism;
    const void *site = VF_CALLER;
    if (SecurityDescriptor == NULL || SecurityDescriptorString == NULL)
        return STATUS_INVALID_PARAMETER;
    *SecurityDescriptor = NULL;
    char text[1024];
    struct ke_sddl sd;
    if (!ke_sddl_narrow(SecurityDescriptorString->Buffer, SecurityDescriptorString->Length / sizeof(WCHAR), text,
                        sizeof text) ||
        !ke_parse_sddl(text, &sd))
        return STATUS_INVALID_PARAMETER;
    size_t size;
    struct ke_alloc_ctx ctx = { site };
    *SecurityDescriptor = ke_sd_build(&sd, &size, ke_pool_alloc_ctx, &ctx);
    return *SecurityDescriptor != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* The subject is the current process; the token pointer is the process itself. */
NTKERNELAPI VOID SeCaptureSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    struct ke_process *p = ke_process_current();
    ke_process_ref(p);
    *SubjectContext = (SECURITY_SUBJECT_CONTEXT){ .ImpersonationLevel = SecurityAnonymous,
                                                  .PrimaryToken = (PACCESS_TOKEN)ke_process_eprocess(p) };
}

NTKERNELAPI VOID SeReleaseSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    struct ke_process *p = ke_process_from_eprocess((PEPROCESS)SubjectContext->PrimaryToken);
    if (p != NULL)
        ke_process_unref(p);
    SubjectContext->PrimaryToken = NULL;
}

NTKERNELAPI BOOLEAN SeAccessCheck(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                  PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext, BOOLEAN SubjectContextLocked,
                                  ACCESS_MASK DesiredAccess, ACCESS_MASK PreviouslyGrantedAccess,
                                  PPRIVILEGE_SET *Privileges, PGENERIC_MAPPING GenericMapping,
                                  KPROCESSOR_MODE AccessMode, PACCESS_MASK GrantedAccess, PNTSTATUS AccessStatus)
{
    (void)SubjectContextLocked;
    ke_irql_at_most(PASSIVE_LEVEL, "SeAccessCheck", VF_CALLER);
    if (Privileges != NULL)
        *Privileges = NULL;
    NTSTATUS status;
    ACCESS_MASK granted = 0;
    if (AccessMode == KernelMode) {
        granted = PreviouslyGrantedAccess | ke_map_generic(DesiredAccess & ~(ACCESS_MASK)MAXIMUM_ALLOWED, GenericMapping);
        status = STATUS_SUCCESS;
    } else if (SecurityDescriptor == NULL) {
        status = STATUS_INVALID_PARAMETER;
    } else {
        struct ke_process *p = SubjectSecurityContext != NULL
                                   ? ke_process_from_eprocess((PEPROCESS)SubjectSecurityContext->PrimaryToken)
                                   : NULL;
        if (p == NULL)
            p = ke_process_current();
        status = ke_check(SecurityDescriptor, p, DesiredAccess, PreviouslyGrantedAccess, GenericMapping, &granted);
    }
    if (GrantedAccess != NULL)
        *GrantedAccess = NT_SUCCESS(status) ? granted : 0;
    if (AccessStatus != NULL)
        *AccessStatus = status;
    return NT_SUCCESS(status);
}

#define KE_SE_CHANGE_NOTIFY_PRIVILEGE 23

/* Administrators hold every privilege; other clients only the bypass-traverse one, as a
 * standard Windows user does. */
NTKERNELAPI BOOLEAN SeSinglePrivilegeCheck(LUID PrivilegeValue, KPROCESSOR_MODE PreviousMode)
{
    ke_irql_at_most(PASSIVE_LEVEL, "SeSinglePrivilegeCheck", VF_CALLER);
    if (PreviousMode == KernelMode)
        return TRUE;
    if (ke_process_is_admin(ke_process_current()))
        return TRUE;
    return PrivilegeValue.HighPart == 0 && PrivilegeValue.LowPart == KE_SE_CHANGE_NOTIFY_PRIVILEGE;
}
