#!/usr/bin/env bash
# valgrind.sh PROBE: the main paths under valgrind's memcheck; fails on any
# memory error or leak (definite, indirect or possible), in the probe and in
# the processes it forks for its checks.
set -u
PROBE=$(readlink -f "${1:?usage: valgrind.sh PROBE}")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/probe-vg.XXXXXX)
python3 "$HERE/helpers/httpd.py" "$T/port" &
httpd=$!
trap 'kill $httpd 2>/dev/null; wait $httpd 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 200); do [ -s "$T/port" ] && break; sleep 0.05; done
P=$(cat "$T/port")
mkdir "$T/data"
cat >"$T/v.ini" <<EOT
[probe]
timeout = 20s
[http "app"]
url = http://127.0.0.1:$P/body
expect_body = hello
header = X-Probe: 1
probes = liveness readiness
[http "redirect"]
url = http://127.0.0.1:$P/redirect
probes = liveness
[http "down"]
url = http://127.0.0.1:1/
probes = readiness
[tcp "port"]
address = localhost:$P
[mount "root"]
path = /
probes = readiness
[mount "not-a-mount"]
path = $T/data
probes = startup
[writable "data"]
path = $T/data
min_free = 1%
EOT
passed=0 failed=0
for args in liveness readiness startup "-o json -v" "-q liveness" --check-config \
	"-t bogus" "--help"; do
	# shellcheck disable=SC2086
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
		--error-exitcode=99 "$PROBE" -c "$T/v.ini" $args >/dev/null 2>"$T/vg"
	rc=$?
	if [ "$rc" = 99 ] || grep -q '^==[0-9]*== ' "$T/vg"; then
		failed=$((failed + 1))
		echo "FAIL - valgrind: probe $args"
		head -n 40 "$T/vg"
	else
		passed=$((passed + 1))
		echo "ok - valgrind: probe $args (exit $rc)"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
