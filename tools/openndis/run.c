/* `openndis run DRIVER`: the driver's whole life on the loopback edge: DriverEntry, N
 * adapters initialized and restarted, traffic between them, pause, halt, unload, with every
 * step and the traffic counted and every rule checked. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "loader/ld.h"
#include "edge/edge.h"
#include "openndis.h"
#include "serialize.h"

#define RUN_MAX_ADAPTERS 16
#define RUN_CHAIN 32
/* The traffic is bounded so that a run ends in minutes; OpenNDIS's own pumping is given
 * time on top of --timeout's default (RUN_FRAMES_PER_SECOND is a fifth of what a 2-core CI
 * machine does with the sample driver), so the timeout never takes OpenNDIS's slowness
 * for the driver's hang. */
#define RUN_MAX_FRAMES 10000000
#define RUN_FRAMES_PER_SECOND 1000000

struct run_args {
    const char *path;
    unsigned adapters;
    unsigned long frames;
    unsigned size;
    unsigned long fail_nth;
    const char *config;
    const char *inf;
    bool tap;              /* --edge tap */
    const char *tap_name;  /* --tap-name template */
    unsigned duration;     /* --duration seconds, tap mode; 0 = until a signal */
    const char *pcap;
    const char *user;      /* --user: drop privileges to it once the interfaces exist */
    bool no_recycle;       /* --no-recycle: every freed NBL goes back to malloc */
    const char *control;   /* --control: serve the driver's devices on this socket */
    const char *device_files; /* --device-files: and as files under this directory */
    bool write_config;     /* --write-config: what the driver set goes back into --config */
};

/* Runs that serve the driver's devices run until stopped. */
static bool run_serves(const struct run_args *a)
{
    return a->control != NULL || a->device_files != NULL;
}

/* --write-config, in the driver's process: what it set or deleted, in the parameter file's
 * syntax, for the supervising process to write (it keeps the privileges and the file). */
static struct json_object *run_config_changes(void)
{
    struct ndis_config_changed *c;
    size_t n = ndis_config_changes(&c);
    struct json_object *list = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        if (c[i].section == NULL || c[i].key == NULL)
            continue;
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "section", json_object_new_string(c[i].section));
        json_object_object_add(o, "key", json_object_new_string(c[i].key));
        char text[NDIS_CONFIG_MAX_VALUE + 32];
        const char *why = NULL;
        if (c[i].value == NULL)
            json_object_object_add(o, "deleted", json_object_new_boolean(true));
        else if (ndis_config_format_value(c[i].type, c[i].value, text, sizeof text, &why))
            json_object_object_add(o, "value", json_object_new_string(text));
        else
            json_object_object_add(o, "not_written", json_object_new_string(why));
        json_object_array_add(list, o);
    }
    ndis_config_changes_free(c, n);
    return list;
}

/* --write-config, in the supervising process: the changes into the --config file. Returns
 * false (with err) when the file cannot be written; a value the syntax cannot hold is named
 * on stderr and left out. */
static bool run_write_config(const char *path, struct json_object *report, char *err, size_t len)
{
    struct json_object *list;
    if (!json_object_object_get_ex(report, "configuration_changes", &list) || !json_object_is_type(list, json_type_array))
        return true;
    size_t n = json_object_array_length(list), k = 0;
    struct ndis_config_change *changes = calloc(n ? n : 1, sizeof *changes);
    if (changes == NULL) {
        snprintf(err, len, "%s: out of memory", path);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(list, i);
        const char *section = json_str_field(o, "section"), *key = json_str_field(o, "key");
        if (section == NULL || key == NULL)
            continue;
        if (json_str_field(o, "not_written")) {
            fprintf(stderr, "openndis run: --write-config: [%s] %s is not written: %s\n", section, key,
                    json_str_field(o, "not_written"));
            continue;
        }
        changes[k++] = (struct ndis_config_change){ section, key, json_str_field(o, "value") };
    }
    bool ok = k == 0 || ndis_config_rewrite(path, changes, k, err, len);
    if (ok && k > 0)
        json_object_object_add(report, "configuration_written", json_object_new_uint64(k));
    free(changes);
    return ok;
}

static uint64_t run_drain(struct edge_loopback *lb, UCHAR *rx, size_t cap)
{
    uint64_t n = 0;
    while (edge_loopback_recv(lb, rx, cap) >= 0)
        n++;
    return n;
}

static void step(struct json_object *life, const char *what, int adapter, NDIS_STATUS status)
{
    struct json_object *o = json_object_new_object();
    char hex[16];
    const char *name = ndis_status_name(status);
    snprintf(hex, sizeof hex, "0x%08X", (unsigned)status);
    json_object_object_add(o, "step", json_object_new_string(what));
    if (adapter >= 0)
        json_object_object_add(o, "adapter", json_object_new_int(adapter));
    json_object_object_add(o, "status", json_object_new_string(name ? name : hex));
    json_object_array_add(life, o);
}

/* The hardware-assist setup of one adapter, a step per OID tried. */
static void run_hw_steps(struct json_object *life, int i, const struct edge_hw_assist *hw)
{
    if (hw->vmq) {
        step(life, "method OID_RECEIVE_FILTER_ALLOCATE_QUEUE", i, hw->queue_status);
        if (hw->queue_status == NDIS_STATUS_SUCCESS) {
            step(life, "method OID_RECEIVE_FILTER_SET_FILTER", i, hw->filter_status);
            step(life, "method OID_RECEIVE_FILTER_QUEUE_ALLOCATION_COMPLETE", i, hw->complete_status);
        }
    }
    if (hw->rss)
        step(life, "set OID_GEN_RECEIVE_SCALE_PARAMETERS", i, hw->rss_status);
    if (hw->qos)
        step(life, "method OID_QOS_PARAMETERS", i, hw->qos_status);
}

/* Why a run without violations failed, in one line: the first step that did not succeed, or
 * the frames that did not arrive, or an image that could not be unloaded. */
static void run_explain_failure(struct json_object *r, struct json_object *life, uint64_t expected,
                                uint64_t delivered, bool unloaded)
{
    char why[256] = "";
    for (size_t i = 0; i < json_object_array_length(life) && why[0] == '\0'; i++) {
        struct json_object *o = json_object_array_get_idx(life, i), *v;
        const char *status = json_object_get_string(json_object_object_get(o, "status"));
        if (status == NULL || strcmp(status, "NDIS_STATUS_SUCCESS") == 0)
            continue;
        const char *what = json_object_get_string(json_object_object_get(o, "step"));
        if (json_object_object_get_ex(o, "adapter", &v))
            snprintf(why, sizeof why, "%s on adapter %d returned %s", what, json_object_get_int(v), status);
        else
            snprintf(why, sizeof why, "%s returned %s", what, status);
    }
    if (why[0] == '\0' && delivered != expected)
        snprintf(why, sizeof why, "the driver delivered %llu of %llu frames", (unsigned long long)delivered,
                 (unsigned long long)expected);
    if (why[0] == '\0' && !unloaded)
        snprintf(why, sizeof why, "the driver could not be unloaded (no DriverUnload)");
    if (why[0] != '\0')
        json_object_object_add(r, "failure", json_object_new_string(why));
}

static volatile sig_atomic_t run_stop, run_cycle;

static void run_on_signal(int sig)
{
    if (sig == SIGUSR1)
        run_cycle = 1; /* pause and restart every adapter */
    else
        run_stop = 1;
}

/* Catch the stop signals from the start, so that one arriving during initialize still ends
 * in a clean halt and unload. */
static void run_catch_signals(void)
{
    struct sigaction sa = { .sa_handler = run_on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
}

/* Interfaces exist and are configured: nothing after this needs root (the TAP descriptors
 * stay usable and closing them removes the interfaces). */
static bool run_drop_privileges(const char *user, char *err, size_t len)
{
    struct passwd *pw = getpwnam(user);
    if (pw == NULL) {
        snprintf(err, len, "--user %s: no such user", user);
        return false;
    }
    if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        snprintf(err, len, "--user %s: cannot switch to it (dropping privileges needs root)", user);
        return false;
    }
    sv_die_with_parent(); /* the switch cleared it */
    return true;
}

/* Tap mode: frames come from Linux; wait for a signal, the duration, or a deleted
 * interface, showing a status line when attached to a terminal. */
static const char *run_wait(const struct run_args *a, struct ndis_adapter **ad, struct edge_tap **tap, unsigned n,
                            struct json_object *life)
{
    const bool tty = isatty(STDERR_FILENO);
    const time_t end = a->duration ? time(NULL) + (time_t)a->duration : 0;
    const char *why = "signal";
    for (unsigned tick = 0;; tick++) {
        if (run_stop)
            break;
        if (run_cycle) {
            run_cycle = 0;
            for (unsigned i = 0; i < n; i++) {
                step(life, "pause (SIGUSR1)", (int)i, ndis_adapter_pause(ad[i]));
                step(life, "restart (SIGUSR1)", (int)i, ndis_adapter_restart(ad[i]));
            }
        }
        if (end && time(NULL) >= end) {
            why = "duration";
            break;
        }
        bool gone = false;
        for (unsigned i = 0; i < n && tap[i] != NULL; i++) {
            struct edge_tap_stats s;
            edge_tap_stats(tap[i], &s);
            gone |= s.gone;
        }
        if (gone) {
            why = "interface deleted";
            break;
        }
        for (unsigned i = 0; i < n && tap[i] != NULL; i++) /* follow Linux's promiscuous and multicast wishes */
            edge_tap_sync_filter(tap[i]);
        for (unsigned i = 0; i < n; i++) /* a driver may wait for its receives (a control client closing) */
            ndis_adapter_return_pending(ad[i]);
        if (tty && tick % 5 == 0) {
            fputc('\r', stderr);
            for (unsigned i = 0; i < n; i++) {
                struct ndis_adapter_stats s;
                ndis_adapter_stats(ad[i], &s);
                fprintf(stderr, "%s %s %s tx %llu rx %llu  ", tap[i] ? edge_tap_name(tap[i]) : "adapter", ndis_state_name(s.state),
                        link_state_name(s.link), (unsigned long long)s.sent_frames,
                        (unsigned long long)s.received_frames);
            }
            fflush(stderr);
        }
        struct timespec ts = { 0, 200 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    if (tty)
        fputc('\n', stderr);
    return why;
}

static struct json_object *run_life(void *arg)
{
    const struct run_args *a = arg;
    struct json_object *r = json_object_new_object(), *life = json_object_new_array();
    struct ndis_adapter *ad[RUN_MAX_ADAPTERS] = { 0 };
    struct edge_loopback *lb[RUN_MAX_ADAPTERS] = { 0 };
    struct edge_tap *tap[RUN_MAX_ADAPTERS] = { 0 };
    struct edge_pcap *pcap = NULL;
    UCHAR mac[RUN_MAX_ADAPTERS][6] = { { 0 } };
    struct edge_hw_assist hw[RUN_MAX_ADAPTERS];
    memset(hw, 0, sizeof hw);
    char err[512];
    bool ok = true, ethernet = true, ip = false;

    sv_set_report(r);
    if (a->tap || run_serves(a))
        run_catch_signals();
    json_object_object_add(r, "command", json_object_new_string("run"));
    json_object_object_add(r, "driver", json_object_new_string(a->path));
    json_object_object_add(r, "edge", json_object_new_string(a->tap ? "tap" : "loopback"));
    json_object_object_add(r, "life", life);
    struct json_object *interfaces = json_object_new_array();
    if (a->tap)
        json_object_object_add(r, "interfaces", interfaces);
    else
        json_object_put(interfaces);
    vf_faults_fail_nth(a->fail_nth);

    sv_phase("load");
    struct ld_image *image = ld_load(a->path, err, sizeof err);
    if (image == NULL) {
        json_object_object_add(r, "error", json_object_new_string(err));
        json_object_object_add(r, "verdict", json_object_new_string("error"));
        return r;
    }
    sv_phase("DriverEntry");
    NTSTATUS st = ld_driver_entry(image);
    step(life, "DriverEntry", -1, st);
    ok &= NT_SUCCESS(st);

    unsigned n = 0;
    for (; ok && n < a->adapters; n++) {
        sv_phase("MiniportInitializeEx");
        ad[n] = ndis_adapter_initialize(&image->object, &st);
        step(life, "initialize", (int)n, st);
        if (ad[n] == NULL) {
            ok = false;
            break;
        }
        if (a->tap) {
            tap[n] = edge_tap_open(ad[n], a->tap_name, err, sizeof err);
            if (tap[n] == NULL) {
                json_object_object_add(r, "error", json_object_new_string(err));
                ok = false;
                n++; /* halt this adapter too */
                break;
            }
            json_object_array_add(interfaces, json_object_new_string(edge_tap_name(tap[n])));
        } else {
            lb[n] = edge_loopback_open(ad[n], 4096);
        }
        if (pcap == NULL && a->pcap != NULL && (pcap = edge_pcap_open(a->pcap, err, sizeof err)) == NULL) {
            json_object_object_add(r, "error", json_object_new_string(err));
            ok = false;
            n++;
            break;
        }
        if (pcap != NULL)
            edge_pcap_observe(pcap, ad[n]);
        sv_phase("MiniportRestart");
        st = ndis_adapter_restart(ad[n]);
        step(life, "restart", (int)n, st);
        /* What a protocol does after binding: set the filter, learn the address. */
        ULONG filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;
        if (a->tap) /* until the first sync with Linux's wishes (edge_tap_sync_filter) */
            filter |= NDIS_PACKET_TYPE_ALL_MULTICAST;
        sv_phase("MiniportOidRequest");
        struct edge_bring_up up;
        edge_bring_up(ad[n], filter, &up);
        NDIS_STATUS f = up.filter_status, m = up.mac_status;
        step(life, "set OID_GEN_CURRENT_PACKET_FILTER", (int)n, f);
        /* Only an Ethernet adapter has an 802.3 address, and only Ethernet frames cross the
         * edges; an IP-medium driver (a tunnel such as Wintun) runs its life without traffic. */
        if (up.ethernet) {
            memcpy(mac[n], up.mac, 6);
            step(life, "query OID_802_3_CURRENT_ADDRESS", (int)n, m);
            /* what it advertises, set up as a protocol would: its unicast frames on a VM queue */
            edge_hw_assist_start(ad[n], mac[n], &hw[n]);
            run_hw_steps(life, (int)n, &hw[n]);
        } else {
            ethernet = false;
            ip |= up.ip;
            if (a->tap && !up.ip) {
                json_object_object_add(r, "error", json_object_new_string(
                    "the TAP edge carries Ethernet frames or IP packets; this adapter's medium is neither 802.3 nor IP (OID_GEN_MEDIA_IN_USE)"));
                ok = false;
            }
        }
        ok &= st == NDIS_STATUS_SUCCESS && f == NDIS_STATUS_SUCCESS && m == NDIS_STATUS_SUCCESS;
    }

    if (ok && a->user != NULL && !run_drop_privileges(a->user, err, sizeof err)) {
        json_object_object_add(r, "error", json_object_new_string(err));
        ok = false;
    }
    /* Clients may open the driver's devices from here until the adapters halt. */
    struct edge_control *control = NULL;
    if (ok && a->control != NULL) {
        if ((control = edge_control_listen(a->control, err, sizeof err)) == NULL) {
            json_object_object_add(r, "error", json_object_new_string(err));
            ok = false;
        } else {
            json_object_object_add(r, "control", json_object_new_string(a->control));
        }
    }
    struct device_files *files = NULL;
    if (ok && a->device_files != NULL) {
        if ((files = edge_device_files_mount(a->device_files, err, sizeof err)) == NULL) {
            json_object_object_add(r, "error", json_object_new_string(err));
            ok = false;
        } else {
            json_object_object_add(r, "device_files", json_object_new_string(a->device_files));
        }
    }
    if (ok && a->tap && !run_stop) {
        sv_phase("running");
        json_object_object_add(r, "stopped_by", json_object_new_string(run_wait(a, ad, tap, n, life)));
    }

    /* Traffic: each adapter sends to the next one's address, in chains of up to 32. */
    uint64_t expected = 0, delivered = 0;
    if (!ethernet && !a->tap)
        json_object_object_add(r, "traffic", json_object_new_string(
            ip ? "none: the medium is IP and this run's own traffic is Ethernet frames; the TAP edge carries its IP packets as a TUN interface"
               : "none: the medium is not 802.3, and the edges carry Ethernet frames"));
    if (ok && n > 1 && !a->tap && ethernet) {
        sv_phase("MiniportSendNetBufferLists");
        UCHAR *frames = calloc(RUN_CHAIN, a->size);
        const void *ptr[RUN_CHAIN];
        size_t len[RUN_CHAIN];
        UCHAR rx[2048];
        for (unsigned i = 0; i < n; i++) {
            unsigned to = (i + 1) % n;
            for (unsigned k = 0; k < RUN_CHAIN; k++) {
                UCHAR *f = frames + (size_t)k * a->size;
                memcpy(f, mac[to], 6);
                memcpy(f + 6, mac[i], 6);
                f[12] = 0x88;
                f[13] = 0xB5;
                ptr[k] = f;
                len[k] = a->size;
            }
            for (unsigned long sent = 0; sent < a->frames;) {
                size_t batch = a->frames - sent < RUN_CHAIN ? a->frames - sent : RUN_CHAIN;
                /* Like a protocol, keep a bounded number of sends outstanding: drivers that
                 * complete later (from a DPC, say) have bounded send queues. */
                for (unsigned spin = 0; spin < 5000; spin++) {
                    struct edge_loopback_stats st;
                    edge_loopback_stats(lb[i], &st);
                    if (st.sent - st.send_completed - st.send_failed < 4 * RUN_CHAIN)
                        break;
                    delivered += run_drain(lb[to], rx, sizeof rx);
                    struct timespec ms = { 0, 1000 * 1000 };
                    nanosleep(&ms, NULL);
                }
                sent += edge_loopback_send(lb[i], ptr, len, batch);
                delivered += run_drain(lb[to], rx, sizeof rx);
            }
            /* Frames a driver delivers later (timers, DPCs) are still on their way. */
            for (unsigned quiet = 0; quiet < 50;) {
                struct timespec ms = { 0, 2 * 1000 * 1000 };
                nanosleep(&ms, NULL);
                uint64_t more = run_drain(lb[to], rx, sizeof rx);
                delivered += more;
                quiet = more ? 0 : quiet + 1;
            }
            expected += a->frames;
        }
        free(frames);
    }
    if (ok && (control != NULL || files != NULL) && !a->tap && !run_stop) { /* loopback: serve after the traffic */
        sv_phase("running");
        json_object_object_add(r, "stopped_by", json_object_new_string(run_wait(a, ad, tap, n, life)));
    }
    edge_device_files_unmount(files); /* as for the socket's clients */
    edge_control_close(control); /* every client's files closed while the devices exist */
    struct json_object *adapters = json_object_new_array();
    for (unsigned i = 0; i < n; i++) {
        struct json_object *o = adapter_json(ad[i]);
        struct ndis_hw_assist_info info;
        ndis_adapter_hw_assist(ad[i], &info);
        if (info.vmq || info.rss || info.qos || info.interrupt_registered)
            json_object_object_add(o, "hardware_assists", hw_assist_json(&info));
        if (lb[i] != NULL) {
            struct edge_loopback_stats s;
            edge_loopback_stats(lb[i], &s);
            json_object_object_add(o, "edge_sent", json_object_new_uint64(s.sent));
            json_object_object_add(o, "edge_send_completed", json_object_new_uint64(s.send_completed));
            json_object_object_add(o, "edge_received", json_object_new_uint64(s.received));
            json_object_object_add(o, "edge_dropped", json_object_new_uint64(s.dropped));
        }
        if (tap[i] != NULL) {
            struct edge_tap_stats s;
            edge_tap_stats(tap[i], &s);
            json_object_object_add(o, "interface", json_object_new_string(edge_tap_name(tap[i])));
            json_object_object_add(o, "from_linux", json_object_new_uint64(s.from_linux));
            json_object_object_add(o, "to_linux", json_object_new_uint64(s.to_linux));
            json_object_object_add(o, "dropped", json_object_new_uint64(s.dropped));
            if (s.kernel_counted) /* frames Linux queued that the kernel dropped before OpenNDIS read them */
                json_object_object_add(o, "kernel_tx_dropped", json_object_new_uint64(s.kernel_tx_dropped));
            char hex[16];
            snprintf(hex, sizeof hex, "0x%08X", (unsigned)edge_tap_sync_filter(tap[i]));
            json_object_object_add(o, "packet_filter", json_object_new_string(hex));
        }
        json_object_array_add(adapters, o);
    }
    json_object_object_add(r, "adapters", adapters);
    if (!a->tap) {
        json_object_object_add(r, "frames_expected", json_object_new_uint64(expected));
        json_object_object_add(r, "frames_delivered", json_object_new_uint64(delivered));
        ok &= delivered == expected;
    }

    for (unsigned i = 0; i < n; i++) {
        sv_phase("MiniportOidRequest");
        edge_hw_assist_stop(ad[i], &hw[i]);
        if (hw[i].cleared)
            step(life, "set OID_RECEIVE_FILTER_CLEAR_FILTER", (int)i, hw[i].clear_status);
        if (hw[i].freed)
            step(life, "set OID_RECEIVE_FILTER_FREE_QUEUE", (int)i, hw[i].free_status);
        sv_phase("MiniportPause");
        step(life, "pause", (int)i, ndis_adapter_pause(ad[i]));
        sv_phase("MiniportHaltEx");
        step(life, "halt", (int)i, ndis_adapter_halt(ad[i], NdisHaltDeviceDisabled));
        edge_loopback_close(lb[i]);
        edge_tap_close(tap[i]);
    }
    if (pcap != NULL)
        json_object_object_add(r, "captured_frames", json_object_new_uint64(edge_pcap_close(pcap)));
    sv_phase("DriverUnload");
    bool unloaded = sv_unload(image);
    step(life, "unload", -1, unloaded ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE);
    json_object_object_add(r, "unloaded", json_object_new_boolean(unloaded));
    if (a->write_config)
        json_object_object_add(r, "configuration_changes", run_config_changes());
    json_object_object_add(r, "violations", violations_json());
    json_object_object_add(r, "faults", faults_json());
    bool pass = ok && unloaded && vf_violation_count() == 0;
    if (!pass)
        run_explain_failure(r, life, expected, delivered, unloaded);
    /* A missing privilege or a bad file is the environment's fault, not the driver's. */
    bool env_error = json_object_object_get(r, "error") != NULL && vf_violation_count() == 0;
    json_object_object_add(r, "verdict", json_object_new_string(pass ? "pass" : env_error ? "error" : "fail"));
    return r;
}

/* The driver's life, with what the driver prints kept out of the report's stream. */
static struct json_object *run_job(void *arg)
{
    return driver_output_around(run_life, arg);
}

static void run_render(FILE *out, struct json_object *r)
{
    struct json_object *life, *adapters;
    fprintf(out, "driver   %s (edge: %s)\n", json_str_field(r, "driver"), json_str_field(r, "edge") ? json_str_field(r, "edge") : "loopback");
    if (json_object_object_get_ex(r, "life", &life))
        for (size_t i = 0; i < json_object_array_length(life); i++) {
            struct json_object *s = json_object_array_get_idx(life, i);
            char who[16] = "";
            if (json_str_field(s, "adapter"))
                snprintf(who, sizeof who, "adapter %s", json_str_field(s, "adapter"));
            fprintf(out, "  %-34s %-10s %s\n", json_str_field(s, "step"), who, json_str_field(s, "status"));
        }
    if (json_object_object_get_ex(r, "adapters", &adapters) && json_object_array_length(adapters) > 0) {
        fprintf(out, "\n  %-3s %-17s %-6s %-5s %10s %12s %10s %12s\n", "#", "mac", "mtu", "link", "tx frames",
                "tx bytes", "rx frames", "rx bytes");
        for (size_t i = 0; i < json_object_array_length(adapters); i++) {
            struct json_object *o = json_object_array_get_idx(adapters, i);
            fprintf(out, "  %-3s %-17s %-6s %-5s %10s %12s %10s %12s\n", json_str_field(o, "index"), json_str_field(o, "mac"), json_str_field(o, "mtu"),
                    json_str_field(o, "link"), json_str_field(o, "sent_frames"), json_str_field(o, "sent_bytes"), json_str_field(o, "received_frames"),
                    json_str_field(o, "received_bytes"));
        }
        if (json_str_field(r, "traffic"))
            fprintf(out, "  traffic: %s\n", json_str_field(r, "traffic"));
        else if (json_str_field(r, "frames_expected"))
            fprintf(out, "  frames delivered through the driver: %s of %s\n", json_str_field(r, "frames_delivered"),
                    json_str_field(r, "frames_expected"));
        for (size_t i = 0; i < json_object_array_length(adapters); i++) {
            struct json_object *o = json_object_array_get_idx(adapters, i);
            if (json_str_field(o, "interface"))
                fprintf(out, "  %s: %s frames from Linux, %s to Linux, %s dropped, %s%s\n", json_str_field(o, "interface"),
                        json_str_field(o, "from_linux"), json_str_field(o, "to_linux"), json_str_field(o, "dropped"),
                        json_str_field(o, "kernel_tx_dropped") ? json_str_field(o, "kernel_tx_dropped") : "",
                        json_str_field(o, "kernel_tx_dropped") ? " dropped by the kernel"
                                                               : "kernel drops unknown (/sys shows another network namespace)");
        }
        for (size_t i = 0; i < json_object_array_length(adapters); i++) {
            struct json_object *o = json_object_array_get_idx(adapters, i), *h = NULL;
            bool assists = json_object_object_get_ex(o, "hardware_assists", &h) &&
                           (json_object_get_boolean(json_object_object_get(h, "vmq")) ||
                            json_object_get_boolean(json_object_object_get(h, "rss")) ||
                            json_object_get_boolean(json_object_object_get(h, "qos")));
            if (assists)
                fprintf(out, "  adapter %s hardware assists: VMQ %s (%s queues allocated, %s filters set, %s frames on "
                             "them); RSS %s (%s parameter sets, %s hashed frames, %s on their table's processor); QoS %s (%s parameter sets)\n",
                        json_str_field(o, "index"), json_object_get_boolean(json_object_object_get(h, "vmq")) ? "advertised" : "not advertised",
                        json_str_field(h, "queues_allocated"), json_str_field(h, "filters_set"), json_str_field(h, "queue_frames"),
                        json_object_get_boolean(json_object_object_get(h, "rss")) ? "advertised" : "not advertised",
                        json_str_field(h, "rss_parameters_set"), json_str_field(h, "hashed_frames"),
                        json_str_field(h, "steered_frames"), json_object_get_boolean(json_object_object_get(h, "qos")) ? "advertised" : "not advertised",
                        json_str_field(h, "qos_parameters_set"));
            struct json_object *irq = NULL;
            if (h != NULL && json_object_object_get_ex(h, "interrupts", &irq)) {
                int messages = json_object_get_int(json_object_object_get(irq, "messages"));
                fprintf(out, "  adapter %s interrupts: %s%.0d%s; %s raised, %s serviced, %s claimed\n",
                        json_str_field(o, "index"), messages != 0 ? "MSI-X, " : "the line", messages,
                        messages != 0 ? " messages" : "", json_str_field(irq, "raised"),
                        json_str_field(irq, "serviced"), json_str_field(irq, "claimed"));
            }
            if (h != NULL && json_object_get_int(json_object_object_get(h, "poll_objects")) != 0)
                fprintf(out, "  adapter %s poll mode: %s Poll objects, %s iterations, %s receives indicated through them\n",
                        json_str_field(o, "index"), json_str_field(h, "poll_objects"), json_str_field(h, "poll_iterations"),
                        json_str_field(h, "poll_indicated"));
        }
        if (json_str_field(r, "captured_frames"))
            fprintf(out, "  %s frames captured\n", json_str_field(r, "captured_frames"));
        if (json_str_field(r, "stopped_by"))
            fprintf(out, "  stopped by: %s\n", json_str_field(r, "stopped_by"));
        fputc('\n', out);
    }
    if (json_str_field(r, "configuration_written"))
        fprintf(out, "configuration: %s values the driver set written back\n\n", json_str_field(r, "configuration_written"));
}

static bool run_commit_pcap(struct out_file *pcap, struct json_object *report);
static bool run_tap_usable(char *err, size_t len);

static void run_usage(FILE *out)
{
    fputs("usage: openndis run [options] DRIVER.so\n"
          "\n"
          "Runs a miniport's whole life on the in-process loopback edge: DriverEntry, N\n"
          "adapters initialized and restarted, frames sent from each adapter to the next,\n"
          "pause, halt and unload, checking every NDIS rule on the way.\n"
          "\n"
          "options:\n"
          "  --adapters N         adapters to create (default 2, at most 16)\n"
          "  --frames N           frames each adapter sends (default 1000, at most\n"
          "                       10000000)\n"
          "  --size BYTES         frame size, 14-1514 (default 64)\n"
          "  --edge loopback|tap  loopback (default): frames between the adapters in\n"
          "                       process; tap: each adapter a Linux interface, run until\n"
          "                       SIGINT/SIGTERM (or --duration); needs CAP_NET_ADMIN\n"
          "  --tap-name NAME      interface names, %d numbered (default ndis%d)\n"
          "  --duration SECONDS   tap or --control: stop after this long\n"
          "  --control SOCKET     serve the driver's control devices to Linux programs\n"
          "                       (libopenndis-client, openndis ioctl) on this Unix\n"
          "                       socket, then run until SIGINT/SIGTERM (or --duration)\n"
          "  --write-config       write what the driver set (ZwSetValueKey,\n"
          "                       NdisWriteConfiguration) back into the --config file\n"
          "  --device-files DIR   and as files under DIR (an empty directory; a FUSE mount):\n"
          "                       one per symbolic link, for open/read/write/ioctl\n"
          "  --pcap FILE          write every frame crossing the adapters to a pcap file\n"
          "                       (written beside FILE and renamed over it at the end)\n"
          "  --no-recycle         free every NET_BUFFER_LIST the driver frees at once (by\n"
          "                       default run reuses them, except in sanitizer builds;\n"
          "                       verify never does)\n"
          "  --user NAME          tap: drop root for NAME once the interfaces exist\n"
          "                       (SIGUSR1 pauses and restarts every adapter, for tests)\n"
          "  --config FILE        adapter parameters for NdisReadConfiguration (INI:\n"
          "                       [driver], [adapter], [adapter.N]; docs/configuration.md)\n"
          "  --inf FILE           the driver's INF: its Ndi\\params defaults apply to every\n"
          "                       adapter unless --config sets the key\n"
          "  --json               print one JSON object instead of text\n"
          "  --ndis-version X.Y   NDIS version to emulate (default 6.89)\n"
          "  --fail-call N        make the N-th fallible NDIS call the driver makes fail\n"
          "  --timeout SECONDS    stop a driver that hangs (default 60, plus 1 s per\n"
          "                       million frames the adapters send; 0 = never)\n"
          "  --trace LEVEL        show the driver's WPP trace records up to LEVEL\n"
          "  --processors N       processors to model (default: the machine's, at most 64)\n"
          "  --device NAME[,OPT]  give each adapter a device model (--device help lists them)\n"
          "  --no-fork            run the driver in this process (for gdb)\n"
          "  -h, --help           this text\n"
          "\n"
          "exit status: 0 every step succeeded, every frame arrived and no rule was\n"
          "violated; 1 otherwise; 2 bad usage, not a loadable driver, or a --pcap file\n"
          "or TAP device that cannot be used; 3 the driver crashed or hung; 4 a report\n"
          "could not be written after the run; 130 stopped by SIGINT/SIGTERM/SIGHUP\n"
          "before the end (with --edge tap or --control, a stop signal ends the run\n"
          "normally instead).\n",
          out);
}

int cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        COMMON_LONGOPTS,
        { "adapters", required_argument, NULL, 'a' }, { "frames", required_argument, NULL, 'r' },
        { "size", required_argument, NULL, 's' },     { "config", required_argument, NULL, 'c' },
        { "edge", required_argument, NULL, 'e' },     { "tap-name", required_argument, NULL, 'N' },
        { "duration", required_argument, NULL, 'd' }, { "pcap", required_argument, NULL, 'p' },
        { "user", required_argument, NULL, 'u' },     { "no-recycle", no_argument, NULL, 'R' },     { "help", no_argument, NULL, 'h' },
        { "inf", required_argument, NULL, 'i' },      { "control", required_argument, NULL, 'C' },
        { "device-files", required_argument, NULL, 'F' }, { "write-config", no_argument, NULL, 'W' },
        { NULL, 0, NULL, 0 },
    };
    struct run_args args = { .adapters = 2, .frames = 1000, .size = 64 };
    struct common_options o = { .sv.timeout_seconds = 60 };
    unsigned long v;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if ((r = common_option("run", c, optarg, &o)) != 0) {
            if (r < 0)
                return EXIT_USAGE;
            continue;
        }
        switch (c) {
        case 'a':
            if (!parse_ulong(optarg, &v) || v < 1 || v > RUN_MAX_ADAPTERS) {
                fprintf(stderr, "openndis run: --adapters takes 1-%d, not '%s'\n", RUN_MAX_ADAPTERS, optarg);
                return EXIT_USAGE;
            }
            args.adapters = (unsigned)v;
            break;
        case 'r':
            if (!parse_ulong(optarg, &v) || v > RUN_MAX_FRAMES) {
                fprintf(stderr, "openndis run: --frames takes 0-%d (frames each adapter sends), not '%s'\n",
                        RUN_MAX_FRAMES, optarg);
                return EXIT_USAGE;
            }
            args.frames = v;
            break;
        case 's':
            if (!parse_ulong(optarg, &v) || v < 14 || v > 1514) {
                fprintf(stderr, "openndis run: --size takes 14-1514 bytes, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            args.size = (unsigned)v;
            break;
        case 'c': args.config = optarg; break;
        case 'i': args.inf = optarg; break;
        case 'N': args.tap_name = optarg; break;
        case 'p': args.pcap = optarg; break;
        case 'u': args.user = optarg; break;
        case 'R': args.no_recycle = true; break;
        case 'C': args.control = optarg; break;
        case 'F': args.device_files = optarg; break;
        case 'W': args.write_config = true; break;
        case 'e':
            if (strcmp(optarg, "tap") != 0 && strcmp(optarg, "loopback") != 0) {
                fprintf(stderr, "openndis run: --edge is loopback or tap, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            args.tap = strcmp(optarg, "tap") == 0;
            break;
        case 'd':
            if (!parse_ulong(optarg, &v) || v > 86400 * 365) {
                fprintf(stderr, "openndis run: --duration takes seconds, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            args.duration = (unsigned)v;
            break;
        case 'h': run_usage(stdout); return EXIT_PASS;
        default: run_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "openndis run: give exactly one driver file\n");
        run_usage(stderr);
        return EXIT_USAGE;
    }
    args.path = argv[optind];
    if (args.write_config && args.config == NULL) {
        fprintf(stderr, "openndis run: --write-config writes into the --config file: give one\n");
        return EXIT_USAGE;
    }
    /* The data path's fast mode: freed NBLs are reused. Not under verify, and not in
     * sanitizer builds, where it would hide a driver's use of a freed NBL. */
    ndis_nbl_set_recycling(!args.no_recycle);
    args.fail_nth = o.fail_nth;
    const unsigned long traffic_seconds = args.tap ? 0 : args.adapters * args.frames / RUN_FRAMES_PER_SECOND;
    if ((args.tap || run_serves(&args)) && !o.timeout_given) /* runs until stopped; --duration bounds it */
        o.sv.timeout_seconds = args.duration ? args.duration + 60 : 0;
    else if (!o.timeout_given)
        o.sv.timeout_seconds += (unsigned)traffic_seconds;
    else if (o.sv.timeout_seconds != 0 && traffic_seconds > 0 && o.sv.timeout_seconds < traffic_seconds + 10) {
        fprintf(stderr, "openndis run: --timeout %u is too short for %lu frames on %u adapters: sending them alone "
                        "may take %lu s; give at least --timeout %lu, or fewer --frames\n",
                o.sv.timeout_seconds, args.frames, args.adapters, traffic_seconds, traffic_seconds + 10);
        return EXIT_USAGE;
    }
    /* What can be checked before the driver runs is: a failure there is not the driver's. */
    char err[512];
    struct out_file *pcap = NULL;
    const char *inputs[] = { args.path, args.config, args.inf };
    if (args.pcap != NULL) {
        if ((pcap = out_open("--pcap", args.pcap, inputs, 3, err, sizeof err)) == NULL) {
            fprintf(stderr, "openndis run: %s\n", err);
            return EXIT_USAGE;
        }
        args.pcap = out_temp_path(pcap); /* renamed over the target once the run has ended */
    }
    /* The parameter files are read here, before the driver's process starts (it inherits
     * them): a bad or unreadable file is a usage error, never the driver's failure. */
    const char *bad = args.config != NULL && !ndis_config_load(args.config, err, sizeof err) ? "--config"
                    : args.inf != NULL && !ndis_config_load_inf(args.inf, err, sizeof err) ? "--inf" : NULL;
    if (bad != NULL) {
        fprintf(stderr, "openndis run: %s %s\n", bad, err);
        out_discard(pcap);
        return EXIT_USAGE;
    }
    if (args.tap && !run_tap_usable(err, sizeof err)) {
        fprintf(stderr, "openndis run: %s\n", err);
        out_discard(pcap);
        return EXIT_USAGE;
    }
    if (args.device_files != NULL && !edge_device_files_usable(args.device_files, err, sizeof err)) {
        fprintf(stderr, "openndis run: %s\n", err);
        out_discard(pcap);
        return EXIT_USAGE;
    }
    if (args.tap) /* SIGINT is how a tap run ends: time to halt and unload before the kill */
        o.sv.stop_grace_seconds = 15;
    o.sv.image = args.path;
    struct json_object *report = sv_run(run_job, &args, &o.sv);
    /* a driver's process that crashed or was killed left its mount: gone with it */
    if (args.device_files != NULL)
        (void)umount2(args.device_files, MNT_DETACH); /* EINVAL when it was unmounted as it should */
    if (report == NULL) {
        out_discard(pcap);
        return EXIT_USAGE;
    }
    if (!json_object_object_get_ex(report, "driver", NULL))
        json_object_object_add(report, "driver", json_object_new_string(args.path));
    bool written = run_commit_pcap(pcap, report);
    if (args.write_config && !run_write_config(args.config, report, err, sizeof err)) {
        fprintf(stderr, "openndis run: --write-config: %s\n", err);
        written = false;
    }
    int code = render_report(report, o.json, run_render);
    return written ? code : EXIT_WRITE;
}

/* The number of whole records in a pcap file (its 24-byte header, then per record a
 * 16-byte header whose third field is the captured length); (uint64_t)-1 if unreadable. */
static uint64_t run_pcap_records(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    uint32_t h[6];
    uint64_t n = 0;
    if (f == NULL || fstat(fileno(f), &st) != 0 || fread(h, sizeof h, 1, f) != 1) {
        if (f != NULL)
            fclose(f);
        return (uint64_t)-1;
    }
    const bool swapped = h[0] == 0xd4c3b2a1u || h[0] == 0x4d3cb2a1u;
    off_t at = sizeof h;
    for (uint32_t r[4]; fread(r, sizeof r, 1, f) == 1; n++) {
        uint32_t caplen = swapped ? __builtin_bswap32(r[2]) : r[2];
        at += (off_t)sizeof r + caplen;
        if (at > st.st_size || fseeko(f, at, SEEK_SET) != 0)
            break; /* the record's data is cut short */
    }
    fclose(f);
    return n;
}

/* The capture the driver's process wrote into the temporary file goes over --pcap's target;
 * a run that never opened it (it ended before the first adapter) leaves the target alone. */
static bool run_commit_pcap(struct out_file *pcap, struct json_object *report)
{
    struct stat st;
    char err[512];
    if (pcap == NULL)
        return true;
    /* libpcap's writes report no error: count the records that reached the file. */
    struct json_object *v;
    if (json_object_object_get_ex(report, "captured_frames", &v)) {
        uint64_t want = json_object_get_uint64(v), got = run_pcap_records(out_temp_path(pcap));
        if (got != want) {
            fprintf(stderr, "openndis run: --pcap %s: only %llu of %llu captured frames could be written (is the disk "
                            "full?); the file is left as it was\n", out_path(pcap), (unsigned long long)got,
                    (unsigned long long)want);
            out_discard(pcap);
            return false;
        }
    }
    if (stat(out_temp_path(pcap), &st) == 0 && st.st_size == 0) {
        fprintf(stderr, "openndis run: --pcap %s: no capture was written (the run ended before the first adapter); "
                        "the file is left as it was\n", out_path(pcap));
        out_discard(pcap);
        return true;
    }
    if (out_commit(pcap, NULL, 0, err, sizeof err))
        return true;
    fprintf(stderr, "openndis run: %s\n", err);
    return false;
}

/* The TAP edge needs /dev/net/tun and CAP_NET_ADMIN: checked before the driver runs, so that
 * their absence is not reported as a failed adapter. */
static bool run_tap_usable(char *err, size_t len)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            snprintf(err, len, "--edge tap: /dev/net/tun is missing: load the tun module (modprobe tun) or use --edge loopback");
        else
            snprintf(err, len, "--edge tap: cannot open /dev/net/tun: %s (creating a TAP interface needs root or "
                     "CAP_NET_ADMIN; --edge loopback needs neither)", strerror(errno));
        return false;
    }
    close(fd);
    struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct caps[2] = { 0 };
    if (syscall(SYS_capget, &hdr, caps) == 0 && !(caps[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32)))) {
        snprintf(err, len, "--edge tap: creating a TAP interface needs root or CAP_NET_ADMIN, which this process does "
                 "not have; run as root or use --edge loopback");
        return false;
    }
    return true;
}
