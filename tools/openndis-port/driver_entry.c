/* The seed page, rule by rule, on the driver's DriverEntry and unload routine:
 * NdisMInitializeWrapper, NdisMRegisterMiniport and NdisMRegisterUnloadHandler are gone;
 * NdisMRegisterMiniportDriver takes an NDIS_MINIPORT_DRIVER_CHARACTERISTICS and hands back a
 * handle the driver keeps; the unload handler is required and deregisters; NdisTerminateWrapper
 * is gone and every failure after a successful registration deregisters before returning.
 * Fix-its are offered only where the rewrite is mechanical and stays correct. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port.h"

#define PAGE_DRIVER_ENTRY "updating-the-driverentry-routine-for-an-ndis-6-0-miniport-driver"
#define PAGE_CHARS "updating-the-ndis-6-0-miniport-driver-characteristics-structure"
#define PAGE_UNLOAD "porting-miniport-driver-unload-operations-to-ndis-6-0"
#define PAGE_INTERRUPT "porting-miniport-driver-interrupt-operations-to-ndis-6-0"

/* NDIS 5.x characteristics members and what NDIS 6.0 has instead (porting guide). */
struct field_map {
    const char *ndis5, *ndis6, *role, *why;
};
static const struct field_map fields[] = {
    { "InitializeHandler", "InitializeHandlerEx", "MINIPORT_INITIALIZE", "MiniportInitializeEx takes NDIS_MINIPORT_INIT_PARAMETERS" },
    { "HaltHandler", "HaltHandlerEx", "MINIPORT_HALT", "MiniportHaltEx takes a HaltAction" },
    { "PnPEventNotifyHandler", "DevicePnPEventNotifyHandler", "MINIPORT_DEVICE_PNP_EVENT_NOTIFY", "MiniportDevicePnPEventNotify takes an NET_DEVICE_PNP_EVENT" },
    { "AdapterShutdownHandler", "ShutdownHandlerEx", "MINIPORT_SHUTDOWN", "MiniportShutdownEx takes a ShutdownAction" },
    { "CheckForHangHandler", "CheckForHangHandlerEx", "MINIPORT_CHECK_FOR_HANG", "MiniportCheckForHangEx replaces MiniportCheckForHang" },
    { "ResetHandler", "ResetHandlerEx", "MINIPORT_RESET", "MiniportResetEx replaces MiniportReset" },
    { "QueryInformationHandler", "OidRequestHandler", "MINIPORT_OID_REQUEST", "MiniportOidRequest handles queries and sets in one NDIS_OID_REQUEST" },
    { "SetInformationHandler", "OidRequestHandler", "MINIPORT_OID_REQUEST", "MiniportOidRequest handles queries and sets in one NDIS_OID_REQUEST" },
    { "SendPacketsHandler", "SendNetBufferListsHandler", "MINIPORT_SEND_NET_BUFFER_LISTS", "sends take NET_BUFFER_LISTs, not NDIS_PACKETs" },
    { "SendHandler", "SendNetBufferListsHandler", "MINIPORT_SEND_NET_BUFFER_LISTS", "sends take NET_BUFFER_LISTs, not NDIS_PACKETs" },
    { "ReturnPacketHandler", "ReturnNetBufferListsHandler", "MINIPORT_RETURN_NET_BUFFER_LISTS", "received NET_BUFFER_LISTs come back through MiniportReturnNetBufferLists" },
    { "CancelSendPacketsHandler", "CancelSendHandler", "MINIPORT_CANCEL_SEND", "MiniportCancelSend cancels NET_BUFFER_LISTs" },
    { "ISRHandler", NULL, NULL, "interrupt handlers move to NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, registered with NdisMRegisterInterruptEx (MiniportInterrupt)" },
    { "HandleInterruptHandler", NULL, NULL, "interrupt handlers move to NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, registered with NdisMRegisterInterruptEx (MiniportInterruptDPC)" },
    { "DisableInterruptHandler", NULL, NULL, "interrupt handlers move to NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS (MiniportDisableInterruptEx)" },
    { "EnableInterruptHandler", NULL, NULL, "interrupt handlers move to NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS (MiniportEnableInterruptEx)" },
    { "TransferDataHandler", NULL, NULL, "NDIS 6.0 has no transfer-data step: receives indicate whole NET_BUFFER_LISTs" },
    { "ReconfigureHandler", NULL, NULL, "NDIS 6.0 has no MiniportReconfigure" },
    { "AllocateCompleteHandler", NULL, NULL, "MiniportSharedMemoryAllocateComplete pairs with NdisMAllocateSharedMemoryAsyncEx" },
};

/* What NdisMRegisterMiniportDriver insists on: the table it checks. */
struct handler_role {
    const char *field, *role, *name;
    bool required;
};
#define NDIS_HANDLER(field, routine, type, rev, req) { #field, #type, #routine, req },
static const struct handler_role handlers[] = {
#include <ndis/miniport_handlers.def>
};
#undef NDIS_HANDLER
#define N_HANDLERS (sizeof handlers / sizeof handlers[0])

static const char *const register_calls[] = { "NdisMRegisterMiniport", "NdisMRegisterMiniportDriver", NULL };
static const char *const cleanup_calls[] = { "NdisTerminateWrapper", "NdisMDeregisterMiniportDriver", NULL };
static const char *const deregister_call[] = { "NdisMDeregisterMiniportDriver", NULL };

struct assignment {
    CXCursor stmt, parent, member, rhs;
    char *field;
};

struct entry {
    struct port_tu *t;
    CXCursor fn;
    CXCursor wrapper, wrapper_stmt, wrapper_parent;     /* NdisMInitializeWrapper */
    CXCursor reg, reg_stmt;                             /* the registration call */
    bool ndis5_register;
    CXCursor unload_reg, unload_reg_stmt, unload_reg_parent; /* NdisMRegisterUnloadHandler */
    CXCursor chars_decl;                                /* NDIS 5 characteristics variable */
    struct assignment *as;
    size_t nas;
    /* the rewrite's vocabulary */
    char *handle, *driver_object, *registry_path, *chars_base, *chars_access;
    CXCursor handle_decl;
    char *indent;
    /* members set by the characteristics variable's initializer: `= { .PauseHandler = P }` */
    char *init_field[64], *init_value[64];
    size_t ninit;
    bool init_positional; /* an initializer without designators: members unknown */
};

/* ---- small text helpers ---- */

static char *text_of(struct entry *e, CXCursor c)
{
    return port_text(&e->t->src, clang_getCursorExtent(c));
}

static CXCursor arg(CXCursor call, unsigned i)
{
    int n = clang_Cursor_getNumArguments(call);
    return (int)i < n ? clang_Cursor_getArgument(call, i) : clang_getNullCursor();
}

static CXSourceLocation at_offset(struct entry *e, unsigned offset)
{
    CXFile f = clang_getFile(e->t->tu, e->t->src.path);
    return clang_getLocationForOffset(e->t->tu, f, offset);
}


/* ---- gathering ---- */

struct gather {
    struct entry *e;
    CXCursor stack[64];
    int depth;
};

static bool is_ndis5_chars_type(CXType t)
{
    CXType c = clang_getCanonicalType(t);
    CXString s = clang_getTypeSpelling(c);
    bool yes = strstr(clang_getCString(s), "_NDIS51_MINIPORT_CHARACTERISTICS") != NULL;
    clang_disposeString(s);
    return yes;
}

static bool holds_statements(CXCursor c)
{
    switch (clang_getCursorKind(c)) {
    case CXCursor_CompoundStmt: case CXCursor_IfStmt: case CXCursor_WhileStmt:
    case CXCursor_ForStmt: case CXCursor_DoStmt: case CXCursor_LabelStmt:
    case CXCursor_CaseStmt: case CXCursor_DefaultStmt: case CXCursor_SwitchStmt:
        return true;
    default:
        return false;
    }
}

/* The statement around the current node (the nearest ancestor whose parent holds statements)
 * and that parent. */
static void statement_of(struct gather *g, CXCursor *stmt, CXCursor *parent)
{
    for (int i = g->depth - 1; i > 0; i--) {
        if (holds_statements(g->stack[i - 1])) {
            *stmt = g->stack[i];
            *parent = g->stack[i - 1];
            return;
        }
    }
    *stmt = g->stack[0];
    *parent = g->e->fn;
}

static void gather_node(struct gather *g, CXCursor c)
{
    struct entry *e = g->e;
    CXCursor stmt, parent;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_CallExpr) {
        char *name = port_callee_name(c);
        statement_of(g, &stmt, &parent);
        if (!name) {
        } else if (!strcmp(name, "NdisMInitializeWrapper") && clang_Cursor_isNull(e->wrapper)) {
            e->wrapper = c;
            e->wrapper_stmt = stmt;
            e->wrapper_parent = parent;
        } else if ((!strcmp(name, "NdisMRegisterMiniport") || !strcmp(name, "NdisMRegisterMiniportDriver")) &&
                   clang_Cursor_isNull(e->reg)) {
            e->reg = c;
            e->reg_stmt = stmt;
            e->ndis5_register = !strcmp(name, "NdisMRegisterMiniport");
        } else if (!strcmp(name, "NdisMRegisterUnloadHandler") && clang_Cursor_isNull(e->unload_reg)) {
            e->unload_reg = c;
            e->unload_reg_stmt = stmt;
            e->unload_reg_parent = parent;
        }
        free(name);
    } else if (k == CXCursor_VarDecl && is_ndis5_chars_type(clang_getCursorType(c))) {
        e->chars_decl = c;
    } else if (k == CXCursor_BinaryOperator) {
        CXCursor *kids;
        size_t n = port_children(c, &kids);
        char *op = n == 2 ? port_binary_op(c) : NULL;
        CXCursor lhs = n == 2 ? port_strip(kids[0]) : c;
        if (op && !strcmp(op, "=") && clang_getCursorKind(lhs) == CXCursor_MemberRefExpr) {
            CXCursor field = clang_getCursorReferenced(lhs);
            CXCursor record = clang_getCursorSemanticParent(field);
            CXString rs = clang_getTypeSpelling(clang_getCanonicalType(clang_getCursorType(record)));
            bool ndis5 = strstr(clang_getCString(rs), "_NDIS51_MINIPORT_CHARACTERISTICS") != NULL;
            bool ndis6 = strstr(clang_getCString(rs), "_NDIS_MINIPORT_DRIVER_CHARACTERISTICS") != NULL;
            clang_disposeString(rs);
            if (ndis5 || ndis6) {
                e->as = realloc(e->as, (e->nas + 1) * sizeof *e->as);
                struct assignment *a = &e->as[e->nas++];
                statement_of(g, &a->stmt, &a->parent);
                a->member = lhs;
                a->rhs = kids[1];
                a->field = port_spelling(field);
            }
        }
        free(op);
        free(kids);
    }
}

static void gather(struct gather *g, CXCursor c)
{
    CXCursor *kids;
    size_t n = port_children(c, &kids);
    for (size_t i = 0; i < n; i++) {
        bool pushed = g->depth < 64; /* deeper than that, statements are found from depth 64 up */
        if (pushed)
            g->stack[g->depth++] = kids[i];
        gather_node(g, kids[i]);
        gather(g, kids[i]);
        if (pushed)
            g->depth--;
    }
    free(kids);
}

/* ---- NDIS 6 handler roles ---- */

struct roles {
    char *name[64];
    CXType type[64];
    size_t n;
    char *fn_name[256];
    CXType fn_type[256];
    char *fn_role[256]; /* the role type it was declared with (`MINIPORT_PAUSE MPPause;`) */
    bool fn_used[256];  /* already set in the characteristics */
    size_t nfn;
};

static enum CXChildVisitResult collect_roles(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    struct roles *r = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    char *name = port_spelling(c);
    if (k == CXCursor_TypedefDecl && !strncmp(name, "MINIPORT_", 9) && r->n < 64) {
        CXType t = clang_getCanonicalType(clang_getTypedefDeclUnderlyingType(c));
        if (t.kind == CXType_FunctionProto) {
            r->name[r->n] = name;
            r->type[r->n++] = t;
            return CXChildVisit_Continue;
        }
    } else if (k == CXCursor_FunctionDecl && port_in_main_file(c) && r->nfn < 256) {
        CXType t = clang_getCursorType(c);
        CXString ts = clang_getTypeSpelling(t);
        char *role = t.kind == CXType_Typedef ? strdup(clang_getCString(ts)) : NULL;
        clang_disposeString(ts);
        size_t i = 0;
        while (i < r->nfn && strcmp(r->fn_name[i], name))
            i++;
        if (i == r->nfn) {
            r->fn_name[r->nfn] = name;
            r->fn_type[r->nfn] = clang_getCanonicalType(t);
            r->fn_role[r->nfn++] = NULL;
        } else {
            free(name);
        }
        if (role && !r->fn_role[i])
            r->fn_role[i] = role;
        else
            free(role);
        return CXChildVisit_Continue;
    }
    free(name);
    return CXChildVisit_Continue;
}

static const CXType *role_type(const struct roles *r, const char *role)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->name[i], role))
            return &r->type[i];
    return NULL;
}

static bool fn_has_role(const struct roles *r, CXCursor fn, const char *role)
{
    const CXType *t = role_type(r, role);
    return t && clang_equalTypes(clang_getCanonicalType(clang_getCursorType(fn)), *t);
}

/* The one function in the file for a role, or NULL (none, or ambiguous). A function declared
 * with the role type wins; otherwise the signature decides, among functions the driver has
 * not already registered for another role (MiniportCancelSend and MiniportCancelOidRequest
 * share one). */
static const char *only_candidate(const struct roles *r, const char *role, size_t *count)
{
    const CXType *t = role_type(r, role);
    const char *found = NULL;
    *count = 0;
    for (size_t i = 0; i < r->nfn; i++)
        if (r->fn_role[i] && !strcmp(r->fn_role[i], role)) {
            found = r->fn_name[i];
            (*count)++;
        }
    if (*count)
        return *count == 1 ? found : NULL;
    for (size_t i = 0; t && i < r->nfn; i++)
        if (!r->fn_used[i] && !r->fn_role[i] && clang_equalTypes(r->fn_type[i], *t)) {
            found = r->fn_name[i];
            (*count)++;
        }
    return *count == 1 ? found : NULL;
}

static void mark_used(struct roles *r, CXCursor fn)
{
    if (clang_Cursor_isNull(fn))
        return;
    char *name = port_spelling(fn);
    for (size_t i = 0; i < r->nfn; i++)
        if (!strcmp(r->fn_name[i], name))
            r->fn_used[i] = true;
    free(name);
}

static void roles_free(struct roles *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->name[i]);
    for (size_t i = 0; i < r->nfn; i++) {
        free(r->fn_name[i]);
        free(r->fn_role[i]);
    }
}

/* ---- the rewrite's vocabulary ---- */

static char *strip_address_of(struct entry *e, CXCursor a, CXCursor *decl)
{
    CXCursor s = port_strip(a);
    *decl = clang_getNullCursor();
    if (clang_getCursorKind(s) == CXCursor_UnaryOperator) {
        char *op = port_binary_op(s);
        CXCursor *k;
        size_t n = port_children(s, &k);
        char *r = NULL;
        if (op && !strcmp(op, "&") && n == 1) {
            r = text_of(e, k[0]);
            CXCursor inner = port_strip(k[0]);
            if (clang_getCursorKind(inner) == CXCursor_DeclRefExpr)
                *decl = clang_getCursorReferenced(inner);
        }
        free(op);
        free(k);
        if (r)
            return r;
    }
    return NULL;
}

static void vocabulary(struct entry *e)
{
    CXCursor decl;
    if (!clang_Cursor_isNull(e->wrapper)) {
        e->handle = strip_address_of(e, arg(e->wrapper, 0), &decl);
        e->handle_decl = decl;
        e->driver_object = text_of(e, arg(e->wrapper, 1));
        e->registry_path = text_of(e, arg(e->wrapper, 2));
    }
    if (!e->handle && !clang_Cursor_isNull(e->reg)) {
        if (e->ndis5_register) {
            CXCursor h = port_strip(arg(e->reg, 0));
            e->handle = text_of(e, h);
            if (clang_getCursorKind(h) == CXCursor_DeclRefExpr)
                e->handle_decl = clang_getCursorReferenced(h);
        } else {
            e->handle = strip_address_of(e, arg(e->reg, 4), &decl);
            e->handle_decl = decl;
        }
    }
    if (!e->driver_object || !e->registry_path) {
        CXCursor *k;
        size_t n = port_children(e->fn, &k), p = 0;
        for (size_t i = 0; i < n; i++)
            if (clang_getCursorKind(k[i]) == CXCursor_ParmDecl) {
                char **dst = p == 0 ? &e->driver_object : p == 1 ? &e->registry_path : NULL;
                if (dst && !*dst)
                    *dst = port_spelling(k[i]);
                p++;
            }
        free(k);
    }
    if (!clang_Cursor_isNull(e->reg)) {
        CXCursor c = arg(e->reg, e->ndis5_register ? 1 : 3);
        char *base = strip_address_of(e, c, &decl);
        if (base) {
            e->chars_base = base;
            e->chars_access = ".";
        } else if (!clang_Cursor_isNull(c)) {
            e->chars_base = text_of(e, port_strip(c));
            e->chars_access = "->";
        }
        unsigned off = port_offset(clang_getRangeStart(clang_getCursorExtent(e->reg_stmt)));
        e->indent = port_line_indent(&e->t->src, off);
    }
}

static bool handle_is_local(struct entry *e)
{
    if (clang_Cursor_isNull(e->handle_decl))
        return false;
    return clang_getCursorKind(clang_getCursorSemanticParent(e->handle_decl)) != CXCursor_TranslationUnit;
}

static const struct field_map *field_of(const char *name)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!strcmp(fields[i].ndis5, name))
            return &fields[i];
    return NULL;
}

static bool initialized(struct entry *e, const char *field)
{
    for (size_t i = 0; i < e->ninit; i++)
        if (!strcmp(e->init_field[i], field))
            return true;
    return false;
}

static const char *init_value_of(struct entry *e, const char *field)
{
    for (size_t i = 0; i < e->ninit; i++)
        if (!strcmp(e->init_field[i], field))
            return e->init_value[i];
    return NULL;
}

static CXCursor function_named(struct entry *e, const char *name)
{
    CXCursor *k, found = clang_getNullCursor();
    size_t n = port_children(clang_getTranslationUnitCursor(e->t->tu), &k);
    for (size_t i = 0; name && i < n; i++) {
        if (clang_getCursorKind(k[i]) != CXCursor_FunctionDecl)
            continue;
        char *s = port_spelling(k[i]);
        if (!strcmp(s, name) && (clang_Cursor_isNull(found) || clang_isCursorDefinition(k[i])))
            found = k[i];
        free(s);
    }
    free(k);
    return found;
}

/* Designated members of the characteristics' initializer, read from the declaration's tokens
 * (libclang does not expose designators, and an initializer with an error in it is dropped
 * from the AST): `.Field = Name` records Name when it is a lone identifier. */
static void gather_initializer(struct entry *e)
{
    if (clang_Cursor_isNull(e->reg))
        return;
    CXCursor decl;
    char *base = strip_address_of(e, arg(e->reg, e->ndis5_register ? 1 : 3), &decl);
    free(base);
    if (clang_Cursor_isNull(decl) || clang_getCursorKind(decl) != CXCursor_VarDecl)
        return;
    CXTranslationUnit tu = e->t->tu;
    CXToken *t;
    unsigned nt;
    clang_tokenize(tu, clang_getCursorExtent(decl), &t, &nt);
    char **sp = calloc(nt + 1, sizeof *sp);
    for (unsigned j = 0; j < nt; j++) {
        CXString x = clang_getTokenSpelling(tu, t[j]);
        sp[j] = strdup(clang_getCString(x));
        clang_disposeString(x);
    }
    unsigned start = 0;
    while (start + 1 < nt && !(strcmp(sp[start], "=") == 0 && strcmp(sp[start + 1], "{") == 0))
        start++;
    int depth = 0;
    for (unsigned j = start + 1; start + 1 < nt && j < nt; j++) {
        if (!strcmp(sp[j], "{") || !strcmp(sp[j], "("))
            depth++;
        else if (!strcmp(sp[j], "}") || !strcmp(sp[j], ")"))
            depth--;
        /* a top-level entry that is not `.Member = ...` (nor a lone 0): positional */
        if (depth == 1 && (!strcmp(sp[j - 1], "{") || !strcmp(sp[j - 1], ",")) && strcmp(sp[j], ".") &&
            strcmp(sp[j], "}") && strcmp(sp[j], "0"))
            e->init_positional = true;
        if (!strcmp(sp[j], ".") && j + 2 < nt && !strcmp(sp[j + 2], "=") && e->ninit < 64) {
            e->init_field[e->ninit] = strdup(sp[j + 1]);
            bool lone = j + 4 < nt && (!strcmp(sp[j + 4], ",") || !strcmp(sp[j + 4], "}"));
            e->init_value[e->ninit++] = lone ? strdup(sp[j + 3]) : NULL;
        }
    }
    for (unsigned j = 0; j < nt; j++)
        free(sp[j]);
    free(sp);
    clang_disposeTokens(tu, t, nt);
}

static struct assignment *assigned(struct entry *e, const char *field)
{
    for (size_t i = 0; i < e->nas; i++)
        if (!strcmp(e->as[i].field, field))
            return &e->as[i];
    return NULL;
}

static CXCursor rhs_function(CXCursor rhs)
{
    CXCursor r = port_strip(rhs);
    if (clang_getCursorKind(r) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(r);
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl)
            return d;
    }
    return clang_getNullCursor();
}

/* The member name's range inside `x.Field` / `p->Field`: the last token. */
static CXSourceRange member_name_range(struct entry *e, CXCursor member)
{
    CXToken *toks;
    unsigned n;
    clang_tokenize(e->t->tu, clang_getCursorExtent(member), &toks, &n);
    CXSourceRange r = n ? clang_getTokenExtent(e->t->tu, toks[n - 1]) : clang_getNullRange();
    clang_disposeTokens(e->t->tu, toks, n);
    return r;
}

/* ---- diagnostics ---- */

static void insert_before_register(struct entry *e, struct port_diag *d, const char *line)
{
    unsigned off = port_line_start(&e->t->src, port_offset(clang_getRangeStart(clang_getCursorExtent(e->reg_stmt))));
    char *text = port_format("%s%s\n", e->indent, line);
    port_fix_insert(d, at_offset(e, off), text);
    free(text);
}

static void insert_before_function(struct entry *e, struct port_diag *d, const char *text)
{
    unsigned off = port_line_start(&e->t->src, port_offset(clang_getRangeStart(clang_getCursorExtent(e->fn))));
    port_fix_insert(d, at_offset(e, off), text);
}

static void check_wrapper(struct entry *e)
{
    if (clang_Cursor_isNull(e->wrapper))
        return;
    struct port_diag *d = port_diag(e->t->report, PORT_WARNING, "port-initialize-wrapper", PAGE_DRIVER_ENTRY, e->wrapper,
                                    "NdisMInitializeWrapper is eliminated in NDIS 6.0: DriverObject and RegistryPath go straight to NdisMRegisterMiniportDriver");
    port_fix_remove_statement(d, &e->t->src, e->wrapper_stmt, e->wrapper_parent);
    if (handle_is_local(e)) {
        port_note(d, e->handle_decl, "the driver handle must outlive DriverEntry (MiniportDriverUnload deregisters with it): the rewrite keeps it in a new global, %s", e->handle);
        char *g = port_format("/* NdisMRegisterMiniportDriver's handle, for NdisMDeregisterMiniportDriver (openndis port) */\nstatic NDIS_HANDLE %s;\n\n", e->handle);
        insert_before_function(e, d, g);
        free(g);
    } else if (e->handle) {
        port_note(d, e->handle_decl, "%s now receives the handle NdisMRegisterMiniportDriver returns; NdisMDeregisterMiniportDriver takes it", e->handle);
    }
}

static void check_characteristics_decl(struct entry *e)
{
    if (clang_Cursor_isNull(e->chars_decl))
        return;
    struct port_diag *d = port_diag(e->t->report, PORT_WARNING, "port-characteristics", PAGE_CHARS, e->chars_decl,
                                    "NDIS_MINIPORT_CHARACTERISTICS is NDIS 5.x: NDIS 6.0 registers an NDIS_MINIPORT_DRIVER_CHARACTERISTICS, which starts with an NDIS_OBJECT_HEADER (type, revision, size)");
    CXCursor *k;
    size_t n = port_children(e->chars_decl, &k);
    for (size_t i = 0; i < n; i++)
        if (clang_getCursorKind(k[i]) == CXCursor_TypeRef) {
            char *name = port_spelling(k[i]);
            port_fix_replace(d, clang_getCursorExtent(k[i]),
                             name[0] == 'P' ? "PNDIS_MINIPORT_DRIVER_CHARACTERISTICS" : "NDIS_MINIPORT_DRIVER_CHARACTERISTICS");
            free(name);
            break;
        }
    free(k);
}

static void check_version(struct entry *e, struct assignment *a, int want)
{
    CXEvalResult r = clang_Cursor_Evaluate(a->rhs);
    long long v = -1;
    if (r && clang_EvalResult_getKind(r) == CXEval_Int)
        v = clang_EvalResult_getAsLongLong(r);
    if (r)
        clang_EvalResult_dispose(r);
    if (v == want)
        return;
    struct port_diag *d = port_diag(e->t->report, PORT_WARNING, "port-characteristics", PAGE_CHARS, a->stmt,
                                    "%s is %lld: an NDIS 6.0 miniport says %d", a->field, v, want);
    char num[8];
    snprintf(num, sizeof num, "%d", want);
    port_fix_replace(d, clang_getCursorExtent(a->rhs), num);
}

static bool provides(struct entry *e, const char *ndis6_field, const bool *fixed)
{
    if (assigned(e, ndis6_field))
        return true;
    for (size_t i = 0; i < e->nas; i++) {
        const struct field_map *fm = field_of(e->as[i].field);
        if (fm && fm->ndis6 && !strcmp(fm->ndis6, ndis6_field) && fixed[i])
            return true;
    }
    return false;
}

static void check_handler(struct entry *e, const struct roles *roles, size_t idx, bool *fixed)
{
    struct assignment *a = &e->as[idx];
    const struct field_map *fm = field_of(a->field);
    CXCursor fn = rhs_function(a->rhs);
    char *fname = clang_Cursor_isNull(fn) ? text_of(e, a->rhs) : port_spelling(fn);
    if (!fm->ndis6) {
        struct port_diag *d = port_diag(e->t->report, PORT_WARNING, "port-handler",
                                        strncmp(fm->why, "interrupt", 9) ? PAGE_CHARS : PAGE_INTERRUPT, a->stmt,
                                        "%s is not in NDIS_MINIPORT_DRIVER_CHARACTERISTICS: %s", a->field, fm->why);
        if (!clang_Cursor_isNull(fn))
            port_note(d, clang_getCursorDefinition(fn).kind ? clang_getCursorDefinition(fn) : fn,
                      "%s is an NDIS 5.x handler", fname);
        free(fname);
        return;
    }
    bool pair = !strcmp(fm->ndis6, "OidRequestHandler");
    bool second_of_pair = false;
    if (pair)
        for (size_t i = 0; i < idx; i++) {
            const struct field_map *o = field_of(e->as[i].field);
            if (o && o->ndis6 && !strcmp(o->ndis6, "OidRequestHandler"))
                second_of_pair = true;
        }
    struct port_diag *d = port_diag(e->t->report, PORT_WARNING, "port-handler", PAGE_CHARS, a->stmt,
                                    "%s is NDIS 5.x: NDIS 6.0 uses %s (%s)", a->field, fm->ndis6, fm->why);
    if (assigned(e, fm->ndis6)) {
        port_note(d, assigned(e, fm->ndis6)->stmt, "%s is already set here: drop the NDIS 5.x member", fm->ndis6);
        free(fname);
        return;
    }
    size_t count;
    const char *cand = only_candidate(roles, fm->role, &count);
    if (!clang_Cursor_isNull(fn) && fn_has_role(roles, fn, fm->role) && !second_of_pair) {
        port_note(d, fn, "%s already has the %s signature", fname, fm->role);
        port_fix_replace(d, member_name_range(e, a->member), fm->ndis6);
        fixed[idx] = true;
    } else if (second_of_pair && cand) {
        port_note(d, clang_getNullCursor(), "%s takes queries and sets alike; the first OID member's rewrite points it at %s", fm->ndis6, cand);
        port_fix_remove_statement(d, &e->t->src, a->stmt, a->parent);
        fixed[idx] = true;
    } else if (cand) {
        port_note(d, clang_getNullCursor(), "%s has the %s signature: the rewrite uses it instead of %s", cand, fm->role, fname);
        port_fix_replace(d, member_name_range(e, a->member), fm->ndis6);
        port_fix_replace(d, clang_getCursorExtent(a->rhs), cand);
        fixed[idx] = true;
    } else {
        CXCursor def = clang_Cursor_isNull(fn) ? fn : clang_getCursorDefinition(fn);
        port_note(d, clang_Cursor_isNull(def) ? fn : def, "rewrite %s as a %s%s", fname, fm->role,
                  count > 1 ? " (several functions have that signature; set the member by hand)" : "");
    }
    free(fname);
}

static void check_register(struct entry *e)
{
    if (clang_Cursor_isNull(e->reg) || !e->ndis5_register)
        return;
    struct port_diag *d = port_diag(e->t->report, PORT_WARNING, "port-register-miniport", PAGE_DRIVER_ENTRY, e->reg,
                                    "NdisMRegisterMiniport is eliminated in NDIS 6.0: call NdisMRegisterMiniportDriver with the driver object, the registry path, an NDIS_MINIPORT_DRIVER_CHARACTERISTICS and an NDIS_HANDLE the driver keeps");
    if (!e->handle || !e->chars_base || !e->driver_object || !e->registry_path) {
        port_note(d, clang_getNullCursor(), "no mechanical rewrite: the handle, characteristics or DriverEntry parameters could not be told from the source");
        return;
    }
    char *call = port_format("NdisMRegisterMiniportDriver(%s, %s, NULL, &%s, &%s)", e->driver_object, e->registry_path,
                     e->chars_base, e->handle);
    if (!strcmp(e->chars_access, "->")) {
        free(call);
        call = port_format("NdisMRegisterMiniportDriver(%s, %s, NULL, %s, &%s)", e->driver_object, e->registry_path,
                   e->chars_base, e->handle);
    }
    port_fix_replace(d, clang_getCursorExtent(e->reg), call);
    free(call);
    const char *C = e->chars_base, *A = e->chars_access;
    char *l[3] = {
        port_format("%s%sHeader.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;", C, A),
        port_format("%s%sHeader.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;", C, A),
        port_format("%s%sHeader.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;", C, A),
    };
    for (int i = 0; i < 3; i++) {
        insert_before_register(e, d, l[i]);
        free(l[i]);
    }
    if (!assigned(e, "MajorNdisVersion")) {
        char *v = port_format("%s%sMajorNdisVersion = 6;", C, A);
        insert_before_register(e, d, v);
        free(v);
    }
    if (!assigned(e, "MinorNdisVersion")) {
        char *v = port_format("%s%sMinorNdisVersion = 0;", C, A);
        insert_before_register(e, d, v);
        free(v);
    }
}

/* Handlers NDIS 6 requires that no NDIS 5 member maps to: registered from the file when one
 * function fits the role, else listed as work to do. */
static void check_required(struct entry *e, const struct roles *roles, const bool *fixed)
{
    if (clang_Cursor_isNull(e->reg) || !e->chars_base)
        return;
    const char *C = e->chars_base, *A = e->chars_access;
    if (e->init_positional || e->t->parse_errors)
        return; /* `= { 0, x, y }`, or code the front end could not read: absence is unknown */
    for (size_t i = 0; i < N_HANDLERS; i++) {
        const struct handler_role *h = &handlers[i];
        /* The unload handler has a rule of its own (port-unload-handler). */
        if (!h->required || !strcmp(h->field, "UnloadHandler") || provides(e, h->field, fixed) ||
            initialized(e, h->field))
            continue;
        bool mapped = false;
        for (size_t i = 0; i < e->nas; i++) {
            const struct field_map *fm = field_of(e->as[i].field);
            mapped |= fm && fm->ndis6 && !strcmp(fm->ndis6, h->field);
        }
        if (mapped)
            continue; /* reported at that member */
        size_t count;
        const char *cand = only_candidate(roles, h->role, &count);
        struct port_diag *q = port_diag(e->t->report, PORT_WARNING, "port-required-handler", PAGE_CHARS, e->reg,
                                        "NDIS 6.0 requires %s (%s)%s", h->name, h->field,
                                        cand ? "" : ": the driver has no such function yet");
        if (cand) {
            port_note(q, clang_getNullCursor(), "%s has the %s signature: the rewrite registers it", cand, h->role);
            char *line = port_format("%s%s%s = %s;", C, A, h->field, cand);
            insert_before_register(e, q, line);
            free(line);
        } else {
            port_note(q, clang_getNullCursor(), "write a %s%s and set %s%s%s", h->role,
                      count > 1 ? " (several candidates have that signature)" : "", C, A, h->field);
        }
    }
}

/* `if (Handle != NULL) NdisMDeregisterMiniportDriver(Handle);`, or netvmini's
 * `if (GlobalData.Flags & fGLOBAL_MINIPORT_REGISTERED)`: a deregistration under a condition
 * is taken to mean "when registered" — NDIS calls MiniportDriverUnload only after a successful
 * registration. Paths that return before reaching such an `if` are still reported. */
static bool conditional_deregistration(const struct port_flow *f)
{
    bool any = false;
    for (size_t i = 0; i < f->n; i++) {
        const struct port_flow_event *ev = &f->ev[i];
        if (ev->kind != EV_CLEANUP_CALL)
            continue;
        if (clang_Cursor_isNull(ev->guard))
            return false;
        any = true;
    }
    return any;
}

static bool returns_before_guard(const struct port_flow *f)
{
    /* an early return that no cleanup `if` precedes: its statement comes before them all */
    unsigned first_guard = ~0u;
    for (size_t i = 0; i < f->n; i++)
        if (f->ev[i].kind == EV_CLEANUP_CALL) {
            unsigned o = port_offset(clang_getCursorLocation(f->ev[i].guard));
            if (o < first_guard)
                first_guard = o;
        }
    for (size_t i = 0; i < f->n; i++)
        if (f->ev[i].kind == EV_RETURN && !f->ev[i].cleaned) {
            if (port_offset(clang_getCursorLocation(f->ev[i].cursor)) < first_guard)
                return true;
        }
    return false;
}

static void check_unload_body(struct entry *e, CXCursor unload)
{
    CXCursor def = clang_getCursorDefinition(unload);
    char *name = port_spelling(unload);
    if (clang_Cursor_isNull(def) || !port_in_main_file(def)) {
        free(name);
        return; /* defined in another file: `openndis port` that file too */
    }
    struct port_flow f;
    port_flow_run(def, (const char *const[]){ NULL }, deregister_call, &f);
    size_t calls = 0;
    for (size_t i = 0; i < f.n; i++)
        calls += f.ev[i].kind == EV_CLEANUP_CALL;
    if (calls == 0) {
        struct port_diag *d = port_diag(e->t->report, PORT_WARNING, "port-unload-deregister", PAGE_DRIVER_ENTRY, def,
                                        "%s is the driver's MiniportDriverUnload but never calls NdisMDeregisterMiniportDriver", name);
        if (e->handle) {
            CXCursor *k;
            size_t n = port_children(def, &k);
            for (size_t i = 0; i < n; i++)
                if (clang_getCursorKind(k[i]) == CXCursor_CompoundStmt) {
                    unsigned open = port_offset(clang_getRangeStart(clang_getCursorExtent(k[i])));
                    char *ins = port_format("\n    NdisMDeregisterMiniportDriver(%s);", e->handle);
                    port_fix_insert(d, at_offset(e, open + 1), ins);
                    free(ins);
                }
            free(k);
        }
    } else if (!conditional_deregistration(&f) || returns_before_guard(&f)) {
        for (size_t i = 0; i < f.n; i++) {
            struct port_flow_event *ev = &f.ev[i];
            if ((ev->kind == EV_RETURN || ev->kind == EV_FALL_OFF) && !ev->cleaned)
                port_diag(e->t->report, PORT_WARNING, "port-unload-deregister", PAGE_DRIVER_ENTRY,
                          ev->kind == EV_RETURN ? ev->cursor : def,
                          "%s can return here without calling NdisMDeregisterMiniportDriver", name);
        }
    }
    port_flow_free(&f);
    free(name);
}

static void check_unload(struct entry *e, struct roles *roles)
{
    CXCursor unload = clang_getNullCursor();
    if (!clang_Cursor_isNull(e->unload_reg)) {
        struct port_diag *d = port_diag(e->t->report, PORT_WARNING, "port-unload-handler", PAGE_UNLOAD, e->unload_reg,
                                        "NdisMRegisterUnloadHandler is eliminated in NDIS 6.0: the unload routine is the MiniportDriverUnload member (UnloadHandler) of the characteristics");
        unload = rhs_function(arg(e->unload_reg, 1));
        char *u = text_of(e, arg(e->unload_reg, 1));
        if (u && e->chars_base && !clang_Cursor_isNull(e->reg)) {
            port_fix_remove_statement(d, &e->t->src, e->unload_reg_stmt, e->unload_reg_parent);
            char *line = port_format("%s%sUnloadHandler = %s;", e->chars_base, e->chars_access, u);
            insert_before_register(e, d, line);
            free(line);
        }
        free(u);
    } else if (assigned(e, "UnloadHandler")) {
        unload = rhs_function(assigned(e, "UnloadHandler")->rhs);
    } else if (initialized(e, "UnloadHandler")) {
        unload = function_named(e, init_value_of(e, "UnloadHandler"));
    } else if (e->init_positional || e->t->parse_errors) {
        /* a positional initializer, or code the front end could not read: it may be there */
    } else if (!clang_Cursor_isNull(e->reg)) {
        const char *name = "DriverUnload";
        for (size_t i = 0; i < roles->nfn; i++)
            if (!strcmp(roles->fn_name[i], name))
                name = "OpenNdisPortDriverUnload";
        struct port_diag *d = port_diag(e->t->report, PORT_WARNING, "port-unload-handler", PAGE_DRIVER_ENTRY, e->reg,
                                        "NDIS 6.0 miniports must register an unload handler (MiniportDriverUnload) and it must call NdisMDeregisterMiniportDriver; this driver has none");
        if (e->handle && e->chars_base) {
            port_note(d, clang_getNullCursor(), "the rewrite adds %s, which deregisters; move the driver's own global cleanup into it", name);
            char *fn = port_format("/* NDIS 6.0 requires an unload handler, and it deregisters (openndis port). */\n"
                           "static MINIPORT_UNLOAD %s;\n\n"
                           "static VOID %s(PDRIVER_OBJECT DriverObject)\n{\n"
                           "    UNREFERENCED_PARAMETER(DriverObject);\n"
                           "    NdisMDeregisterMiniportDriver(%s);\n}\n\n",
                           name, name, e->handle);
            insert_before_function(e, d, fn);
            free(fn);
            char *line = port_format("%s%sUnloadHandler = %s;", e->chars_base, e->chars_access, name);
            insert_before_register(e, d, line);
            free(line);
        }
    }
    if (!clang_Cursor_isNull(unload))
        check_unload_body(e, unload);
}

/* ---- every path through DriverEntry ---- */

static bool reg_live(enum port_reg r)
{
    return r == REG_OK || r == REG_PENDING;
}

static void check_cleanup_call(struct entry *e, struct port_flow *f, size_t first)
{
    struct port_flow_event *ev = &f->ev[first];
    char *name = port_callee_name(ev->cursor);
    bool is_terminate = name && !strcmp(name, "NdisTerminateWrapper");
    free(name);
    bool live = false, dead = false;
    for (size_t i = first; i < f->n; i++)
        if (f->ev[i].kind == EV_CLEANUP_CALL && port_cursor_equal(f->ev[i].cursor, ev->cursor)) {
            if (f->ev[i].reg == REG_PENDING)
                live = dead = true;
            else if (f->ev[i].reg == REG_OK)
                live = true;
            else
                dead = true;
        }
    if (!is_terminate)
        return;
    struct port_diag *d = port_diag(e->t->report, PORT_WARNING, "port-terminate-wrapper", PAGE_DRIVER_ENTRY, ev->cursor,
                                    "NdisTerminateWrapper is not called in NDIS 6.0: %s",
                                    live && !dead ? "after a successful registration, call NdisMDeregisterMiniportDriver instead"
                                    : !live ? "it is reached only when registration did not succeed, and then there is nothing to undo"
                                            : "reached both with and without a registration: deregister only when NdisMRegisterMiniportDriver succeeded");
    if (!e->handle)
        return;
    CXCursor stmt = ev->stmt, parent = ev->parent;
    bool whole_statement = port_cursor_equal(stmt, ev->cursor);
    if (live && !dead) {
        char *call = port_format("NdisMDeregisterMiniportDriver(%s)", e->handle);
        port_fix_replace(d, clang_getCursorExtent(ev->cursor), call);
        free(call);
    } else if (!live) {
        if (whole_statement)
            port_fix_remove_statement(d, &e->t->src, stmt, parent);
    } else if (whole_statement) {
        char *s = port_format("if (%s != NULL) NdisMDeregisterMiniportDriver(%s);", e->handle, e->handle);
        port_fix_replace(d, port_statement_range(&e->t->src, stmt), s);
        free(s);
    }
}

static void check_return(struct entry *e, struct port_flow *f, size_t first)
{
    struct port_flow_event *ev = &f->ev[first];
    bool bad = false, unknown = false, success_here = false, cleaned_here = false, unregistered_here = false;
    for (size_t i = first; i < f->n; i++) {
        struct port_flow_event *o = &f->ev[i];
        if (o->kind != EV_RETURN || !port_cursor_equal(o->cursor, ev->cursor))
            continue;
        if (reg_live(o->reg) && o->returns != 0 && !o->cleaned) {
            bad = true;
            unknown |= o->returns == 2;
        } else if (reg_live(o->reg) && o->returns == 0 && !o->cleaned) {
            success_here = true;
        } else if (o->cleaned) {
            cleaned_here = true;
        } else {
            unregistered_here = true;
        }
    }
    if (!bad)
        return;
    char *what = NULL;
    CXCursor *k;
    size_t n = port_children(ev->cursor, &k);
    CXCursor value = n ? k[0] : clang_getNullCursor();
    free(k);
    what = clang_Cursor_isNull(value) ? strdup("") : text_of(e, value);
    char *fn = port_spelling(e->fn);
    struct port_diag *d = port_diag(e->t->report, PORT_WARNING, "port-missing-deregister", PAGE_DRIVER_ENTRY, ev->cursor,
                                    "%s %s here after a successful registration without calling NdisMDeregisterMiniportDriver",
                                    fn, unknown ? "may fail" : "fails");
    free(fn);
    if (!clang_Cursor_isNull(e->reg))
        port_note(d, e->reg, "the registration that succeeded on this path");
    if (e->handle && what) {
        bool plain_var = !clang_Cursor_isNull(value) && clang_getCursorKind(port_strip(value)) == CXCursor_DeclRefExpr;
        char *fix = NULL;
        if (!success_here && !cleaned_here && !unregistered_here && !unknown)
            fix = port_format("{ NdisMDeregisterMiniportDriver(%s); return %s; }", e->handle, what);
        else if (!cleaned_here && plain_var)
            fix = port_format("{ if (!NT_SUCCESS(%s) && %s != NULL) NdisMDeregisterMiniportDriver(%s); return %s; }", what,
                      e->handle, e->handle, what);
        if (fix)
            port_fix_replace(d, port_statement_range(&e->t->src, ev->cursor), fix);
        else
            port_note(d, clang_getNullCursor(), "no mechanical rewrite: this return is also reached %s",
                      cleaned_here ? "after a cleanup call" : "on paths that must not deregister");
        free(fix);
    }
    free(what);
}

/* NdisTerminateWrapper, NdisMDeregisterMiniportDriver, and the file's own functions that call
 * the latter (tap-windows6's DriverEntry cleans up through TapDriverUnload). */
static size_t cleanup_names(struct entry *e, const char **names, size_t cap)
{
    size_t n = 0;
    for (const char *const *c = cleanup_calls; *c && n + 1 < cap; c++)
        names[n++] = *c;
    CXCursor *k;
    size_t nk = port_children(clang_getTranslationUnitCursor(e->t->tu), &k);
    for (size_t i = 0; i < nk && n + 1 < cap; i++) {
        if (clang_getCursorKind(k[i]) != CXCursor_FunctionDecl || !clang_isCursorDefinition(k[i]) ||
            !port_in_main_file(k[i]) || port_cursor_equal(k[i], e->fn))
            continue;
        if (port_calls(k[i], deregister_call))
            names[n++] = port_spelling(k[i]);
    }
    free(k);
    names[n] = NULL;
    return n;
}

static void check_flow(struct entry *e)
{
    struct port_flow f;
    const char *names[64];
    size_t nnames = cleanup_names(e, names, 64);
    port_flow_run(e->fn, register_calls, names, &f);
    for (size_t i = 0; i < f.n; i++) {
        bool first = true;
        for (size_t j = 0; j < i; j++)
            if (f.ev[j].kind == f.ev[i].kind && port_cursor_equal(f.ev[j].cursor, f.ev[i].cursor))
                first = false;
        if (!first)
            continue;
        if (f.ev[i].kind == EV_CLEANUP_CALL)
            check_cleanup_call(e, &f, i);
        else if (f.ev[i].kind == EV_RETURN)
            check_return(e, &f, i);
    }
    if (f.truncated)
        port_diag(e->t->report, PORT_NOTE, "port-flow-limit", NULL, e->fn,
                  "this routine has too many paths to follow them all; the deregistration check is partial");
    port_flow_free(&f);
    for (size_t i = sizeof cleanup_calls / sizeof *cleanup_calls - 1; i < nnames; i++)
        free((char *)names[i]); /* the file's own functions, after the fixed names */
}

static void check_build_defines(struct port_tu *t)
{
    CXCursor *k;
    size_t n = port_children(clang_getTranslationUnitCursor(t->tu), &k);
    for (size_t i = 0; i < n; i++) {
        if (clang_getCursorKind(k[i]) != CXCursor_MacroDefinition || !port_in_main_file(k[i]))
            continue;
        char *name = port_spelling(k[i]);
        if (!strcmp(name, "NDIS50_MINIPORT") || !strcmp(name, "NDIS51_MINIPORT") || !strcmp(name, "NDIS40_MINIPORT")) {
            struct port_diag *d = port_diag(t->report, PORT_WARNING, "port-build-define",
                                            "summary-of-changes-required-to-port-a-miniport-driver-to-ndis-6-0", k[i],
                                            "%s selects NDIS 5.x: an NDIS 6.0 miniport builds with NDIS60_MINIPORT", name);
            CXSourceLocation b = clang_getCursorLocation(k[i]);
            CXFile f;
            unsigned off;
            clang_getSpellingLocation(b, &f, NULL, NULL, &off);
            port_fix_replace(d, clang_getRange(b, clang_getLocationForOffset(t->tu, f, off + (unsigned)strlen(name))),
                             "NDIS60_MINIPORT");
        }
        free(name);
    }
    free(k);
}

/* DriverEntry, or a routine it delegates the registration to (`DriverEntry5`, `MpRegister`):
 * the seed page's rules apply to whichever function registers. */
bool port_is_registration_routine(CXCursor fn)
{
    if (clang_getCursorKind(fn) != CXCursor_FunctionDecl || !clang_isCursorDefinition(fn))
        return false;
    char *name = port_spelling(fn);
    bool yes = !strcmp(name, "DriverEntry");
    free(name);
    return yes || port_calls(fn, register_calls);
}

static void check_routine(struct port_tu *t, CXCursor fn)
{
    struct entry e = { .t = t, .fn = fn };
    e.wrapper = e.reg = e.unload_reg = e.chars_decl = e.handle_decl = clang_getNullCursor();
    struct gather g = { .e = &e };
    gather(&g, e.fn);
    vocabulary(&e);
    gather_initializer(&e);
    if (handle_is_local(&e)) {
        free(e.handle);
        e.handle = strdup("NdisMiniportDriverHandle");
    }
    struct roles roles = { 0 };
    clang_visitChildren(clang_getTranslationUnitCursor(t->tu), collect_roles, &roles);
    for (size_t i = 0; i < e.nas; i++)
        mark_used(&roles, rhs_function(e.as[i].rhs));

    check_wrapper(&e);
    check_characteristics_decl(&e);
    bool *fixed = calloc(e.nas + 1, sizeof *fixed);
    for (size_t i = 0; i < e.nas; i++) {
        if (!strcmp(e.as[i].field, "MajorNdisVersion") && e.ndis5_register)
            check_version(&e, &e.as[i], 6);
        else if (!strcmp(e.as[i].field, "MinorNdisVersion") && e.ndis5_register)
            check_version(&e, &e.as[i], 0);
        else if (field_of(e.as[i].field))
            check_handler(&e, &roles, i, fixed);
    }
    check_register(&e);
    check_required(&e, &roles, fixed);
    check_unload(&e, &roles);
    check_flow(&e);

    free(fixed);
    for (size_t i = 0; i < e.nas; i++)
        free(e.as[i].field);
    free(e.as);
    free(e.handle);
    free(e.driver_object);
    free(e.registry_path);
    free(e.chars_base);
    free(e.indent);
    for (size_t i = 0; i < e.ninit; i++) {
        free(e.init_field[i]);
        free(e.init_value[i]);
    }
    roles_free(&roles);
}

void port_check_driver_entry(struct port_tu *t)
{
    check_build_defines(t);
    CXCursor *k;
    size_t n = port_children(clang_getTranslationUnitCursor(t->tu), &k);
    for (size_t i = 0; i < n; i++)
        if (port_in_main_file(k[i]) && port_is_registration_routine(k[i]))
            check_routine(t, k[i]);
    free(k);
}
