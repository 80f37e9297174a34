#!/usr/bin/env python3
"""report.py OUT DOCS: hyperfine's JSON and the peak RSS list into
DOCS/performance.md (table, ratios) and DOCS/performance.png (gnuplot)."""
import datetime
import json
import os
import shutil
import sys

from reportlib import bar_chart, machine

out, docs = sys.argv[1], sys.argv[2]
results = {r["command"]: r for r in json.load(open(os.path.join(out, "hyperfine.json")))["results"]}
rss = dict(l.rsplit("|", 1) for l in open(os.path.join(out, "maxrss")).read().split("\n") if l)
cmds = [l.split("|", 1) for l in open(os.path.join(out, "commands")).read().split("\n") if l]


def table(name):
    """The rows of OUT/name, fields split at |."""
    return [l.split("|") for l in open(os.path.join(out, name)).read().split("\n") if l]


def size(cmd):
    exe = cmd.split()[0]
    path = exe if os.path.sep in exe else shutil.which(exe)
    return os.path.getsize(path) if path else 0


def med(name):
    return results[name]["median"] * 1000


def cpu(name):
    return (results[name]["user"] + results[name]["system"]) * 1000


curl = med("curl -fsS")
curl_tls = med("curl -fsS https")
rows = []
for name, cmd in cmds:
    # The floor does no TLS nor gRPC: HTTPS rows compare with curl over
    # HTTPS; gRPC rows with nothing here (no grpc-health-probe to build).
    other = "https" in name or "grpc" in name or "tcp" in name
    part = "http+mount+writable" if "mount" in name else "http"
    floor = None if other else "floor, " + part
    fork_floor = None if other else "floor per check, " + part
    # The fair limit: the same isolation written by hand (floor -s).
    hand = None if other or "no sandbox" in name else "by hand, sandboxed per check, " + part
    base = None if "grpc" in name or "tcp" in name else curl_tls if "https" in name else curl
    rows.append((name, med(name), cpu(name), int(rss[name]), size(cmd),
                 med(name) / med(floor) if floor else None,
                 cpu(name) / cpu(floor) if floor else None,
                 cpu(name) / cpu(fork_floor) if fork_floor else None,
                 cpu(name) / cpu(hand) if hand else None,
                 med(name) / med(hand) if hand else None,
                 med(name) / base if base else None))

lines = [
    "# Performance",
    "",
    "What a probe costs per run, as the kubelet sees it: a whole process (fork,",
    "exec, run, exit). `make bench` (bench/bench.sh) times every contender side",
    "by side in one hyperfine run (%d runs each after warm-up) against the same"
    % results[cmds[0][0]]["times"].__len__(),
    "nginx on loopback and the same data directory, on this project's machine",
    "(%s; %s). Machines here are noisy: compare ratios,"
    % (machine(), datetime.date.today().isoformat()),
    "not absolute times, across runs. The floor is `bench/floor.c`, a static",
    "program doing the same work and nothing else (no config, no report, no",
    "deadline, no process per check): the least any probe can cost. The floor",
    "per check (`floor -f`) does the same work with each part (http, mountinfo,",
    "the file) in a child process of its own that reports one byte over a pipe",
    "to a parent that polls and reaps, as the probe runs its checks: the least",
    "a probe that can abandon a hung check at its deadline can cost. The data",
    "directory is on the machine's disk (ext4 on virtio): the fsync is in both",
    "the floor's and the probe's time. HTTPS rows (TLS 1.3, an ECDSA P-256",
    "certificate checked against its CA) compare with `curl -fsS` over HTTPS.",
    "gRPC rows call grpc.health.v1.Health/Check on the gRPC project's Node",
    "server (grpc-js, grpc-health-check) over h2c; grpc-health-probe, a Go",
    "program, cannot be built here (no Go module proxy), so compare them with",
    "the HTTP rows. \"By hand, sandboxed per check\" is the floor per check",
    "with each child confined as the probe confines its checks (no_new_privs,",
    "one Landlock rule, a small seccomp filter; `floor -s`): the fair limit",
    "of the probe's design, its isolation included; \"CPU / by hand\" and",
    "\"wall / by hand\" are the probe against it.",
    "tcp rows ask Redis 7 on loopback: a connect alone, then",
    "protocol = redis (PING, +PONG): what a protocol check costs beside a plain",
    "TCP connect.",
    "",
    "| command | median wall | user+sys CPU (mean) | peak RSS | binary | wall / floor | CPU / floor | CPU / floor per check | CPU / by hand | wall / by hand | wall / curl |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]
def ratio(x):
    return "%.2fx" % x if x else ""


for name, m, c, kb, sz, *ratios in rows:
    lines.append("| %s | %.2f ms | %.2f ms | %d KiB | %s | %s |" % (
        name, m, c, kb, "%d KB" % (sz // 1000) if sz else "",
        " | ".join(ratio(x) for x in ratios)))
lines += ["", "![median wall time](performance.png)", ""]
swarm = table("swarm")
lines += [
    "200 probes started at once with a 1 s deadline (http + mount +",
    "writable, as above), as exec probes on a node in a rolling restart; each",
    "round first times 200 bare start-ups at once (`--version`) to show how",
    "busy the machine was:",
    "",
    "| build | round | 200 bare start-ups, slowest | healthy of 200 | slowest run |",
    "|---|---:|---:|---:|---:|",
]
for build, rnd, bare, res in swarm:
    ok, slowest = res.split(" ok, ")[0], res.rsplit("slowest ", 1)[-1]
    lines.append("| %s | %s | %s ms | %s | %s |" % (build, rnd, bare, ok, slowest))
lines.append("")
asserts = table("assertions")
lines += [
    "Body assertions and certificate dates, each against the same check",
    "without it (an http check of Spring Boot's `/actuator/health` JSON from",
    "nginx; the https check above), CPU per run (user+sys of the whole",
    "process tree), the two taking turns (`bench/turns.py`) so that the",
    "machine's drift falls on both alike. Target: at most 10% more.",
    "",
    "| build | check | with | CPU without | CPU with | more | target |",
    "|---|---|---|---:|---:|---:|---|",
]
for build, base, what, without, with_ in asserts:
    more = float(with_) / float(without) - 1
    lines.append("| %s | %s | %s | %.3f ms | %.3f ms | %+.1f%% | %s |" % (
        build, base, what, float(without), float(with_), more * 100,
        "met" if more <= 0.10 else "missed"))
lines.append("")
scale = table("scale")
lines += [
    "How the cost grows with the checks: 1, 3, 10 and 30 checks (http, mount",
    "and writable in turn, as above), each build and the same isolation by",
    "hand (`floor -s` with as many children), taking turns (`bench/turns.py`,",
    "%d rounds); CPU per run (user+sys of the whole process tree), median"
    % int(os.environ.get("TURNS", "0") or 0),
    "wall. The last row is what each added check costs, from 1 to 30.",
    "",
    "| checks | static CPU | static wall | dynamic CPU | dynamic wall | by hand CPU | by hand wall | static CPU / by hand | static wall / by hand |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for n, sc, sw, dc, dw, hc, hw in scale:
    v = [float(x) for x in (sc, sw, dc, dw, hc, hw)]
    lines.append("| %s | %s | %.2fx | %.2fx |" % (
        n, " | ".join("%.2f ms" % x for x in v), v[0] / v[4], v[1] / v[5]))
if len(scale) > 1:
    first, last = scale[0], scale[-1]
    k = int(last[0]) - int(first[0])
    d = [(float(b) - float(a)) / k for a, b in zip(first[1:], last[1:])]
    lines.append("| each added | %s | %.2fx | %.2fx |" % (
        " | ".join("%.3f ms" % x for x in d), d[0] / d[4], d[1] / d[5]))
lines.append("")
instr = table("instructions")
lines += [
    "Instructions per run in user space (callgrind, every process of the run,",
    "http + mount + writable, without the sandbox, whose confined processes",
    "cannot write valgrind's report): what a change costs, judged without a",
    "quiet machine. The kernel's share (fork, exec, faults, the sandbox's",
    "calls) is not in it; the CPU rows above are.",
    "",
    "| command | instructions | processes |",
    "|---|---:|---:|",
]
for name, ir, procs in instr:
    lines.append("| %s | %s | %s |" % (name, format(int(ir or 0), ","), procs))
lines.append("")
head = next(i for i, l in enumerate(lines) if l.startswith("| command"))
open(os.path.join(out, "table.md"), "w").write("\n".join(lines[head:]) + "\n")

bar_chart(os.path.join(docs, "performance.png"), os.path.join(out, "chart.dat"),
          [(name.replace(", ", "\\n"), m) for name, m, *_ in rows],
          "probe: median wall time per run (lower is better)", 2)
md = os.path.join(docs, "performance.md")
keep = ""
if os.path.exists(md):
    text = open(md).read()
    if "\n## " in text:
        keep = text[text.index("\n## "):]
open(md, "w").write("\n".join(lines) + keep)
print("\n".join(lines[head:head + len(rows) + 2]))
print("\n".join(l for l in lines if l.startswith("| static") or l.startswith("| dynamic")))
