# test_grpc.sh: grpc checks against the gRPC project's own Node server and
# health service (tests/grpc/server.mjs: plaintext, TLS, mutual TLS, a Unix
# socket, no health service) and against hostile HTTP/2 peers. The same
# cases and lines run against both builds (sourced by run.sh).

grpc_peers
gport() { cat "$GP/$1"; }
GC=$T/certs

# grpc_case NAME RC FIRST_GLOB MAX_MS KEY=VALUE...: one grpc check "g".
grpc_case() {
	local name=$1 rc=$2 first=$3 max=$4
	shift 4
	{
		printf '[probe]\ntimeout = 500ms\n[grpc "g"]\n'
		printf '%s\n' "$@"
	} >"$T/grpc.ini"
	run_probe -c "$T/grpc.ini"
	expect "grpc: $name" "$rc" "$first" "$max"
}

OK="healthy: 1 of 1 checks passed (all, *ms)"
A="address = 127.0.0.1:$(gport plain)"
grpc_case "the whole server SERVING (h2c)" 0 "$OK" "" "$A"
grpc_case "IPv6" 0 "$OK" "" "address = [::1]:$(gport plain6)"
grpc_case "a Unix socket" 0 "$OK" "" "unix_socket = $GP/grpc.sock"
grpc_case "a service SERVING" 0 "$OK" "" "$A" "service = app"
grpc_case "NOT_SERVING" 1 'unhealthy: grpc "g": NOT_SERVING' "" "$A" "service = down"
grpc_case "UNKNOWN" 1 'unhealthy: grpc "g": UNKNOWN' "" "$A" "service = vague"
grpc_case "an unknown service" 1 \
	"unhealthy: grpc \"g\": SERVICE_UNKNOWN: the server does not know service 'nope'" "" \
	"$A" "service = nope"
grpc_case "a server without the health service" 1 \
	'unhealthy: grpc "g": UNIMPLEMENTED: the server has no health service' "" \
	"address = 127.0.0.1:$(gport nohealth)"
grpc_case "connection refused" 1 'unhealthy: grpc "g": connect to 127.0.0.1:1: connection refused' "" \
	"address = 127.0.0.1:1"
grpc_case "a missing Unix socket" 1 \
	"unhealthy: grpc \"g\": connect to unix socket $GP/none.sock: no such file or directory (ENOENT)" "" \
	"unix_socket = $GP/none.sock"

TA="address = 127.0.0.1:$(gport tls)"
grpc_case "TLS" 0 "$OK" "" "$TA" "tls = yes" "ca_file = $GC/ca.crt"
grpc_case "TLS, untrusted" 1 'unhealthy: grpc "g": certificate is not signed by a trusted CA' "" \
	"$TA" "tls = yes" "ca_file = $GC/ca2.crt"
grpc_case "TLS, tls_verify = no" 0 "$OK" "" "$TA" "tls = yes" "tls_verify = no"
grpc_case "TLS, server_name in the certificate" 0 "$OK" "" "$TA" "tls = yes" \
	"ca_file = $GC/ca.crt" "server_name = localhost"
grpc_case "TLS, server_name not in the certificate" 1 \
	'unhealthy: grpc "g": certificate is not valid for other.example' "" \
	"$TA" "tls = yes" "ca_file = $GC/ca.crt" "server_name = other.example"
grpc_case "TLS to a plaintext server" 1 \
	'unhealthy: grpc "g": TLS handshake failed (does the server speak TLS on this port?)' "" \
	"$A" "tls = yes" "ca_file = $GC/ca.crt"
grpc_case "plaintext to a TLS server" 1 \
	'unhealthy: grpc "g": HTTP/2 failed (is it a gRPC server? without tls, it must take HTTP/2 without upgrade)' "" \
	"$TA"
MA="address = 127.0.0.1:$(gport mtls)"
grpc_case "mutual TLS" 0 "$OK" "" "$MA" "tls = yes" "ca_file = $GC/ca.crt" \
	"cert_file = $GC/client.crt" "key_file = $GC/client.key"
grpc_case "mutual TLS, no client certificate" 1 \
	'unhealthy: grpc "g": the server ended the TLS connection before answering (does it require a client certificate? see cert_file)' "" \
	"$MA" "tls = yes" "ca_file = $GC/ca.crt"
grpc_case "mutual TLS, a certificate from another CA" 1 \
	'unhealthy: grpc "g": the server ended the TLS connection before answering (does it trust the client certificate?)' "" \
	"$MA" "tls = yes" "ca_file = $GC/ca.crt" "cert_file = $GC/client2.crt" "key_file = $GC/client2.key"
grpc_case "cert_min_validity = 1d" 0 "$OK" "" "address = 127.0.0.1:$(gport inter3)" \
	"tls = yes" "ca_file = $GC/ca.crt" "cert_min_validity = 1d"
grpc_case "cert_min_validity = 14d, a sent intermediate that ends in 3 days" 1 \
	"unhealthy: grpc \"g\": certificate for probe intermediate 3 expires in 2d 23h ($(date -u -d "$(openssl x509 -in "$GC/inter3.crt" -noout -enddate | cut -d= -f2)" '+%Y-%m-%d %H:%M UTC'))" "" \
	"address = 127.0.0.1:$(gport inter3)" "tls = yes" "ca_file = $GC/ca.crt" "cert_min_validity = 14d"
grpc_case "cert_min_validity, the client certificate" 1 \
	"unhealthy: grpc \"g\": cert_file: client certificate for probe client soon expires in 1d 23h *" "" \
	"$MA" "tls = yes" "ca_file = $GC/ca.crt" "cert_file = $GC/client-soon.crt" \
	"key_file = $GC/client-soon.key" "cert_min_validity = 14d"
printf '[grpc "g"]\n%s\ncert_min_validity = 14d\n' "$A" >"$T/grpcbad.ini"
run_probe -c "$T/grpcbad.ini"
expect "grpc: cert_min_validity without tls is a config error" 3 \
	"probe: $T/grpcbad.ini:3: cert_min_validity needs tls = yes (without it the check uses no TLS and ignores the key) in [grpc \"g\"]"
for key in "ca_file = $GC/ca.crt" "tls_verify = no" "server_name = localhost" "tls_min_version = 1.3"; do
	printf '[grpc "g"]\n%s\n%s\n' "$A" "$key" >"$T/grpcbad.ini"
	run_probe -c "$T/grpcbad.ini"
	expect "grpc: ${key%% *} without tls is a config error at its line" 3 \
		"probe: $T/grpcbad.ini:3: ${key%% *} needs tls = yes (without it the check uses no TLS and ignores the key) in [grpc \"g\"]"
done

AA="address = 127.0.0.1:$(gport auth)"
grpc_case "metadata sent" 0 "$OK" "" "$AA" "header = authorization: Bearer T0KEN"
grpc_case "metadata missing: grpc-status and grpc-message" 1 \
	'unhealthy: grpc "g": grpc-status 16 (UNAUTHENTICATED): missing or wrong token' "" "$AA"
run_probe -v -c "$T/grpc.ini"
grpc_case "metadata with an empty value is sent empty" 0 "$OK" "" \
	"address = 127.0.0.1:$(gport tenant)" "header = x-tenant:"
TENANT= grpc_case "metadata with an empty value from \${VAR:-}" 0 "$OK" "" \
	"address = 127.0.0.1:$(gport tenant)" 'header = x-tenant: ${TENANT:-}'
printf '[grpc "g"]\n%s\nheader = authorization: Bearer T0KEN\n' "$AA" >"$T/grpc.ini"
run_probe -v -o json -c "$T/grpc.ini"
[[ "$OUT$ERR" != *T0KEN* ]] && pass "grpc: metadata secrets never printed" ||
	fail "grpc: metadata secrets never printed" "found"
run_probe -v -c "$T/grpc.ini"
expect_line "grpc: -v shows the call, the secret redacted" \
	"      Check(\"\") at http://127.0.0.1:$(gport auth)/grpc.health.v1.Health/Check over h2c, headers: authorization: [redacted]"

# Hostile peers: the right verdict within the deadline, in bounded memory.
hostile_grpc() {
	grpc_case "$1" 1 "unhealthy: grpc \"g\": $3" 700 "address = 127.0.0.1:$(gport "$2")"
	expect_rss "grpc: $1" -c "$T/grpc.ini"
}
# (Under qemu-user libcurl may not reach its own timeout before the probe
# kills the check at the deadline: "timed out after 500ms" either way.)
hostile_grpc "a server that never answers" silent "timed out after 500ms*"
hostile_grpc "a stream reset before the answer" reset "the server reset the HTTP/2 stream before answering"
grpc_case "a clean reset without an answer: asked once more" 0 'healthy: 1 of 1 checks passed (all, *ms)' 700 \
	"address = 127.0.0.1:$(gport resetonce)"
hostile_grpc "no trailers" notrailers "no grpc-status in the response (no trailers)"
hostile_grpc "a 10 MB response" huge "response larger than 4096 bytes (not a health response)"
hostile_grpc "a garbled message" badmsg "malformed response: not a HealthCheckResponse (bad protobuf)"
hostile_grpc "an HTTP/1 server" http1 \
	"HTTP/2 failed (is it a gRPC server? without tls, it must take HTTP/2 without upgrade)"
hostile_grpc "garbage bytes" garbage \
	"HTTP/2 failed (is it a gRPC server? without tls, it must take HTTP/2 without upgrade)"

# Config, inline, --check-config.
run_probe --grpc "127.0.0.1:$(gport plain)"
expect "grpc: --grpc HOST:PORT" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "grpc: an inline check is named after its address" "ok    grpc      127.0.0.1:$(gport plain)*SERVING"
run_probe --grpc x
expect "grpc: --grpc with a bad address" 3 "probe: --grpc: invalid address 'x' (use HOST:PORT or [IPV6]:PORT)"
printf '[grpc "g"]\nservice = app\n' >"$T/grpcbad.ini"
run_probe -c "$T/grpcbad.ini"
expect "grpc: no address" 3 "probe: $T/grpcbad.ini:1: missing required key 'address' (or unix_socket) in [grpc \"g\"]"
printf '[grpc "g"]\n%s\nunix_socket = /run/x.sock\n' "$A" >"$T/grpcbad.ini"
run_probe -c "$T/grpcbad.ini"
expect "grpc: address and unix_socket" 3 "probe: $T/grpcbad.ini:2: address and unix_socket: use one of them in [grpc \"g\"]"
printf '[grpc "g"]\n%s\ntls = yes\nca_file = %s\n' "$A" "$T/none.pem" >"$T/grpcbad.ini"
run_probe -c "$T/grpcbad.ini" --check-config
expect "grpc: --check-config names a missing ca_file" 3 \
	"probe: $T/grpcbad.ini:4: ca_file: $T/none.pem: cannot open: no such file or directory (ENOENT)"
run_probe -c "$T/grpcbad.ini"
expect "grpc: a missing ca_file at run time" 1 \
	"unhealthy: grpc \"g\": ca_file: $T/none.pem: cannot open: no such file or directory (ENOENT)"
