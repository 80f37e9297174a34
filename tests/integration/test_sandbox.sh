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
	esac >"$SB/$1.ini"
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
	-subj /CN=sandbox.test -keyout "$SB/c.key" -out "$SB/c.crt" 2>/dev/null
types="http https tcp mount writable cert"
[ -e "${GP:-/nonexistent}/ready" ] && types="$types grpc"
for t in $types; do
	sandbox_ini "$t"
	run_probe -c "$SB/$t.ini"
	expect "sandbox: a $t check passes in its sandbox" 0 "healthy: 1 of 1 checks passed (all, *ms)"
done

run_probe -c "$SB/http.ini" --check-config
here=$(printf '%s\n' "$OUT" | sed -n 's/^sandbox    //p')
if [ "$here" = "" ]; then
	fail "sandbox: --check-config says what confines the checks" "no 'sandbox' line"
else
	pass "sandbox: --check-config says what confines the checks ($here)"
fi
run_probe -v -c "$SB/http.ini"
expect_line "sandbox: -v says it too" "sandbox: $here"

if [ -z "${PROBE_HOOKS:-}" ] || [ ! -x "$PROBE_HOOKS" ]; then
	skip "sandbox: escape attempts" "no test build (PROBE_HOOKS)"
elif [[ "$here" != "seccomp and Landlock"* ]]; then
	skip "sandbox: escape attempts" "this platform gives '$here'"
else
	# escape TYPE WHAT RESULT: the attempt's line in the report.
	escape() {
		local type=$1 what=$2 want=$3
		PROBE=$PROBE_HOOKS PROBE_TEST_ESCAPE=$what run_probe -c "$SB/$type.ini"
		expect "sandbox: $type: $what: $want" 1 "unhealthy: ${type/https/http} \"c\": $want"
	}
	for t in $types; do
		escape "$t" read-passwd "escape read-passwd stopped: permission denied (EACCES)"
		escape "$t" write-outside "escape write-outside stopped: permission denied (EACCES)"
		escape "$t" execve "check killed by its sandbox: syscall execve"
		escape "$t" ptrace "check killed by its sandbox: syscall ptrace"
		escape "$t" fork "check killed by its sandbox*"	# musl blocks signals
		escape "$t" kill-parent "check killed by its sandbox: syscall kill"
		case $t in
		mount | writable | cert) escape "$t" socket "check killed by its sandbox: syscall socket" ;;
		*) escape "$t" socket "escape socket NOT stopped" ;;	# its job
		esac
	done
	expect_true "sandbox: nothing written outside the writable check's directory" \
		test -z "$(find /tmp -maxdepth 1 -name 'probe-escape.*' -print -quit)"
	{ printf '[probe]\nsandbox = no\n'; cat "$SB/writable.ini"; } >"$SB/off.ini"
	PROBE=$PROBE_HOOKS PROBE_TEST_ESCAPE=ptrace run_probe -c "$SB/off.ini"
	expect "sandbox = no: nothing is stopped" 1 'unhealthy: writable "c": escape ptrace NOT stopped'
	run_probe -c "$SB/off.ini" --check-config
	expect_line "sandbox = no: --check-config says so" "sandbox    off (sandbox = no, or --no-sandbox)"
fi
printf '[probe]\nsandbox = sometimes\n[tcp "c"]\naddress = 127.0.0.1:1\n' >"$SB/bad.ini"
run_probe -c "$SB/bad.ini"
expect "sandbox: a bad value is named" 3 "probe: $SB/bad.ini:2: sandbox: invalid boolean 'sometimes' (use yes or no)"
