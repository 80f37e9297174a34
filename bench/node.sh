#!/usr/bin/env bash
# node.sh: make bench-node. What a probe costs a node, the container runtime
# included: an exec probe goes kubelet -> runtime -> `runc exec` -> the
# command. Side by side, against the same nginx on loopback:
#   the probe (static) and the floor run directly; the probe, `probe
#   --version` (the runtime's share alone) and curl through `runc exec` into
#   a real container (a rootfs made here: the probe, curl and its libraries;
#   host network, read-only root, a data volume); `probe serve` answering
#   GET /readyz, the client's CPU (bench/floor.c -n, a connection per
#   request as the kubelet's) and the server's (its process tree's, from
#   /proc) measured apart, with a check run per request and from its cache.
# CPU is user+sys of the process and the children it waited for (hyperfine
# -N: runc and what it starts). Writes the "On a node" section of
# docs/performance.md and docs/performance-node.png; raw results in
# build/bench-node/. RUNS (default 200) runs each; SERVE_N (default 2000)
# requests per probe serve row.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUNS=${RUNS:-200}
SERVE_N=${SERVE_N:-2000}
OUT=$ROOT/build/bench-node
if [ "$(id -u)" != 0 ]; then
	echo "bench-node: needs root: runc runs the container, and the data volume is a bind mount" >&2
	exit 1
fi
NAME=probe-bench-node-$$
mkdir -p "$OUT"
"$ROOT/scripts/deps.sh" build bench static
"$ROOT/scripts/build-static.sh" "$ROOT/bin/probe-static" >/dev/null
. "$HERE/lib.sh"
floor_build "$OUT/floor"

T=$(mktemp -d /tmp/probe-bench-node.XXXXXX)
chmod 755 "$T"
STATE=$T/runc
cleanup() {
	set +e	# each step, whatever the one before did
	runc --root "$STATE" kill "$NAME" KILL 2>/dev/null
	runc --root "$STATE" delete -f "$NAME" 2>/dev/null
	[ -n "${SPID:-}" ] && kill "$SPID" 2>/dev/null
	nginx_stop "$T"
	umount "$T/data" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
nginx_start "$T"
URL=http://127.0.0.1:$PORT/health
SPORT=$(free_port)
CPORT=$(free_port)

# The rootfs: /probe, its config, curl with the libraries it loads, /data.
R=$T/bundle/rootfs
mkdir -p "$R/etc" "$R/data" "$R/usr/bin" "$T/data"
chmod 777 "$T/data"
# The data directory is a mount point, as a volume is (the mount check).
mount --bind "$T/data" "$T/data"
cp "$ROOT/bin/probe-static" "$R/probe"
cp /usr/bin/curl "$R/usr/bin/curl"
for lib in $(ldd /usr/bin/curl | grep -o '/[^ ]*'); do
	mkdir -p "$R$(dirname "$lib")"
	cp -L "$lib" "$R$lib"
done
checks() {
	cat <<EOT
[http "app"]
url = $URL
[mount "data"]
path = $1
[writable "data"]
path = $1
EOT
}
checks /data >"$R/etc/probe.ini"
checks "$T/data" >"$T/probe.ini"
# The container's init: probe serve, a check run for every request.
printf '[serve]\nlisten = 127.0.0.1:%s\ncache = 0\n' "$SPORT" >>"$R/etc/probe.ini"
# Beside it, on the host: one answering from its cache.
printf '[serve]\nlisten = 127.0.0.1:%s\ncache = 10m\n' "$CPORT" >>"$T/probe.ini"

(cd "$T/bundle" && runc spec)
python3 - "$T/bundle/config.json" "$T/data" <<'PY'
import json, sys
path, data = sys.argv[1], sys.argv[2]
c = json.load(open(path))
p = c["process"]
p["terminal"] = False
p["args"] = ["/probe", "-c", "/etc/probe.ini", "serve"]
p["user"] = {"uid": 65532, "gid": 65532}
c["root"]["readonly"] = True
c["hostname"] = "probe-bench"
# Host network, as a pod's network is the node's loopback here.
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
# A volume, as the PersistentVolumeClaim of the time server.
c["mounts"].append({"destination": "/data", "type": "bind", "source": data,
                    "options": ["rbind", "rw"]})
json.dump(c, open(path, "w"), indent=1)
PY
runc --root "$STATE" run -d --bundle "$T/bundle" "$NAME" >"$T/runc.log" 2>&1 ||
	{ cat "$T/runc.log" >&2; exit 1; }
"$ROOT/bin/probe-static" -c "$T/probe.ini" serve 2>"$T/serve.err" &
SPID=$!
for _ in $(seq 100); do
	curl -fsS -o /dev/null "http://127.0.0.1:$SPORT/readyz" 2>/dev/null &&
		curl -fsS -o /dev/null "http://127.0.0.1:$CPORT/readyz" 2>/dev/null && break
	sleep 0.05
done
CPID=$(runc --root "$STATE" state "$NAME" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')

EXEC="runc --root $STATE exec $NAME"
# name|command
cat >"$OUT/commands" <<EOT
floor, run directly|$OUT/floor 127.0.0.1 $PORT /health $T/data
probe, run directly|$ROOT/bin/probe-static -q -c $T/probe.ini
curl -fsS, run directly|curl -fsS -o /dev/null $URL
probe --version, runc exec|$EXEC /probe --version
probe, runc exec|$EXEC /probe -q -c /etc/probe.ini
curl -fsS, runc exec|$EXEC /usr/bin/curl -fsS -o /dev/null $URL
EOT
args=()
while IFS='|' read -r name cmd; do
	args+=(-n "$name" "$cmd")
	$cmd </dev/null >/dev/null || { echo "bench-node: '$name' fails" >&2; exit 1; }
done <"$OUT/commands"
hyperfine -N --style basic --warmup 10 --runs "$RUNS" --export-json "$OUT/hyperfine.json" \
	"${args[@]}" >"$OUT/hyperfine.txt"

# probe serve: the client's CPU per request and the server's, from the
# utime, stime, cutime and cstime of its process tree (the runners and the
# check processes they waited for), before and after SERVE_N requests.
tree_cpu() {
	python3 - "$1" <<'PY'
import os, sys
hz = os.sysconf("SC_CLK_TCK")
def cpu(pid):
    try:
        f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
        kids = open("/proc/%s/task/%s/children" % (pid, pid)).read().split()
    except OSError:
        return 0
    return sum(int(x) for x in f[11:15]) + sum(cpu(k) for k in kids)
print(cpu(sys.argv[1]) * 1000 / hz)
PY
}
serve_row() {
	local name=$1 pid=$2 port=$3 before after client
	before=$(tree_cpu "$pid")
	client=$("$OUT/floor" -n "$SERVE_N" 127.0.0.1 "$port" /readyz) ||
		{ echo "bench-node: $name: requests failed: $client" >&2; exit 1; }
	after=$(tree_cpu "$pid")
	echo "$name|$client|$before|$after|$SERVE_N"
}
{
	serve_row "probe serve, a check run per request" "$CPID" "$SPORT"
	serve_row "probe serve, from its cache" "$SPID" "$CPORT"
} >"$OUT/serve"
python3 "$HERE/node_report.py" "$OUT" "$ROOT/docs"
