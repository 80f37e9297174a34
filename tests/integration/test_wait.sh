# test_wait.sh: probe wait against servers that come late or never, and
# signals (sourced by run.sh; the mount cases run in test_fs's namespace).

# count_lines GLOB: how many lines of stdout match GLOB.
count_lines() {
	local line n=0 glob
	glob=$(literal "$1")
	while IFS= read -r line; do
		[[ "$line" == $glob ]] && n=$((n + 1))
	done <<<"$OUT"
	echo "$n"
}

LATE=$(free_port)
(sleep 2 && exec python3 "$HELPERS/httpd.py" "$T/late-port" "" "$LATE") &
PIDS+=($!)
t0=$(date +%s%N)
run_probe wait -t 10s "http://127.0.0.1:$LATE/ok"
expect "wait: a server that comes up after 2s" 0 "waiting up to 10.0s for 1 check (all), retrying every 1.0s or more"
# The server is up when its port file appears (python alone may take a
# while to start here); by then the pause has grown to at most 1.0 s
# x 1.25 x 1.25, so the wait must see it within one such pause.
up=$(($(stat -c %.9Y "$T/late-port" | tr -d .) - t0))
up=$((up / 1000000))
if [ "$MS" -ge 1900 ] && [ $((MS - up)) -le $((1600 + 300 + SLACK_MS)) ]; then
	pass "wait: ready within one pause of the server (up at ${up}ms, ready at ${MS}ms)"; else
	fail "wait: ready within one pause of the server" "up at ${up}ms, ready at ${MS}ms"; fi
expect_line "wait: the reason, once" \
	"still waiting after *: http \"127.0.0.1:$LATE/ok\": connect to 127.0.0.1:$LATE: connection refused"
[ "$(count_lines "still waiting*")" = 1 ] && pass "wait: one line per reason, not per run" ||
	fail "wait: one line per reason, not per run" "$(count_lines "still waiting*") lines"
last=$(tail -n 1 "$T/out")
[[ "$last" == "ready after "*"s ("*" runs): 1 of 1 checks passed (all)" ]] &&
	pass "wait: the final verdict and its time" || fail "wait: the final verdict and its time" "'$last'"

run_probe wait -t 2s --tcp 127.0.0.1:1
expect "wait: a port that never opens" 1 "waiting up to 2.0s for 1 check (all), *" 3000
if [ "$MS" -ge 1900 ]; then pass "wait: gives up at TOTAL, not before (${MS}ms)"; else
	fail "wait: gives up at TOTAL, not before" "took ${MS}ms"; fi
expect_line "wait: gave up, with the reason" \
	"gave up after 2.0s (* runs): tcp \"127.0.0.1:1\": connect to 127.0.0.1:1: connection refused"
expect_line "wait: the last run's report" "FAIL  tcp       127.0.0.1:1  *connection refused"

run_probe wait -q -t 1s --tcp 127.0.0.1:1
expect "wait -q: only the final line" 1 "gave up after 1.0s (* run*): tcp \"127.0.0.1:1\": *" 2000
[ "$(wc -l <"$T/out")" = 1 ] && pass "wait -q: one line" || fail "wait -q: one line" "more"

run_probe wait -q "$BASE/ok"
expect "wait -q: ready at once" 0 "ready after *ms (1 run): 1 of 1 checks passed (all)" 1000

ini waitfile <<EOT
[probe]
timeout = 300ms
[http "slow"]
url = $BASE/slow/3000
probes = liveness
[tcp "port"]
address = 127.0.0.1:$P
probes = readiness
EOT
run_probe wait -q -c "$T/waitfile.ini" readiness
expect "wait with -c and KIND" 0 "ready after *ms (1 run): 1 of 1 checks passed (readiness)"
run_probe wait -t 1s -c "$T/waitfile.ini" liveness
expect "wait: each run keeps the config's deadline" 1 "waiting up to 1.0s *" 2500
expect_line "wait: the run timed out" "still waiting after *: http \"slow\": timed out after 300ms*"

run_probe wait -t 1200ms -i 100ms -o json --tcp 127.0.0.1:1
if [ "$RC" = 1 ] && python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin.read().splitlines()]
assert [e["event"] for e in ev] == ["start", "waiting", "gave_up"], ev
s, w, g = ev
assert all(e["version"] == 1 for e in ev), ev
assert s["count"] == 1 and s["timeout_ms"] == 1200 and s["interval_ms"] == 100, s
assert s["checks"] == [{"type": "tcp", "name": "127.0.0.1:1"}], s
assert w["healthy"] is False and w["type"] == "tcp" and w["name"] == "127.0.0.1:1", w
assert "connection refused" in w["message"] and w["runs"] == 1, w
assert g["runs"] >= 5 and 1100 <= g["elapsed_ms"] <= 1500, g
assert g["checks"][0]["healthy"] is False, g
' <<<"$OUT"; then pass "wait -o json: one object per event"; else fail "wait -o json: one object per event" "unexpected JSON"; fi

run_probe wait -o json -q "$BASE/ok"
if [ "$RC" = 0 ] && python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin.read().splitlines()]
assert len(ev) == 1 and ev[0]["event"] == "ready" and ev[0]["healthy"] is True, ev
' <<<"$OUT"; then pass "wait -o json -q: the ready event"; else fail "wait -o json -q: the ready event" "unexpected JSON"; fi

run_probe wait -i 0 --tcp 127.0.0.1:1
expect "wait: -i 0 is refused" 3 "probe: -i: *"
run_probe wait -t 25h --tcp 127.0.0.1:1
expect "wait: -t over a day is refused" 3 "probe: -t: duration '25h' is out of range (1ms to 24h)"
run_probe wait -t 2h -q --tcp "127.0.0.1:$P"
expect "wait: -t 2h is a total like any other" 0 "ready after *"
run_probe -t 2h --tcp "127.0.0.1:$P"
expect "a run's deadline stays within an hour" 3 "probe: -t: duration '2h' is out of range (1ms to 1h)"
run_probe wait -c "$T/waitfile.ini" startup
expect "wait: no check for KIND" 3 "probe: $T/waitfile.ini: no check selected for startup"

# wait_signal NAME SIGNAL WHEN CHECK...: start a wait, signal it WHEN
# "between" runs (its first failure said) or while a "check" hangs (a
# check's process runs), expect exit 1 at once and no process left.
wait_signal() {
	local name=$1 sig=$2 when=$3 pid start left
	shift 3
	"$PROBE" wait -t 30s "$@" >"$T/out" 2>"$T/err" &
	pid=$!
	if [ "$when" = between ]; then
		wait_until grep -q '^still waiting' "$T/out"
	else
		wait_until pgrep -P "$pid" >/dev/null
	fi
	start=$(date +%s%N)
	kill "-$sig" "$pid"
	wait "$pid"
	RC=$?
	MS=$((($(date +%s%N) - start) / 1000000))
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	FIRST=$(tail -n 1 "$T/out")
	expect "$name" 1 "stopped by SIG$sig after *" 300
	none_left() { left=$(pgrep -f "$PROBE wait" | wc -l); [ "$left" = 0 ]; }
	wait_until none_left
	[ "$left" = 0 ] && pass "$name: no process left" || fail "$name: no process left" "$left left"
}
wait_signal "wait: SIGTERM between runs ends it at once" TERM between --tcp 127.0.0.1:1
expect_line "wait: SIGTERM says the last reason" \
	"stopped by SIGTERM after * (1 run): tcp \"127.0.0.1:1\": connect to 127.0.0.1:1: connection refused"
printf '[probe]\ntimeout = 20s\n[http "silent"]\nurl = http://127.0.0.1:%s/\n' "$SILENT" >"$T/silent.ini"
wait_signal "wait: SIGTERM during a hung check ends it at once" TERM check -c "$T/silent.ini"
expect_line "wait: a run cut short says so" \
	"stopped by SIGTERM after * (0 runs): http \"silent\": stopped before it finished"
wait_signal "wait: SIGINT ends it too" INT check -c "$T/silent.ini"

if [ -n "${PROBE_TEST_NS:-}" ]; then
	mkdir -p "$T/later" "$T/rolater"
	run_probe --mount "$T/later"
	expect "--mount: an empty directory is not a mount" 1 "unhealthy: mount \"$T/later\": *"
	(sleep 1.5 && mount -t tmpfs -o size=1m tmpfs "$T/later") &
	run_probe wait -t 10s --mount "$T/later" --writable "$T/later"
	expect "wait: a volume mounted later" 0 "waiting up to 10.0s for 2 checks (all), *"
	if [ "$MS" -ge 1400 ] && [ "$MS" -le 3500 ]; then pass "wait: ready soon after the mount (${MS}ms)"; else
		fail "wait: ready soon after the mount" "took ${MS}ms"; fi
	run_probe --mount "$T/later" --writable "$T/later"
	expect "--mount and --writable on a real mount" 0 "healthy: 2 of 2 checks passed (all, *ms)"

	mount -t tmpfs -o size=1m,ro tmpfs "$T/rolater"
	(sleep 1.5 && mount -o remount,rw "$T/rolater") &
	run_probe wait -t 10s --writable "$T/rolater"
	expect "wait: a directory that becomes writable" 0 "waiting up to 10.0s for 1 check (all), *"
	expect_line "wait: read-only, said once" "still waiting after *: writable \"$T/rolater\": *EROFS*"
	if [ "$MS" -ge 1400 ] && [ "$MS" -le 3500 ]; then pass "wait: ready soon after the remount (${MS}ms)"; else
		fail "wait: ready soon after the remount" "took ${MS}ms"; fi
else
	skip "wait on mounts" "needs root to make mounts (unshare -m)"
fi
