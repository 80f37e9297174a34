# test_sandbox.sh: each check type's sandbox stops what its check never
# does. $PROBE_HOOKS is the test build of the same binary (make HOOKS=1,
# tests/sandbox/escape.c): in a check's process, inside its sandbox, it
# attempts what PROBE_TEST_ESCAPE names instead of the check (sourced by
# run.sh). The rest of the suite runs with the sandbox on, as it is by
# default.

SB=$T/sandbox
mkdir -p "$SB/data"
chmod 777 "$SB/data"
# sandbox_ini TYPE: one check "c" of TYPE that passes here, in $SB/TYPE.ini.
sandbox_ini() {
	case $1 in
	http) printf '[http "c"]\nurl = %s/ok\n' "$BASE" ;;
	https) printf '[http "c"]\nurl = https://localhost:%s/ok\nca_file = %s\n' "$TLS" "$T/cert.pem" ;;
	tcp) printf '[tcp "c"]\naddress = 127.0.0.1:%s\n' "$P" ;;
	grpc) printf '[grpc "c"]\naddress = 127.0.0.1:%s\n' "$(cat "$GP/plain")" ;;
	mount) printf '[mount "c"]\npath = /proc\n' ;;
	writable) printf '[writable "c"]\npath = %s\n' "$SB/data" ;;
	cert) printf '[cert "c"]\npath = %s\nkey_file = %s\n' "$SB/c.crt" "$SB/c.key" ;;
	*) return 1 ;;
	esac >"$SB/$1.ini"
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
	-subj /CN=sandbox.test -keyout "$SB/c.key" -out "$SB/c.crt" 2>/dev/null
# Every type of the binary's table (--help's last line), and https.
table=$("$PROBE" --help | sed -n 's/^Check types: \(.*\)\.$/\1/p' | tr -d ,)
types="https"
for t in $table; do
	if [ "$t" = grpc ] && ! grpc_peers; then
		fail "sandbox: grpc" "no gRPC server here"
	elif sandbox_ini "$t"; then
		types="$types $t"
	else
		fail "sandbox: the check type $t has a case" "add a line for $t to sandbox_ini() in test_sandbox.sh"
	fi
done
expect_true "sandbox: the binary's table of types was read" test -n "$table"
types_here=$types
for t in $types; do
	sandbox_ini "$t"
	run_probe -c "$SB/$t.ini"
	expect "sandbox: a $t check passes in its sandbox" 0 "healthy: 1 of 1 checks passed (all, *ms)"
done

run_probe -c "$SB/http.ini" --check-config
here=$(printf '%s\n' "$OUT" | sed -n 's/^sandbox    //p')
# What a check gets here: all of it natively; under qemu-user neither
# seccomp filters nor Landlock (the sandbox is then tested on a kernel of
# that architecture: make vm-test).
if [ -n "${PROBE_TEST_EMULATED:-}" ]; then
	want_here="resource limits only: neither seccomp filters nor Landlock here"
else
	want_here="seccomp and Landlock (ABI [0-9]*)"
fi
if [[ "$here" == $want_here ]]; then
	pass "sandbox: --check-config says what confines the checks ($here)"
else
	fail "sandbox: --check-config says what confines the checks" "'$here', expected '$want_here'"
fi
run_probe -v -c "$SB/http.ini"
expect_line "sandbox: -v says it too" "sandbox: $here"

# escapes LANDLOCK: each attempt of tests/sandbox/escapes.txt meant for
# Landlock on or off must end as the table says, for each type it names:
# one run of one check of each type (named after its type) per attempt.
escapes() {
	local ll=$1 what rowll types want t line st ty nm du msg
	while IFS=$'\t' read -r what rowll types want; do
		case $what in '' | '#'*) continue ;; esac
		case $rowll in
		"*" | "$ll") ;;
		net) [ "$ll" = on ] && [ "$abi" -ge 4 ] || continue ;;
		nonet) [ "$ll" = off ] || [ "$abi" -lt 4 ] || continue ;;
		*) continue ;;
		esac
		PROBE=$PROBE_HOOKS PROBE_TEST_ESCAPE=$what PROBE_TEST_LANDLOCK=$ll \
			PROBE_TEST_UNIX=$T/app.sock PROBE_TEST_PORT=$HOSTILE run_probe -c "$SB/all.ini"
		for t in $types_here; do
			[ "$types" = "*" ] || [[ " $types " == *" $t "* ]] || continue
			msg="(no line for check $t)"
			while read -r st ty nm du line; do
				[ "$nm" = "$t" ] && [ "$st" = FAIL ] && msg=$line
			done <<<"$OUT"
			if [[ "$msg" == $(literal "$want") ]]; then
				pass "sandbox (Landlock $ll): $t: $what"
			else
				fail "sandbox (Landlock $ll): $t: $what" "'$msg', expected '$want'"
			fi
		done
	done <"$HERE/../sandbox/escapes.txt"
}

# hook_processes: how many processes run the test build now (its
# children are not dumpable: as root, /proc still says what they run).
hook_processes() {
	local p n=0
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$PROBE_HOOKS" ] && n=$((n + 1))
	done
	echo "$n"
}

if [ -z "${PROBE_HOOKS:-}" ] || [ ! -x "$PROBE_HOOKS" ]; then
	skip "sandbox: escape attempts" "no test build (PROBE_HOOKS)"
elif [ -n "${PROBE_TEST_EMULATED:-}" ]; then
	skip "sandbox: escape attempts" "qemu-user gives '$here': make vm-test runs them on a kernel of this architecture"
else
	types_here=$types
	for t in $types; do sed "s/^\[\([a-z]*\) \"c\"\]/[\1 \"$t\"]/" "$SB/$t.ini"; done >"$SB/all.ini"
	# An abstract socket that would answer a check that got through.
	python3 -c 'import socket, time
s = socket.socket(socket.AF_UNIX); s.bind(b"\0probe-test-abstract"); s.listen(); time.sleep(600)' &
	PIDS+=($!)
	abi=$(printf '%s' "$here" | sed -n 's/.*Landlock (ABI \([0-9]*\)).*/\1/p')
	abi=${abi:-0}
	escapes on
	escapes off
	expect_true "sandbox: nothing written outside the writable check's directory" \
		test -z "$(find /tmp -maxdepth 1 -name 'probe-escape.*' -print -quit)"
	# A check that took guard files while Landlock was off held them only
	# as long as it lived: the slots are free again.
	run_probe --writable "$SB/data"
	expect "sandbox: guards free after a squatting check ended" 0 "healthy: 1 of 1 checks passed (all, *ms)"

	# A check that reports and then stays, or closes its pipe and stays:
	# the run does not wait for it, and it does not outlive the run.
	before=$(hook_processes)
	PROBE=$PROBE_HOOKS PROBE_TEST_ESCAPE=late-end run_probe -t 5s -c "$SB/tcp.ini"
	expect "sandbox: a check that lingers after its result" 0 "healthy: 1 of 1 checks passed (all, *ms)" 1000
	PROBE=$PROBE_HOOKS PROBE_TEST_ESCAPE=linger run_probe -t 5s -c "$SB/mount.ini"
	expect "sandbox: a check that closes its pipe and lingers" 1 \
		'unhealthy: mount "c": check process closed its pipe without a result (killed)' 1000
	wait_until test "$(hook_processes)" -le "$before"
	expect_true "sandbox: no lingering check outlives its run" test "$(hook_processes)" -le "$before"

	# 20 checks whose results are garbage: the JSON report stays valid.
	for i in $(seq 20); do printf '[tcp "c%d"]\naddress = 127.0.0.1:%s\n' "$i" "$P"; done >"$SB/twenty.ini"
	PROBE=$PROBE_HOOKS PROBE_TEST_ESCAPE=garbage run_probe -o json -c "$SB/twenty.ini"
	if [ "$RC" = 1 ] && printf '%s' "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r["checks"]) == 20
for c in r["checks"]:
    assert not c["healthy"] and len(c["message"].encode()) < 240, c' 2>"$T/json.err"; then
		pass "sandbox: 20 garbage results, a valid JSON report"
	else
		fail "sandbox: 20 garbage results, a valid JSON report" "$(cat "$T/json.err")"
	fi

	# Under probe serve: a compromised failing check cannot forge the
	# runner's reply, lingering checks leave no zombie, and garbage in a
	# result never reaches /metrics unclean.
	printf '[serve]\ncache = 0\n[http "down"]\nurl = %s/status/500\n' "$BASE" >"$SB/serve.ini"
	if PROBE=$PROBE_HOOKS PROBE_TEST_ESCAPE=forge-reply serve_start "$SB/serve.ini"; then
		for i in 1 2 3; do
			get "sandbox: serve: a check cannot forge the verdict ($i)" /readyz 503 \
				'unhealthy: http "down": escape forge-reply stopped: bad file descriptor'
		done
		serve_stop
	else
		fail "sandbox: serve: forge-reply" "did not start: $(cat "$T/serve.err")"
	fi
	if PROBE=$PROBE_HOOKS PROBE_TEST_ESCAPE=late-end serve_start "$SB/tcp.ini"; then
		for i in 1 2 3 4 5; do
			get "sandbox: serve: a check that lingers ($i)" /livez 200 "healthy: 1 of 1 checks passed (liveness, *ms)"
		done
		zombies() {
			local p n=0
			for p in $(pgrep -P "$(pgrep -d, -P "$SPID")"); do
				[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" = Z ] && n=$((n + 1))
			done
			echo "$n"
		}
		under() { pgrep -P "$(pgrep -d, -P "$SPID")" | wc -l; }
		wait_until test "$(under)" = 0
		expect_true "sandbox: serve: no zombie, no lingering check after 5 runs" test "$(under)" = 0
		python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/metrics" >"$T/metrics" 2>/dev/null
		expect_true "sandbox: serve: /metrics counts the pending processes" \
			grep -q '^probe_check_processes_pending{kind="liveness"} 0$' "$T/metrics"
		serve_stop
	else
		fail "sandbox: serve: late-end" "did not start: $(cat "$T/serve.err")"
	fi
	if PROBE=$PROBE_HOOKS PROBE_TEST_ESCAPE=garbage serve_start "$SB/tcp.ini"; then
		get "sandbox: serve: a garbage result" "/livez?format=json" 503 '{"version": 1, "kind": "liveness", "healthy": false, *'
		python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/metrics" >"$T/metrics" 2>/dev/null
		expect_true "sandbox: serve: a garbage certificate name is cut and clean in /metrics" \
			grep -q "^probe_cert_not_after_timestamp_seconds{check=\"c\",subject=\"$(printf 'A%.0s' $(seq 64))\"} 2000000000$" "$T/metrics"
		serve_stop
	else
		fail "sandbox: serve: garbage" "did not start: $(cat "$T/serve.err")"
	fi

	{ printf '[probe]\nsandbox = no\n'; cat "$SB/writable.ini"; } >"$SB/off.ini"
	PROBE=$PROBE_HOOKS PROBE_TEST_ESCAPE=ptrace run_probe -c "$SB/off.ini"
	expect "sandbox = no: nothing is stopped" 1 'unhealthy: writable "c": escape ptrace NOT stopped'
	PROBE=$PROBE_HOOKS PROBE_TEST_ESCAPE=forge-reply run_probe -c "$SB/off.ini"
	expect "sandbox = no: a check still holds only its own pipe" 1 \
		'unhealthy: writable "c": escape forge-reply stopped: bad file descriptor'
	run_probe -c "$SB/off.ini" --check-config
	expect_line "sandbox = no: --check-config says so" "sandbox    off (sandbox = no, or --no-sandbox)"
fi
printf '[probe]\nsandbox = sometimes\n[tcp "c"]\naddress = 127.0.0.1:1\n' >"$SB/bad.ini"
run_probe -c "$SB/bad.ini"
expect "sandbox: a bad value is named" 3 "probe: $SB/bad.ini:2: sandbox: invalid boolean 'sometimes' (use yes or no)"
