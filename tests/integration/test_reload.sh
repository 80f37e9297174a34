# test_reload.sh: probe serve loads its config again when the file changes
# (as the kubelet changes a ConfigMap volume) and on SIGHUP; a bad config
# is refused and the old one stays (sourced by run.sh).

CM=$T/configmap
mkdir -p "$CM"

# kubelet_swap: what the kubelet's atomic writer does with a ConfigMap
# volume: the new files (stdin is probe.ini) in a new timestamped
# directory, a ..data_tmp symlink to it renamed over ..data, the old
# directory removed.
kubelet_swap() {
	local new old
	new="..$(date +%Y_%m_%d_%H_%M_%S.%N)"
	mkdir "$CM/$new"
	cat >"$CM/$new/probe.ini"
	old=$(readlink "$CM/..data" 2>/dev/null || true)
	ln -s "$new" "$CM/..data_tmp"
	mv -T "$CM/..data_tmp" "$CM/..data"
	[ -z "$old" ] || rm -rf "${CM:?}/$old"
}

# reloads: how many lines of serve's stderr say it reloaded or refused.
reloads() {
	local line n=0
	while IFS= read -r line; do
		case $line in
		*": reloaded: "* | *"(the config in force stays)") n=$((n + 1)) ;;
		esac
	done <"$T/serve.err"
	echo "$n"
}

# wait_reloads N: until serve has reloaded or refused N times (5 s at most).
wait_reloads() {
	local i
	for i in $(seq 250); do
		[ "$(reloads)" -ge "$1" ] && return 0
		sleep 0.02
	done
	return 1
}

# metric NAME: its value in a scrape of /metrics.
metric() {
	python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/metrics" 2>/dev/null |
		awk -v n="$1" '$1 == n { print $2 }'
}

# A: one check, the config most tests start from.
A="[serve]
cache = 0
[tcp \"app\"]
address = 127.0.0.1:$P"
kubelet_swap <<<"$A"
ln -s ..data/probe.ini "$CM/probe.ini"
if serve_start "$CM/probe.ini"; then pass "reload: serve starts on a ConfigMap volume"; else
	RC='?' OUT= ERR=$(cat "$T/serve.err")
	fail "reload: serve starts on a ConfigMap volume" "no 'serving' line"
fi
get "reload: the first config" /livez 200 "healthy: 1 of 1 checks passed (liveness, *ms)"
[ "$(metric probe_config_last_reload_success)" = 1 ] &&
	pass "reload: probe_config_last_reload_success 1 at start" ||
	fail "reload: probe_config_last_reload_success 1 at start" "$(metric probe_config_last_reload_success)"
t_start=$(metric probe_config_last_reload_timestamp_seconds)

# wakeups PID: context switches of every thread of PID and its children.
wakeups() {
	local p f k v n=0
	for p in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
		for f in /proc/"$p"/task/*/status; do
			while read -r k v; do
				case $k in *ctxt_switches:) n=$((n + v)) ;; esac
			done <"$f"
		done
	done
	echo "$n"
}
w0=$(wakeups "$SPID")
sleep 2
w1=$(wakeups "$SPID")
[ "$w1" = "$w0" ] && pass "reload: idle, watching the config costs no wake-up (2 s)" ||
	fail "reload: idle, watching the config costs no wake-up" "$((w1 - w0)) context switches in 2 s"

kubelet_swap <<EOT
[serve]
cache = 0
[tcp "app"]
address = 127.0.0.1:$P
[http "down"]
url = $BASE/status/500
EOT
if wait_reloads 1; then pass "reload: the kubelet's ..data swap is seen"; else
	fail "reload: the kubelet's ..data swap is seen" "$(cat "$T/serve.err")"; fi
expect_true "reload: says so" grep -q "^probe: $CM/probe.ini: reloaded: 2 checks (cache 0ms, deadline 1000ms)$" "$T/serve.err"
get "reload: the new config answers" /livez 503 "unhealthy: http \"down\": HTTP 500"
t_new=$(metric probe_config_last_reload_timestamp_seconds)
python3 -c "import sys; sys.exit(0 if float('$t_new') > float('$t_start') else 1)" &&
	pass "reload: probe_config_last_reload_timestamp_seconds moves" ||
	fail "reload: probe_config_last_reload_timestamp_seconds moves" "$t_start, then $t_new"
get "reload: /metrics has the new check" /metrics 200 "# HELP *"
expect_line "reload: /metrics has the new check's series" 'probe_check_success{check="down",type="http",kind="liveness"} 0'
expect_line "reload: the kept check's counter goes on" 'probe_check_runs_total{check="app",type="tcp",kind="liveness"} 2'

kubelet_swap <<EOT
[serve]
cache = 0
[tcp "app"]
address = 127.0.0.1:$P
timeout = soon
EOT
wait_reloads 2
expect_true "reload: a bad config is refused, with file and line" grep -q \
	"^probe: $CM/probe.ini:5: timeout: invalid duration 'soon' (a number and a unit: 800ms, 2s, 1m or 1h) (the config in force stays)$" "$T/serve.err"
get "reload: the old config stays in force" /livez 503 "unhealthy: http \"down\": HTTP 500"
[ "$(metric probe_config_last_reload_success)" = 0 ] &&
	pass "reload: probe_config_last_reload_success 0" ||
	fail "reload: probe_config_last_reload_success 0" "$(metric probe_config_last_reload_success)"

kubelet_swap <<<"$A"
wait_reloads 3
get "reload: then a good one is taken" /livez 200 "healthy: 1 of 1 checks passed (liveness, *ms)"
[ "$(metric probe_config_last_reload_success)" = 1 ] &&
	pass "reload: probe_config_last_reload_success 1 again" ||
	fail "reload: probe_config_last_reload_success 1 again" "$(metric probe_config_last_reload_success)"

kill -HUP "$SPID"
wait_reloads 4
expect_true "reload: SIGHUP reloads (unchanged)" grep -q "^probe: $CM/probe.ini: reloaded: unchanged$" "$T/serve.err"

kubelet_swap <<EOT
[serve]
cache = 0
listen = 127.0.0.1:1
[tcp "app"]
address = 127.0.0.1:$P
EOT
wait_reloads 5
serve_stop
expect_true "reload: -l still applies: the listen address does not change" \
	grep -q "reloaded: 1 check (" "$T/serve.err"

# Without -l, a changed [serve] listen needs a restart: said, not applied.
PORT2=$(free_port)
ini listen <<EOT
[serve]
listen = 127.0.0.1:$PORT2
cache = 0
[tcp "app"]
address = 127.0.0.1:$P
EOT
"$PROBE" -c "$T/listen.ini" serve 2>"$T/serve.err" &
SPID=$! SPORT=$PORT2
wait_until grep -q "^probe: serving" "$T/serve.err"
sed -i "s/^listen = .*/listen = 127.0.0.1:1/" "$T/listen.ini"
wait_reloads 1
expect_true "reload: a changed listen address needs a restart" grep -q \
	"^probe: $T/listen.ini: \[serve\] listen changed to 127.0.0.1:1: restart probe serve to apply it (still serving on 127.0.0.1:$PORT2)$" "$T/serve.err"
get "reload: still serving on the old address" /livez 200 "healthy: 1 of 1 checks passed (liveness, *ms)"
serve_stop

# Checks from the command line only: nothing to reload.
"$PROBE" serve --tcp "127.0.0.1:$P" -l "127.0.0.1:$PORT2" 2>"$T/serve.err" &
SPID=$!
wait_until grep -q "^probe: serving" "$T/serve.err"
kill -HUP "$SPID"
wait_until grep -q "nothing to reload" "$T/serve.err"
expect_true "reload: SIGHUP without a config file" grep -q \
	"^probe: SIGHUP: nothing to reload: the checks come from the command line$" "$T/serve.err"
get "reload: and it goes on serving" /livez 200 "healthy: 1 of 1 checks passed (liveness, *ms)"
serve_stop

# The config path becomes a FIFO: the reload is refused without blocking,
# the old config stays, and SIGTERM still ends serve at once.
printf '[http "app"]\nurl = %s/ok\n' "$BASE" >"$T/fifo-serve.ini"
serve_start "$T/fifo-serve.ini"
mkfifo "$T/fifo-new"
n0=$(reloads)
mv "$T/fifo-new" "$T/fifo-serve.ini"
wait_reloads $((n0 + 1))
expect_true "reload: a FIFO in place of the config is refused" \
	grep -q "^probe: $T/fifo-serve.ini: is not a regular file (the config in force stays)$" "$T/serve.err"
get "reload: ... and the old config answers" /livez 200 "healthy: 1 of 1 checks passed (liveness, *ms)"
start=$(date +%s%N)
serve_stop
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 1500 ] && pass "reload: ... and SIGTERM ends serve (${ms}ms)" ||
	fail "reload: ... and SIGTERM ends serve" "${ms}ms"
