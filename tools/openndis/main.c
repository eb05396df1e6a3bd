/* openndis: run NDIS 6 miniport drivers in Linux user space and check them. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "openndis.h"
#include "ndis/ndis.h"
#include "kernel/ke.h"
#include "devices/devices.h"

bool parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end != '\0' || *s == '-')
        return false;
    *out = v;
    return true;
}

bool apply_ndis_version(const char *text)
{
    unsigned major, minor;
    char tail;
    if (sscanf(text, "%u.%u%c", &major, &minor, &tail) != 2 || !ndis_set_version(major, minor)) {
        fprintf(stderr, "openndis: --ndis-version takes an NDIS 6 version such as 6.0, 6.30 or 6.89, not '%s'\n", text);
        return false;
    }
    return true;
}

/* A processor count to model: 1 to KE_MAX_PROCESSORS. */
static bool processors_ok(const char *text)
{
    unsigned long n;
    return parse_ulong(text, &n) && n >= 1 && n <= KE_MAX_PROCESSORS;
}

/* --device NAME[,OPTIONS]: every adapter gets an instance of a built-in device model. One
 * instance is made here, so that wrong options are told now and not at each adapter. */
static bool device_option(const char *cmd, const char *spec)
{
    size_t name_length = strcspn(spec, ",");
    if (strcmp(spec, "help") == 0 || strcmp(spec, "list") == 0) {
        printf("device models (--device NAME[,OPTIONS]):\n");
        devices_list(stdout);
        exit(EXIT_PASS);
    }
    const struct openndis_device_model *m = devices_find(spec, name_length);
    if (m == NULL) {
        fprintf(stderr, "openndis %s: no device model '%.*s'; these are built in:\n", cmd, (int)name_length, spec);
        devices_list(stderr);
        return false;
    }
    const char *options = spec[name_length] == ',' ? spec + name_length + 1 : "";
    char why[256] = "";
    unsigned messages = m->messages;
    void *trial = m->create(options, &messages, why, sizeof why);
    if (trial == NULL) {
        fprintf(stderr, "openndis %s: --device %s: %s\n", cmd, spec, why);
        return false;
    }
    m->destroy(trial);
    ndis_device_attach_every(m, options);
    return true;
}

int common_option(const char *cmd, int c, const char *arg, struct common_options *o)
{
    unsigned long n;
    switch (c) {
    case 'j': o->json = true; return 1;
    case 'T': {
        int level;
        if (!ke_wpp_parse_level(arg, &level)) {
            fprintf(stderr, "openndis %s: --trace takes a WPP level (off, critical, error, warning, information, verbose or 0-5), not '%s'\n", cmd, arg);
            return -1;
        }
        ke_wpp_set_level(level);
        return 1;
    }
    case 'n': o->sv.in_process = true; return 1;
    case OPT_PROCESSORS:
        /* read when the kernel model first counts processors, here and in every child */
        if (!processors_ok(arg)) {
            fprintf(stderr, "openndis %s: --processors takes a count from 1 to %u, not '%s'\n", cmd, KE_MAX_PROCESSORS, arg);
            return -1;
        }
        setenv("OPENNDIS_PROCESSORS", arg, 1);
        return 1;
    case OPT_DEVICE: return device_option(cmd, arg) ? 1 : -1;
    case 'v': return apply_ndis_version(arg) ? 1 : -1;
    case 'f':
        if (!parse_ulong(arg, &n) || n == 0) {
            fprintf(stderr, "openndis %s: --fail-call takes a positive number, not '%s'\n", cmd, arg);
            return -1;
        }
        o->fail_nth = n;
        return 1;
    case 't':
        if (!parse_ulong(arg, &n) || n > 86400) {
            fprintf(stderr, "openndis %s: --timeout takes seconds (0-86400), not '%s'\n", cmd, arg);
            return -1;
        }
        o->sv.timeout_seconds = (unsigned)n;
        o->timeout_given = true;
        return 1;
    default:
        return 0;
    }
}

/* `port` and `build` live in their own programs, so that only they load libclang or read
 * projects and run compilers. */
static int cmd_helper(const char *program, char **argv)
{
    char exe[PATH_MAX], path[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fprintf(stderr, "openndis %s: cannot find my own program: %s\n", argv[0], strerror(errno));
        return EXIT_USAGE;
    }
    exe[n] = '\0';
    snprintf(path, sizeof path, "%s/%s", dirname(exe), program);
    const char *cmd = argv[0];
    argv[0] = path;
    execv(path, argv);
    fprintf(stderr, "openndis %s: cannot run %s: %s\n", cmd, path, strerror(errno));
    return EXIT_USAGE;
}

static void usage(FILE *out)
{
    fputs("usage: openndis COMMAND [options]\n"
          "\n"
          "commands:\n"
          "  info DRIVER.so   load a miniport, run DriverEntry, show its registration,\n"
          "                   unload it and check the registration rules\n"
          "  run DRIVER.so    run a miniport's whole life on the loopback edge: adapters,\n"
          "                   traffic between them, pause, halt, unload\n"
          "  verify DRIVER.so conformance pass and systematic fault sweep, each step in its\n"
          "                   own process; text, JSON, JUnit and SARIF reports\n"
          "  rules            list the rules OpenNDIS checks\n"
          "  exports          list the NDIS and kernel functions OpenNDIS implements\n"
          "  build PROJECT    build a driver from its Visual Studio project (.vcxproj)\n"
          "  port FILE.c...   NDIS 5.x -> 6.0 porting diagnostics and fix-its (libclang)\n"
          "  report merge     join the JSON reports of verify --shard K/N into one\n"
          "  devices          list the control devices a running driver exposes\n"
          "  ioctl DEV CODE   send a DeviceIoControl to a running driver's device\n"
          "  version          print the OpenNDIS version\n"
          "\n"
          "`openndis COMMAND --help` describes each command.\n",
          out);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    char err[256];
    bool runs_driver = strcmp(cmd, "info") == 0 || strcmp(cmd, "run") == 0 || strcmp(cmd, "verify") == 0;
    if (runs_driver && !ke_wpp_level_from_env(err, sizeof err)) { /* read first: a --trace option overrides it */
        fprintf(stderr, "openndis %s: %s\n", cmd, err);
        return EXIT_USAGE;
    }
    const char *procs = getenv("OPENNDIS_PROCESSORS");
    if (runs_driver && procs != NULL && !processors_ok(procs)) {
        fprintf(stderr, "openndis %s: OPENNDIS_PROCESSORS takes a count from 1 to %u, not '%s'\n", cmd,
                KE_MAX_PROCESSORS, procs);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "info") == 0)
        return cmd_info(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    if (strcmp(cmd, "rules") == 0)
        return cmd_rules(argc - 1, argv + 1);
    if (strcmp(cmd, "exports") == 0)
        return cmd_exports(argc - 1, argv + 1);
    if (strcmp(cmd, "port") == 0)
        return cmd_helper("openndis-port", argv + 1);
    if (strcmp(cmd, "build") == 0)
        return cmd_helper("openndis-build", argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "devices") == 0)
        return cmd_devices(argc - 1, argv + 1);
    if (strcmp(cmd, "ioctl") == 0)
        return cmd_ioctl(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("openndis %s\n", OPENNDIS_VERSION);
        return EXIT_PASS;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        usage(stdout);
        return EXIT_PASS;
    }
    fprintf(stderr, "openndis: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}

/* Every command's report ends on stdout: one that did not get there whole (a full disk, a
 * closed pipe) is not a result CI may read as one. */
int main(int argc, char **argv)
{
    int code = dispatch(argc, argv);
    return out_stdout_ok() ? code : EXIT_WRITE;
}
