# test_inline.sh: checks given on the command line instead of (or beside)
# a config file (sourced by run.sh).

PROBE_CONFIG=/nonexistent/probe.ini run_probe "$BASE/ok"
expect "a bare URL is a check, no config file read" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "the check is named after its URL" "ok    http      127.0.0.1:$P/ok*HTTP 200"

run_probe --http "$BASE/status/500"
expect "--http: a failing status" 1 "unhealthy: http \"127.0.0.1:$P/status/500\": HTTP 500"

run_probe --http "$BASE/status/500" --expect-status 500
expect "--expect-status" 0 "healthy: *"

run_probe --http "$BASE/status/204" --http "$BASE/status/404" --expect-status "200, 204"
expect "--expect-status applies to every --http" 1 "unhealthy: http \"127.0.0.1:$P/status/404\": HTTP 404"

run_probe --http "$BASE/need-header"
expect "--http sends no header by default" 1 "unhealthy: http \"127.0.0.1:$P/need-header\": HTTP 400"

run_probe -v --http "$BASE/need-header" --header "X-Probe: 1" --header "Authorization: Bearer TOKEN123"
expect "--header" 0 "healthy: *"
expect_line "--header: secret values redacted with -v" \
	"      GET $BASE/need-header: HTTP 200 after 0 redirects, headers: X-Probe: [redacted], Authorization: [redacted]"
[[ "$OUT$ERR" != *TOKEN123* ]] && pass "--header: the secret never printed" ||
	fail "--header: the secret never printed" "found"

run_probe "http://probe:PASSWORD123@127.0.0.1:$P/ok"
expect "a URL's password is not in the check's name" 0 "healthy: *"
expect_line "the name has no user information" "ok    http      127.0.0.1:$P/ok*"
[[ "$OUT" != *PASSWORD123* ]] && pass "the URL's password never printed" ||
	fail "the URL's password never printed" "found"

run_probe "https://localhost:$TLS/ok"
expect "an https URL keeps its scheme in the name" 1 "unhealthy: http \"https://localhost:$TLS/ok\": *"

run_probe --tcp "127.0.0.1:$P" --tcp 127.0.0.1:1
expect "--tcp" 1 "unhealthy: tcp \"127.0.0.1:1\": connect to 127.0.0.1:1: connection refused"
expect_line "--tcp: the open port passes" "ok    tcp       127.0.0.1:$P *"

run_probe --tcp "127.0.0.1:$P" "$BASE/ok" -o json
if [ "$RC" = 0 ] && python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
names = [(c["type"], c["name"]) for c in d["checks"]]
assert names == [("tcp", "127.0.0.1:%s" % sys.argv[1]), ("http", "127.0.0.1:%s/ok" % sys.argv[1])], names
' "$P" <<<"$OUT"; then
	pass "inline checks in JSON, in the order given"
else
	fail "inline checks in JSON, in the order given" "unexpected JSON"
fi

run_probe --tcp "127.0.0.1:$P" readiness
expect "inline checks run for every kind" 0 "healthy: 1 of 1 checks passed (readiness, *ms)"

ini file <<EOT
[probe]
timeout = 800ms
[http "app"]
url = $BASE/ok
probes = liveness
EOT
run_probe -c "$T/file.ini" --tcp "127.0.0.1:$P"
expect "with -c, inline checks are added to the file's" 0 "healthy: 2 of 2 checks passed (all, *ms)"
run_probe -c "$T/file.ini" --tcp "127.0.0.1:$P" readiness
expect "with -c, the file's probes = still apply" 0 "healthy: 1 of 1 checks passed (readiness, *ms)"
run_probe -c "$T/file.ini" --tcp "127.0.0.1:$P" --check-config
expect "--check-config with -c and inline checks" 0 "$T/file.ini: ok, 2 checks, deadline 800ms"
expect_line "--check-config lists the inline check for every kind" \
	"readiness  tcp \"127.0.0.1:$P\""
run_probe --tcp "127.0.0.1:$P" --http "$BASE/ok" --check-config
expect "--check-config without a file" 0 "command line: ok, 2 checks, deadline 1000ms"
run_probe -t 300ms --http "$BASE/slow/3000"
expect "-t with inline checks" 1 "unhealthy: http \"127.0.0.1:$P/slow/3000\": timed out after 300ms*" 1000

# Every error names the option, exit 3, nothing on stdout.
inline_error() {
	local name=$1 msg=$2
	shift 2
	run_probe "$@"
	expect "inline error: $name" 3 "$msg"
}
inline_error "invalid URL" "probe: --http: invalid URL 'x' (a URL starts with http:// or https://, as in http://x)" --http x
inline_error "not http" "probe: --http: URL 'ftp://127.0.0.1/' is not http:// or https://" \
	--http ftp://127.0.0.1/
inline_error "bare URL, not http" "probe: --http: URL 'ftp://127.0.0.1/' is not http:// or https://" \
	ftp://127.0.0.1/
inline_error "a URL without scheme" \
	"probe: unexpected argument '127.0.0.1:8080' (a URL starts with http:// or https://; see probe --help)" \
	127.0.0.1:8080
inline_error "invalid address" "probe: --tcp: invalid address 'x' (use HOST:PORT or [IPV6]:PORT)" --tcp x
inline_error "port out of range" \
	"probe: --tcp: invalid address '127.0.0.1:70000' (use HOST:PORT or [IPV6]:PORT)" --tcp 127.0.0.1:70000
inline_error "relative mount path" "probe: --mount: 'data' is not an absolute path" --mount data
inline_error "relative writable path" "probe: --writable: 'data' is not an absolute path" --writable data
inline_error "bad status list" \
	"probe: --expect-status: invalid status list '999' (codes 100-599 or ranges such as 200-399)" \
	--http "$BASE/ok" --expect-status 999
inline_error "--expect-status twice" "probe: --expect-status is given twice" \
	--http "$BASE/ok" --expect-status 200 --expect-status 204
inline_error "--expect-status without --http" \
	"probe: --expect-status applies to the command line's http checks: add --http" \
	--tcp "127.0.0.1:$P" --expect-status 200
inline_error "--header without --http" \
	"probe: --header applies to the command line's http checks: add --http" --header "X-A: 1"
inline_error "a wrong command line is named before a missing file" \
	"probe: --header applies to the command line's http checks: add --http" \
	-c /nonexistent/probe.ini --header "X-A: 1"
inline_error "bad header" "probe: --header: invalid header '[redacted]' (use Name: value)" \
	--http "$BASE/ok" --header "X-A : 1"
inline_error "--http without its value" "probe: option '--http' needs a value (see probe --help)" --http
inline_error "the same check twice" "probe: --tcp: duplicate check tcp \"127.0.0.1:$P\"" \
	--tcp "127.0.0.1:$P" --tcp "127.0.0.1:$P"
inline_error "-i without wait" "probe: -i goes with wait (see probe --help)" -i 1s --tcp "127.0.0.1:$P"
many=()
for i in $(seq 33); do many+=(--tcp "127.0.0.1:$i"); done
inline_error "too many checks" "probe: --tcp: too many checks (at most 32)" "${many[@]}"
run_probe -c "$T/file.ini" --tcp x
expect "with -c, an inline error still names the option" 3 \
	"probe: --tcp: invalid address 'x' (use HOST:PORT or [IPV6]:PORT)"
