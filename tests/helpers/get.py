#!/usr/bin/env python3
"""get.py URL [METHOD]: one request; prints the status code, the headers
(NAME: value) and a blank line, then the body."""
import http.client
import sys
import urllib.parse

u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
c.request(sys.argv[2] if len(sys.argv) > 2 else "GET", u.path + ("?" + u.query if u.query else ""))
r = c.getresponse()
sys.stdout.write("%d\n" % r.status)
for k, v in r.getheaders():
    sys.stdout.write("%s: %s\n" % (k, v))
sys.stdout.write("\n")
sys.stdout.write(r.read().decode("utf-8", "replace"))
