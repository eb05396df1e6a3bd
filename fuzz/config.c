/* The configuration file (INI) and INF readers: any file gets loaded or a clear error,
 * never a crash, and clearing leaves nothing behind. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ndis/ndis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int fd = memfd_create("openndis-fuzz-config", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
        close(fd);
        return 0;
    }
    char path[64], err[512] = "";
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    bool ok = (data[0] & 1) ? ndis_config_load_inf(path, err, sizeof err) : ndis_config_load(path, err, sizeof err);
    if (!ok && err[0] == '\0')
        __builtin_trap(); /* a refusal must say why */
    ndis_config_clear();
    close(fd);
    return 0;
}
