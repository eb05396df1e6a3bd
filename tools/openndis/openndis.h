/* The openndis command: shared pieces of its subcommands. */
#ifndef OPENNDIS_TOOL_H
#define OPENNDIS_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

/* Exit codes, the same for every subcommand. */
enum {
    EXIT_PASS = 0,    /* the driver did what was asked and no rule was violated */
    EXIT_VERDICT = 1, /* the driver failed or violated a rule */
    EXIT_USAGE = 2,   /* bad command line, or a file that is not a loadable driver */
    EXIT_CRASH = 3,   /* the driver crashed or hung; OpenNDIS reported it */
    EXIT_WRITE = 4,   /* the run ended but a report (stdout, --junit, --sarif, --pcap) could not be written */
    EXIT_INTERRUPTED = 130, /* stopped by SIGINT/SIGTERM/SIGHUP before any finding */
};

/* outfile.c: report files written whole or not at all (a temporary file beside the target,
 * renamed over it). out_open checks, before anything runs, that `path` is a regular file or
 * absent, is none of `inputs` (by device and inode) and that its directory takes a file;
 * `option` names it in messages. out_commit writes `data` (NULL: someone else wrote the
 * temporary file, out_temp_path) and renames; both free `f`, as out_discard does. */
struct out_file;
struct out_file *out_open(const char *option, const char *path, const char *const *inputs, size_t ninputs,
                          char *err, size_t len);
const char *out_temp_path(const struct out_file *f);
/* Whether two report paths name one file, existing or not (./r.xml and r.xml, a link). */
bool out_same_target(const char *a, const char *b);
const char *out_path(const struct out_file *f);
bool out_commit(struct out_file *f, const char *data, size_t n, char *err, size_t len);
void out_discard(struct out_file *f);
/* Flushes and closes stdout; false (with a message) if any of the report was lost. */
bool out_stdout_ok(void);

/* driver_output.c: what the driver writes to stdout never lands in the report stream. In the
 * driver's process, fd 1 goes to stderr (or, `silent`, both go to /dev/null) until
 * driver_output_end, which flushes the driver's buffered output and puts fd 1 (and 2) back. */
struct driver_output {
    int saved_out, saved_err;
};
void driver_output_begin(struct driver_output *d, bool silent);
void driver_output_end(struct driver_output *d);
/* Runs a job's `life` between the two (its report kept; the driver's output not in it). */
struct json_object;
typedef struct json_object *(*sv_job_fn)(void *arg);
struct json_object *driver_output_around(sv_job_fn life, void *arg);

/* supervise.c: runs a job in a child process so that a crashing or hanging driver cannot
 * take the report with it. The job builds its report object and returns it. */
struct sv_options {
    unsigned timeout_seconds;    /* 0: no limit */
    unsigned stop_grace_seconds; /* after SIGINT/SIGTERM/SIGHUP, before SIGKILL; 0: 3 s */
    bool in_process;             /* --no-fork: run here, for debuggers */
    const char *image;           /* the driver: PE locations in its report are named from its PDB */
};
struct json_object *sv_run(sv_job_fn job, void *arg, const struct sv_options *opt);
/* Names the report's locations in PE image `image` (module + RVA) from its PDB (pe_symbols.c). */
void pe_symbols_fill(struct json_object *report, const char *image);
/* The same, several at a time: sv_spawn starts a job's child (NULL if it cannot);
 * sv_wait_any returns the index of one of `children` that has ended (sent its report,
 * died, or hung past its timeout); sv_reap collects that child's report (as sv_run returns
 * it) and frees it. sv_stop kills a child whose report is no longer wanted (reap it still). */
struct sv_child;
struct sv_child *sv_spawn(sv_job_fn job, void *arg, const struct sv_options *opt);
size_t sv_wait_any(struct sv_child *const *children, size_t n);
struct json_object *sv_reap(struct sv_child *child);
void sv_stop(struct sv_child *child);
/* Installs the handlers that pass SIGINT/SIGTERM/SIGHUP/SIGUSR1 on to running children, and
 * keeps them installed between children too, until sv_forwarding_end(): for a caller that
 * runs many (sv_spawn installs them for each child anyway). */
void sv_forwarding_begin(void);
void sv_forwarding_end(void);
/* True once SIGINT, SIGTERM or SIGHUP reached the parent while they were caught. */
bool sv_interrupted(void);
/* Called by a job: its timeout no longer applies (verify's sweep process, once the driver is
 * loaded; its steps have timeouts of their own). */
void sv_timeout_done(void);
/* Called by a job: the report a crash handler completes and sends, and the current phase. */
void sv_set_report(struct json_object *report);
void sv_phase(const char *phase);
/* Called by a job: unloads the driver (ld_unload's answer) and frees the image, unless a
 * thread still runs the driver's code: that is reported (ND1903) and the code stays mapped,
 * so the thread cannot crash in unmapped memory at a moment that depends on timing. */
struct ld_image;
bool sv_unload(struct ld_image *image);
/* Called by a job after it changes its user ID, which clears PR_SET_PDEATHSIG: it dies with
 * openndis again (and at once if openndis has already ended). */
void sv_die_with_parent(void);

/* render.c */
/* The string form of `key` in object `o`, or NULL. */
const char *json_str_field(struct json_object *o, const char *key);
void render_violations(FILE *out, struct json_object *violations);
void render_crash(FILE *out, struct json_object *report);
int render_exit_code(struct json_object *report);
void render_json(FILE *out, struct json_object *report);
/* Prints the report (JSON, or `body` then violations, crash and verdict), frees it and
 * returns the exit code. */
int render_report(struct json_object *report, bool json, void (*body)(FILE *out, struct json_object *report));

/* subcommands */
int cmd_info(int argc, char **argv);
/* imports.c: `info --imports`; returns the exit code */
int info_imports(const char *path, bool json);
int cmd_run(int argc, char **argv);
int cmd_verify(int argc, char **argv);
/* junit.c, sarif.c: verify's report as JUnit XML and SARIF 2.1.0 text (malloc'd; NULL if out
 * of memory). */
char *junit_report(struct json_object *verify_report);
char *sarif_report(struct json_object *verify_report);
int cmd_rules(int argc, char **argv);
int cmd_exports(int argc, char **argv);
int cmd_report(int argc, char **argv); /* verify.c: report merge */
int cmd_devices(int argc, char **argv); /* client_cmds.c */
int cmd_ioctl(int argc, char **argv);

/* main.c */
bool parse_ulong(const char *s, unsigned long *out);
bool apply_ndis_version(const char *text);

/* The options every driver-running subcommand takes. */
struct common_options {
    bool json;
    unsigned long fail_nth;
    bool timeout_given;
    struct sv_options sv;
};
#define COMMON_LONGOPTS                                                                   \
    { "json", no_argument, NULL, 'j' }, { "ndis-version", required_argument, NULL, 'v' }, \
    { "fail-call", required_argument, NULL, 'f' }, { "timeout", required_argument, NULL, 't' }, \
    { "no-fork", no_argument, NULL, 'n' }, { "trace", required_argument, NULL, 'T' }, \
    { "processors", required_argument, NULL, OPT_PROCESSORS }, { "device", required_argument, NULL, OPT_DEVICE }
#define OPT_PROCESSORS 0x100
#define OPT_DEVICE 0x101
/* Handles option `c` if it is a common one: 1 handled, 0 not common, -1 bad (reported). */
int common_option(const char *cmd, int c, const char *arg, struct common_options *o);

#endif /* OPENNDIS_TOOL_H */
