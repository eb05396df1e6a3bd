/* The driver's text around the AST: statement ends, indentation, removals. */
#include <stdlib.h>
#include <string.h>

#include "port.h"

static bool offsets(CXSourceRange range, unsigned *b, unsigned *e)
{
    CXFile fb, fe;
    clang_getExpansionLocation(clang_getRangeStart(range), &fb, NULL, NULL, b);
    clang_getExpansionLocation(clang_getRangeEnd(range), &fe, NULL, NULL, e);
    return fb && fe && clang_File_isEqual(fb, fe) && *b <= *e;
}

char *port_text(const struct port_source *src, CXSourceRange range)
{
    unsigned b, e;
    if (!offsets(range, &b, &e) || e > src->len)
        return NULL;
    return strndup(src->text + b, e - b);
}

unsigned port_line_start(const struct port_source *src, unsigned offset)
{
    while (offset > 0 && src->text[offset - 1] != '\n')
        offset--;
    return offset;
}

char *port_line_indent(const struct port_source *src, unsigned offset)
{
    unsigned s = port_line_start(src, offset), e = s;
    while (e < src->len && (src->text[e] == ' ' || src->text[e] == '\t'))
        e++;
    return strndup(src->text + s, e - s);
}

/* An expression statement's extent stops before its ';'. */
CXSourceRange port_statement_range(const struct port_source *src, CXCursor stmt)
{
    CXSourceRange r = clang_getCursorExtent(stmt);
    unsigned b, e;
    if (!offsets(r, &b, &e))
        return r;
    unsigned p = e;
    while (p < src->len && (src->text[p] == ' ' || src->text[p] == '\t'))
        p++;
    if (p < src->len && src->text[p] == ';') {
        CXTranslationUnit tu = clang_Cursor_getTranslationUnit(stmt);
        CXFile f;
        clang_getExpansionLocation(clang_getRangeStart(r), &f, NULL, NULL, NULL);
        return clang_getRange(clang_getRangeStart(r), clang_getLocationForOffset(tu, f, p + 1));
    }
    return r;
}

bool port_fix_remove_statement(struct port_diag *d, const struct port_source *src, CXCursor stmt,
                               CXCursor parent)
{
    CXSourceRange r = port_statement_range(src, stmt);
    if (clang_getCursorKind(parent) != CXCursor_CompoundStmt)
        return port_fix_replace(d, r, ";"); /* `if (x) call();` must keep a statement */
    unsigned b, e;
    if (!offsets(r, &b, &e))
        return false;
    unsigned ls = port_line_start(src, b), le = e;
    bool blank_before = true;
    for (unsigned i = ls; i < b; i++)
        if (src->text[i] != ' ' && src->text[i] != '\t')
            blank_before = false;
    while (le < src->len && (src->text[le] == ' ' || src->text[le] == '\t'))
        le++;
    if (!blank_before || (le < src->len && src->text[le] != '\n')) {
        /* Something else shares the line: take the statement and the blanks after it. */
        CXTranslationUnit tu = clang_Cursor_getTranslationUnit(stmt);
        CXFile f;
        clang_getExpansionLocation(clang_getRangeStart(r), &f, NULL, NULL, NULL);
        r = clang_getRange(clang_getRangeStart(r), clang_getLocationForOffset(tu, f, le));
    } else {
        /* The statement is the whole line: take the line with it. */
        CXTranslationUnit tu = clang_Cursor_getTranslationUnit(stmt);
        CXFile f;
        clang_getExpansionLocation(clang_getRangeStart(r), &f, NULL, NULL, NULL);
        unsigned end = le < src->len ? le + 1 : le;
        r = clang_getRange(clang_getLocationForOffset(tu, f, ls), clang_getLocationForOffset(tu, f, end));
    }
    return port_fix_replace(d, r, "");
}
