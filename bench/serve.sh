#!/usr/bin/env bash
# serve.sh [PROBE]: probe serve under load, with the cache warm.
#   wrk (one thread, 64 connections, DURATION seconds, default 10) against
#   /readyz: throughput, latency percentiles, errors; how many times the
#   checks ran (requests the app got); resident memory before and after a
#   SOAK-second run (default 60); resident memory after CHANGES (default
#   10000) changes of a check's state, the app flapping: the history keeps
#   200 and the log folds, so it must stay within a bound (HISTORY_KIB,
#   default 256 KiB over the first 200 changes), or the script fails.
# Loopback only; every loop is bounded in time.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PROBE=$(readlink -f "${1:-$ROOT/bin/probe-static}")
DURATION=${DURATION:-10}
SOAK=${SOAK:-60}
command -v wrk >/dev/null || "$ROOT/scripts/deps.sh" bench
T=$(mktemp -d /tmp/probe-bench.XXXXXX)
cleanup() { kill "$SPID" "$APID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

CHANGES=${CHANGES:-10000}
HISTORY_KIB=${HISTORY_KIB:-256}
printf ok >"$T/state"
STATE_FILE=$T/state python3 "$ROOT/tests/helpers/httpd.py" "$T/port" &
APID=$!
for _ in $(seq 200); do [ -s "$T/port" ] && break; sleep 0.05; done
P=$(cat "$T/port")
SPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$T/serve.ini" <<EOT
[serve]
listen = 127.0.0.1:$SPORT
cache = 1s
[http "app"]
url = http://127.0.0.1:$P/ok
EOT
"$PROBE" -c "$T/serve.ini" serve 2>"$T/serve.err" &
SPID=$!
for _ in $(seq 100); do grep -q serving "$T/serve.err" && break; sleep 0.02; done
hits() { python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$P/hits').read().decode().strip())"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SPID/status"; }
python3 "$ROOT/tests/helpers/get.py" "http://127.0.0.1:$SPORT/readyz" >/dev/null

echo "probe serve: $PROBE ($(stat -c %s "$PROBE") bytes), $(nproc) cores"
before=$(hits)
wrk -t1 -c64 -d"${DURATION}s" --latency "http://127.0.0.1:$SPORT/readyz" >"$T/wrk"
runs=$(($(hits) - before))
rps=$(awk '/^Requests\/sec/ {print $2}' "$T/wrk")
p50=$(awk '$1 == "50%" {print $2}' "$T/wrk")
p99=$(awk '$1 == "99%" {print $2}' "$T/wrk")
errors=$(awk '/Non-2xx|Socket errors/' "$T/wrk")
echo "| wrk -t1 -c64 -d${DURATION}s /readyz | requests/s | p50 | p99 | errors | check runs |"
echo "|---|---:|---:|---:|---|---:|"
echo "| cache 1s | $rps | $p50 | $p99 | ${errors:-none} | $runs |"

rss0=$(rss)
wrk -t1 -c64 -d"${SOAK}s" "http://127.0.0.1:$SPORT/readyz" >"$T/soak"
rss1=$(rss)
echo
echo "resident memory: ${rss0} KiB before, ${rss1} KiB after a ${SOAK}s run of $(awk '/requests in/ {print $1}' "$T/soak") requests ($((rss1 - rss0)) KiB)"

# The history: CHANGES changes of the app's state, each seen by a request
# (cache 0), one process that flips the state and asks.
kill "$SPID"
wait "$SPID" 2>/dev/null || true
cat >"$T/flap.ini" <<EOT
[serve]
listen = 127.0.0.1:$SPORT
cache = 0
[http "app"]
url = http://127.0.0.1:$P/state
probes = readiness
EOT
"$PROBE" -c "$T/flap.ini" serve 2>"$T/flap.err" &
SPID=$!
for _ in $(seq 100); do grep -q serving "$T/flap.err" && break; sleep 0.02; done
flap() {	# flap N: N changes
	python3 - "$T/state" "http://127.0.0.1:$SPORT/readyz" "$1" <<'PY'
import sys, urllib.request, urllib.error
state, url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    with open(state, "w") as f:
        f.write("down" if i % 2 == 0 else "ok")
    try:
        urllib.request.urlopen(url).read()
    except urllib.error.HTTPError as e:
        e.read()
PY
}
flap 200
h0=$(rss)
flap $((CHANGES - 200))
h1=$(rss)
lines=$(grep -c ' -> ' "$T/flap.err" || true)
kept=$(python3 "$ROOT/tests/helpers/get.py" "http://127.0.0.1:$SPORT/history" 2>/dev/null | grep -c ' -> ' || true)
echo "history: ${h0} KiB after 200 changes, ${h1} KiB after $CHANGES ($((h1 - h0)) KiB; bound ${HISTORY_KIB} KiB); /history keeps $kept, the log said $lines lines"
[ $((h1 - h0)) -le "$HISTORY_KIB" ] || { echo "serve.sh: memory grew by $((h1 - h0)) KiB over $CHANGES changes" >&2; exit 1; }
