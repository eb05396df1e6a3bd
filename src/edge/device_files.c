/* The driver's devices as files (`openndis run --device-files DIR`): a FUSE mount with one
 * file per symbolic link the driver made, so that plain Linux programs open, read, write and
 * ioctl them (include/openndis/device_file.h, docs/control-devices.md). Each open is a client
 * process of its own to the driver, with the opener's pid, uid and gid; each read, write and
 * ioctl an IRP (irp.c) whose completion, on whichever thread the driver completes it, is the
 * system call's answer. A signal to the caller cancels its IRP.
 *
 * One thread serves the mount. Closing: the loop stops, every file still open is cancelled
 * and closed (their answers sent while the session is alive), then the mount goes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>

#include "edge.h"
#include "../kernel/irp.h"
#include "../common/include/openndis/device_file.h"

#define DF_MAX_NAMES 256  /* link names given an inode number, for the mount's life */
#define DF_NAME_MAX 200

struct df_open {
    struct device_files *owner;
    struct ke_process *process;
    struct ke_file *file;
    struct df_open *next; /* in owner->opens, under owner->lock */
    unsigned cancelling;  /* interrupt callbacks cancelling on it now (owner->lock) */
    bool closing;         /* released: no more cancels start (owner->lock) */
};

struct df_pending;

struct device_files {
    struct fuse_session *session;
    char dir[4096];
    int stop; /* eventfd */
    pthread_t thread;
    pthread_mutex_t lock; /* names, opens */
    char names[DF_MAX_NAMES][DF_NAME_MAX];
    unsigned nnames;
    struct df_open *opens;
    struct df_pending *pending; /* requests the driver has, under lock */
    pthread_cond_t cancelled;   /* an open's `cancelling` went down */
    atomic_uint_fast64_t next_tag;
};

/* A request the driver has: the FUSE request to answer, and for ioctls the structure whose
 * status and output go back. */
struct df_pending {
    fuse_req_t req;
    struct df_open *open;
    uint64_t tag;
    UCHAR major;
    struct openndis_device_ioctl *io; /* IRP_MJ_DEVICE_CONTROL only */
    struct df_pending *prev, *next;   /* in owner->pending */
};

/* ---- names --------------------------------------------------------------------------------- */

/* The file name of a link: "\??\X" is X. Links whose name a file cannot carry ('/', or not
 * printable ASCII) are not shown. */
static bool df_file_name(const char *link, char *out, size_t cap)
{
    if (strncmp(link, "\\??\\", 4) != 0)
        return false;
    link += 4;
    size_t n = strlen(link);
    if (n == 0 || n >= cap || strchr(link, '/') || strchr(link, '?') || !strcmp(link, ".") || !strcmp(link, ".."))
        return false;
    memcpy(out, link, n + 1);
    return true;
}

struct df_list {
    char names[64][DF_NAME_MAX];
    unsigned n;
};

static void df_collect(const char *link, void *arg)
{
    struct df_list *l = arg;
    if (l->n < 64 && df_file_name(link, l->names[l->n], DF_NAME_MAX))
        l->n++;
}

static bool df_exists(const char *name)
{
    struct df_list l = { .n = 0 };
    ke_io_links_each(df_collect, &l);
    for (unsigned i = 0; i < l.n; i++)
        if (strcmp(l.names[i], name) == 0)
            return true;
    return false;
}

/* The inode of a name: 2 + its slot, kept for the mount's life so that numbers stay stable. */
static fuse_ino_t df_ino(struct device_files *df, const char *name)
{
    fuse_ino_t ino = 0;
    pthread_mutex_lock(&df->lock);
    for (unsigned i = 0; i < df->nnames && !ino; i++)
        if (strcmp(df->names[i], name) == 0)
            ino = 2 + i;
    if (!ino && df->nnames < DF_MAX_NAMES) {
        snprintf(df->names[df->nnames], DF_NAME_MAX, "%s", name);
        ino = 2 + df->nnames++;
    }
    pthread_mutex_unlock(&df->lock);
    return ino;
}

static bool df_name_of(struct device_files *df, fuse_ino_t ino, char *out)
{
    bool ok = false;
    pthread_mutex_lock(&df->lock);
    if (ino >= 2 && ino - 2 < df->nnames) {
        memcpy(out, df->names[ino - 2], DF_NAME_MAX);
        ok = true;
    }
    pthread_mutex_unlock(&df->lock);
    return ok && df_exists(out);
}

static void df_attr(fuse_ino_t ino, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    if (ino == FUSE_ROOT_ID) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
    } else {
        st->st_mode = S_IFREG | 0666; /* the device's security descriptor decides, at open */
        st->st_nlink = 1;
    }
}

/* ---- statuses ------------------------------------------------------------------------------- */

static int df_errno(NTSTATUS s)
{
    switch ((ULONG)s) {
    case STATUS_CANCELLED: return EINTR;
    case STATUS_INVALID_PARAMETER:
    case STATUS_INVALID_DEVICE_REQUEST: return EINVAL;
    case STATUS_ACCESS_DENIED: return EACCES;
    case STATUS_INSUFFICIENT_RESOURCES:
    case STATUS_NO_MEMORY: return ENOMEM;
    case STATUS_BUFFER_TOO_SMALL: return ENOBUFS;
    case STATUS_NOT_SUPPORTED:
    case STATUS_NOT_IMPLEMENTED: return EOPNOTSUPP;
    case STATUS_DEVICE_NOT_READY: return EAGAIN;
    case STATUS_DEVICE_NOT_CONNECTED: return ENOTCONN;
    case STATUS_OBJECT_NAME_NOT_FOUND: return ENOENT;
    case STATUS_NO_SUCH_DEVICE: return ENODEV;
    case STATUS_SHARING_VIOLATION: return EBUSY;
    case STATUS_INVALID_HANDLE: return EBADF;
    default: return EIO;
    }
}

/* ---- requests -------------------------------------------------------------------------------- */

static void df_unlink(struct device_files *df, struct df_pending *p)
{
    pthread_mutex_lock(&df->lock);
    if (p->prev)
        p->prev->next = p->next;
    else
        df->pending = p->next;
    if (p->next)
        p->next->prev = p->prev;
    pthread_mutex_unlock(&df->lock);
}

static void df_done(void *context, NTSTATUS status, ULONG_PTR information, const void *out, size_t out_len)
{
    struct df_pending *p = context;
    df_unlink(p->open->owner, p); /* an interrupt arriving now finds nothing to cancel */
    bool data = NT_SUCCESS(status) || status == STATUS_BUFFER_OVERFLOW; /* ERROR_MORE_DATA: data too */
    switch (p->major) {
    case IRP_MJ_READ:
        if (data || status == STATUS_END_OF_FILE)
            fuse_reply_buf(p->req, out, data ? out_len : 0);
        else
            fuse_reply_err(p->req, df_errno(status));
        break;
    case IRP_MJ_WRITE:
        if (data)
            fuse_reply_write(p->req, information);
        else
            fuse_reply_err(p->req, df_errno(status));
        break;
    default: {
        struct openndis_device_ioctl *io = p->io;
        size_t n = out_len < sizeof io->data ? out_len : sizeof io->data;
        io->status = (uint32_t)status;
        io->information = information;
        if (n)
            memcpy(io->data, out, n);
        if (status == STATUS_CANCELLED)
            fuse_reply_err(p->req, EINTR);
        else
            fuse_reply_ioctl(p->req, 0, io, sizeof *io);
        free(io);
        break;
    }
    }
    free(p);
}

/* A signal to the caller: its IRP is cancelled. `data` is looked up among the requests still
 * pending, never dereferenced before: libfuse may call this while the request completes. */
static void df_interrupted(fuse_req_t req, void *data)
{
    struct device_files *df = fuse_req_userdata(req);
    struct df_open *o = NULL;
    uint64_t tag = 0;
    pthread_mutex_lock(&df->lock);
    for (struct df_pending *p = df->pending; p != NULL; p = p->next)
        if (p == data && !p->open->closing) {
            o = p->open;
            tag = p->tag;
            o->cancelling++;
            break;
        }
    pthread_mutex_unlock(&df->lock);
    if (o == NULL)
        return;
    ke_io_cancel(o->file, tag, false);
    pthread_mutex_lock(&df->lock);
    o->cancelling--;
    pthread_cond_broadcast(&df->cancelled);
    pthread_mutex_unlock(&df->lock);
}

static void df_submit(fuse_req_t req, struct df_open *o, struct ke_io_request *r, struct openndis_device_ioctl *io)
{
    struct device_files *df = o->owner;
    struct df_pending *p = malloc(sizeof *p);
    if (p == NULL) {
        free(io);
        fuse_reply_err(req, ENOMEM);
        return;
    }
    *p = (struct df_pending){ req, o, atomic_fetch_add(&df->next_tag, 1) + 1, r->major, io, NULL, NULL };
    pthread_mutex_lock(&df->lock);
    p->next = df->pending;
    if (df->pending)
        df->pending->prev = p;
    df->pending = p;
    pthread_mutex_unlock(&df->lock);
    r->tag = p->tag;
    r->done = df_done;
    r->context = p;
    /* before the submit, which may complete it at once: a signal that came already cancels a
     * tag not yet outstanding, and the request then runs to its end */
    fuse_req_interrupt_func(req, df_interrupted, p);
    ke_io_submit(o->file, r);
}

/* ---- the file system --------------------------------------------------------------------------- */

static void df_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    struct device_files *df = fuse_req_userdata(req);
    fuse_ino_t ino;
    if (parent != FUSE_ROOT_ID || !df_exists(name) || (ino = df_ino(df, name)) == 0) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    struct fuse_entry_param e = { .ino = ino, .attr_timeout = 0, .entry_timeout = 0 };
    df_attr(ino, &e.attr);
    fuse_reply_entry(req, &e);
}

static void df_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)fi;
    struct device_files *df = fuse_req_userdata(req);
    char name[DF_NAME_MAX];
    if (ino != FUSE_ROOT_ID && !df_name_of(df, ino, name)) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    struct stat st;
    df_attr(ino, &st);
    fuse_reply_attr(req, &st, 0);
}

static void df_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    struct device_files *df = fuse_req_userdata(req);
    if (ino != FUSE_ROOT_ID) {
        fuse_reply_err(req, ENOTDIR);
        return;
    }
    struct df_list l = { .n = 0 };
    ke_io_links_each(df_collect, &l);
    char *buf = calloc(1, size);
    if (buf == NULL) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    size_t used = 0;
    for (off_t i = off; i < (off_t)l.n + 2; i++) {
        const char *name = i == 0 ? "." : i == 1 ? ".." : l.names[i - 2];
        struct stat st;
        df_attr(i < 2 ? FUSE_ROOT_ID : df_ino(df, name), &st);
        size_t need = fuse_add_direntry(req, buf + used, size - used, name, &st, i + 1);
        if (need > size - used)
            break;
        used += need;
    }
    fuse_reply_buf(req, buf, used);
    free(buf);
}

/* As when the opener's process dies: its requests cancelled, CLEANUP, the outstanding ones
 * answered, CLOSE; then its process ends. */
static void df_close(struct df_open *o)
{
    ke_io_cancel(o->file, 0, true);
    ke_io_close(o->file);
    ke_process_destroy(o->process);
    free(o);
}

static void df_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct device_files *df = fuse_req_userdata(req);
    char name[DF_NAME_MAX], object[DF_NAME_MAX + 8];
    if (!df_name_of(df, ino, name)) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    const struct fuse_ctx *who = fuse_req_ctx(req);
    struct df_open *o = calloc(1, sizeof *o);
    if (o == NULL || (o->process = ke_process_create(who->pid, who->uid, who->gid, "device file")) == NULL) {
        free(o);
        fuse_reply_err(req, ENOMEM);
        return;
    }
    int mode = fi->flags & O_ACCMODE;
    ACCESS_MASK access = (mode == O_RDONLY ? GENERIC_READ : mode == O_WRONLY ? GENERIC_WRITE
                                                                             : GENERIC_READ | GENERIC_WRITE);
    snprintf(object, sizeof object, "\\??\\%s", name);
    NTSTATUS s = ke_io_open(o->process, object, access, &o->file);
    if (!NT_SUCCESS(s)) {
        ke_process_destroy(o->process);
        free(o);
        fuse_reply_err(req, df_errno(s));
        return;
    }
    o->owner = df;
    pthread_mutex_lock(&df->lock);
    o->next = df->opens;
    df->opens = o;
    pthread_mutex_unlock(&df->lock);
    fi->fh = (uint64_t)(uintptr_t)o;
    fi->direct_io = 1; /* every read and write reaches the driver, at the size asked */
    fi->nonseekable = 1;
    if (fuse_reply_open(req, fi) == -ENOENT) { /* the opener is gone: close again */
        pthread_mutex_lock(&df->lock);
        for (struct df_open **pp = &df->opens; *pp; pp = &(*pp)->next)
            if (*pp == o) {
                *pp = o->next;
                break;
            }
        pthread_mutex_unlock(&df->lock);
        df_close(o);
    }
}

static struct df_open *df_file(struct fuse_file_info *fi)
{
    return (struct df_open *)(uintptr_t)fi->fh;
}

static void df_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)ino, (void)off;
    struct ke_io_request r = { .major = IRP_MJ_READ, .out_len = size < KE_IO_MAX_BUFFER ? size : KE_IO_MAX_BUFFER };
    df_submit(req, df_file(fi), &r, NULL);
}

static void df_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
    (void)ino, (void)off;
    if (size > KE_IO_MAX_BUFFER) {
        fuse_reply_err(req, EFBIG);
        return;
    }
    struct ke_io_request r = { .major = IRP_MJ_WRITE, .in = buf, .in_len = size };
    df_submit(req, df_file(fi), &r, NULL); /* irp.c copies the bytes before it returns */
}

static void df_ioctl(fuse_req_t req, fuse_ino_t ino, int cmd, void *arg, struct fuse_file_info *fi,
                     unsigned flags, const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
    (void)ino, (void)arg, (void)flags;
    if ((unsigned)cmd != OPENNDIS_DEVICE_IOCTL) {
        fuse_reply_err(req, ENOTTY);
        return;
    }
    if (in_bufsz != sizeof(struct openndis_device_ioctl) || out_bufsz != sizeof(struct openndis_device_ioctl)) {
        fuse_reply_err(req, EINVAL);
        return;
    }
    struct openndis_device_ioctl *io = malloc(sizeof *io);
    if (io == NULL) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    memcpy(io, in_buf, sizeof *io);
    ULONG method = io->code & 3;
    size_t need = (size_t)io->in_len + (method == METHOD_IN_DIRECT ? io->out_len : 0);
    if (io->in_len > sizeof io->data || io->out_len > sizeof io->data || need > sizeof io->data) {
        free(io);
        fuse_reply_err(req, EINVAL);
        return;
    }
    if (method == METHOD_NEITHER) { /* user addresses, which a file cannot carry */
        io->status = (uint32_t)STATUS_NOT_SUPPORTED;
        io->information = 0;
        fuse_reply_ioctl(req, 0, io, sizeof *io);
        free(io);
        return;
    }
    struct ke_io_request r = { .major = IRP_MJ_DEVICE_CONTROL, .code = io->code, .in = io->data,
                               .in_len = io->in_len, .out_len = io->out_len,
                               .out_in = method == METHOD_IN_DIRECT ? io->data + io->in_len : NULL };
    df_submit(req, df_file(fi), &r, io);
}

static void df_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    struct device_files *df = fuse_req_userdata(req);
    struct df_open *o = df_file(fi);
    pthread_mutex_lock(&df->lock);
    for (struct df_open **pp = &df->opens; *pp; pp = &(*pp)->next)
        if (*pp == o) {
            *pp = o->next;
            break;
        }
    o->closing = true;
    while (o->cancelling)
        pthread_cond_wait(&df->cancelled, &df->lock);
    pthread_mutex_unlock(&df->lock);
    df_close(o);
    fuse_reply_err(req, 0);
}

static const struct fuse_lowlevel_ops df_ops = {
    .lookup = df_lookup,
    .getattr = df_getattr,
    .readdir = df_readdir,
    .open = df_open,
    .read = df_read,
    .write = df_write,
    .ioctl = df_ioctl,
    .release = df_release,
};

static void *df_thread(void *arg)
{
    struct device_files *df = arg;
    struct fuse_buf buf = { .mem = NULL };
    for (;;) {
        struct pollfd p[2] = { { fuse_session_fd(df->session), POLLIN, 0 }, { df->stop, POLLIN, 0 } };
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            break;
        int n = fuse_session_receive_buf(df->session, &buf);
        if (n == -EINTR || n == -EAGAIN)
            continue;
        if (n <= 0 || fuse_session_exited(df->session))
            break;
        fuse_session_process_buf(df->session, &buf);
    }
    free(buf.mem);
    return NULL;
}

/* ---- the mount ----------------------------------------------------------------------------------- */

bool edge_device_files_usable(const char *dir, char *err, size_t len)
{
    struct stat st;
    if (lstat(dir, &st) != 0) {
        snprintf(err, len, "--device-files %s: %s", dir, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, len, "--device-files %s: not a directory%s", dir, S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
        return false;
    }
    DIR *d = opendir(dir);
    bool empty = d != NULL;
    for (struct dirent *e; d && empty && (e = readdir(d));)
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    if (!empty)
        snprintf(err, len, "--device-files %s: not an empty directory (the mount would hide what is there)", dir);
    else if (access("/dev/fuse", R_OK | W_OK) != 0)
        snprintf(err, len, "--device-files: /dev/fuse: %s (FUSE is needed to serve files)", strerror(errno));
    return empty && access("/dev/fuse", R_OK | W_OK) == 0;
}

static void df_free(struct device_files *df, bool mounted)
{
    if (df->session != NULL) {
        if (mounted)
            fuse_session_unmount(df->session);
        fuse_session_destroy(df->session);
    }
    if (df->stop >= 0)
        close(df->stop);
    pthread_cond_destroy(&df->cancelled);
    pthread_mutex_destroy(&df->lock);
    free(df);
}

struct device_files *edge_device_files_mount(const char *dir, char *err, size_t len)
{
    if (!edge_device_files_usable(dir, err, len))
        return NULL;
    struct device_files *df = calloc(1, sizeof *df);
    if (df == NULL) {
        snprintf(err, len, "--device-files: out of memory");
        return NULL;
    }
    snprintf(df->dir, sizeof df->dir, "%s", dir);
    pthread_mutex_init(&df->lock, NULL);
    pthread_cond_init(&df->cancelled, NULL);
    /* allow_other: the devices' security descriptors decide who opens them, as on Windows */
    char *argv[] = { "openndis", "-o", "fsname=openndis,subtype=openndis,allow_other", NULL };
    struct fuse_args args = FUSE_ARGS_INIT(3, argv);
    df->stop = eventfd(0, EFD_CLOEXEC);
    df->session = df->stop >= 0 ? fuse_session_new(&args, &df_ops, sizeof df_ops, df) : NULL;
    if (df->session == NULL || fuse_session_mount(df->session, dir) != 0) {
        snprintf(err, len, "--device-files %s: cannot mount it (FUSE: /dev/fuse and root, or fusermount3)", dir);
        df_free(df, false);
        return NULL;
    }
    if (pthread_create(&df->thread, NULL, df_thread, df) != 0) {
        snprintf(err, len, "--device-files: cannot start its thread");
        df_free(df, true);
        return NULL;
    }
    return df;
}

void edge_device_files_unmount(struct device_files *df)
{
    if (df == NULL)
        return;
    uint64_t one = 1;
    if (write(df->stop, &one, sizeof one) < 0)
        pthread_cancel(df->thread); /* cannot happen with an eventfd; never left running */
    pthread_join(df->thread, NULL);
    /* what is still open is closed as when its processes die: answers go out first */
    for (;;) {
        pthread_mutex_lock(&df->lock);
        struct df_open *o = df->opens;
        if (o != NULL)
            df->opens = o->next;
        pthread_mutex_unlock(&df->lock);
        if (o == NULL)
            break;
        df_close(o);
    }
    df_free(df, true);
}
