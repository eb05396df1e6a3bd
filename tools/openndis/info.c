/* `openndis info DRIVER`: load the driver, run DriverEntry, show what it registered,
 * unload it and give the verdict of the registration rules. */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "openndis.h"
#include "loader/ld.h"
#include "ndis/ndis.h"
#include "serialize.h"

struct info_args {
    const char *path;
    unsigned long fail_nth;
};

/* A UNICODE_STRING in UTF-8 (a service name may be any file name). */
static struct json_object *utf16_json(const UNICODE_STRING *u)
{
    char buf[1024];
    ke_format(buf, sizeof buf, "%wZ", u);
    return json_object_new_string(buf);
}

static struct json_object *info_life(void *arg)
{
    const struct info_args *a = arg;
    struct json_object *r = json_object_new_object();
    char err[512], hex[16];
    unsigned major, minor;

    sv_set_report(r);
    json_object_object_add(r, "command", json_object_new_string("info"));
    json_object_object_add(r, "driver", json_object_new_string(a->path));
    ndis_get_version(&major, &minor);
    snprintf(err, sizeof err, "%u.%u", major, minor);
    json_object_object_add(r, "ndis_version", json_object_new_string(err));
    vf_faults_fail_nth(a->fail_nth);

    sv_phase("load");
    struct ld_image *image = ld_load(a->path, err, sizeof err);
    if (image == NULL) {
        json_object_object_add(r, "error", json_object_new_string(err));
        json_object_object_add(r, "verdict", json_object_new_string("error"));
        return r;
    }
    json_object_object_add(r, "service", json_object_new_string(image->name));
    json_object_object_add(r, "registry_path", utf16_json(&image->registry_path));

    sv_phase("DriverEntry");
    NTSTATUS status = ld_driver_entry(image);
    const char *name = ndis_status_name(status);
    snprintf(hex, sizeof hex, "0x%08X", (unsigned)status);
    json_object_object_add(r, "status", json_object_new_string(name ? name : hex));
    json_object_object_add(r, "status_value", json_object_new_string(hex));
    json_object_object_add(r, "registrations", registrations_json(image));

    sv_phase("DriverUnload");
    bool had_unload = image->phase == LD_RUNNING;
    bool unloaded = sv_unload(image);
    json_object_object_add(r, "unload_called", json_object_new_boolean(had_unload && unloaded));
    json_object_object_add(r, "unloaded", json_object_new_boolean(unloaded));

    json_object_object_add(r, "violations", violations_json());
    json_object_object_add(r, "faults", faults_json());
    bool pass = NT_SUCCESS(status) && unloaded && vf_violation_count() == 0;
    /* A failure without a violation still says what failed, on the verdict line. */
    if (!NT_SUCCESS(status)) {
        snprintf(err, sizeof err, "DriverEntry returned %s (%s)", name ? name : hex, hex);
        json_object_object_add(r, "failure", json_object_new_string(err));
    }
    else if (!unloaded)
        json_object_object_add(r, "failure", json_object_new_string("the driver has no unload routine and stays loaded"));
    json_object_object_add(r, "verdict", json_object_new_string(pass ? "pass" : "fail"));
    return r;
}

/* The driver's life, with what the driver prints kept out of the report's stream. */
static struct json_object *info_job(void *arg)
{
    return driver_output_around(info_life, arg);
}

static void print_names(FILE *out, const char *label, struct json_object *list)
{
    fprintf(out, "  %-14s", label);
    size_t n = json_object_array_length(list);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s", i ? " " : "", json_object_get_string(json_object_array_get_idx(list, i)));
    fprintf(out, "%s\n", n ? "" : "(none)");
}

static void info_render(FILE *out, struct json_object *r)
{
    struct json_object *regs, *o, *faults, *injected;

    fprintf(out, "driver          %s\n", json_str_field(r, "driver"));
    if (json_str_field(r, "error")) {
        fprintf(out, "error           %s\n", json_str_field(r, "error"));
        return;
    }
    if (json_str_field(r, "service"))
        fprintf(out, "service         %s (%s)\n", json_str_field(r, "service"), json_str_field(r, "registry_path"));
    if (json_str_field(r, "ndis_version"))
        fprintf(out, "emulated NDIS   %s\n", json_str_field(r, "ndis_version"));
    if (json_str_field(r, "status"))
        fprintf(out, "DriverEntry     %s (%s)\n", json_str_field(r, "status"), json_str_field(r, "status_value"));
    if (json_object_object_get_ex(r, "registrations", &regs)) {
        for (size_t i = 0; i < json_object_array_length(regs); i++) {
            struct json_object *g = json_object_array_get_idx(regs, i), *flags, *h, *absent;
            json_object_object_get_ex(g, "flags", &flags);
            json_object_object_get_ex(g, "handlers", &h);
            json_object_object_get_ex(g, "absent", &absent);
            fprintf(out, "registered      NDIS %s miniport, driver version %s, characteristics revision %s (%s bytes)",
                    json_str_field(g, "ndis_version"), json_str_field(g, "driver_version"), json_str_field(g, "revision"), json_str_field(g, "size"));
            for (size_t k = 0; k < json_object_array_length(flags); k++)
                fprintf(out, ", %s", json_object_get_string(json_object_array_get_idx(flags, k)));
            fputc('\n', out);
            print_names(out, "handlers", h);
            print_names(out, "not provided", absent);
            struct json_object *pnp;
            if (json_object_object_get_ex(g, "pnp_handlers", &pnp))
                print_names(out, "PnP handlers", pnp);
        }
        if (json_object_array_length(regs) == 0)
            fprintf(out, "registered      nothing\n");
    }
    if (json_object_object_get_ex(r, "unloaded", &o))
        fprintf(out, "unload          %s\n",
                json_object_get_boolean(o) ? "the driver unloaded" : "the driver has no unload routine and stays loaded");
    if (json_object_object_get_ex(r, "faults", &faults) && json_object_object_get_ex(faults, "injected", &injected))
        for (size_t i = 0; i < json_object_array_length(injected); i++) {
            struct json_object *f = json_object_array_get_idx(injected, i), *loc;
            json_object_object_get_ex(f, "location", &loc);
            fprintf(out, "fault injected  fallible call #%s, %s", json_str_field(f, "call"), json_str_field(f, "function"));
            if (json_str_field(loc, "file"))
                fprintf(out, " at %s:%s", json_str_field(loc, "file"), json_str_field(loc, "line"));
            fputs(", failed on purpose (--fail-call)\n", out);
        }
}

static void info_usage(FILE *out)
{
    fputs("usage: openndis info [options] DRIVER.so\n"
          "\n"
          "Loads an NDIS 6 miniport driver, calls DriverEntry, prints what the driver\n"
          "registered with NdisMRegisterMiniportDriver, unloads it (MiniportDriverUnload)\n"
          "and checks the registration rules on the way.\n"
          "\n"
          "With --imports, it does not run the driver: it reads the functions the driver\n"
          "imports from its ELF dynamic symbols and says who provides each (OpenNDIS,\n"
          "OpenNDIS but unsupported, another library such as libc, or nobody).\n"
          "\n"
          "options:\n"
          "  --imports            list the driver's imports instead of loading it\n"
          "  --json               print one JSON object instead of text\n"
          "  --ndis-version X.Y   NDIS version to emulate (default 6.89)\n"
          "  --fail-call N        make the N-th fallible NDIS call the driver makes fail\n"
          "  --timeout SECONDS    stop a driver that hangs (default 30, 0 = never)\n"
          "  --trace LEVEL        show the driver's WPP trace records up to LEVEL\n"
          "  --processors N       processors to model (default: the machine's, at most 64)\n"
          "  --device NAME[,OPT]  give each adapter a device model (--device help lists them)\n"
          "  --no-fork            run the driver in this process (for gdb); a crash then\n"
          "                       ends openndis too\n"
          "  -h, --help           this text\n"
          "\n"
          "exit status: 0 DriverEntry succeeded, the driver unloaded and no rule was\n"
          "violated; 1 otherwise; 2 bad usage or not a loadable driver; 3 the driver\n"
          "crashed or hung; 4 the report could not be written to stdout; 130 stopped by\n"
          "SIGINT/SIGTERM/SIGHUP. With --imports: 0 every import is provided, 1 some import\n"
          "is provided by nobody (loading would fail), 2 bad usage or not a loadable driver.\n",
          out);
}

int cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        COMMON_LONGOPTS, { "imports", no_argument, NULL, 'i' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct info_args args = { 0 };
    struct common_options o = { .sv.timeout_seconds = 30 };
    int c, r;
    bool imports = false;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if ((r = common_option("info", c, optarg, &o)) != 0) {
            if (r < 0)
                return EXIT_USAGE;
            continue;
        }
        if (c == 'i') {
            imports = true;
            continue;
        }
        if (c == 'h') {
            info_usage(stdout);
            return EXIT_PASS;
        }
        info_usage(stderr);
        return EXIT_USAGE;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "openndis info: give exactly one driver file\n");
        info_usage(stderr);
        return EXIT_USAGE;
    }
    args.path = argv[optind];
    if (imports) {
        if (o.fail_nth || o.timeout_given || o.sv.in_process) {
            fprintf(stderr, "openndis info: --imports does not run the driver; --fail-call, --timeout and "
                            "--no-fork do not apply\n");
            return EXIT_USAGE;
        }
        return info_imports(args.path, o.json);
    }
    args.fail_nth = o.fail_nth;

    o.sv.image = args.path;
    struct json_object *report = sv_run(info_job, &args, &o.sv);
    if (report == NULL)
        return EXIT_USAGE;
    if (!json_object_object_get_ex(report, "driver", NULL))
        json_object_object_add(report, "driver", json_object_new_string(args.path));
    return render_report(report, o.json, info_render);
}
