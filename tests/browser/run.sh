#!/usr/bin/env bash
# run.sh PROBE: make browser-test. probe serve's status page (GET /) in
# Debian's Chromium, headless (page.mjs): a running serve of PROBE whose
# readiness check fails with a reason that carries markup, against the
# integration suite's test server. Screenshots go to build/status-page.png
# and build/status-page-phone.png (CI keeps them).
set -uo pipefail
PROBE=$(readlink -f "${1:?usage: run.sh PROBE}")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
HELPERS=$ROOT/tests/helpers
export PATH=/usr/bin:/bin:$PATH
T=$(mktemp -d /tmp/probe-browser.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
. "$ROOT/tests/integration/lib.sh"

HEADERS_LOG=$T/headers.log STATE_FILE=$T/state python3 "$HELPERS/httpd.py" "$T/port" &
PIDS+=($!)
wait_until test -s "$T/port"
BASE=http://127.0.0.1:$(cat "$T/port")
printf 'ok' >"$T/state"
printf '[serve]\ncache = 0\n[http "app"]\nurl = %s/state\n[tcp "port"]\naddress = 127.0.0.1:%s\nprobes = liveness\n' \
	"$BASE" "$(cat "$T/port")" >"$T/page.ini"
serve_start "$T/page.ini" || { echo "browser-test: probe serve did not start: $(cat "$T/serve.err")"; exit 1; }
PIDS+=("$SPID")
for k in livez readyz startupz; do python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/$k" >/dev/null 2>&1; done
printf '{"status":"<script>window.__probe_xss=1</script><img src=x onerror=\\"window.__probe_xss=2\\">"}' >"$T/state"
python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/readyz" >/dev/null 2>&1
mkdir -p "$ROOT/build"
node "$HERE/page.mjs" "http://127.0.0.1:$SPORT/" "$ROOT/build/status-page.png"
