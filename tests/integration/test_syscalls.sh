# test_syscalls.sh: what a check's process calls inside its sandbox, for
# every way a check can go (success, errors, trailing slashes, symlinks,
# IPv6, names from /etc/hosts and from a DNS server, TLS set-up, redirects,
# a Unix socket, read-only and full filesystems), recorded with strace -f
# and compared with tests/sandbox/syscalls/LIBC-ARCH.txt: a call outside
# that list fails the test. The list is what this libc calls for the work;
# tests/unit/test_sandbox.c checks that each class's filter allows it.
# PROBE_SYSCALLS_RECORD=1 writes the list anew (sourced by run.sh).

SC_LIST=
case $(file -b "$PROBE") in
*"statically linked"*) sc_libc=musl ;;
*) sc_libc=glibc ;;
esac
SC_LIST=$HERE/../sandbox/syscalls/$sc_libc-$(uname -m).txt

# sc_run CLASS RC ARGS...: one run under strace; the calls made inside the
# sandbox join CLASS's.
sc_run() {
	local class=$1 rc=$2
	shift 2
	timeout -s KILL 20 strace -f -qq -o "$T/sc.trace" "$PROBE" "$@" >"$T/out" 2>"$T/err"
	RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err") MS=0
	FIRST=$(head -n 1 "$T/out")
	if [ "$RC" != "$rc" ]; then
		fail "syscalls: $class: $*" "exit code $RC, expected $rc"
		return
	elif [[ "$OUT" == *"killed by its sandbox"* ]]; then
		fail "syscalls: $class: $*" "killed by its sandbox"
	fi
	python3 "$HERE/../sandbox/syscalls.py" "$T/sc.trace" >>"$T/sc.$class"
	pass "syscalls: $class: $*"
}

if [ -n "${PROBE_TEST_EMULATED:-}" ]; then
	skip "syscalls in the sandbox" "strace sees the emulator's calls, not the check's"
elif [ -n "${PROBE_SANITIZED:-}" ]; then
	skip "syscalls in the sandbox" "the lists are the shipped builds'; a sanitizer's runtime calls more"
elif ! command -v strace >/dev/null; then
	skip "syscalls in the sandbox" "no strace"
else
	: >"$T/sc.net" && : >"$T/sc.mount" && : >"$T/sc.writable" && : >"$T/sc.files"
	sc_run net 0 --http "$BASE/ok"
	sc_run net 0 --http "$BASE/redirect"
	sc_run net 0 --http "http://localhost:$P/ok"
	sc_run net 1 --http "http://127.0.0.1:1/"
	sc_run net 1 --http "http://[::1]:1/"
	sc_run net 1 -t 300ms --http "http://127.0.0.1:$SILENT/"
	ini sc-tls <<EOT
[http "tls"]
url = https://localhost:$TLS/ok
ca_file = $T/cert.pem
EOT
	sc_run net 0 -c "$T/sc-tls.ini"
	sc_run net 1 --http "https://localhost:$TLS/ok"
	sc_run net 0 --tcp "127.0.0.1:$P"
	sc_run net 1 --tcp "[::1]:1"
	ini sc-unix <<EOT
[http "unix"]
url = http://app/ok
unix_socket = $T/app.sock
EOT
	sc_run net 0 -c "$T/sc-unix.ini"
	if [ -n "${PROBE_TEST_NS:-}" ]; then
		# Names through the resolver: /etc/hosts, then a DNS server on
		# loopback that never answers.
		printf '127.0.0.1 localhost\n127.0.0.1 sc-app.test\n' >"$T/sc.hosts"
		printf 'nameserver 127.0.0.3\noptions timeout:1 attempts:1\n' >"$T/sc.resolv"
		python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.3", 53))
open(sys.argv[1], "w").close()
time.sleep(30)
' "$T/sc.dns" &
		PIDS+=($!)
		wait_until test -e "$T/sc.dns"
		if mount --bind "$T/sc.hosts" /etc/hosts && mount --bind "$T/sc.resolv" /etc/resolv.conf; then
			sc_run net 0 --http "http://sc-app.test:$P/ok"
			sc_run net 0 --tcp "sc-app.test:$P"
			sc_run net 1 -t 300ms --http "http://sc-nowhere.test:$P/ok"
			umount /etc/resolv.conf /etc/hosts
		fi
	fi
	D=$T/sc-dir
	mkdir -p "$D/data"
	ln -s "$D/data" "$D/link"
	sc_run mount 0 --mount /proc
	sc_run mount 0 --mount /proc/
	sc_run mount 1 --mount "$D/data"
	sc_run mount 1 --mount "$D/link/"
	sc_run mount 1 --mount "$D/missing"
	if [ -n "${PROBE_HOOKS:-}" ] && [ -x "$PROBE_HOOKS" ]; then
		# Kernels before 5.8: the mount tree and realpath().
		sc_probe=$PROBE
		PROBE=$PROBE_HOOKS
		export PROBE_TEST_MOUNT_TREE=1
		sc_run mount 0 --mount /proc/
		sc_run mount 1 --mount "$D/link/"
		sc_run mount 1 --mount "$D/missing"
		unset PROBE_TEST_MOUNT_TREE
		PROBE=$sc_probe
	fi
	sc_run writable 0 --writable "$D/data"
	sc_run writable 0 --writable "$D/data/"
	sc_run writable 0 --writable "$D/link"
	sc_run writable 1 --writable "$D/missing"
	if [ -n "${PROBE_TEST_NS:-}" ]; then
		mkdir -p "$D/ro" "$D/full"
		mount -t tmpfs -o ro tmpfs "$D/ro"
		mount -t tmpfs -o size=64k tmpfs "$D/full"
		dd if=/dev/zero of="$D/full/fill" bs=4k count=100 2>/dev/null
		sc_run mount 0 --mount "$D/ro"
		sc_run writable 1 --writable "$D/ro"
		sc_run writable 1 --writable "$D/full"
	fi

	# Certificates: EC and RSA keys, a chain to a CA, garbage, missing.
	SC=$T/sc-cert
	mkdir -p "$SC"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
		-subj /CN=sc-ec.test -keyout "$SC/ec.key" -out "$SC/ec.crt" 2>/dev/null
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
		-subj /CN=sc-rsa.test -keyout "$SC/rsa.key" -out "$SC/rsa.crt" 2>/dev/null
	echo garbage >"$SC/garbage.crt"
	for kind in ec rsa; do
		ini "sc-$kind" <<EOT
[cert "$kind"]
path = $SC/$kind.crt
key_file = $SC/$kind.key
ca_file = $SC/$kind.crt
min_validity = 1d
EOT
		sc_run files 0 -c "$T/sc-$kind.ini"
	done
	sc_run files 1 --cert "$SC/ec.crt" --min-validity 60d
	sc_run files 1 --cert "$SC/garbage.crt"
	sc_run files 1 --cert "$SC/missing.crt"

	if [ -n "${PROBE_SYSCALLS_RECORD:-}" ]; then
		{
			echo "# System calls a check's process makes inside its sandbox ($sc_libc, $(uname -m)),"
			echo "# recorded by tests/integration/test_syscalls.sh (PROBE_SYSCALLS_RECORD=1)."
			for c in net mount writable files; do
				echo "$c: $(sort -u "$T/sc.$c" | tr '\n' ' ' | sed 's/ $//')"
			done
		} >"$SC_LIST"
		echo "# wrote $SC_LIST"
	fi
	for c in net mount writable files; do
		known=$(sed -n "s/^$c: //p" "$SC_LIST" 2>/dev/null | tr ' ' '\n')
		new=$(sort -u "$T/sc.$c" | grep -vxF -f <(printf '%s\n' "$known") || true)
		if [ ! -f "$SC_LIST" ]; then
			fail "syscalls: $c: all in the list" "no $SC_LIST (PROBE_SYSCALLS_RECORD=1 makes it)"
		elif [ -z "$new" ]; then
			pass "syscalls: $c: all $(sort -u "$T/sc.$c" | wc -l) in $(basename "$SC_LIST")"
		else
			fail "syscalls: $c: all in $(basename "$SC_LIST")" "not in it: ${new//$'\n'/ }"
		fi
	done
fi
