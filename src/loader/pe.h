/* PE32+ images (Windows .sys drivers): the parser, which reads only the bytes it is given,
 * and the layout it hands the loader. Field offsets are those of the PE/COFF specification
 * (MicrosoftDocs/win32, desktop-src/Debug/pe-format.md). */
#ifndef OPENNDIS_LD_PE_H
#define OPENNDIS_LD_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ndis.h>

#define LD_PE_MAX_IMAGE (256u << 20) /* no driver needs more; bounds what a header can ask for */

/* Section flags (pe-format.md, Section Flags). */
#define LD_SCN_CNT_UNINITIALIZED 0x00000080u
#define LD_SCN_MEM_DISCARDABLE 0x02000000u
#define LD_SCN_MEM_EXECUTE 0x20000000u
#define LD_SCN_MEM_READ 0x40000000u
#define LD_SCN_MEM_WRITE 0x80000000u

struct ld_pe_section {
    char name[9];
    uint32_t rva, virtual_size, raw_offset, raw_size, flags;
};

struct ld_pe_import {
    const char *module; /* as the image spells it: "NDIS.SYS", "ntoskrnl.exe" */
    const char *name;   /* NULL when imported by ordinal */
    uint16_t ordinal;
    uint32_t iat_rva;   /* the 8-byte slot the loader fills */
};

struct ld_pe {
    uint16_t machine, characteristics, subsystem, dll_characteristics;
    uint64_t image_base;
    uint32_t image_size, headers_size, section_alignment, entry_rva;
    struct ld_pe_section *sections;
    size_t nsections;
    struct ld_pe_import *imports;
    size_t nimports;
    size_t nmodules;
    uint32_t reloc_rva, reloc_size;     /* base relocations, checked by the parser */
    uint32_t pdata_rva, pdata_size;     /* exception directory (RUNTIME_FUNCTION entries) */
    uint32_t loadcfg_rva, loadcfg_size; /* load configuration (security cookie) */
    char *strings;                      /* the names imports point into */
};

/* Whether the file starts like a PE image ("MZ"): the loader then takes the PE path. */
bool ld_pe_magic(const uint8_t *head, size_t len);
/* Parses and checks a whole image file of `size` bytes: every header, section, directory,
 * import and relocation lies inside the file or the image it describes. On false, `err`
 * holds one line saying what is wrong (without the path). Frees nothing on failure:
 * call ld_pe_free either way. */
bool ld_pe_parse(const uint8_t *file, size_t size, struct ld_pe *out, char *err, size_t errlen);
void ld_pe_free(struct ld_pe *pe);
/* Reads and parses the file at `path`, adding what makes it loadable as a driver: x64,
 * native subsystem, an entry point, imports, and not an NDIS 5 miniport. `err` starts with
 * the path. */
OPENNDIS_API bool ld_pe_read(const char *path, struct ld_pe *out, char *err, size_t errlen);
/* A driver image laid out in memory, relocated, bound and protected. */
struct ld_pe_mapping {
    uint8_t *base;
    size_t size;         /* mapped bytes (whole pages) */
    uint32_t image_size; /* SizeOfImage, what DRIVER_OBJECT.DriverSize says */
    void *entry;         /* the entry point: GsDriverEntry or DriverEntry */
    void *pdata;         /* RUNTIME_FUNCTION entries, or NULL */
    uint32_t pdata_size;
};
OPENNDIS_API bool ld_pe_map(const char *path, struct ld_pe_mapping *out, char *err, size_t errlen);
void ld_pe_unmap(struct ld_pe_mapping *m);
/* Where an import binds: NULL and `*address` when OpenNDIS provides it, else what is wrong
 * ("module": not a module OpenNDIS provides, "ordinal": by ordinal, "name": not provided). */
OPENNDIS_API const char *ld_pe_import_resolve(const struct ld_pe_import *im, void **address, bool *stub);
/* Whether an image importing `name` from `module` is an NDIS 5.x miniport. */
bool ld_pe_ndis5_import(const char *module, const char *name);

#endif /* OPENNDIS_LD_PE_H */
