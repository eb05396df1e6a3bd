/* The sample's control device, as its user-mode clients see it: \\.\OpenNdisSample (NT name
 * \Device\OpenNdisSample). An open file is one more port on the sample's hub: a read takes the
 * next frame any adapter sent (it waits when there is none), a write puts a frame on the hub
 * for every adapter whose filter accepts it. Usable from user mode without the WDK headers. */
#ifndef SAMPLE_IOCTL_H
#define SAMPLE_IOCTL_H

#include <stdint.h>

#define SAMPLE_DEVICE_NAME "\\\\.\\OpenNdisSample"
#define SAMPLE_DEVICE_TYPE 0x8000u /* vendor range */
#define SAMPLE_CTL_CODE(function, method) ((SAMPLE_DEVICE_TYPE << 16) | (3u << 14) | ((function) << 2) | (method))
/* out: uint32_t, the control interface's version (0x00010000) */
#define IOCTL_SAMPLE_GET_VERSION SAMPLE_CTL_CODE(0x800u, 0u)
/* in: uint32_t adapter index; out: struct sample_stats */
#define IOCTL_SAMPLE_GET_STATS SAMPLE_CTL_CODE(0x801u, 0u)
/* in: struct sample_link; the adapter indicates the new media connect state */
#define IOCTL_SAMPLE_SET_LINK SAMPLE_CTL_CODE(0x802u, 0u)

#define SAMPLE_CONTROL_VERSION 0x00010000u

struct sample_stats {
    uint64_t frames_sent, frames_received, bytes_sent, bytes_received, frames_filtered;
    uint32_t link_up;
    uint32_t running;
};

struct sample_link {
    uint32_t adapter;
    uint32_t up;
};

#endif
