/* Turns code addresses into module, function and file:line with elfutils' libdwfl, so a
 * violation points at the driver's own source line when it was built with -g. */
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <stdlib.h>

#include "vf.h"

static char *vf_debuginfo_path;
static const Dwfl_Callbacks vf_dwfl_callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &vf_debuginfo_path,
};

static bool vf_is_openndis_header(const char *file);

/* True for OpenNDIS's own driver-facing headers (their inline helpers, such as the list
 * functions, end up inside driver code): a report should name the driver's line instead. */
bool vf_in_openndis_header(const struct vf_location *loc)
{
    return loc->file[0] && vf_is_openndis_header(loc->file);
}

static bool vf_is_openndis_header(const char *file)
{
    char dir[512], probe[600];
    const char *slash = strrchr(file, '/');
    if (slash == NULL || (size_t)(slash - file) >= sizeof dir)
        return false;
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - file), file);
    for (int up = 0; up < 2; up++) {
        snprintf(probe, sizeof probe, "%s/ntdef.h", dir);
        if (access(probe, F_OK) == 0) {
            snprintf(probe, sizeof probe, "%s/ndis/miniport.h", dir);
            return access(probe, F_OK) == 0;
        }
        char *cut = strrchr(dir, '/');
        if (cut == NULL || strcmp(cut, "/ndis") != 0)
            return false;
        *cut = '\0';
    }
    return false;
}

/* When `pc` lies in an OpenNDIS header inlined into driver code, walk out through the
 * inlined scopes to the first call site in the driver's own source. */
static void vf_outer_call_site(Dwfl_Module *mod, Dwarf_Addr pc, struct vf_location *out)
{
    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = dwfl_module_addrdie(mod, pc, &bias);
    Dwarf_Die *scopes = NULL;
    Dwarf_Files *files = NULL;
    size_t nfiles = 0;
    if (cu == NULL || dwarf_getsrcfiles(cu, &files, &nfiles) != 0)
        return;
    int n = dwarf_getscopes(cu, pc - bias, &scopes);
    for (int i = 0; i < n && vf_is_openndis_header(out->file); i++) {
        Dwarf_Attribute attr;
        Dwarf_Word file_index, line;
        if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
            continue;
        if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &attr), &file_index) != 0 ||
            dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &attr), &line) != 0)
            break;
        const char *name = dwarf_filesrc(files, file_index, NULL, NULL);
        if (name == NULL)
            break;
        snprintf(out->file, sizeof out->file, "%s", name);
        out->line = (int)line;
    }
    free(scopes);
}

/* A function's entry address maps, once optimized, to whichever line its first instruction
 * came from; the line a reader wants is where the function is defined. */
static void vf_definition_site(Dwfl_Module *mod, Dwarf_Addr pc, struct vf_location *out)
{
    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = dwfl_module_addrdie(mod, pc, &bias);
    if (cu == NULL)
        return;
    /* The subprogram that starts at pc. Not through the scopes at pc: when the first
     * instruction is inlined code, libdw lists the inlined function's own definition there. */
    Dwarf_Die die;
    if (dwarf_child(cu, &die) != 0)
        return;
    do {
        Dwarf_Addr low;
        int line;
        const char *file;
        if (dwarf_tag(&die) == DW_TAG_subprogram && dwarf_lowpc(&die, &low) == 0 && low == pc - bias) {
            if (dwarf_decl_line(&die, &line) == 0 && (file = dwarf_decl_file(&die)) != NULL) {
                snprintf(out->file, sizeof out->file, "%s", file);
                out->line = line;
            }
            return;
        }
    } while (dwarf_siblingof(&die, &die) == 0);
}

/* Symbolizing reads every loaded module's ELF and DWARF; a driver that breaks a rule on every
 * frame would have that done again a thousand times (seconds under a sanitizer). So one
 * session, and the answers it gave, are kept for as long as the set of loaded modules stays
 * the same: the C library counts every load and unload. A forked child inherits them (its
 * mappings are its parent's, and libdw reads files at offsets, not through a shared file
 * position), which is what saves `verify`'s steps from reading the driver's DWARF again. */
#define VF_SYM_REMEMBERED 64
static pthread_mutex_t vf_sym_lock = PTHREAD_MUTEX_INITIALIZER;
static Dwfl *vf_sym_dwfl;
static unsigned long long vf_sym_modules; /* loads + unloads when the session was made */
static struct vf_sym_answer {
    const void *address;
    unsigned kind;
    struct vf_location loc;
} vf_sym_answers[VF_SYM_REMEMBERED];
static size_t vf_sym_nanswers, vf_sym_next;

static int vf_sym_count_modules(struct dl_phdr_info *info, size_t size, void *data)
{
    if (size < offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs)
        return 1; /* no counts: treated as a change every time */
    *(unsigned long long *)data = info->dlpi_adds + info->dlpi_subs;
    return 1; /* the counts are the same in every entry */
}

/* The session for the modules loaded now, made afresh when they changed; NULL when libdwfl
 * cannot read them. Called with vf_sym_lock held. */
static Dwfl *vf_sym_session(void)
{
    unsigned long long modules = 0;
    dl_iterate_phdr(vf_sym_count_modules, &modules);
    if (vf_sym_dwfl != NULL && modules != 0 && modules == vf_sym_modules)
        return vf_sym_dwfl;
    if (vf_sym_dwfl != NULL)
        dwfl_end(vf_sym_dwfl);
    vf_sym_nanswers = vf_sym_next = 0;
    vf_sym_modules = modules;
    vf_sym_dwfl = dwfl_begin(&vf_dwfl_callbacks);
    if (vf_sym_dwfl != NULL && (dwfl_linux_proc_report(vf_sym_dwfl, getpid()) != 0 ||
                                dwfl_report_end(vf_sym_dwfl, NULL, NULL) != 0)) {
        dwfl_end(vf_sym_dwfl);
        vf_sym_dwfl = NULL;
    }
    return vf_sym_dwfl;
}

static void vf_symbolize(Dwfl *dwfl, const void *address, bool is_return_address, bool is_entry,
                         struct vf_location *out)
{
    /* A return address points after the call; step back into the call instruction. */
    Dwarf_Addr pc = (Dwarf_Addr)(uintptr_t)address - (is_return_address ? 1 : 0);
    Dwfl_Module *mod = dwfl_addrmodule(dwfl, pc);
    if (mod == NULL)
        return;

    Dwarf_Addr base = 0;
    const char *mainfile = NULL;
    const char *modname = dwfl_module_info(mod, NULL, &base, NULL, NULL, NULL, &mainfile, NULL);
    const char *slash = modname ? strrchr(modname, '/') : NULL;
    snprintf(out->module, sizeof out->module, "%s", slash ? slash + 1 : (modname ? modname : ""));

    const char *fn = dwfl_module_addrname(mod, pc);
    if (fn != NULL)
        snprintf(out->function, sizeof out->function, "%s", fn);

    Dwfl_Line *line = dwfl_module_getsrc(mod, pc);
    if (line != NULL) {
        int lineno = 0;
        const char *file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
        if (file != NULL) {
            snprintf(out->file, sizeof out->file, "%s", file);
            out->line = lineno;
            if (vf_is_openndis_header(out->file))
                vf_outer_call_site(mod, pc, out);
        }
    }
    if (is_entry)
        vf_definition_site(mod, pc, out);
}

/* Whether this thread is taking, holding or giving back the lock around the shared session:
 * a crash handler (or the parent's request for a hung child's stack) may interrupt that very
 * thread, which must not wait for itself, and find the session half updated. Set before the
 * lock is taken and cleared after it is given back, so no interruption falls in between. */
static _Thread_local __attribute__((tls_model("initial-exec"))) volatile sig_atomic_t vf_sym_inside;

static bool vf_sym_lock_unless_mine(void)
{
    if (vf_sym_inside)
        return false;
    vf_sym_inside = 1;
    pthread_mutex_lock(&vf_sym_lock);
    return true;
}

static void vf_sym_unlock(void)
{
    pthread_mutex_unlock(&vf_sym_lock);
    vf_sym_inside = 0;
}

/* A session of its own, used once: for a thread interrupted inside the shared one. */
static void vf_locate_alone(const void *address, bool is_return_address, bool is_entry, struct vf_location *out)
{
    Dwfl *dwfl = dwfl_begin(&vf_dwfl_callbacks);
    if (dwfl == NULL)
        return;
    if (dwfl_linux_proc_report(dwfl, getpid()) == 0 && dwfl_report_end(dwfl, NULL, NULL) == 0)
        vf_symbolize(dwfl, address, is_return_address, is_entry, out);
    dwfl_end(dwfl);
}

bool (*_Atomic vf_image_locator)(const void *address, char *module, size_t len, const void **base);

static void vf_locate_as(const void *address, bool is_return_address, bool is_entry, struct vf_location *out)
{
    memset(out, 0, sizeof *out);
    out->address = address;
    if (address == NULL)
        return;
    bool (*in_image)(const void *, char *, size_t, const void **) = atomic_load(&vf_image_locator);
    const void *base;
    if (in_image != NULL && in_image(address, out->module, sizeof out->module, &base)) {
        /* named later from the image's PDB, outside this process (docs/pe.md) */
        out->in_image = true;
        out->entry = is_entry;
        out->rva = (unsigned long long)((const char *)address - (const char *)base) - (is_return_address ? 1 : 0);
        return;
    }
    if (!vf_sym_lock_unless_mine()) {
        vf_locate_alone(address, is_return_address, is_entry, out);
        return;
    }
    const unsigned kind = (is_return_address ? 1u : 0u) | (is_entry ? 2u : 0u);
    Dwfl *dwfl = vf_sym_session();
    for (size_t i = 0; i < vf_sym_nanswers; i++)
        if (vf_sym_answers[i].address == address && vf_sym_answers[i].kind == kind) {
            *out = vf_sym_answers[i].loc;
            vf_sym_unlock();
            return;
        }
    if (dwfl != NULL) {
        vf_symbolize(dwfl, address, is_return_address, is_entry, out);
        vf_sym_answers[vf_sym_next] = (struct vf_sym_answer){ address, kind, *out };
        vf_sym_next = (vf_sym_next + 1) % VF_SYM_REMEMBERED;
        if (vf_sym_nanswers < VF_SYM_REMEMBERED)
            vf_sym_nanswers++;
    }
    vf_sym_unlock();
}

void vf_symbols_preload(const void *address)
{
    if (!vf_sym_lock_unless_mine())
        return;
    Dwfl *dwfl = vf_sym_session();
    Dwfl_Module *mod = dwfl ? dwfl_addrmodule(dwfl, (Dwarf_Addr)(uintptr_t)address) : NULL;
    if (mod != NULL) {
        dwfl_module_addrname(mod, (Dwarf_Addr)(uintptr_t)address); /* the symbol table */
        Dwarf_Die *cu = NULL;
        Dwarf_Addr bias;
        size_t nlines;
        Dwarf_Lines *lines;
        while ((cu = dwfl_module_nextcu(mod, cu, &bias)) != NULL)
            dwarf_getsrclines(cu, &lines, &nlines);
    }
    vf_sym_unlock();
}

void vf_locate(const void *address, bool is_return_address, struct vf_location *out)
{
    vf_locate_as(address, is_return_address, false, out);
}

void vf_locate_entry(const void *function, struct vf_location *out)
{
    vf_locate_as(function, false, true, out);
}

void vf_location_format(const struct vf_location *loc, char *buf, size_t len)
{
    if (loc->file[0])
        snprintf(buf, len, "%s:%d", loc->file, loc->line);
    else if (loc->function[0])
        snprintf(buf, len, "%s (%s)", loc->function, loc->module[0] ? loc->module : "?");
    else if (loc->in_image)
        snprintf(buf, len, "%s+0x%llx", loc->module, loc->rva);
    else if (loc->address)
        snprintf(buf, len, "%s@%p", loc->module[0] ? loc->module : "?", loc->address);
    else
        snprintf(buf, len, "openndis");
}
