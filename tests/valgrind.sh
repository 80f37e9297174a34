#!/usr/bin/env bash
# valgrind.sh PROBE: the main paths under valgrind's memcheck; fails on any
# memory error or leak (definite, indirect or possible), in the probe and in
# the processes it forks for its checks. Without the checks' sandbox
# (--no-sandbox): valgrind makes system calls of its own in the checked
# process, which no seccomp filter of the probe's knows.
set -u
PROBE=$(readlink -f "${1:?usage: valgrind.sh PROBE}")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/probe-vg.XXXXXX)
python3 "$HERE/helpers/httpd.py" "$T/port" &
httpd=$!
trap 'kill $httpd 2>/dev/null; wait $httpd 2>/dev/null; rm -rf "$T"' EXIT
. "$HERE/integration/lib.sh"
wait_until test -s "$T/port"
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

# verdict NAME RC: memcheck's report is in $T/vg.
verdict() {
	if [ "$2" = 99 ] || grep -q '^==[0-9]*== ' "$T/vg"; then
		failed=$((failed + 1))
		echo "FAIL - valgrind: $1 (exit $2)"
		head -n 40 "$T/vg"
	else
		passed=$((passed + 1))
		echo "ok - valgrind: $1 (exit $2)"
	fi
}

for args in liveness readiness startup "-o json -v" "-q liveness" --check-config \
	"-t bogus" "--help"; do
	# shellcheck disable=SC2086
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
		--error-exitcode=99 "$PROBE" -c "$T/v.ini" $args --no-sandbox >/dev/null 2>"$T/vg"
	verdict "probe $args" $?
done
# Checks from the command line, alone and with -c; probe wait until ready,
# until it gives up, and stopped by SIGTERM during a run.
vg() {
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
		--error-exitcode=99 "$PROBE" "$@" --no-sandbox >/dev/null 2>"$T/vg"
}
vg "http://127.0.0.1:$P/ok" --tcp "127.0.0.1:$P" --mount / --writable "$T/data" \
	--header "X-Probe: 1" --expect-status 200
verdict "probe URL --tcp --mount --writable --header --expect-status" $?
vg -c "$T/v.ini" --http "http://127.0.0.1:$P/status/500" -o json liveness
verdict "probe -c FILE --http (unhealthy)" $?
vg --http x
verdict "probe --http x (exit 3)" $?
vg wait -q "http://127.0.0.1:$P/ok"
verdict "probe wait (ready)" $?
vg wait -t 1500ms -i 200ms -o json --tcp 127.0.0.1:1
verdict "probe wait (gave up)" $?
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
	--error-exitcode=99 "$PROBE" wait -c "$T/v.ini" readiness --no-sandbox >/dev/null 2>"$T/vg" &
wpid=$!
sleep 2
kill -TERM "$wpid"
wait "$wpid"
verdict "probe wait, SIGTERM" $?

# HTTPS with a client certificate, and a refused certificate.
"$HERE/helpers/mkcerts.sh" "$T/certs" >/dev/null 2>&1
mkdir "$T/tlsports"
python3 "$HERE/helpers/tlsd.py" "$T/certs" "$T/tlsports" &
tlsd=$!
wait_until test -e "$T/tlsports/ready"
printf '[http "m"]\nurl = https://127.0.0.1:%s/\nca_file = %s\ncert_file = %s\nkey_file = %s\n' \
	"$(cat "$T/tlsports/mtls")" "$T/certs/ca.crt" "$T/certs/client.crt" "$T/certs/client.key" \
	>"$T/tls.ini"
printf '[http "x"]\nurl = https://127.0.0.1:%s/\nca_file = %s\n' \
	"$(cat "$T/tlsports/expired")" "$T/certs/ca.crt" >>"$T/tls.ini"
vg -c "$T/tls.ini" -v
verdict "probe https: mutual TLS, an expired certificate" $?
kill "$tlsd"

# gRPC: SERVING over h2c, NOT_SERVING, mutual TLS, a peer that never answers.
mkdir "$T/grpcports"
node "$HERE/grpc/server.mjs" "$T/certs" "$T/grpcports" 2>/dev/null &
grpcd=$!
wait_until test -e "$T/grpcports/ready"
gp() { cat "$T/grpcports/$1"; }
{
	printf '[probe]\ntimeout = 3s\n'
	printf '[grpc "a"]\naddress = 127.0.0.1:%s\n' "$(gp plain)"
	printf '[grpc "b"]\naddress = 127.0.0.1:%s\nservice = down\nheader = x-token: secret\n' "$(gp plain)"
	printf '[grpc "c"]\naddress = 127.0.0.1:%s\ntls = yes\nca_file = %s\ncert_file = %s\nkey_file = %s\n' \
		"$(gp mtls)" "$T/certs/ca.crt" "$T/certs/client.crt" "$T/certs/client.key"
	printf '[grpc "d"]\naddress = 127.0.0.1:%s\ntimeout = 1s\n' "$(gp silent)"
} >"$T/grpc.ini"
vg -c "$T/grpc.ini" -v
verdict "probe grpc: h2c, NOT_SERVING, mutual TLS, a silent peer" $?
kill "$grpcd"

# probe serve: every endpoint, then SIGTERM.
SPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
	--error-exitcode=99 "$PROBE" -c "$T/v.ini" serve -l "127.0.0.1:$SPORT" --no-sandbox 2>"$T/vg" &
spid=$!
wait_until grep -q serving "$T/vg"
for path in /livez /readyz '/startupz?format=json' /metrics /nope; do
	python3 "$HERE/helpers/get.py" "http://127.0.0.1:$SPORT$path" >/dev/null 2>&1
done
python3 "$HERE/helpers/get.py" "http://127.0.0.1:$SPORT/livez" POST >/dev/null 2>&1
# Reloads: a changed file (seen by inotify), a bad one, SIGHUP; then runs.
cp "$T/v.ini" "$T/v.good"
printf '[tcp "more"]
address = 127.0.0.1:1
' >>"$T/v.ini"
wait_until grep -q "reloaded: " "$T/vg"
printf '[tcp "bad"]
address = nowhere
' >"$T/v.ini"
wait_until grep -q "config in force stays" "$T/vg"
mv "$T/v.good" "$T/v.ini"
kill -HUP "$spid"
for path in /livez /readyz /metrics; do
	python3 "$HERE/helpers/get.py" "http://127.0.0.1:$SPORT$path" >/dev/null 2>&1
done
kill -TERM "$spid"
wait "$spid"
rc=$?
[ "$rc" = 0 ] || rc=99
[ "$(grep -c "reloaded: " "$T/vg")" -ge 2 ] && grep -q "config in force stays" "$T/vg" || {
	echo "the reloads did not happen:" >>"$T/vg"
	rc=99
}
verdict "probe serve, every endpoint, reloads, SIGTERM" "$rc"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
