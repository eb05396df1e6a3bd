/* Where --fix puts the rewritten text: a unified diff, or the file itself (--in-place).
 *
 * In place means the same inode: the new text is written over the old through a descriptor of
 * the file, so a symlink is edited through, hard links keep sharing the file, and its owner,
 * mode, ACLs and extended attributes stay as they were (a replace-by-rename cannot keep hard
 * links, and in a directory the user may not write it changes the owner). The window between
 * "the file is what was parsed" and "the file is rewritten" is closed by a write lease: the
 * lease is granted only while no other process has the file open, and any open() by another
 * process waits until it is released, so nobody can write the file between the comparison
 * and the rewrite. Crash safety: the space is reserved before a byte changes and a failed
 * write puts the original back, so an I/O error or a full disk loses nothing; what remains is a
 * power loss during one write of a few kilobytes, which only a rename (giving up the links)
 * would avoid. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "port.h"

extern char **environ;

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static bool pwrite_all(int fd, const char *p, size_t n, off_t at)
{
    while (n) {
        ssize_t w = pwrite(fd, p, n, at);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += w;
        n -= (size_t)w;
        at += w;
    }
    return true;
}

char *port_diff(const char *path, const struct port_source *src, const char *text, size_t len)
{
    char a[] = "/tmp/openndis-port-a.XXXXXX", b[] = "/tmp/openndis-port-b.XXXXXX";
    int fa = mkstemp(a), fb = mkstemp(b), pipefd[2] = { -1, -1 };
    char *out = NULL;
    size_t n = 0, cap = 0;
    int status = -1;
    if (fa >= 0 && fb >= 0 && write_all(fa, src->text, src->len) && write_all(fb, text, len) &&
        pipe2(pipefd, O_CLOEXEC) == 0) {
        char la[4096 + 8], lb[4096 + 8];
        const char *sep = path[0] == '/' ? "" : "/"; /* patch -p1 strips the a/ b/ */
        snprintf(la, sizeof la, "a%s%s", sep, path);
        snprintf(lb, sizeof lb, "b%s%s", sep, path);
        char *argv[] = { "diff", "-u", "--label", la, "--label", lb, a, b, NULL };
        posix_spawn_file_actions_t fa_act;
        posix_spawn_file_actions_init(&fa_act);
        posix_spawn_file_actions_adddup2(&fa_act, pipefd[1], STDOUT_FILENO);
        pid_t pid;
        int e = posix_spawnp(&pid, "diff", &fa_act, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa_act);
        close(pipefd[1]);
        if (e == 0) {
            for (;;) {
                out = port_reserve(out, &cap, n + 4096 + 1, 1);
                ssize_t r = read(pipefd[0], out + n, cap - n - 1);
                if (r < 0 && errno == EINTR)
                    continue;
                if (r <= 0)
                    break;
                n += (size_t)r;
            }
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        } else {
            fprintf(stderr, "openndis port: cannot run diff (diffutils): %s\n", strerror(e));
        }
        close(pipefd[0]);
    }
    if (fa >= 0) {
        close(fa);
        unlink(a);
    }
    if (fb >= 0) {
        close(fb);
        unlink(b);
    }
    if (!out || !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    return out;
}

/* The file's current bytes equal the parsed text. */
static bool unchanged(int fd, const struct port_source *src)
{
    char buf[65536];
    size_t at = 0;
    for (;;) {
        ssize_t r = pread(fd, buf, sizeof buf, (off_t)at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return false;
        if (r == 0)
            return at == src->len;
        if (at + (size_t)r > src->len || memcmp(buf, src->text + at, (size_t)r) != 0)
            return false;
        at += (size_t)r;
    }
}

int port_rewrite_in_place(const char *path, const struct port_source *src, const char *text, size_t len)
{
    const char *keep = "the file is unchanged; `--fix` without --in-place prints the rewrite as a diff";
    struct stat st, now;
    /* Root may write anything: a file without write permission is read-only by its owner's
     * decision, which --in-place respects for every user. */
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && !(st.st_mode & 0222)) {
        fprintf(stderr, "openndis port: %s is read-only (mode %04o); make it writable to rewrite it; %s\n",
                path, (unsigned)(st.st_mode & 07777), keep);
        return -1;
    }
    int fd = open(path, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "openndis port: cannot open %s for writing: %s; %s\n", path, strerror(errno), keep);
        return -1;
    }
    int rc = -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "openndis port: %s is no longer a regular file; %s\n", path, keep);
        goto out;
    }
    /* A lease break notifies us with SIGIO, whose default action would end the process. */
    struct sigaction ign = { .sa_handler = SIG_IGN }, old_sigio;
    sigaction(SIGIO, &ign, &old_sigio);
    if (fcntl(fd, F_SETLEASE, F_WRLCK) != 0) {
        if (errno == EAGAIN || errno == EBUSY)
            fprintf(stderr, "openndis port: %s is open in another process (an editor?); close it and rerun; %s\n",
                    path, keep);
        else
            fprintf(stderr, "openndis port: cannot hold %s against concurrent writers (%s: only its owner can, on a local file system); %s\n",
                    path, strerror(errno), keep);
        sigaction(SIGIO, &old_sigio, NULL);
        goto out;
    }
    /* Under the lease nobody else can open the file: compare, then write. */
    if (!unchanged(fd, src) || stat(path, &now) != 0 || now.st_dev != st.st_dev || now.st_ino != st.st_ino) {
        fprintf(stderr, "openndis port: %s changed since it was read; not rewritten: rerun port on it\n", path);
        goto unlease;
    }
    /* Reserve the space first: a full disk fails here, before a byte changes. */
    int e = len > src->len ? posix_fallocate(fd, 0, (off_t)len) : 0;
    if (e) {
        fprintf(stderr, "openndis port: cannot grow %s to %zu bytes: %s; %s\n", path, len, strerror(e), keep);
        goto unlease;
    }
    if (!pwrite_all(fd, text, len, 0) || ftruncate(fd, (off_t)len) != 0 || fsync(fd) != 0) {
        int err = errno;
        /* Put the original back (it fitted before) so that a failed rewrite loses nothing. */
        bool restored = pwrite_all(fd, src->text, src->len, 0) && ftruncate(fd, (off_t)src->len) == 0 &&
                        fsync(fd) == 0;
        fprintf(stderr, "openndis port: cannot rewrite %s: %s; %s\n", path, strerror(err),
                restored ? keep : "its original text could not be written back either: restore it from version control");
        goto unlease;
    }
    rc = 0;
unlease:
    fcntl(fd, F_SETLEASE, F_UNLCK);
    sigaction(SIGIO, &old_sigio, NULL);
out:
    close(fd);
    return rc;
}
