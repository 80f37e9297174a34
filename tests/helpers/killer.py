#!/usr/bin/env python3
"""killer.py N PROBE ARGS...: start the probe N times and SIGKILL each run
at a random moment within the first 80% of a whole run's time here (the
median of 20 runs first, measured the same way: this machine's load
stretches the runs and this script's sleeps alike), so that most runs die
in the middle of their checks. Prints how many runs were killed and how
many had ended."""
import random
import signal
import statistics
import subprocess
import sys
import time

n, cmd = int(sys.argv[1]), sys.argv[2:]
random.seed(1)


def whole_run():
    t0 = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t0


window = 0.8 * statistics.median(whole_run() for _ in range(20))
killed = ended = 0
for _ in range(n):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(0, window))
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
        killed += 1
    else:
        ended += 1
    p.wait()
print("%d killed, %d ended first" % (killed, ended))
