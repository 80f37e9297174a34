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

# PROBE_JOBS (default 2) workers take the fast suites from one queue,
# each with its own servers and directory; their reports come out one
# after the other, each with its own "N passed, N failed". The slow ones
# (they measure time under load) then run alone. PROBE_JOBS=1: one.
case ${PROBE_SUITES:-fast} in
fast | slow | all) ;;
*) echo "run.sh: PROBE_SUITES is fast, slow or all" >&2; exit 2 ;;
esac
if [ -z "${PROBE_WORKER:-}" ] && [ "${PROBE_JOBS:-2}" -gt 1 ]; then
	export PROBE_QUEUE
	PROBE_QUEUE=$(mktemp -d /tmp/probe-queue.XXXXXX)
	pids=() rc=0 ns=()
	# Each worker in a mount namespace of its own: suites bind-mount over
	# /etc/hosts, /etc/resolv.conf and /etc/ssl/certs for a while.
	[ -z "${PROBE_TEST_NS:-}" ] || ns=(unshare -m --propagation private)
	if [ "${PROBE_SUITES:-fast}" != slow ]; then
		for i in $(seq "${PROBE_JOBS:-2}"); do
			PROBE_SUITES=fast PROBE_WORKER=$i "${ns[@]}" "$0" "$@" >"$PROBE_QUEUE/log.$i" 2>&1 &
			pids+=($!)
		done
		for i in "${!pids[@]}"; do
			wait "${pids[$i]}" || rc=1
			cat "$PROBE_QUEUE/log.$((i + 1))"
		done
	fi
	rm -rf "$PROBE_QUEUE"
	unset PROBE_QUEUE
	case ${PROBE_SUITES:-fast} in
	slow | all) PROBE_SUITES=slow PROBE_WORKER=slow "$0" "$@" || rc=1 ;;
	esac
	exit "$rc"
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

# Every test_*.sh is a suite; slow_*.sh are what is slow and rarely
# broken (make test-slow). PROBE_SUITES: fast (test_*.sh, the default),
# slow or all; PROBE_TESTS="tls wait slow_serve" runs those only. Suites
# that make mounts need root in a private mount namespace and say so.
suite() {	# suite FILE: source it, unless $PROBE_TESTS names others or
	local suite_name suite_t0=$SECONDS	# another worker took it
	suite_name=$(basename "$1" .sh)
	suite_name=${suite_name#test_}
	[ -z "${PROBE_QUEUE:-}" ] || mkdir "$PROBE_QUEUE/$suite_name" 2>/dev/null || return 0
	case " ${PROBE_TESTS:-$suite_name} " in
	*" $suite_name "*)
		. "$1"
		echo "# suite $suite_name: $((SECONDS - suite_t0)) s"
		;;
	esac
}
# needs_ns: as root in a private mount namespace, or skipped.
needs_ns() {
	[ -n "${PROBE_TEST_NS:-}" ] && return 0
	skip "$1" "needs root to make mounts (unshare -m)"
	return 1
}
case ${PROBE_SUITES:-fast} in
fast) files=("$HERE"/test_*.sh) ;;
slow) files=("$HERE"/slow_*.sh) ;;
all) files=("$HERE"/test_*.sh "$HERE"/slow_*.sh) ;;
esac
# The longest first, for the workers to end together: by lines.
mapfile -t files < <(wc -l "${files[@]}" | sed '$d' | sort -rn | awk '{ print $2 }')
for f in "${files[@]}"; do
	suite "$f"
done
summary
