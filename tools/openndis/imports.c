/* `openndis info --imports DRIVER.so`: what the driver imports, read from its ELF dynamic
 * symbol table without running it, and who provides each function: OpenNDIS (implemented,
 * or exported but unsupported), another library (libc's memcpy is fine), or nobody, in
 * which case loading the driver would fail. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "openndis.h"
#include "loader/ld.h"
#include "ndis/ndis.h"
#include "serialize.h"

/* What the ELF file says about its imports. */
struct elf_imports {
    struct json_object *undefined; /* [{name, weak, library (from symbol versioning) }] */
    struct json_object *needed;    /* DT_NEEDED names */
};

static Elf_Scn *find_section(Elf *elf, Elf64_Word type, GElf_Shdr *shdr)
{
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL; scn = elf_nextscn(elf, scn))
        if (gelf_getshdr(scn, shdr) != NULL && shdr->sh_type == type)
            return scn;
    return NULL;
}

/* The library a version index belongs to, from .gnu.version_r (verneed). */
static const char *version_library(Elf *elf, unsigned index)
{
    GElf_Shdr sh;
    Elf_Scn *scn = find_section(elf, SHT_GNU_verneed, &sh);
    Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
    if (data == NULL || index < 2)
        return NULL;
    size_t off = 0;
    for (size_t i = 0; i < sh.sh_info; i++) {
        GElf_Verneed need;
        if (gelf_getverneed(data, (int)off, &need) == NULL)
            return NULL;
        size_t aoff = off + need.vn_aux;
        for (unsigned k = 0; k < need.vn_cnt; k++) {
            GElf_Vernaux aux;
            if (gelf_getvernaux(data, (int)aoff, &aux) == NULL)
                return NULL;
            if (aux.vna_other == index)
                return elf_strptr(elf, sh.sh_link, need.vn_file);
            aoff += aux.vna_next;
        }
        if (need.vn_next == 0)
            break;
        off += need.vn_next;
    }
    return NULL;
}

static bool read_imports(const char *path, struct elf_imports *out, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    GElf_Ehdr eh;
    bool ok = false;
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF || gelf_getehdr(elf, &eh) == NULL) {
        snprintf(err, errlen, "%s: changed while it was read (libelf: %s)", path, elf_errmsg(-1));
        goto done;
    }
    GElf_Shdr symsh, versh, dynsh;
    Elf_Scn *symscn = find_section(elf, SHT_DYNSYM, &symsh);
    Elf_Scn *verscn = find_section(elf, SHT_GNU_versym, &versh);
    Elf_Scn *dynscn = find_section(elf, SHT_DYNAMIC, &dynsh);
    Elf_Data *syms = symscn ? elf_getdata(symscn, NULL) : NULL;
    Elf_Data *vers = verscn ? elf_getdata(verscn, NULL) : NULL;
    Elf_Data *dyn = dynscn ? elf_getdata(dynscn, NULL) : NULL;
    if (syms == NULL) {
        snprintf(err, errlen, "%s: no dynamic symbol table (is it stripped of .dynsym?)", path);
        goto done;
    }
    out->undefined = json_object_new_array();
    out->needed = json_object_new_array();
    size_t n = symsh.sh_entsize ? symsh.sh_size / symsh.sh_entsize : 0;
    for (size_t i = 1; i < n; i++) {
        GElf_Sym sym;
        GElf_Versym ver = 0;
        if (gelf_getsym(syms, (int)i, &sym) == NULL || sym.st_shndx != SHN_UNDEF)
            continue;
        int bind = GELF_ST_BIND(sym.st_info);
        const char *name = elf_strptr(elf, symsh.sh_link, sym.st_name);
        if ((bind != STB_GLOBAL && bind != STB_WEAK) || name == NULL || *name == '\0')
            continue;
        if (vers != NULL)
            gelf_getversym(vers, (int)i, &ver);
        const char *lib = version_library(elf, ver & 0x7fff);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(name));
        json_object_object_add(o, "weak", json_object_new_boolean(bind == STB_WEAK));
        json_object_object_add(o, "library", lib ? json_object_new_string(lib) : NULL);
        json_object_array_add(out->undefined, o);
    }
    size_t nd = dyn && dynsh.sh_entsize ? dynsh.sh_size / dynsh.sh_entsize : 0;
    for (size_t i = 0; i < nd; i++) {
        GElf_Dyn d;
        if (gelf_getdyn(dyn, (int)i, &d) != NULL && d.d_tag == DT_NEEDED) {
            const char *lib = elf_strptr(elf, dynsh.sh_link, d.d_un.d_val);
            if (lib)
                json_object_array_add(out->needed, json_object_new_string(lib));
        }
    }
    ok = true;
done:
    if (elf)
        elf_end(elf);
    close(fd);
    return ok;
}

static struct json_object *find_export(struct json_object *exports, const char *name)
{
    for (size_t i = 0; i < json_object_array_length(exports); i++) {
        struct json_object *e = json_object_array_get_idx(exports, i);
        if (strcmp(json_str_field(e, "name"), name) == 0)
            return e;
    }
    return NULL;
}

/* The rest of the driver interface: helpers OpenNDIS's headers call. The loader provides
 * them however the driver was linked (even when the linker dropped libopenndis as not
 * needed), so they never depend on the driver's DT_NEEDED list. */
static const char *runtime_export_module(const char *name)
{
    static const struct {
        const char *module, *name;
    } runtime[] = {
#define RUNTIME_EXPORT(module, name) { #module, #name },
#include "ndis/runtime_exports.def"
#undef RUNTIME_EXPORT
    };
    for (size_t i = 0; i < sizeof runtime / sizeof runtime[0]; i++)
        if (strcmp(runtime[i].name, name) == 0)
            return runtime[i].module;
    return NULL;
}

/* An unversioned symbol OpenNDIS does not export: which of the driver's other libraries
 * defines it. libopenndis itself counts (its host API), under its own name. */
static const char *find_provider(struct json_object *needed, const char *name)
{
    for (size_t i = 0; i < json_object_array_length(needed); i++) {
        const char *lib = json_object_get_string(json_object_array_get_idx(needed, i));
        void *h = dlopen(lib, RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
        if (h == NULL)
            h = dlopen(lib, RTLD_LAZY | RTLD_LOCAL);
        bool found = h != NULL && dlsym(h, name) != NULL;
        if (h)
            dlclose(h);
        if (found)
            return lib;
    }
    return NULL;
}

/* The Windows module a missing function would come from, guessed from its prefix. */
static const char *guess_module(const char *name)
{
    static const char *const kernel[] = { "Ke", "Rtl", "Io", "Ex", "Mm", "Zw", "Nt", "Ob", "Ps", "Se", "Dbg",
                                          "Po", "Wmi", "Cm", "Interlocked", "Etw", NULL };
    if (strncmp(name, "Ndis", 4) == 0 || strncmp(name, "Net", 3) == 0)
        return "NDIS";
    if (strncmp(name, "Kf", 2) == 0 || strncmp(name, "Hal", 3) == 0 || strncmp(name, "READ_PORT", 9) == 0 ||
        strncmp(name, "WRITE_PORT", 10) == 0)
        return "HAL";
    for (size_t i = 0; kernel[i]; i++)
        if (strncmp(name, kernel[i], strlen(kernel[i])) == 0)
            return "NTOSKRNL";
    return NULL;
}

static void add_kind(struct json_object *o, const char *kind, const char *module, bool guessed, const char *library)
{
    json_object_object_add(o, "kind", json_object_new_string(kind));
    json_object_object_add(o, "module", module ? json_object_new_string(module) : NULL);
    json_object_object_add(o, "module_guessed", json_object_new_boolean(guessed));
    /* replaces the versioning library; the new string is made before the old is freed */
    json_object_object_add(o, "library", library ? json_object_new_string(library) : NULL);
}

static const char *const kinds[] = { "implemented", "unsupported", "missing", "library", "weak_unresolved" };

static int kind_rank(const char *k)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(k, kinds[i]) == 0)
            return i;
    return 5;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_import(const void *a, const void *b)
{
    struct json_object *x = *(struct json_object *const *)a, *y = *(struct json_object *const *)b;
    int d = kind_rank(json_str_field(x, "kind")) - kind_rank(json_str_field(y, "kind"));
    if (d == 0)
        d = cmp_str(json_str_field(x, "module"), json_str_field(y, "module"));
    if (d == 0)
        d = cmp_str(json_str_field(x, "library"), json_str_field(y, "library"));
    return d ? d : strcmp(json_str_field(x, "name"), json_str_field(y, "name"));
}

/* A PE image's imports, bound as the loader would bind them: by module and name. */
static bool pe_imports(const char *path, struct json_object *r, char *err, size_t errlen)
{
    struct ld_pe pe;
    if (!ld_pe_read(path, &pe, err, errlen))
        return false;
    struct json_object *list = json_object_new_array(), *needed = json_object_new_array();
    size_t counts[5] = { 0 };
    const char *last = NULL;
    for (size_t i = 0; i < pe.nimports; i++) {
        const struct ld_pe_import *im = &pe.imports[i];
        if (im->module != last)
            json_object_array_add(needed, json_object_new_string(last = im->module));
        char ordinal[16];
        snprintf(ordinal, sizeof ordinal, "#%u", im->ordinal);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(im->name ? im->name : ordinal));
        json_object_object_add(o, "weak", json_object_new_boolean(false));
        void *address;
        bool stub = false;
        const char *why = ld_pe_import_resolve(im, &address, &stub);
        const char *kind = why == NULL ? (stub ? "unsupported" : "implemented") : "missing";
        add_kind(o, kind, im->module, false, NULL);
        if (why != NULL)
            json_object_object_add(o, "reason", json_object_new_string(strcmp(why, "module") == 0    ? "module not provided"
                                                                       : strcmp(why, "ordinal") == 0 ? "imported by ordinal"
                                                                                                     : "not implemented"));
        counts[kind_rank(kind)]++;
        json_object_array_add(list, o);
    }
    ld_pe_free(&pe);
    json_object_array_sort(list, cmp_import);
    struct json_object *c = json_object_new_object();
    for (int k = 0; k < 5; k++)
        json_object_object_add(c, kinds[k], json_object_new_int64((int64_t)counts[k]));
    json_object_object_add(r, "format", json_object_new_string("pe"));
    json_object_object_add(r, "needed", needed);
    json_object_object_add(r, "imports", list);
    json_object_object_add(r, "counts", c);
    json_object_object_add(r, "verdict", json_object_new_string(counts[2] ? "fail" : "pass"));
    return true;
}

static struct json_object *imports_report(const char *path)
{
    struct json_object *r = json_object_new_object();
    json_object_object_add(r, "command", json_object_new_string("info"));
    json_object_object_add(r, "mode", json_object_new_string("imports"));
    json_object_object_add(r, "driver", json_object_new_string(path));
    struct elf_imports elf = { 0 };
    char err[512];
    /* the loader's own decision first: what it refuses, this report refuses the same way */
    if (ld_check(path, err, sizeof err) && ld_is_pe_file(path) && pe_imports(path, r, err, sizeof err))
        return r;
    if (!ld_check(path, err, sizeof err) || ld_is_pe_file(path) || !read_imports(path, &elf, err, sizeof err)) {
        json_object_object_add(r, "error", json_object_new_string(err));
        json_object_object_add(r, "verdict", json_object_new_string("error"));
        return r;
    }
    struct json_object *exports = exports_json(), *list = elf.undefined;
    size_t counts[5] = { 0 };
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *o = json_object_array_get_idx(list, i), *e, *weak;
        const char *name = json_str_field(o, "name"), *lib = json_str_field(o, "library");
        json_object_object_get_ex(o, "weak", &weak);
        const char *runtime = runtime_export_module(name);
        if ((e = find_export(exports, name)) != NULL) {
            bool stub = strcmp(json_str_field(e, "status"), "implemented") != 0;
            add_kind(o, stub ? "unsupported" : "implemented", json_str_field(e, "module"), false, NULL);
        } else if (runtime != NULL) {
            add_kind(o, "implemented", runtime, false, NULL);
        } else if (lib != NULL || (lib = find_provider(elf.needed, name)) != NULL) {
            add_kind(o, "library", NULL, false, lib);
        } else if (json_object_get_boolean(weak)) {
            add_kind(o, "weak_unresolved", NULL, false, NULL); /* the loader leaves it NULL */
        } else if (ld_host_only_name(name)) {
            add_kind(o, "missing", "OpenNDIS host only", false, NULL); /* not for drivers */
        } else {
            const char *m = guess_module(name);
            add_kind(o, "missing", m, m != NULL, NULL);
        }
        counts[kind_rank(json_str_field(o, "kind"))]++;
    }
    json_object_array_sort(list, cmp_import);
    struct json_object *c = json_object_new_object();
    for (int k = 0; k < 5; k++)
        json_object_object_add(c, kinds[k], json_object_new_int64((int64_t)counts[k]));
    json_object_object_add(r, "needed", elf.needed);
    json_object_object_add(r, "imports", list);
    json_object_object_add(r, "counts", c);
    json_object_object_add(r, "verdict", json_object_new_string(counts[2] ? "fail" : "pass"));
    json_object_put(exports);
    return r;
}

/* One group per line: a label, then the names, wrapped under each other. */
static void print_group(FILE *out, const char *label, struct json_object *list, const char *kind, const char *key,
                        const char *value)
{
    size_t col = 0, shown = 0;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *o = json_object_array_get_idx(list, i);
        if (strcmp(json_str_field(o, "kind"), kind) != 0 || (key && cmp_str(json_str_field(o, key), value) != 0))
            continue;
        const char *name = json_str_field(o, "name");
        if (shown++ == 0)
            col = (size_t)fprintf(out, "%-22s", label);
        else if (col + 1 + strlen(name) > 100)
            col = (size_t)fprintf(out, "\n%-22s", "") - 1;
        else
            col += (size_t)fprintf(out, " ");
        col += (size_t)fprintf(out, "%s", name);
    }
    if (shown)
        fputc('\n', out);
}

static void imports_render(FILE *out, struct json_object *r)
{
    struct json_object *list, *c;
    json_object_object_get_ex(r, "imports", &list);
    json_object_object_get_ex(r, "counts", &c);
    fprintf(out, "driver                %s\n", json_str_field(r, "driver"));
    fprintf(out,
            "imports               %zu: %s implemented by OpenNDIS, %s unsupported, %s missing, %s from other "
            "libraries, %s weak and unresolved (allowed)\n",
            json_object_array_length(list), json_str_field(c, "implemented"), json_str_field(c, "unsupported"), json_str_field(c, "missing"),
            json_str_field(c, "library"), json_str_field(c, "weak_unresolved"));
    /* every group once, in the order the list is sorted in */
    const char *last_kind = "", *last_group = NULL;
    char label[64];
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *o = json_object_array_get_idx(list, i);
        const char *kind = json_str_field(o, "kind");
        const char *key = strcmp(kind, "library") == 0 ? "library" : "module";
        const char *group = json_str_field(o, key);
        if (strcmp(kind, last_kind) == 0 && cmp_str(group, last_group) == 0)
            continue;
        last_kind = kind;
        last_group = group;
        if (strcmp(kind, "implemented") == 0)
            snprintf(label, sizeof label, "%s", group);
        else if (strcmp(kind, "unsupported") == 0)
            snprintf(label, sizeof label, "unsupported %s", group);
        else if (strcmp(kind, "missing") == 0)
            snprintf(label, sizeof label, "MISSING %s%s", group ? group : "?",
                     group && json_object_get_boolean(json_object_object_get(o, "module_guessed")) ? "?" : "");
        else if (strcmp(kind, "library") == 0)
            snprintf(label, sizeof label, "%s", group);
        else
            snprintf(label, sizeof label, "weak, unresolved");
        print_group(out, label, list, kind, strcmp(kind, "weak_unresolved") ? key : NULL, group);
    }
    if (strcmp(json_str_field(c, "unsupported"), "0") != 0)
        fputs("                      (unsupported: the driver loads, but every call fails with "
              "STATUS_NOT_IMPLEMENTED)\n",
              out);
    if (strcmp(json_str_field(r, "verdict"), "pass") == 0)
        fputs("verdict               LOADS: every function the driver imports is provided\n", out);
    else
        fprintf(out, "verdict               WOULD NOT LOAD: %s function%s nobody provides\n", json_str_field(c, "missing"),
                strcmp(json_str_field(c, "missing"), "1") ? "s" : "");
}

int info_imports(const char *path, bool json)
{
    struct json_object *r = imports_report(path);
    int code = render_exit_code(r);
    if (json)
        render_json(stdout, r);
    else if (code == EXIT_USAGE)
        fprintf(stderr, "openndis: %s\n", json_str_field(r, "error"));
    else
        imports_render(stdout, r);
    json_object_put(r);
    return code;
}
