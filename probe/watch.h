/* watch.h: know when a config file may have changed, at no cost while
 * nothing changes (inotify). */
#ifndef WATCH_H
#define WATCH_H

#include <stddef.h>

/*
 * Start watching path: its directory (an edit in place, a file renamed
 * over it, the kubelet's swap of a ConfigMap volume's ..data symlink) and
 * the directory of the file it resolves to. Returns a descriptor that
 * polls readable when something happened, or -1 with err filled.
 */
int watch_open(const char *path, char *err, size_t errlen);

/*
 * Read the events that came. If one may concern path, read those that
 * follow until none concerning path has come for settle_ms (a kubelet
 * swap is several events; an editor's save too) and return 1; else 0.
 */
int watch_settle(int fd, const char *path, int settle_ms);

#endif
