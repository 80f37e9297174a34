# test_http.sh: http and tcp checks against real servers (sourced by run.sh).

# http_case NAME RC FIRST_GLOB MAX_MS KEY=VALUE...: one http check "app".
http_case() {
	local name=$1 rc=$2 first=$3 max=$4
	shift 4
	{
		echo '[http "app"]'
		printf '%s\n' "$@"
	} >"$T/h.ini"
	run_until "$first" -c "$T/h.ini"
	expect "$name" "$rc" "$first" "$max"
}

http_case "http 200" 0 "healthy: 1 of 1 checks passed (all, *ms)" "" "url = $BASE/ok"
http_case "http 500" 1 'unhealthy: http "app": HTTP 500' "" "url = $BASE/status/500"
http_case "http 404 expected" 0 "healthy: *" "" "url = $BASE/status/404" "expect_status = 404, 410"
http_case "http 204 outside the list" 1 'unhealthy: http "app": HTTP 204' "" \
	"url = $BASE/status/204" "expect_status = 200"
http_case "closed port" 1 'unhealthy: http "app": connect to 127.0.0.1:1: connection refused' "" \
	"url = http://127.0.0.1:1/"
http_case "slow server, check timeout" 1 \
	'unhealthy: http "app": timed out after 300ms*' 400 \
	"url = $BASE/slow/3000" "timeout = 300ms"
http_case "body contains" 0 "healthy: *" "" "url = $BASE/body" "expect_body = hello"
http_case "body does not contain" 1 'unhealthy: http "app": HTTP 200, body does not contain "nope"' "" \
	"url = $BASE/body" "expect_body = nope"
http_case "redirect on the same host is followed" 0 "healthy: *" "" "url = $BASE/redirect" \
	"expect_status = 200"
http_case "redirect loop" 1 'unhealthy: http "app": stopped after 10 redirects' "" "url = $BASE/loop"
# The kubelet (Go) stops once it has made 10 requests: 9 redirects pass,
# the tenth fails.
http_case "9 redirects pass, as the kubelet counts" 0 "healthy: *" "" "url = $BASE/chain/9"
http_case "10 redirects fail, as the kubelet counts" 1 \
	'unhealthy: http "app": stopped after 10 redirects' "" "url = $BASE/chain/10"
http_case "redirect to another host is not followed (kubelet rule)" 0 "healthy: *" "" \
	"url = $BASE/redirect-other"
expect_line "another host's redirect counts as its 3xx" "ok    http      app  *  HTTP 302"
TRIES=$NAME_TRIES http_case "follow_redirects = yes follows to another host" 1 \
	"unhealthy: http \"app\": cannot resolve host 'other.invalid'" "" \
	"url = $BASE/redirect-other" "follow_redirects = yes"
http_case "follow_redirects = no" 1 'unhealthy: http "app": HTTP 302' "" \
	"url = $BASE/redirect" "follow_redirects = no" "expect_status = 200"
http_case "header missing" 1 'unhealthy: http "app": HTTP 400' "" "url = $BASE/need-header"
http_case "header sent" 0 "healthy: *" "" "url = $BASE/need-header" "header = X-Probe: 1"
http_case "an empty header value is sent empty" 0 "healthy: *" "" \
	"url = $BASE/need-empty" "header = X-Tenant:"
TENANT= http_case "an empty value from \${TENANT:-} is sent empty" 0 "healthy: *" "" \
	"url = $BASE/need-empty" 'header = X-Tenant: ${TENANT:-}'
http_case "no such header, no such luck" 1 'unhealthy: http "app": HTTP 400' "" \
	"url = $BASE/need-empty"

# Credentials across redirects, as Go's client (the kubelet's) sends them:
# Authorization and Cookie only to the first host or its subdomains, for
# good once a hop left them; a custom Host only after a relative
# Location; any other header everywhere.
# cred_case NAME URL CREDENTIALS(sent|dropped) HOST(kept|dropped): the
# server at the end of the chain got (or not) each of them.
cred_case() {
	local name=$1 url=$2 creds=$3 host=$4 got
	: >"$T/headers.log"
	{
		printf '[http "app"]\nurl = %s\nfollow_redirects = yes\nca_file = %s\n' "$url" "$T/cert.pem"
		printf 'header = Authorization: Bearer s3cret\nheader = Cookie: sid=abc\n'
		printf 'header = Host: custom.example\nheader = X-Custom: 1\n'
	} >"$T/cred.ini"
	run_probe -v -c "$T/cred.ini"
	expect "credentials: $name" 0 "healthy: 1 of 1 checks passed (all, *ms)"
	got=$(cat "$T/headers.log")
	case $creds in
	sent) [[ "$got" == *"Authorization: Bearer s3cret"* && "$got" == *"Cookie: sid=abc"* ]] ;;
	dropped) [[ "$got" != *"Authorization"* && "$got" != *"Cookie"* && "$got" != *s3cret* ]] ;;
	esac && pass "credentials: $name: Authorization and Cookie $creds" ||
		fail "credentials: $name: Authorization and Cookie $creds" "the server got: $got"
	case $host in
	kept) [[ "$got" == *"Host: custom.example"* ]] ;;
	dropped) [[ "$got" != *"custom.example"* ]] ;;
	esac && pass "credentials: $name: custom Host $host" ||
		fail "credentials: $name: custom Host $host" "the server got: $got"
	[[ "$got" == *"X-Custom: 1"* ]] && pass "credentials: $name: an ordinary header goes along" ||
		fail "credentials: $name: an ordinary header goes along" "the server got: $got"
}
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
OTHERBASE=http://127.0.0.2:$OTHER
cred_case "another loopback address" "$BASE/to?u=$(enc "$OTHERBASE/headers")" dropped dropped
expect_line "credentials: -v says they stayed home" \
	"      GET $OTHERBASE/headers: HTTP 200 after 1 redirect, headers: *, X-Custom: [redacted] (credentials not sent to another host)"
cred_case "localhost after 127.0.0.1" "$BASE/to?u=$(enc "http://localhost:$P/headers")" dropped dropped
cred_case "the same host, relative" "$BASE/to?u=$(enc /headers)" sent kept
cred_case "the same host, absolute" "$BASE/to?u=$(enc "$BASE/headers")" sent dropped
cred_case "away and back again" \
	"$BASE/to?u=$(enc "$OTHERBASE/to?u=$(enc "$BASE/headers")")" dropped dropped
cred_case "https to http, another host" \
	"https://localhost:$TLS/to?u=$(enc "$OTHERBASE/headers")" dropped dropped
cred_case "https to http, the same host" \
	"https://localhost:$TLS/to?u=$(enc "http://localhost:$P/headers")" sent dropped
cred_case "http to https and back, the same host" \
	"http://localhost:$P/to?u=$(enc "https://localhost:$TLS/to?u=$(enc /headers)")" sent dropped
cred_case "http to https, then another host" \
	"http://localhost:$P/to?u=$(enc "https://localhost:$TLS/to?u=$(enc "$OTHERBASE/headers")")" dropped dropped

# TLS keys where no TLS is used are a mistake, named at their line.
printf '[http "app"]\nurl = %s\nfollow_redirects = no\nca_file = %s\n' "$BASE/ok" "$T/cert.pem" >"$T/notls.ini"
run_probe -c "$T/notls.ini"
expect "ca_file with an http:// URL and no redirects is a config error" 3 \
	"probe: $T/notls.ini:4: ca_file needs an https:// URL (or follow_redirects) (without it the check uses no TLS and ignores the key) in [http \"app\"]"
printf '[http "app"]\nurl = %s\nca_file = %s\n' "$BASE/ok" "$T/cert.pem" >"$T/notls.ini"
run_probe -c "$T/notls.ini"
expect "ca_file with an http:// URL that may redirect to https is fine" 0 "healthy: *"

printf '[http "app"]\nurl = %s\n' "$BASE/ok" >"$T/proxy.ini"
http_proxy=http://127.0.0.1:1 HTTP_PROXY=http://127.0.0.1:1 ALL_PROXY=http://127.0.0.1:1 \
	run_probe -c "$T/proxy.ini"
expect "proxy variables are ignored" 0 "healthy: *"
cat >"$T/secret.ini" <<EOT
[http "app"]
url = http://probe:PASSWORD123@127.0.0.1:$P/need-header
header = X-Probe: 1
header = Authorization: Bearer TOKEN123
header = X-Api-Key: KEY123
header = Cookie: session=COOKIE123
EOT
run_probe -v -c "$T/secret.ini"
expect "secrets: the check runs with them" 0 "healthy: *"
expect_line "secrets: -v shows header names, no value" \
	"      GET http://probe@127.0.0.1:$P/need-header: HTTP 200 after 0 redirects, headers: X-Probe: [redacted], Authorization: [redacted], X-Api-Key: [redacted], Cookie: [redacted]"
run_probe -v -o json -c "$T/secret.ini"
if [[ "$OUT" != *123* ]]; then pass "secrets: none in -v -o json"; else fail "secrets: none in -v -o json" "found"; fi
sed -i "s|127.0.0.1:$P/need-header|127.0.0.1:1/|" "$T/secret.ini"
run_probe -v -c "$T/secret.ini"
if [ "$RC" = 1 ] && [[ "$OUT$ERR" != *123* ]]; then pass "secrets: none in a failure"; else fail "secrets: none in a failure" "found"; fi
http_case "HEAD" 0 "healthy: *" "" "url = $BASE/ok" "method = HEAD"
run_probe --http "$BASE/body" --expect-body hello
expect "--expect-body" 0 "healthy: *"
run_probe --http "$BASE/body" --expect-body nope
expect "--expect-body that fails" 1 'unhealthy: http "*/body": HTTP 200, body does not contain "nope"'
http_case "10 MB body, the match is early" 0 "healthy: *" 1000 "url = $BASE/big" "expect_body = xxx"
http_case "10 MB body, no match in the first 10 KiB" 1 \
	'unhealthy: http "app": HTTP 200, body does not contain "zzz"' 1000 \
	"url = $BASE/big" "expect_body = zzz"
http_case "endless body" 0 "healthy: *" 1000 "url = $BASE/endless"

# Body assertions: a regular expression and JSON Pointer values, on the
# first 64 KiB of the body.
UP="$BASE/echo?b=%7B%22status%22%3A%22UP%22%2C%22checks%22%3A%5B%7B%22name%22%3A%22db%22%2C%22up%22%3Atrue%7D%5D%7D"
DOWN="$BASE/echo?b=%7B%22status%22%3A%22DOWN%22%7D"
http_case "expect_json holds" 0 "healthy: *" "" "url = $UP" 'expect_json = /status == "UP"'
http_case "expect_json, all of them hold" 0 "healthy: *" "" "url = $UP" \
	'expect_json = /status == "UP"' 'expect_json = /checks/0/up == true' \
	'expect_json = /checks/0/name != "cache"'
http_case "expect_json: what was found" 1 \
	'unhealthy: http "app": HTTP 200, /status is "DOWN", expected "UP"' "" \
	"url = $DOWN" 'expect_json = /status == "UP"'
http_case "expect_json: the second of two fails" 1 \
	'unhealthy: http "app": HTTP 200, /checks/0/up is true, expected false' "" \
	"url = $UP" 'expect_json = /status == "UP"' 'expect_json = /checks/0/up == false'
http_case "expect_json: a missing member" 1 \
	'unhealthy: http "app": HTTP 200, /checks/1/name is missing, expected "db"' "" \
	"url = $UP" 'expect_json = /checks/1/name == "db"'
http_case "expect_json: a body that is not JSON" 1 \
	'unhealthy: http "app": HTTP 200, body is not JSON (at byte 0)' "" \
	"url = $BASE/body" 'expect_json = /status == "UP"'
http_case "expect_json: JSON longer than 64 KiB" 1 \
	'unhealthy: http "app": HTTP 200, body is not JSON in its first 64 KiB (read only that much)' "" \
	"url = $BASE/bigjson" 'expect_json = /status == "UP"'
http_case "expect_json: the status is judged first" 1 'unhealthy: http "app": HTTP 503' "" \
	"url = $BASE/status/503" 'expect_json = /status == "UP"'
http_case "expect_body_regex matches" 0 "healthy: *" "" "url = $BASE/body" \
	"expect_body_regex = ^hel+o w[a-z]+[[:space:]]?$"
http_case "expect_body_regex: a body that does not match" 1 \
	"unhealthy: http \"app\": HTTP 200, body does not match '^world'" "" \
	"url = $BASE/body" "expect_body_regex = ^world"
http_case "expect_body_regex: 10 MB body, matched in its first 64 KiB" 0 "healthy: *" 1000 \
	"url = $BASE/big" "expect_body_regex = x{200}"
http_case "expect_body_regex: 10 MB body, no match in its first 64 KiB" 1 \
	"unhealthy: http \"app\": HTTP 200, body does not match 'y' in its first 64 KiB (read only that much)" 1000 \
	"url = $BASE/big" "expect_body_regex = y"
http_case "expect_body_regex: a pattern that backtracking engines take hours for" 1 \
	"unhealthy: http \"app\": HTTP 200, body does not match '(x+x+)+y' in its first 64 KiB (read only that much)" 1000 \
	"url = $BASE/big" "expect_body_regex = (x+x+)+y"
http_case "expect_body_regex: a bad pattern is a config error with its line" 3 \
	"probe: $T/h.ini:3: expect_body_regex: invalid regular expression '(ok': unmatched ( or )" "" \
	"url = $BASE/body" "expect_body_regex = (ok"
# A status that fails, and what the body says why: a health body's status
# and its parts that are not up (Spring Boot, MicroProfile, ASP.NET), the
# expect_json lines, or with -v the start of any other body.
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
http_case "why: Spring Boot's health body" 1 \
	'unhealthy: http "app": HTTP 503, status "DOWN" (db: "DOWN", diskSpace: "OUT_OF_SERVICE")' "" \
	"url = $BASE/health/spring"
http_case "why: MicroProfile Health's" 1 \
	'unhealthy: http "app": HTTP 503, status "DOWN" (database: "DOWN")' "" \
	"url = $BASE/health/microprofile"
http_case "why: ASP.NET's" 1 \
	'unhealthy: http "app": HTTP 503, status "Unhealthy" (sql: "Unhealthy")' "" \
	"url = $BASE/health/aspnet"
http_case "why: expect_json on a failing body" 1 \
	'unhealthy: http "app": HTTP 503, /status is "DOWN", expected "UP"' "" \
	"url = $BASE/echo?s=503&b=$(enc '{"status":"DOWN"}')" 'expect_json = /status == "UP"'
http_case "why: any other body says nothing" 1 'unhealthy: http "app": HTTP 500' "" \
	"url = $BASE/echo?s=500&b=$(enc 'Traceback: <html> secret')"
printf '[http "app"]\nurl = %s\nheader = X-Token: t0ken\n' "$BASE/echo?s=500&b=$(enc $'line one\n\x01two "q"')" >"$T/why.ini"
run_probe -v -c "$T/why.ini"
expect_line "why: -v shows the body's first bytes, escaped" \
	'      GET *: HTTP 500 after 0 redirects, headers: X-Token: [redacted], body "line one\x0a\x01two \x22q\x22"'
[[ "$OUT" != *t0ken* ]] && pass "why: never a header's value" || fail "why: never a header's value" "$OUT"

# RE2's escapes, as in a blackbox_exporter module: the same verdicts in
# both builds (the probe's own matcher).
http_case "expect_body_regex: \\d+" 0 "healthy: *" "" \
	"url = $BASE/echo?b=Copyright%202015%20ACME" 'expect_body_regex = Copyright \d+'
http_case "expect_body_regex: \\d with no digit" 1 \
	"unhealthy: http \"app\": HTTP 200, body does not match '\\d'" "" \
	"url = $BASE/echo?b=no%20digit" 'expect_body_regex = \d'
http_case "expect_body_regex: blackbox_exporter's status line" 0 "healthy: *" "" \
	"url = $BASE/echo?b=%7B%22status%22%3A%20%22UP%22%7D" 'expect_body_regex = "status":\s*"UP"'
http_case "expect_body_regex: \\b" 1 "unhealthy: *" "" \
	"url = $BASE/echo?b=broken" 'expect_body_regex = \bok\b'
http_case "expect_body_regex: an unknown escape is a config error with its line" 3 \
	"probe: $T/h.ini:3: expect_body_regex: invalid regular expression '\\p{L}': unknown escape (use \\d \\D \\s \\S \\w \\W \\b \\B \\A \\z \\t \\n \\r \\f \\v \\xHH, or \\ before punctuation for itself)" "" \
	"url = $BASE/body" 'expect_body_regex = \p{L}'
http_case "expect_json: a bad one is a config error with its line" 3 \
	"probe: $T/h.ini:3: expect_json: 'UP' is not a JSON string, number, true, false or null (a string is quoted: \"UP\")" "" \
	"url = $BASE/body" "expect_json = /status == UP"
http_case "expect_json needs GET" 3 \
	"probe: $T/h.ini:1: expect_json needs method GET, not HEAD in [http \"app\"]" "" \
	"url = $BASE/body" "method = HEAD" 'expect_json = /status == "UP"'
run_probe --http "$UP" --http "$DOWN" --expect-json '/status == "UP"'
expect "--expect-json for every --http" 1 'unhealthy: http "*": HTTP 200, /status is "DOWN", expected "UP"'
run_probe --http "$UP" --expect-json '/status == "UP"' --expect-json '/checks/0/up == true'
expect "--expect-json twice" 0 "healthy: *"
run_probe --http "$BASE/body" --expect-body-regex 'w.rld[[:space:]]*$'
expect "--expect-body-regex" 0 "healthy: *"
http_case "unix socket" 0 "healthy: *" "" "url = http://localhost/ok" "unix_socket = $T/app.sock"
http_case "missing unix socket" 1 \
	"unhealthy: http \"app\": connect to unix socket $T/nope.sock: *" "" \
	"url = http://localhost/ok" "unix_socket = $T/nope.sock"

http_case "https with ca_file" 0 "healthy: *" "" "url = https://localhost:$TLS/ok" \
	"ca_file = $T/cert.pem"
http_case "https, untrusted certificate" 1 'unhealthy: http "app": *' "" \
	"url = https://localhost:$TLS/ok" "ca_file = $HELPERS/httpd.py"
http_case "https, tls_verify = no" 0 "healthy: *" "" "url = https://localhost:$TLS/ok" \
	"tls_verify = no"
http_case "https, name does not match" 1 'unhealthy: http "app": *' "" \
	"url = https://127.0.0.1:$TLS/ok" "ca_file = $T/cert.pem"
http_case "plain http to an https port" 1 'unhealthy: http "app": *' "" \
	"url = http://localhost:$TLS/ok"

ini silent <<EOT
[probe]
timeout = 500ms
[http "silent"]
url = http://127.0.0.1:$SILENT/
EOT
# libcurl's own timeout names the phase ("waiting for the response",
# "reading the response"); on a loaded machine the probe's kill at the
# deadline (20 ms later) can come first, without it: either is right.
run_probe -c "$T/silent.ini"
expect "server that accepts and never answers: deadline + 100ms" 1 \
	'unhealthy: http "silent": timed out after 500ms*' 600

run_probe -c "$T/silent.ini" -t 200ms
expect "-t overrides the deadline" 1 \
	'unhealthy: http "silent": timed out after 200ms*' 300

ini parallel <<EOT
[probe]
timeout = 2s
[http "a"]
url = $BASE/slow/400
[http "b"]
url = $BASE/slow/400
[http "c"]
url = $BASE/slow/400
EOT
run_probe -c "$T/parallel.ini"
expect "checks run at once: three 400ms checks take about 400ms" 0 \
	"healthy: 3 of 3 checks passed (all, *ms)" 700

ini tcp <<EOT
[tcp "open"]
address = 127.0.0.1:$P
probes = liveness
[tcp "closed"]
address = 127.0.0.1:1
probes = readiness
[tcp "v6"]
address = [::1]:1
probes = startup
EOT
run_probe -c "$T/tcp.ini" liveness
expect "tcp open port" 0 "healthy: 1 of 1 checks passed (liveness, *ms)"
expect_line "tcp reports the address" "ok    tcp       open  *  connected to 127.0.0.1:$P"
run_probe -c "$T/tcp.ini" readiness
expect "tcp closed port" 1 'unhealthy: tcp "closed": connect to 127.0.0.1:1: connection refused'
run_probe -c "$T/tcp.ini" startup
expect "tcp IPv6 closed port" 1 'unhealthy: tcp "v6": *'
