/* WPP trace records (include/openndis_wpp.h). Off until a level is set (`openndis run
 * --trace LEVEL`, or OPENNDIS_TRACE in the environment), as a WPP provider is silent until a
 * trace session enables it. Records go to stderr next to DbgPrint's output:
 *
 *     [wpp] INFO  MP_TRACE  NICInitializeAdapter:512 ---> HWInitialize
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ke.h"
#include "openndis_wpp.h"

struct ke_wpp_site {
    const char *function, *file;
    int line;
};

static atomic_int ke_wpp_level = -1; /* -1: not read from the environment yet; 0: off */

static const char *const ke_wpp_level_names[] = { "none", "critical", "error", "warning", "information", "verbose" };

bool ke_wpp_parse_level(const char *text, int *level)
{
    char *end;
    long n = strtol(text, &end, 10);
    if (*text && *end == '\0' && n >= 0 && n <= 5) {
        *level = (int)n;
        return true;
    }
    for (int i = 0; i <= 5; i++)
        if (strcasecmp(text, ke_wpp_level_names[i]) == 0 ||
            (strlen(text) >= 4 && strncasecmp(text, ke_wpp_level_names[i], strlen(text)) == 0)) {
            *level = i;
            return true;
        }
    if (strcasecmp(text, "off") == 0) {
        *level = 0;
        return true;
    }
    return false;
}

void ke_wpp_set_level(int level)
{
    atomic_store_explicit(&ke_wpp_level, level, memory_order_relaxed);
}

bool ke_wpp_level_from_env(char *err, size_t len)
{
    const char *env = getenv("OPENNDIS_TRACE");
    int level = 0;
    if (env != NULL && *env != '\0' && !ke_wpp_parse_level(env, &level)) { /* empty: unset */
        snprintf(err, len, "OPENNDIS_TRACE=%.64s is not a trace level: set it to off, critical, error, warning, "
                 "information, verbose or 0-5, or unset it", env);
        return false;
    }
    atomic_store_explicit(&ke_wpp_level, level, memory_order_relaxed);
    return true;
}

static int ke_wpp_current_level(void)
{
    int current = atomic_load_explicit(&ke_wpp_level, memory_order_relaxed);
    if (current < 0) { /* a host that did not ask ke_wpp_level_from_env: ask on first use */
        char err[160];
        if (!ke_wpp_level_from_env(err, sizeof err)) {
            fprintf(stderr, "openndis: %s (tracing stays off)\n", err);
            atomic_store_explicit(&ke_wpp_level, 0, memory_order_relaxed);
        }
        current = atomic_load_explicit(&ke_wpp_level, memory_order_relaxed);
    }
    return current;
}

BOOLEAN openndis_wpp_enabled(int level)
{
    int shown = ke_wpp_current_level();
    return shown != 0 && level <= shown;
}

VOID openndis_wpp_init(const char *control_guids, ...)
{
    if (ke_wpp_current_level() > 0)
        fprintf(stderr, "[wpp] tracing %s\n", control_guids && *control_guids ? control_guids : "(no control GUID)");
}

VOID openndis_wpp_cleanup(int unused, ...)
{
    (void)unused;
}

/* The WPP format extensions drivers use. An unknown one takes one argument slot (every
 * argument is passed in one on x86-64) and shows it in hex, so the rest stay aligned. */
static size_t ke_wpp_ext(char *out, size_t cap, const char *name, va_list *ap, void *ctx)
{
    const struct ke_wpp_site *site = ctx;
    int n;
    if (!strcmp(name, "FUNC")) {
        n = snprintf(out, cap, "%s", site->function);
    } else if (!strcmp(name, "LINE")) {
        n = snprintf(out, cap, "%d", site->line);
    } else if (!strcmp(name, "FILE")) {
        const char *slash = strrchr(site->file, '/');
        n = snprintf(out, cap, "%s", slash ? slash + 1 : site->file);
    } else if (!strcmp(name, "STATUS") || !strcmp(name, "NTSTATUS") || !strcmp(name, "NDIS_STATUS")) {
        int v = va_arg(*ap, int);
        const char *s = ke_status_name((NTSTATUS)v);
        n = s ? snprintf(out, cap, "%s (0x%08X)", s, (unsigned)v) : snprintf(out, cap, "0x%08X", (unsigned)v);
    } else if (!strcmp(name, "HRESULT")) {
        unsigned v = va_arg(*ap, unsigned);
        n = snprintf(out, cap, v == 0 ? "S_OK (0x%08X)" : "0x%08X", v);
    } else if (!strcmp(name, "bool") || !strcmp(name, "BOOLEAN") || !strcmp(name, "BOOL")) {
        n = snprintf(out, cap, "%s", va_arg(*ap, int) ? "TRUE" : "FALSE");
    } else if (!strcmp(name, "MACADDR")) {
        const UCHAR *m = va_arg(*ap, const UCHAR *);
        n = m ? snprintf(out, cap, "%02x-%02x-%02x-%02x-%02x-%02x", m[0], m[1], m[2], m[3], m[4], m[5])
              : snprintf(out, cap, "(null)");
    } else if (!strcmp(name, "IPADDR")) {
        /* an IPv4 address as a ULONG in network byte order */
        unsigned v = va_arg(*ap, unsigned);
        const UCHAR *b = (const UCHAR *)&v;
        n = snprintf(out, cap, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    } else if (!strcmp(name, "GUID")) {
        const GUID *g = va_arg(*ap, const GUID *);
        n = g ? snprintf(out, cap, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", (unsigned)g->Data1, g->Data2,
                         g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
                         g->Data4[6], g->Data4[7])
              : snprintf(out, cap, "(null)");
    } else {
        unsigned long long v = va_arg(*ap, unsigned long long);
        n = snprintf(out, cap, "%%!%s!=0x%llx", name, v);
    }
    return n > 0 ? (size_t)n : 0;
}

static const char *ke_wpp_level_tag(int level)
{
    static const char *const tags[] = { "NONE", "CRIT", "ERROR", "WARN", "INFO", "VERB" };
    return level >= 0 && level <= 5 ? tags[level] : "LEVEL?";
}

VOID openndis_wpp_trace(const char *macro, const char *flag, int level, const char *function, const char *file,
                        int line, const char *format, ...)
{
    (void)macro;
    if (!openndis_wpp_enabled(level))
        return;
    struct ke_wpp_site site = { function, file, line };
    char text[2048];
    va_list ap;
    va_start(ap, format);
    ke_vformat_ex(text, sizeof text, format, ap, false, ke_wpp_ext, &site);
    va_end(ap);
    size_t n = strlen(text);
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        text[--n] = '\0';
    fprintf(stderr, "[wpp] %-5s %-12s %s:%d %s\n", ke_wpp_level_tag(level), flag ? flag : "-", function, line, text);
}
