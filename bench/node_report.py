#!/usr/bin/env python3
"""node_report.py OUT DOCS: make bench-node's results (hyperfine's JSON,
OUT/serve) into the "On a node" section of DOCS/performance.md and
DOCS/performance-node.png; the section replaces the one there."""
import datetime
import json
import os
import sys

from reportlib import bar_chart, machine

PODS, PROBES, PERIOD_S = 110, 3, 10
TITLE = "## On a node: the container runtime's share"

out, docs = sys.argv[1], sys.argv[2]
hf = {r["command"]: r for r in json.load(open(os.path.join(out, "hyperfine.json")))["results"]}
cmds = [l.split("|", 1)[0] for l in open(os.path.join(out, "commands")).read().split("\n") if l]


def core_pct(cpu_ms):
    """% of one core for PODS pods each running PROBES probes every PERIOD_S."""
    return cpu_ms * PODS * PROBES / PERIOD_S / 1000 * 100


rows = []  # (name, cpu ms per probe, wall ms per probe)
for name in cmds:
    r = hf[name]
    rows.append((name, (r["user"] + r["system"]) * 1000, r["median"] * 1000))
for line in open(os.path.join(out, "serve")).read().split("\n"):
    if not line:
        continue
    name, client, before, after, n = line.split("|")
    c_cpu, c_wall, _ = (float(x) for x in client.split())
    s_cpu = (float(after) - float(before)) / int(n)
    serve_n = n
    rows.append((name + ": client", c_cpu / 1000, c_wall / 1000))
    rows.append((name + ": server", s_cpu, None))
    rows.append((name + ": both", c_cpu / 1000 + s_cpu, c_wall / 1000))

cpu = {name: c for name, c, _ in rows}
runtime = cpu["probe --version, runc exec"]
lines = [
    TITLE,
    "",
    "In Kubernetes an exec probe goes kubelet -> container runtime -> `runc",
    "exec` -> the probe: the runtime's part is most of its cost. `make",
    "bench-node` (bench/node.sh) measures it with Debian's runc and a container",
    "made from a minimal rootfs (the static probe, curl and the libraries it",
    "loads; host network, read-only root, a bind-mounted data volume), against",
    "nginx on loopback, on this project's machine (%s; %s). CPU is user+sys of"
    % (machine(), datetime.date.today().isoformat()),
    "the command and every child it waited for (for `runc exec`: runc, its",
    "`runc init` and the command), the mean of %d runs; wall time is the"
    % len(hf[cmds[0]]["times"]),
    "median. The probe's checks are the time server's readiness checks (http",
    "+ mount + writable); curl does the HTTP GET only. `probe serve` rows: a",
    "client doing the least an HTTP prober can (bench/floor.c -n, a new",
    "connection per request, as the kubelet's) and the server's process tree",
    "(serve, its runners, their check processes) measured apart from /proc,",
    "over %s requests each; \"a check run per request\" (`cache = 0`) is what" % serve_n,
    "kubelet probes every 10 s cause, \"from its cache\" the HTTP answer alone.",
    "The last column is what %d pods with %d probes each every %d s cost a node,"
    % (PODS, PROBES, PERIOD_S),
    "in %% of one core (%d probes a second). The kubelet's and the CRI runtime's"
    % (PODS * PROBES // PERIOD_S),
    "(containerd, CRI-O) own work per probe comes on top of every row and is",
    "not measured here.",
    "",
    "| probe | CPU per probe | wall per probe | %% of one core, %d pods x %d probes / %d s |"
    % (PODS, PROBES, PERIOD_S),
    "|---|---:|---:|---:|",
]
for name, c, wall in rows:
    lines.append("| %s | %.3f ms | %s | %.1f%% |" % (
        name, c, "%.2f ms" % wall if wall is not None else "", core_pct(c)))
lines += [
    "",
    "![CPU per probe](performance-node.png)",
    "",
    "Of `runc exec` of the probe (%.2f ms of CPU), the runtime alone (`runc"
    % cpu["probe, runc exec"],
    "exec` of `probe --version`) takes %.2f ms: %.0f%%. The probe's own checks"
    % (runtime, 100 * runtime / cpu["probe, runc exec"]),
    "add %.2f ms over that, curl through the runtime %.2f ms. Answered by `probe"
    % (cpu["probe, runc exec"] - runtime, cpu["curl -fsS, runc exec"] - runtime),
    "serve` with a check run per request, a probe costs %.2f ms on both sides"
    % cpu["probe serve, a check run per request: both"],
    "together: %.0fx less than an exec probe of the same checks."
    % (cpu["probe, runc exec"] / cpu["probe serve, a check run per request: both"]),
    "",
]
head = lines.index("| probe | CPU per probe | wall per probe | %% of one core, %d pods x %d probes / %d s |"
                   % (PODS, PROBES, PERIOD_S))
open(os.path.join(out, "table.md"), "w").write("\n".join(lines[head:head + len(rows) + 2]) + "\n")



def label(name):
    name = name.replace("probe serve, a check run per request", "serve, checks run")
    name = name.replace("probe serve, from its cache", "serve, cached")
    return name.replace(", ", "\\n").replace(": ", "\\n")


bar_chart(os.path.join(docs, "performance-node.png"), os.path.join(out, "chart.dat"),
          [(label(name), c) for name, c, _ in rows],
          "probe on a node: CPU per probe, user+sys (lower is better)", 3,
          size=(1100, 560), font=7)

md = os.path.join(docs, "performance.md")
text = open(md).read() if os.path.exists(md) else "# Performance\n"
section = "\n".join(lines)
if TITLE in text:
    start = text.index(TITLE)
    nxt = text.find("\n## ", start + len(TITLE))
    text = text[:start] + section + (text[nxt + 1:] if nxt >= 0 else "")
else:
    text = text.rstrip("\n") + "\n\n" + section
open(md, "w").write(text)
print("\n".join(lines[head:head + len(rows) + 2]))
