/* A .vcxproj evaluated as MSBuild evaluates a project: properties and imports first, in
 * document order; then item definitions; then items, each pass seeing the final properties.
 * Configuration and Platform are global properties (the project cannot change them), like
 * every -D that names a property. Imports whose path needs a property only Visual Studio
 * sets ($(VCTargetsPath), $(UserRootDir)) are Visual Studio's own build logic and skipped;
 * the properties they would set that driver projects read are seeded below. */
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "build.h"
#include "../../src/common/array.h"

#define PROJECT_MAX_BYTES (16u << 20)
#define IMPORT_DEPTH_MAX 32

struct loaded {
    xmlNode *import; /* the <Import> element that brought it in; NULL for the project */
    xmlDoc *doc;
    char *path; /* absolute */
};

struct project_docs {
    struct loaded *v;
    size_t n, cap;
};

enum pass { PASS_PROPERTIES, PASS_DEFINITIONS, PASS_ITEMS };

/* ---- properties ---- */

static struct property *find_prop(const struct project *p, const char *name)
{
    for (size_t i = 0; i < p->nprops; i++)
        if (strcasecmp(p->props[i].name, name) == 0)
            return &p->props[i];
    return NULL;
}

const char *project_prop(struct project *p, const char *name)
{
    struct property *pr = find_prop(p, name);
    if (!pr) {
        project_set_prop(p, name, "", false); /* remembered as used, for -D */
        pr = find_prop(p, name);
    }
    pr->used = true;
    return pr->value;
}

void project_set_prop(struct project *p, const char *name, const char *value, bool global)
{
    struct property *pr = find_prop(p, name);
    if (pr) {
        if (pr->global && !global)
            return; /* MSBuild: a global property wins over the project's */
        free(pr->value);
        pr->value = xstrdup(value);
        pr->global |= global;
        return;
    }
    p->props = array_reserve(p->props, &p->props_cap, p->nprops + 1, sizeof *p->props);
    if (!p->props) {
        fputs("openndis build: out of memory\n", stderr);
        exit(2);
    }
    p->props[p->nprops++] = (struct property){xstrdup(name), xstrdup(value), global, false};
}

const struct metav *project_item_definition(const struct project *p, const char *type)
{
    for (size_t i = 0; i < p->ndefs; i++)
        if (strcasecmp(p->defs[i].type, type) == 0)
            return &p->defs[i].meta;
    return NULL;
}

static void *grow(void *v, size_t *cap, size_t need, size_t size)
{
    void *g = array_reserve(v, cap, need, size);
    if (!g) {
        fputs("openndis build: out of memory\n", stderr);
        exit(2);
    }
    return g;
}

static struct metav *definition_for(struct project *p, const char *type)
{
    for (size_t i = 0; i < p->ndefs; i++)
        if (strcasecmp(p->defs[i].type, type) == 0)
            return &p->defs[i].meta;
    p->defs = grow(p->defs, &p->defs_cap, p->ndefs + 1, sizeof *p->defs);
    p->defs[p->ndefs].type = xstrdup(type);
    p->defs[p->ndefs].meta = (struct metav){0};
    return &p->defs[p->ndefs++].meta;
}

void project_add_item(struct project *p, const char *type, const char *include, const struct metav *meta,
                      const char *file, int line)
{
    p->items = grow(p->items, &p->items_cap, p->nitems + 1, sizeof *p->items);
    struct item *it = &p->items[p->nitems++];
    *it = (struct item){xstrdup(type), xstrdup(include), {0}, xstrdup(file), line};
    meta_copy(&it->meta, meta);
}

/* ---- reading XML files: regular files of sane size only ---- */

static xmlDoc *read_xml(const char *path, const struct strv *fill, struct strv *used, const char *from_file,
                        int from_line)
{
    size_t n;
    char *buf = read_small_file(path, PROJECT_MAX_BYTES, &n, from_file, from_line);
    if (!buf)
        return NULL;
    if (fill) {
        int before = build_errors;
        char *filled = template_fill(buf, fill, path, used);
        free(buf);
        if (build_errors != before) {
            free(filled);
            return NULL;
        }
        buf = filled;
        n = strlen(buf);
    }
    /* No network, no external entities, no entity expansion: a project is data. */
    xmlDoc *doc = xmlReadMemory(buf, (int)n, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(buf);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        char *why = xstrdup(e && e->message ? e->message : "cannot be parsed");
        why[strcspn(why, "\n")] = '\0';
        build_error(path, e ? e->line : 0, "not an XML project file: %s", why);
        free(why);
        return NULL;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "Project") != 0) {
        build_error(path, root ? (int)xmlGetLineNo(root) : 0, "the root element is <%s>, not an MSBuild <Project>",
                    root ? (const char *)root->name : "");
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* ---- walking a document ---- */

struct walk {
    struct project *p;
    enum pass pass;
    const char *file; /* the document being walked */
    int depth;
};

static bool is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

static char *text(const xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = xstrdup(v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

/* The element's Condition, evaluated: true when there is none. */
static bool holds(struct walk *w, const xmlNode *n, const struct metav *meta, const char *include)
{
    char *cond = attr(n, "Condition");
    if (!cond)
        return true;
    struct eval_ctx c = {w->p, meta, include, w->file, (int)xmlGetLineNo((xmlNode *)n)};
    int r = eval_condition(&c, cond);
    free(cond);
    return r == 1;
}

static char *expand(struct walk *w, const xmlNode *n, const char *s, const struct metav *meta, const char *include)
{
    struct eval_ctx c = {w->p, meta, include, w->file, (int)xmlGetLineNo((xmlNode *)n)};
    return eval_expand(&c, s);
}

static void walk_children(struct walk *w, xmlNode *parent);

static void set_this_file(struct project *p, const char *path)
{
    char *d = xstrdup(path), *b = xstrdup(path);
    char *dir = xasprintf("%s/", dirname(d));
    project_set_prop(p, "MSBuildThisFileDirectory", dir, false);
    project_set_prop(p, "MSBuildThisFileFullPath", path, false);
    project_set_prop(p, "MSBuildThisFile", basename(b), false);
    free(d), free(b), free(dir);
}

static struct loaded *loaded_for(struct project *p, const xmlNode *import)
{
    for (size_t i = 0; i < p->docs->n; i++)
        if (p->docs->v[i].import == import)
            return &p->docs->v[i];
    return NULL;
}

static void walk_document(struct walk *w, struct loaded *l)
{
    const char *saved = w->file;
    w->file = l->path;
    w->depth++;
    if (w->pass == PASS_PROPERTIES)
        set_this_file(w->p, l->path);
    walk_children(w, xmlDocGetRootElement(l->doc));
    w->depth--;
    w->file = saved;
    if (w->pass == PASS_PROPERTIES && saved)
        set_this_file(w->p, saved);
}

/* Does `raw` name a property nothing has set? Then the import is Visual Studio's own. */
static const char *unset_property_in(struct project *p, const char *raw, char *name, size_t len)
{
    for (const char *s = strstr(raw, "$("); s; s = strstr(s + 2, "$(")) {
        const char *e = strchr(s, ')');
        if (!e || (size_t)(e - s - 2) >= len)
            continue;
        snprintf(name, len, "%.*s", (int)(e - s - 2), s + 2);
        struct property *pr = find_prop(p, name);
        if (!pr || !pr->value[0])
            return name;
    }
    return NULL;
}

static void do_import(struct walk *w, xmlNode *n)
{
    int line = (int)xmlGetLineNo(n);
    if (w->pass != PASS_PROPERTIES) {
        struct loaded *l = loaded_for(w->p, n);
        if (l)
            walk_document(w, l);
        return;
    }
    if (!holds(w, n, NULL, NULL))
        return;
    char *raw = attr(n, "Project");
    if (!raw) {
        build_error(w->file, line, "<Import> without a Project attribute");
        return;
    }
    char unset[128];
    if (unset_property_in(w->p, raw, unset, sizeof unset)) {
        char *note = xasprintf("%s (needs $(%s), set by Visual Studio)", raw, unset);
        if (!strv_has(&w->p->skipped_imports, note))
            strv_push(&w->p->skipped_imports, note);
        free(note), free(raw);
        return;
    }
    char *value = expand(w, n, raw, NULL, NULL);
    char *rel = path_from_msbuild(value);
    char *d = xstrdup(w->file);
    char *folded = path_fold(dirname(d), value);
    char *joined = folded ? folded : path_join(d, rel);
    char real[PATH_MAX];
    if (strpbrk(rel, "*?")) {
        build_warning(w->file, line, "wildcard import %s is not read", raw);
    } else if (w->depth >= IMPORT_DEPTH_MAX) {
        build_error(w->file, line, "imports nest deeper than %d files", IMPORT_DEPTH_MAX);
    } else if (!realpath(joined, real)) {
        build_error(w->file, line, "the imported project %s was not found (%s)", raw, joined);
    } else {
        bool again = false;
        for (size_t i = 0; i < w->p->docs->n; i++)
            again |= strcmp(w->p->docs->v[i].path, real) == 0;
        if (again) {
            build_warning(w->file, line, "%s is imported a second time: MSBuild skips it, and so does this", raw);
        } else {
            xmlDoc *doc = read_xml(real, NULL, NULL, w->file, line);
            if (doc) {
                struct project_docs *ds = w->p->docs;
                ds->v = grow(ds->v, &ds->cap, ds->n + 1, sizeof *ds->v);
                ds->v[ds->n] = (struct loaded){n, doc, xstrdup(real)};
                strv_push(&w->p->imports, real);
                walk_document(w, &ds->v[ds->n++]);
            }
        }
    }
    free(raw), free(value), free(rel), free(d), free(joined);
}

static void do_property_group(struct walk *w, xmlNode *g)
{
    if (!holds(w, g, NULL, NULL))
        return;
    for (xmlNode *n = g->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || !holds(w, n, NULL, NULL))
            continue;
        char *raw = text(n);
        char *value = expand(w, n, raw, NULL, NULL);
        project_set_prop(w->p, (const char *)n->name, value, false);
        struct property *pr = find_prop(w->p, (const char *)n->name);
        pr->used = true;
        free(raw), free(value);
    }
}

/* Metadata elements under an item or an item definition: %(X) is X's value so far. */
static void apply_metadata(struct walk *w, xmlNode *item, struct metav *meta, const char *include)
{
    for (xmlNode *m = item->children; m; m = m->next) {
        if (m->type != XML_ELEMENT_NODE || !holds(w, m, meta, include))
            continue;
        char *raw = text(m);
        char *value = expand(w, m, raw, meta, include);
        meta_set(meta, (const char *)m->name, value);
        free(raw), free(value);
    }
}

static void do_item_definition_group(struct walk *w, xmlNode *g)
{
    if (!holds(w, g, NULL, NULL))
        return;
    for (xmlNode *n = g->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && holds(w, n, NULL, NULL))
            apply_metadata(w, n, definition_for(w->p, (const char *)n->name), NULL);
}

static bool reserved_attribute(const char *name)
{
    static const char *const names[] = {"Include", "Exclude", "Remove", "Update", "Condition", "KeepMetadata",
                                        "RemoveMetadata", "KeepDuplicates", "Label", NULL};
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* One Include entry, with wildcards expanded against the project directory. */
static void add_items(struct walk *w, xmlNode *n, const char *type, const char *entry, const struct strv *exclude)
{
    int line = (int)xmlGetLineNo(n);
    struct strv names = {0};
    if (strpbrk(entry, "*?")) {
        char *rel = path_from_msbuild(entry);
        char *pattern = path_join(w->p->dir, rel);
        glob_t g;
        if (strstr(rel, "**"))
            build_warning(w->file, line, "recursive wildcard %s is read as '*'", entry);
        if (glob(pattern, 0, NULL, &g) == 0) {
            size_t skip = strlen(w->p->dir) + 1;
            for (size_t i = 0; i < g.gl_pathc; i++)
                strv_push(&names, g.gl_pathv[i] + (strncmp(g.gl_pathv[i], w->p->dir, skip - 1) == 0 ? skip : 0));
            globfree(&g);
        }
        free(rel), free(pattern);
    } else {
        strv_push(&names, entry);
    }
    for (size_t i = 0; i < names.n; i++) {
        if (exclude && strv_has(exclude, names.v[i]))
            continue;
        struct metav meta = {0};
        meta_copy(&meta, project_item_definition(w->p, type));
        for (xmlAttr *a = n->properties; a; a = a->next) {
            if (reserved_attribute((const char *)a->name))
                continue;
            char *raw = attr(n, (const char *)a->name);
            char *value = expand(w, n, raw, &meta, names.v[i]);
            meta_set(&meta, (const char *)a->name, value);
            free(raw), free(value);
        }
        apply_metadata(w, n, &meta, names.v[i]);
        project_add_item(w->p, type, names.v[i], &meta, w->file, line);
        meta_free(&meta);
    }
    strv_free(&names);
}

static void do_item_group(struct walk *w, xmlNode *g)
{
    if (!holds(w, g, NULL, NULL))
        return;
    for (xmlNode *n = g->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || !holds(w, n, NULL, NULL))
            continue;
        const char *type = (const char *)n->name;
        char *inc = attr(n, "Include"), *rem = attr(n, "Remove"), *upd = attr(n, "Update");
        char *exc = attr(n, "Exclude");
        struct strv list = {0}, excluded = {0};
        if (exc) {
            char *v = expand(w, n, exc, NULL, NULL);
            strv_split_list(&excluded, v);
            free(v);
        }
        char *which = inc ? inc : rem ? rem : upd;
        if (which) {
            char *v = expand(w, n, which, NULL, NULL);
            strv_split_list(&list, v);
            free(v);
        }
        for (size_t i = 0; i < list.n; i++) {
            if (inc) {
                add_items(w, n, type, list.v[i], &excluded);
                continue;
            }
            for (size_t j = 0; j < w->p->nitems; j++) {
                struct item *it = &w->p->items[j];
                if (strcasecmp(it->type, type) != 0 || strcasecmp(it->include, list.v[i]) != 0)
                    continue;
                if (upd) {
                    apply_metadata(w, n, &it->meta, it->include);
                } else { /* Remove */
                    free(it->type), free(it->include), free(it->file), meta_free(&it->meta);
                    memmove(it, it + 1, (w->p->nitems - j - 1) * sizeof *it);
                    w->p->nitems--, j--;
                }
            }
        }
        strv_free(&list), strv_free(&excluded);
        free(inc), free(rem), free(upd), free(exc);
    }
}

static void do_choose(struct walk *w, xmlNode *choose)
{
    for (xmlNode *n = choose->children; n; n = n->next) {
        if (is(n, "When") && holds(w, n, NULL, NULL)) {
            walk_children(w, n);
            return;
        }
        if (is(n, "Otherwise")) {
            walk_children(w, n);
            return;
        }
    }
}

static void walk_children(struct walk *w, xmlNode *parent)
{
    for (xmlNode *n = parent->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is(n, "Import"))
            do_import(w, n);
        else if (is(n, "ImportGroup")) {
            if (w->pass != PASS_PROPERTIES || holds(w, n, NULL, NULL))
                walk_children(w, n);
        } else if (is(n, "Choose"))
            do_choose(w, n);
        else if (is(n, "PropertyGroup") && w->pass == PASS_PROPERTIES)
            do_property_group(w, n);
        else if (is(n, "ItemDefinitionGroup") && w->pass == PASS_DEFINITIONS)
            do_item_definition_group(w, n);
        else if (is(n, "ItemGroup") && w->pass == PASS_ITEMS)
            do_item_group(w, n);
        /* Target, UsingTask, ProjectExtensions: build steps of Visual Studio's, not read */
    }
}

/* ---- the whole evaluation ---- */

/* What Microsoft.Cpp.Default.props and the WDK's props give every project before its own
 * properties: only what driver projects read back. */
static void seed(struct project *p, const char *config, const char *platform)
{
    char *dir_slash = xasprintf("%s/", p->dir);
    const char *base = strrchr(p->path, '/') ? strrchr(p->path, '/') + 1 : p->path;
    const char *ext = strrchr(base, '.');
    char *full = path_join(p->dir, base);
    project_set_prop(p, "Configuration", config, true);
    project_set_prop(p, "Platform", platform, true);
    project_set_prop(p, "MSBuildProjectDirectory", p->dir, false);
    project_set_prop(p, "MSBuildProjectFile", base, false);
    project_set_prop(p, "MSBuildProjectFullPath", full, false);
    project_set_prop(p, "MSBuildProjectName", p->name, false);
    project_set_prop(p, "MSBuildProjectExtension", ext ? ext : "", false);
    project_set_prop(p, "ProjectDir", dir_slash, false);
    project_set_prop(p, "ProjectName", p->name, false);
    project_set_prop(p, "ProjectFileName", base, false);
    project_set_prop(p, "ProjectPath", full, false);
    project_set_prop(p, "SolutionDir", dir_slash, false);
    project_set_prop(p, "TargetName", p->name, false);
    project_set_prop(p, "TargetExt", ".sys", false);
    project_set_prop(p, "VisualStudioVersion", "17.0", false); /* Visual Studio 2022's */
    project_set_prop(p, "ConfigurationName", config, false);
    project_set_prop(p, "PlatformName", platform, false);
    project_set_prop(p, "PlatformTarget", strcasecmp(platform, "Win32") == 0 ? "x86" : platform, false);
    char *outdir = xasprintf("%s\\%s\\", platform, config);
    project_set_prop(p, "IntDir", outdir, false);
    project_set_prop(p, "OutDir", outdir, false);
    for (size_t i = 0; i < p->nprops; i++)
        p->props[i].used = false; /* seeds are not the project's use */
    free(dir_slash), free(full), free(outdir);
}

static void reset(struct project *p)
{
    for (size_t i = 0; i < p->nprops; i++)
        free(p->props[i].name), free(p->props[i].value);
    p->nprops = 0;
    for (size_t i = 0; i < p->nitems; i++)
        free(p->items[i].type), free(p->items[i].include), free(p->items[i].file), meta_free(&p->items[i].meta);
    p->nitems = 0;
    for (size_t i = 0; i < p->ndefs; i++)
        free(p->defs[i].type), meta_free(&p->defs[i].meta);
    p->ndefs = 0;
    if (p->docs) {
        for (size_t i = 0; i < p->docs->n; i++)
            xmlFreeDoc(p->docs->v[i].doc), free(p->docs->v[i].path);
        p->docs->n = 0;
    }
    strv_free(&p->imports), strv_free(&p->skipped_imports), strv_free(&p->configurations), strv_free(&p->filled);
}

static bool evaluate(struct project *p, const char *config, const char *platform, const struct build_options *o)
{
    reset(p);
    seed(p, config, platform);
    for (size_t i = 0; i < o->defines.n; i++) { /* -D NAME=VALUE: a global property too */
        const char *d = o->defines.v[i], *eq = strchr(d, '=');
        char *name = xstrndup(d, eq ? (size_t)(eq - d) : strlen(d));
        project_set_prop(p, name, eq ? eq + 1 : "1", true);
        find_prop(p, name)->used = false;
        free(name);
    }
    char real[PATH_MAX];
    if (!realpath(p->path, real)) {
        build_error(p->path, 0, "cannot read it: %s", strerror(errno));
        return false;
    }
    xmlDoc *doc = read_xml(real, p->fill, &p->filled, NULL, 0);
    if (!doc)
        return false;
    struct project_docs *ds = p->docs;
    ds->v = grow(ds->v, &ds->cap, 1, sizeof *ds->v);
    ds->v[0] = (struct loaded){NULL, doc, xstrdup(real)};
    ds->n = 1;
    strv_push(&p->imports, real);
    int before = build_errors;
    for (enum pass pass = PASS_PROPERTIES; pass <= PASS_ITEMS; pass++) {
        struct walk w = {p, pass, NULL, 0};
        walk_document(&w, &ds->v[0]);
    }
    for (size_t i = 0; i < p->nitems; i++) {
        const struct item *it = &p->items[i];
        if (strcasecmp(it->type, "ProjectConfiguration") == 0)
            strv_push(&p->configurations, it->include);
    }
    return build_errors == before;
}

static bool has_configuration(const struct project *p, const char *config, const char *platform)
{
    char *want = xasprintf("%s|%s", config, platform);
    bool found = false;
    for (size_t i = 0; i < p->configurations.n && !found; i++)
        found = strcasecmp(p->configurations.v[i], want) == 0;
    free(want);
    return found;
}

bool project_load(struct project *p, const char *path, const struct build_options *o)
{
    const char *platform = o->platform ? o->platform : "x64";
    const char *config = o->config ? o->config : "Release";
    char *abs = realpath(path, NULL);
    if (!abs) {
        build_error(path, 0, "cannot read it: %s", strerror(errno));
        return false;
    }
    p->path = xstrdup(path);
    p->dir = xstrdup(dirname(abs));
    free(abs);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *stem = xstrdup(base); /* the name without .vcxproj, or .vcxproj.in for a template */
    size_t n = strlen(stem);
    if (n > 3 && strcmp(stem + n - 3, ".in") == 0)
        stem[n - 3] = '\0';
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem)
        *dot = '\0';
    p->name = stem;
    size_t len = strlen(path);
    if (len > 3 && strcmp(path + len - 3, ".in") == 0)
        p->fill = &o->defines;
    p->docs = calloc(1, sizeof *p->docs);
    if (!p->docs)
        return false;
    if (!evaluate(p, config, platform, o))
        return false;
    if (p->configurations.n == 0 || has_configuration(p, config, platform))
        return true;
    if (o->config) {
        build_error(p->path, 0, "no configuration '%s|%s' here; the project has:", config, platform);
        for (size_t i = 0; i < p->configurations.n; i++)
            fprintf(stderr, "  %s\n", p->configurations.v[i]);
        return false;
    }
    /* No plain "Release": the first configuration for the platform with Release in its name
     * (NetKVM's "Win10 Release"), else the first for the platform. */
    char *pick = NULL;
    for (int pass = 0; pass < 2 && !pick; pass++)
        for (size_t i = 0; i < p->configurations.n && !pick; i++) {
            const char *c = p->configurations.v[i], *bar = strrchr(c, '|');
            if (!bar || strcasecmp(bar + 1, platform) != 0)
                continue;
            char *name = xstrndup(c, (size_t)(bar - c));
            if (pass == 1 || strcasestr(name, "release"))
                pick = name;
            else
                free(name);
        }
    if (!pick) {
        build_error(p->path, 0, "no configuration for the platform '%s' here (--platform chooses one):", platform);
        for (size_t i = 0; i < p->configurations.n; i++)
            fprintf(stderr, "  %s\n", p->configurations.v[i]);
        return false;
    }
    fprintf(stderr, "openndis build: %s has no Release|%s configuration: building '%s|%s' (--config chooses)\n",
            p->path, platform, pick, platform);
    bool ok = evaluate(p, pick, platform, o);
    free(pick);
    return ok;
}

void project_free(struct project *p)
{
    reset(p);
    free(p->props), free(p->items), free(p->defs);
    if (p->docs)
        free(p->docs->v);
    free(p->docs), free(p->path), free(p->dir), free(p->name);
    *p = (struct project){0};
}
