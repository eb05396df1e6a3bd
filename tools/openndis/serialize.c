/* JSON for reports, from the runtime's structs (serialize.h). The field names and their
 * order are the report format docs/cli.md describes and the tests read. */
#include <stdio.h>

#include <json-c/json.h>

#include "serialize.h"

struct json_object *location_json(const struct vf_location *loc)
{
    struct json_object *o = json_object_new_object();
    char addr[32];

    if (loc->file[0]) {
        json_object_object_add(o, "file", json_object_new_string(loc->file));
        json_object_object_add(o, "line", json_object_new_int(loc->line));
    }
    if (loc->function[0])
        json_object_object_add(o, "function", json_object_new_string(loc->function));
    if (loc->module[0])
        json_object_object_add(o, "module", json_object_new_string(loc->module));
    if (loc->address) {
        snprintf(addr, sizeof addr, "%p", loc->address);
        json_object_object_add(o, "address", json_object_new_string(addr));
    }
    if (loc->in_image) {
        snprintf(addr, sizeof addr, "0x%llx", loc->rva);
        json_object_object_add(o, "rva", json_object_new_string(addr));
        if (loc->entry)
            json_object_object_add(o, "entry", json_object_new_boolean(true));
    }
    return o;
}

static void violation_add(const struct vf_violation *v, void *list)
{
    const struct vf_rule *rule = vf_rule(v->rule);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "rule", json_object_new_string(rule->id));
    json_object_object_add(o, "name", json_object_new_string(rule->name));
    json_object_object_add(o, "severity", json_object_new_string(rule->severity == VF_ERROR ? "error" : "warning"));
    json_object_object_add(o, "function", json_object_new_string(v->function));
    json_object_object_add(o, "message", json_object_new_string(v->message));
    json_object_object_add(o, "reference", json_object_new_string(rule->reference));
    json_object_object_add(o, "location", location_json(&v->where));
    json_object_array_add(list, o);
}

struct json_object *violations_json(void)
{
    struct json_object *list = json_object_new_array();
    vf_violations_each(violation_add, list);
    return list;
}

static void injection_add(const struct vf_injection *f, void *list)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "call", json_object_new_uint64(f->call));
    json_object_object_add(o, "function", json_object_new_string(f->function));
    if (f->has_stack) {
        char hex[20];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)f->stack);
        json_object_object_add(o, "stack", json_object_new_string(hex));
    }
    json_object_object_add(o, "location", location_json(&f->where));
    json_object_array_add(list, o);
}

struct json_object *faults_json(void)
{
    struct json_object *o = json_object_new_object(), *injected = json_object_new_array();
    struct vf_fault_summary s;

    vf_faults_summary(&s);
    switch (s.mode) {
    case VF_FAULTS_UNIQUE_STACKS:
        json_object_object_add(o, "unique_stacks_known", json_object_new_uint64(s.unique_stacks_known));
        break;
    case VF_FAULTS_RANDOM:
        json_object_object_add(o, "random_seed", json_object_new_uint64(s.random_seed));
        json_object_object_add(o, "random_rate", json_object_new_double(s.random_rate));
        break;
    case VF_FAULTS_NTH:
        json_object_object_add(o, "fail_nth", json_object_new_uint64(s.fail_nth));
        break;
    }
    json_object_object_add(o, "fallible_calls", json_object_new_uint64(s.fallible_calls));
    vf_faults_each(injection_add, injected);
    json_object_object_add(o, "injected", injected);
    return o;
}

const char *link_state_name(NDIS_MEDIA_CONNECT_STATE state)
{
    return state == MediaConnectStateConnected ? "up" : state == MediaConnectStateDisconnected ? "down" : "unknown";
}

struct json_object *hw_assist_json(const struct ndis_hw_assist_info *info)
{
    struct json_object *h = json_object_new_object();
    json_object_object_add(h, "vmq", json_object_new_boolean(info->vmq));
    json_object_object_add(h, "rss", json_object_new_boolean(info->rss));
    json_object_object_add(h, "qos", json_object_new_boolean(info->qos));
    json_object_object_add(h, "queues_allocated", json_object_new_int((int)info->queues_allocated));
    json_object_object_add(h, "filters_set", json_object_new_int((int)info->filters_set));
    json_object_object_add(h, "queue_frames", json_object_new_uint64(info->queue_frames));
    json_object_object_add(h, "rss_parameters_set", json_object_new_int((int)info->rss_set));
    json_object_object_add(h, "hashed_frames", json_object_new_uint64(info->hashed_frames));
    json_object_object_add(h, "steered_frames", json_object_new_uint64(info->steered_frames));
    json_object_object_add(h, "rss_processors", json_object_new_int((int)info->rss_processors));
    json_object_object_add(h, "qos_parameters_set", json_object_new_int((int)info->qos_set));
    json_object_object_add(h, "poll_objects", json_object_new_int((int)info->polls_registered));
    json_object_object_add(h, "poll_iterations", json_object_new_uint64(info->poll_iterations));
    json_object_object_add(h, "poll_passive_iterations", json_object_new_uint64(info->poll_passive));
    json_object_object_add(h, "poll_indicated", json_object_new_uint64(info->poll_indicated));
    json_object_object_add(h, "poll_completed", json_object_new_uint64(info->poll_completed));
    if (info->interrupt_registered) {
        struct json_object *i = json_object_new_object();
        json_object_object_add(i, "messages", json_object_new_int((int)info->interrupt_messages));
        json_object_object_add(i, "raised", json_object_new_uint64(info->interrupts_raised));
        json_object_object_add(i, "serviced", json_object_new_uint64(info->interrupts_serviced));
        json_object_object_add(i, "claimed", json_object_new_uint64(info->interrupts_claimed));
        json_object_object_add(h, "interrupts", i);
    }
    return h;
}

void hw_assist_sum(struct ndis_hw_assist_info *a, const struct ndis_hw_assist_info *b)
{
    a->vmq |= b->vmq, a->rss |= b->rss, a->qos |= b->qos;
    a->queues_allocated += b->queues_allocated, a->filters_set += b->filters_set;
    a->rss_set += b->rss_set, a->qos_set += b->qos_set;
    a->queue_frames += b->queue_frames, a->hashed_frames += b->hashed_frames;
    a->steered_frames += b->steered_frames;
    a->polls_registered += b->polls_registered, a->poll_iterations += b->poll_iterations;
    a->poll_passive += b->poll_passive, a->poll_indicated += b->poll_indicated;
    a->poll_completed += b->poll_completed;
    if (b->rss_processors > a->rss_processors)
        a->rss_processors = b->rss_processors;
}

struct json_object *adapter_json(struct ndis_adapter *adapter)
{
    struct json_object *o = json_object_new_object();
    struct ndis_adapter_stats s;
    char mac[3 * NDIS_MAX_PHYS_ADDRESS_LENGTH + 1] = "";

    ndis_adapter_stats(adapter, &s);
    for (unsigned i = 0, at = 0; i < s.mac_length; i++)
        at += (unsigned)snprintf(mac + at, sizeof mac - at, "%s%02x", i ? ":" : "", s.mac[i]);
    json_object_object_add(o, "index", json_object_new_int((int)s.index));
    json_object_object_add(o, "state", json_object_new_string(ndis_state_name(s.state)));
    json_object_object_add(o, "mac", json_object_new_string(mac));
    json_object_object_add(o, "mtu", json_object_new_int((int)s.mtu));
    json_object_object_add(o, "link", json_object_new_string(link_state_name(s.link)));
    json_object_object_add(o, "sent_frames", json_object_new_uint64(s.sent_frames));
    json_object_object_add(o, "sent_bytes", json_object_new_uint64(s.sent_bytes));
    json_object_object_add(o, "received_frames", json_object_new_uint64(s.received_frames));
    json_object_object_add(o, "received_bytes", json_object_new_uint64(s.received_bytes));
    return o;
}

static void registration_add(const struct ndis_registration_info *r, void *list)
{
    const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c = r->chars;
    struct json_object *o = json_object_new_object(), *present = json_object_new_array(),
                       *absent = json_object_new_array(), *flags = json_object_new_array();
    char buf[32];

    snprintf(buf, sizeof buf, "%u.%u", c->MajorNdisVersion, c->MinorNdisVersion);
    json_object_object_add(o, "ndis_version", json_object_new_string(buf));
    snprintf(buf, sizeof buf, "%u.%u", c->MajorDriverVersion, c->MinorDriverVersion);
    json_object_object_add(o, "driver_version", json_object_new_string(buf));
    json_object_object_add(o, "revision", json_object_new_int(c->Header.Revision));
    json_object_object_add(o, "size", json_object_new_int(c->Header.Size));
    if (c->Flags & NDIS_INTERMEDIATE_DRIVER)
        json_object_array_add(flags, json_object_new_string("NDIS_INTERMEDIATE_DRIVER"));
    if (c->Flags & NDIS_WDM_DRIVER)
        json_object_array_add(flags, json_object_new_string("NDIS_WDM_DRIVER"));
    json_object_object_add(o, "flags", flags);
    for (size_t i = 0; i < r->npresent; i++)
        json_object_array_add(present, json_object_new_string(r->present[i]));
    for (size_t i = 0; i < r->nabsent; i++)
        json_object_array_add(absent, json_object_new_string(r->absent[i]));
    json_object_object_add(o, "handlers", present);
    json_object_object_add(o, "absent", absent);
    if (r->npnp > 0) { /* NdisSetOptionalHandlers' PnP characteristics */
        struct json_object *pnp = json_object_new_array();
        for (size_t i = 0; i < r->npnp; i++)
            json_object_array_add(pnp, json_object_new_string(r->pnp[i]));
        json_object_object_add(o, "pnp_handlers", pnp);
    }
    json_object_object_add(o, "deregistered", json_object_new_boolean(r->deregistered));
    json_object_array_add(list, o);
}

struct json_object *registrations_json(const struct ld_image *image)
{
    struct json_object *list = json_object_new_array();
    ndis_registrations_each((PDRIVER_OBJECT)&image->object, registration_add, list);
    return list;
}

struct json_object *exports_json(void)
{
    struct json_object *list = json_object_new_array();
    for (size_t i = 0; i < ndis_export_count(); i++) {
        const struct ndis_export_info *e = ndis_export_at(i);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "module", json_object_new_string(e->module));
        json_object_object_add(o, "name", json_object_new_string(e->name));
        json_object_object_add(o, "status", json_object_new_string(e->unsupported ? "unsupported" : "implemented"));
        json_object_array_add(list, o);
    }
    return list;
}
