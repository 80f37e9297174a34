#!/usr/bin/env python3
"""get.py URL [METHOD]: one request; prints the status code, the headers
(NAME: value) and a blank line, then the body; on stderr, "elapsed_ms N"
from connect to the end of the body."""
import http.client
import sys
import time
import urllib.parse

start = time.monotonic()
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
c.request(sys.argv[2] if len(sys.argv) > 2 else "GET", u.path + ("?" + u.query if u.query else ""))
r = c.getresponse()
sys.stdout.write("%d\n" % r.status)
for k, v in r.getheaders():
    sys.stdout.write("%s: %s\n" % (k, v))
sys.stdout.write("\n")
sys.stdout.write(r.read().decode("utf-8", "replace"))
sys.stderr.write("elapsed_ms %d\n" % ((time.monotonic() - start) * 1000))
