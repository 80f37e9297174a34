# test_cert.sh: [cert] checks on certificate files made here by openssl,
# with validity periods to the minute: valid for an hour, a day, 30
# days; expired; not yet valid; a chain whose intermediate expires first;
# the key and the CA; garbage and a missing file (sourced by run.sh).

CD=$T/certs-x509
mkdir -p "$CD/new"
: >"$CD/index.txt"
echo 1000 >"$CD/serial"
cat >"$CD/ca.cnf" <<EOT
[ca]
default_ca = probe_ca
[probe_ca]
database = $CD/index.txt
new_certs_dir = $CD/new
serial = $CD/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[leaf]
basicConstraints = CA:FALSE
subjectAltName = DNS:\${ENV::SAN}
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
EOT

# utc OFFSET: a date for openssl ca, OFFSET from now ("+1 hour", "-2 days").
utc() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

# mk NAME CN FROM TO [ISSUER] [ca_ext]: NAME.key and NAME.crt, valid from
# FROM to TO (date offsets), signed by ISSUER (NAME.crt/.key) or itself.
mk() {
	local name=$1 cn=$2 from=$3 to=$4 issuer=${5:-} ext=${6:-leaf}
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$CD/$name.key" -subj "/CN=$cn" -out "$CD/$name.csr" 2>/dev/null
	if [ -n "$issuer" ]; then
		SAN=$cn openssl ca -batch -notext -config "$CD/ca.cnf" -extensions "$ext" \
			-cert "$CD/$issuer.crt" -keyfile "$CD/$issuer.key" -in "$CD/$name.csr" \
			-startdate "$(utc "$from")" -enddate "$(utc "$to")" -out "$CD/$name.crt" 2>/dev/null
	else
		SAN=$cn openssl ca -batch -notext -config "$CD/ca.cnf" -extensions "$ext" -selfsign \
			-keyfile "$CD/$name.key" -in "$CD/$name.csr" \
			-startdate "$(utc "$from")" -enddate "$(utc "$to")" -out "$CD/$name.crt" 2>/dev/null
	fi
}
mk root "Probe Test Root" "-1 day" "+3650 days" "" ca_ext
mk inter "Probe Test Intermediate" "-1 day" "+2 days" root ca_ext
mk hour hour.example.com "-1 hour" "+61 minutes" root
mk day day.example.com "-1 hour" "+1 day +5 minutes" root
mk month app.example.com "-1 hour" "+30 days +5 minutes" root
mk expired old.example.com "-30 days" "-2 days -3 hours" root
mk future new.example.com "+3 hours" "+30 days" root
mk leaf leaf.example.com "-1 hour" "+60 days" inter
cat "$CD/leaf.crt" "$CD/inter.crt" >"$CD/chain.crt"
head -c 2000 /dev/urandom >"$CD/garbage.crt"
openssl x509 -in "$CD/month.crt" -outform der -out "$CD/month.der" 2>/dev/null

run_probe --cert "$CD/month.crt"
expect "cert: valid for 30 days" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "cert: says for how long" "ok    cert      $CD/month.crt *  certificate for app.example.com valid for 30d 0h (until * UTC)"
run_probe --cert "$CD/month.crt" --min-validity 14d
expect "cert: 30 days against min_validity 14d" 0 "healthy: 1 of 1 checks passed (all, *ms)"
run_probe --cert "$CD/month.der" --min-validity 14d
expect "cert: DER" 0 "healthy: 1 of 1 checks passed (all, *ms)"
run_probe --cert "$CD/day.crt" --min-validity 14d
expect "cert: 1 day against 14d: names it and when" 1 \
	"unhealthy: cert \"$CD/day.crt\": certificate for day.example.com expires in 1d 0h ($(date -u -d '+1 day +5 minutes' '+%Y-%m-%d %H:')* UTC)"
run_probe --cert "$CD/hour.crt" --min-validity 2h
expect "cert: 1 hour against 2h" 1 "unhealthy: cert \"$CD/hour.crt\": certificate for hour.example.com expires in 1h *m (* UTC)"
run_probe --cert "$CD/hour.crt" --min-validity 30m
expect "cert: 1 hour against 30m" 0 "healthy: 1 of 1 checks passed (all, *ms)"
run_probe --cert "$CD/expired.crt"
expect "cert: expired" 1 "unhealthy: cert \"$CD/expired.crt\": certificate for old.example.com expired 2d 3h ago (* UTC)"
run_probe --cert "$CD/future.crt"
expect "cert: not yet valid" 1 "unhealthy: cert \"$CD/future.crt\": certificate for new.example.com is not valid before * UTC (in *h *m)"
run_probe --cert "$CD/chain.crt" --min-validity 14d
expect "cert: a chain whose intermediate expires first: names the intermediate" 1 \
	"unhealthy: cert \"$CD/chain.crt\": certificate for Probe Test Intermediate expires in * (* UTC)"
run_probe --cert "$CD/chain.crt" --min-validity 1d
expect "cert: the same chain against 1d" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "cert: the chain's first expiry is reported" "ok    cert      * certificate for Probe Test Intermediate valid for * (until * UTC)"
run_probe --cert "$CD/garbage.crt"
expect "cert: a file of garbage" 1 "unhealthy: cert \"$CD/garbage.crt\": $CD/garbage.crt: no certificate in it (PEM or DER)"
run_probe --cert "$CD/missing.crt"
expect "cert: a missing file" 1 "unhealthy: cert \"$CD/missing.crt\": $CD/missing.crt: cannot open: no such file or directory (ENOENT)"

ini cert <<EOT
[cert "tls"]
path = $CD/chain.crt
key_file = $CD/leaf.key
ca_file = $CD/root.crt
min_validity = 1d
EOT
run_probe -c "$T/cert.ini"
expect "cert: key_file and ca_file" 0 "healthy: 1 of 1 checks passed (all, *ms)"
sed -i "s|^key_file = .*|key_file = $CD/month.key|" "$T/cert.ini"
run_probe -c "$T/cert.ini"
expect "cert: a mismatched key" 1 "unhealthy: cert \"tls\": $CD/month.key is not the key of the certificate for leaf.example.com"
sed -i "s|^key_file = .*|key_file = $CD/leaf.key|; s|^ca_file = .*|ca_file = $CD/month.crt|" "$T/cert.ini"
run_probe -c "$T/cert.ini"
expect "cert: another CA" 1 "unhealthy: cert \"tls\": the certificate for leaf.example.com does not chain to $CD/month.crt: *"
sed -i "s|^ca_file = .*|ca_file = $CD/garbage.crt|" "$T/cert.ini"
run_probe -c "$T/cert.ini"
expect "cert: a CA file of garbage" 1 "unhealthy: cert \"tls\": $CD/garbage.crt: no certificate in it (PEM or DER)"
sed -i "s|^ca_file = .*|ca_file = $CD/root.crt|; s|^key_file = .*|key_file = $CD/garbage.crt|" "$T/cert.ini"
run_probe -c "$T/cert.ini"
expect "cert: a key file of garbage" 1 "unhealthy: cert \"tls\": $CD/garbage.crt: no private key in it"

ini certbad <<EOT
[cert "tls"]
path = $CD/month.crt
min_validity = soon
EOT
run_probe --check-config -c "$T/certbad.ini"
expect "cert: a bad min_validity is a config error with file and line" 3 \
	"probe: $T/certbad.ini:3: min_validity: invalid period 'soon' (a number and a unit: 14d, 36h, 90m or 0)"
ini certnopath <<EOT
[cert "tls"]
min_validity = 1d
EOT
run_probe --check-config -c "$T/certnopath.ini"
expect "cert: path is required" 3 "probe: $T/certnopath.ini:1: missing required key 'path' in [cert \"tls\"]"

# probe serve: the first expiry of each cert check's file, once per check
# (not per kind), labelled with the certificate's name.
ini certserve <<EOT
[serve]
cache = 0
[cert "tls"]
path = $CD/chain.crt
[cert "month"]
path = $CD/month.crt
probes = readiness
EOT
serve_start "$T/certserve.ini"
wait_until grep -q "^probe: serving" "$T/serve.err"
get "cert: serve runs the checks" /livez 200 "healthy: 1 of 1 checks passed (liveness, *ms)"
get "cert: serve runs the checks of readiness" /readyz 200 "healthy: 2 of 2 checks passed (readiness, *ms)"
get "cert: /metrics" /metrics 200 "# HELP *"
want_inter=$(date -u -d "$(openssl x509 -in "$CD/inter.crt" -noout -enddate | cut -d= -f2)" +%s)
want_month=$(date -u -d "$(openssl x509 -in "$CD/month.crt" -noout -enddate | cut -d= -f2)" +%s)
expect_line "cert: /metrics: the chain's first expiry, its intermediate's" \
	"probe_cert_not_after_timestamp_seconds{check=\"tls\",subject=\"Probe Test Intermediate\"} $want_inter"
expect_line "cert: /metrics: the other check's" \
	"probe_cert_not_after_timestamp_seconds{check=\"month\",subject=\"app.example.com\"} $want_month"
n=$(grep -c '^probe_cert_not_after_timestamp_seconds{check="tls"' <<<"$OUT")
[ "$n" = 1 ] && pass "cert: /metrics: one series per check, not per kind" ||
	fail "cert: /metrics: one series per check" "$n series for tls"
serve_stop
