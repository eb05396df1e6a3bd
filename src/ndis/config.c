/* Configuration: what a driver reads with NdisReadConfiguration comes from a parameter file
 * (INI: [driver], [adapter] for every adapter, [adapter.N] for adapter N; keys are
 * case-insensitive) and a driver's INF, loaded by the host before the driver runs, in time
 * linear in their size and within the limits in ndis.h. Writes change the in-memory copy for this run. An
 * open configuration handle is an allocation: one left open at halt is a leak. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ndis.h"

/* The values, by section and key: a hash table, so that loading n keys costs O(n). */
struct ndis_config_entry {
    char *section, *key, *value;
    unsigned line; /* where the parameter file set it; 0 if the INF or the driver did */
    ULONG type;    /* REG_SZ unless the file's prefix or ZwSetValueKey said otherwise (registry.c) */
    bool changed;  /* set by the driver while it ran (--write-config writes it back) */
    size_t hash;
    struct ndis_config_entry *next;
};

static pthread_mutex_t ndis_config_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ndis_config_entry **ndis_config_buckets;
static size_t ndis_config_nbuckets, ndis_config_count;
/* keys the driver deleted (ndis_config_lock) */
static struct ndis_config_tomb {
    char *section, *key;
    struct ndis_config_tomb *next;
} *ndis_config_tombs;

/* One open configuration handle and the parameters it handed out. */
struct ndis_config_handle {
    char section[32];       /* "driver" or "adapter.N" */
    struct ndis_config_param {
        NDIS_CONFIGURATION_PARAMETER value;
        struct ndis_config_param *next;
        WCHAR text[];
    } *params;
};

/* FNV-1a over the lower-cased section and key: keys are case-insensitive. */
static size_t ndis_config_hash(const char *section, const char *key)
{
    size_t h = 14695981039346656037ull;
    for (const char *p = section; *p; p++)
        h = (h ^ (unsigned char)tolower((unsigned char)*p)) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull; /* no section/key split is ambiguous */
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)tolower((unsigned char)*p)) * 1099511628211ull;
    return h;
}

/* The entry for section/key; the lock is held. */
static struct ndis_config_entry *ndis_config_find(const char *section, const char *key, size_t hash)
{
    if (ndis_config_nbuckets == 0)
        return NULL;
    for (struct ndis_config_entry *e = ndis_config_buckets[hash % ndis_config_nbuckets]; e; e = e->next)
        if (e->hash == hash && strcasecmp(e->section, section) == 0 && strcasecmp(e->key, key) == 0)
            return e;
    return NULL;
}

/* Doubles the table once it is three quarters full; the lock is held. */
static bool ndis_config_grow(void)
{
    if (ndis_config_count < ndis_config_nbuckets / 4 * 3)
        return true;
    size_t n = ndis_config_nbuckets ? ndis_config_nbuckets * 2 : 64;
    struct ndis_config_entry **b = calloc(n, sizeof *b);
    if (b == NULL)
        return false;
    for (size_t i = 0; i < ndis_config_nbuckets; i++)
        while (ndis_config_buckets[i]) {
            struct ndis_config_entry *e = ndis_config_buckets[i];
            ndis_config_buckets[i] = e->next;
            e->next = b[e->hash % n];
            b[e->hash % n] = e;
        }
    free(ndis_config_buckets);
    ndis_config_buckets = b;
    ndis_config_nbuckets = n;
    return true;
}

/* Sets section/key (a new key, or a new value for a known one); false without memory. */
static bool ndis_config_put_typed(const char *section, const char *key, const char *value, unsigned line,
                                  ULONG type, bool changed)
{
    size_t hash = ndis_config_hash(section, key);
    pthread_mutex_lock(&ndis_config_lock);
    for (struct ndis_config_tomb **pt = &ndis_config_tombs; *pt; pt = &(*pt)->next)
        if (strcasecmp((*pt)->section, section) == 0 && strcasecmp((*pt)->key, key) == 0) {
            struct ndis_config_tomb *t = *pt;
            *pt = t->next;
            free(t->section), free(t->key), free(t);
            break;
        }
    struct ndis_config_entry *e = ndis_config_find(section, key, hash);
    if (e != NULL) {
        char *v = strdup(value);
        if (v != NULL) {
            free(e->value);
            e->value = v;
            e->type = type;
            e->changed |= changed;
        }
        pthread_mutex_unlock(&ndis_config_lock);
        return v != NULL;
    }
    bool ok = ndis_config_grow() && (e = calloc(1, sizeof *e)) != NULL && (e->section = strdup(section)) &&
              (e->key = strdup(key)) && (e->value = strdup(value));
    if (ok) {
        e->line = line;
        e->type = type;
        e->changed = changed;
        e->hash = hash;
        e->next = ndis_config_buckets[hash % ndis_config_nbuckets];
        ndis_config_buckets[hash % ndis_config_nbuckets] = e;
        ndis_config_count++;
    } else if (e) {
        free(e->section);
        free(e->key);
        free(e);
    }
    pthread_mutex_unlock(&ndis_config_lock);
    return ok;
}

static bool ndis_config_put(const char *section, const char *key, const char *value, unsigned line)
{
    return ndis_config_put_typed(section, key, value, line, REG_SZ, false);
}

/* The line of the parameter file that set section/key, 0 if none did. */
static unsigned ndis_config_line(const char *section, const char *key)
{
    pthread_mutex_lock(&ndis_config_lock);
    struct ndis_config_entry *e = ndis_config_find(section, key, ndis_config_hash(section, key));
    unsigned line = e ? e->line : 0;
    pthread_mutex_unlock(&ndis_config_lock);
    return line;
}

/* Does `section`/`key` already have a value? */
static bool ndis_config_has(const char *section, const char *key)
{
    pthread_mutex_lock(&ndis_config_lock);
    bool found = ndis_config_find(section, key, ndis_config_hash(section, key)) != NULL;
    pthread_mutex_unlock(&ndis_config_lock);
    return found;
}

void ndis_config_clear(void)
{
    pthread_mutex_lock(&ndis_config_lock);
    for (size_t i = 0; i < ndis_config_nbuckets; i++)
        while (ndis_config_buckets[i]) {
            struct ndis_config_entry *e = ndis_config_buckets[i];
            ndis_config_buckets[i] = e->next;
            free(e->section);
            free(e->key);
            free(e->value);
            free(e);
        }
    free(ndis_config_buckets);
    ndis_config_buckets = NULL;
    ndis_config_nbuckets = ndis_config_count = 0;
    while (ndis_config_tombs) {
        struct ndis_config_tomb *t = ndis_config_tombs;
        ndis_config_tombs = t->next;
        free(t->section), free(t->key), free(t);
    }
    pthread_mutex_unlock(&ndis_config_lock);
}

/* ---- reading the files (limits: docs/configuration.md) ---------------------------------- */

static const char *ndis_file_kind(mode_t mode)
{
    return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO" : S_ISCHR(mode) ? "a character device"
         : S_ISBLK(mode) ? "a block device" : S_ISSOCK(mode) ? "a socket" : "not a regular file";
}

/* The whole of a regular text file, NUL-terminated, or NULL and why in err. Opened without
 * blocking, so that a FIFO cannot hang the caller, and read to at most the size limit, so
 * that a growing or endless file cannot either. */
static char *ndis_config_read_file(const char *path, const char *what, size_t *size, char *err, size_t len)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        snprintf(err, len, "%s: cannot open the %s: %s", path, what, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, len, "%s is %s, not a regular file: give the %s itself", path, ndis_file_kind(st.st_mode), what);
        close(fd);
        return NULL;
    }
    /* Room for the size fstat gave and a byte more, to see a file that grew; doubled as it
     * grows, up to one byte past the limit. */
    size_t cap = st.st_size < NDIS_CONFIG_MAX_FILE ? (size_t)st.st_size + 1 : NDIS_CONFIG_MAX_FILE + 1, n = 0;
    char *text = malloc(cap + 1);
    ssize_t got = 1;
    while (text != NULL && n <= NDIS_CONFIG_MAX_FILE) {
        if (n == cap) {
            cap = cap * 2 < NDIS_CONFIG_MAX_FILE + 1 ? cap * 2 : NDIS_CONFIG_MAX_FILE + 1;
            char *more = realloc(text, cap + 1);
            if (more == NULL) {
                free(text);
                text = NULL;
                break;
            }
            text = more;
        }
        if ((got = read(fd, text + n, cap - n)) > 0)
            n += (size_t)got;
        else if (got == 0 || errno != EINTR)
            break;
    }
    int read_errno = errno;
    close(fd);
    if (text == NULL)
        snprintf(err, len, "%s: out of memory", path);
    else if (n > NDIS_CONFIG_MAX_FILE)
        snprintf(err, len, "%s is larger than %u bytes, the limit for a %s", path, NDIS_CONFIG_MAX_FILE, what);
    else if (got < 0)
        snprintf(err, len, "%s: cannot read the %s: %s", path, what, strerror(read_errno));
    else if (memchr(text, '\0', n) != NULL)
        snprintf(err, len, "%s: contains a NUL byte: a %s is text", path, what);
    else {
        text[n] = '\0';
        *size = n;
        return text;
    }
    free(text);
    return NULL;
}

/* Cuts the next line (without "\n" or "\r\n") from *at; NULL at the end of the text. */
static char *ndis_next_line(char **at, char *end)
{
    char *line = *at;
    if (line >= end)
        return NULL;
    char *nl = memchr(line, '\n', (size_t)(end - line));
    *at = nl ? nl + 1 : end;
    if (nl == NULL)
        nl = end;
    *nl = '\0';
    if (nl > line && nl[-1] == '\r')
        nl[-1] = '\0';
    return line;
}

static char *ndis_trim_space(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* Drops an inline comment: ';' at the start or after white space (as inih did). */
static void ndis_cut_comment(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == ';' && (p == s || isspace((unsigned char)p[-1]))) {
            *p = '\0';
            return;
        }
}

/* [driver], [adapter] or [adapter.N], written canonically into out; false otherwise. */
bool ndis_config_canonical_section(const char *name, char *out, size_t len)
{
    if (strcasecmp(name, "driver") == 0 || strcasecmp(name, "adapter") == 0) {
        snprintf(out, len, "%s", strcasecmp(name, "driver") == 0 ? "driver" : "adapter");
        return true;
    }
    const char *digits = name + 8;
    if (strncasecmp(name, "adapter.", 8) != 0 || *digits == '\0' || strlen(digits) > 4 ||
        strspn(digits, "0123456789") != strlen(digits))
        return false;
    snprintf(out, len, "adapter.%u", (unsigned)strtoul(digits, NULL, 10));
    return true;
}

/* One "key = value" line of section (the file's line `line`) into the store. */
static bool ndis_config_key_line(const char *path, unsigned line, const char *section, char *text, char *err,
                                 size_t len)
{
    char *eq = strpbrk(text, "=:");
    if (eq == NULL) {
        snprintf(err, len, "%s:%u: not a valid parameter line (expected [section] or key = value)", path, line);
        return false;
    }
    const char sep = *eq;
    *eq = '\0';
    char *key = ndis_trim_space(text), *value = eq + 1;
    ndis_cut_comment(value);
    value = ndis_trim_space(value);
    size_t klen = strlen(key), vlen = strlen(value);
    if (klen == 0) {
        snprintf(err, len, "%s:%u: a key is missing before '%c'", path, line, sep);
        return false;
    }
    if (klen > NDIS_CONFIG_MAX_KEY) {
        snprintf(err, len, "%s:%u: the key is %zu bytes long; a key holds at most %u bytes", path, line, klen,
                 NDIS_CONFIG_MAX_KEY);
        return false;
    }
    if (vlen > NDIS_CONFIG_MAX_VALUE) {
        snprintf(err, len, "%s:%u: the value of %s is %zu bytes long; a value holds at most %u bytes", path, line,
                 key, vlen, NDIS_CONFIG_MAX_VALUE);
        return false;
    }
    if (vlen > 0 && (value[0] == '"' || value[0] == '\'')) {
        snprintf(err, len, "%s:%u: the value of %s is in quotes, which would be part of the value: write %s = text "
                 "without quotes", path, line, key, key);
        return false;
    }
    unsigned first = ndis_config_line(section, key);
    if (first != 0) {
        snprintf(err, len, "%s:%u: %s is set twice in [%s] (first on line %u): keep one", path, line, key, section,
                 first);
        return false;
    }
    if (ndis_config_count >= NDIS_CONFIG_MAX_KEYS) {
        snprintf(err, len, "%s:%u: more than %u keys, the limit for a parameter file", path, line,
                 NDIS_CONFIG_MAX_KEYS);
        return false;
    }
    ULONG type;
    const char *why = NULL;
    char stored[NDIS_CONFIG_MAX_VALUE + 1];
    if (!ndis_config_parse_value(value, &type, stored, sizeof stored, &why)) {
        snprintf(err, len, "%s:%u: the value of %s: %s", path, line, key, why);
        return false;
    }
    if (!ndis_config_put_typed(section, key, stored, line, type, false)) {
        snprintf(err, len, "%s:%u: out of memory", path, line);
        return false;
    }
    return true;
}

bool ndis_config_load(const char *path, char *err, size_t len)
{
    size_t size;
    char *text = ndis_config_read_file(path, "parameter file", &size, err, len);
    if (text == NULL)
        return false;
    char *at = text, *end = text + size, *raw, section[32] = "";
    if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte order mark */
        at += 3;
    bool ok = true;
    for (unsigned line = 1; ok && (raw = ndis_next_line(&at, end)) != NULL; line++) {
        char *s = ndis_trim_space(raw);
        if (*s == '\0' || *s == ';' || *s == '#')
            continue;
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (close != NULL) {
                *close = '\0';
                ndis_cut_comment(close + 1);
            }
            if (close == NULL || *ndis_trim_space(close + 1) != '\0') {
                snprintf(err, len, "%s:%u: a section line is [name] alone (a comment after it starts with ';')",
                         path, line);
                ok = false;
            } else if (!ndis_config_canonical_section(ndis_trim_space(s + 1), section, sizeof section)) {
                snprintf(err, len, "%s:%u: unknown section [%.40s]: the sections are [driver], [adapter] and "
                         "[adapter.N]", path, line, ndis_trim_space(s + 1));
                ok = false;
            }
        } else if (section[0] == '\0') {
            snprintf(err, len, "%s:%u: a key before any section: start with [driver], [adapter] or [adapter.N]",
                     path, line);
            ok = false;
        } else {
            ok = ndis_config_key_line(path, line, section, s, err, len);
        }
    }
    free(text);
    return ok;
}

/* An INF field without its white space and its quotes (INF strings are quoted). */
static char *ndis_trim(char *s)
{
    s = ndis_trim_space(s);
    char *end = s + strlen(s);
    if (end - s >= 2 && *s == '"' && end[-1] == '"') {
        end[-1] = '\0';
        s++;
    }
    return s;
}

bool ndis_config_load_inf(const char *path, char *err, size_t len)
{
    size_t size;
    char *text = ndis_config_read_file(path, "INF file", &size, err, len);
    if (text == NULL)
        return false;
    char *at = text, *end = text + size, *line;
    bool ok = true;
    for (unsigned n_line = 1; ok && (line = ndis_next_line(&at, end)) != NULL; n_line++) {
        char *semi = strchr(line, ';'); /* INF comments (no quoted ';' in these lines) */
        if (semi)
            *semi = '\0';
        /* HKR, Ndi\params\<Key>, default, <flags>, <value> */
        char *field[5] = { 0 };
        int n = 0;
        for (char *p = line; n < 5 && p; n++) {
            field[n] = p;
            p = strchr(p, ',');
            if (p)
                *p++ = '\0';
        }
        if (n < 5)
            continue;
        char *root = ndis_trim(field[0]), *subkey = ndis_trim(field[1]), *name = ndis_trim(field[2]);
        if (strcasecmp(root, "HKR") != 0 || strncasecmp(subkey, "Ndi\\params\\", 11) != 0 ||
            strcasecmp(name, "default") != 0)
            continue;
        const char *key = subkey + 11, *value = ndis_trim(field[4]);
        if (*key == '\0' || strchr(key, '\\'))
            continue;
        if (strlen(key) > NDIS_CONFIG_MAX_KEY || strlen(value) > NDIS_CONFIG_MAX_VALUE) {
            snprintf(err, len, "%s:%u: the %s of Ndi\\params\\%.40s is %zu bytes long; it holds at most %u bytes",
                     path, n_line, strlen(key) > NDIS_CONFIG_MAX_KEY ? "name" : "default value", key,
                     strlen(key) > NDIS_CONFIG_MAX_KEY ? strlen(key) : strlen(value),
                     strlen(key) > NDIS_CONFIG_MAX_KEY ? NDIS_CONFIG_MAX_KEY : NDIS_CONFIG_MAX_VALUE);
            ok = false;
        } else if (!ndis_config_has("adapter", key) && !ndis_config_put("adapter", key, value, 0)) {
            snprintf(err, len, "%s: out of memory", path);
            ok = false;
        }
    }
    free(text);
    return ok;
}

/* Looks `key` up in `section`, then in "adapter" for adapter sections. Copies the value. */
bool ndis_config_lookup(const char *section, const char *key, char *out, size_t len, ULONG *type)
{
    *type = REG_SZ;
    bool found = false;
    pthread_mutex_lock(&ndis_config_lock);
    for (int pass = 0; pass < 2 && !found; pass++) {
        const char *want = pass == 0 ? section : (strncasecmp(section, "adapter.", 8) == 0 ? "adapter" : NULL);
        struct ndis_config_entry *e = want ? ndis_config_find(want, key, ndis_config_hash(want, key)) : NULL;
        if (e != NULL) {
            snprintf(out, len, "%s", e->value);
            *type = e->type;
            found = true;
        }
    }
    pthread_mutex_unlock(&ndis_config_lock);
    /* Windows' network class installer gives every adapter's key a NetCfgInstanceId, the
     * adapter's instance GUID (tap-windows6 names its device after it). Without a configured
     * one, adapter N gets a fixed GUID ending in N + 1. */
    unsigned n;
    if (!found && strcasecmp(key, "NetCfgInstanceId") == 0 && sscanf(section, "adapter.%u", &n) == 1) {
        snprintf(out, len, "{4F70656E-4E44-4953-0000-%012X}", n + 1);
        found = true;
    }
    return found;
}

static bool ndis_config_get(const char *section, const char *key, char *out, size_t len)
{
    ULONG type;
    return ndis_config_lookup(section, key, out, len, &type);
}

/* ---- the registry view's other needs (registry.c) ---- */
bool ndis_config_store(const char *section, const char *key, const char *value, ULONG type)
{
    return ndis_config_put_typed(section, key, value, 0, type, true);
}

bool ndis_config_delete(const char *section, const char *key)
{
    size_t hash = ndis_config_hash(section, key);
    bool found = false;
    pthread_mutex_lock(&ndis_config_lock);
    if (ndis_config_nbuckets != 0)
        for (struct ndis_config_entry **pe = &ndis_config_buckets[hash % ndis_config_nbuckets]; *pe;
             pe = &(*pe)->next) {
            struct ndis_config_entry *e = *pe;
            if (e->hash == hash && strcasecmp(e->section, section) == 0 && strcasecmp(e->key, key) == 0) {
                *pe = e->next;
                free(e->section);
                free(e->key);
                free(e->value);
                free(e);
                ndis_config_count--;
                found = true;
                break;
            }
        }
    struct ndis_config_tomb *t = found ? calloc(1, sizeof *t) : NULL;
    if (t != NULL && (t->section = strdup(section)) != NULL && (t->key = strdup(key)) != NULL) {
        t->next = ndis_config_tombs;
        ndis_config_tombs = t;
    } else if (t != NULL) {
        free(t->section), free(t);
    }
    pthread_mutex_unlock(&ndis_config_lock);
    return found;
}

size_t ndis_config_changes(struct ndis_config_changed **out)
{
    size_t n = 0, cap = 0;
    struct ndis_config_changed *v = NULL;
    pthread_mutex_lock(&ndis_config_lock);
    for (size_t i = 0; i < ndis_config_nbuckets; i++)
        for (struct ndis_config_entry *e = ndis_config_buckets[i]; e; e = e->next)
            cap += e->changed;
    for (struct ndis_config_tomb *t = ndis_config_tombs; t; t = t->next)
        cap++;
    v = cap ? calloc(cap, sizeof *v) : NULL;
    for (size_t i = 0; v && i < ndis_config_nbuckets; i++)
        for (struct ndis_config_entry *e = ndis_config_buckets[i]; e; e = e->next)
            if (e->changed)
                v[n++] = (struct ndis_config_changed){ strdup(e->section), strdup(e->key), strdup(e->value), e->type };
    for (struct ndis_config_tomb *t = ndis_config_tombs; v && t; t = t->next)
        v[n++] = (struct ndis_config_changed){ strdup(t->section), strdup(t->key), NULL, REG_NONE };
    pthread_mutex_unlock(&ndis_config_lock);
    *out = v;
    return v ? n : 0;
}

void ndis_config_changes_free(struct ndis_config_changed *changes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(changes[i].section), free(changes[i].key), free(changes[i].value);
    free(changes);
}

static int ndis_config_name_order(const void *a, const void *b)
{
    return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* The `index`th value name that `section` shows (for adapter.N: its own and the [adapter] ones
 * it does not override), in case-insensitive order so that an enumeration is stable. */
bool ndis_config_name_at(const char *section, size_t index, char *out, size_t len)
{
    bool adapter = strncasecmp(section, "adapter.", 8) == 0, found = false;
    pthread_mutex_lock(&ndis_config_lock);
    const char **names = ndis_config_count ? malloc(ndis_config_count * sizeof *names) : NULL;
    size_t n = 0;
    for (size_t i = 0; names != NULL && i < ndis_config_nbuckets; i++)
        for (struct ndis_config_entry *e = ndis_config_buckets[i]; e; e = e->next)
            if (strcasecmp(e->section, section) == 0 ||
                (adapter && strcasecmp(e->section, "adapter") == 0 &&
                 ndis_config_find(section, e->key, ndis_config_hash(section, e->key)) == NULL))
                names[n++] = e->key;
    if (names != NULL && index < n) {
        qsort(names, n, sizeof *names, ndis_config_name_order);
        snprintf(out, len, "%s", names[index]);
        found = true;
    }
    pthread_mutex_unlock(&ndis_config_lock);
    free(names);
    return found;
}

static void ndis_keyword_text(PCUNICODE_STRING keyword, char *out, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; keyword && keyword->Buffer && i < keyword->Length / sizeof(WCHAR) && n + 1 < len; i++)
        out[n++] = keyword->Buffer[i] < 0x80 ? (char)keyword->Buffer[i] : '?';
    out[n] = '\0';
}

static struct ndis_config_handle *ndis_config_from_handle(NDIS_HANDLE h, const char *fn, const void *site)
{
    if (ndis_handle_kind(h) != NDIS_HANDLE_CONFIGURATION) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not a handle from NdisOpenConfigurationEx", h);
        return NULL;
    }
    return h;
}

static struct ke_pool *ndis_config_owner(struct ndis_config_handle *c)
{
    return ke_pool_owner(c);
}

/* A configuration handle on `section`, from the caller's pool, known to the handle table. */
static struct ndis_config_handle *ndis_config_handle_new(struct ke_pool *owner, const char *section,
                                                         const void *site, const char *fn)
{
    struct ndis_config_handle *c = ke_pool_alloc(owner, sizeof *c, 0, site, fn);
    if (c == NULL)
        return NULL;
    memset(c, 0, sizeof *c);
    snprintf(c->section, sizeof c->section, "%s", section);
    if (!ndis_handle_add(c, NDIS_HANDLE_CONFIGURATION)) {
        ke_pool_free(c);
        return NULL;
    }
    return c;
}

NDISAPI NDIS_STATUS NdisOpenConfigurationEx(PNDIS_CONFIGURATION_OBJECT ConfigObject, PNDIS_HANDLE ConfigurationHandle)
{
    static const char fn[] = "NdisOpenConfigurationEx";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    if (ConfigObject == NULL || ConfigurationHandle == NULL ||
        ConfigObject->Header.Type != NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT || ConfigObject->Header.Revision < 1 ||
        ConfigObject->Header.Size < NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "the configuration object needs NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT, revision 1 and its size");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    struct ke_pool *owner = ndis_owner_checked(ConfigObject->NdisHandle, "NdisHandle", fn, site);
    if (owner == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    if (vf_fault_inject(fn, site))
        return NDIS_STATUS_RESOURCES;
    char section[32];
    struct ndis_adapter *a = ndis_adapter_from_handle(ConfigObject->NdisHandle);
    if (a != NULL)
        snprintf(section, sizeof section, "adapter.%u", a->index);
    else
        snprintf(section, sizeof section, "driver");
    struct ndis_config_handle *c = ndis_config_handle_new(owner, section, site, fn);
    if (c == NULL)
        return NDIS_STATUS_RESOURCES;
    *ConfigurationHandle = c;
    return NDIS_STATUS_SUCCESS;
}

static PNDIS_CONFIGURATION_PARAMETER ndis_config_param(struct ndis_config_handle *c, NDIS_PARAMETER_TYPE type,
                                                       size_t text_units, const void *site)
{
    struct ndis_config_param *p =
        ke_pool_alloc(ndis_config_owner(c), sizeof *p + text_units * sizeof(WCHAR), 0, site, "NdisReadConfiguration");
    if (p == NULL)
        return NULL;
    memset(p, 0, sizeof *p);
    p->value.ParameterType = type;
    p->next = c->params;
    c->params = p;
    return &p->value;
}

NDISAPI VOID NdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                                   NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                                   NDIS_PARAMETER_TYPE ParameterType)
{
    static const char fn[] = "NdisReadConfiguration";
    const void *site = VF_CALLER;
    char key[NDIS_CONFIG_MAX_KEY + 1], value[NDIS_CONFIG_MAX_VALUE + 1];
    *Status = NDIS_STATUS_FAILURE;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return;
    struct ndis_config_handle *c = ndis_config_from_handle(ConfigurationHandle, fn, site);
    if (c == NULL)
        return;
    ndis_keyword_text(Keyword, key, sizeof key);
    ULONG type;
    if (!ndis_config_lookup(c->section, key, value, sizeof value, &type))
        return; /* not configured: the driver uses its default */
    PNDIS_CONFIGURATION_PARAMETER p;
    if (ParameterType == NdisParameterInteger || ParameterType == NdisParameterHexInteger) {
        char *end;
        /* a REG_DWORD set through ZwSetValueKey is a number whatever base is asked for */
        int base = type == REG_DWORD || type == REG_QWORD ? 10 : ParameterType == NdisParameterHexInteger ? 16 : 10;
        unsigned long v = strtoul(value, &end, base);
        if (end == value || *end != '\0')
            return; /* not a number of that base */
        if ((p = ndis_config_param(c, ParameterType, 0, site)) == NULL) {
            *Status = NDIS_STATUS_RESOURCES;
            return;
        }
        p->ParameterData.IntegerData = (ULONG)v;
    } else if (ParameterType == NdisParameterString || ParameterType == NdisParameterMultiString) {
        size_t n = strlen(value);
        /* A multi-string here is one string: the file has no REG_MULTI_SZ. Double-terminated. */
        if ((p = ndis_config_param(c, ParameterType, n + 2, site)) == NULL) {
            *Status = NDIS_STATUS_RESOURCES;
            return;
        }
        PWCH text = ((struct ndis_config_param *)p)->text;
        for (size_t i = 0; i < n; i++)
            text[i] = (unsigned char)value[i];
        text[n] = text[n + 1] = 0;
        p->ParameterData.StringData.Buffer = text;
        p->ParameterData.StringData.Length = (USHORT)(n * sizeof(WCHAR));
        p->ParameterData.StringData.MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    } else {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "ParameterType %d is not supported for keyword %s",
                     ParameterType, key);
        return;
    }
    *ParameterValue = p;
    *Status = NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisWriteConfiguration(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                                    PNDIS_CONFIGURATION_PARAMETER ParameterValue)
{
    static const char fn[] = "NdisWriteConfiguration";
    const void *site = VF_CALLER;
    char key[NDIS_CONFIG_MAX_KEY + 1], value[NDIS_CONFIG_MAX_VALUE + 1];
    *Status = NDIS_STATUS_FAILURE;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return;
    struct ndis_config_handle *c = ndis_config_from_handle(ConfigurationHandle, fn, site);
    if (c == NULL || ParameterValue == NULL)
        return;
    ndis_keyword_text(Keyword, key, sizeof key);
    switch (ParameterValue->ParameterType) {
    case NdisParameterInteger:
        snprintf(value, sizeof value, "%u", ParameterValue->ParameterData.IntegerData);
        break;
    case NdisParameterHexInteger:
        snprintf(value, sizeof value, "%x", ParameterValue->ParameterData.IntegerData);
        break;
    case NdisParameterString:
        ndis_keyword_text(&ParameterValue->ParameterData.StringData, value, sizeof value);
        break;
    default:
        return;
    }
    *Status = ndis_config_put_typed(c->section, key, value, 0, REG_SZ, true) ? NDIS_STATUS_SUCCESS
                                                                              : NDIS_STATUS_RESOURCES;
}

NDISAPI VOID NdisReadNetworkAddress(PNDIS_STATUS Status, PVOID *NetworkAddress, PUINT NetworkAddressLength,
                                    NDIS_HANDLE ConfigurationHandle)
{
    static const char fn[] = "NdisReadNetworkAddress";
    const void *site = VF_CALLER;
    char value[128];
    UCHAR mac[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    size_t n = 0;
    *Status = NDIS_STATUS_FAILURE;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return;
    struct ndis_config_handle *c = ndis_config_from_handle(ConfigurationHandle, fn, site);
    if (c == NULL || !ndis_config_get(c->section, "NetworkAddress", value, sizeof value))
        return;
    /* Hex digits, optionally grouped with '-' or ':' (the registry holds "02004C4F4F50"). */
    for (const char *p = value; *p && n < sizeof mac;) {
        if (*p == '-' || *p == ':') {
            p++;
            continue;
        }
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
            return;
        char byte[3] = { p[0], p[1], 0 };
        mac[n++] = (UCHAR)strtoul(byte, NULL, 16);
        p += 2;
    }
    if (n == 0)
        return;
    PNDIS_CONFIGURATION_PARAMETER p = ndis_config_param(c, NdisParameterBinary, (n + 1) / 2, site);
    if (p == NULL) {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    UCHAR *bytes = (UCHAR *)((struct ndis_config_param *)p)->text;
    memcpy(bytes, mac, n);
    *NetworkAddress = bytes;
    *NetworkAddressLength = (UINT)n;
    *Status = NDIS_STATUS_SUCCESS;
}

/* The driver's Parameters subkey is its service key's values, as in the registry view
 * (registry.c): a handle on the same [driver] section, closed with NdisCloseConfiguration.
 * No other subkey is kept. */
NDISAPI VOID NdisOpenConfigurationKeyByName(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, PNDIS_STRING SubKeyName,
                                            PNDIS_HANDLE SubKeyHandle)
{
    static const char fn[] = "NdisOpenConfigurationKeyByName";
    const void *site = VF_CALLER;
    if (Status == NULL || SubKeyHandle == NULL || SubKeyName == NULL) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "%s is NULL",
                     Status == NULL ? "Status" : SubKeyHandle == NULL ? "SubKeyHandle" : "SubKeyName");
        return;
    }
    *Status = NDIS_STATUS_FAILURE;
    *SubKeyHandle = NULL;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return;
    struct ndis_config_handle *c = ndis_config_from_handle(ConfigurationHandle, fn, site);
    if (c == NULL)
        return;
    char name[NDIS_CONFIG_MAX_KEY + 1];
    ndis_keyword_text(SubKeyName, name, sizeof name);
    if (strcmp(c->section, "driver") != 0 || strcasecmp(name, "Parameters") != 0) {
        char why[NDIS_CONFIG_MAX_KEY + 128];
        snprintf(why, sizeof why, "only the driver's Parameters subkey is kept, not '%s' of [%s]", name, c->section);
        ke_unsupported(fn, why, site);
        return;
    }
    if (vf_fault_inject(fn, site)) {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    struct ndis_config_handle *sub = ndis_config_handle_new(ndis_config_owner(c), c->section, site, fn);
    *SubKeyHandle = sub;
    *Status = sub != NULL ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

NDISAPI VOID NdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle)
{
    static const char fn[] = "NdisCloseConfiguration";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_config_handle *c = ndis_config_from_handle(ConfigurationHandle, fn, site);
    if (c == NULL)
        return;
    while (c->params) { /* every value read through this handle goes with it */
        struct ndis_config_param *p = c->params;
        c->params = p->next;
        ke_pool_free(p);
    }
    ndis_handle_remove(c);
    ke_pool_free(c);
}
