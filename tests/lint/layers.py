#!/usr/bin/env python3
"""layers.py: the rooms of probe/ (HACKING.md, "The rooms"). Each file is
in one room; a file may include the headers of its room and of the rooms
below, never above, and the includes between modules make no cycle.
Prints each breach as FILE:LINE: what; exits 1 if any."""
import os
import re
import sys

ROOMS = [
    ("ground", "probe util parse process version watch sandbox_rules"),
    ("checks", "checks check_http check_tcp check_mount check_writable check_grpc "
               "check_cert curlx certs expect ere grpc mountinfo mountpoint conn dialog "
               "protocols"),
    ("config", "config check lint"),
    ("run", "run guard sandbox seccomp landlock"),
    ("report", "report report_config termination json"),
    ("commands", "once wait validate install help serve serve_http serve_int "
                 "serve_kind serve_runner serve_reload serve_metrics serve_history "
                 "serve_page serve_params"),
    ("main", "main cli"),
]
ROOM = {m: i for i, (_, mods) in enumerate(ROOMS) for m in mods.split()}
NAME = [name for name, _ in ROOMS]


def main(src):
    bad, edges = [], {}
    files = sorted(f for f in os.listdir(src) if f.endswith((".c", ".h")))
    for f in files:
        mod = f[:-2]
        if mod not in ROOM:
            bad.append(f"{src}/{f}:1: in no room: add it to ROOMS in {sys.argv[0]} "
                       "and to HACKING.md's table")
            continue
        for n, line in enumerate(open(os.path.join(src, f)), 1):
            m = re.match(r'#include "([a-z_0-9]+)\.h"', line)
            if not m or m.group(1) == mod:
                continue
            dep = m.group(1)
            if dep not in ROOM:
                bad.append(f"{src}/{f}:{n}: {dep}.h is in no room")
                continue
            if ROOM[dep] > ROOM[mod]:
                bad.append(f"{src}/{f}:{n}: {mod} ({NAME[ROOM[mod]]}) includes "
                           f"{dep}.h ({NAME[ROOM[dep]]}), a room above")
            edges.setdefault(mod, set()).add(dep)
    # A cycle of includes between modules (a .c and its .h are one).
    state = {}

    def visit(m, path):
        state[m] = 1
        for d in sorted(edges.get(m, ())):
            if state.get(d) == 1:
                bad.append(f"{src}: a cycle: {' -> '.join(path[path.index(d):] + [d])}")
            elif d not in state:
                visit(d, path + [d])
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    for b in bad:
        print(b)
    print(f"layers: {len(files)} files in {len(ROOMS)} rooms, {len(bad)} breaches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "probe"))
