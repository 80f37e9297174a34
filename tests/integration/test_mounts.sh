# test_mounts.sh: which mount holds a path, on mount tables that mislead a
# reader that goes by the order of /proc/self/mountinfo's lines (since
# Linux 6.8 they come in the order the mounts were made). Root, in the
# private mount namespace of run.sh. Each case runs against the kernel's
# answer (statx mount id) and, in the test build, against the walk through
# the mount tree that kernels before 5.8 get (PROBE_TEST_MOUNT_TREE).

needs_ns "mount tables" || return 0

M=$T/mounts
mkdir -p "$M/staging" "$M/p" "$M/src" "$M/dst" "$M/s" "$M/with space" \
	"$M/lazy" "$M/v" "$M/app"
# A volume mounted elsewhere, then moved under a parent made after it.
mount -t tmpfs moved "$M/staging"
mount -t tmpfs parent "$M/p"
mkdir "$M/p/vol"
mount --move "$M/staging" "$M/p/vol"
# A mount that propagation places under a later mount over its parent:
# listed under the exact path, after the mount that hides it.
mount --bind "$M/src" "$M/src"
mount --make-shared "$M/src"
mount --bind "$M/src" "$M/dst"
mount --make-slave "$M/dst"
mount -t tmpfs top "$M/dst"
mkdir "$M/dst/sub" "$M/src/sub"
mount -t tmpfs hidden "$M/src/sub"
# Two mounts stacked at one path, the top one read-only.
mount -t tmpfs lower "$M/s"
mount -t tmpfs -o ro upper "$M/s"
# Escaped names, a lazily unmounted mount, a subPath-like bind mount.
mount -t tmpfs "sp ace" "$M/with space"
mount -t tmpfs lazy "$M/lazy"
umount -l "$M/lazy"
mount -t tmpfs vol "$M/v"
mkdir "$M/v/sub"
mount --bind "$M/v/sub" "$M/app"
ln -s "$M/p/vol" "$M/link"

mounts_ok=1
grep -q " $M/p/vol " /proc/self/mountinfo && grep -q " $M/dst/sub " /proc/self/mountinfo ||
	mounts_ok=
moved_line=$(grep -n " $M/p/vol " /proc/self/mountinfo | cut -d: -f1)
parent_line=$(grep -n " $M/p " /proc/self/mountinfo | cut -d: -f1)
if [ -n "$moved_line" ] && [ -n "$parent_line" ] && [ "$moved_line" -lt "$parent_line" ]; then
	echo "# this kernel lists the moved mount (line $moved_line) before its parent (line $parent_line)"
else
	echo "# this kernel lists the moved mount after its parent (a kernel before 6.8)"
fi

# mcase NAME RC FIRST_GLOB PATH [KEY=VALUE...]: a [mount] check of PATH.
mcase() {
	local name=$1 rc=$2 first=$3 path=$4
	shift 4
	{
		echo "[mount \"m\"]"
		echo "path = $path"
		printf '%s\n' "$@"
	} >"$T/m.ini"
	run_probe -v -c "$T/m.ini"
	expect "$how: $name" "$rc" "$first"
	expect_line "$how: $name: -v says how" "*by $method)"
}

mount_cases() {
	mcase "a mount made before its parent (mount --move)" 0 "healthy: *" "$M/p/vol"
	expect_line "$how: the moved mount is described" "ok    mount     m  *  $M/p/vol: tmpfs from moved, rw"
	mcase "its parent" 0 "healthy: *" "$M/p"
	mcase "a path inside the moved mount" 1 \
		"unhealthy: mount \"m\": $M/p/vol/x is not a mount point (it is on $M/p/vol, tmpfs from moved)" \
		"$M/p/vol/x"
	mcase "/proc, a mount of its own" 0 "healthy: *" /proc
	expect_line "$how: /proc is proc" "ok    mount     m  *  /proc: proc from proc, *"
	mcase "a hidden mount whose line names the path" 1 \
		"unhealthy: mount \"m\": $M/dst/sub is not a mount point (it is on $M/dst, tmpfs from top)" \
		"$M/dst/sub"
	mcase "two mounts stacked: the top one" 1 \
		"unhealthy: mount \"m\": $M/s (tmpfs from upper) is mounted read-only" "$M/s" "mode = rw"
	mcase "two mounts stacked: the top one, mode = ro" 0 "healthy: *" "$M/s" "mode = ro"
	expect_line "$how: the top mount is described" "ok    mount     m  *  $M/s: tmpfs from upper, ro"
	mcase "a name with a space" 0 "healthy: *" "$M/with space" "fstype = tmpfs"
	expect_line "$how: its source is decoded" "ok    mount     m  *  $M/with space: tmpfs from sp ace, rw"
	mcase "a lazily unmounted mount is a plain directory again" 1 \
		"unhealthy: mount \"m\": $M/lazy is not a mount point (it is on *" "$M/lazy"
	mcase "a bind mount of a subdirectory (subPath)" 0 "healthy: *" "$M/app"
	expect_line "$how: its root is the subdirectory" "      $M/app: on mount id * at $M/app, device *, root /sub, *"
	mcase "the subdirectory itself is not a mount point" 1 \
		"unhealthy: mount \"m\": $M/v/sub is not a mount point (it is on $M/v, tmpfs from vol)" "$M/v/sub"
	mcase "a trailing slash" 0 "healthy: *" "$M/app/"
	mcase "a symlink to a mount point" 0 "healthy: *" "$M/link"
	mcase "a path inside a mount" 1 \
		"unhealthy: mount \"m\": $M/v/sub/x is not a mount point (it is on $M/v, tmpfs from vol)" \
		"$M/v/sub/x"
}

if [ -z "$mounts_ok" ]; then
	skip "mount tables" "could not build the test mounts"
else
	mkdir "$M/p/vol/x" "$M/v/sub/x"
	how="by the kernel" method="statx mount id"
	if [ -n "${PROBE_TEST_EMULATED:-}" ]; then
		# qemu-user passes statx's mask on but not the mount id.
		how="under qemu-user, by the mount tree" method="mount tree (the kernel gave no mount id)"
	fi
	mount_cases
	if [ -n "${PROBE_HOOKS:-}" ] && [ -x "$PROBE_HOOKS" ]; then
		saved=$PROBE
		PROBE=$PROBE_HOOKS
		export PROBE_TEST_MOUNT_TREE=1
		how="by the mount tree" method="mount tree (the kernel gave no mount id)"
		mount_cases
		unset PROBE_TEST_MOUNT_TREE
		PROBE=$saved
	else
		skip "mount tables by the mount tree" "no test build (PROBE_HOOKS)"
	fi
	# The writable check says which mount holds its directory.
	run_probe -v --writable "$M/p/vol"
	expect "writable: on the moved mount" 0 "healthy: *"
	expect_line "writable: -v names the mount that holds it" "      $M/p/vol: on $M/p/vol, tmpfs from moved, rw; *"
	run_probe -v --writable "$M/dst/sub"
	expect "writable: in the directory over a hidden mount" 0 "healthy: *"
	expect_line "writable: -v names the mount on top" "      $M/dst/sub: on $M/dst, tmpfs from top, rw; *"
fi
