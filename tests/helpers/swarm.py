#!/usr/bin/env python3
"""swarm.py N PROBE ARGS...: start N probes at once (as a rolling restart
does on a node) and wait for all. Prints "N ok, N failed, slowest MS ms",
then the most common first lines of the failures."""
import collections
import subprocess
import sys
import threading
import time

n, cmd = int(sys.argv[1]), sys.argv[2:]
results = []
lock = threading.Lock()
go = threading.Barrier(n)


def one():
    go.wait()
    start = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    first = p.stdout.decode(errors="replace").split("\n")[0]
    with lock:
        results.append((p.returncode, (time.monotonic() - start) * 1000, first))


threads = [threading.Thread(target=one) for _ in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join()
ok = sum(1 for r in results if r[0] == 0)
print("%d ok, %d failed, slowest %d ms" % (ok, n - ok, max(r[1] for r in results)))
for line, count in collections.Counter(r[2] for r in results if r[0] != 0).most_common(3):
    print("  %dx %s" % (count, line))
