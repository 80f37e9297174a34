#!/usr/bin/env python3
"""loop.py URL STOPFILE [THREADS]: request URL over and over on
keep-alive connections until STOPFILE exists. Prints "N requests, N errors"
then the first errors. An error is anything but a 200 or 503 whose body
starts with "healthy" or "unhealthy"."""
import http.client
import os
import sys
import threading
import urllib.parse

url, stopfile = sys.argv[1], sys.argv[2]
nthreads = int(sys.argv[3]) if len(sys.argv) > 3 else 4
u = urllib.parse.urlsplit(url)
lock = threading.Lock()
counts = {"requests": 0, "errors": 0}
errors = []


def one():
    c = None
    while not os.path.exists(stopfile):
        err = None
        try:
            if c is None:
                c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            c.request("GET", u.path)
            r = c.getresponse()
            body = r.read().decode("utf-8", "replace")
            if r.status not in (200, 503) or not body.startswith(("healthy", "unhealthy")):
                err = "%d %s" % (r.status, body.split("\n")[0])
        except Exception as e:  # a reset, a refused connection, a timeout
            err = repr(e)
            c = None
        with lock:
            counts["requests"] += 1
            if err is not None:
                counts["errors"] += 1
                if len(errors) < 3:
                    errors.append(err)


threads = [threading.Thread(target=one) for _ in range(nthreads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("%d requests, %d errors" % (counts["requests"], counts["errors"]))
for e in errors:
    print("  " + e)
