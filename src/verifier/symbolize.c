/* Turns code addresses into module, function and file:line with elfutils' libdwfl, so a
 * violation points at the driver's own source line when it was built with -g. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <stdlib.h>
#include <json-c/json.h>

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
    Dwarf_Die *scopes = NULL;
    if (cu == NULL)
        return;
    int n = dwarf_getscopes(cu, pc - bias, &scopes);
    for (int i = 0; i < n; i++) {
        int line;
        const char *file;
        if (dwarf_tag(&scopes[i]) != DW_TAG_subprogram)
            continue;
        if (dwarf_decl_line(&scopes[i], &line) == 0 && (file = dwarf_decl_file(&scopes[i])) != NULL) {
            snprintf(out->file, sizeof out->file, "%s", file);
            out->line = line;
        }
        break;
    }
    free(scopes);
}

static void vf_locate_as(const void *address, bool is_return_address, bool is_entry, struct vf_location *out)
{
    memset(out, 0, sizeof *out);
    out->address = address;
    if (address == NULL)
        return;

    Dwfl *dwfl = dwfl_begin(&vf_dwfl_callbacks);
    if (dwfl == NULL)
        return;
    if (dwfl_linux_proc_report(dwfl, getpid()) != 0 || dwfl_report_end(dwfl, NULL, NULL) != 0)
        goto out;

    /* A return address points after the call; step back into the call instruction. */
    Dwarf_Addr pc = (Dwarf_Addr)(uintptr_t)address - (is_return_address ? 1 : 0);
    Dwfl_Module *mod = dwfl_addrmodule(dwfl, pc);
    if (mod == NULL)
        goto out;

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
out:
    dwfl_end(dwfl);
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
    else if (loc->address)
        snprintf(buf, len, "%s@%p", loc->module[0] ? loc->module : "?", loc->address);
    else
        snprintf(buf, len, "openndis");
}

struct json_object *vf_location_json(const struct vf_location *loc)
{
    struct json_object *o = json_object_new_object();
    char addr[32];

    if (loc->file[0]) {
        json_object_object_add(o, "file", json_object_new_string(loc->file));
        json_object_object_add(o, "line", json_object_new_int(loc->line));
    }
    if (loc->function[0])
        json_object_object_add(o, "function", json_object_new_string(loc->function));
    if (loc->module[0])
        json_object_object_add(o, "module", json_object_new_string(loc->module));
    if (loc->address) {
        snprintf(addr, sizeof addr, "%p", loc->address);
        json_object_object_add(o, "address", json_object_new_string(addr));
    }
    return o;
}
