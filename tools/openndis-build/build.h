/* openndis-build: a Windows driver's own project (.vcxproj, its .props, or a WDK 7 `sources`
 * file) read as MSBuild reads it, and built into a driver OpenNDIS loads (docs/build.md). */
#ifndef OPENNDIS_BUILD_H
#define OPENNDIS_BUILD_H

#include <stdbool.h>
#include <stddef.h>

/* ---- strings ---- */

struct strv {
    char **v;
    size_t n, cap;
};

char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void strv_push(struct strv *sv, const char *s);      /* copies s */
void strv_push_own(struct strv *sv, char *s);        /* takes s */
bool strv_has(const struct strv *sv, const char *s); /* exact */
void strv_free(struct strv *sv);
/* Splits a MSBuild list ("a;b; c") into trimmed, non-empty parts appended to sv. */
void strv_split_list(struct strv *sv, const char *list);
/* MSBuild paths: '\' separators become '/'. */
char *path_from_msbuild(const char *p);
/* `rel` against the directory `dir`, unless it is absolute. */
char *path_join(const char *dir, const char *rel);
bool path_exists(const char *path);
bool ends_with(const char *s, const char *suffix); /* letter case aside */
/* A regular file of at most `max` bytes, whole and NUL-terminated (a FIFO, a directory or a
 * huge file is refused, naming from_file:from_line, or the path when from_file is NULL). */
char *read_small_file(const char *path, size_t max, size_t *len, const char *from_file, int from_line);
/* `text` with every @NAME@ replaced by -D NAME=VALUE; a name not given is an error naming
 * file:line (a .vcxproj.in and the .h.in beside it are templates a configure step fills).
 * The names filled are added to `used` (missing ones as "?NAME", so each is reported once). */
char *template_fill(const char *text, const struct strv *defines, const char *file, struct strv *used);

/* ---- diagnostics: every message names the file and line it is about ---- */

void build_error(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void build_warning(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
extern int build_errors;

/* ---- the evaluated project ---- */

struct meta {
    char *name, *value;
};

struct metav {
    struct meta *v;
    size_t n, cap;
};

const char *meta_get(const struct metav *m, const char *name); /* NULL when unset */
void meta_set(struct metav *m, const char *name, const char *value);
void meta_copy(struct metav *dst, const struct metav *src);
void meta_free(struct metav *m);

struct item {
    char *type;    /* ClCompile, Inf, ResourceCompile, ... */
    char *include; /* as written after expansion, MSBuild spelling */
    struct metav meta;
    char *file; /* where it was declared */
    int line;
};

struct property {
    char *name, *value;
    bool global; /* --config, --platform, -D: the project cannot change it */
    bool used;   /* read or written by the project */
};

struct project {
    char *path;      /* the project file as given */
    char *dir;       /* its directory, absolute */
    char *name;      /* file name without extension */
    struct property *props;
    size_t nprops, props_cap;
    struct item *items;
    size_t nitems, items_cap;
    /* item definitions: type -> default metadata */
    struct {
        char *type;
        struct metav meta;
    } *defs;
    size_t ndefs, defs_cap;
    struct strv imports;        /* every file read, the project first */
    struct strv skipped_imports; /* Visual Studio's own, not on this machine */
    struct strv configurations;  /* "Release|x64" ... from ProjectConfiguration items */
    struct project_docs *docs;   /* the XML read: private to project.c */
    const struct strv *fill;     /* -D values for a .in template, else NULL */
    struct strv filled;          /* the -D names a template used: not defines */
};

/* The options that choose what is evaluated. */
struct build_options {
    const char *config, *platform; /* NULL: Release (or the project's), x64 */
    struct strv defines;           /* -D NAME[=VALUE] */
};

/* Reads PROJECT (.vcxproj, .props or a `sources` file) into p. False after an error, each
 * reported with its file and line. */
bool project_load(struct project *p, const char *path, const struct build_options *o);
void project_free(struct project *p);
const char *project_prop(struct project *p, const char *name); /* "" when unset; marks it used */
void project_set_prop(struct project *p, const char *name, const char *value, bool global);
const struct metav *project_item_definition(const struct project *p, const char *type);
void project_add_item(struct project *p, const char *type, const char *include, const struct metav *meta,
                      const char *file, int line);

/* Reads a WDK 7 `sources` file (the `build` utility's makefile fragment) into p. */
bool legacy_sources_load(struct project *p, const char *path, const struct build_options *o);
/* Reads a Visual Studio 2002-2008 .vcproj into p (vcproj.c). */
bool vcproj_load(struct project *p, const char *path, const struct build_options *o);

/* ---- expansion and conditions (condition.c) ---- */

struct eval_ctx {
    struct project *p;
    const struct metav *item_meta; /* %(...) while evaluating an item's metadata, else NULL */
    const char *item_include;      /* for %(Filename) and the other well-known metadata */
    const char *file;              /* for messages */
    int line;
};

/* $(Prop), @(Type), %(Meta) and %XX escapes expanded. */
char *eval_expand(struct eval_ctx *c, const char *text);
/* A Condition attribute: true, false, or -1 after an error (reported). */
int eval_condition(struct eval_ctx *c, const char *cond);

/* ---- the compile plan (plan.c) ---- */

enum lang { LANG_C, LANG_CXX };

struct unit {
    char *source; /* absolute */
    enum lang lang;
    struct strv defines, undefines, includes, forced;
    char *std; /* -std=... or NULL */
    bool wpp;
    /* MSVC leniencies found by a failed compile (leniency.c) */
    bool no_access_control;
    char *shadow;         /* the source with MSVC-only casts rewritten, compiled instead */
    struct strv rewrites; /* "LINE:COL" of each cast rewritten, in the source's numbering */
};

struct plan {
    char *name; /* TargetName */
    struct unit *units;
    size_t nunits;
    bool debug;
    /* WPP: the trace functions and the files holding the configuration */
    struct strv wpp_funcs, wpp_scan;
    struct strv notes; /* what was read and not built: .inf, .rc, MSVC options */
    struct strv mofs;  /* "FILE.mof=HEADER.h": WMI headers to make before compiling */
};

bool plan_make(struct plan *pl, struct project *p, const struct build_options *o);
void plan_free(struct plan *pl);
/* Adds the sources of the static libraries the project links that other projects of its
 * tree make (libraries.c). */
bool plan_libraries(struct plan *pl, struct project *p, const struct build_options *o);

/* ---- MSVC leniencies (leniency.c) ---- */

/* Reads the messages of a failed compile of `u` (in `log`) for code MSVC accepts and clang
 * refuses, and changes `u` so that a second compile accepts it, each change named in a
 * warning. `windows`: the unit is built for the Windows ABI. Returns true when something was
 * changed, so the unit is worth compiling again. */
bool leniency_apply(const char *log, struct unit *u, bool windows, const char *shadow_dir);

/* ---- output (emit.c) ---- */

void emit_print(const struct plan *pl, struct project *p, const char *overlay, const char *output); /* reads properties */
bool emit_cmake(const struct plan *pl, const struct project *p, const char *path);

/* ---- include spellings (spelling.c) ---- */

/* Makes `overlay` a directory of forwarding headers that give every #include the sources
 * spell with other letter case or '\' separators the file it means, searching the including
 * file's directory and then `search`. Returns the number made, or -1 after an error. */
int spelling_overlay(const char *overlay, const struct strv *sources, const struct strv *search);
/* An MSBuild path (relative to dir unless absolute) as it is on this file system: each
 * component found as spelt or else by ignoring letter case, '\\' read as '/'. NULL when
 * nothing matches. Windows file systems ignore case, and projects rely on it. */
char *path_fold(const char *dir, const char *msbuild_path);

/* ---- WMI classes (mof.c) ---- */

/* Writes the C header wmimofck -h makes from a .mof (GUIDs, structures, sizes, data IDs).
 * Returns the number of classes, or -1 after an error naming the .mof's line. */
int mof_header(const char *mof_path, const char *header_path);

/* ---- building (compile.c) ---- */

struct toolchain {
    const char *cc, *cxx;
    const char *include_dir; /* OpenNDIS's headers */
    const char *lib_dir;     /* libopenndis.so */
    const char *wpp;         /* openndis-wpp */
    unsigned jobs;
    bool verbose;
    /* --abi windows: a PE image (.sys) in the Microsoft x64 ABI, by clang and lld-link */
    bool windows;
    const char *lld_link;
    const char *pe_lib_dir;       /* ndis.lib, ntoskrnl.lib, hal.lib, netio.lib */
    const char *clang_resource;   /* clang's own headers (stddef.h, stdarg.h) */
};

bool compile_plan(struct plan *pl, const struct toolchain *tc, const char *workdir, const char *overlay,
                  const char *output);

#endif
