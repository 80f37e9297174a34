# lib.sh: helpers for the integration suites (sourced).
# A test runs the real binary with run_probe, then states what it expects
# with expect: the exit code, the exact first line (a glob pattern), and a
# time limit where it matters. The suite ends with "N passed, N failed".

passed=0
failed=0
skipped=0

# Under qemu-user (the arm64 build on an x86-64 machine), every process
# start and every instruction costs more: time limits get SLACK_MS more
# (PROBE_TEST_SLACK_MS; 1500 ms there by default). Natively none, but 25
# ms where the fast suites' workers share the cores (PROBE_WORKER 1, 2):
# a run may wait that long for the other's processes (428 ms seen against
# a limit of 424); 200 ms for a sanitized build's workers (make check),
# whose every process start costs ten times as much.
if [ -n "${PROBE_TEST_EMULATED:-}" ]; then
	SLACK_MS=${PROBE_TEST_SLACK_MS:-1500}
elif [[ "${PROBE_WORKER:-}" =~ ^[0-9]+$ ]] && [ -n "${PROBE_SANITIZED:-}" ]; then
	SLACK_MS=${PROBE_TEST_SLACK_MS:-200}
elif [[ "${PROBE_WORKER:-}" =~ ^[0-9]+$ ]]; then
	SLACK_MS=${PROBE_TEST_SLACK_MS:-25}
else
	SLACK_MS=${PROBE_TEST_SLACK_MS:-0}
fi

# run_cmd COMMAND...: run it (killed after 20 s); sets RC, OUT, ERR,
# FIRST (first line of stdout, else of stderr) and MS (wall time in
# milliseconds). run_probe ARGS...: the same for $PROBE (as RUN_AS).
run_cmd() {
	local start
	start=$(date +%s%N)
	timeout -s KILL 20 "$@" >"$T/out" 2>"$T/err"
	RC=$?
	MS=$((($(date +%s%N) - start) / 1000000))
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	FIRST=$(head -n 1 "$T/out")
	[ -n "$FIRST" ] || FIRST=$(head -n 1 "$T/err")
}
run_probe() { run_cmd "${RUN_AS[@]}" "$PROBE" "$@"; }
RUN_AS=()

# run_until GLOB ARGS...: run_probe ARGS, and again while the first line
# does not match GLOB: TRIES runs in all (default 1).
run_until() {
	local glob i
	glob=$(literal "$1")
	shift
	for i in $(seq "${TRIES:-1}"); do
		run_probe "$@"
		[[ "$FIRST" == $glob ]] && return
	done
}

# NAME_TRIES: the runs a test of a host name lookup gets. 3 for the armv7
# build under qemu-user, where libcurl's resolver thread now and then
# misses its wake-up (qemu-user's 32-bit ARM threads) and the lookup runs
# into the deadline; on an armv7 kernel (make vm-test ARCH=armv7) the same
# lookups pass 20 runs of 20. Else 1.
NAME_TRIES=1
[ "${PROBE_TEST_EMULATED:-}" = armv7 ] && NAME_TRIES=3

# START_MS: what run_probe costs here for a run that does nothing (the
# median of 5 runs of --version: the exec of timeout and the probe, and
# the dynamic loader). Time limits are the probe's own promise on top of
# it: on a quick machine a few ms, under a sanitizer or on a loaded
# machine far more, which is not the probe's doing.
start_ms() {
	local i all=()
	for i in 1 2 3 4 5; do
		run_probe --version
		all+=("$MS")
	done
	printf '%s\n' "${all[@]}" | sort -n | sed -n 3p
}
START_MS=0
if [ -n "${PROBE:-}" ] && [ -x "$PROBE" ]; then
	START_MS=$(start_ms)
	echo "# a bare run of the probe takes ${START_MS}ms here: time limits allow it on top"
fi

pass() {
	passed=$((passed + 1))
	echo "ok - $1"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL - $1: $2"
	{
		echo "  exit code: ${RC:-?}, ${MS:-?}ms"
		echo "${OUT:-}" | sed 's/^/  stdout: /'
		echo "${ERR:-}" | sed 's/^/  stderr: /'
	} | head -n 20
}

skip() {
	skipped=$((skipped + 1))
	echo "skip - $1: $2"
}

# literal GLOB: GLOB with only * left special ([, ], ? and \ match
# themselves).
literal() {
	local s=${1//\\/\\\\}
	s=${s//\[/\\[}
	s=${s//\]/\\]}
	printf '%s' "${s//\?/\\?}"
}

# timed_out GLOB: "timed out after 500ms" in GLOB as "timed out after *ms".
# A start-up over 50 ms (a loaded machine, a sanitizer, an emulator) is
# charged to the deadline, up to half of it: the time named may be less.
timed_out() {
	printf '%s' "$1" | sed 's/timed out after [0-9]*ms/timed out after *ms/g'
}

# timed_out_ok LINE GLOB: the time LINE names ("timed out after 447ms")
# is at most the one GLOB names and at least half of it (or any, under a
# sanitizer or an emulator).
timed_out_ok() {
	local want got
	want=$(printf '%s' "$2" | sed -n 's/.*timed out after \([0-9]*\)ms.*/\1/p')
	got=$(printf '%s' "$1" | sed -n 's/.*timed out after \([0-9]*\)ms.*/\1/p')
	[ -z "$want" ] || [ -n "${PROBE_TEST_EMULATED:-}${PROBE_SANITIZED:-}" ] ||
		{ [ "$got" -le "$want" ] && [ "$got" -ge $((want / 2)) ]; }
}

# expect NAME RC FIRST_LINE_GLOB [MAX_MS]: * in the glob matches anything;
# a time out's time as timed_out_ok() allows.
expect() {
	local name=$1 rc=$2 first max=${4:-}
	first=$(timed_out "$(literal "$3")")
	[ -n "$max" ] && max=$((max + START_MS + SLACK_MS))
	if [ "$RC" != "$rc" ]; then
		fail "$name" "exit code $RC, expected $rc"
	elif [[ "$FIRST" != $first ]] || ! timed_out_ok "$FIRST" "$3"; then
		fail "$name" "first line '$FIRST', expected '$3'"
	elif [ -n "$max" ] && [ "$MS" -gt "$max" ]; then
		fail "$name" "took ${MS}ms, more than ${max}ms"
	else
		pass "$name"
	fi
}

# expect_line NAME GLOB: some line of stdout matches GLOB (with the
# leeway of expect() for a time out).
expect_line() {
	local line glob
	glob=$(timed_out "$(literal "$2")")
	while IFS= read -r line; do
		if [[ "$line" == $glob ]] && timed_out_ok "$line" "$2"; then
			pass "$1"
			return
		fi
	done <<<"$OUT"
	fail "$1" "no line of stdout matches '$2'"
}

# expect_true NAME COMMAND...: the command succeeds.
expect_true() {
	local name=$1
	shift
	if "$@"; then
		pass "$name"
	else
		fail "$name" "'$*' failed"
	fi
}

# wait_until COMMAND...: run COMMAND every 20 ms until it succeeds, for at
# most 5 seconds; returns its last status.
wait_until() {
	local i
	for i in $(seq 250); do
		"$@" && return 0
		sleep 0.02
	done
	"$@"
}

# expect_rss NAME ARGS...: the peak memory of the whole process tree of
# "$PROBE ARGS" stays bounded: 2 MiB for the static build, 16 MiB for the
# dynamic one (Debian's libcurl and OpenSSL). Under qemu-user the emulator
# and its translated code take memory of their own, and a sanitizer its
# shadow memory: there the bound is over what "$PROBE --version" takes,
# plus 16 MiB.
expect_rss() {
	local name=$1 max rss
	shift
	case $(file -b "$PROBE") in
	*"statically linked"*) max=2048 ;;
	*) max=16384 ;;
	esac
	if [ -n "${PROBE_TEST_EMULATED:-}${PROBE_SANITIZED:-}" ]; then
		[ -n "${RSS_BASE:-}" ] || RSS_BASE=$("$RSS" "$PROBE" --version)
		max=$((max + RSS_BASE + 16384))
	fi
	rss=$("$RSS" "$PROBE" "$@")
	if [ "$rss" -le "$max" ]; then
		pass "$name: peak memory ${rss} KiB"
	else
		fail "$name: peak memory" "${rss} KiB, over $max KiB"
	fi
}

# free_port: a TCP port free on loopback now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# serve_start INI [ARGS...]: start probe serve in the background; sets
# SPID, SPORT; its stderr goes to $T/serve.err.
serve_start() {
	SPORT=$(free_port)
	"$PROBE" -c "$1" serve "${@:2}" -l "127.0.0.1:$SPORT" 2>"$T/serve.err" &
	SPID=$!
	for _ in $(seq 100); do
		grep -q '^probe: serving\|"message": "serving ' "$T/serve.err" 2>/dev/null && return 0
		kill -0 "$SPID" 2>/dev/null || return 1
		sleep 0.02
	done
	return 1
}

serve_stop() {
	kill -TERM "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
}

# get NAME PATH CODE FIRST_BODY_LINE [METHOD]: one request to the server.
get() {
	python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT$2" ${5:+"$5"} >"$T/resp" 2>"$T/resp.err"
	MS=$(sed -n 's/^elapsed_ms //p' "$T/resp.err")
	MS=${MS:-99999}
	RC=$(head -n 1 "$T/resp")
	OUT=$(cat "$T/resp")
	ERR=
	FIRST=$(sed -n '/^$/{n;p;q}' "$T/resp")
	expect "$1" "$3" "$4"
}

# app_data DIR: an app's data directory that the probe must leave as it
# was, F: a tmpfs at DIR with a few files. app_sum prints their checksums
# (the probe's own test files aside).
app_data() {
	F=$1
	mkdir -p "$F"
	mount -t tmpfs -o size=16m,mode=755 tmpfs "$F"
	mkdir "$F/app"
	for i in 1 2 3; do head -c 4096 /dev/urandom >"$F/app/file$i"; done
	echo 42 >"$F/visits"
}
app_sum() { (cd "$F" && find . -path './.probe-writable.*' -prune -o -type f -print0 | sort -z | xargs -0 sha256sum); }

# ini NAME: write stdin to $T/NAME.ini
ini() {
	cat >"$T/$1.ini"
}

summary() {
	echo
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" -eq 0 ]
}

# grpc_peers: the gRPC project's Node server and health service
# (tests/grpc/server.mjs: plaintext, TLS, mutual TLS, a Unix socket, no
# health service), started once per run; GP holds its ports.
grpc_peers() {
	[ -e "${GP:-/nonexistent}/ready" ] && return 0
	GP=$T/grpcports
	mkdir -p "$GP"
	[ -d "$T/certs" ] || "$HELPERS/mkcerts.sh" "$T/certs" >/dev/null 2>&1
	node "$HERE/../grpc/server.mjs" "$T/certs" "$GP" 2>"$T/grpc-server.log" &
	PIDS+=($!)
	wait_until test -e "$GP/ready" || { cat "$T/grpc-server.log"; fail "grpc server" "did not start"; return 1; }
}
