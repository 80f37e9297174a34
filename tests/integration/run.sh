#!/usr/bin/env bash
# run.sh PROBE: the integration suite. Runs the real binary against a real
# HTTP server on loopback, real mounts in a private mount namespace and a
# filesystem that hangs forever (FUSE). Mount tests need root; without it
# they are skipped and say why. Set HANGFS to the hangfs helper binary;
# PROBE_TESTS="tls wait" runs those suites only.
set -u
PROBE=$(readlink -f "${1:?usage: run.sh PROBE}")
HERE=$(cd "$(dirname "$0")" && pwd)
HELPERS=$(cd "$HERE/../helpers" && pwd)
HANGFS=${HANGFS:+$(readlink -f "$HANGFS")}
RSS=$(readlink -f "${RSS:-$HERE/../../build/rss}")

# As root, run in a private mount namespace: every mount made here is
# invisible outside and gone when the suite ends.
if [ "$(id -u)" = 0 ] && [ -z "${PROBE_TEST_NS:-}" ] && unshare -m true 2>/dev/null; then
	export PROBE_TEST_NS=1
	exec unshare -m --propagation private "$0" "$@"
fi

# The helpers need only Debian's python3 (scripts/deps.sh). A version
# manager's shim first in PATH (pyenv) costs 0.3 s a start, which the
# suite's time limits would pay.
export PATH=/usr/bin:/bin:$PATH

T=$(mktemp -d /tmp/probe-it.XXXXXX)
chmod 755 "$T"
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -CONT "$p" 2>/dev/null
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ -n "${PROBE_TEST_NS:-}" ]; then
		awk '{ print $5 }' /proc/self/mountinfo | sed 's/\\040/ /g' |
			grep "^$T" | sort -r | while IFS= read -r m; do
			umount -l "$m" 2>/dev/null
		done
	fi
	rm -rf "$T"
}
trap cleanup EXIT
. "$HERE/lib.sh"

echo "# probe integration tests: $PROBE"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-addext subjectAltName=DNS:localhost -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
HEADERS_LOG=$T/headers.log STATE_FILE=$T/state TLS_CERT=$T/cert.pem TLS_KEY=$T/key.pem \
	python3 "$HELPERS/httpd.py" "$T/port" "$T/app.sock" &
PIDS+=($!)
python3 "$HELPERS/hostile.py" "$T/hostile-port" &
PIDS+=($!)
wait_until test -s "$T/port" -a -s "$T/hostile-port"
P=$(cat "$T/port")
HOSTILE=$(cat "$T/hostile-port")
SILENT=$(cat "$T/port.silent")
TLS=$(cat "$T/port.tls")
OTHER=$(cat "$T/port.other")
BASE=http://127.0.0.1:$P

# suite NAME: source test_NAME.sh, unless $PROBE_TESTS (such as "tls wait")
# names other suites only.
suite() {
	local suite_t0=$SECONDS
	case " ${PROBE_TESTS:-$1} " in
	*" $1 "*)
		. "$HERE/test_$1.sh"
		echo "# suite $1: $((SECONDS - suite_t0)) s"
		;;
	esac
}
for s in cli edges http inline tls cert grpc hostile install serve why reload wait schemas sandbox syscalls; do
	suite "$s"
done
if [ -n "${PROBE_TEST_NS:-}" ]; then
	suite fs
	suite mounts
	suite faults
else
	skip "filesystem tests" "need root to make mounts (unshare -m)"
fi
summary
