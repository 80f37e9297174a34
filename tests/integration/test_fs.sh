# test_fs.sh: mount and writable checks on real mounts, a hung filesystem
# and a DNS server that never answers. Runs as root in a private mount
# namespace (sourced by run.sh).

needs_ns "filesystem tests" || return 0

# fs_case NAME RC FIRST_GLOB MAX_MS TYPE PATH KEY=VALUE...: one check "data".
fs_case() {
	local name=$1 rc=$2 first=$3 max=$4 type=$5 path=$6
	shift 6
	{
		echo "[$type \"data\"]"
		echo "path = $path"
		printf '%s\n' "$@"
	} >"$T/f.ini"
	run_probe -c "$T/f.ini"
	expect "$name" "$rc" "$first" "$max"
}

# snapshot DIR: names, modes, sizes and contents of everything in DIR.
snapshot() {
	(cd "$1" && find . -type d -printf '%p %m %U\n' | sort &&
		find . ! -type d -printf '%p %y %m %s %U\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

V=$T/vol
mkdir -p "$V" "$T/plain" "$T/ro" "$T/full" "$T/inodes" "$T/gone"
mount -t tmpfs -o size=8m,mode=755 tmpfs "$V"
mount --bind "$V" "$T/ro"
mount -o remount,bind,ro "$T/ro"
mount -t tmpfs -o size=64k tmpfs "$T/full"
mount -t tmpfs -o size=1m,nr_inodes=20 tmpfs "$T/inodes"
mkdir "$V/app"
echo "42" >"$V/visits"
echo "app data" >"$V/app/state"
echo "not ours" >"$V/.probe-writable.x"
ln -s "$V" "$T/link"

fs_case "mount: tmpfs mount point" 0 "healthy: 1 of 1 checks passed (all, *ms)" "" mount "$V"
expect_line "mount: reports type and source" "ok    mount     data  *  $V: tmpfs from tmpfs, rw"
fs_case "mount: a plain directory is not a mount point" 1 \
	"unhealthy: mount \"data\": $T/plain is not a mount point (it is on *" "" mount "$T/plain"
fs_case "mount: a directory inside a mount is not its mount point" 1 \
	"unhealthy: mount \"data\": $V/app is not a mount point (it is on $V, tmpfs from tmpfs)" "" \
	mount "$V/app"
fs_case "mount: read-only bind mount, mode = rw" 1 \
	"unhealthy: mount \"data\": $T/ro (tmpfs from tmpfs) is mounted read-only" "" mount "$T/ro" "mode = rw"
fs_case "mount: read-only bind mount, mode = ro" 0 "healthy: *" "" mount "$T/ro" "mode = ro"
fs_case "mount: rw mount, mode = ro" 1 \
	"unhealthy: mount \"data\": $V (tmpfs from tmpfs) is mounted read-write, expected ro" "" \
	mount "$V" "mode = ro"
fs_case "mount: fstype not allowed" 1 \
	"unhealthy: mount \"data\": $V is tmpfs from tmpfs, expected ext4 xfs" "" mount "$V" "fstype = ext4 xfs"
fs_case "mount: fstype allowed" 0 "healthy: *" "" mount "$V" "fstype = ext4 tmpfs"
fs_case "mount: a symlink to a mount point" 0 "healthy: *" "" mount "$T/link"
fs_case "mount: missing path" 1 \
	"unhealthy: mount \"data\": $T/missing: no such file or directory (ENOENT)" "" mount "$T/missing"
mount -t tmpfs tmpfs "$T/gone"
fs_case "mount: present" 0 "healthy: *" "" mount "$T/gone"
umount "$T/gone"
fs_case "mount: the same path after the volume went away" 1 \
	"unhealthy: mount \"data\": $T/gone is not a mount point (it is on *" "" mount "$T/gone"

before=$(snapshot "$V")
fs_case "writable: tmpfs" 0 "healthy: 1 of 1 checks passed (all, *ms)" "" writable "$V"
expect_line "writable: reports free space" "ok    writable  data  *  $V: writable, *MiB free"
after=$(snapshot "$V")
[ "$before" = "$after" ] && pass "writable: leaves the directory as it found it" ||
	fail "writable: leaves the directory as it found it" "$(diff <(echo "$before") <(echo "$after"))"

fs_case "writable: read-only mount" 1 \
	"unhealthy: writable \"data\": $T/ro: cannot create a file: read-only file system (EROFS)" "" \
	writable "$T/ro"
dd if=/dev/zero of="$T/full/fill" bs=4k count=100 2>/dev/null
fs_case "writable: full filesystem" 1 \
	"unhealthy: writable \"data\": $T/full: cannot write its test file: no space left on device (ENOSPC)" "" writable "$T/full"
fs_case "writable: below min_free" 1 \
	"unhealthy: writable \"data\": $V: * MiB free, below min_free 100.0 MiB" "" writable "$V" "min_free = 100MiB"
fs_case "writable: below min_free percent" 1 \
	"unhealthy: writable \"data\": $T/full: 0.00% free, below min_free 5.00%" "" writable "$T/full" "min_free = 5%"
fs_case "writable: enough free" 0 "healthy: *" "" writable "$V" "min_free = 1MiB" "min_free_inodes = 10"
fs_case "writable: below min_free_inodes" 1 \
	"unhealthy: writable \"data\": $T/inodes: * inodes free, below min_free_inodes 100" "" \
	writable "$T/inodes" "min_free_inodes = 100"
fs_case "writable: a symlinked data directory is followed" 0 "healthy: *" "" writable "$T/link"
fs_case "writable: missing directory" 1 \
	"unhealthy: writable \"data\": $T/missing: no such file or directory (ENOENT)" "" writable "$T/missing"

RUN_AS=(setpriv --reuid 65532 --regid 65532 --clear-groups)
fs_case "writable: as uid 65532 in a root-owned directory" 1 \
	"unhealthy: writable \"data\": $V: cannot create a file: permission denied (EACCES)" "" writable "$V"
mkdir "$V/nonroot" && chown 65532:65532 "$V/nonroot"
fs_case "writable: as uid 65532 in its own directory" 0 "healthy: *" "" writable "$V/nonroot"
fs_case "mount: as uid 65532" 0 "healthy: *" "" mount "$V"
mkdir -m 733 "$V/drop"
fs_case "writable: as uid 65532 in a write-only drop directory (mode 733)" 0 "healthy: *" "" \
	writable "$V/drop"
run_probe -v --writable "$V/drop"
expect_line "writable: -v says the directory is write-only" \
	"      $V/drop: on $V, tmpfs from tmpfs, rw; not readable to this user (write-only directory, tested through a path descriptor); *"
[ -z "$(ls -A "$V/drop")" ] && pass "writable: the drop directory is left empty" ||
	fail "writable: the drop directory is left empty" "$(ls -A "$V/drop")"
mkdir -m 700 "$V/closed"
fs_case "writable: as uid 65532 in root's closed directory (mode 700)" 1 \
	"unhealthy: writable \"data\": $V/closed: cannot create a file: permission denied (EACCES)" "" \
	writable "$V/closed"
fs_case "writable: a trailing slash" 0 "healthy: *" "" writable "$V/nonroot/"
RUN_AS=()

# Leftovers of killed runs are removed; a slot held by a live run is not.
touch "$V/.probe-writable.0" "$V/.probe-writable.2"
before=$(snapshot "$V" | grep -v probe-writable)
fs_case "writable: with leftovers of killed runs" 0 "healthy: *" "" writable "$V"
if [ ! -e "$V/.probe-writable.0" ] && [ ! -e "$V/.probe-writable.2" ] && [ -e "$V/.probe-writable.x" ] &&
	[ "$before" = "$(snapshot "$V" | grep -v probe-writable)" ]; then
	pass "writable: leftovers removed, nothing else touched"
else
	fail "writable: leftovers removed, nothing else touched" "$(ls -la "$V")"
fi
flock "$V/.probe-writable.0" sleep 5 &
holder=$!
PIDS+=("$holder")
held() { ! flock -n "$V/.probe-writable.0" true; }
wait_until held
fs_case "writable: next to a run in progress" 0 "healthy: *" "" writable "$V"
[ -e "$V/.probe-writable.0" ] && pass "writable: a live run's file is left alone" ||
	fail "writable: a live run's file is left alone" "it was removed"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
rm -f "$V/.probe-writable.0"

# Guards: at most 8 checks in flight per path, hung ones included: the
# eight slot files of the path in the guard directory, locked.
python3 - "$V" "$T/guards" <<'PY' &
import fcntl, os, sys, time
h = 1469598103934665603
for b in sys.argv[1].encode():
    h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
d = "/dev/shm/probe-guards.%d" % os.geteuid()
os.makedirs(d, mode=0o700, exist_ok=True)
held = []
for i in range(8):
    f = open("%s/%016x.%d" % (d, h, i), "a")
    fcntl.flock(f, fcntl.LOCK_EX)
    held.append(f)
open(sys.argv[2], "w").close()
time.sleep(30)
PY
PIDS+=($!)
guards=$!
wait_until test -e "$T/guards"
fs_case "guard: eight checks of the path still in flight" 1 \
	"unhealthy: mount \"data\": timed out after 300ms waiting for 8 other checks of $V (hung filesystem?)" \
	400 mount "$V" "timeout = 300ms"
kill "$guards"
wait "$guards" 2>/dev/null
# The abstract socket names that were the guards before: anything in the
# pod's network could bind them. They hold nothing now.
python3 - "$V" "$T/squat" <<'PY' &
import socket, sys, time
h = 1469598103934665603
for b in sys.argv[1].encode():
    h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
held = []
for i in range(8):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(b"\0probe/fs/%016x/%d" % (h, i))
    held.append(s)
open(sys.argv[2], "w").close()
time.sleep(30)
PY
PIDS+=($!)
squat=$!
wait_until test -e "$T/squat"
fs_case "guard: squatting the old abstract names takes nothing" 0 "healthy: *" "" mount "$V"
kill "$squat"
wait "$squat" 2>/dev/null
# Another user cannot reach root's guard files.
RUN_AS=(setpriv --reuid 65532 --regid 65532 --clear-groups)
run_cmd "${RUN_AS[@]}" python3 -c 'import os; open("/dev/shm/probe-guards.0/x", "a")'
expect_true "guard: another user cannot open the guard directory" \
	grep -q "PermissionError" "$T/err"
RUN_AS=()
# A guard directory made by someone else is not used: the check runs
# unguarded, and --check-config says so.
mkdir -p "$T/gd/probe-guards.0"
chown 65532 "$T/gd/probe-guards.0"
PROBE_GUARD_DIR=$T/gd fs_case "guard: a directory someone else made is not used" 0 "healthy: *" "" mount "$V"
PROBE_GUARD_DIR=$T/gd run_probe --mount "$V" --check-config
expect_line "guard: --check-config says the checks run unguarded" \
	"guards     none: $T/gd/probe-guards.0: not this user's own with mode 0700 (made by someone else?)*"
run_probe --mount "$V" --check-config
expect_line "guard: --check-config names the guard directory" "guards     /dev/shm/probe-guards.0"
fs_case "guard: free again" 0 "healthy: *" "" mount "$V"

# A filesystem whose operations block forever, like a dead NFS server.
if [ -z "$HANGFS" ] || [ ! -e /dev/fuse ]; then
	skip "hung filesystem" "needs /dev/fuse and the hangfs helper (HANGFS=...)"
else
	mkdir "$T/hung"
	"$HANGFS" "$T/hung" &
	hang=$!
	PIDS+=("$hang")
	wait_until grep -q " $T/hung " /proc/self/mountinfo
	ini hung <<EOT
[probe]
timeout = 500ms
[mount "m"]
path = $T/hung
[writable "w"]
path = $T/hung
[http "app"]
url = $BASE/ok
EOT
	for i in 1 2 3; do
		run_probe -c "$T/hung.ini"
		expect "hung filesystem, run $i: deadline + 100ms" 1 \
			"unhealthy: mount \"m\": timed out after 500ms (no answer from the filesystem at $T/hung)" 600
	done
	expect_line "hung filesystem: the writable check too" \
		"FAIL  writable  w  *  timed out after 500ms (no answer from the filesystem at $T/hung)"
	expect_line "hung filesystem: the other checks still report" "ok    http      app  *  HTTP 200"
	start=$(date +%s%N)
	timeout -s KILL 10 bash -c '"$0" -c "$1" | cat >/dev/null' "$PROBE" "$T/hung.ini"
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -le 700 ] && pass "hung filesystem: stdout is closed at the deadline (${ms}ms through a pipe)" ||
		fail "hung filesystem: stdout is closed at the deadline" "the pipe stayed open ${ms}ms"
	left=$(pgrep -c -f "^$PROBE -c $T/hung.ini" || true)
	[ "$left" -le 8 ] && pass "hung filesystem: at most 8 stuck processes ($left)" ||
		fail "hung filesystem: at most 8 stuck processes" "$left left"
	# Under probe serve: the stuck ones are counted while they are stuck,
	# and reaped once the filesystem lets them go: no zombie piles up.
	{ printf '[serve]\ncache = 0\n'; cat "$T/hung.ini"; } >"$T/hung-serve.ini"
	serve_start "$T/hung-serve.ini"
	get "hung filesystem under serve" /livez 503 \
		"unhealthy: mount \"m\": timed out after 500ms (no answer from the filesystem at $T/hung)"
	pending() {
		python3 "$HELPERS/get.py" "http://127.0.0.1:$SPORT/metrics" 2>/dev/null |
			sed -n 's/^probe_check_processes_pending{kind="liveness"} //p'
	}
	# (A FUSE request is killable: the checks die at the deadline, so
	# none is pending here; tests/unit/test_run.c makes one slow to die.)
	n=$(pending)
	[ -n "$n" ] && pass "hung filesystem under serve: /metrics counts what is stuck ($n)" ||
		fail "hung filesystem under serve: /metrics counts what is stuck" "no series"
	kill -9 "$hang"
	wait "$hang" 2>/dev/null
	zombies_of() {	# zombies_of PID: zombie children of PID's children
		local p n=0
		for p in $(pgrep -P "$(pgrep -d, -P "$1")"); do
			[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" = Z ] && n=$((n + 1))
		done
		echo "$n"
	}
	get "hung filesystem gone, under serve" /livez 503 "unhealthy: mount \"m\": $T/hung (fuse from hangfs): * (ENOTCONN)"
	wait_until test "$(pending)" = 0
	expect_true "hung filesystem gone, under serve: every stuck check reaped" test "$(pending)" = 0
	expect_true "hung filesystem gone, under serve: no zombie" test "$(zombies_of "$SPID")" = 0
	serve_stop
	run_probe -c "$T/hung.ini"
	expect "dead filesystem (server gone): ENOTCONN" 1 \
		"unhealthy: mount \"m\": $T/hung (fuse from hangfs): * (ENOTCONN)" 600
	expect_line "dead filesystem: the writable check too" \
		"FAIL  writable  w  *  $T/hung: * (ENOTCONN)"
	umount -l "$T/hung" 2>/dev/null
	wait_until test "$(pgrep -c -f "^$PROBE -c $T/hung.ini")" = 0
	left=$(pgrep -c -f "^$PROBE -c $T/hung.ini" || true)
	[ "$left" -eq 0 ] && pass "hung filesystem: nothing left once it is gone" ||
		fail "hung filesystem: nothing left once it is gone" "$left processes"
fi

# A DNS server that never answers.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.2", 53))
t = socket.socket(); t.bind(("127.0.0.2", 53)); t.listen(8)
open(sys.argv[1], "w").close()
time.sleep(60)
' "$T/dns" &
PIDS+=($!)
wait_until test -e "$T/dns"
printf 'nameserver 127.0.0.2\noptions timeout:30 attempts:5\n' >"$T/resolv.conf"
if mount --bind "$T/resolv.conf" /etc/resolv.conf; then
	ini dns <<EOT
[probe]
timeout = 500ms
[http "app"]
url = http://time-server.stateful.svc.cluster.local:8080/
probes = liveness
[tcp "port"]
address = time-server.stateful.svc.cluster.local:8080
probes = readiness
EOT
	run_probe -c "$T/dns.ini" liveness
	expect "http: DNS that never answers: deadline + 100ms" 1 \
		'unhealthy: http "app": timed out after 500ms*' 600
	run_probe -c "$T/dns.ini" readiness
	expect "tcp: DNS that never answers: deadline + 100ms" 1 \
		'unhealthy: tcp "port": timed out after 500ms' 600
	umount /etc/resolv.conf
else
	skip "DNS that never answers" "cannot bind-mount /etc/resolv.conf"
fi
