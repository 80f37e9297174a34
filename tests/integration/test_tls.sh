# test_tls.sh: how certificates are judged, against real TLS servers on
# loopback with certificates made here by openssl (tests/helpers/mkcerts.sh,
# tests/helpers/tlsd.py). The same cases and the same expected lines run
# against the dynamic build (OpenSSL) and the static one (mbedTLS): both
# must give the same verdict in the same words (sourced by run.sh).

C=$T/certs
mkdir -p "$C" "$T/tlsports"
"$HELPERS/mkcerts.sh" "$C" >/dev/null 2>&1 || fail "mkcerts.sh" "could not make the certificates"
python3 "$HELPERS/tlsd.py" "$C" "$T/tlsports" &
PIDS+=($!)
wait_until test -e "$T/tlsports/ready"
tport() { cat "$T/tlsports/$1"; }

# tls_case NAME RC FIRST_GLOB URL KEY=VALUE...: one http check "a".
tls_case() {
	local name=$1 rc=$2 first=$3 url=$4
	shift 4
	{
		echo '[http "a"]'
		echo "url = $url"
		printf '%s\n' "$@"
	} >"$T/tls.ini"
	run_until "$first" -c "$T/tls.ini"
	expect "tls: $name" "$rc" "$first"
}

CA="ca_file = $C/ca.crt"
OK="healthy: 1 of 1 checks passed (all, *ms)"
# server_name: ask for (and verify) one name, connect where the URL says.
tls_case "server_name: a certificate for another name" 0 "$OK" \
	"https://127.0.0.1:$(tport cnonly)/" "$CA" "server_name = localhost"
tls_case "server_name: not the certificate's name" 1 \
	'unhealthy: http "a": certificate is not valid for other.example' \
	"https://127.0.0.1:$(tport cnonly)/" "$CA" "server_name = other.example"
tls_case "server_name with an http:// URL is a config error" 3 \
	"probe: $T/tls.ini:3: server_name needs an https:// URL (without it the check uses no TLS and ignores the key) in [http \"a\"]" \
	"http://127.0.0.1:$(tport cnonly)/" "server_name = localhost"
# TLS on the command line: the same keys, for each check that takes them.
run_probe --http "https://127.0.0.1:$(tport cnonly)/" --ca-file "$C/ca.crt" --server-name localhost
expect "tls: --ca-file and --server-name" 0 "$OK"
run_probe --http "https://127.0.0.1:$(tport self)/" --tls-verify no
expect "tls: --tls-verify no" 0 "$OK"
run_probe --http "https://127.0.0.1:$(tport self)/"
expect "tls: ... which is needed" 1 'unhealthy: http "https://127.0.0.1:*": certificate is not signed by a trusted CA'
run_probe --mount / --ca-file "$C/ca.crt"
expect "tls: --ca-file with no check that takes it" 3 \
	"probe: --ca-file applies to the command line's checks that take ca_file: add --http, --tcp, --grpc, --cert"
run_probe --tcp 127.0.0.1:1 --ca-file "$C/ca.crt"
expect "tls: --ca-file on a --tcp without --tls yes" 3 \
	"probe: --tcp: ca_file needs tls = yes (without it the check uses no TLS and ignores the key)"
tls_case "IPv4 address in an iPAddress SAN" 0 "$OK" "https://127.0.0.1:$(tport ip)/" "$CA"
tls_case "IPv6 address in an iPAddress SAN" 0 "$OK" "https://[::1]:$(tport ip6)/" "$CA"
tls_case "DNS SAN" 0 "$OK" "https://localhost:$(tport ip)/" "$CA"
tls_case "legacy certificate with a CN only" 0 "$OK" "https://localhost:$(tport cnonly)/" "$CA"
tls_case "intermediate sent by the server" 0 "$OK" "https://127.0.0.1:$(tport chain)/" "$CA"
# TLS 1.2 only, RSA certificate: the server signs its key exchange with
# RSA-PSS, which mbedTLS 3.6.6 refused (scripts/patches/mbedtls).
tls_case "TLS 1.2 only, RSA certificate" 0 "$OK" "https://127.0.0.1:$(tport tls12rsa)/" "$CA"
# A healthy server that offers only DHE-RSA key exchanges (TLS 1.2): the
# static build's trimmed mbedTLS must still reach it.
tls_case "a server with DHE-RSA only" 0 "$OK" "https://127.0.0.1:$(tport dhe)/" "$CA"

# name URL: the failing cases, each also with tls_verify = no.
while read -r name port host msg; do
	url="https://$host:$(tport "$port")/"
	ca=("$CA")
	[ "$port" = self ] && ca=()
	tls_case "${name//_/ }" 1 "unhealthy: http \"a\": ${msg//_/ }" "$url" "${ca[@]}"
	tls_case "${name//_/ }, tls_verify = no" 0 "$OK" "$url" "${ca[@]}" "tls_verify = no"
done <<'EOT'
a_name_that_matches_nothing other 127.0.0.1 certificate_is_not_valid_for_127.0.0.1
IPv4_address_not_in_the_certificate ip2 127.0.0.2 certificate_is_not_valid_for_127.0.0.2
expired expired 127.0.0.1 certificate_for_127.0.0.1_expired_*_ago_(2020-02-01_00:00_UTC)
not_yet_valid future 127.0.0.1 certificate_for_127.0.0.1_is_not_valid_before_2099-01-01_00:00_UTC_(in_*)
self-signed,_no_ca_file self 127.0.0.1 certificate_is_not_signed_by_a_trusted_CA
signed_by_another_CA foreign 127.0.0.1 certificate_is_not_signed_by_a_trusted_CA
chain_missing_its_intermediate nochain 127.0.0.1 certificate_is_not_signed_by_a_trusted_CA
EOT

if [ -n "${PROBE_TEST_NS:-}" ]; then
	# A wildcard name needs a resolvable host: a hosts file of our own,
	# bind-mounted in this private mount namespace.
	{ cat /etc/hosts; echo "127.0.0.1 app.probe.test"; } >"$T/hosts"
	mount --bind "$T/hosts" /etc/hosts
	TRIES=$NAME_TRIES tls_case "wildcard SAN" 0 "$OK" "https://app.probe.test:$(tport wild)/" "$CA"
	tls_case "wildcard SAN, name outside it" 1 \
		'unhealthy: http "a": certificate is not valid for 127.0.0.1' \
		"https://127.0.0.1:$(tport wild)/" "$CA"
	umount /etc/hosts
	# No CA bundle where libcurl looks for it (a scratch image without
	# one): both builds say so, and name the way out.
	mkdir -p "$T/nocerts"
	mount --bind "$T/nocerts" /etc/ssl/certs
	tls_case "no CA bundle and no ca_file" 1 \
		'unhealthy: http "a": CA bundle: /etc/ssl/certs/ca-certificates.crt: cannot open: no such file or directory (ENOENT) (set ca_file)' \
		"https://127.0.0.1:$(tport ip)/"
	tls_case "no CA bundle, with ca_file" 0 "$OK" "https://127.0.0.1:$(tport ip)/" "$CA"
	umount /etc/ssl/certs
else
	skip "tls: wildcard SAN" "needs root to bind-mount a hosts file"
fi

U="https://127.0.0.1:$(tport ip)/"
tls_case "missing ca_file" 1 "unhealthy: http \"a\": ca_file: $T/none.pem: cannot open: no such file or directory (ENOENT)" \
	"$U" "ca_file = $T/none.pem"
tls_case "ca_file that is not PEM" 1 "unhealthy: http \"a\": ca_file: $C/notpem.crt is not a PEM certificate file" \
	"$U" "ca_file = $C/notpem.crt"
tls_case "a missing ca_file does not matter with tls_verify = no" 0 "$OK" \
	"$U" "ca_file = $T/none.pem" "tls_verify = no"
cp "$C/ca.crt" "$T/ca-unreadable.crt"
chmod 000 "$T/ca-unreadable.crt"
RUN_AS=(setpriv --reuid 65532 --regid 65532 --clear-groups)
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$C"
	tls_case "unreadable ca_file (uid 65532)" 1 \
		"unhealthy: http \"a\": ca_file: $T/ca-unreadable.crt: cannot open: permission denied (EACCES)" \
		"$U" "ca_file = $T/ca-unreadable.crt"
else
	skip "tls: unreadable ca_file" "needs root to run as another user"
fi
RUN_AS=()

# --check-config: the files must be there now; at run time (above) the same
# problem is a failed check, as a Secret may be mounted later.
printf '[http "a"]\nurl = %s\nca_file = %s\n' "$U" "$T/none.pem" >"$T/tlscc.ini"
run_probe -c "$T/tlscc.ini" --check-config
expect "tls: --check-config names a missing ca_file and its line" 3 \
	"probe: $T/tlscc.ini:3: ca_file: $T/none.pem: cannot open: no such file or directory (ENOENT)"
printf '[http "a"]\nurl = %s\ncert_file = %s\nkey_file = %s\n' "$U" "$C/client.crt" "$C/ca.crt" >"$T/tlscc.ini"
run_probe -c "$T/tlscc.ini" --check-config
expect "tls: --check-config: a key_file with no key" 3 \
	"probe: $T/tlscc.ini:4: key_file: $C/ca.crt is not a PEM private key file"
printf '[http "a"]\nurl = %s\ncert_file = %s\nkey_file = %s\n' "$U" "$T/none.crt" "$C/client.key" >"$T/tlscc.ini"
run_probe -c "$T/tlscc.ini" --check-config
expect "tls: --check-config: a missing cert_file" 3 \
	"probe: $T/tlscc.ini:3: cert_file: $T/none.crt: cannot open: no such file or directory (ENOENT)"
printf '[http "a"]\nurl = %s\ncert_file = %s\n' "$U" "$C/client.crt" >"$T/tlscc.ini"
run_probe -c "$T/tlscc.ini"
expect "tls: cert_file without key_file" 3 \
	"probe: $T/tlscc.ini:3: cert_file needs key_file too (a client certificate and its key) in [http \"a\"]"
printf '[http "a"]\nurl = %s\ntls_min_version = 1.1\n' "$U" >"$T/tlscc.ini"
run_probe -c "$T/tlscc.ini"
expect "tls: tls_min_version 1.1 is refused" 3 \
	"probe: $T/tlscc.ini:3: tls_min_version: invalid TLS version '1.1' (use 1.2 or 1.3)"

# Mutual TLS, with TLS 1.3 (the refusal comes after the handshake) and 1.2.
for m in mtls mtls12; do
	M="https://127.0.0.1:$(tport $m)/"
	tls_case "$m: the right client certificate" 0 "$OK" "$M" "$CA" \
		"cert_file = $C/client.crt" "key_file = $C/client.key"
	tls_case "$m: no client certificate" 1 \
		'unhealthy: http "a": the server ended the TLS connection before answering (does it require a client certificate? see cert_file)' \
		"$M" "$CA"
	tls_case "$m: a client certificate from another CA" 1 \
		'unhealthy: http "a": the server ended the TLS connection before answering (does it trust the client certificate?)' \
		"$M" "$CA" "cert_file = $C/client2.crt" "key_file = $C/client2.key"
done
KEYTEXT=$(sed -n 2p "$C/client.key")
printf '[http "a"]\nurl = https://127.0.0.1:%s/\n%s\ncert_file = %s\nkey_file = %s\n' \
	"$(tport mtls)" "$CA" "$C/client.crt" "$C/client.key" >"$T/mtls.ini"
run_probe -v -o json -c "$T/mtls.ini"
[[ "$OUT$ERR" != *"$KEYTEXT"* ]] && pass "tls: the key is never printed" ||
	fail "tls: the key is never printed" "found"
tls_case "a missing key_file at run time" 1 \
	"unhealthy: http \"a\": key_file: $T/none.key: cannot open: no such file or directory (ENOENT)" \
	"https://127.0.0.1:$(tport mtls)/" "$CA" "cert_file = $C/client.crt" "key_file = $T/none.key"

tls_case "tls_min_version = 1.3 against TLS 1.3" 0 "$OK" "https://127.0.0.1:$(tport tls13)/" "$CA" \
	"tls_min_version = 1.3"
tls_case "tls_min_version = 1.3 against a TLS 1.2 server" 1 \
	'unhealthy: http "a": the server ended the TLS connection before answering (does it speak TLS 1.3? tls_min_version is 1.3)' \
	"https://127.0.0.1:$(tport tls12)/" "$CA" "tls_min_version = 1.3"
tls_case "tls_min_version = 1.2 (the default) against a TLS 1.2 server" 0 "$OK" \
	"https://127.0.0.1:$(tport tls12)/" "$CA" "tls_min_version = 1.2"
tls_case "a TLS 1.3 server by default" 0 "$OK" "https://127.0.0.1:$(tport tls13)/" "$CA"

# cert_min_validity: every certificate the server sent, and cert_file, must
# stay valid that long; the message names the certificate and its end.
end_of() { date -u -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" '+%Y-%m-%d %H:%M UTC'; }
tls_case "cert_min_validity = 14d, valid until 2099" 0 "$OK" \
	"https://127.0.0.1:$(tport ip)/" "$CA" "cert_min_validity = 14d"
tls_case "cert_min_validity = 14d, a certificate that ends in a day" 1 \
	"unhealthy: http \"a\": certificate for 127.0.0.1 expires in 23h *m ($(end_of "$C/soon.crt"))" \
	"https://127.0.0.1:$(tport soon)/" "$CA" "cert_min_validity = 14d"
tls_case "cert_min_validity = 1h, a certificate that ends in a day" 0 "$OK" \
	"https://127.0.0.1:$(tport soon)/" "$CA" "cert_min_validity = 1h"
tls_case "cert_min_validity: a sent intermediate that ends first" 1 \
	"unhealthy: http \"a\": certificate for probe intermediate 3 expires in 2d 23h ($(end_of "$C/inter3.crt"))" \
	"https://127.0.0.1:$(tport inter3)/" "$CA" "cert_min_validity = 14d"
tls_case "cert_min_validity: an expired certificate, tls_verify = no" 1 \
	"unhealthy: http \"a\": certificate for 127.0.0.1 expired *d *h ago (2020-02-01 00:00 UTC)" \
	"https://127.0.0.1:$(tport expired)/" "tls_verify = no" "cert_min_validity = 1d"
tls_case "cert_min_validity: a certificate not valid yet, tls_verify = no" 1 \
	"unhealthy: http \"a\": certificate for 127.0.0.1 is not valid before 2099-01-01 00:00 UTC (in *d *h)" \
	"https://127.0.0.1:$(tport future)/" "tls_verify = no" "cert_min_validity = 1d"
tls_case "cert_min_validity: the client certificate ends in 2 days" 1 \
	"unhealthy: http \"a\": cert_file: client certificate for probe client soon expires in 1d 23h ($(end_of "$C/client-soon.crt"))" \
	"https://127.0.0.1:$(tport mtls)/" "$CA" "cert_file = $C/client-soon.crt" \
	"key_file = $C/client-soon.key" "cert_min_validity = 14d"
tls_case "cert_min_validity: the client certificate, 1d is enough" 0 "$OK" \
	"https://127.0.0.1:$(tport mtls)/" "$CA" "cert_file = $C/client-soon.crt" \
	"key_file = $C/client-soon.key" "cert_min_validity = 1d"
printf '[http "a"]\nurl = https://127.0.0.1:%s/\n%s\ncert_min_validity = 30d\n' \
	"$(tport ip)" "$CA" >"$T/tlsv.ini"
run_probe -v -c "$T/tlsv.ini"
expect_line "tls: cert_min_validity: -v says how long the server's certificate stays valid" \
	"*GET https://127.0.0.1:$(tport ip)/: HTTP 200 after 0 redirects; certificate for 127.0.0.1 valid for *d *h (until 2099-12-31 00:00 UTC)"
printf '[http "a"]\nurl = %s\ncert_min_validity = 14d\n' "$BASE/health" >"$T/tlsv.ini"
run_probe -c "$T/tlsv.ini"
expect "tls: cert_min_validity on an http:// URL is a config error" 3 \
	"probe: $T/tlsv.ini:3: cert_min_validity needs an https:// URL in [http \"a\"]"
printf '[http "a"]\nurl = https://127.0.0.1:1/\ncert_min_validity = 2 weeks\n' >"$T/tlsv.ini"
run_probe -c "$T/tlsv.ini"
expect "tls: a bad cert_min_validity names its line" 3 \
	"probe: $T/tlsv.ini:3: cert_min_validity: *"

# probe serve: the first expiry of the chain the server sent.
ini tlsserve <<EOT
[serve]
cache = 0
[http "app"]
url = https://127.0.0.1:$(tport inter3)/
$CA
cert_min_validity = 1d
EOT
serve_start "$T/tlsserve.ini"
wait_until grep -q "^probe: serving" "$T/serve.err"
get "tls: serve runs the https check" /livez 200 "healthy: 1 of 1 checks passed (liveness, *ms)"
get "tls: /metrics" /metrics 200 "# HELP *"
want=$(date -u -d "$(openssl x509 -in "$C/inter3.crt" -noout -enddate | cut -d= -f2)" +%s)
expect_line "tls: /metrics: the sent chain's first expiry, its intermediate's" \
	"probe_cert_not_after_timestamp_seconds{check=\"app\",subject=\"probe intermediate 3\"} $want"
serve_stop
