/* Whether a file can be a driver, decided from its bytes before any of its code runs (and
 * before dlopen maps it: a segment past the end of a truncated file would fault on first
 * touch). `info --imports` asks the same question, so both give one answer. */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ld.h"

#if defined(__x86_64__)
#define LD_HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define LD_HOST_MACHINE EM_AARCH64
#else
#error "OpenNDIS loads drivers for x86-64 or AArch64 hosts"
#endif

struct ld_file {
    const char *path;
    int fd;
    uint64_t size;
    Elf64_Ehdr eh;
    Elf64_Phdr *ph;
    Elf64_Shdr *sh;
    char *err;
    size_t errlen;
};

static bool ld_fail(struct ld_file *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool ld_fail(struct ld_file *f, const char *fmt, ...)
{
    int n = snprintf(f->err, f->errlen, "%s: ", f->path);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < f->errlen)
        vsnprintf(f->err + n, f->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

/* `len` bytes at `off`, or false when they are not all inside the file. */
static bool ld_pread(struct ld_file *f, uint64_t off, void *buf, uint64_t len)
{
    if (off > f->size || len > f->size - off)
        return false;
    return pread(f->fd, buf, len, (off_t)off) == (ssize_t)len;
}

static void *ld_read_alloc(struct ld_file *f, uint64_t off, uint64_t len)
{
    void *buf = malloc(len ? len : 1);
    if (buf != NULL && !ld_pread(f, off, buf, len)) {
        free(buf);
        return NULL;
    }
    return buf;
}

static const char *ld_machine_name(unsigned machine)
{
    switch (machine) {
    case EM_386: return "x86";
    case EM_X86_64: return "x86-64";
    case EM_AARCH64: return "AArch64";
    case EM_ARM: return "ARM";
    case EM_PPC: return "PowerPC";
    case EM_PPC64: return "PowerPC 64";
    case EM_S390: return "s390";
    case EM_MIPS: return "MIPS";
    case EM_SPARCV9: return "SPARC 64";
    case EM_RISCV: return "RISC-V";
    case EM_IA_64: return "IA-64";
    default: return NULL;
    }
}

/* Class, byte order, machine and type: what the file was built for. */
static bool ld_check_header(struct ld_file *f)
{
    unsigned char *id = f->eh.e_ident;
    if (f->size < EI_NIDENT || !ld_pread(f, 0, id, EI_NIDENT) || memcmp(id, ELFMAG, SELFMAG) != 0)
        return ld_fail(f, "neither an ELF shared object nor a PE image (build the driver with "
                          "`cc -shared -fPIC driver.c $(pkg-config --cflags --libs openndis)`)");
    unsigned char m[2] = { 0, 0 };
    ld_pread(f, offsetof(Elf64_Ehdr, e_machine), m, sizeof m); /* same offset in both classes */
    bool big = id[EI_DATA] == ELFDATA2MSB;
    unsigned machine = big ? (unsigned)(m[0] << 8 | m[1]) : (unsigned)(m[1] << 8 | m[0]);
    char built[32], what[96];
    if (ld_machine_name(machine) != NULL)
        snprintf(built, sizeof built, "%s", ld_machine_name(machine));
    else
        snprintf(built, sizeof built, "ELF machine %u", machine);
    snprintf(what, sizeof what, "%s%s%s", id[EI_CLASS] == ELFCLASS32 ? "32-bit " : "", big ? "big-endian " : "",
             built);
    if (id[EI_CLASS] != ELFCLASS64 || id[EI_DATA] != ELFDATA2LSB || machine != LD_HOST_MACHINE)
        return ld_fail(f, "an ELF file built for %s; OpenNDIS loads 64-bit little-endian %s drivers (rebuild the "
                          "driver for this machine)", what, ld_machine_name(LD_HOST_MACHINE));
    if (!ld_pread(f, 0, &f->eh, sizeof f->eh))
        return ld_fail(f, "truncated: %llu bytes, shorter than an ELF header",
                       (unsigned long long)f->size);
    if (f->eh.e_ident[EI_VERSION] != EV_CURRENT || f->eh.e_version != EV_CURRENT)
        return ld_fail(f, "damaged ELF header (unknown ELF version)");
    if (f->eh.e_type != ET_DYN)
        return ld_fail(f, "an ELF %s, not a shared object (link the driver with -shared)",
                       f->eh.e_type == ET_REL ? "object file" : f->eh.e_type == ET_EXEC ? "executable" : "file");
    return true;
}

/* Every header and every byte a segment or section claims lies inside the file. */
static bool ld_check_extents(struct ld_file *f)
{
    const Elf64_Ehdr *eh = &f->eh;
    if (eh->e_phnum == 0 || eh->e_phentsize != sizeof(Elf64_Phdr))
        return ld_fail(f, "damaged ELF header: no program headers (not a shared object a loader can map)");
    if ((f->ph = ld_read_alloc(f, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr))) == NULL)
        return ld_fail(f, "truncated or damaged: its program headers lie past the end of the file (%llu bytes)",
                       (unsigned long long)f->size);
    bool dynamic = false;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *p = &f->ph[i];
        if (p->p_offset > f->size || p->p_filesz > f->size - p->p_offset)
            return ld_fail(f, "truncated: segment %u needs bytes up to %llu, the file has %llu (copy it again)", i,
                           (unsigned long long)p->p_offset + p->p_filesz, (unsigned long long)f->size);
        if (p->p_type == PT_INTERP)
            return ld_fail(f, "a position-independent executable, not a shared object (link the driver with "
                              "-shared, not as a program)");
        dynamic |= p->p_type == PT_DYNAMIC;
    }
    if (!dynamic)
        return ld_fail(f, "no dynamic segment: not a shared object (link the driver with -shared)");
    if (eh->e_shoff == 0 && eh->e_shnum == 0)
        return true; /* fully stripped of sections: the segments are all a loader needs */
    if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shnum == 0 || eh->e_shstrndx >= eh->e_shnum ||
        (f->sh = ld_read_alloc(f, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr))) == NULL)
        return ld_fail(f, "truncated or damaged: its section headers lie past the end of the file (%llu bytes)",
                       (unsigned long long)f->size);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const Elf64_Shdr *s = &f->sh[i];
        if (s->sh_type != SHT_NOBITS && s->sh_type != SHT_NULL &&
            (s->sh_offset > f->size || s->sh_size > f->size - s->sh_offset))
            return ld_fail(f, "truncated: section %u needs bytes up to %llu, the file has %llu (copy it again)", i,
                           (unsigned long long)s->sh_offset + s->sh_size, (unsigned long long)f->size);
        if (s->sh_link >= eh->e_shnum)
            return ld_fail(f, "damaged: section %u links to section %u of %u", i, s->sh_link, eh->e_shnum);
    }
    return true;
}

static const Elf64_Shdr *ld_section(const struct ld_file *f, uint32_t type)
{
    for (unsigned i = 0; f->sh != NULL && i < f->eh.e_shnum; i++)
        if (f->sh[i].sh_type == type)
            return &f->sh[i];
    return NULL;
}

/* A NUL-terminated name at `off` in a string table of `len` bytes, or NULL. */
static const char *ld_string(const char *strtab, uint64_t len, uint64_t off)
{
    return off < len && memchr(strtab + off, '\0', len - off) != NULL ? strtab + off : NULL;
}

static bool ld_file_exists(const char *dir, size_t dirlen, const char *name)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%.*s/%s", (int)dirlen, dir, name);
    return n > 0 && (size_t)n < sizeof path && access(path, R_OK) == 0;
}

/* In one of the ':'-separated directories of `dirs`, $ORIGIN standing for `origin`. */
static bool ld_in_dirs(const char *dirs, const char *origin, const char *name)
{
    for (const char *d = dirs; d != NULL && *d != '\0';) {
        size_t len = strcspn(d, ":");
        char dir[PATH_MAX];
        if (len >= 7 && strncmp(d, "$ORIGIN", 7) == 0)
            snprintf(dir, sizeof dir, "%s%.*s", origin, (int)(len - 7), d + 7);
        else
            snprintf(dir, sizeof dir, "%.*s", (int)len, d);
        if (ld_file_exists(dir, strlen(dir), name))
            return true;
        d += len + (d[len] == ':');
    }
    return false;
}

/* Whether the dynamic linker will find library `name` for the driver: the driver's RPATH or
 * RUNPATH, LD_LIBRARY_PATH, then the system's own search (asked of the dynamic linker). */
static bool ld_library_found(const char *name, const char *rpath, const char *origin)
{
    if (strchr(name, '/') != NULL)
        return access(name, R_OK) == 0;
    if (ld_in_dirs(rpath, origin, name) || ld_in_dirs(getenv("LD_LIBRARY_PATH"), origin, name))
        return true;
    void *h = dlopen(name, RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
    if (h == NULL)
        h = dlopen(name, RTLD_LAZY | RTLD_LOCAL); /* a system library: its constructors, not the driver's */
    if (h != NULL)
        dlclose(h);
    return h != NULL;
}

static bool ld_check_needed(struct ld_file *f)
{
    const Elf64_Shdr *dyn = ld_section(f, SHT_DYNAMIC);
    if (dyn == NULL || dyn->sh_entsize != sizeof(Elf64_Dyn))
        return true; /* no section headers to read it from: dlopen will say */
    const Elf64_Shdr *strsh = &f->sh[dyn->sh_link];
    Elf64_Dyn *d = ld_read_alloc(f, dyn->sh_offset, dyn->sh_size);
    char *strtab = ld_read_alloc(f, strsh->sh_offset, strsh->sh_size);
    bool ok = d != NULL && strtab != NULL;
    if (!ok)
        ld_fail(f, "out of memory");
    const char *rpath = NULL;
    size_t n = dyn->sh_size / sizeof *d;
    for (size_t i = 0; ok && i < n && d[i].d_tag != DT_NULL; i++)
        if (d[i].d_tag == DT_RUNPATH || (d[i].d_tag == DT_RPATH && rpath == NULL))
            rpath = ld_string(strtab, strsh->sh_size, d[i].d_un.d_val);
    char *real = realpath(f->path, NULL);
    char *slash = real ? strrchr(real, '/') : NULL;
    if (slash)
        *slash = '\0';
    for (size_t i = 0; ok && i < n && d[i].d_tag != DT_NULL; i++) {
        if (d[i].d_tag != DT_NEEDED)
            continue;
        const char *lib = ld_string(strtab, strsh->sh_size, d[i].d_un.d_val);
        if (lib == NULL)
            ok = ld_fail(f, "damaged: a needed library's name lies outside its string table");
        else if (!ld_library_found(lib, rpath, real ? real : "."))
            ok = ld_fail(f, "needs the library %s, which is not installed or not on the library path (install "
                            "it, or add its directory to LD_LIBRARY_PATH)", lib);
    }
    free(real);
    free(d);
    free(strtab);
    return ok;
}

/* DriverEntry must be a defined function with default visibility in the dynamic symbols. */
static bool ld_check_entry(struct ld_file *f)
{
    const Elf64_Shdr *symsh = ld_section(f, SHT_DYNSYM);
    if (symsh == NULL || symsh->sh_entsize != sizeof(Elf64_Sym))
        return true; /* no section headers: dlsym decides after loading */
    const Elf64_Shdr *strsh = &f->sh[symsh->sh_link];
    Elf64_Sym *syms = ld_read_alloc(f, symsh->sh_offset, symsh->sh_size);
    char *strtab = ld_read_alloc(f, strsh->sh_offset, strsh->sh_size);
    bool found = false;
    for (size_t i = 1; syms && strtab && i < symsh->sh_size / sizeof *syms && !found; i++) {
        const char *name = ld_string(strtab, strsh->sh_size, syms[i].st_name);
        found = name != NULL && strcmp(name, "DriverEntry") == 0 && syms[i].st_shndx != SHN_UNDEF &&
                ELF64_ST_TYPE(syms[i].st_info) == STT_FUNC && ELF64_ST_BIND(syms[i].st_info) != STB_LOCAL &&
                ELF64_ST_VISIBILITY(syms[i].st_other) == STV_DEFAULT;
    }
    bool read = syms != NULL && strtab != NULL;
    free(syms);
    free(strtab);
    if (!read)
        return ld_fail(f, "out of memory");
    return found || ld_fail(f, "no DriverEntry export (is this an NDIS driver? DriverEntry needs default "
                               "visibility)");
}

bool ld_is_pe_file(const char *path)
{
    uint8_t head[2];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    bool pe = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pread(fd, head, 2, 0) == 2 &&
              ld_pe_magic(head, 2);
    if (fd >= 0)
        close(fd);
    return pe;
}

bool ld_check(const char *path, char *err, size_t errlen)
{
    if (ld_is_pe_file(path)) {
        struct ld_pe pe;
        bool ok = ld_pe_read(path, &pe, err, errlen);
        ld_pe_free(&pe);
        return ok;
    }
    struct ld_file f = { .path = path, .fd = -1, .err = err, .errlen = errlen };
    struct stat st;
    bool ok = false;
    if ((f.fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0 || fstat(f.fd, &st) != 0) {
        ld_fail(&f, "%s", strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        ld_fail(&f, "not a regular file");
        goto done;
    }
    f.size = (uint64_t)st.st_size;
    ok = ld_check_header(&f) && ld_check_extents(&f) && ld_check_needed(&f) && ld_check_entry(&f);
done:
    if (f.fd >= 0)
        close(f.fd);
    free(f.ph);
    free(f.sh);
    return ok;
}
