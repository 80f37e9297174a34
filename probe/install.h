/* install.h: probe install DIR. */
#ifndef INSTALL_H
#define INSTALL_H

#include <stddef.h>

#define INSTALL_NAME "probe"

/*
 * Copy the running executable to DIR/probe, mode 0755: written to a
 * temporary file in DIR, synced, then renamed, so that DIR never holds a
 * partial copy. Returns 0 or -1; msg says what was done or what failed.
 */
int install_self(const char *dir, const char *argv0, char *msg, size_t len);

#endif
