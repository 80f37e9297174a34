#!/usr/bin/env python3
"""hammer.py URL N: N concurrent GET requests to URL; prints each status
code's count, such as "200 x50"."""
import collections
import sys
import threading
import urllib.error
import urllib.request

url, n = sys.argv[1], int(sys.argv[2])
codes = collections.Counter()
lock = threading.Lock()
start = threading.Barrier(n)


def one():
    start.wait()
    try:
        code = urllib.request.urlopen(url, timeout=10).status
    except urllib.error.HTTPError as e:
        code = e.code
    except Exception as e:  # noqa: BLE001 - report whatever went wrong
        code = type(e).__name__
    with lock:
        codes[code] += 1


threads = [threading.Thread(target=one) for _ in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(" ".join("%s x%d" % (k, v) for k, v in sorted(codes.items(), key=str)))
