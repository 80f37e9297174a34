# test_why.sh: what says why a check failed after the fact: the
# termination log of a failed liveness run, and probe serve's log of every
# change, its history and its status page (sourced by run.sh).

# ---- the termination log -------------------------------------------------------
TL=$T/termination-log
run_probe --termination-log="$TL" --http "http://127.0.0.1:1/" liveness
expect "termination log: a failed liveness run" 1 'unhealthy: http "127.0.0.1:1/": connect to 127.0.0.1:1: connection refused'
[ "$(head -n 1 "$TL")" = "$FIRST" ] && [[ "$(tail -n 1 "$TL")" == "-- probe liveness, 20"*Z ]] &&
	pass "termination log: the report's first line first, the probe's mark last" ||
	fail "termination log: written" "$(cat "$TL")"
run_probe --termination-log="$TL" --tcp "127.0.0.1:$P" liveness
expect "termination log: a healthy liveness run" 0 "healthy: *"
expect_true "termination log: ... empties it" test ! -s "$TL"
echo "panic: the app's own last words" >"$TL"
run_probe --termination-log="$TL" --tcp "127.0.0.1:$P" liveness
expect_true "termination log: what the app wrote stays" grep -q "the app's own last words" "$TL"
run_probe --termination-log="$TL" --http "http://127.0.0.1:1/" readiness
expect_true "termination log: readiness never writes it" grep -q "the app's own last words" "$TL"
for i in $(seq 32); do printf '[http "c%02d-%s"]\nurl = http://127.0.0.1:1/%s\nprobes = liveness\n' \
	"$i" "$(printf 'n%.0s' $(seq 50))" "$(printf 'p%.0s' $(seq 120))"; done >"$T/tl32.ini"
printf '[probe]\ntermination_log = yes\n' >"$T/tl-yes.ini"
run_probe -c "$T/tl32.ini" --termination-log="$TL" liveness
size=$(stat -c %s "$TL")
[ "$size" -le 4096 ] && [[ "$(tail -n 1 "$TL")" == "-- probe liveness, "* ]] &&
	pass "termination log: 32 failures, cut at whole lines within the kubelet's 4096 bytes ($size)" ||
	fail "termination log: bounded" "$size bytes, last line '$(tail -n 1 "$TL")'"
# Outside Kubernetes there is no /dev/termination-log: none is made.
if [ ! -e /dev/termination-log ]; then
	run_probe --termination-log --http "http://127.0.0.1:1/" liveness
	expect "termination log: the kubelet's path, not in Kubernetes" 1 'unhealthy: http "127.0.0.1:1/": *'
	expect_true "termination log: ... makes no /dev/termination-log" test ! -e /dev/termination-log
	expect_true "termination log: ... and says nothing of it" test ! -s "$T/err"
fi
printf '[probe]\ntermination_log = yes\n[tcp "t"]\naddress = 127.0.0.1:%s\n' "$P" >"$T/tl-yes.ini"
run_probe -c "$T/tl-yes.ini" --check-config
expect "termination log: [probe] termination_log = yes" 0 "*: ok, 1 check, deadline 1000ms"
expect_line "termination log: --check-config names it" "why        a failed liveness run's report to /dev/termination-log"
printf '[probe]\ntermination_log = %s\n[tcp "t"]\naddress = 127.0.0.1:1\n' "$T/tl-path" >"$T/tl-path.ini"
run_probe -c "$T/tl-path.ini" liveness
expect "termination log: termination_log = PATH" 1 'unhealthy: tcp "t": *'
expect_true "termination log: ... written there" grep -q '^-- probe liveness, ' "$T/tl-path"

# ---- probe serve: the log, the history, the page ------------------------------
# The app's state is what $T/state says (tests/helpers/httpd.py /state).
printf 'ok' >"$T/state"
printf '[serve]\ncache = 0\n[http "app"]\nurl = %s/state\nprobes = readiness\n' "$BASE" >"$T/why.ini"
changes() { grep -c ' -> ' "$T/serve.err"; }
if serve_start "$T/why.ini"; then
	get "serve why: healthy" /readyz 200 "healthy: *"
	get "serve why: healthy again" /readyz 200 "healthy: *"
	expect_true "serve why: a healthy sidecar logs no change" test "$(changes)" = 0
	printf '{"status":"DOWN","components":{"db":{"status":"DOWN"}}}' >"$T/state"
	get "serve why: the app goes down" /readyz 503 'unhealthy: http "app": HTTP 503, status "DOWN" (db: "DOWN")'
	line=$(grep ' -> ' "$T/serve.err" | tail -n 1)
	[[ "$line" =~ ^probe:\ 20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z\ readiness\ http\ \"app\":\ healthy\ -\>\ unhealthy\ \([0-9.]+ms\):\ HTTP\ 503,\ status\ \"DOWN\"\ \(db:\ \"DOWN\"\)$ ]] &&
		pass "serve why: the change in the log: time, kind, check, states, duration, reason" ||
		fail "serve why: the change in the log" "'$line'"
	# Flapping: 20 changes within a second or two are folded, and the
	# state it ends in is said once the second is over: a line a second
	# at most (under an emulator the 20 take longer, and get more).
	flap_t0=$(date +%s%N)
	for i in $(seq 20); do
		[ $((i % 2)) = 1 ] && printf 'ok' >"$T/state" || printf 'down' >"$T/state"
		python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/readyz" >/dev/null 2>&1
	done
	printf 'ok' >"$T/state"
	get "serve why: up again" /readyz 200 "healthy: *"
	said_ok() { [[ "$(grep ' -> ' "$T/serve.err" | tail -n 1)" == *"-> healthy"* ]]; }
	wait_until said_ok
	n=$(changes)
	most=$((3 + ($(date +%s%N) - flap_t0) / 1000000000))
	[ "$most" -ge 6 ] || most=6
	[ "$n" -le "$most" ] && [ "$n" -lt 21 ] && grep -q "more changes folded)" "$T/serve.err" &&
		pass "serve why: 21 changes, $n lines, the rest folded and counted" ||
		fail "serve why: flapping folded" "$n lines: $(grep ' -> ' "$T/serve.err")"
	expect_true "serve why: the last line says the state it ended in" said_ok
	python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/history?format=json" 2>/dev/null |
		sed '1,/^$/d' >"$T/doc"
	if [ -d "$HERE/../schemas/node_modules/ajv" ]; then
		out=$(node "$HERE/../schemas/validate.mjs" history "$T/doc" 2>&1) &&
			pass "serve why: /history?format=json against its schema" ||
			fail "serve why: /history?format=json against its schema" "$out"
	fi
	python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))
c = h["changes"]
assert h["total"] == 22 and len(c) == 22 and h["bound"] == 200, (h["total"], len(c))
assert c[0]["to"] == "healthy" and c[-1]["to"] == "unhealthy" and c[-1]["from"] == "healthy", c
assert c[-1]["message"] == "HTTP 503, status \"DOWN\" (db: \"DOWN\")", c[-1]
assert all(a["time"] >= b["time"] for a, b in zip(c, c[1:])), "newest first"
' "$T/doc" 2>"$T/py.err" && pass "serve why: /history holds every change, newest first" ||
		fail "serve why: /history holds every change" "$(cat "$T/py.err")"
	# Markup in a reason is text on the page, never markup.
	printf '{"status":"<script>alert(1)</script><img src=x onerror=alert(2)>"}' >"$T/state"
	get "serve why: a reason with markup" /readyz 503 'unhealthy: http "app": HTTP 503, status "<script>*'
	python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/" >"$T/page" 2>/dev/null
	expect_true "serve why: / is an HTML page" grep -qi "^Content-Type: text/html; charset=utf-8" "$T/page"
	expect_true "serve why: / names the check and its last reason, escaped" \
		grep -q 'http &quot;app&quot;\|http "app"' "$T/page"
	grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;' "$T/page" &&
		! grep -q '<script\|<img' "$T/page" &&
		pass "serve why: markup from a server is escaped, no tag of it on the page" ||
		fail "serve why: markup escaped" "$(grep -o '.\{40\}script.\{40\}' "$T/page" | head -n 3)"
	serve_stop
	expect_true "serve why: a line when it stops" grep -q "^probe: stopped serving$" "$T/serve.err"
else
	fail "serve why: start" "$(cat "$T/serve.err")"
fi
# The log as JSON, one object a line, for Loki or Elasticsearch.
printf 'ok' >"$T/state"
printf '[serve]\ncache = 0\nlog_format = json\n[http "app"]\nurl = %s/state\n' "$BASE" >"$T/whyj.ini"
if serve_start "$T/whyj.ini"; then
	get "serve why json: healthy" /livez 200 "healthy: *"
	printf 'down' >"$T/state"
	get "serve why json: down" /livez 503 'unhealthy: http "app": HTTP 503'
	serve_stop
	cp "$T/serve.err" "$T/doc"
	if [ -d "$HERE/../schemas/node_modules/ajv" ]; then
		out=$(node "$HERE/../schemas/validate.mjs" serve-log "$T/doc" 2>&1) &&
			pass "serve why json: every line against its schema" ||
			fail "serve why json: every line against its schema" "$out"
	fi
	expect_true "serve why json: the change, as JSON" \
		grep -q '"event": "change", "kind": "liveness", "type": "http", "check": "app", "from": "healthy", "to": "unhealthy"' "$T/doc"
else
	fail "serve why json: start" "$(cat "$T/serve.err")"
fi
