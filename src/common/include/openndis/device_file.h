/* (Installed as openndis/device_file.h; in common because both the server, src/edge, and
 * programs read it.) A driver's device as a file: `openndis run --device-files DIR` puts one file per symbolic
 * link the driver made under DIR (a FUSE mount), and plain Linux programs use it with open,
 * read, write and this ioctl, no library needed (docs/control-devices.md):
 *
 *   int fd = open("/run/openndis/devices/MyDevice", O_RDWR);  // IRP_MJ_CREATE
 *   read(fd, frame, sizeof frame);                            // IRP_MJ_READ, blocks until completed
 *   write(fd, frame, n);                                      // IRP_MJ_WRITE
 *   struct openndis_device_ioctl io = { .code = MY_CTL_CODE, .in_len = 4, .out_len = 64 };
 *   memcpy(io.data, &value, 4);
 *   ioctl(fd, OPENNDIS_DEVICE_IOCTL, &io);   // IRP_MJ_DEVICE_CONTROL; io.status, io.information
 *   close(fd);                               // IRP_MJ_CLEANUP, IRP_MJ_CLOSE
 *
 * A read or write that the driver fails returns -1 with an errno for its NTSTATUS (EIO when
 * none fits); a signal cancels the pended IRP (EINTR). */
#ifndef OPENNDIS_DEVICE_FILE_H
#define OPENNDIS_DEVICE_FILE_H

#include <stdint.h>
#include <sys/ioctl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What fits in one ioctl: _IOC_SIZE is 14 bits. */
#define OPENNDIS_DEVICE_IOCTL_DATA 16352u

/* DeviceIoControl in one structure. In: code (a Windows CTL_CODE), in_len bytes of input at
 * data, out_len the output buffer's size (for METHOD_IN_DIRECT the output buffer's contents
 * follow the input, at data + in_len). Out: status (the NTSTATUS the driver completed with;
 * 0 is STATUS_SUCCESS), information (IoStatus.Information: the bytes of output at data). The
 * ioctl returns 0 once the driver completed the request, whatever its status; -1 with errno
 * EINVAL for lengths beyond data, EINTR when a signal cancelled it. METHOD_NEITHER codes
 * carry user addresses, which a file cannot: they get STATUS_NOT_SUPPORTED (use
 * libopenndis-client and its shared memory). */
struct openndis_device_ioctl {
    uint32_t code;
    uint32_t in_len;
    uint32_t out_len;
    uint32_t status;
    uint64_t information;
    uint8_t data[OPENNDIS_DEVICE_IOCTL_DATA];
};

#define OPENNDIS_DEVICE_IOCTL _IOWR('N', 0x01, struct openndis_device_ioctl)

#ifdef __cplusplus
}
#endif

#endif
