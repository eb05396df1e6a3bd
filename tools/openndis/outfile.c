/* Report files (--junit, --sarif, --pcap): checked before anything runs, written whole or
 * not at all. Each goes to a temporary file beside its target and is renamed over it only
 * once every byte is written and the file closed without error, so a full disk or a crash
 * never leaves half a report, and renaming replaces a symlink itself, never what it points
 * to. A target that is one of the inputs (the driver, --config, --inf), by any name, is
 * refused: it is compared by device and inode, so symlinks, hard links and ./x are caught. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openndis.h"

struct out_file {
    char *path, *temp;
    const char *option; /* "--junit" ...: for messages */
    int fd;
    mode_t mode;
};

static bool out_same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

bool out_same_target(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return out_same_file(&sa, &sb);
    /* Not there yet: the same file name in the same directory, however each was spelt. */
    char *ca = strdup(a), *cb = strdup(b), *na = strdup(a), *nb = strdup(b);
    bool same = ca && cb && na && nb && strcmp(basename(na), basename(nb)) == 0 && stat(dirname(ca), &sa) == 0 &&
                stat(dirname(cb), &sb) == 0 && out_same_file(&sa, &sb);
    free(ca), free(cb), free(na), free(nb);
    return same;
}

struct out_file *out_open(const char *option, const char *path, const char *const *inputs, size_t ninputs,
                          char *err, size_t len)
{
    struct stat target;
    bool exists = stat(path, &target) == 0;
    if (!exists && errno != ENOENT) {
        snprintf(err, len, "%s %s: %s", option, path, strerror(errno));
        return NULL;
    }
    if (exists && !S_ISREG(target.st_mode)) {
        snprintf(err, len, "%s %s: not a regular file; give the path of a file to create or replace", option, path);
        return NULL;
    }
    for (size_t i = 0; exists && i < ninputs; i++) {
        struct stat in;
        if (inputs[i] != NULL && stat(inputs[i], &in) == 0 && out_same_file(&in, &target)) {
            snprintf(err, len, "%s %s: that is the input file %s; writing the report there would destroy it", option,
                     path, inputs[i]);
            return NULL;
        }
    }
    struct out_file *f = calloc(1, sizeof *f);
    char *copy = strdup(path);
    if (f == NULL || copy == NULL || (f->path = strdup(path)) == NULL) {
        free(copy);
        free(f);
        snprintf(err, len, "%s %s: out of memory", option, path);
        return NULL;
    }
    const char *dir = dirname(copy);
    size_t n = strlen(dir) + strlen(path) + 16;
    if ((f->temp = malloc(n)) == NULL) {
        free(copy);
        free(f->path);
        free(f);
        snprintf(err, len, "%s %s: out of memory", option, path);
        return NULL;
    }
    char *base = strdup(path);
    snprintf(f->temp, n, "%s/.%s.XXXXXX", dir, base ? basename(base) : "report");
    free(base);
    f->fd = mkostemp(f->temp, O_CLOEXEC);
    if (f->fd < 0) {
        snprintf(err, len, "%s %s: cannot create a file in %s: %s", option, path, dir, strerror(errno));
        free(copy);
        free(f->temp);
        free(f->path);
        free(f);
        return NULL;
    }
    free(copy);
    f->option = option;
    /* A replaced report keeps its mode; a new one gets what the umask allows, as a plain
     * open() would give it (mkstemp makes 0600). */
    if (exists) {
        f->mode = target.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        f->mode = 0666 & ~mask;
    }
    return f;
}

const char *out_temp_path(const struct out_file *f)
{
    return f->temp;
}

const char *out_path(const struct out_file *f)
{
    return f->path;
}

static void out_free(struct out_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    free(f->temp);
    free(f->path);
    free(f);
}

void out_discard(struct out_file *f)
{
    if (f == NULL)
        return;
    unlink(f->temp);
    out_free(f);
}

bool out_commit(struct out_file *f, const char *data, size_t n, char *err, size_t len)
{
    const char *what = "write";
    int e = 0;
    for (size_t done = 0; data != NULL && done < n && e == 0;) {
        ssize_t w = write(f->fd, data + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            e = w < 0 ? errno : EIO;
        else
            done += (size_t)w;
    }
    if (e == 0 && fchmod(f->fd, f->mode) != 0) {
        e = errno;
        what = "set the mode of";
    }
    if (e == 0 && fsync(f->fd) != 0 && errno != EINVAL) {
        e = errno;
        what = "write";
    }
    int fd = f->fd;
    f->fd = -1;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e == 0 && rename(f->temp, f->path) != 0) {
        e = errno;
        what = "replace";
    }
    if (e != 0) {
        snprintf(err, len, "%s %s: cannot %s the report: %s", f->option, f->path, what, strerror(e));
        out_discard(f);
        return false;
    }
    out_free(f);
    return true;
}

bool out_stdout_ok(void)
{
    errno = 0;
    bool ok = fflush(stdout) == 0 && !ferror(stdout);
    int e = errno;
    if (fclose(stdout) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok)
        return true;
    e = e ? e : EIO;
    fprintf(stderr, "openndis: cannot write the report to standard output: %s\n", strerror(e));
    return false;
}
