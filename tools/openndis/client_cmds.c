/* `openndis devices` and `openndis ioctl`: a person or a script as a driver's client, through
 * libopenndis-client, on the socket an `openndis run --control SOCKET` serves. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openndis/client.h>

#include "openndis.h"

static openndis_client *client_connect(const char *cmd, const char *socket)
{
    if (socket == NULL && getenv("OPENNDIS_SOCKET") == NULL) {
        fprintf(stderr, "openndis %s: which run? give --control SOCKET (or set OPENNDIS_SOCKET) as passed to "
                        "openndis run --control\n", cmd);
        return NULL;
    }
    openndis_client *c = openndis_connect(socket);
    if (c == NULL)
        fprintf(stderr, "openndis %s: cannot connect to %s: %s%s\n", cmd, socket ? socket : getenv("OPENNDIS_SOCKET"),
                strerror(errno), errno == ENOENT || errno == ECONNREFUSED ? " (is openndis run --control serving there?)" : "");
    return c;
}

static void status_text(openndis_status s, char *out, size_t len)
{
    const char *name = openndis_status_name(s);
    if (name != NULL)
        snprintf(out, len, "%s (0x%08X)", name, (unsigned)s);
    else
        snprintf(out, len, "0x%08X", (unsigned)s);
}

static void devices_usage(FILE *out)
{
    fputs("usage: openndis devices [--control SOCKET]\n"
          "\n"
          "Lists the devices a running driver exposes (openndis run --control SOCKET): each\n"
          "device name, its symbolic links and how many files clients have open on it.\n"
          "\n"
          "options:\n"
          "  --control SOCKET  the run's control socket (default: $OPENNDIS_SOCKET)\n"
          "  -h, --help        this text\n"
          "\n"
          "exit status: 0 listed; 2 bad usage or no run serving at SOCKET.\n",
          out);
}

int cmd_devices(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "control", required_argument, NULL, 'C' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    const char *socket = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'C': socket = optarg; break;
        case 'h': devices_usage(stdout); return EXIT_PASS;
        default: devices_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        devices_usage(stderr);
        return EXIT_USAGE;
    }
    openndis_client *cl = client_connect("devices", socket);
    if (cl == NULL)
        return EXIT_USAGE;
    static char text[OPENNDIS_MAX_TRANSFER + 1];
    size_t len;
    openndis_status s = openndis_devices(cl, text, sizeof text, &len);
    openndis_disconnect(cl);
    if (s != OPENNDIS_STATUS_SUCCESS) {
        char st[64];
        status_text(s, st, sizeof st);
        fprintf(stderr, "openndis devices: the server answered %s\n", st);
        return EXIT_USAGE;
    }
    fputs(len ? text : "(no devices)\n", stdout);
    return EXIT_PASS;
}

static void ioctl_usage(FILE *out)
{
    fputs("usage: openndis ioctl [options] DEVICE CODE\n"
          "\n"
          "Opens DEVICE of a running driver (openndis run --control SOCKET) as a Windows\n"
          "program would (\\\\.\\Name, \\\\.\\Global\\Name, \\DosDevices\\Name, \\Device\\Name),\n"
          "sends one DeviceIoControl with control code CODE (decimal or 0x hex), prints the\n"
          "status, the bytes returned and the output in hex, and closes it.\n"
          "\n"
          "options:\n"
          "  --control SOCKET  the run's control socket (default: $OPENNDIS_SOCKET)\n"
          "  --in HEX|@FILE    input buffer: hex bytes (spaces allowed) or a file's bytes\n"
          "  --out N           output buffer size in bytes (default 0, at most 65536)\n"
          "  --access MODE     open for r, w or rw (default rw)\n"
          "  -h, --help        this text\n"
          "\n"
          "exit status: 0 the driver completed it with a success or warning status; 1 with\n"
          "an error status (or the open failed); 2 bad usage or no run serving at SOCKET.\n",
          out);
}

static int hex_value(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch |= 0x20;
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* --in: hex digits in pairs (spaces and colons between bytes allowed) or @FILE. */
static bool ioctl_input(const char *arg, unsigned char *buf, size_t *len)
{
    *len = 0;
    if (arg[0] == '@') {
        int fd = open(arg + 1, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > OPENNDIS_MAX_TRANSFER) {
            fprintf(stderr, "openndis ioctl: --in %s: %s\n", arg,
                    fd < 0 ? strerror(errno) : "not a regular file of at most 65536 bytes");
            if (fd >= 0)
                close(fd);
            return false;
        }
        ssize_t n = read(fd, buf, OPENNDIS_MAX_TRANSFER);
        close(fd);
        if (n < 0) {
            fprintf(stderr, "openndis ioctl: --in %s: %s\n", arg, strerror(errno));
            return false;
        }
        *len = (size_t)n;
        return true;
    }
    for (const char *p = arg; *p;) {
        if (*p == ' ' || *p == ':') {
            p++;
            continue;
        }
        int hi = hex_value(p[0]), lo = p[1] ? hex_value(p[1]) : -1;
        if (hi < 0 || lo < 0 || *len == OPENNDIS_MAX_TRANSFER) {
            fprintf(stderr, "openndis ioctl: --in takes hex byte pairs such as '01 ff 2a' (at most 65536 bytes) "
                            "or @FILE, not '%s'\n", arg);
            return false;
        }
        buf[(*len)++] = (unsigned char)(hi << 4 | lo);
        p += 2;
    }
    return true;
}

int cmd_ioctl(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "control", required_argument, NULL, 'C' }, { "in", required_argument, NULL, 'i' },
        { "out", required_argument, NULL, 'o' },     { "access", required_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
    };
    static unsigned char in[OPENNDIS_MAX_TRANSFER], out[OPENNDIS_MAX_TRANSFER];
    const char *socket = NULL;
    size_t in_len = 0, out_len = 0;
    uint32_t access = OPENNDIS_GENERIC_READ | OPENNDIS_GENERIC_WRITE;
    unsigned long v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'C': socket = optarg; break;
        case 'i':
            if (!ioctl_input(optarg, in, &in_len))
                return EXIT_USAGE;
            break;
        case 'o':
            if (!parse_ulong(optarg, &v) || v > OPENNDIS_MAX_TRANSFER) {
                fprintf(stderr, "openndis ioctl: --out takes 0-65536 bytes, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            out_len = v;
            break;
        case 'a':
            if (strcmp(optarg, "r") == 0)
                access = OPENNDIS_GENERIC_READ;
            else if (strcmp(optarg, "w") == 0)
                access = OPENNDIS_GENERIC_WRITE;
            else if (strcmp(optarg, "rw") == 0)
                access = OPENNDIS_GENERIC_READ | OPENNDIS_GENERIC_WRITE;
            else {
                fprintf(stderr, "openndis ioctl: --access is r, w or rw, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': ioctl_usage(stdout); return EXIT_PASS;
        default: ioctl_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 2) {
        fprintf(stderr, "openndis ioctl: give a DEVICE and a CODE\n");
        ioctl_usage(stderr);
        return EXIT_USAGE;
    }
    const char *device = argv[optind], *code_text = argv[optind + 1];
    char *end;
    errno = 0;
    unsigned long code = strtoul(code_text, &end, 0);
    if (errno || end == code_text || *end || code > 0xffffffffUL || code_text[0] == '-') {
        fprintf(stderr, "openndis ioctl: CODE is a 32-bit control code (such as 0x220004), not '%s'\n", code_text);
        return EXIT_USAGE;
    }
    openndis_client *cl = client_connect("ioctl", socket);
    if (cl == NULL)
        return EXIT_USAGE;
    uint32_t h;
    char st[64];
    openndis_status s = openndis_open(cl, device, access, &h);
    if (s != OPENNDIS_STATUS_SUCCESS) {
        status_text(s, st, sizeof st);
        fprintf(stderr, "openndis ioctl: opening %s: %s\n", device, st);
        openndis_disconnect(cl);
        return EXIT_VERDICT;
    }
    size_t returned = 0;
    s = openndis_ioctl(cl, h, (uint32_t)code, in, in_len, out, out_len, &returned);
    openndis_close(cl, h);
    openndis_disconnect(cl);
    status_text(s, st, sizeof st);
    printf("status   %s\nreturned %zu\n", st, returned);
    bool error = (s >> 30) == 3;
    size_t shown = error ? 0 : returned < out_len ? returned : out_len;
    for (size_t i = 0; i < shown; i++)
        printf("%s%02x%s", i == 0 ? "output   " : i % 16 == 0 ? "         " : "", out[i], i % 16 == 15 || i + 1 == shown ? "\n" : " ");
    return error ? EXIT_VERDICT : EXIT_PASS;
}
