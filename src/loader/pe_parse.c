/* The PE32+ parser: reads a whole image file from memory and checks that everything the
 * loader will touch lies inside the file (headers, section data, import names) or inside
 * the image it maps (sections, relocation targets, import address slots). Offsets and
 * values from the PE/COFF specification (pe-format.md); nothing here runs or maps code. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pe.h"

#define PE_MACHINE_AMD64 0x8664
#define PE_MACHINE_I386 0x14c
#define PE_MACHINE_ARM64 0xaa64
#define PE_MACHINE_ARMNT 0x1c4
#define PE_MAGIC_PE32 0x10b
#define PE_MAGIC_PE32PLUS 0x20b
#define PE_FILE_EXECUTABLE_IMAGE 0x0002
#define PE_REL_BASED_ABSOLUTE 0
#define PE_REL_BASED_DIR64 10
#define PE_DIR_IMPORT 1
#define PE_DIR_EXCEPTION 3
#define PE_DIR_BASERELOC 5
#define PE_DIR_LOAD_CONFIG 10
#define PE_MAX_SECTIONS 96 /* the Windows loader's limit */
#define PE_MAX_IMPORTS 65536

struct pe_in {
    const uint8_t *p;
    size_t size;
    struct ld_pe *pe;
    char *err;
    size_t errlen;
};

static bool pe_fail(struct pe_in *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool pe_fail(struct pe_in *in, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->err, in->errlen, fmt, ap);
    va_end(ap);
    return false;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static bool in_file(const struct pe_in *in, uint64_t off, uint64_t len)
{
    return off <= in->size && len <= in->size - off;
}

bool ld_pe_magic(const uint8_t *head, size_t len)
{
    return len >= 2 && head[0] == 'M' && head[1] == 'Z';
}

/* The file offset of `len` bytes at `rva`, when they all come from one section's file data
 * (or the headers); false for bytes that are zero-fill or outside the image. */
static bool rva_to_off(const struct pe_in *in, uint32_t rva, uint32_t len, uint64_t *off)
{
    const struct ld_pe *pe = in->pe;
    if ((uint64_t)rva + len <= pe->headers_size) {
        *off = rva;
        return in_file(in, rva, len);
    }
    for (size_t i = 0; i < pe->nsections; i++) {
        const struct ld_pe_section *s = &pe->sections[i];
        uint32_t filled = s->raw_size < s->virtual_size ? s->raw_size : s->virtual_size;
        if (rva >= s->rva && (uint64_t)rva - s->rva + len <= filled) {
            *off = (uint64_t)s->raw_offset + (rva - s->rva);
            return true; /* raw data was checked to lie in the file */
        }
    }
    return false;
}

/* A NUL-terminated string of printable ASCII at `rva` of at most `max` bytes, or NULL:
 * module and function names end up in one-line messages and symbol lookups. */
static const char *rva_string(const struct pe_in *in, uint32_t rva, size_t max)
{
    uint64_t off;
    if (!rva_to_off(in, rva, 1, &off))
        return NULL;
    size_t avail = in->size - off;
    const uint8_t *nul = memchr(in->p + off, '\0', avail < max ? avail : max);
    if (nul == NULL)
        return NULL;
    /* the whole string must come from the same section's data */
    uint64_t end;
    if (!rva_to_off(in, rva, (uint32_t)(nul - (in->p + off)) + 1, &end))
        return NULL;
    for (const uint8_t *c = in->p + off; c < nul; c++)
        if (*c < 0x20 || *c > 0x7e)
            return NULL;
    return (const char *)in->p + off;
}

static const char *machine_name(uint16_t m)
{
    switch (m) {
    case PE_MACHINE_I386: return "x86 (32-bit)";
    case PE_MACHINE_ARM64: return "ARM64";
    case PE_MACHINE_ARMNT: return "ARM (32-bit)";
    case 0xa641: return "ARM64EC";
    case 0x200: return "Itanium";
    default: return NULL;
    }
}

static bool parse_headers(struct pe_in *in, uint32_t *opt_off, uint16_t *opt_size, uint32_t *ndirs)
{
    struct ld_pe *pe = in->pe;
    if (in->size < 64)
        return pe_fail(in, "truncated: %zu bytes, shorter than an MS-DOS header", in->size);
    uint32_t lfanew = rd32(in->p + 0x3c);
    if (!in_file(in, lfanew, 24))
        return pe_fail(in, "truncated or damaged: the PE header offset (%u) lies past the end of the file (%zu bytes)",
                       lfanew, in->size);
    if (memcmp(in->p + lfanew, "PE\0\0", 4) != 0)
        return pe_fail(in, "an MS-DOS program, not a PE image (no PE signature)");
    const uint8_t *coff = in->p + lfanew + 4;
    pe->machine = rd16(coff);
    if (pe->machine != PE_MACHINE_AMD64) {
        const char *m = machine_name(pe->machine);
        if (m != NULL)
            return pe_fail(in, "a PE image built for %s; OpenNDIS loads x64 (AMD64) drivers (use the driver's x64 build)", m);
        return pe_fail(in, "a PE image for machine type 0x%04x; OpenNDIS loads x64 (AMD64) drivers", pe->machine);
    }
    uint16_t nsect = rd16(coff + 2);
    *opt_size = rd16(coff + 16);
    pe->characteristics = rd16(coff + 18);
    *opt_off = lfanew + 24;
    if (!(pe->characteristics & PE_FILE_EXECUTABLE_IMAGE))
        return pe_fail(in, "an object file or a failed link, not an executable image");
    if (*opt_size < 112 || !in_file(in, *opt_off, *opt_size))
        return pe_fail(in, "truncated or damaged: the optional header (%u bytes) does not fit in the file", *opt_size);
    const uint8_t *opt = in->p + *opt_off;
    uint16_t magic = rd16(opt);
    if (magic == PE_MAGIC_PE32)
        return pe_fail(in, "a 32-bit PE32 image; OpenNDIS loads x64 (PE32+) drivers");
    if (magic != PE_MAGIC_PE32PLUS)
        return pe_fail(in, "damaged: unknown optional header magic 0x%04x", magic);
    pe->entry_rva = rd32(opt + 16);
    pe->image_base = rd64(opt + 24);
    pe->section_alignment = rd32(opt + 32);
    pe->image_size = rd32(opt + 56);
    pe->headers_size = rd32(opt + 60);
    pe->subsystem = rd16(opt + 68);
    pe->dll_characteristics = rd16(opt + 70);
    *ndirs = rd32(opt + 108);
    if (*ndirs > (uint32_t)(*opt_size - 112) / 8)
        *ndirs = (uint32_t)(*opt_size - 112) / 8;
    if (pe->image_size == 0 || pe->image_size > LD_PE_MAX_IMAGE)
        return pe_fail(in, "damaged: an image size of %u bytes", pe->image_size);
    if (pe->section_alignment == 0 || (pe->section_alignment & (pe->section_alignment - 1)) != 0)
        return pe_fail(in, "damaged: section alignment %u is not a power of two", pe->section_alignment);
    if (pe->headers_size > pe->image_size || pe->headers_size > in->size)
        return pe_fail(in, "truncated or damaged: headers of %u bytes, in a file of %zu and an image of %u",
                       pe->headers_size, in->size, pe->image_size);
    if (nsect == 0 || nsect > PE_MAX_SECTIONS)
        return pe_fail(in, "damaged: %u sections (Windows loads 1 to %u)", nsect, PE_MAX_SECTIONS);
    uint64_t sect_off = (uint64_t)*opt_off + *opt_size;
    if (!in_file(in, sect_off, (uint64_t)nsect * 40))
        return pe_fail(in, "truncated: the section table lies past the end of the file (%zu bytes)", in->size);
    pe->sections = calloc(nsect, sizeof *pe->sections);
    if (pe->sections == NULL)
        return pe_fail(in, "out of memory");
    pe->nsections = nsect;
    for (size_t i = 0; i < nsect; i++) {
        const uint8_t *h = in->p + sect_off + 40 * i;
        struct ld_pe_section *s = &pe->sections[i];
        memcpy(s->name, h, 8);
        for (size_t k = 0; k < 8; k++)
            if (s->name[k] != '\0' && (s->name[k] < 0x20 || s->name[k] > 0x7e))
                s->name[k] = '?';
        s->virtual_size = rd32(h + 8);
        s->rva = rd32(h + 12);
        s->raw_size = rd32(h + 16);
        s->raw_offset = rd32(h + 20);
        s->flags = rd32(h + 36);
        if (s->virtual_size == 0)
            s->virtual_size = s->raw_size;
        if (s->rva < pe->headers_size || (uint64_t)s->rva + s->virtual_size > pe->image_size)
            return pe_fail(in, "damaged: section %s (RVA 0x%x, %u bytes) lies outside the image (%u bytes)", s->name,
                           s->rva, s->virtual_size, pe->image_size);
        if (i > 0 && s->rva < (uint64_t)pe->sections[i - 1].rva + pe->sections[i - 1].virtual_size)
            return pe_fail(in, "damaged: section %s overlaps the section before it", s->name);
        if (s->raw_size != 0 && !in_file(in, s->raw_offset, s->raw_size < s->virtual_size ? s->raw_size : s->virtual_size))
            return pe_fail(in, "truncated: section %s needs bytes up to %llu, the file has %zu (copy it again)", s->name,
                           (unsigned long long)s->raw_offset + s->raw_size, in->size);
    }
    return true;
}

/* A data directory's RVA and size, checked to lie inside the image. */
static bool directory(struct pe_in *in, uint32_t opt_off, uint32_t ndirs, unsigned index, const char *what,
                      uint32_t *rva, uint32_t *size)
{
    *rva = *size = 0;
    if (index >= ndirs)
        return true;
    const uint8_t *d = in->p + opt_off + 112 + 8 * index;
    *rva = rd32(d);
    *size = rd32(d + 4);
    if (*rva == 0 && *size == 0)
        return true;
    if ((uint64_t)*rva + *size > in->pe->image_size)
        return pe_fail(in, "damaged: the %s directory (RVA 0x%x, %u bytes) lies outside the image", what, *rva, *size);
    return true;
}

/* Base relocations: only DIR64 (and ABSOLUTE padding) exist in x64 images; each target's
 * 8 bytes lie inside the image. */
static bool check_relocs(struct pe_in *in)
{
    struct ld_pe *pe = in->pe;
    uint32_t done = 0;
    while (done < pe->reloc_size) {
        uint64_t off;
        if (pe->reloc_size - done < 8 || !rva_to_off(in, pe->reloc_rva + done, 8, &off))
            return pe_fail(in, "damaged: a base relocation block lies outside the file");
        uint32_t page = rd32(in->p + off), block = rd32(in->p + off + 4);
        if (block < 8 || block > pe->reloc_size - done || !rva_to_off(in, pe->reloc_rva + done, block, &off))
            return pe_fail(in, "damaged: a base relocation block of %u bytes", block);
        for (uint32_t k = 8; k + 2 <= block; k += 2) {
            uint16_t e = rd16(in->p + off + k);
            unsigned type = e >> 12;
            uint64_t at = (uint64_t)page + (e & 0xfff);
            if (type == PE_REL_BASED_ABSOLUTE)
                continue;
            if (type != PE_REL_BASED_DIR64)
                return pe_fail(in, "damaged: base relocation type %u in an x64 image", type);
            if (at + 8 > pe->image_size)
                return pe_fail(in, "damaged: a base relocation at RVA 0x%llx lies outside the image", (unsigned long long)at);
        }
        done += block;
    }
    return true;
}

static bool add_import(struct pe_in *in, size_t *cap, const char *module, const char *name, uint16_t ordinal,
                       uint32_t iat_rva)
{
    struct ld_pe *pe = in->pe;
    if (pe->nimports == *cap) {
        size_t n = *cap ? *cap * 2 : 64;
        struct ld_pe_import *grown = realloc(pe->imports, n * sizeof *grown);
        if (grown == NULL)
            return pe_fail(in, "out of memory");
        pe->imports = grown;
        *cap = n;
    }
    pe->imports[pe->nimports++] = (struct ld_pe_import){ module, name, ordinal, iat_rva };
    return true;
}

/* The import directory: 20-byte descriptors up to an all-zero one, each naming a module and
 * its lookup table of 8-byte entries up to a zero one (pe-format.md, The .idata Section).
 * Names point into the file buffer here; ld_pe_parse copies them out at the end. */
static bool parse_imports(struct pe_in *in, uint32_t rva, uint32_t size)
{
    struct ld_pe *pe = in->pe;
    size_t cap = 0;
    if (rva == 0)
        return true;
    (void)size; /* linkers set it loosely; the zero descriptor ends the table */
    for (uint32_t d = rva;; d += 20) {
        uint64_t off;
        if (!rva_to_off(in, d, 20, &off))
            return pe_fail(in, "damaged: the import directory runs past its section");
        const uint8_t *desc = in->p + off;
        uint32_t ilt = rd32(desc), name_rva = rd32(desc + 12), iat = rd32(desc + 16);
        if (ilt == 0 && name_rva == 0 && iat == 0)
            break;
        const char *module = rva_string(in, name_rva, 256);
        if (module == NULL)
            return pe_fail(in, "damaged: an imported module's name lies outside the file or is not printable ASCII");
        pe->nmodules++;
        uint32_t lookup = ilt ? ilt : iat; /* old linkers leave the lookup table out */
        for (uint32_t k = 0;; k++) {
            if (pe->nimports >= PE_MAX_IMPORTS)
                return pe_fail(in, "damaged: more than %u imports", PE_MAX_IMPORTS);
            uint64_t eoff;
            if (!rva_to_off(in, lookup + 8 * k, 8, &eoff))
                return pe_fail(in, "damaged: the import lookup table of %s runs past its section", module);
            uint64_t e = rd64(in->p + eoff);
            if (e == 0)
                break;
            uint64_t slot = (uint64_t)iat + 8 * k;
            if (slot + 8 > pe->image_size)
                return pe_fail(in, "damaged: an import address slot of %s lies outside the image", module);
            if (e >> 63) {
                if ((e & 0x7fffffffffff0000ull) != 0)
                    return pe_fail(in, "damaged: an import by ordinal from %s with reserved bits set", module);
                if (!add_import(in, &cap, module, NULL, (uint16_t)e, (uint32_t)slot))
                    return false;
                continue;
            }
            if (e >> 31)
                return pe_fail(in, "damaged: an import lookup entry of %s with reserved bits set", module);
            const char *name = rva_string(in, (uint32_t)e + 2, 512);
            if (name == NULL || *name == '\0')
                return pe_fail(in, "damaged: an imported function's name from %s lies outside the file or is not printable ASCII", module);
            if (!add_import(in, &cap, module, name, 0, (uint32_t)slot))
                return false;
        }
    }
    return true;
}

/* Copies the names the imports point at into one block the result owns. */
static bool own_strings(struct pe_in *in)
{
    struct ld_pe *pe = in->pe;
    size_t total = 1;
    for (size_t i = 0; i < pe->nimports; i++)
        total += strlen(pe->imports[i].module) + 1 + (pe->imports[i].name ? strlen(pe->imports[i].name) + 1 : 0);
    char *s = pe->strings = malloc(total);
    if (s == NULL)
        return pe_fail(in, "out of memory");
    const char *last_module = NULL, *copied = NULL;
    for (size_t i = 0; i < pe->nimports; i++) {
        struct ld_pe_import *im = &pe->imports[i];
        if (im->module != last_module) {
            last_module = im->module;
            copied = s;
            s = stpcpy(s, im->module) + 1;
        }
        im->module = copied;
        if (im->name != NULL) {
            const char *n = s;
            s = stpcpy(s, im->name) + 1;
            im->name = n;
        }
    }
    return true;
}

bool ld_pe_parse(const uint8_t *file, size_t size, struct ld_pe *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct pe_in in = { file, size, out, err, errlen };
    uint32_t opt_off = 0, ndirs = 0, import_rva = 0, import_size = 0;
    uint16_t opt_size = 0;
    if (!ld_pe_magic(file, size))
        return pe_fail(&in, "not a PE image (no MZ header)");
    return parse_headers(&in, &opt_off, &opt_size, &ndirs) &&
           directory(&in, opt_off, ndirs, PE_DIR_IMPORT, "import", &import_rva, &import_size) &&
           directory(&in, opt_off, ndirs, PE_DIR_EXCEPTION, "exception", &out->pdata_rva, &out->pdata_size) &&
           directory(&in, opt_off, ndirs, PE_DIR_BASERELOC, "base relocation", &out->reloc_rva, &out->reloc_size) &&
           directory(&in, opt_off, ndirs, PE_DIR_LOAD_CONFIG, "load configuration", &out->loadcfg_rva,
                     &out->loadcfg_size) &&
           (out->entry_rva < out->image_size ||
            pe_fail(&in, "damaged: the entry point (RVA 0x%x) lies outside the image", out->entry_rva)) &&
           check_relocs(&in) && parse_imports(&in, import_rva, import_size) && own_strings(&in);
}

void ld_pe_free(struct ld_pe *pe)
{
    free(pe->sections);
    free(pe->imports);
    free(pe->strings);
    memset(pe, 0, sizeof *pe);
}

bool ld_pe_ndis5_import(const char *module, const char *name)
{
    /* the NDIS 5 registration and packet calls, which NDIS 6 replaced */
    static const char *const ndis5[] = { "NdisMRegisterMiniport", "NdisInitializeWrapper", "NdisMSetAttributesEx",
                                         "NdisAllocatePacketPool", "NdisMIndicateStatus", NULL };
    if (name == NULL || strcasecmp(module, "ndis.sys") != 0)
        return false;
    for (size_t i = 0; ndis5[i]; i++)
        if (strcmp(name, ndis5[i]) == 0)
            return true;
    return false;
}
