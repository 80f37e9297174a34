# slow_faults.sh: the probe killed 1000 times at random moments, and 200
# probes at once, on an app's data directory that must stay as it was
# (sourced by run.sh, as root in a private mount namespace; make
# test-slow).

needs_ns "faults under load" || return 0

app_data "$T/slow-faults"
before=$(app_sum)
ini killed <<EOT
[probe]
timeout = 1s
[writable "data"]
path = $F
[mount "data"]
path = $F
EOT

out=$(python3 "$HELPERS/killer.py" 1000 "$PROBE" -q -c "$T/killed.ini")
killed=$(echo "$out" | sed -n 's/^\([0-9]*\) killed, \([0-9]*\) ended first$/\1/p')
ended=$(echo "$out" | sed -n 's/^\([0-9]*\) killed, \([0-9]*\) ended first$/\2/p')
if [ -n "$killed" ] && [ $((killed + ended)) = 1000 ] && [ "$killed" -ge 500 ]; then
	pass "killed with SIGKILL at random: $out"
else
	fail "killed with SIGKILL at random" "'$out': expected 1000 runs, most of them killed"
fi
# A killed probe's checks die of PR_SET_PDEATHSIG, a moment later.
none_left() { left=$(pgrep -c -f "^$PROBE -q -c $T/killed.ini" || true); [ "$left" = 0 ]; }
wait_until none_left
[ "$left" = 0 ] && pass "killed 1000 times: no process left behind" ||
	fail "killed 1000 times: no process left behind" "$left processes"
# entries NAME...: the names in $F, but those given.
entries() { find "$F" -mindepth 1 -maxdepth 1 -printf '%f\n' | grep -vx "${@/#/-e}" || true; }
stray=$(entries app visits | grep -Ev '^\.probe-writable\.([0-9]|1[0-5])$' || true)
slots=$(entries app visits | grep -c '^\.probe-writable\.' || true)
[ -z "$stray" ] && [ "$slots" -le 16 ] &&
	pass "killed 1000 times: nothing of the probe's but $slots test file(s)" ||
	fail "killed 1000 times: nothing of the probe's but its test files" "$(ls -A "$F")"
run_probe -c "$T/killed.ini"
expect "killed 1000 times: the next run is healthy" 0 "healthy: 2 of 2 checks passed (all, *ms)"
[ -z "$(entries app visits | grep '^\.probe-writable\.' || true)" ] &&
	pass "killed 1000 times: the next run removed the leftovers" ||
	fail "killed 1000 times: the next run removed the leftovers" "$(ls -A "$F")"
[ "$before" = "$(app_sum)" ] && pass "killed 1000 times: the app's files are untouched (sha256)" ||
	fail "killed 1000 times: the app's files are untouched" "checksums differ"

# 200 probes at once, as on a node in a rolling restart. The deadline
# must cover 200 start-ups on this machine, and 400 filesystem checks
# passing through the 8 guard slots of one directory: five times what
# 200 bare start-ups at once (probe --version) take here, at least 3 s.
# Bare start-ups take 0.1-0.4 s static and 0.5-3.5 s dynamic on the 2-core
# machines seen so far.
swarm_ini() {
	ini swarm <<EOT
[probe]
timeout = ${1}ms
[http "app"]
url = $BASE/ok
[writable "data"]
path = $F
[mount "data"]
path = $F
EOT
}
bare=$(python3 "$HELPERS/swarm.py" 200 "$PROBE" --version | sed -n 's/.*slowest \([0-9]*\) ms/\1/p')
deadline=$((bare * 5))
[ "$deadline" -ge 3000 ] || deadline=3000
swarm_ini "$deadline"
out=$(python3 "$HELPERS/swarm.py" 200 "$PROBE" -c "$T/swarm.ini")
slowest=$(echo "$out" | sed -n 's/.*slowest \([0-9]*\) ms/\1/p')
if [ -n "${PROBE_SANITIZED:-}" ]; then
	skip "200 probes at once: all healthy within the deadline" \
		"a sanitizer build starts too slowly for timing ($out)"
elif [ -n "${PROBE_TEST_EMULATED:-}" ]; then
	skip "200 probes at once: all healthy within the deadline" \
		"200 qemu-user emulators at once saturate 2 cores ($out)"
elif [[ "$out" == "200 ok, 0 failed"* ]] && [ "$slowest" -le $((deadline + deadline / 20)) ]; then
	pass "200 probes at once: $out (deadline ${deadline}ms, bare start-ups ${bare}ms)"
else
	fail "200 probes at once (deadline ${deadline}ms, bare start-ups ${bare}ms)" "$out"
fi
count_left() {
	zombies=$(ps -eo stat=,comm= | awk '$1 ~ /^Z/ && $2 ~ /^probe/' | wc -l)
	orphans=$(pgrep -c -f "$T/swarm.ini" || true)
	[ "$zombies" = 0 ] && [ "$orphans" = 0 ]
}
# Probes SIGKILLed above could not reap their checks' processes (those die
# of PR_SET_PDEATHSIG); PID 1 reaps them, a moment later.
wait_until count_left
[ "$zombies" = 0 ] && [ "$orphans" = 0 ] && pass "200 probes at once: no zombie or orphan left" ||
	fail "200 probes at once: no zombie or orphan left" "$zombies zombies, $orphans orphans"
[ "$before" = "$(app_sum)" ] && pass "200 probes at once: the app's files are untouched" ||
	fail "200 probes at once: the app's files are untouched" "checksums differ"
