#!/bin/sh
# binfmt.sh: let this machine run arm64 executables directly, through
# qemu-user (also inside containers: the F flag opens the interpreter now).
# Needs root; does nothing when qemu-aarch64 is registered already.
set -eu
B=/proc/sys/fs/binfmt_misc
[ -e "$B/qemu-aarch64" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "binfmt: registering qemu-aarch64 needs root (or run arm64 programs with qemu-aarch64-static)" >&2
	exit 1
fi
[ -e "$B/register" ] || mount -t binfmt_misc binfmt_misc "$B"
# Magic and mask as Debian's qemu-user-static has them for qemu-aarch64.
magic='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
printf ':qemu-aarch64:M:0:%s:%s:/usr/bin/qemu-aarch64-static:F\n' "$magic" "$mask" >"$B/register"
echo "binfmt: registered qemu-aarch64 (/usr/bin/qemu-aarch64-static)" >&2
