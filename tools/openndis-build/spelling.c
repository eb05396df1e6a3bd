/* Windows include spellings on a case-sensitive file system, without touching the driver's
 * tree: `#include "Trace.h"` for trace.h, <Ntstrsafe.h>, "windows\virtio_ring.h". Starting
 * from the sources, every #include line (whatever #if it sits under) is resolved the way the
 * compiler will look for it; one that is found only by ignoring letter case or reading '\'
 * as a separator gets a forwarding header in the overlay directory, under exactly the name
 * the source spells, that includes the file it means by its absolute path. The overlay goes
 * last on the include path.
 *
 * A forwarder rather than a symbolic link: the compiler then opens the real file in its own
 * directory, so the file's quoted includes are found beside it, whichever of the driver's
 * projects (with whichever include path) reached it. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"

#define SCAN_FILES_MAX 20000
#define SCAN_BYTES_MAX (16u << 20)

struct scan {
    const char *overlay;
    const struct strv *search;
    struct strv seen;  /* "seen-as directory|real path" scanned */
    struct strv queue; /* "seen-as\0real" pairs to scan */
    int links;
    bool failed;
};

static bool regular(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *path_fold(const char *dir, const char *name)
{
    char *rel = path_from_msbuild(name);
    char *cur = xstrdup(rel[0] == '/' ? "/" : dir);
    char *save = NULL;
    for (char *part = strtok_r(rel, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
        char *next = path_join(cur, part);
        if (strcmp(part, ".") == 0 || strcmp(part, "..") == 0 || path_exists(next)) {
            free(cur);
            cur = next;
            continue;
        }
        free(next);
        DIR *d = opendir(cur);
        char *match = NULL;
        for (struct dirent *e; d && (e = readdir(d)) && !match;)
            if (strcasecmp(e->d_name, part) == 0)
                match = xstrdup(e->d_name);
        if (d)
            closedir(d);
        if (!match) {
            free(cur), free(rel);
            return NULL;
        }
        next = path_join(cur, match);
        free(cur), free(match);
        cur = next;
    }
    free(rel);
    return cur;
}

/* An include's file: a regular file by that name, letter case and separators folded. */
static char *resolve_folded(const char *dir, const char *name)
{
    char *path = path_fold(dir, name);
    if (path && !regular(path)) {
        free(path);
        return NULL;
    }
    return path;
}

static void enqueue(struct scan *s, const char *seen_as, const char *real_path)
{
    /* once per file and directory the compiler sees it in */
    char real[PATH_MAX];
    if (!realpath(real_path, real) || s->seen.n >= SCAN_FILES_MAX)
        return;
    char *d = xstrdup(seen_as);
    char *key = xasprintf("%s|%s", dirname(d), real);
    free(d);
    if (strv_has(&s->seen, key)) {
        free(key);
        return;
    }
    strv_push_own(&s->seen, key);
    strv_push(&s->queue, seen_as);
    strv_push(&s->queue, real);
}

/* The forwarder at `at` (a path inside the overlay) to `target`: the line it holds. */
static char *forward_line(const char *target)
{
    return xasprintf("#include \"%s\" /* openndis build: a Windows spelling of this file */\n", target);
}

/* Makes `at` (a path inside the overlay) a forwarding header to `target`. */
static void forward_at(struct scan *s, const char *at, const char *target)
{
    char *line = forward_line(target);
    char existing[PATH_MAX + 128];
    FILE *f = fopen(at, "r");
    if (f) {
        bool same = fgets(existing, sizeof existing, f) && strcmp(existing, line) == 0;
        fclose(f);
        if (!same)
            build_warning(NULL, 0, "include spelling %s could mean two files: using the first, not %s", at, target);
        free(line);
        return;
    }
    if (strchr(target, '"') || strchr(target, '\\') || strchr(target, '\n')) {
        build_error(NULL, 0, "cannot forward %s to %s: its path has a character #include cannot spell", at, target);
        s->failed = true;
        free(line);
        return;
    }
    /* parents of "Sub/Name.h" spelled with '/' */
    char *parent = xstrdup(at);
    for (char *c = parent + strlen(s->overlay) + 1; (c = strchr(c, '/')); c++) {
        *c = '\0';
        if (mkdir(parent, 0755) != 0 && errno != EEXIST) {
            build_error(NULL, 0, "cannot make %s: %s", parent, strerror(errno));
            s->failed = true;
        }
        *c = '/';
    }
    free(parent);
    f = fopen(at, "wx");
    bool written = f && fputs(line, f) >= 0;
    if (f && fclose(f) != 0)
        written = false;
    if (!written) {
        build_error(NULL, 0, "cannot write %s: %s", at, strerror(errno));
        s->failed = true;
        free(line);
        return;
    }
    s->links++;
    free(line);
}

static void resolve_spelling(struct scan *s, const char *seen_dir, const char *real_dir, const char *name, bool quoted)
{
    /* Found as spelled, where the compiler looks: nothing to do but scan it. */
    if (quoted) {
        char *p = path_join(seen_dir, name);
        if (regular(p)) {
            enqueue(s, p, p);
            free(p);
            return;
        }
        free(p);
    }
    for (size_t i = 0; i < s->search->n; i++) {
        char *p = path_join(s->search->v[i], name);
        bool found = regular(p);
        if (found)
            enqueue(s, p, p);
        free(p);
        if (found)
            return;
    }
    /* Found only beside the real file, by its spelling folded, or in the search path folded. */
    char *target = NULL;
    if (quoted)
        target = resolve_folded(real_dir, name);
    for (size_t i = 0; !target && i < s->search->n; i++)
        target = resolve_folded(s->search->v[i], name);
    if (!target)
        return; /* a system header, a generated one (.tmh), or missing: the compiler says */
    char *at = path_join(s->overlay, name);
    forward_at(s, at, target);
    enqueue(s, target, target); /* read where it is */
    free(at), free(target);
}

/* gcc reads "a\\b.h" as one file name; clang with -fms-extensions as a/b.h: both get a link. */
static void resolve_include(struct scan *s, const char *seen_dir, const char *real_dir, const char *name, bool quoted)
{
    resolve_spelling(s, seen_dir, real_dir, name, quoted);
    if (strchr(name, '\\')) {
        char *slashed = xstrdup(name);
        for (char *c = slashed; *c; c++)
            if (*c == '\\')
                *c = '/';
        resolve_spelling(s, seen_dir, real_dir, slashed, quoted);
        free(slashed);
    }
}

static void scan_file(struct scan *s, const char *seen_as, const char *real)
{
    FILE *f = fopen(real, "rb");
    if (!f)
        return;
    char *sd = xstrdup(seen_as), *rd = xstrdup(real);
    const char *seen_dir = dirname(sd), *real_dir = dirname(rd);
    char line[4096];
    size_t bytes = 0;
    while (fgets(line, sizeof line, f) && bytes < SCAN_BYTES_MAX) {
        bytes += strlen(line);
        const char *c = line;
        while (isspace((unsigned char)*c))
            c++;
        if (*c++ != '#')
            continue;
        while (*c == ' ' || *c == '\t')
            c++;
        if (strncmp(c, "include", 7) != 0)
            continue;
        c += 7;
        while (*c == ' ' || *c == '\t')
            c++;
        char open = *c, close = open == '<' ? '>' : '"';
        if (open != '<' && open != '"')
            continue;
        const char *end = strchr(c + 1, close);
        if (!end || end == c + 1)
            continue;
        char *name = xstrndup(c + 1, (size_t)(end - c - 1));
        if (name[0] != '/')
            resolve_include(s, seen_dir, real_dir, name, open == '"');
        free(name);
    }
    fclose(f);
    free(sd), free(rd);
}

int spelling_overlay(const char *overlay, const struct strv *sources, const struct strv *search)
{
    if (mkdir(overlay, 0755) != 0 && errno != EEXIST) {
        build_error(NULL, 0, "cannot make %s: %s", overlay, strerror(errno));
        return -1;
    }
    struct scan s = {overlay, search, {0}, {0}, 0, false};
    for (size_t i = 0; i < sources->n; i++)
        enqueue(&s, sources->v[i], sources->v[i]);
    for (size_t i = 0; i + 1 < s.queue.n; i += 2)
        scan_file(&s, s.queue.v[i], s.queue.v[i + 1]);
    if (s.seen.n >= SCAN_FILES_MAX)
        build_warning(NULL, 0, "more than %d headers: include spellings beyond them are not looked at", SCAN_FILES_MAX);
    strv_free(&s.seen), strv_free(&s.queue);
    return s.failed ? -1 : s.links;
}
