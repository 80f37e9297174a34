#!/bin/sh
# guest.sh: /init of the test VM (tests/vm/run.sh). Runs a real subset of
# the suite against /probe on the guest's own kernel, with the sandbox on
# (seccomp and Landlock of this architecture), prints "ok - ..." and
# "FAIL - ..." lines and "N passed, N failed", then powers the VM off.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm	# as a container has it
ip link set lo up
exec >/dev/console 2>&1

passed=0
failed=0
skipped=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1: $2"; }
skip() { skipped=$((skipped + 1)); echo "skip - $1: $2"; }

# expect NAME RC FIRST_LINE_PATTERN ARGS...: run /probe ARGS; the exit
# code and the first line (a shell pattern) must match.
expect() {
	name=$1 rc=$2 want=$3
	shift 3
	"$PROBE" "$@" >/tmp/out 2>&1
	got=$?
	first=$(head -n 1 /tmp/out)
	# shellcheck disable=SC2254
	case $first in
	$want) [ "$got" = "$rc" ] && pass "$name" || fail "$name" "exit $got, expected $rc: $first" ;;
	*) fail "$name" "exit $got, first line '$first', expected '$want'" ;;
	esac
}

# within_deadline NAME ARGS...: /probe -o json ARGS is unhealthy with a
# 500 ms timeout in its report, and the whole run took 500 to 700 ms
# (the deadline, plus 200 ms for TCG).
within_deadline() {
	name=$1
	shift
	"$PROBE" -o json "$@" >/tmp/out 2>&1
	ms=$(sed -n 's/^{"version": 1, "kind": "all", "healthy": false, "duration_ms": \([0-9]*\).*"message": "timed out after 500ms.*/\1/p' /tmp/out)
	if [ -n "$ms" ] && [ "$ms" -ge 500 ] && [ "$ms" -le 700 ]; then
		pass "$name: the run ended in ${ms}ms (500ms + 200ms for TCG)"
	else fail "$name: run time" "${ms:-?}ms: $(cat /tmp/out)"; fi
}

# line NAME PATTERN: some line of the last run's output matches.
line() {
	if grep -q "$2" /tmp/out; then pass "$1"; else fail "$1" "no line matches '$2': $(cat /tmp/out)"; fi
}

PROBE=/probe
echo "# probe on $(uname -m), Linux $(uname -r)"
mkdir -p /www /mnt/vol /mnt/plain /mnt/ro /data
echo ok >/www/ok
httpd -p 127.0.0.1:8080 -h /www
# A server that accepts and never answers: a CGI that sleeps.
mkdir -p /silent/cgi-bin
printf '#!/bin/sh\nsleep 3600\n' >/silent/cgi-bin/hang
chmod 755 /silent/cgi-bin/hang
httpd -p 127.0.0.1:9999 -h /silent
sleep 1

expect "http: healthy" 0 "healthy: 1 of 1 checks passed (all, *ms)" -v --http http://127.0.0.1:8080/ok
line "http: -v says what confines the check" "^sandbox: seccomp and Landlock (ABI [0-9]*)$"
sed -n 's/^sandbox: /# sandbox here: /p' /tmp/out
expect "http: 404" 1 'unhealthy: http "127.0.0.1:8080/nope": HTTP 404' --http http://127.0.0.1:8080/nope
# A name, through libcurl's resolver thread and musl's lookup in the hosts
# file, 20 times: a lost wake-up between the two would show as a timeout.
echo "127.0.0.1 localhost app.vm.test" >/etc/hosts
n=0
for i in $(seq 20); do
	"$PROBE" -t 2s --http http://app.vm.test:8080/ok >/tmp/out 2>&1 && n=$((n + 1))
done
[ "$n" = 20 ] && pass "names: a name from /etc/hosts, 20 runs" ||
	fail "names: a name from /etc/hosts" "$n of 20 healthy: $(head -n 1 /tmp/out)"
expect "tcp: healthy" 0 "healthy: *" --tcp 127.0.0.1:8080
expect "tcp: refused" 1 'unhealthy: tcp "127.0.0.1:1": connect to 127.0.0.1:1: connection refused' --tcp 127.0.0.1:1
expect "tcp: send and expect, in its sandbox" 0 "healthy: *" --tcp 127.0.0.1:8080 \
	--send 'GET /ok HTTP/1.0\r' --send '\r' --expect '^HTTP/1\.[01] 200'
expect "tcp: an expect that fails" 1 'unhealthy: tcp "127.0.0.1:8080": expected /^nothing/*' --tcp 127.0.0.1:8080 \
	--send 'GET /ok HTTP/1.0\r' --send '\r' --expect '^nothing'
SILENT=http://127.0.0.1:9999/cgi-bin/hang
expect "deadline: a server that never answers" 1 \
	'unhealthy: http "127.0.0.1:9999/cgi-bin/hang": timed out after 500ms*' -t 500ms --http $SILENT
within_deadline "deadline" -t 500ms --http $SILENT

mount -t tmpfs -o size=1m vol /mnt/vol
mount -t tmpfs -o ro ro /mnt/ro
expect "mount: a tmpfs mount point" 0 "healthy: *" -v --mount /mnt/vol
line "mount: described" "/mnt/vol: tmpfs from vol, rw"
line "mount: found by the kernel's mount id" "(found by statx mount id)"
expect "mount: /proc" 0 "healthy: *" --mount /proc
expect "mount: a plain directory" 1 'unhealthy: mount "/mnt/plain": /mnt/plain is not a mount point (it is on /, *' --mount /mnt/plain
expect "writable: tmpfs" 0 "healthy: *" --writable /mnt/vol
expect "writable: read-only" 1 'unhealthy: writable "/mnt/ro": /mnt/ro: cannot create a file: read-only file system (EROFS)' --writable /mnt/ro
expect "all four at once" 0 "healthy: 4 of 4 checks passed (all, *ms)" \
	--http http://127.0.0.1:8080/ok --tcp 127.0.0.1:8080 --mount /mnt/vol --writable /mnt/vol

printf '[cert "tls"]\npath = /certs/c.crt\nkey_file = /certs/c.key\nca_file = /certs/c.crt\nmin_validity = 14d\n' >/tmp/cert.ini
expect "cert: valid, its key, its CA" 0 "healthy: 1 of 1 checks passed (all, *ms)" -c /tmp/cert.ini
expect "cert: under min_validity" 1 'unhealthy: cert "/certs/c.crt": certificate for vm.test expires in *' --cert /certs/c.crt --min-validity 60d
sed -i 's|^key_file = .*|key_file = /certs/other.key|' /tmp/cert.ini
expect "cert: another key" 1 'unhealthy: cert "tls": /certs/other.key is not the key of the certificate for vm.test' -c /tmp/cert.ini

/probe serve -l 127.0.0.1:8099 --http http://127.0.0.1:8080/ok 2>/tmp/serve.err &
serve=$!
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q "^probe: serving" /tmp/serve.err && break; sleep 1; done
if wget -q -O /tmp/out http://127.0.0.1:8099/livez && grep -q "^healthy: 1 of 1" /tmp/out; then
	pass "serve: /livez"
else
	fail "serve: /livez" "$(cat /tmp/serve.err /tmp/out 2>/dev/null)"
fi
kill "$serve"
expect "wait: until the port answers" 0 "ready after *" wait -q -t 10s --tcp 127.0.0.1:8080

# The escape attempts of the test build (tests/sandbox/escapes.txt): one
# run of a check of each type per attempt, each type's line as the table
# says, with Landlock on and off.
if [ -x /probe-hooks ]; then
	printf 'root:x:0:0::/:/bin/sh\n' >/etc/passwd
	chmod 777 /data
	types="http tcp mount writable cert"
	{
		printf '[http "http"]\nurl = http://127.0.0.1:8080/ok\n'
		printf '[tcp "tcp"]\naddress = 127.0.0.1:8080\n'
		printf '[mount "mount"]\npath = /proc\n'
		printf '[writable "writable"]\npath = /data\n'
		printf '[cert "cert"]\npath = /certs/c.crt\n'
	} >/tmp/all.ini
	tab=$(printf '\t')
	abi=$(/probe -v --tcp 127.0.0.1:8080 | sed -n 's/^sandbox: .*Landlock (ABI \([0-9]*\)).*/\1/p')
	abi=${abi:-0}
	for ll in on off; do
		while IFS="$tab" read -r what rowll rowtypes want; do
			case $what in '' | '#'*) continue ;; esac
			case $rowll in
			"*" | "$ll") ;;
			net) [ "$ll" = on ] && [ "$abi" -ge 4 ] || continue ;;
			nonet) [ "$ll" = off ] || [ "$abi" -lt 4 ] || continue ;;
			*) continue ;;
			esac
			PROBE_TEST_ESCAPE=$what PROBE_TEST_LANDLOCK=$ll PROBE_TEST_PORT=9999 \
				/probe-hooks -c /tmp/all.ini >/tmp/out 2>&1
			for t in $types; do
				case " $rowtypes " in *" $t "* | " * ") ;; *) continue ;; esac
				msg=$(sed -n "s/^FAIL  [a-z]* *$t  *[0-9.]*ms  //p" /tmp/out)
				# shellcheck disable=SC2254
				case $msg in
				$want) pass "sandbox (Landlock $ll): $t: $what" ;;
				*) fail "sandbox (Landlock $ll): $t: $what" "'$msg', expected '$want'" ;;
				esac
			done
		done </escapes.txt
	done
else
	skip "sandbox: escape attempts" "no test build in the image"
fi
skip "grpc" "no gRPC server runs in the guest (tested natively against grpc-js)"

# A hung filesystem, as on a dead NFS server: a FUSE mount whose
# connection a sleeping process holds open and never reads, so the
# kernel's INIT goes unanswered and every call on the mount but mount
# itself waits. Killing that process ends the connection (ENOTCONN).
[ -e /dev/fuse ] || insmod /fuse.ko 2>/dev/null
mkdir -p /mnt/hung
sh -c 'mount -t fuse -o fd=3,rootmode=40000,user_id=0,group_id=0 hung /mnt/hung &&
	exec sleep 3600' 3<>/dev/fuse 2>/tmp/fuse.err &
holder=$!
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q " /mnt/hung " /proc/self/mountinfo && break; sleep 0.2; done
if grep -q " /mnt/hung " /proc/self/mountinfo; then
	printf '[probe]\ntimeout = 500ms\n[mount "m"]\npath = /mnt/hung\n[writable "w"]\npath = /mnt/hung\n[http "app"]\nurl = http://127.0.0.1:8080/ok\n' >/tmp/hung.ini
	expect "hung filesystem: the mount check times out" 1 \
		'unhealthy: mount "m": timed out after 500ms (no answer from the filesystem at /mnt/hung)' -c /tmp/hung.ini
	line "hung filesystem: the writable check too" "^FAIL  writable  w .*timed out after 500ms (no answer from the filesystem at /mnt/hung)"
	line "hung filesystem: the other checks still report" "^ok    http      app .*HTTP 200"
	within_deadline "hung filesystem" -c /tmp/hung.ini
	kill "$holder"
	sleep 0.5
	expect "dead filesystem (its server gone): ENOTCONN" 1 \
		'unhealthy: mount "m": /mnt/hung*: * (ENOTCONN)' -c /tmp/hung.ini
	umount -l /mnt/hung 2>/dev/null
else
	fail "hung filesystem" "no FUSE mount: $(cat /tmp/fuse.err)"
	kill "$holder" 2>/dev/null
fi

echo "$passed passed, $failed failed, $skipped skipped"
echo "vm-test: done"
poweroff -f
