#!/usr/bin/env python3
"""syscalls.py TRACE: the system calls that processes made inside their
sandbox, from an `strace -f -o TRACE` of one probe run: for each process
that installed its seccomp filter, every call after that one, and those of
the threads it started afterwards. Prints the names, one per line, sorted;
a call the filter refused (SIGSYS) is printed as NAME!."""
import re
import sys

line_re = re.compile(r"^(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()")
done_re = re.compile(r"= (\d+)$")
sigsys_re = re.compile(r"^(\d+)\s+--- SIGSYS \{.*si_syscall=(?:__NR_)?(\w+)")
inside, calls, cloning = set(), set(), set()
for line in open(sys.argv[1], errors="replace"):
    line = line.rstrip("\n")
    m = sigsys_re.match(line)
    if m and m.group(1) in inside:
        calls.add(m.group(2) + "!")
        continue
    m = line_re.match(line)
    if not m:
        continue
    pid, name = m.group(1), m.group(2) or m.group(3)
    if pid in inside:
        if not m.group(2):  # a resumed call was counted when it began
            calls.add(name)
        if name in ("clone", "clone3") and "CLONE_THREAD" in line:
            cloning.add(pid)
        c = done_re.search(line)
        if name in ("clone", "clone3") and pid in cloning and c:
            inside.add(c.group(1))
            cloning.discard(pid)
    elif name == "seccomp" and "SECCOMP_SET_MODE_FILTER" in line or \
            name == "prctl" and "PR_SET_SECCOMP" in line:
        inside.add(pid)
for c in sorted(calls):
    print(c)
