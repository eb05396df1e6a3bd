/* Visual Studio 2002-2008 projects (.vcproj): one XML file whose Configuration elements carry
 * the compiler's settings as attributes of a VCCLCompilerTool element, and whose Files list
 * the sources, each perhaps excluded from a configuration. They become the same project a
 * .vcxproj gives: ClCompile items with PreprocessorDefinitions, AdditionalIncludeDirectories,
 * ForcedIncludeFiles and CompileAs, and the properties a plan reads, expanded as MSBuild
 * expands them. $(SolutionDir) is the directory of the .sln beside or above the project that
 * names it (else the project's own);
 * a per-file compiler setting inside a FileConfiguration is not read (a warning says so). */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "build.h"

#define VCPROJ_MAX_BYTES (16u << 20)

/* In a Shift_JIS project (Japanese Visual Studio writes them so) byte 0x5C is the path
 * separator, which a Unicode reading shows as the yen sign U+00A5. */
static bool yen_is_backslash;

static char *attr(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? xstrdup((const char *)v) : NULL;
    xmlFree(v);
    if (s && yen_is_backslash) {
        char *w = s;
        for (const char *r = s; *r; r++) {
            if ((unsigned char)r[0] == 0xc2 && (unsigned char)r[1] == 0xa5) {
                *w++ = '\\';
                r++;
            } else {
                *w++ = *r;
            }
        }
        *w = '\0';
    }
    return s;
}

static bool is_element(xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The directory of a .sln in `dir` or up to three levels above that names `project_file`. */
static char *solution_dir(const char *dir, const char *project_file)
{
    char *d = xstrdup(dir);
    for (int up = 0; up < 4; up++) {
        DIR *dh = opendir(d);
        struct dirent *e;
        bool found = false;
        while (dh && !found && (e = readdir(dh)) != NULL) {
            if (!ends_with(e->d_name, ".sln"))
                continue;
            char *sln = path_join(d, e->d_name);
            char *text = read_small_file(sln, 4u << 20, NULL, NULL, 0);
            found = text && strcasestr(text, project_file) != NULL;
            free(text), free(sln);
        }
        if (dh)
            closedir(dh);
        if (found) {
            char *s = xasprintf("%s/", d);
            free(d);
            return s;
        }
        char *copy = xstrdup(d); /* dirname() writes into its argument */
        char *parent = xstrdup(dirname(copy));
        free(copy);
        bool top = strcmp(parent, d) == 0;
        free(d);
        d = parent;
        if (top)
            break;
    }
    free(d);
    return xasprintf("%s/", dir);
}

/* A VS2008 list: ';' or ',' separated. As a .vcxproj's, ';' separated. */
static char *as_list(char *s)
{
    for (char *c = s; c && *c; c++)
        if (*c == ',')
            *c = ';';
    return s;
}

static void add_files(struct project *p, xmlNode *parent, const char *config, const struct metav *meta,
                      const char *path)
{
    for (xmlNode *n = parent->children; n; n = n->next) {
        if (is_element(n, "Filter")) {
            add_files(p, n, config, meta, path);
            continue;
        }
        if (!is_element(n, "File"))
            continue;
        char *rel = attr(n, "RelativePath");
        if (!rel)
            continue;
        bool excluded = false;
        for (xmlNode *fc = n->children; fc; fc = fc->next) {
            if (!is_element(fc, "FileConfiguration"))
                continue;
            char *name = attr(fc, "Name"), *ex = attr(fc, "ExcludedFromBuild");
            if (name && strcasecmp(name, config) == 0) {
                excluded = ex && strcasecmp(ex, "true") == 0;
                for (xmlNode *t = fc->children; t; t = t->next)
                    if (is_element(t, "Tool") && t->properties && t->properties->next)
                        build_warning(path, (int)t->line, "%s's own compiler settings for %s are not read", rel,
                                      config);
            }
            free(name), free(ex);
        }
        const char *type = ends_with(rel, ".c") || ends_with(rel, ".cpp") || ends_with(rel, ".cxx") ||
                                   ends_with(rel, ".cc")
                               ? "ClCompile"
                           : ends_with(rel, ".rc")  ? "ResourceCompile"
                           : ends_with(rel, ".inf") ? "Inf"
                                                    : NULL;
        if (type && !excluded)
            project_add_item(p, type, rel, meta, path, (int)n->line);
        free(rel);
    }
}

bool vcproj_load(struct project *p, const char *path, const struct build_options *o)
{
    size_t n;
    char *buf = read_small_file(path, VCPROJ_MAX_BYTES, &n, NULL, 0);
    if (!buf)
        return false;
    xmlDoc *doc = xmlReadMemory(buf, (int)n, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(buf);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    const char *encoding = doc && doc->encoding ? (const char *)doc->encoding : "";
    yen_is_backslash = strcasecmp(encoding, "shift_jis") == 0 || strcasecmp(encoding, "sjis") == 0 ||
                       strcasecmp(encoding, "cp932") == 0 || strcasecmp(encoding, "windows-31j") == 0;
    if (!root || !is_element(root, "VisualStudioProject")) {
        build_error(path, 0, "not a Visual Studio 2002-2008 project (no VisualStudioProject element)");
        xmlFreeDoc(doc);
        return false;
    }
    char *abs = realpath(path, NULL);
    char *dir_copy = xstrdup(abs ? abs : path);
    p->path = xstrdup(path);
    p->dir = xstrdup(abs ? dirname(dir_copy) : ".");
    free(dir_copy);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *name = attr(root, "Name");
    p->name = name ? name : xstrndup(base, strcspn(base, "."));
    strv_push(&p->imports, path);
    free(abs);

    /* the configuration: the one asked for, else the first Release|x64, else the first x64 */
    xmlNode *configs = NULL, *files = NULL, *chosen = NULL;
    for (xmlNode *c = root->children; c; c = c->next) {
        if (is_element(c, "Configurations"))
            configs = c;
        else if (is_element(c, "Files"))
            files = c;
    }
    const char *want_platform = o->platform ? o->platform : "x64";
    for (int pass = 0; pass < 2 && !chosen; pass++)
        for (xmlNode *c = configs ? configs->children : NULL; c && !chosen; c = c->next) {
            if (!is_element(c, "Configuration"))
                continue;
            char *cname = attr(c, "Name");
            if (cname && pass == 0)
                strv_push(&p->configurations, cname);
            const char *bar = cname ? strchr(cname, '|') : NULL;
            bool platform_ok = bar && strcasecmp(bar + 1, want_platform) == 0;
            bool config_ok = o->config ? bar && strlen(o->config) == (size_t)(bar - cname) &&
                                             strncasecmp(cname, o->config, (size_t)(bar - cname)) == 0
                                       : pass == 1 || (cname && strcasestr(cname, "release") != NULL);
            if (platform_ok && config_ok)
                chosen = c;
            free(cname);
        }
    if (!chosen) {
        build_error(path, 0, "no configuration %s|%s (it has: %s%s)", o->config ? o->config : "Release", want_platform,
                    p->configurations.n ? p->configurations.v[0] : "none", p->configurations.n > 1 ? ", ..." : "");
        xmlFreeDoc(doc);
        return false;
    }
    char *cname = attr(chosen, "Name");
    char *bar = strchr(cname, '|');
    *bar = '\0';
    char *dir_slash = xasprintf("%s/", p->dir);
    char *sln = solution_dir(p->dir, base);
    project_set_prop(p, "Configuration", cname, true);
    project_set_prop(p, "ConfigurationName", cname, false);
    project_set_prop(p, "Platform", bar + 1, true);
    project_set_prop(p, "PlatformName", bar + 1, false);
    project_set_prop(p, "ProjectDir", dir_slash, false);
    project_set_prop(p, "ProjectName", p->name, false);
    project_set_prop(p, "SolutionDir", sln, false);
    project_set_prop(p, "TargetName", p->name, false);
    for (size_t i = 0; i < o->defines.n; i++) { /* -D NAME=VALUE: a macro the project may read */
        const char *d = o->defines.v[i], *eq = strchr(d, '=');
        char *dn = xstrndup(d, eq ? (size_t)(eq - d) : strlen(d));
        project_set_prop(p, dn, eq ? eq + 1 : "1", true);
        free(dn);
    }
    *bar = '|';

    /* the compiler's settings of that configuration, as a .vcxproj's ClCompile metadata */
    struct metav meta = {0};
    for (xmlNode *t = chosen->children; t; t = t->next) {
        char *tool = is_element(t, "Tool") ? attr(t, "Name") : NULL;
        if (tool && strcmp(tool, "VCCLCompilerTool") == 0) {
            static const char *const keys[] = { "PreprocessorDefinitions", "AdditionalIncludeDirectories",
                                                "ForcedIncludeFiles", "UndefinePreprocessorDefinitions" };
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                char *raw = attr(t, keys[k]);
                if (raw) {
                    struct eval_ctx c = { p, NULL, NULL, path, (int)t->line }; /* $(SolutionDir) ... */
                    char *v = as_list(eval_expand(&c, raw));
                    meta_set(&meta, keys[k], v);
                    free(v);
                }
                free(raw);
            }
            char *as = attr(t, "CompileAs"); /* 1: C, 2: C++ */
            if (as && (strcmp(as, "1") == 0 || strcmp(as, "2") == 0))
                meta_set(&meta, "CompileAs", strcmp(as, "1") == 0 ? "CompileAsC" : "CompileAsCpp");
            free(as);
        }
        free(tool);
    }
    if (files)
        add_files(p, files, cname, &meta, path);
    meta_free(&meta);
    free(cname), free(dir_slash), free(sln);
    xmlFreeDoc(doc);
    return true;
}
