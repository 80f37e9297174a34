# test_serve.sh: probe serve against a real app server (sourced by run.sh).

hits() {
	python3 -c "import urllib.request; print(urllib.request.urlopen('$BASE/hits').read().decode().strip())"
}

ini serve <<EOT
[serve]
cache = 1s
[http "app"]
url = $BASE/ok
[http "down"]
url = $BASE/status/500
probes = readiness
EOT
if serve_start "$T/serve.ini"; then
	pass "serve: starts"
else
	RC='?' OUT= ERR=$(cat "$T/serve.err")
	fail "serve: starts" "no 'serving' line"
fi
[[ "$(head -n 1 "$T/serve.err")" == "probe: serving /livez, /readyz, /startupz, /metrics, /history and / on 127.0.0.1:$SPORT (cache 1000ms, deadline 1000ms)" ]] &&
	pass "serve: says where it listens" || fail "serve: says where it listens" "$(head -n 1 "$T/serve.err")"

get "serve: /livez healthy" /livez 200 "healthy: 1 of 1 checks passed (liveness, *ms)"
expect_line "serve: text/plain" "Content-Type: text/plain; charset=utf-8"
get "serve: /readyz unhealthy" /readyz 503 'unhealthy: http "down": HTTP 500'
get "serve: /startupz" /startupz 200 "healthy: 1 of 1 checks passed (startup, *ms)"
get "serve: ?format=json" "/readyz?format=json" 503 '{"version": 1, "kind": "readiness", "healthy": false, *'
sed '1,/^$/d' "$T/resp" >"$T/serve.json"
run_probe -c "$T/serve.ini" -o json readiness
printf '%s\n' "$OUT" >"$T/run.json"
# The same document but for the times: every key, value and order.
if python3 - "$T/serve.json" "$T/run.json" <<'PY'; then
import json, sys
def shape(path):
    d = json.load(open(path))
    d["duration_ms"] = 0
    for c in d["checks"]:
        c["duration_ms"] = 0
    return json.dumps(d)
a, b = shape(sys.argv[1]), shape(sys.argv[2])
assert a == b, "serve: %s\nprobe -o json: %s" % (a, b)
assert '"message": "HTTP 500"' in a, a
PY
	pass "serve: the JSON is the same as -o json"
else
	fail "serve: the JSON is the same as -o json" "$(cat "$T/serve.json") against $(cat "$T/run.json")"
fi
get "serve: ?format=text" "/livez?format=text" 200 "healthy: *"
get "serve: unknown format" "/livez?format=xml" 400 "unknown format: use format=text or format=json"
get "serve: HEAD" /livez 200 "" HEAD
get "serve: POST is 405" /livez 405 "method not allowed: use GET or HEAD" POST
expect_line "serve: 405 says what is allowed" "Allow: GET, HEAD"
get "serve: unknown path is 404" /healthz 404 "not found: use /livez, /readyz, /startupz, /metrics, /history or /"

python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/metrics" >"$T/metrics" 2>/dev/null
if python3 - "$T/metrics" <<'PY'; then
import re, sys, time
lines = open(sys.argv[1]).read().split("\n")
assert lines[0] == "200", lines[0]
body = lines[lines.index("") + 1:]
samples, types = {}, {}
for l in body:
    if l.startswith("# TYPE "):
        _, _, name, t = l.split(" ")
        types[name] = t
    elif l.startswith("probe_config_"):
        name, v = l.split(" ")
        samples[name] = float(v)
    elif l.startswith("probe_build_info{"):
        m = re.fullmatch(r'probe_build_info\{version="[0-9.]+",build="(static|dynamic)",arch="[a-z0-9_]+",libcurl="[0-9.]+",tls="[^"]+"\} 1', l)
        assert m, l
        samples["build"] = m[1]
    elif l.startswith("probe_check_processes_pending{"):
        m = re.fullmatch(r'probe_check_processes_pending\{kind="([a-z]+)"\} (\d+)', l)
        assert m, l
        samples[("pending", m[1])] = int(m[2])
    elif l and not l.startswith("#"):
        m = re.fullmatch(r'([a-z_]+)\{check="([^"]+)",type="([a-z]+)",kind="([a-z]+)"\} (\S+)', l)
        assert m, l
        samples[(m[1], m[2], m[4])] = (m[3], float(m[5]))
assert types == {"probe_check_success": "gauge", "probe_check_duration_seconds": "gauge",
                 "probe_check_timeout_seconds": "gauge",
                 "probe_check_last_run_timestamp_seconds": "gauge",
                 "probe_check_runs_total": "counter", "probe_check_failures_total": "counter",
                 "probe_check_free_bytes": "gauge", "probe_check_size_bytes": "gauge",
                 "probe_check_free_inodes": "gauge", "probe_check_inodes": "gauge",
                 "probe_cert_not_after_timestamp_seconds": "gauge",
                 "probe_check_processes_pending": "gauge", "probe_build_info": "gauge",
                 "probe_config_last_reload_success": "gauge",
                 "probe_config_last_reload_timestamp_seconds": "gauge"}, types
assert samples["probe_config_last_reload_success"] == 1
assert [samples[("pending", k)] for k in ("liveness", "readiness", "startup")] == [0, 0, 0]
assert abs(samples["probe_config_last_reload_timestamp_seconds"] - time.time()) < 60
assert samples[("probe_check_timeout_seconds", "app", "liveness")] == ("http", 1.0)
assert ("probe_check_free_bytes", "app", "liveness") not in samples  # not a writable check
assert samples[("probe_check_success", "app", "liveness")] == ("http", 1.0)
assert samples[("probe_check_success", "down", "readiness")] == ("http", 0.0)
assert samples[("probe_check_failures_total", "down", "readiness")][1] >= 1
assert samples[("probe_check_failures_total", "app", "liveness")][1] == 0
assert samples[("probe_check_runs_total", "app", "liveness")][1] >= 1
assert 0 < samples[("probe_check_duration_seconds", "app", "liveness")][1] < 1
assert abs(samples[("probe_check_last_run_timestamp_seconds", "app", "startup")][1] - time.time()) < 60
assert ("probe_check_success", "down", "liveness") not in samples  # not a liveness check
PY
	pass "serve: /metrics names, labels and values"
else
	fail "serve: /metrics names, labels and values" "$(head -c 600 "$T/metrics")"
fi
serve_stop

# The writable check's volume gauges are the filesystem's (statvfs), and a
# real scrape passes promtool's lint (as Prometheus would read it).
ini space <<EOT
[serve]
cache = 0
[writable "data"]
path = $T
[http "app"]
url = $BASE/ok
EOT
serve_start "$T/space.ini"
get "serve: a writable check for the volume gauges" /livez 200 "healthy: 2 of 2 checks passed (liveness, *ms)"
python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/metrics" 2>/dev/null | sed '1,/^$/d' >"$T/metrics"
if python3 - "$T/metrics" "$T" <<'PY'; then
import os, re, sys
v = {}
for l in open(sys.argv[1]):
    m = re.fullmatch(r'(probe_check_[a-z_]+)\{check="data",type="writable",kind="liveness"\} (\S+)\n', l)
    if m:
        v[m[1]] = float(m[2])
st = os.statvfs(sys.argv[2])
assert v["probe_check_size_bytes"] == st.f_blocks * st.f_frsize, (v, st)
assert abs(v["probe_check_free_bytes"] - st.f_bavail * st.f_frsize) <= 64 << 20, (v, st)
if st.f_files:
    assert v["probe_check_inodes"] == st.f_files, (v, st)
    assert abs(v["probe_check_free_inodes"] - st.f_ffree) <= 1000, (v, st)
else:
    assert "probe_check_inodes" not in v, v
assert 0 < v["probe_check_timeout_seconds"] <= 1, v
PY
	pass "serve: free and total bytes and inodes of the writable check's filesystem"
else
	fail "serve: free and total bytes and inodes of the writable check's filesystem" "$(grep 'data' "$T/metrics")"
fi
if command -v promtool >/dev/null; then
	if promtool check metrics <"$T/metrics" >"$T/lint" 2>&1; then
		pass "serve: promtool check metrics on a real scrape"
	else
		fail "serve: promtool check metrics on a real scrape" "$(cat "$T/lint")"
	fi
else
	skip "serve: promtool check metrics" "promtool is not installed (Debian package prometheus)"
fi
serve_stop

# Cache and single flight: many requests at once, one run of the checks.
# (3s: the helpers' start-ups between the runs must fit in the period.)
ini cache <<EOT
[serve]
cache = 3s
[http "app"]
url = $BASE/slow/200
EOT
serve_start "$T/cache.ini"
before=$(hits)
cached_at=$(date +%s%N)
result=$(python3 "$HELPERS/hammer.py" "http://127.0.0.1:$SPORT/livez" 50)
after=$(hits)
[ "$result" = "200 x50" ] && [ $((after - before)) -eq 1 ] &&
	pass "serve: 50 requests at once, one run of the checks" ||
	fail "serve: 50 requests at once, one run of the checks" "$result, $((after - before)) runs"
python3 "$HELPERS/hammer.py" "http://127.0.0.1:$SPORT/livez" 10 >/dev/null
[ "$(hits)" -eq "$after" ] && pass "serve: within the cache period, no run" ||
	fail "serve: within the cache period, no run" "$(($(hits) - after)) runs"
# Asked every 50 ms: one new run once the cache period (3s) is over, not
# before.
expired() {
	python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/livez" >/dev/null 2>&1
	[ "$(hits)" -gt "$after" ]
}
for _ in $(seq 100); do expired && break; sleep 0.05; done
cached_ms=$((($(date +%s%N) - cached_at) / 1000000))
[ "$(hits)" -eq $((after + 1)) ] && [ "$cached_ms" -ge 3000 ] &&
	pass "serve: after the cache period, one new run (at ${cached_ms}ms)" ||
	fail "serve: after the cache period, one new run" "$(($(hits) - after)) runs, ${cached_ms}ms after the run"
serve_stop

ini nocache <<EOT
[serve]
cache = 0
[http "app"]
url = $BASE/slow/300
EOT
serve_start "$T/nocache.ini"
before=$(hits)
result=$(python3 "$HELPERS/hammer.py" "http://127.0.0.1:$SPORT/readyz" 30)
runs=$(($(hits) - before))
[ "$result" = "200 x30" ] && [ "$runs" -le 2 ] &&
	pass "serve: cache = 0, 30 requests at once share $runs run(s)" ||
	fail "serve: cache = 0, requests at once share runs" "$result, $runs runs"
serve_stop

ini slowserve <<EOT
[probe]
timeout = 500ms
[http "silent"]
url = http://127.0.0.1:$SILENT/
EOT
serve_start "$T/slowserve.ini"
get "serve: a silent app: 503 within deadline + 100ms" /livez 503 \
	'unhealthy: http "silent": timed out after 500ms*'
[ "$MS" -le 600 ] && pass "serve: answered in ${MS}ms (deadline 500ms)" || fail "serve: answer time" "${MS}ms"
serve_stop

# SIGTERM: stop accepting, finish the request in flight, exit 0 within a second.
ini term <<EOT
[http "app"]
url = $BASE/slow/400
EOT
serve_start "$T/term.ini"
before=$(hits)
python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/livez" >"$T/inflight" 2>&1 &
client=$!
in_flight() { [ "$(hits)" -gt "$before" ]; }
wait_until in_flight
start=$(date +%s%N)
kill -TERM "$SPID"
wait "$SPID"
code=$?
ms=$((($(date +%s%N) - start) / 1000000))
wait "$client"
[ "$code" = 0 ] && [ "$ms" -le 1000 ] && pass "serve: SIGTERM exits 0 in ${ms}ms" ||
	fail "serve: SIGTERM exits 0 within a second" "exit $code after ${ms}ms"
[ "$(head -n 1 "$T/inflight")" = 200 ] && pass "serve: the request in flight got its answer" ||
	fail "serve: the request in flight got its answer" "$(head -n 3 "$T/inflight")"
if python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/livez" >/dev/null 2>&1; then
	fail "serve: no longer listening" "still answers"
else
	pass "serve: no longer listening"
fi
serve_start "$T/term.ini"
kill -INT "$SPID"
if wait "$SPID"; then pass "serve: SIGINT exits 0"; else fail "serve: SIGINT exits 0" "exit code"; fi
left=$(pgrep -c -f "^$PROBE -c $T/term.ini" || true)
[ "$left" = 0 ] && pass "serve: no runner left behind" || fail "serve: no runner left behind" "$left"

run_probe -c "$T/serve.ini" serve -l "127.0.0.1:$P"
expect "serve: port in use" 3 "probe: serve: cannot listen on 127.0.0.1:$P: * (EADDRINUSE)"
run_probe -c "$T/serve.ini" serve -l nonsense
expect "serve: bad -l" 3 "probe: -l: invalid address 'nonsense' (use HOST:PORT, [IPV6]:PORT or :PORT)"
run_probe -c "$T/serve.ini" serve -l 192.0.2.1:8099
expect "serve: an address not on this host" 3 "probe: serve: cannot listen on 192.0.2.1:8099: *"
run_probe -c "$T/serve.ini" -l 127.0.0.1:1
expect "serve: -l without serve" 3 "probe: -l goes with serve (see probe --help)"
run_probe -c "$T/serve.ini" serve liveness
expect "serve: no KIND" 3 "probe: unexpected argument 'liveness' (see probe --help)"
run_probe -c "$T/serve.ini" --check-config
expect_line "--check-config shows [serve]" "serve      listen *:8099, cache 1000ms"

# [serve] terse: the bodies name the checks, not what they found (no path,
# host or certificate name goes to the pod network).
ini terse <<EOT
[serve]
terse = yes
[http "down"]
url = $BASE/status/500
[cert "tls"]
path = $T/cert.pem
EOT
serve_start "$T/terse.ini"
get "serve: terse: the failing check, not why" /livez 503 'unhealthy: http "down" failed'
expect_line "serve: terse: check lines without messages" "FAIL  http      down              *ms"
[[ "$OUT" != *"HTTP 500"* && "$OUT" != *"$T"* ]] && pass "serve: terse: no reason, no path" ||
	fail "serve: terse: no reason, no path" "$OUT"
get "serve: terse: JSON" "/livez?format=json" 503 '{"version": 1, "kind": "liveness", "healthy": false, *'
[[ "$OUT" != *'"message"'* ]] && pass "serve: terse: JSON without messages" ||
	fail "serve: terse: JSON without messages" "$OUT"
python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/metrics" >"$T/metrics" 2>/dev/null
expect_true "serve: terse: no certificate name in /metrics" \
	grep -q '^probe_cert_not_after_timestamp_seconds{check="tls",subject=""} [0-9]*$' "$T/metrics"
serve_stop
