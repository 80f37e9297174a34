#!/usr/bin/env python3
"""idle.py PORT READYFILE ADDRS PER_ADDR SLOW_ADDRS: a hostile crowd on
loopback. From each of ADDRS addresses (127.0.0.2 and up) it opens PER_ADDR
TCP connections to PORT and sends nothing; from SLOW_ADDRS more addresses
it opens PER_ADDR connections that send a request's header one byte a
second (slowloris). It writes READYFILE once all are open, then watches the
idle ones for 8 seconds and prints "idle N, closed by the server after
8s: K" and "slow N" (connections the server took and kept)."""
import os
import select
import socket
import sys
import time

port, ready, addrs, per, slow_addrs = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
port = int(port)


def crowd(first, n_addrs):
    conns = []
    for a in range(first, first + n_addrs):
        for _ in range(per):
            s = socket.socket()
            s.bind(("127.0.0.%d" % a, 0))
            try:
                s.connect(("127.0.0.1", port))
                conns.append(s)
            except OSError:
                s.close()
    return conns


idle = crowd(2, addrs)
slow = crowd(2 + addrs, slow_addrs)
start = time.monotonic()
open(ready, "w").close()
closed = set()
header = b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 64
sent = 0
while time.monotonic() - start < 8:
    for s in slow:
        try:
            s.send(header[sent % len(header):][:1])
        except OSError:
            pass
    sent += 1
    poller = select.poll()
    byfd = {}
    for s in idle:
        if s not in closed:
            poller.register(s, select.POLLIN)
            byfd[s.fileno()] = s
    for fd, _ in poller.poll(1000):
        s = byfd[fd]
        try:
            if s.recv(1) == b"":
                closed.add(s)
        except OSError:
            closed.add(s)
print("idle %d, closed by the server after 8s: %d" % (len(idle), len(closed)))
print("slow %d" % len(slow))
sys.stdout.flush()
