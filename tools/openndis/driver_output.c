/* The driver's own output and the report's stream. A driver's printf shares stdout with the
 * report (`--json` must stay JSON, text must stay the report), so while the driver can run
 * its fd 1 points at stderr; in fault steps, where hundreds of runs repeat one log, both go
 * to /dev/null. Its buffered output is flushed before the process sends its report or gives
 * the descriptors back, so nothing a driver printed is lost when stdout is not a terminal. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "openndis.h"

void driver_output_begin(struct driver_output *d, bool silent)
{
    fflush(stdout);
    fflush(stderr);
    d->saved_out = dup(STDOUT_FILENO);
    d->saved_err = silent ? dup(STDERR_FILENO) : -1;
    int sink = silent ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
    if (silent && sink >= 0) {
        dup2(sink, STDOUT_FILENO);
        dup2(sink, STDERR_FILENO);
        close(sink);
    } else {
        dup2(STDERR_FILENO, STDOUT_FILENO);
    }
}

void driver_output_end(struct driver_output *d)
{
    fflush(stdout);
    fflush(stderr);
    if (d->saved_out >= 0) {
        dup2(d->saved_out, STDOUT_FILENO);
        close(d->saved_out);
    }
    if (d->saved_err >= 0) {
        dup2(d->saved_err, STDERR_FILENO);
        close(d->saved_err);
    }
    d->saved_out = d->saved_err = -1;
}

struct json_object *driver_output_around(sv_job_fn life, void *arg)
{
    struct driver_output out;
    driver_output_begin(&out, false);
    struct json_object *r = life(arg);
    driver_output_end(&out);
    return r;
}
