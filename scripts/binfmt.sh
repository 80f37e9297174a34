#!/bin/sh
# binfmt.sh [QEMU_ARCH...]: let this machine run executables of those
# architectures (default: those of scripts/arches but this machine's)
# directly, through qemu-user,
# also inside containers: the F flag opens the interpreter now. The magic
# and mask are those Debian's qemu-user-static ships in
# /usr/share/binfmts/qemu-ARCH. Needs root; does nothing for an
# architecture registered already.
set -eu
B=/proc/sys/fs/binfmt_misc
if [ $# -eq 0 ]; then
	for n in $("$(dirname "$0")/arch.sh" foreign); do
		set -- "$@" "$("$(dirname "$0")/arch.sh" qemu "$n")"
	done
fi
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
