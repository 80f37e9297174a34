#!/usr/bin/env python3
"""A small web app that shows the current time and counts visits.

GET /        the current time (UTC, ISO 8601), and counts the visit
GET /visits  how many visits so far

The count lives in $DATA_DIR/visits (the pod's persistent volume) and is
written atomically: temporary file, fsync, rename, fsync of the directory.
Environment: PORT (default 8080), BIND (default 0.0.0.0), DATA_DIR
(default ./data), POD_NAME (shown in the page when set).
"""
import datetime
import http.server
import os
import signal
import sys
import threading

DATA_DIR = os.environ.get("DATA_DIR", "./data")
POD_NAME = os.environ.get("POD_NAME", "")
COUNT_FILE = os.path.join(DATA_DIR, "visits")
lock = threading.Lock()


def read_count():
    try:
        with open(COUNT_FILE, encoding="ascii") as f:
            return int(f.read().strip() or 0)
    except FileNotFoundError:
        return 0


def write_count(n):
    tmp = "%s.tmp.%d" % (COUNT_FILE, os.getpid())
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % n)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, COUNT_FILE)
    fd = os.open(DATA_DIR, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "time-server/1"

    def reply(self, code, text):
        body = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        if self.path == "/":
            try:
                with lock:
                    n = read_count() + 1
                    write_count(n)
            except (OSError, ValueError) as e:
                self.reply(500, "cannot count the visit: %s\n" % e)
                return
            now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
            who = " from %s" % POD_NAME if POD_NAME else ""
            self.reply(200, "%s%s\n" % (now, who))
        elif self.path == "/visits":
            try:
                self.reply(200, "%d\n" % read_count())
            except (OSError, ValueError) as e:
                self.reply(500, "cannot read the count: %s\n" % e)
        else:
            self.reply(404, "not found\n")

    do_HEAD = do_GET

    def log_message(self, fmt, *args):
        if os.environ.get("QUIET") != "1":
            sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main():
    os.makedirs(DATA_DIR, exist_ok=True)
    addr = (os.environ.get("BIND", "0.0.0.0"), int(os.environ.get("PORT", "8080")))
    server = http.server.ThreadingHTTPServer(addr, Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("time-server listening on %s:%d, data in %s" % (addr[0], server.server_port, DATA_DIR),
          flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
