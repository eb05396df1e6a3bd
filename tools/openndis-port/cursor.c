/* libclang cursor helpers: children as arrays, operators, callees. */
#include <stdlib.h>
#include <string.h>

#include "port.h"

struct collect {
    CXCursor *v;
    size_t n, cap;
};

static enum CXChildVisitResult collect_child(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    struct collect *col = data;
    if (col->n == col->cap) {
        col->cap = col->cap ? col->cap * 2 : 8;
        col->v = realloc(col->v, col->cap * sizeof *col->v);
        if (!col->v)
            abort();
    }
    col->v[col->n++] = c;
    return CXChildVisit_Continue;
}

size_t port_children(CXCursor c, CXCursor **out)
{
    struct collect col = { 0 };
    clang_visitChildren(c, collect_child, &col);
    *out = col.v;
    return col.n;
}

CXCursor port_strip(CXCursor c)
{
    for (;;) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr && k != CXCursor_CStyleCastExpr)
            return c;
        CXCursor *kids;
        size_t n = port_children(c, &kids);
        if (n == 0) {
            free(kids);
            return c;
        }
        CXCursor next = kids[n - 1]; /* a cast's TypeRef comes first */
        free(kids);
        c = next;
    }
}

char *port_spelling(CXCursor c)
{
    CXString s = clang_getCursorSpelling(c);
    char *r = strdup(clang_getCString(s));
    clang_disposeString(s);
    return r;
}

char *port_callee_name(CXCursor call)
{
    if (clang_getCursorKind(call) != CXCursor_CallExpr)
        return NULL;
    CXCursor callee = clang_getCursorReferenced(call);
    if (clang_Cursor_isNull(callee) || clang_getCursorKind(callee) != CXCursor_FunctionDecl) {
        /* An implicitly declared function still names itself as the call's spelling. */
        char *s = port_spelling(call);
        if (s && *s)
            return s;
        free(s);
        return NULL;
    }
    return port_spelling(callee);
}

bool port_is_call_to(CXCursor c, const char *name)
{
    char *n = port_callee_name(c);
    bool yes = n && strcmp(n, name) == 0;
    free(n);
    return yes;
}

unsigned port_offset(CXSourceLocation l)
{
    unsigned o;
    clang_getExpansionLocation(l, NULL, NULL, NULL, &o);
    return o;
}

struct calls {
    const char *const *names;
    bool found;
};

static bool find_call(CXCursor c, CXCursor parent, void *ctx)
{
    (void)parent;
    struct calls *k = ctx;
    char *name = clang_getCursorKind(c) == CXCursor_CallExpr ? port_callee_name(c) : NULL;
    for (const char *const *n = k->names; name && *n && !k->found; n++)
        k->found = strcmp(name, *n) == 0;
    free(name);
    return !k->found;
}

bool port_calls(CXCursor fn, const char *const *names)
{
    struct calls k = { names, false };
    port_walk(fn, find_call, &k);
    return k.found;
}

static bool is_operator(const char *t)
{
    static const char *const ops[] = { "==", "!=", "<", ">", "<=", ">=", "&&", "||", "&", "|", "^", "+",
                                       "-", "*", "/", "%", "<<", ">>", "=", "!", "~", "+=", "-=",
                                       "|=", "&=", "++", "--" };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(t, ops[i]))
            return true;
    return false;
}

/* libclang 14 has no operator accessor: the operator is the punctuation token between the
 * operands (binary) or before/after the operand (unary), as written. An operator that only
 * exists inside a macro body is not found; status-test macros are declared as functions
 * for the analysis instead (ntdef.h, OPENNDIS_PORT_ANALYSIS). */
char *port_binary_op(CXCursor c)
{
    CXCursor *kids;
    size_t n = port_children(c, &kids);
    enum CXCursorKind k = clang_getCursorKind(c);
    CXTranslationUnit tu = clang_Cursor_getTranslationUnit(c);
    CXToken *toks;
    unsigned nt;
    char *op = NULL;
    clang_tokenize(tu, clang_getCursorExtent(c), &toks, &nt);
    if ((k == CXCursor_BinaryOperator || k == CXCursor_CompoundAssignOperator) && n == 2) {
        unsigned lhs_end = port_offset(clang_getRangeEnd(clang_getCursorExtent(kids[0])));
        unsigned rhs_begin = port_offset(clang_getRangeStart(clang_getCursorExtent(kids[1])));
        for (unsigned i = 0; i < nt && !op; i++) {
            unsigned o = port_offset(clang_getRangeStart(clang_getTokenExtent(tu, toks[i])));
            if (o >= lhs_end && o <= rhs_begin && clang_getTokenKind(toks[i]) == CXToken_Punctuation) {
                CXString s = clang_getTokenSpelling(tu, toks[i]);
                if (is_operator(clang_getCString(s)))
                    op = strdup(clang_getCString(s));
                clang_disposeString(s);
                break;
            }
        }
    } else if (k == CXCursor_UnaryOperator && n == 1 && nt > 0) {
        unsigned sub_begin = port_offset(clang_getRangeStart(clang_getCursorExtent(kids[0])));
        unsigned first = port_offset(clang_getRangeStart(clang_getTokenExtent(tu, toks[0])));
        CXToken t = first < sub_begin ? toks[0] : toks[nt - 1];
        if (clang_getTokenKind(t) == CXToken_Punctuation) {
            CXString s = clang_getTokenSpelling(tu, t);
            if (is_operator(clang_getCString(s)))
                op = strdup(clang_getCString(s));
            clang_disposeString(s);
        }
    }
    clang_disposeTokens(tu, toks, nt);
    free(kids);
    return op;
}

bool port_in_main_file(CXCursor c)
{
    return clang_Location_isFromMainFile(clang_getCursorLocation(c)) != 0;
}

bool port_cursor_equal(CXCursor a, CXCursor b)
{
    return clang_equalCursors(a, b) != 0;
}

struct walk {
    bool (*fn)(CXCursor, CXCursor, void *);
    void *ctx;
    bool stop;
};

static enum CXChildVisitResult walk_child(CXCursor c, CXCursor parent, CXClientData data)
{
    struct walk *w = data;
    if (!w->fn(c, parent, w->ctx)) {
        w->stop = true;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Recurse;
}

void port_walk(CXCursor c, bool (*fn)(CXCursor, CXCursor, void *), void *ctx)
{
    struct walk w = { fn, ctx, false };
    clang_visitChildren(c, walk_child, &w);
}
