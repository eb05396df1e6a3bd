/* Reading a driver's source: a regular text file of bounded size, read once. libclang parses
 * these bytes (an unsaved-file overlay), not the path, so what was checked here is what is
 * parsed, and what --in-place later compares the file against. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "port.h"

static const char *file_kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* Text, as C sources are: no NUL, and no control byte but tab, newline, vertical tab, form
 * feed, carriage return and the ^Z old DOS editors left at the end. */
static bool text_byte(unsigned char c)
{
    return c >= 0x20 || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0x1a;
}

int port_read_source(const char *path, struct port_source *src, char *why, size_t why_len)
{
    memset(src, 0, sizeof *src);
    /* O_NONBLOCK: opening a FIFO must not wait for a writer before it can be refused. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, why_len, "cannot read %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_len, "%s is %s, not a C source file; name the driver's .c files", path,
                 file_kind(st.st_mode));
        close(fd);
        return -1;
    }
    if (st.st_size > PORT_MAX_SOURCE) {
        snprintf(why, why_len, "%s is %lld bytes; openndis port reads sources of at most %u MiB",
                 path, (long long)st.st_size, PORT_MAX_SOURCE >> 20);
        close(fd);
        return -1;
    }
    /* The size is only a hint (the file may grow): read at most one byte past the limit. */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (!buf) {
            snprintf(why, why_len, "cannot read %s: out of memory", path);
            close(fd);
            return -1;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(why, why_len, "cannot read %s: %s", path, strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > PORT_MAX_SOURCE) {
            snprintf(why, why_len, "%s grew past %u MiB while it was read; openndis port reads sources of at most %u MiB",
                     path, PORT_MAX_SOURCE >> 20, PORT_MAX_SOURCE >> 20);
            free(buf);
            close(fd);
            return -1;
        }
        if (n == cap) {
            cap = cap * 2 > PORT_MAX_SOURCE + 1 ? PORT_MAX_SOURCE + 1 : cap * 2;
            char *grown = realloc(buf, cap + 1);
            if (!grown)
                free(buf);
            buf = grown;
        }
    }
    close(fd);
    for (size_t i = 0; i < n; i++)
        if (!text_byte((unsigned char)buf[i])) {
            snprintf(why, why_len, "%s is not text (byte 0x%02x at offset %zu): openndis port reads C source files",
                     path, (unsigned char)buf[i], i);
            free(buf);
            return -1;
        }
    buf[n] = '\0';
    src->path = (char *)path;
    src->text = buf;
    src->len = n;
    return 0;
}
