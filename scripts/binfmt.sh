#!/bin/sh
# binfmt.sh [QEMU_ARCH...]: let this machine run executables of those
# architectures (default: aarch64, arm, ppc64le and s390x) directly, through qemu-user,
# also inside containers: the F flag opens the interpreter now. The magic
# and mask are those Debian's qemu-user-static ships in
# /usr/share/binfmts/qemu-ARCH. Needs root; does nothing for an
# architecture registered already.
set -eu
B=/proc/sys/fs/binfmt_misc
[ $# -gt 0 ] || set -- aarch64 arm ppc64le s390x
for a in "$@"; do
	[ -e "$B/qemu-$a" ] && continue
	if [ "$(id -u)" -ne 0 ]; then
		echo "binfmt: registering qemu-$a needs root (or run its programs with qemu-$a-static)" >&2
		exit 1
	fi
	[ -e "$B/register" ] || mount -t binfmt_misc binfmt_misc "$B"
	f=/usr/share/binfmts/qemu-$a
	[ -r "$f" ] || { echo "binfmt: no $f (install qemu-user-static)" >&2; exit 1; }
	magic=$(sed -n 's/^magic //p' "$f")
	mask=$(sed -n 's/^mask //p' "$f")
	printf ':qemu-%s:M:0:%s:%s:/usr/bin/qemu-%s-static:F\n' "$a" "$magic" "$mask" "$a" >"$B/register"
	echo "binfmt: registered qemu-$a (/usr/bin/qemu-$a-static)" >&2
done
