/* The control socket's protocol between `openndis run` (src/edge/control.c) and
 * libopenndis-client (src/client/client.c). A SOCK_SEQPACKET Unix socket: one message per
 * request or answer, a fixed header and its payload; file descriptors (memory, events) ride
 * along as SCM_RIGHTS. Both ends are built from this one header, so there is one version.
 *
 *   client                          server
 *   ------                          WELCOME   (on connect: version, the client's pid as seen,
 *                                              its slice of the shared-memory window)
 *   SHARE   address, length + memfd COMPLETE  status (mapped at the same address in the driver)
 *   EVENT   auto-reset? + eventfd   COMPLETE  status, information: the event's HANDLE
 *   OPEN    access, name            COMPLETE  status, handle
 *   IOCTL   handle, code, lengths   COMPLETE  status, information, output bytes
 *   READ    handle, length          COMPLETE  status, information, the bytes read
 *   WRITE   handle, bytes           COMPLETE  status, information
 *   CANCEL  handle, target tag      (the target's own COMPLETE, if it was outstanding)
 *   CLOSE   handle                  COMPLETE  status
 *   DEVICES                         COMPLETE  text: one line per device and its open files
 *
 * Every request carries a tag the client chose; its COMPLETE carries it back. Answers may
 * come in any order: requests the driver pends finish when it completes them. */
#ifndef OPENNDIS_COMMON_WIRE_H
#define OPENNDIS_COMMON_WIRE_H

#include <stdint.h>

#define WIRE_MAGIC 0x57444e4fu /* "ONDW" */
#define WIRE_VERSION 1
/* The largest payload of one message: requests carry at most this much each way. */
#define WIRE_MAX_DATA (64u * 1024u)
#define WIRE_MAX_NAME 255u

enum wire_type {
    WIRE_WELCOME = 1,
    WIRE_OPEN,
    WIRE_IOCTL,
    WIRE_READ,
    WIRE_WRITE,
    WIRE_CANCEL,
    WIRE_CLOSE,
    WIRE_DEVICES,
    WIRE_COMPLETE,
    WIRE_SHARE,
    WIRE_EVENT,
};

struct wire_header {
    uint32_t magic;
    uint16_t version;
    uint16_t type;
    uint64_t tag;
    uint32_t handle;
    uint32_t length; /* payload bytes after the fixed part of this type */
};

struct wire_open {
    struct wire_header h;
    uint32_t access; /* FILE_READ_DATA, FILE_WRITE_DATA, GENERIC_* */
    uint32_t reserved;
    /* then h.length bytes of name, no NUL */
};

struct wire_ioctl {
    struct wire_header h;
    uint32_t code;
    uint32_t out_len;   /* output buffer size */
    uint32_t in_len;    /* input bytes that follow (none for METHOD_NEITHER: see the addresses) */
    uint32_t out_in;    /* METHOD_IN_DIRECT: 1 when the output buffer's contents follow the input */
    uint64_t in_addr;   /* the client's buffers, when they lie in memory it shared: what neither */
    uint64_t out_addr;  /* I/O hands the driver; 0 otherwise */
    /* then in_len input bytes, then (out_in) out_len bytes */
};

struct wire_read {
    struct wire_header h;
    uint32_t length;
    uint32_t reserved;
    uint64_t address;   /* as in_addr/out_addr above */
};

struct wire_write {
    struct wire_header h; /* h.length: the bytes that follow */
    uint64_t address;
};

struct wire_cancel {
    struct wire_header h;
    uint64_t target; /* the tag of the request to cancel; 0: all of the handle's */
};

struct wire_welcome {
    struct wire_header h;
    uint32_t pid;        /* the client as the server sees it */
    uint32_t server_pid;
    uint64_t window;     /* the client's slice of the shared window: memory it shares goes there */
    uint64_t window_size;
};

struct wire_share {
    struct wire_header h; /* with one file descriptor: a memfd of at least `length` bytes */
    uint64_t address;     /* page aligned, inside the client's slice, where the client mapped it */
    uint64_t length;
    uint32_t writable;
    uint32_t reserved;
};

struct wire_event {
    struct wire_header h; /* with one file descriptor: an eventfd */
    uint32_t synchronization; /* 1: auto-reset (CreateEvent bManualReset FALSE) */
    uint32_t reserved;
};

struct wire_complete {
    struct wire_header h; /* tag: the request's; handle: OPEN's new handle */
    uint32_t status;      /* an NTSTATUS */
    uint32_t reserved;
    uint64_t information; /* IoStatus.Information */
    /* then h.length bytes of output */
};

#define WIRE_HEADER_INIT(type_, tag_, handle_, length_) \
    ((struct wire_header){ WIRE_MAGIC, WIRE_VERSION, (type_), (tag_), (handle_), (length_) })

#endif
