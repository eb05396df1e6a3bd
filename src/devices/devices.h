/* Built-in device models (openndis run --device NAME[,OPTIONS]). */
#ifndef OPENNDIS_DEVICES_H
#define OPENNDIS_DEVICES_H

#include <stdio.h>

#include "../common/include/openndis/device.h"

extern const struct openndis_device_model openndis_device_scratch;
extern const struct openndis_device_model openndis_device_virtio_net;

/* The built-in model called `name` (`length` bytes of it), or NULL. */
const struct openndis_device_model *devices_find(const char *name, size_t length);
/* One line per built-in model: its name and summary. */
void devices_list(FILE *out);

#endif
