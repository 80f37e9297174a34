/* process.h: the surroundings of the probe's process, made safe before
 * anything else runs, and the bound on how long its output may block. */
#ifndef PROCESS_H
#define PROCESS_H

/*
 * Put /dev/null (or, where it cannot be opened, "/" read-only) on each of
 * descriptors 0, 1 and 2 that is closed, so that nothing the probe opens
 * lands there and a report never goes into a socket or a pipe of its own;
 * ignore SIGPIPE, so that a reader that goes away costs the output and
 * never the exit status.
 */
void process_init(void);

/*
 * From now on the process exits with status within ms (at least 1 ms),
 * whatever blocks it, such as a report written into a full pipe that
 * nobody reads: a timer whose signal ends the process with status.
 */
void process_exit_by(long ms, int status);

#endif
