# test_cli.sh: command line, exit codes, output formats (sourced by run.sh).

ini ok <<EOT
[probe]
timeout = 1s
[http "app"]
url = $BASE/ok
probes = liveness readiness
[tcp "port"]
address = 127.0.0.1:$P
probes = readiness
EOT

run_probe --help
expect "--help" 0 "usage: probe [-c FILE] [CHECK...] [-t DURATION] [-o text|json] [-q] [-v] [KIND]"
expect_line "--help documents exit code 3" "  3  could not run: usage, config or internal error"

run_probe --version
expect "--version" 0 "probe *.*.*"

run_probe -c "$T/ok.ini"
expect "all checks by default" 0 "healthy: 2 of 2 checks passed (all, *ms)"

run_probe -c "$T/ok.ini" liveness
expect "KIND selects the checks" 0 "healthy: 1 of 1 checks passed (liveness, *ms)"

run_probe -c "$T/ok.ini" startup
expect "no check for KIND is exit 3" 3 "probe: $T/ok.ini: no check selected for startup"

run_probe -c "$T/ok.ini" sometimes
expect "unknown KIND" 3 "probe: unknown kind 'sometimes' (use liveness, readiness, startup or all)"

run_probe -c "$T/ok.ini" liveness readiness
expect "two KINDs" 3 "probe: unexpected argument 'readiness' (see probe --help)"

run_probe --bogus
expect "unknown option" 3 "probe: unknown option '--bogus' (see probe --help)"

run_probe -c
expect "option without its value" 3 "probe: option '-c' (--config) needs a value (see probe --help)"

run_probe --timeout
expect "long option without its value" 3 "probe: option '-t' (--timeout) needs a value (see probe --help)"

run_probe -x
expect "unknown short option" 3 "probe: unknown option '-x' (see probe --help)"

run_probe -c "$T/ok.ini" -t soon
expect "-t with a bad duration" 3 "probe: -t: invalid duration 'soon' (a number and a unit: 800ms, 2s, 1m or 1h)"

run_probe -c "$T/ok.ini" -o xml
expect "-o with a bad format" 3 "probe: -o: unknown format 'xml' (use text or json)"

run_probe -c /nonexistent/probe.ini
expect "missing config file" 3 "probe: /nonexistent/probe.ini: cannot open: no such file or directory (ENOENT)"

PROBE_CONFIG=$T/ok.ini run_probe readiness
expect "\$PROBE_CONFIG names the config" 0 "healthy: 2 of 2 checks passed (readiness, *ms)"

PROBE_CONFIG=/nonexistent/env.ini run_probe -c "$T/ok.ini" liveness
expect "-c wins over \$PROBE_CONFIG" 0 "healthy: 1 of 1 checks passed (liveness, *ms)"

PROBE_CONFIG= run_probe
expect "no argument, no config: the usage first" 3 "usage: probe *"
[[ "$ERR" == *"probe: /etc/probe/probe.ini: cannot open: no such file or directory (ENOENT) (the default config: give -c FILE, set PROBE_CONFIG, or name a check such as --http URL)"* ]] &&
	pass "no argument, no config: where it looked, and what to do" ||
	fail "no argument, no config: where it looked, and what to do" "$ERR"
PROBE_CONFIG= run_probe readiness
expect "the default config path, missing" 3 \
	"probe: /etc/probe/probe.ini: cannot open: no such file or directory (ENOENT) (the default config: *"
PROBE_CONFIG= run_probe liveness
expect "liveness with no config: not judged" 0 \
	"config error, liveness not judged (a restart cannot fix a config): /etc/probe/probe.ini: cannot open: *"
run_probe help
expect "probe help is --help" 0 "usage: probe [-c FILE] *"

ini typo <<EOT
[probe]
timeout = 800ms
[http "time-server"]
url = $BASE/ok
urll = $BASE/ok
EOT
run_probe -c "$T/typo.ini"
expect "config error names file and line" 3 "probe: $T/typo.ini:5: unknown key 'urll' in [http \"time-server\"] (did you mean url?)"
[ -z "$OUT" ] && pass "config error prints nothing on stdout" || fail "config error prints nothing on stdout" "stdout not empty"

run_probe -c "$T/typo.ini" --check-config
expect "--check-config rejects a bad config" 3 "probe: $T/typo.ini:5: unknown key 'urll' in [http \"time-server\"] (did you mean url?)"

run_probe -c "$T/ok.ini" --check-config
expect "--check-config" 0 "$T/ok.ini: ok, 2 checks, deadline 1000ms"
[[ "$OUT" != *warning* ]] && pass "--check-config: no warning for checks of this pod" ||
	fail "--check-config: no warning for checks of this pod" "$OUT"

expect_line "--check-config lists readiness" "readiness  http \"app\", tcp \"port\""
expect_line "--check-config lists startup" "startup    (none)"

# The liveness lint: a liveness check that reaches beyond the pod.
ini lint <<EOT
[http "api"]
url = http://10.1.2.3:8080/health
probes = liveness
[tcp "db"]
address = db.stateful.svc:5432
probes = readiness
[grpc "self"]
address = [::1]:9090
[http "pod"]
url = http://\${POD_IP}:8080/
probes = liveness
EOT
POD_IP=10.9.9.9 run_probe -c "$T/lint.ini" --check-config
expect "lint: a liveness check of another host is a warning, exit 0" 0 "$T/lint.ini: ok, 4 checks, deadline 1000ms"
expect_line "lint: the warning names file, line, check and host" \
	"warning: $T/lint.ini:1: liveness check http \"api\" reaches 10.1.2.3, not this pod: when it fails, the kubelet restarts every pod that checks it; check it in readiness instead (docs/kubernetes.md, \"Which check runs for which probe\")"
n=$(printf '%s\n' "$OUT" | grep -c '^warning:')
[ "$n" = 1 ] && pass "lint: readiness, loopback and \$POD_IP are fine (1 warning)" ||
	fail "lint: readiness, loopback and \$POD_IP are fine" "$n warnings"
POD_IP=10.9.9.9 run_probe -q -c "$T/lint.ini" --check-config
[[ "$OUT" != *warning* ]] && pass "lint: -q silences warnings" || fail "lint: -q silences warnings" "$OUT"
run_probe --check-config --http http://192.0.2.7/
expect_line "lint: command-line checks too" "warning: command line: liveness check http \"192.0.2.7/\" reaches 192.0.2.7, *"

run_probe -c "$T" --check-config
expect "a directory as config" 3 "probe: $T: is a directory, not a config file"

head -c 4096 /dev/urandom >"$T/garbage.ini"
run_probe -c "$T/garbage.ini"
expect "binary garbage as config" 3 "probe: $T/garbage.ini:*"

run_probe -q -c "$T/ok.ini"
expect "-q prints nothing when healthy" 0 ""

ini down <<EOT
[http "app"]
url = $BASE/status/503
EOT
run_probe -q -c "$T/down.ini"
expect "-q still reports a failure" 1 "unhealthy: http \"app\": HTTP 503"

run_probe -o json -c "$T/down.ini"
if [ "$RC" = 1 ] && python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
assert d["kind"] == "all" and d["healthy"] is False, d
assert isinstance(d["duration_ms"], float), d
c = d["checks"][0]
assert c == {"name": "app", "type": "http", "healthy": False,
             "duration_ms": c["duration_ms"], "message": "HTTP 503"}, c
' <<<"$OUT"; then
	pass "-o json"
else
	fail "-o json" "unexpected JSON"
fi

run_probe -v -c "$T/ok.ini" liveness
expect_line "-v adds the detail" "      GET $BASE/ok: HTTP 200 after 0 redirects"

ROOT=$(cd "$HERE/../.." && pwd)
run_probe -c "$ROOT/config/probe.ini" --check-config
expect "shipped config/probe.ini is valid" 0 "$ROOT/config/probe.ini: ok, 4 checks, deadline 800ms"
expect_line "config/probe.ini: liveness checks" 'liveness   http "time-server", writable "data"'
run_probe -c "$ROOT/config/reference.ini" --check-config
expect "shipped config/reference.ini is valid" 0 "$ROOT/config/reference.ini: ok, 6 checks, deadline 1000ms"

# A config path that is a FIFO: refused at once, never waited on.
mkfifo "$T/fifo.ini"
run_probe -c "$T/fifo.ini"
expect "a FIFO as config is refused at once" 3 "probe: $T/fifo.ini: is not a regular file" 500
printf '[http "a"]\nurl = https://localhost:%s/\nca_file = %s\n' "$TLS" "$T/fifo.ini" >"$T/fifo-ca.ini"
run_probe --check-config -c "$T/fifo-ca.ini"
expect "a FIFO as ca_file is refused at once" 3 "probe: $T/fifo-ca.ini:3: ca_file: $T/fifo.ini: is not a regular file" 500

# A regular expression whose compiling would take seconds: refused fast.
run_probe --check-config --http "$BASE/ok" --expect-body-regex '(){255}{255}{255}{255}{255}'
expect "a regex bomb is refused at once" 3 \
	"probe: --expect-body-regex: invalid regular expression '(){255}{255}{255}{255}{255}': too large a pattern*" 100

# Values from the environment: a line break in a header is refused, and
# no expanded value is ever printed in an error.
printf '[http "a"]\nurl = %s/ok\nheader = Authorization: Bearer ${TOKEN}\n' "$BASE" >"$T/env.ini"
TOKEN=$'s3cret-token\nX-Injected: yes' run_probe -c "$T/env.ini"
expect "a header with a line break from \${VAR} is refused" 3 \
	"probe: $T/env.ini:3: header: invalid header 'Authorization: [redacted]': a line break in it would send a header of its own*"
all=$OUT$ERR
expect_true "... and the secret is not in the message" test "$all" = "${all//s3cret/}"
TOKEN=$'s3cret-token\n' run_probe -c "$T/env.ini"
expect "a secret file that ends in a newline, refused" 3 "probe: $T/env.ini:3: header: invalid header*"
printf '[probe]\ntimeout = ${DB_PASSWORD}\n[tcp "a"]\naddress = ${DB_HOST}:5432\n' >"$T/env2.ini"
DB_PASSWORD=hunter2 DB_HOST=db run_probe -c "$T/env2.ini"
expect "an invalid value from \${VAR} names the variable, not the value" 3 \
	"probe: $T/env2.ini:2: timeout: invalid duration '\${DB_PASSWORD}'* (from the environment: the value is not shown)"
all=$OUT$ERR
expect_true "... and hunter2 appears nowhere" test "$all" = "${all//hunter2/}"
DB_PASSWORD=1s DB_HOST='s3cr3t:x' run_probe -c "$T/env2.ini"
expect "a bad address from \${VAR}" 3 "probe: $T/env2.ini:4: address: invalid address '\${DB_HOST}:5432'*"
all=$OUT$ERR
expect_true "... and its value appears nowhere" test "$all" = "${all//s3cr3t/}"

# probe help TYPE: a type's keys from the table, for a shell without man.
run_probe help grpc
expect "help TYPE: the type's keys" 0 '[grpc "NAME"]: grpc.health.v1.Health/Check *'
expect_line "help TYPE: a key with its alternative" "  address = HOST:PORT                   required, or unix_socket"
expect_line "help TYPE: a shared key with its default" "  tls_verify = yes|no                   default yes"
expect_line "help TYPE: its command-line options" "  --tls yes|no"
run_probe help ftp
expect "help TYPE: an unknown type" 3 "probe: no help on 'ftp' (probe help TYPE: http, tcp, mount, writable, grpc or cert)"
run_probe help http tcp
expect "help TYPE: one at a time" 3 "probe: usage: probe help [TYPE]"
