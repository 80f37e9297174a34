#!/usr/bin/env python3
"""killer.py N PROBE ARGS...: start the probe N times and SIGKILL each run
at a random moment within its first 5 ms (most runs die in the middle of
their checks). Prints how many runs were killed and how many had ended."""
import random
import signal
import subprocess
import sys
import time

n, cmd = int(sys.argv[1]), sys.argv[2:]
random.seed(1)
killed = ended = 0
for _ in range(n):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(0, 0.005))
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
        killed += 1
    else:
        ended += 1
    p.wait()
print("%d killed, %d ended first" % (killed, ended))
