# test_talk.sh: the tcp check's send and expect lines (as blackbox_exporter's
# query_response), against the line servers of tests/helpers/talkd.py: a
# banner, an exchange, a mismatch, silence (the deadline), floods (the
# caps), binary escapes, and the config's mistakes (sourced by run.sh).

TD=$T/talk
mkdir -p "$TD"
python3 "$HELPERS/talkd.py" "$TD" &
PIDS+=($!)
wait_until test -e "$TD/ready" || fail "talkd" "did not start"
tp() { echo "127.0.0.1:$(cat "$TD/$1")"; }

run_probe --tcp "$(tp banner)" --expect '^220 '
expect "talk: a banner" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "talk: ... the line it matched" "ok    tcp       $(tp banner)*$(tp banner): 1 expect matched, the last: \"220 probe.test ESMTP ready\""
run_probe --tcp "$(tp ruok)" --send ruok --expect '^imok$'
expect "talk: send, then expect (ZooKeeper's ruok, imok)" 0 "healthy: 1 of 1 checks passed (all, *ms)"
printf '[tcp "smtp"]\naddress = %s\nexpect = ^220\nsend = HELO probe\\r\nexpect = ^250\nsend = QUIT\\r\nexpect = ^221\n' \
	"$(tp banner)" >"$T/talk.ini"
run_probe -c "$T/talk.ini"
expect "talk: three exchanges, in the config's order" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "talk: ... each matched" "ok    tcp       smtp *: 3 expects matched, the last: \"221 bye\""
run_probe --tcp "$(tp ruok)" --send nope --expect '^imok$'
expect "talk: a line that does not match, then the end" 1 \
	"unhealthy: tcp \"$(tp ruok)\": expected /^imok\$/, got \"nope\", then the connection was closed"
run_probe -t 500ms --tcp "$(tp silent)" --expect 'x'
expect "talk: a server that never answers: the deadline" 1 \
	"unhealthy: tcp \"$(tp silent)\": timed out after 500ms waiting for /x/" 600
run_probe --tcp "$(tp flood)" --expect 'y'
expect "talk: a line with no end: cut at 4096 bytes" 1 \
	"unhealthy: tcp \"$(tp flood)\": expected /y/, got a line over 4096 bytes with no match"
run_probe --tcp "$(tp lines)" --expect 'y'
expect "talk: endless lines: cut at 64 KiB" 1 \
	"unhealthy: tcp \"$(tp lines)\": expected /y/, got 64 KiB with no match"
run_probe --tcp "$(tp hex)" --send "\\x00\\x01ok\\t\\\\" --expect '^00016f6b095c$'
expect "talk: escapes: \\xNN, \\0, \\t, \\\\ sent as bytes" 0 "healthy: 1 of 1 checks passed (all, *ms)"
run_probe --tcp "$(tp closed)" --expect 'x'
expect "talk: closed at once" 1 "unhealthy: tcp \"$(tp closed)\": expected /x/, got nothing, then the connection was closed"
run_probe --tcp "$(tp banner)" --send QUIT
expect "talk: sends alone" 0 "healthy: 1 of 1 checks passed (all, *ms)"

# The config's mistakes, with file and line.
printf '[tcp "t"]\naddress = 127.0.0.1:1\nsend = \\q\n' >"$T/talk-bad.ini"
run_probe -c "$T/talk-bad.ini"
expect "talk: an unknown escape" 3 "probe: $T/talk-bad.ini:3: send: unknown escape '\\q' (use \\r, \\n, \\t, \\0, \\\\ or \\xNN)*"
printf '[tcp "t"]\naddress = 127.0.0.1:1\nexpect = (a\n' >"$T/talk-bad.ini"
run_probe -c "$T/talk-bad.ini"
expect "talk: a bad regular expression" 3 "probe: $T/talk-bad.ini:3: expect: invalid regular expression: *"
printf '[tcp "t"]\naddress = 127.0.0.1:1\nprotocol = redis\nsend = PING\n' >"$T/talk-bad.ini"
run_probe -c "$T/talk-bad.ini"
expect "talk: send with a protocol" 3 "probe: $T/talk-bad.ini:*: send and expect go without protocol*"
printf '[tcp "t"]\naddress = 127.0.0.1:1\nca_file = /etc/ssl/certs/ca-certificates.crt\n' >"$T/talk-bad.ini"
run_probe -c "$T/talk-bad.ini"
expect "talk: a TLS key without tls" 3 "probe: $T/talk-bad.ini:3: ca_file needs tls = yes*"
printf '[tcp "t"]\naddress = 127.0.0.1:1\nprotocol = mongodb\n' >"$T/talk-bad.ini"
run_probe -c "$T/talk-bad.ini"
expect "talk: an unknown protocol" 3 "probe: $T/talk-bad.ini:3: protocol: unknown protocol 'mongodb' (use postgres, mysql or redis)*"
printf '[tcp "t"]\naddress = 127.0.0.1:1\npassword = x\n' >"$T/talk-bad.ini"
run_probe -c "$T/talk-bad.ini"
expect "talk: a password without redis" 3 "probe: $T/talk-bad.ini:*: password is for protocol = redis*"

# Redis while it loads its dataset (a server that says so).
run_probe --tcp "$(tp loading)" --protocol redis
expect "talk: redis, LOADING" 1 "unhealthy: tcp \"$(tp loading)\": $(tp loading): LOADING Redis is loading the dataset in memory"
printf '[tcp "r"]\naddress = %s\nprotocol = redis\npassword = s3cret\n' "$(tp loading)" >"$T/talk-r.ini"
run_probe -v -c "$T/talk-r.ini"
expect "talk: redis, AUTH then LOADING" 1 "unhealthy: tcp \"r\": *: LOADING Redis is loading the dataset in memory"
all=$OUT$ERR
expect_true "talk: the password is in no message" test "$all" = "${all//s3cret/}"

# A database is a dependency: in liveness, --check-config warns.
printf '[tcp "db"]\naddress = db-0.db:5432\nprotocol = postgres\nprobes = liveness readiness\n' >"$T/talk-live.ini"
run_probe -c "$T/talk-live.ini" --check-config
expect "talk: a protocol check of another host in liveness: valid" 0 "$T/talk-live.ini: ok, 1 check, *"
expect_line "talk: ... and warned of" "warning: $T/talk-live.ini:1: liveness check tcp \"db\" reaches db-0.db, not this pod*"

# The table's help: probe help tcp.
run_probe help tcp
expect_line "talk: probe help tcp names the protocols" "  protocol = postgres|mysql|redis"
