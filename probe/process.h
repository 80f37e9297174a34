/* process.h: the surroundings of the probe's process, made safe before
 * anything else runs, what a check's process leaves behind, and the bound
 * on how long its output may block. */
#ifndef PROCESS_H
#define PROCESS_H

#include <stddef.h>

/*
 * Put /dev/null (or, where it cannot be opened, "/" read-only) on each of
 * descriptors 0, 1 and 2 that is closed, so that nothing the probe opens
 * lands there and a report never goes into a socket or a pipe of its own;
 * ignore SIGPIPE, so that a reader that goes away costs the output and
 * never the exit status; make the process not dumpable, so that no check
 * of its own can reach into it through /proc.
 */
void process_init(void);

/* A descriptor of /dev/null (close-on-exec), opened once for the
 * process and kept, so that each check's process forked after it has it;
 * -1 if it cannot be opened. */
int process_null(void);

/* Put /dev/null on descriptors 0, 1 and 2 (or close them where it cannot
 * be opened): a check's process must not hold the caller's pipes. */
void process_null_stdio(void);

/* Close every descriptor from 3 up but the n in keep (close_range, else
 * what /proc/self/fd lists, else each up to the open files limit). */
void process_close_fds(const int *keep, size_t n);

/*
 * From now on the process exits with status within ms (at least 1 ms),
 * whatever blocks it, such as a report written into a full pipe that
 * nobody reads: a timer whose signal ends the process with status.
 */
void process_exit_by(long ms, int status);

#endif
