#!/usr/bin/env bash
# bench.sh: make bench. Whole processes, as the kubelet runs them (fork,
# exec, run, exit), timed side by side in one hyperfine run against the
# same nginx on loopback and the same data directory:
#   the floor (bench/floor.c, static musl: the same work, nothing else),
#   the floor per check (the same, each part in a process of its own, as
#   the probe runs its checks: the floor of that design), and the same
#   sandboxed by hand (no_new_privs, one Landlock rule, a small seccomp
#   filter per child: the fair limit of the probe's isolation),
#   probe static and dynamic (one http check; http + mount + writable,
#   also without the checks' sandbox; one https check, TLS 1.3 with an
#   ECDSA certificate and its CA),
#   one grpc check against the gRPC project's Node health server (h2c),
#   one tcp check against Redis: a connect, and PING (protocol = redis),
#   curl -fsS (http and https), wget --spider, a Python urllib one-liner;
# then the cost of body assertions and certificate dates, each against the
# same check without them, taking turns (bench/turns.py, TURNS rounds);
# then 200 probes of each build started at once with a 1 s deadline.
# Writes docs/performance.md (table) and docs/performance.png (chart);
# raw results in build/bench/. RUNS (default 300) runs each after warm-up.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUNS=${RUNS:-300}
TURNS=${TURNS:-$((RUNS * 2))}
OUT=$ROOT/build/bench
mkdir -p "$OUT"
"$ROOT/scripts/deps.sh" build bench static node db
make -C "$ROOT" -s tests/grpc/node_modules/.package-lock.json
make -C "$ROOT" -s bin/probe
"$ROOT/scripts/build-static.sh" "$ROOT/bin/probe-static" >/dev/null
make -C "$ROOT" -s build/rss

T=$(mktemp -d /tmp/probe-bench.XXXXXX)
DATA=$(mktemp -d /var/tmp/probe-bench-data.XXXXXX)
. "$HERE/lib.sh"
floor_build "$OUT/floor"
nginx_start "$T"
mkdir "$T/grpc"
node "$ROOT/tests/grpc/server.mjs" "$T/certs" "$T/grpc" 2>"$T/grpc.log" &
grpcd=$!
RPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$T" >"$T/redis.log" 2>&1 &
redisd=$!
trap 'nginx_stop "$T"; kill $grpcd $redisd; rm -rf "$T" "$DATA"' EXIT
for i in $(seq 100); do [ -e "$T/grpc/ready" ] && grep -q "Ready to accept" "$T/redis.log" && break; sleep 0.05; done
printf '[tcp "redis"]\naddress = 127.0.0.1:%s\n' "$RPORT" >"$T/tcp.ini"
printf '[tcp "redis"]\naddress = 127.0.0.1:%s\nprotocol = redis\n' "$RPORT" >"$T/redis.ini"
URL=http://127.0.0.1:$PORT/health
cat >"$T/http.ini" <<EOT
[http "app"]
url = $URL
EOT
TURL=https://127.0.0.1:$TPORT/health
cat >"$T/grpc.ini" <<EOT
[grpc "app"]
address = 127.0.0.1:$(cat "$T/grpc/plain")
EOT
cat >"$T/https.ini" <<EOT
[http "app"]
url = $TURL
ca_file = $T/certs/ca.crt
EOT
JURL=http://127.0.0.1:$PORT/actuator/health
printf '[http "app"]\nurl = %s\n' "$JURL" >"$T/json.ini"
printf '[http "app"]\nurl = %s\nexpect_json = /status == "UP"\nexpect_json = /components/db/status == "UP"\n' \
	"$JURL" >"$T/json-expect.ini"
printf '[http "app"]\nurl = %s\nexpect_body_regex = "status":"UP"\n' "$JURL" >"$T/json-regex.ini"
printf '%s\ncert_min_validity = 14d\n' "$(cat "$T/https.ini")" >"$T/https-dates.ini"
cat >"$T/full.ini" <<EOT
[http "app"]
url = $URL
[mount "root"]
path = /
[writable "data"]
path = $DATA
EOT

# name|command
cat >"$OUT/commands" <<EOT
floor, http|$OUT/floor 127.0.0.1 $PORT /health
floor, http+mount+writable|$OUT/floor 127.0.0.1 $PORT /health $DATA
floor per check, http|$OUT/floor -f 127.0.0.1 $PORT /health
floor per check, http+mount+writable|$OUT/floor -f 127.0.0.1 $PORT /health $DATA
by hand, sandboxed per check, http|$OUT/floor -s 127.0.0.1 $PORT /health
by hand, sandboxed per check, http+mount+writable|$OUT/floor -s 127.0.0.1 $PORT /health $DATA
probe static, http|$ROOT/bin/probe-static -q -c $T/http.ini
probe static, http+mount+writable|$ROOT/bin/probe-static -q -c $T/full.ini
probe static, http+mount+writable, no sandbox|$ROOT/bin/probe-static -q --no-sandbox -c $T/full.ini
probe dynamic, http|$ROOT/bin/probe -q -c $T/http.ini
probe dynamic, http+mount+writable|$ROOT/bin/probe -q -c $T/full.ini
probe static, https|$ROOT/bin/probe-static -q -c $T/https.ini
probe dynamic, https|$ROOT/bin/probe -q -c $T/https.ini
curl -fsS https|curl -fsS -o /dev/null --cacert $T/certs/ca.crt $TURL
probe static, grpc|$ROOT/bin/probe-static -q -c $T/grpc.ini
probe dynamic, grpc|$ROOT/bin/probe -q -c $T/grpc.ini
probe static, tcp connect|$ROOT/bin/probe-static -q -c $T/tcp.ini
probe static, tcp protocol = redis|$ROOT/bin/probe-static -q -c $T/redis.ini
probe dynamic, tcp protocol = redis|$ROOT/bin/probe -q -c $T/redis.ini
curl -fsS|curl -fsS -o /dev/null $URL
wget --spider|wget -q --spider $URL
python3 urllib|python3 -c "import urllib.request; urllib.request.urlopen('$URL')"
EOT
args=()
while IFS='|' read -r name cmd; do
	args+=(-n "$name" "$cmd")
	# Every contender must succeed before it is timed.
	eval "$cmd" >/dev/null || { echo "bench: '$name' fails" >&2; exit 1; }
done <"$OUT/commands"
hyperfine -N --style basic --warmup 30 --runs "$RUNS" --export-json "$OUT/hyperfine.json" \
	"${args[@]}" >"$OUT/hyperfine.txt"
# Peak resident memory: the largest of 20 runs each.
while IFS='|' read -r name cmd; do
	max=0
	for _ in $(seq 20); do
		kb=$(eval "$ROOT/build/rss" "$cmd")
		[ "$kb" -gt "$max" ] && max=$kb
	done
	echo "$name|$max"
done <"$OUT/commands" >"$OUT/maxrss"
# Body assertions and certificate dates: what each adds to the same
# check without it, in CPU time, taking turns so that drift falls on both.
pairs=(
	"http|$T/json.ini|expect_json (2)|$T/json-expect.ini"
	"http|$T/json.ini|expect_body_regex|$T/json-regex.ini"
	"https|$T/https.ini|cert_min_validity|$T/https-dates.ini"
)
for build in static dynamic; do
	exe=$ROOT/bin/probe-static
	[ $build = dynamic ] && exe=$ROOT/bin/probe
	for pair in "${pairs[@]}"; do
		IFS='|' read -r base bini what wini <<<"$pair"
		"$exe" -q -c "$wini" || { echo "bench: $build $what fails" >&2; exit 1; }
		python3 "$HERE/turns.py" "$TURNS" "$exe" -q -c "$bini" -- "$exe" -q -c "$wini" |
			awk -v b="$build" -v base="$base" -v w="$what" \
				'{ cpu[NR] = $1 } END { printf "%s|%s|%s|%.3f|%.3f\n", b, base, w, cpu[1], cpu[2] }'
	done
done >"$OUT/assertions"
# 200 probes started at once with a 1 s deadline, as exec probes on a
# node in a rolling restart: how many are healthy, per build, per round.
cat >"$T/swarm.ini" <<EOT
[probe]
timeout = 1s
$(cat "$T/full.ini")
EOT
for build in static dynamic; do
	exe=$ROOT/bin/probe-static
	[ $build = dynamic ] && exe=$ROOT/bin/probe
	for round in 1 2 3 4 5; do
		bare=$(python3 "$ROOT/tests/helpers/swarm.py" 200 "$exe" --version | sed -n '1s/.*slowest \([0-9]*\) ms/\1/p')
		echo "$build|$round|$bare|$(python3 "$ROOT/tests/helpers/swarm.py" 200 "$exe" -q -c "$T/swarm.ini" | sed -n 1p)"
	done
done >"$OUT/swarm"
# How the cost grows with the checks: 1, 3, 10 and 30 (http, mount and
# writable in turn), static, dynamic and by hand, taking turns.
for n in 1 3 10 30; do
	for i in $(seq 0 $((n - 1))); do
		case $((i % 3)) in
		0) printf '[http "app%d"]\nurl = %s\n' "$i" "$URL" ;;
		1) printf '[mount "root%d"]\npath = /\n' "$i" ;;
		2) printf '[writable "data%d"]\npath = %s\n' "$i" "$DATA" ;;
		esac
	done >"$T/scale-$n.ini"
	"$ROOT/bin/probe-static" -q -c "$T/scale-$n.ini" || { echo "bench: $n checks fail" >&2; exit 1; }
	python3 "$HERE/turns.py" "$TURNS" "$ROOT/bin/probe-static" -q -c "$T/scale-$n.ini" -- \
		"$ROOT/bin/probe" -q -c "$T/scale-$n.ini" -- "$OUT/floor" -s 127.0.0.1 "$PORT" /health "$DATA" "$n" |
		awk -v n="$n" '{ printf "%s%s|%s", NR == 1 ? n "|" : "|", $1, $4 } END { print "" }'
done >"$OUT/scale"
# Instructions per run (callgrind, user space, every process of the run):
# what a change costs, judged without a quiet machine. Without the
# sandbox: a confined process cannot write valgrind's report.
# A long deadline: under valgrind a check must not be killed before its
# report is written.
for c in "probe static|$ROOT/bin/probe-static -q -t 20s --no-sandbox -c $T/full.ini" \
	"floor per check|$OUT/floor -f 127.0.0.1 $PORT /health $DATA"; do
	rm -f "$T"/cg.*
	# shellcheck disable=SC2086 # the command's words
	valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$T/cg.%p" \
		${c#*|} 2>"$T/callgrind.log" >/dev/null || { echo "bench: '${c%%|*}' fails under callgrind" >&2; exit 1; }
	echo "${c%%|*}|$(awk '/^totals:/ { s += $2 } END { print s }' "$T"/cg.*)|$(find "$T" -name 'cg.*' | wc -l)"
done >"$OUT/instructions"
TURNS=$TURNS python3 "$HERE/report.py" "$OUT" "$ROOT/docs"
