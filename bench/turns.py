#!/usr/bin/env python3
"""turns.py N CMD... -- CMD... [-- CMD...]: run the commands in turn, N
rounds, and print for each the mean CPU time (user+sys of it and its
children) and the median wall time. Taking turns spreads a noisy machine's
drift over every command alike, where hyperfine runs each one's runs in a
block: use it to compare two builds, or the probe with the floor."""
import resource
import statistics
import subprocess
import sys
import time

if len(sys.argv) < 3 or not sys.argv[1].isdigit():
    sys.exit(__doc__)
n = int(sys.argv[1])
cmds = [c.split() for c in " ".join(sys.argv[2:]).split(" -- ")]
cpu = [0.0] * len(cmds)
wall = [[] for _ in cmds]
for _ in range(n):
    for k, cmd in enumerate(cmds):
        r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        t1, r1 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[k] += r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
        wall[k].append(t1 - t0)
for k, cmd in enumerate(cmds):
    print("%8.3f ms CPU %8.3f ms wall  %s" % (cpu[k] / n * 1000,
          statistics.median(wall[k]) * 1000, " ".join(cmd)))
