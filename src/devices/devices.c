/* The device models OpenNDIS carries, by name. */
#include <string.h>

#include "devices.h"

static const struct openndis_device_model *const devices_all[] = { &openndis_device_scratch, &openndis_device_virtio_net };

const struct openndis_device_model *devices_find(const char *name, size_t length)
{
    for (size_t i = 0; i < sizeof devices_all / sizeof devices_all[0]; i++)
        if (strlen(devices_all[i]->name) == length && memcmp(devices_all[i]->name, name, length) == 0)
            return devices_all[i];
    return NULL;
}

void devices_list(FILE *out)
{
    for (size_t i = 0; i < sizeof devices_all / sizeof devices_all[0]; i++)
        fprintf(out, "  %-10s %s\n", devices_all[i]->name, devices_all[i]->summary);
}
