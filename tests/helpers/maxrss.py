#!/usr/bin/env python3
"""maxrss.py CMD...: run CMD; print the peak resident memory, in KiB, of
the largest process it and its waited-for descendants had; exit as CMD."""
import resource
import subprocess
import sys

rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)
