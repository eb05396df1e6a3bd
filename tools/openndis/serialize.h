/* JSON for reports: the runtime returns plain structs and calls back; this turns them into
 * the report objects the command prints and the tests read. Only tools/ knows JSON. */
#ifndef OPENNDIS_SERIALIZE_H
#define OPENNDIS_SERIALIZE_H

#include "loader/ld.h"
#include "ndis/ndis.h"
#include "verifier/vf.h"

struct json_object;

struct json_object *violations_json(void);
struct json_object *faults_json(void);
struct json_object *location_json(const struct vf_location *loc);
struct json_object *adapter_json(struct ndis_adapter *adapter);
/* What an adapter (or several, summed) advertised of VMQ, RSS and QoS and what ran. */
struct json_object *hw_assist_json(const struct ndis_hw_assist_info *info);
/* Adds b's advertisements and counts to a's (verify reports both adapters as one). */
void hw_assist_sum(struct ndis_hw_assist_info *a, const struct ndis_hw_assist_info *b);
struct json_object *registrations_json(const struct ld_image *image);
struct json_object *exports_json(void);
/* "up", "down" or "unknown" */
const char *link_state_name(NDIS_MEDIA_CONNECT_STATE state);

#endif /* OPENNDIS_SERIALIZE_H */
