# test_schemas.sh: every JSON document the probe writes, real output of
# this binary, against its schema in docs/schemas/ (tests/schemas/
# validate.mjs, with ajv) (sourced by run.sh).

SCH=$HERE/../schemas
# valid NAME SCHEMA: $T/doc (the last output) is valid.
valid() {
	local out
	if out=$(node "$SCH/validate.mjs" "$2" "$T/doc" 2>&1); then
		pass "schemas: $1"
	else
		fail "schemas: $1" "$out"
	fi
}
doc() { printf '%s\n' "$OUT" >"$T/doc"; }

if [ ! -d "$SCH/node_modules/ajv" ]; then
	skip "JSON schemas" "no ajv in tests/schemas (npm ci there; make does it)"
else
	run_probe -o json --http "$BASE/ok" --tcp "127.0.0.1:$P"
	doc && valid "a healthy report" report
	run_probe -v -o json --http "$BASE/status/503" --writable "$T"
	doc && valid "an unhealthy report, -v" report
	printf '[probe]\ntimeout = soon\n[tcp "t"]\naddress = 127.0.0.1:1\n' >"$T/schema-bad.ini"
	run_probe -o json -c "$T/schema-bad.ini" readiness
	doc && valid "a config that did not load (readiness)" report
	run_probe -o json -c "$T/schema-bad.ini" liveness
	doc && valid "a config that did not load (liveness, not judged)" report
	run_probe wait -o json -t 1200ms -i 100ms --tcp 127.0.0.1:1
	doc && valid "wait: start, waiting, gave_up" wait-event
	run_probe wait -o json --tcp "127.0.0.1:$P"
	doc && valid "wait: start, ready" wait-event
	run_probe wait -o json -c "$T/schema-bad.ini"
	expect "wait: a config that did not load, as JSON" 3 '{"version": 1, "event": "error", "kind": "all", "error": "*"}'
	doc && valid "wait: error" wait-event
	run_probe --check-config -o json --http "$BASE/ok"
	doc && valid "--check-config, valid" check-config
	printf '[http "a"]\nurl = http://10.0.0.1:8080/$(POD_IP)\n' >"$T/schema-warn.ini"
	run_probe --check-config -o json -c "$T/schema-warn.ini"
	doc && valid "--check-config, with warnings" check-config
	run_probe --check-config -o json -c "$T/schema-bad.ini"
	doc && valid "--check-config, errors" check-config
	run_probe --check-config -o json -c "$T/nonexistent.ini"
	doc && valid "--check-config, no file" check-config
	printf '[serve]\ncache = 0\n[http "a"]\nurl = %s/status/500\n' "$BASE" >"$T/schema-serve.ini"
	if serve_start "$T/schema-serve.ini"; then
		python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/readyz?format=json" 2>/dev/null |
			sed '1,/^$/d' >"$T/doc"
		valid "serve: /readyz?format=json" report
		serve_stop
	else
		fail "schemas: serve" "did not start: $(cat "$T/serve.err")"
	fi
fi
