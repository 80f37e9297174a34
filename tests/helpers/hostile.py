#!/usr/bin/env python3
"""hostile.py PORTFILE: an HTTP server that misbehaves, picked by the path:
  /endless-headers  header lines that never end
  /huge-header      one 1 MB header line
  /slowloris        the status line, one byte every 200 ms
  /short-body       Content-Length: 100, 10 bytes, then close
  /stalled-body     Content-Length: 100, 10 bytes, then silence
  /cut-headers      half a header, then close
  /bad-status       "HTTP/1.1 abc OK"
  /http09           a body with no status line (HTTP/0.9), then close
  /empty            close without a byte
Each connection is served by its own thread; sends stop when the peer goes."""
import os
import socket
import sys
import threading
import time


def handle(c):
    try:
        req = b""
        while b"\r\n\r\n" not in req and len(req) < 65536:
            chunk = c.recv(4096)
            if not chunk:
                return
            req += chunk
        path = req.split(b" ")[1].decode() if b" " in req else "/"
        if path == "/endless-headers":
            c.sendall(b"HTTP/1.1 200 OK\r\n")
            while True:
                c.sendall(b"X-More: " + b"a" * 100 + b"\r\n")
        elif path == "/huge-header":
            c.sendall(b"HTTP/1.1 200 OK\r\nX-Huge: " + b"h" * (1 << 20) + b"\r\n\r\nok")
        elif path == "/slowloris":
            for b in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok":
                c.sendall(bytes([b]))
                time.sleep(0.2)
        elif path == "/short-body":
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
        elif path == "/stalled-body":
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
            time.sleep(30)
        elif path == "/cut-headers":
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Le")
        elif path == "/bad-status":
            c.sendall(b"HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\nok")
        elif path == "/http09":
            c.sendall(b"ok, here is a body and no status line\n")
    except OSError:
        pass
    finally:
        c.close()


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(256)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    while True:
        c, _ = s.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()


if __name__ == "__main__":
    main()
