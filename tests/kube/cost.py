#!/usr/bin/env python3
"""cost.py KUBELET_LOG EXEC_POD_MS EXEC_NODE_MS EXEC_PROBES SIDECAR_POD_MS
SIDECAR_NODE_MS SIDECAR_PROBES: the probe round trips the kubelet saw (its
log at -v=4: the line that starts a probe, then the one with its result,
for the same pod and kind), exec against httpGet, and the CPU per probe
run.sh measured over a window with the pod alone: the pod's side (its
shims with what they reaped, runc exec and the probe; probe serve) and the
node's (kubelet and containerd, less an idle window; noisy, as the kubelet
does more for a pod than probe it).
Prints a table; exits 1 if it found no round trip of either kind."""
import re
import statistics
import sys

ts_re = re.compile(r"^I(\d{4}) (\d\d):(\d\d):(\d\d\.\d+)")
start_exec = re.compile(r"Exec-Probe Pod: (\S+), Container: (\S+), Command: \[\S+ (liveness|readiness|startup)\]")
start_http = re.compile(r"HTTP-Probe Host: \S+, Port: \d+, Path: /(livez|readyz|startupz)")
result = re.compile(r'(Liveness|Readiness|Startup) probe for "([^_"]+)[^"]*" (succeeded|failed)')
kind_of = {"livez": "liveness", "readyz": "readiness", "startupz": "startup"}


def seconds(line):
    m = ts_re.match(line)
    return int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4)) if m else None


pending, trips = {}, {"exec": [], "httpGet": []}
for line in open(sys.argv[1], errors="replace"):
    t = seconds(line)
    if t is None:
        continue
    m = start_exec.search(line)
    if m and m.group(2) == "app":
        pending[("exec-probes", m.group(3))] = ("exec", t)
        continue
    m = start_http.search(line)
    if m:
        pending[("sidecar-probes", kind_of[m.group(1)])] = ("httpGet", t)
        continue
    m = result.search(line)
    if m:
        pod = m.group(2).rsplit("-probe-node", 1)[0]
        key = (pod, m.group(1).lower())
        if key in pending and m.group(3) == "succeeded":
            how, t0 = pending.pop(key)
            trips[how].append((t - t0) * 1000)
epod, enode, en, spod, snode, sn = (float(x) for x in sys.argv[2:8])
print("| probe | round trips | median | p90 | CPU per probe, pod side | CPU per probe, kubelet and containerd |")
print("|---|---:|---:|---:|---:|---:|")
for how, pod, node, n in (("exec", epod, enode, en), ("httpGet", spod, snode, sn)):
    v = sorted(trips[how])
    if not v or not n:
        print("no %s round trip in the log" % how)
        sys.exit(1)
    p90 = v[int(len(v) * 0.9)]
    print("| %s | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms |" % (
        how, len(v), statistics.median(v), p90, pod / n, max(node, 0) / n))
