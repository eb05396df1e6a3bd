/* libopenndis-client: a Linux program as the user-mode half of an NDIS driver. What a
 * Windows program does with CreateFile, DeviceIoControl, ReadFile, WriteFile, CancelIoEx and
 * CloseHandle on a driver's device, done on a driver running under `openndis run --control
 * SOCKET`. Each connection is one client process to the driver (its own handles; its uid
 * decides what the devices' security descriptors let it open). Link with
 * `pkg-config --libs openndis-client`. docs/control-devices.md. */
#ifndef OPENNDIS_CLIENT_H
#define OPENNDIS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* NTSTATUS values as the driver's I/O manager answered them (0 is STATUS_SUCCESS). */
typedef uint32_t openndis_status;
#define OPENNDIS_STATUS_SUCCESS 0x00000000u
#define OPENNDIS_STATUS_PENDING 0x00000103u
#define OPENNDIS_STATUS_CANCELLED 0xC0000120u
#define OPENNDIS_STATUS_INVALID_HANDLE 0xC0000008u
#define OPENNDIS_STATUS_INVALID_PARAMETER 0xC000000Du
/* The connection to the server is gone (the run ended): no answer will come. */
#define OPENNDIS_STATUS_DISCONNECTED 0xC000020Cu /* STATUS_CONNECTION_DISCONNECTED */

/* Access rights for openndis_open (the Windows values). */
#define OPENNDIS_GENERIC_READ 0x80000000u
#define OPENNDIS_GENERIC_WRITE 0x40000000u
#define OPENNDIS_FILE_READ_DATA 0x0001u
#define OPENNDIS_FILE_WRITE_DATA 0x0002u

/* The most one request carries each way. */
#define OPENNDIS_MAX_TRANSFER (64u * 1024u)

typedef struct openndis_client openndis_client;

/* Connects to the `openndis run` serving at `socket_path` (NULL: the OPENNDIS_SOCKET
 * environment variable). NULL with errno set on failure. */
openndis_client *openndis_connect(const char *socket_path);
/* Ends the connection: the server cancels its outstanding requests and closes its handles
 * (the driver sees IRP_MJ_CLEANUP and IRP_MJ_CLOSE for each, as when a process exits). */
void openndis_disconnect(openndis_client *c);

/* Ends the connection from any thread while others wait in calls: they return
 * OPENNDIS_STATUS_DISCONNECTED. Then join them and call openndis_disconnect. */
void openndis_shutdown(openndis_client *c);

/* CreateFile. `name` as Windows programs write it: \\.\X, \\.\Global\X, \DosDevices\X,
 * \??\X or \Device\X. On success *handle is the new handle. */
openndis_status openndis_open(openndis_client *c, const char *name, uint32_t access, uint32_t *handle);
/* CloseHandle (it also cancels the handle's outstanding requests in the driver). */
openndis_status openndis_close(openndis_client *c, uint32_t handle);

/* Blocking forms: wait for the driver to complete the request. *returned (may be NULL) is
 * IoStatus.Information. Output is copied only for a success or warning status. A METHOD_NEITHER
 * control code (and any request to a device without buffered or direct I/O) hands the driver
 * the caller's own buffer addresses: they must lie in openndis_alloc_shared memory (the
 * driver then reads and writes them there), else the request ends with
 * STATUS_ACCESS_VIOLATION. */
openndis_status openndis_ioctl(openndis_client *c, uint32_t handle, uint32_t code, const void *in, size_t in_len,
                               void *out, size_t out_len, size_t *returned);
openndis_status openndis_read(openndis_client *c, uint32_t handle, void *buf, size_t len, size_t *returned);
openndis_status openndis_write(openndis_client *c, uint32_t handle, const void *buf, size_t len, size_t *returned);

/* Overlapped forms: the request is sent and its id returned (0 when it could not be sent;
 * errno says why). `out`/`buf` must stay valid until the request is reaped. */
uint64_t openndis_submit_ioctl(openndis_client *c, uint32_t handle, uint32_t code, const void *in, size_t in_len,
                               void *out, size_t out_len);
uint64_t openndis_submit_read(openndis_client *c, uint32_t handle, void *buf, size_t len);
uint64_t openndis_submit_write(openndis_client *c, uint32_t handle, const void *buf, size_t len);
/* CancelIoEx: asks the driver to cancel request `id` (0: all of the handle's). The request
 * still ends through openndis_reap, usually with OPENNDIS_STATUS_CANCELLED. */
int openndis_cancel(openndis_client *c, uint32_t handle, uint64_t id);
/* A file descriptor that polls readable when an answer may be waiting. */
int openndis_fd(const openndis_client *c);
/* Takes one finished overlapped request: 1 with its id, status and Information; 0 when none is
 * finished (wait = 0) ; -1 when the connection is gone. With wait != 0, blocks until one is. */
int openndis_reap(openndis_client *c, int wait, uint64_t *id, openndis_status *status, size_t *returned);

/* Memory the driver sees at the same address (for requests that carry pointers, such as
 * Wintun's ring registration): `len` bytes, zeroed, page aligned, in this connection's slice of
 * the window the server reserves; NULL with errno on failure. It stays until the connection
 * ends (the driver may keep it locked longer). */
void *openndis_alloc_shared(openndis_client *c, size_t len);
/* Gives the driver an eventfd as an Event object in this client's handle table (CreateEvent
 * and passing the handle in a request): *handle is the value to put in requests. The driver's
 * KeSetEvent makes the eventfd readable; writing 1 to it is SetEvent. `auto_reset` as
 * CreateEvent's bManualReset == FALSE. The eventfd stays the caller's. */
openndis_status openndis_share_event(openndis_client *c, int eventfd, int auto_reset, uint64_t *handle);

/* What the server exposes: one line per device (its name, links, open files). Returns the
 * length written into text (NUL-terminated, truncated to cap). */
openndis_status openndis_devices(openndis_client *c, char *text, size_t cap, size_t *len);

/* The name of a status value ("STATUS_SUCCESS"), or NULL when this library does not know it. */
const char *openndis_status_name(openndis_status s);

#ifdef __cplusplus
}
#endif

#endif
