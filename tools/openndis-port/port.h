/* openndis port: reads an NDIS 5.x miniport's C source with libclang and says what NDIS 6.0
 * changes, where, and why; the mechanical rewrites come as fix-its. Internal interfaces. */
#ifndef OPENNDIS_PORT_H
#define OPENNDIS_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <clang-c/Index.h>

enum port_severity { PORT_NOTE, PORT_WARNING, PORT_ERROR };

/* A byte range in one file; begin == end is an insertion point. */
struct port_span {
    char *file;
    unsigned line, column, end_line, end_column;
    unsigned begin, end; /* byte offsets */
};

struct port_fixit {
    struct port_span at;
    char *text;
    unsigned seq; /* creation order: insertions at one place keep it */
};

struct port_note {
    struct port_span at; /* at.file NULL: no location */
    char *message;
};

/* report.c: array_reserve (src/common/array.h) that ends the program with a message when
 * memory runs out. */
void *port_reserve(void *items, size_t *cap, size_t need, size_t size);

struct port_diag {
    enum port_severity severity;
    const char *id;   /* port-xxx */
    const char *page; /* porting-guide page, or NULL */
    struct port_span at;
    char *message;
    struct port_note *notes;
    size_t n_notes, cap_notes;
    struct port_fixit *fixits;
    size_t n_fixits, cap_fixits;
};

struct port_report {
    struct port_diag *diags;
    size_t n, cap;
};

/* ---- report building (report.c) ---- */
struct port_diag *port_diag(struct port_report *r, enum port_severity sev, const char *id,
                            const char *page, CXCursor at, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void port_note(struct port_diag *d, CXCursor at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
char *port_format(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* malloc'd */
/* Fix-its only for ranges written in the main file outside macro expansions; false if not. */
bool port_fix_replace(struct port_diag *d, CXSourceRange range, const char *text);
bool port_fix_insert(struct port_diag *d, CXSourceLocation at, const char *text);
bool port_span_of(CXSourceRange range, struct port_span *out);
void port_report_free(struct port_report *r);
void port_report_sort(struct port_report *r);

/* ---- source helpers (source.c) ---- */
struct port_source {
    char *path;
    char *text; /* the file as parsed */
    size_t len;
};
/* The largest source read (docs/porting.md): a driver's C file is far below it. */
#define PORT_MAX_SOURCE (16u << 20)
/* Read a regular text file of at most PORT_MAX_SOURCE bytes; -1 with why filled if not. */
int port_read_source(const char *path, struct port_source *src, char *why, size_t why_len);
char *port_text(const struct port_source *src, CXSourceRange range); /* malloc'd; NULL if not in file */
char *port_line_indent(const struct port_source *src, unsigned offset);
unsigned port_line_start(const struct port_source *src, unsigned offset);
CXSourceRange port_statement_range(const struct port_source *src, CXCursor stmt); /* through ';' */
/* Replace (delete) a statement: an empty line disappears, a lone sub-statement becomes ';'. */
bool port_fix_remove_statement(struct port_diag *d, const struct port_source *src, CXCursor stmt,
                               CXCursor parent);

/* ---- where --fix goes (rewrite.c) ---- */
char *port_diff(const char *path, const struct port_source *src, const char *text, size_t len); /* malloc'd */
/* Rewrite the file's own inode if it still holds src's text; 0, or -1 with a message. */
int port_rewrite_in_place(const char *path, const struct port_source *src, const char *text, size_t len);

/* ---- cursor helpers (cursor.c) ---- */
size_t port_children(CXCursor c, CXCursor **out); /* malloc'd array */
CXCursor port_strip(CXCursor c);                  /* through parens, casts, unexposed */
char *port_callee_name(CXCursor call);            /* malloc'd or NULL */
bool port_is_call_to(CXCursor c, const char *name);
bool port_calls(CXCursor fn, const char *const *names); /* fn's body calls one of names */
unsigned port_offset(CXSourceLocation l);              /* byte offset where it was written */
char *port_spelling(CXCursor c);                  /* malloc'd */
char *port_binary_op(CXCursor c);                 /* operator text of a binary/unary op */
bool port_in_main_file(CXCursor c);
bool port_cursor_equal(CXCursor a, CXCursor b);
/* Visit every descendant (pre-order); stop when fn returns false. */
void port_walk(CXCursor c, bool (*fn)(CXCursor c, CXCursor parent, void *ctx), void *ctx);

/* ---- control flow (flow.c) ---- */
enum port_reg { REG_NONE, REG_PENDING, REG_OK, REG_FAILED };

struct port_flow_event {
    enum { EV_CLEANUP_CALL, EV_RETURN, EV_FALL_OFF } kind;
    CXCursor cursor;   /* the call, the return statement, or the function */
    CXCursor stmt;     /* the statement it is part of */
    CXCursor parent;   /* that statement's parent (for rewrites) */
    CXCursor guard;    /* the innermost `if` around it, or null */
    enum port_reg reg; /* registration state reaching it */
    bool cleaned;      /* a cleanup call ran before it on this path */
    int returns;       /* EV_RETURN: 0 success, 1 failure, 2 unknown */
};

struct port_flow {
    struct port_flow_event *ev;
    size_t n, cap;
    bool truncated; /* too many paths: results are partial */
};

/* Explore every path through fn's body. Registration calls are register_names; cleanup calls
 * (deregistration, NDIS 5 wrapper teardown) are cleanup_names (NULL-terminated lists). */
void port_flow_run(CXCursor fn, const char *const *register_names,
                   const char *const *cleanup_names, struct port_flow *out);
void port_flow_free(struct port_flow *f);

/* ---- the checks ---- */
struct port_tu {
    CXTranslationUnit tu;
    struct port_source src;
    struct port_report *report;
    unsigned parse_errors; /* findings of absence are not made on a broken parse */
};
void port_check_driver_entry(struct port_tu *t);
bool port_is_registration_routine(CXCursor fn);
void port_check_guide(struct port_tu *t);

#endif
