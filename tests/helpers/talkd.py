#!/usr/bin/env python3
"""talkd.py DIR: line servers for the tcp check's send and expect, and a
server that answers as Redis does while it loads its dataset. Each listens
on loopback and writes its port to DIR/NAME, then DIR/ready:
  banner   "220 probe.test ESMTP ready" then closes after a QUIT line
  ruok     answers "imok" to a line "ruok", "nope" to any other, then closes
  hex      answers each line with its bytes in hex ("00016f6b")
  silent   accepts and says nothing
  flood    endless bytes and no newline
  lines    endless lines, none of them useful
  loading  a Redis that loads: -LOADING to every command
  closed   closes at once
Each connection has its thread; sends stop when the peer goes."""
import os
import socket
import sys
import threading
import time


def lines(c):
    buf = b""
    while True:
        while b"\n" not in buf:
            chunk = c.recv(4096)
            if not chunk:
                return
            buf += chunk
        line, buf = buf.split(b"\n", 1)
        yield line


def banner(c):
    c.sendall(b"220 probe.test ESMTP ready\r\n")
    for line in lines(c):
        if line.rstrip(b"\r") == b"QUIT":
            c.sendall(b"221 bye\r\n")
            return
        c.sendall(b"250 ok\r\n")


def ruok(c):
    for line in lines(c):
        c.sendall(b"imok" if line == b"ruok" else b"nope\n")
        return


def hexd(c):
    for line in lines(c):
        c.sendall(line.hex().encode() + b"\n")


def silent(c):
    time.sleep(60)


def flood(c):
    while True:
        c.sendall(b"x" * 65536)


def endless_lines(c):
    while True:
        c.sendall(b"nothing to see here\n" * 1000)


def loading(c):
    buf = b""
    while True:
        chunk = c.recv(4096)
        if not chunk:
            return
        buf += chunk
        # One answer per complete RESP array of one to three bulk strings.
        while buf.startswith(b"*") and buf.count(b"\r\n") >= 1 + 2 * int(buf[1:2] or b"1"):
            n = int(buf[1:2])
            parts = buf.split(b"\r\n")
            buf = b"\r\n".join(parts[1 + 2 * n:])
            c.sendall(b"-LOADING Redis is loading the dataset in memory\r\n")


def closed(c):
    pass


SERVERS = {"banner": banner, "ruok": ruok, "hex": hexd, "silent": silent,
           "flood": flood, "lines": endless_lines, "loading": loading,
           "closed": closed}


def serve(name, fn, d):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    with open(os.path.join(d, name + ".tmp"), "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(os.path.join(d, name + ".tmp"), os.path.join(d, name))

    def one(c):
        try:
            fn(c)
        except OSError:
            pass
        finally:
            c.close()

    while True:
        c, _ = s.accept()
        threading.Thread(target=one, args=(c,), daemon=True).start()


def main():
    d = sys.argv[1]
    for name, fn in SERVERS.items():
        threading.Thread(target=serve, args=(name, fn, d), daemon=True).start()
    while not all(os.path.exists(os.path.join(d, n)) for n in SERVERS):
        time.sleep(0.01)
    open(os.path.join(d, "ready"), "w").close()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
