/* Loading a PE32+ driver image (.sys): the file is checked whole by the parser before any
 * byte is mapped; then the image is laid out in anonymous memory, relocated, its imports
 * bound to OpenNDIS's Microsoft-x64-ABI entry points, its /GS cookie set, and each page
 * given the protection of its sections. The code range is registered with the kernel as
 * Microsoft x64 ABI code, so every call OpenNDIS makes into it uses that convention. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ld.h"
#include "pe.h"

#define PE_SUBSYSTEM_NATIVE 1
#define PE_SUBSYSTEM_WINDOWS_GUI 2
#define PE_SUBSYSTEM_WINDOWS_CUI 3
#define PE_FILE_RELOCS_STRIPPED 0x0001
#define PE_DEFAULT_SECURITY_COOKIE 0x00002B992DDFA232ull /* what MSVC links in, to be replaced */
#define PE_LOADCFG_SECURITY_COOKIE 88                    /* PE32+ load configuration offset */

static bool pe_fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool pe_fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
    int n = snprintf(err, errlen, "%s: ", path);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

/* The whole file in memory (drivers are small; the image size bounds what is read). */
static uint8_t *pe_slurp(const char *path, size_t *size, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        pe_fail(err, errlen, path, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > 2 * (off_t)LD_PE_MAX_IMAGE) {
        pe_fail(err, errlen, path, S_ISREG(st.st_mode) ? "too large for a driver image" : "not a regular file");
        close(fd);
        return NULL;
    }
    uint8_t *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (buf != NULL && got < (size_t)st.st_size) {
        ssize_t r = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (buf == NULL || got != (size_t)st.st_size) {
        pe_fail(err, errlen, path, buf ? "changed while it was read" : "out of memory");
        free(buf);
        return NULL;
    }
    *size = got;
    return buf;
}

/* The checks that make a well-formed image a driver OpenNDIS can start. */
static bool pe_is_driver(const char *path, const struct ld_pe *pe, char *err, size_t errlen)
{
    if (pe->subsystem != PE_SUBSYSTEM_NATIVE)
        return pe_fail(err, errlen, path, "a Windows %s (%s subsystem), not a kernel-mode driver",
                       (pe->characteristics & 0x2000) ? "DLL" : "program",
                       pe->subsystem == PE_SUBSYSTEM_WINDOWS_GUI   ? "GUI"
                       : pe->subsystem == PE_SUBSYSTEM_WINDOWS_CUI ? "console"
                                                                    : "non-native");
    if (pe->entry_rva == 0)
        return pe_fail(err, errlen, path, "no entry point: a kernel-mode DLL (export driver), not a driver with DriverEntry");
    if (pe->nimports == 0)
        return pe_fail(err, errlen, path, "imports nothing: not an NDIS miniport (a miniport registers through "
                                          "NdisMRegisterMiniportDriver, imported from ndis.sys)");
    for (size_t i = 0; i < pe->nimports; i++)
        if (ld_pe_ndis5_import(pe->imports[i].module, pe->imports[i].name))
            return pe_fail(err, errlen, path, "an NDIS 5.x miniport (it imports %s from %s); OpenNDIS runs NDIS 6 "
                                              "miniports: port its source to NDIS 6 with `openndis port`",
                           pe->imports[i].name, pe->imports[i].module);
    if ((pe->characteristics & PE_FILE_RELOCS_STRIPPED) && pe->reloc_size == 0)
        return pe_fail(err, errlen, path, "its base relocations were stripped, so it can only run at its "
                                          "preferred address 0x%llx (relink it without /FIXED)",
                       (unsigned long long)pe->image_base);
    return true;
}

static bool pe_read_file(const char *path, struct ld_pe *out, uint8_t **file, size_t *size, char *err,
                         size_t errlen)
{
    memset(out, 0, sizeof *out);
    uint8_t *buf = pe_slurp(path, size, err, errlen);
    if (buf == NULL)
        return false;
    char why[400];
    if (!ld_pe_parse(buf, *size, out, why, sizeof why)) {
        pe_fail(err, errlen, path, "%s", why);
        ld_pe_free(out);
        free(buf);
        return false;
    }
    if (!pe_is_driver(path, out, err, errlen)) {
        ld_pe_free(out);
        free(buf);
        return false;
    }
    if (file != NULL)
        *file = buf;
    else
        free(buf);
    return true;
}

bool ld_pe_read(const char *path, struct ld_pe *out, char *err, size_t errlen)
{
    size_t size;
    return pe_read_file(path, out, NULL, &size, err, errlen);
}

/* The OpenNDIS module an image's module name stands for: on x64 Windows the HAL's few
 * remaining exports are served by ntoskrnl too, so the two are one here. */
static const char *pe_module_of(const char *image_module)
{
    if (strcasecmp(image_module, "ndis.sys") == 0)
        return "NDIS";
    if (strcasecmp(image_module, "ntoskrnl.exe") == 0 || strcasecmp(image_module, "hal.dll") == 0)
        return "NTOSKRNL";
    if (strcasecmp(image_module, "netio.sys") == 0)
        return "NETIO"; /* Winsock Kernel */
    return NULL;
}

const char *ld_pe_import_resolve(const struct ld_pe_import *im, void **address, bool *stub)
{
    const char *module = pe_module_of(im->module);
    if (module == NULL)
        return "module";
    if (im->name == NULL)
        return "ordinal";
    void *(*resolve)(const char *, const char *, bool *) = atomic_load(&ke_export_resolver);
    void *a = resolve ? resolve(module, im->name, stub) : NULL;
    if (a == NULL)
        return "name";
    *address = a;
    return NULL;
}

/* Binds every import, or says which ones nothing provides (all of them, by name). */
static bool pe_bind(const char *path, const struct ld_pe *pe, uint8_t *base, char *err, size_t errlen)
{
    char missing[600] = "";
    size_t nmissing = 0, len = 0;
    const char *first_why = NULL;
    for (size_t i = 0; i < pe->nimports; i++) {
        const struct ld_pe_import *im = &pe->imports[i];
        void *a = NULL;
        bool stub = false;
        const char *why = ld_pe_import_resolve(im, &a, &stub);
        if (why == NULL) {
            memcpy(base + im->iat_rva, &a, sizeof a);
            continue;
        }
        if (nmissing++ == 0)
            first_why = why;
        char one[160];
        if (im->name != NULL)
            snprintf(one, sizeof one, "%s%s!%s", len ? ", " : "", im->module, im->name);
        else
            snprintf(one, sizeof one, "%s%s!#%u", len ? ", " : "", im->module, im->ordinal);
        if (len + strlen(one) + 8 < sizeof missing)
            len += (size_t)snprintf(missing + len, sizeof missing - len, "%s", one);
    }
    if (nmissing == 0)
        return true;
    if (strcmp(first_why, "module") == 0 && nmissing == 1)
        return pe_fail(err, errlen, path, "the driver imports %s, from a module OpenNDIS does not provide "
                                          "(it provides ndis.sys, ntoskrnl.exe, hal.dll and netio.sys)", missing);
    if (strcmp(first_why, "ordinal") == 0 && nmissing == 1)
        return pe_fail(err, errlen, path, "the driver imports %s by ordinal; OpenNDIS binds imports by name only "
                                          "(no documented ordinals)", missing);
    return pe_fail(err, errlen, path, "the driver imports %zu function%s OpenNDIS does not implement yet: %s",
                   nmissing, nmissing == 1 ? "" : "s", missing);
}

static void pe_relocate(const uint8_t *file, const struct ld_pe *pe, uint8_t *base)
{
    uint64_t delta = (uint64_t)(uintptr_t)base - pe->image_base;
    /* the relocation blocks are read from the mapped copy: the parser checked them there */
    (void)file;
    for (uint32_t done = 0; done + 8 <= pe->reloc_size;) {
        const uint8_t *b = base + pe->reloc_rva + done;
        uint32_t page, block;
        memcpy(&page, b, 4);
        memcpy(&block, b + 4, 4);
        if (block < 8)
            break;
        for (uint32_t k = 8; k + 2 <= block; k += 2) {
            uint16_t e;
            memcpy(&e, b + k, 2);
            if ((e >> 12) != 10)
                continue;
            uint64_t v;
            memcpy(&v, base + page + (e & 0xfff), 8);
            v += delta;
            memcpy(base + page + (e & 0xfff), &v, 8);
        }
        done += block;
    }
}

/* /GS: the image's __security_cookie gets a fresh random value, as the Windows loader sets
 * it before DriverEntry (the image's GsDriverEntry refuses to run with the default). */
static void pe_security_cookie(const struct ld_pe *pe, uint8_t *base)
{
    if (pe->loadcfg_size < PE_LOADCFG_SECURITY_COOKIE + 8)
        return;
    uint32_t declared;
    memcpy(&declared, base + pe->loadcfg_rva, 4);
    if (declared < PE_LOADCFG_SECURITY_COOKIE + 8)
        return;
    uint64_t va;
    memcpy(&va, base + pe->loadcfg_rva + PE_LOADCFG_SECURITY_COOKIE, 8);
    uint64_t rva = va - (uint64_t)(uintptr_t)base;
    if (va == 0 || rva > pe->image_size - 8)
        return;
    uint64_t cookie = 0;
    while (cookie == 0 || cookie == PE_DEFAULT_SECURITY_COOKIE)
        if (getrandom(&cookie, sizeof cookie, 0) != sizeof cookie)
            cookie ^= (uint64_t)(uintptr_t)&cookie * 0x9e3779b97f4a7c15ull; /* no entropy: still not default */
    cookie &= 0x0000ffffffffffffull; /* Windows keeps the top 16 bits clear */
    if (cookie == 0 || cookie == PE_DEFAULT_SECURITY_COOKIE)
        cookie = 0x5eed;
    memcpy(base + rva, &cookie, 8);
}

/* Each page gets the union of the protections of the sections on it; headers read-only. */
static bool pe_protect(const struct ld_pe *pe, uint8_t *base)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t npages = (pe->image_size + page - 1) / page;
    unsigned char *prot = calloc(npages, 1);
    if (prot == NULL)
        return false;
    for (size_t p = 0; p * page < pe->headers_size; p++)
        prot[p] |= PROT_READ;
    for (size_t i = 0; i < pe->nsections; i++) {
        const struct ld_pe_section *s = &pe->sections[i];
        unsigned char want = ((s->flags & LD_SCN_MEM_READ) ? PROT_READ : 0) |
                             ((s->flags & LD_SCN_MEM_WRITE) ? PROT_WRITE : 0) |
                             ((s->flags & LD_SCN_MEM_EXECUTE) ? PROT_EXEC | PROT_READ : 0);
        if (s->virtual_size == 0)
            continue;
        for (size_t p = s->rva / page; p <= (s->rva + s->virtual_size - 1) / page; p++)
            prot[p] |= want;
    }
    bool ok = true;
    for (size_t p = 0; p < npages && ok;) {
        size_t q = p;
        while (q < npages && prot[q] == prot[p])
            q++;
        ok = mprotect(base + p * page, (q - p) * page, prot[p]) == 0;
        p = q;
    }
    free(prot);
    return ok;
}

bool ld_pe_map(const char *path, struct ld_pe_mapping *out, char *err, size_t errlen)
{
    struct ld_pe pe;
    uint8_t *file;
    size_t size;
    memset(out, 0, sizeof *out);
    if (!pe_read_file(path, &pe, &file, &size, err, errlen))
        return false;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t mapped = ((size_t)pe.image_size + page - 1) / page * page;
    uint8_t *base = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    bool ok = base != MAP_FAILED;
    if (!ok) {
        pe_fail(err, errlen, path, "cannot map %u bytes: %s", pe.image_size, strerror(errno));
        goto done;
    }
    memcpy(base, file, pe.headers_size);
    for (size_t i = 0; i < pe.nsections; i++) {
        const struct ld_pe_section *s = &pe.sections[i];
        size_t n = s->raw_size < s->virtual_size ? s->raw_size : s->virtual_size;
        if (n != 0)
            memcpy(base + s->rva, file + s->raw_offset, n);
    }
    pe_relocate(file, &pe, base);
    ok = pe_bind(path, &pe, base, err, errlen);
    if (ok) {
        pe_security_cookie(&pe, base);
        ok = pe_protect(&pe, base) || pe_fail(err, errlen, path, "cannot protect its pages: %s", strerror(errno));
    }
    if (!ok) {
        munmap(base, mapped);
        goto done;
    }
    out->base = base;
    out->size = mapped;
    out->image_size = pe.image_size;
    out->entry = base + pe.entry_rva;
    out->pdata = pe.pdata_size ? base + pe.pdata_rva : NULL;
    out->pdata_size = pe.pdata_size;
done:
    ld_pe_free(&pe);
    free(file);
    return ok;
}

void ld_pe_unmap(struct ld_pe_mapping *m)
{
    if (m->base != NULL)
        munmap(m->base, m->size);
    m->base = NULL;
}
