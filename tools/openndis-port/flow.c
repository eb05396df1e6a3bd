/* Control flow through one function: a small CFG built from the libclang AST, explored path
 * by path with just enough state to answer the seed page's question — after a successful
 * registration, does every failing return deregister first?
 *
 * The state is the registration (none, pending, succeeded, failed), whether a cleanup call ran,
 * and a few variables' values in a tiny domain (unknown, zero, non-zero, the registration's
 * status, a constant). A condition with one unknown is evaluated twice, with STATUS_SUCCESS and
 * with a failure status, which is how `if (Status != NDIS_STATUS_SUCCESS)`, `!NT_SUCCESS(x)` and
 * `if (NdisMRegisterMiniport(...) == 0)` split the paths, macros expanded. Everything else takes
 * both branches. Loops are finite because (node, state) pairs are visited once. */
#include <stdlib.h>
#include <string.h>

#include "port.h"

#define FAIL_VALUE ((long long)(int)0xC0000001) /* NDIS_STATUS_FAILURE as an int */
#define MAX_VARS 8
#define MAX_STATES 50000

enum node_kind { N_STMT, N_COND, N_RETURN, N_EXIT, N_JUMP, N_NONDET };

struct node {
    enum node_kind kind;
    CXCursor c, parent;
    int next, alt; /* COND: next when true, alt when false */
    int *succ;     /* NONDET */
    CXCursor *labels_of; /* NONDET of a switch: the case/default statement of each successor */
    size_t nsucc;
    char *label; /* JUMP to a label: resolved after the build */
    CXCursor guard; /* the innermost `if` the statement is under, or null */
};

struct label {
    char *name;
    int node;
};

enum vkind { V_UNKNOWN, V_ZERO, V_NONZERO, V_REG, V_CONST };

struct var {
    CXCursor decl;
    enum vkind k;
    long long v;
};

struct state {
    int node;
    enum port_reg reg;
    bool cleaned;
    int nvars;
    struct var vars[MAX_VARS];
};

struct cfg {
    struct node *n;
    size_t count, cap;
    struct label *labels;
    size_t nlabels, caplabels;
    int *cases; /* the innermost switch's case entries while its body is built */
    CXCursor *case_stmts;
    size_t ncases, capcases, capcase_stmts;
    bool has_default;
    CXCursor cur_if;
    const char *const *reg_names, *const *clean_names;
    struct state *seen;
    size_t nseen, capseen;
    struct port_flow *out;
};

static int new_node(struct cfg *g, enum node_kind k, CXCursor c, CXCursor parent, int next)
{
    g->n = port_reserve(g->n, &g->cap, g->count + 1, sizeof *g->n);
    struct node *n = &g->n[g->count];
    memset(n, 0, sizeof *n);
    n->kind = k;
    n->c = c;
    n->parent = parent;
    n->next = next;
    n->alt = -1;
    n->guard = g->cur_if;
    return (int)g->count++;
}

static bool name_in(const char *name, const char *const *list)
{
    for (; name && *list; list++)
        if (strcmp(name, *list) == 0)
            return true;
    return false;
}

/* ---- building ---- */

static void add_case(struct cfg *g, int entry, CXCursor stmt)
{
    g->cases = port_reserve(g->cases, &g->capcases, g->ncases + 1, sizeof *g->cases);
    g->case_stmts = port_reserve(g->case_stmts, &g->capcase_stmts, g->ncases + 1, sizeof *g->case_stmts);
    g->cases[g->ncases] = entry;
    g->case_stmts[g->ncases++] = stmt;
}

static int build(struct cfg *g, CXCursor c, CXCursor parent, int next, int brk, int cont);

static int build_seq(struct cfg *g, CXCursor *kids, size_t n, CXCursor parent, int next, int brk,
                     int cont)
{
    for (size_t i = n; i-- > 0;)
        next = build(g, kids[i], parent, next, brk, cont);
    return next;
}

static int build(struct cfg *g, CXCursor c, CXCursor parent, int next, int brk, int cont)
{
    CXCursor *k;
    size_t n = port_children(c, &k);
    int entry;
    switch (clang_getCursorKind(c)) {
    case CXCursor_CompoundStmt:
        entry = build_seq(g, k, n, c, next, brk, cont);
        break;
    case CXCursor_IfStmt: {
        CXCursor outer_if = g->cur_if;
        g->cur_if = c;
        int t = n > 1 ? build(g, k[1], c, next, brk, cont) : next;
        int f = n > 2 ? build(g, k[2], c, next, brk, cont) : next;
        g->cur_if = outer_if;
        entry = new_node(g, N_COND, k[0], c, t);
        g->n[entry].alt = f;
        break;
    }
    case CXCursor_WhileStmt: {
        entry = new_node(g, N_COND, n ? k[0] : c, c, -1);
        g->n[entry].alt = next;
        int body = n > 1 ? build(g, k[n - 1], c, entry, next, entry) : entry;
        g->n[entry].next = body;
        break;
    }
    case CXCursor_DoStmt: {
        int cond = new_node(g, N_COND, n > 1 ? k[1] : c, c, -1);
        g->n[cond].alt = next;
        int body = n ? build(g, k[0], c, cond, next, cond) : cond;
        g->n[cond].next = body;
        entry = body;
        break;
    }
    case CXCursor_ForStmt: { /* header parts are not told apart by libclang: 0..n iterations */
        entry = new_node(g, N_NONDET, c, parent, next);
        int body = n ? build(g, k[n - 1], c, entry, next, entry) : entry;
        g->n[entry].succ = malloc(2 * sizeof(int));
        g->n[entry].succ[0] = body;
        g->n[entry].succ[1] = next;
        g->n[entry].nsucc = 2;
        break;
    }
    case CXCursor_SwitchStmt: {
        int *outer = g->cases;
        CXCursor *outer_stmts = g->case_stmts;
        size_t nouter = g->ncases, outer_cap = g->capcases, outer_cap_stmts = g->capcase_stmts;
        bool outer_default = g->has_default;
        g->cases = NULL;
        g->case_stmts = NULL;
        g->ncases = g->capcases = g->capcase_stmts = 0;
        g->has_default = false;
        if (n > 1)
            build(g, k[n - 1], c, next, next, cont);
        entry = new_node(g, N_NONDET, n ? k[0] : c, parent, next);
        if (!g->has_default) /* no default: a value no case names goes past the switch */
            add_case(g, next, c);
        g->n[entry].succ = g->cases;
        g->n[entry].labels_of = g->case_stmts;
        g->n[entry].nsucc = g->ncases;
        g->cases = outer;
        g->case_stmts = outer_stmts;
        g->ncases = nouter;
        g->capcases = outer_cap;
        g->capcase_stmts = outer_cap_stmts;
        g->has_default = outer_default;
        break;
    }
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
        entry = n ? build(g, k[n - 1], c, next, brk, cont) : next;
        if (clang_getCursorKind(c) == CXCursor_DefaultStmt)
            g->has_default = true;
        add_case(g, entry, c);
        break;
    case CXCursor_LabelStmt:
        entry = n ? build(g, k[0], c, next, brk, cont) : next;
        g->labels = port_reserve(g->labels, &g->caplabels, g->nlabels + 1, sizeof *g->labels);
        g->labels[g->nlabels].name = port_spelling(c);
        g->labels[g->nlabels++].node = entry;
        break;
    case CXCursor_GotoStmt:
        entry = new_node(g, N_JUMP, c, parent, -1);
        g->n[entry].label = n ? port_spelling(k[0]) : NULL;
        break;
    case CXCursor_BreakStmt:
        entry = new_node(g, N_JUMP, c, parent, brk);
        break;
    case CXCursor_ContinueStmt:
        entry = new_node(g, N_JUMP, c, parent, cont);
        break;
    case CXCursor_ReturnStmt:
        entry = new_node(g, N_RETURN, c, parent, -1);
        break;
    default:
        entry = new_node(g, N_STMT, c, parent, next);
        break;
    }
    free(k);
    return entry;
}

/* ---- values ---- */

static struct var *var_of(struct state *s, CXCursor decl, bool add)
{
    for (int i = 0; i < s->nvars; i++)
        if (port_cursor_equal(s->vars[i].decl, decl))
            return &s->vars[i];
    if (!add || s->nvars == MAX_VARS)
        return NULL;
    struct var *v = &s->vars[s->nvars++];
    v->decl = decl;
    v->k = V_UNKNOWN;
    v->v = 0;
    return v;
}

static bool is_var(CXCursor decl)
{
    enum CXCursorKind k = clang_getCursorKind(decl);
    return k == CXCursor_VarDecl || k == CXCursor_ParmDecl;
}

/* The one unknown a condition may depend on: a variable, or the registration call itself. */
struct binding {
    bool reg;         /* the symbol is the registration's status */
    CXCursor decl;    /* else this variable */
    long long value;
    bool bound;
};

static bool no_refs(CXCursor c, CXCursor parent, void *ctx)
{
    (void)parent;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_CallExpr || (k == CXCursor_DeclRefExpr && is_var(clang_getCursorReferenced(c)))) {
        *(bool *)ctx = false;
        return false;
    }
    return true;
}

static bool constant(CXCursor e, long long *out)
{
    bool pure = clang_getCursorKind(e) != CXCursor_CallExpr;
    if (pure)
        port_walk(e, no_refs, &pure);
    if (!pure)
        return false;
    CXEvalResult r = clang_Cursor_Evaluate(e);
    if (!r)
        return false;
    bool ok = clang_EvalResult_getKind(r) == CXEval_Int;
    if (ok)
        *out = clang_EvalResult_getAsLongLong(r);
    clang_EvalResult_dispose(r);
    return ok;
}

static bool eval(struct cfg *g, CXCursor e, struct state *s, const struct binding *b, long long *out);

static bool var_value(struct state *s, CXCursor decl, const struct binding *b, long long *out)
{
    struct var *v = var_of(s, decl, false);
    enum vkind k = v ? v->k : V_UNKNOWN;
    switch (k) {
    case V_ZERO: *out = 0; return true;
    case V_NONZERO: *out = FAIL_VALUE; return true;
    case V_CONST: *out = v->v; return true;
    case V_REG:
        if (b && b->bound && b->reg) {
            *out = b->value;
            return true;
        }
        return false;
    default:
        if (b && b->bound && !b->reg && port_cursor_equal(b->decl, decl)) {
            *out = b->value;
            return true;
        }
        return false;
    }
}

static bool eval(struct cfg *g, CXCursor e, struct state *s, const struct binding *b, long long *out)
{
    e = port_strip(e);
    if (constant(e, out))
        return true;
    CXCursor *k;
    size_t n = port_children(e, &k);
    bool ok = false;
    long long x, y;
    switch (clang_getCursorKind(e)) {
    case CXCursor_DeclRefExpr: {
        CXCursor d = clang_getCursorReferenced(e);
        if (clang_getCursorKind(d) == CXCursor_EnumConstantDecl) {
            *out = clang_getEnumConstantDeclValue(d);
            ok = true;
        } else if (is_var(d)) {
            ok = var_value(s, d, b, out);
        }
        break;
    }
    case CXCursor_CallExpr: {
        char *name = port_callee_name(e);
        if (name_in(name, g->reg_names) && b && b->bound && b->reg) {
            *out = b->value;
            ok = true;
        } else if (name && !strncmp(name, "NT_", 3) && clang_Cursor_getNumArguments(e) == 1 &&
                   eval(g, clang_Cursor_getArgument(e, 0), s, b, &x)) {
            unsigned long sev = ((unsigned long)x & 0xffffffffUL) >> 30;
            ok = true;
            if (!strcmp(name, "NT_SUCCESS"))
                *out = (int)x >= 0;
            else if (!strcmp(name, "NT_ERROR"))
                *out = sev == 3;
            else if (!strcmp(name, "NT_WARNING"))
                *out = sev == 2;
            else if (!strcmp(name, "NT_INFORMATION"))
                *out = sev == 1;
            else
                ok = false;
        }
        free(name);
        break;
    }
    case CXCursor_UnaryOperator: {
        char *op = port_binary_op(e);
        if (op && n == 1 && eval(g, k[0], s, b, &x)) {
            ok = true;
            if (!strcmp(op, "!"))
                *out = !x;
            else if (!strcmp(op, "-"))
                *out = -x;
            else if (!strcmp(op, "~"))
                *out = ~x;
            else if (!strcmp(op, "+"))
                *out = x;
            else
                ok = false;
        }
        free(op);
        break;
    }
    case CXCursor_BinaryOperator: {
        char *op = port_binary_op(e);
        if (op && n == 2 && eval(g, k[0], s, b, &x) && eval(g, k[1], s, b, &y)) {
            ok = true;
            if (!strcmp(op, "=="))
                *out = x == y;
            else if (!strcmp(op, "!="))
                *out = x != y;
            else if (!strcmp(op, "<"))
                *out = x < y;
            else if (!strcmp(op, ">"))
                *out = x > y;
            else if (!strcmp(op, "<="))
                *out = x <= y;
            else if (!strcmp(op, ">="))
                *out = x >= y;
            else if (!strcmp(op, "&&"))
                *out = x && y;
            else if (!strcmp(op, "||"))
                *out = x || y;
            else if (!strcmp(op, "&"))
                *out = x & y;
            else if (!strcmp(op, "|"))
                *out = x | y;
            else
                ok = false;
        }
        free(op);
        break;
    }
    default:
        break;
    }
    free(k);
    return ok;
}

/* ---- effects of one statement ---- */

struct effects {
    struct cfg *g;
    struct state *s;
    int node;
};

static void record(struct cfg *g, int kind, CXCursor c, CXCursor stmt, CXCursor parent,
                   const struct state *s, int returns)
{
    struct port_flow *f = g->out;
    for (size_t i = 0; i < f->n; i++) {
        struct port_flow_event *e = &f->ev[i];
        if ((int)e->kind == kind && port_cursor_equal(e->cursor, c) && e->reg == s->reg &&
            e->cleaned == s->cleaned && e->returns == returns)
            return;
    }
    f->ev = port_reserve(f->ev, &f->cap, f->n + 1, sizeof *f->ev);
    f->ev[f->n++] = (struct port_flow_event){ .kind = kind, .cursor = c, .stmt = stmt, .parent = parent,
                                              .guard = g->n[s->node].guard,
                                              .reg = s->reg, .cleaned = s->cleaned,
                                              .returns = returns };
}

static void assign(struct cfg *g, struct state *s, CXCursor decl, CXCursor rhs)
{
    struct var *v = var_of(s, decl, true);
    if (!v)
        return;
    CXCursor r = port_strip(rhs);
    char *callee = port_callee_name(r);
    long long value;
    if (name_in(callee, g->reg_names)) {
        v->k = V_REG;
    } else if (eval(g, r, s, NULL, &value)) {
        v->k = value == 0 ? V_ZERO : V_CONST;
        v->v = value;
    } else if (clang_getCursorKind(r) == CXCursor_DeclRefExpr && var_of(s, clang_getCursorReferenced(r), false)) {
        *v = *var_of(s, clang_getCursorReferenced(r), false);
        v->decl = decl;
    } else {
        v->k = V_UNKNOWN;
    }
    free(callee);
}

static void effect(struct effects *x, CXCursor c)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_CallExpr) {
        char *name = port_callee_name(c);
        if (name_in(name, x->g->reg_names) && x->s->reg == REG_NONE) {
            x->s->reg = REG_PENDING;
            x->s->cleaned = false;
        } else if (name_in(name, x->g->clean_names)) {
            record(x->g, EV_CLEANUP_CALL, c, x->g->n[x->node].c, x->g->n[x->node].parent, x->s, 0);
            x->s->cleaned = true;
        }
        free(name);
    } else if (k == CXCursor_BinaryOperator) {
        CXCursor *kids;
        size_t n = port_children(c, &kids);
        char *op = n == 2 ? port_binary_op(c) : NULL;
        CXCursor lhs = n == 2 ? port_strip(kids[0]) : c;
        if (op && !strcmp(op, "=") && clang_getCursorKind(lhs) == CXCursor_DeclRefExpr &&
            is_var(clang_getCursorReferenced(lhs)))
            assign(x->g, x->s, clang_getCursorReferenced(lhs), kids[1]);
        free(op);
        free(kids);
    } else if (k == CXCursor_CompoundAssignOperator || k == CXCursor_UnaryOperator) {
        /* `x += 1`, `x++`, `&x` (the address passed to a call that sets it): x's value is no
         * longer the one last assigned. */
        CXCursor *kids;
        size_t n = port_children(c, &kids);
        char *op = k == CXCursor_UnaryOperator ? port_binary_op(c) : NULL;
        CXCursor target = n ? port_strip(kids[0]) : c;
        /* `&x` by its type, since a macro argument (NdisZeroMemory(&x, ...)) has no tokens. */
        CXType t = clang_getCanonicalType(clang_getCursorType(c));
        bool address_of = n == 1 && t.kind == CXType_Pointer &&
                          clang_equalTypes(clang_getCanonicalType(clang_getPointeeType(t)),
                                           clang_getCanonicalType(clang_getCursorType(kids[0])));
        bool changes = k == CXCursor_CompoundAssignOperator || address_of ||
                       (op && (!strcmp(op, "++") || !strcmp(op, "--")));
        if (changes && clang_getCursorKind(target) == CXCursor_DeclRefExpr &&
            is_var(clang_getCursorReferenced(target))) {
            struct var *v = var_of(x->s, clang_getCursorReferenced(target), true);
            if (v)
                v->k = V_UNKNOWN;
        }
        free(op);
        free(kids);
    } else if (k == CXCursor_VarDecl) {
        CXCursor *kids;
        size_t n = port_children(c, &kids);
        for (size_t i = 0; i < n; i++)
            if (clang_isExpression(clang_getCursorKind(kids[i])))
                assign(x->g, x->s, c, kids[i]);
        free(kids);
    }
}

/* Calls run before the assignment that stores their result: visit children first. */
static void effects_of(struct effects *x, CXCursor c)
{
    CXCursor *kids;
    size_t n = port_children(c, &kids);
    for (size_t i = 0; i < n; i++)
        effects_of(x, kids[i]);
    free(kids);
    effect(x, c);
}

/* ---- exploration ---- */

static bool seen_before(struct cfg *g, const struct state *s)
{
    for (size_t i = 0; i < g->nseen; i++) {
        const struct state *o = &g->seen[i];
        if (o->node != s->node || o->reg != s->reg || o->cleaned != s->cleaned || o->nvars != s->nvars)
            continue;
        bool same = true;
        for (int v = 0; v < s->nvars && same; v++)
            same = port_cursor_equal(o->vars[v].decl, s->vars[v].decl) && o->vars[v].k == s->vars[v].k &&
                   o->vars[v].v == s->vars[v].v;
        if (same)
            return true;
    }
    g->seen = port_reserve(g->seen, &g->capseen, g->nseen + 1, sizeof *g->seen);
    g->seen[g->nseen++] = *s;
    return false;
}

static void refine(struct state *s, const struct binding *b)
{
    bool success = b->value == 0;
    if (b->reg) {
        if (s->reg == REG_PENDING)
            s->reg = success ? REG_OK : REG_FAILED;
        for (int i = 0; i < s->nvars; i++)
            if (s->vars[i].k == V_REG)
                s->vars[i].k = success ? V_ZERO : V_NONZERO;
    } else {
        struct var *v = var_of(s, b->decl, true);
        if (v)
            v->k = success ? V_ZERO : V_NONZERO;
    }
}

struct symbols {
    struct cfg *g;
    struct state *s;
    int count;
    struct binding b;
};

static void note_symbol(struct symbols *y, bool reg, CXCursor decl)
{
    if (y->count > 0 && y->b.reg == reg && (reg || port_cursor_equal(y->b.decl, decl)))
        return;
    y->count++;
    y->b.reg = reg;
    y->b.decl = decl;
}

/* The unknowns a condition's value depends on. Arguments of calls do not count (a call's
 * value is unknown anyway), except for the registration (its value is the status) and the
 * NT_SUCCESS family (their value is their argument's). */
static void find_symbols(struct symbols *y, CXCursor c)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_CallExpr) {
        char *name = port_callee_name(c);
        bool recurse = name && !strncmp(name, "NT_", 3);
        if (name_in(name, y->g->reg_names))
            note_symbol(y, true, clang_getNullCursor());
        free(name);
        if (!recurse)
            return;
    } else if (k == CXCursor_UnaryExpr) { /* sizeof, alignof */
        return;
    } else if (k == CXCursor_DeclRefExpr && is_var(clang_getCursorReferenced(c))) {
        CXCursor d = clang_getCursorReferenced(c);
        struct var *v = var_of(y->s, d, false);
        if (!v || v->k == V_UNKNOWN)
            note_symbol(y, false, d);
        else if (v->k == V_REG)
            note_symbol(y, true, clang_getNullCursor());
        return;
    }
    CXCursor *kids;
    size_t n = port_children(c, &kids);
    for (size_t i = 0; i < n; i++)
        find_symbols(y, kids[i]);
    free(kids);
}

static void explore(struct cfg *g, struct state s);

static void go(struct cfg *g, const struct state *s, int node)
{
    if (node < 0)
        return;
    struct state t = *s;
    t.node = node;
    explore(g, t);
}

static void explore_cond(struct cfg *g, struct state *s, struct node *n)
{
    struct effects x = { g, s, s->node };
    effects_of(&x, n->c);
    struct symbols y = { g, s, 0, { 0 } };
    CXCursor cond = n->c;
    find_symbols(&y, cond);
    long long v0, v1;
    if (y.count == 0 && eval(g, cond, s, NULL, &v0)) {
        go(g, s, v0 ? n->next : n->alt);
        return;
    }
    if (y.count == 1) {
        struct binding ok = y.b, bad = y.b;
        ok.bound = bad.bound = true;
        ok.value = 0;
        bad.value = FAIL_VALUE;
        /* The two values stand for success and failure; when both take one branch the test
         * is not of that kind (`x == TRUE`, `Count > 4`) and both branches stay possible. */
        if (eval(g, cond, s, &ok, &v0) && eval(g, cond, s, &bad, &v1) && !v0 != !v1) {
            struct state a = *s, b = *s;
            refine(&a, &ok);
            refine(&b, &bad);
            go(g, &a, v0 ? n->next : n->alt);
            go(g, &b, v1 ? n->next : n->alt);
            return;
        }
    }
    go(g, s, n->next);
    go(g, s, n->alt);
}

/* `switch (Status = NdisMRegisterMiniport(...))`: a case of 0 is the success, any other case
 * a failure, and the default (or no case) a failure when a case of 0 exists. */
static void explore_switch(struct cfg *g, struct state *s, struct node *n)
{
    struct effects x = { g, s, s->node };
    effects_of(&x, n->c);
    struct symbols y = { g, s, 0, { 0 } };
    find_symbols(&y, n->c);
    bool has_zero = false;
    long long v;
    for (size_t i = 0; i < n->nsucc; i++) {
        CXCursor *k;
        size_t nk = port_children(n->labels_of[i], &k);
        if (clang_getCursorKind(n->labels_of[i]) == CXCursor_CaseStmt && nk && constant(port_strip(k[0]), &v) && v == 0)
            has_zero = true;
        free(k);
    }
    for (size_t i = 0; i < n->nsucc; i++) {
        struct state t = *s;
        struct binding b = y.b;
        b.bound = true;
        CXCursor *k;
        size_t nk = port_children(n->labels_of[i], &k);
        bool is_case = clang_getCursorKind(n->labels_of[i]) == CXCursor_CaseStmt;
        if (y.count == 1 && is_case && nk && constant(port_strip(k[0]), &v)) {
            b.value = v == 0 ? 0 : FAIL_VALUE;
            refine(&t, &b);
        } else if (y.count == 1 && !is_case && has_zero) {
            b.value = FAIL_VALUE;
            refine(&t, &b);
        }
        free(k);
        go(g, &t, n->succ[i]);
    }
}

static void explore_return(struct cfg *g, struct state *s, struct node *n)
{
    struct effects x = { g, s, s->node };
    effects_of(&x, n->c);
    CXCursor *k;
    size_t nk = port_children(n->c, &k);
    int returns = 0;
    if (nk > 0) {
        CXCursor e = port_strip(k[0]);
        char *callee = port_callee_name(e);
        struct var *v = clang_getCursorKind(e) == CXCursor_DeclRefExpr
                            ? var_of(s, clang_getCursorReferenced(e), false)
                            : NULL;
        bool is_reg = name_in(callee, g->reg_names) || (v && v->k == V_REG);
        free(callee);
        long long value;
        if (is_reg && s->reg == REG_PENDING) {
            /* Returning the registration's own status: success stays registered, failure
             * has nothing to undo. */
            struct state a = *s, b = *s;
            a.reg = REG_OK;
            b.reg = REG_FAILED;
            record(g, EV_RETURN, n->c, n->c, n->parent, &a, 0);
            record(g, EV_RETURN, n->c, n->c, n->parent, &b, 1);
            free(k);
            return;
        }
        if (eval(g, e, s, NULL, &value))
            returns = value == 0 ? 0 : 1;
        else
            returns = 2;
    }
    free(k);
    record(g, EV_RETURN, n->c, n->c, n->parent, s, returns);
}

static void explore(struct cfg *g, struct state s)
{
    while (s.node >= 0) {
        if (g->nseen >= MAX_STATES) {
            g->out->truncated = true;
            return;
        }
        if (seen_before(g, &s))
            return;
        struct node *n = &g->n[s.node];
        switch (n->kind) {
        case N_STMT: {
            struct effects x = { g, &s, s.node };
            effects_of(&x, n->c);
            s.node = n->next;
            break;
        }
        case N_JUMP:
            s.node = n->next;
            break;
        case N_COND:
            explore_cond(g, &s, n);
            return;
        case N_NONDET:
            if (n->labels_of)
                explore_switch(g, &s, n);
            else
                for (size_t i = 0; i < n->nsucc; i++)
                    go(g, &s, n->succ[i]);
            return;
        case N_RETURN:
            explore_return(g, &s, n);
            return;
        case N_EXIT:
            record(g, EV_FALL_OFF, n->c, n->c, n->parent, &s, 0);
            return;
        }
    }
}

void port_flow_run(CXCursor fn, const char *const *register_names,
                   const char *const *cleanup_names, struct port_flow *out)
{
    struct cfg g = { .reg_names = register_names, .clean_names = cleanup_names, .out = out,
                     .cur_if = clang_getNullCursor() };
    memset(out, 0, sizeof *out);
    CXCursor *k;
    size_t n = port_children(fn, &k);
    CXCursor body = clang_getNullCursor();
    for (size_t i = 0; i < n; i++)
        if (clang_getCursorKind(k[i]) == CXCursor_CompoundStmt)
            body = k[i];
    free(k);
    if (clang_Cursor_isNull(body))
        return;
    int exit = new_node(&g, N_EXIT, fn, fn, -1);
    int entry = build(&g, body, fn, exit, -1, -1);
    for (size_t i = 0; i < g.count; i++) {
        struct node *nd = &g.n[i];
        if (nd->kind != N_JUMP || !nd->label)
            continue;
        for (size_t l = 0; l < g.nlabels; l++)
            if (strcmp(g.labels[l].name, nd->label) == 0)
                nd->next = g.labels[l].node;
    }
    struct state s = { .node = entry, .reg = REG_NONE };
    explore(&g, s);
    for (size_t i = 0; i < g.count; i++) {
        free(g.n[i].label);
        free(g.n[i].succ);
        free(g.n[i].labels_of);
    }
    for (size_t l = 0; l < g.nlabels; l++)
        free(g.labels[l].name);
    free(g.labels);
    free(g.n);
    free(g.seen);
}

void port_flow_free(struct port_flow *f)
{
    free(f->ev);
    memset(f, 0, sizeof *f);
}
