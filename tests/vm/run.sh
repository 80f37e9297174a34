#!/usr/bin/env bash
# run.sh ARCH: the static probe of ARCH on a real kernel of its own. Boots
# Debian's kernel for ARCH under qemu-system (TCG, no KVM) with an
# initramfs made here: busybox-static of ARCH, the kernel's FUSE module,
# bin/probe-static-ARCH and its test build, and tests/vm/guest.sh as
# /init, which runs http, tcp, mount, writable, cert, serve and wait checks
# with the sandbox on, the escape attempts of the test build, and the
# deadline against a silent server and a hung filesystem, then prints "N
# passed, N failed". The kernel and busybox packages are fetched
# by apt (checked against the signed index) into a cache outside the
# checkout, keyed by their versions: $PROBE_CACHE (default
# /var/cache/probe-test)/vm.
set -euo pipefail
ARCH=${1:?usage: run.sh ARCH (a foreign architecture of scripts/arches)}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${PROBE_CACHE:-/var/cache/probe-test}/vm
# From scripts/arches: Debian's name, qemu-system, the kernel package;
# packages through a sysroot of our own (scripts/apt-target.sh) unless
# the target's musl is installed as a second dpkg architecture.
A=$ROOT/scripts/arch.sh
DEB_ARCH=$("$A" deb "$ARCH") QEMU=$("$A" system "$ARCH") KMETA=$("$A" kernel "$ARCH")
[ "$("$A" musl "$ARCH")" = multiarch ] || SYSROOT=1
# How each boots: its machine and its console.
case $ARCH in
aarch64) MACHINE=(-M virt -cpu cortex-a57) CONSOLE=ttyAMA0 ;;
armv7) MACHINE=(-M virt -cpu cortex-a15) CONSOLE=ttyAMA0 ;;
ppc64le) MACHINE=(-M pseries) CONSOLE=hvc0 ;;	# IBM Power (sPAPR), its firmware's console
s390x) MACHINE=(-M s390-ccw-virtio) CONSOLE=ttysclp0 ;;	# IBM Z, virtio on channel I/O
*) echo "vm-test: no machine for ARCH=$ARCH: add its qemu -M and console here" >&2; exit 2 ;;
esac
PROBE=$ROOT/bin/probe-static-$ARCH
[ -x "$PROBE" ] && [ -x "$PROBE-hooks" ] || {
	echo "vm-test: build $PROBE and $PROBE-hooks first (make static-test ARCH=$ARCH)" >&2
	exit 2
}
"$ROOT/scripts/deps.sh" "$ARCH" vm

# The packages, as apt has them for DEB_ARCH: the kernel the meta-package
# names now, and busybox-static.
if [ -n "${SYSROOT:-}" ]; then
	kernel=$("$ROOT/scripts/apt-target.sh" "$DEB_ARCH" --kernel "$KMETA")
else
	kernel=$(apt-cache depends "$KMETA:$DEB_ARCH" 2>/dev/null |
		sed -n "s/^ *Depends: \(linux-image-[0-9][^:]*\).*/\1/p" | head -n 1)
fi
if [ -z "$kernel" ] && [ -z "${SYSROOT:-}" ]; then
	apt-get update -qq
	kernel=$(apt-cache depends "$KMETA:$DEB_ARCH" |
		sed -n "s/^ *Depends: \(linux-image-[0-9][^:]*\).*/\1/p" | head -n 1)
fi
[ -n "$kernel" ] || { echo "vm-test: no kernel package for $KMETA" >&2; exit 1; }
fetch() {	# fetch PACKAGE: unpacked into $CACHE/PACKAGE_VERSION; prints that
	if [ -n "${SYSROOT:-}" ]; then
		# The sysroot's apt keys nothing by version: one directory per
		# package, its manifest saying which version is in it.
		"$ROOT/scripts/apt-target.sh" "$DEB_ARCH" "$CACHE/$DEB_ARCH/$1" "$1" >&2
		echo "$CACHE/$DEB_ARCH/$1"
		return
	fi
	local v dir
	v=$(apt-cache policy "$1:$DEB_ARCH" | sed -n 's/^ *Candidate: //p')
	dir=$CACHE/$DEB_ARCH/${1}_$v
	if [ ! -e "$dir/.done" ]; then
		rm -rf "$dir" && mkdir -p "$dir/deb"
		(cd "$dir/deb" && apt-get -o APT::Sandbox::User=root download -qq "$1:$DEB_ARCH=$v") >&2
		dpkg-deb -x "$dir"/deb/*.deb "$dir/root"
		rm -rf "$dir/deb"
		touch "$dir/.done"
	fi
	echo "$dir/root"
}
kroot=$(fetch "$kernel")
broot=$(fetch busybox-static)
# vmlinuz, or on ppc64el an ELF vmlinux
vmlinuz=$(find "$kroot/boot" -maxdepth 1 -name 'vmlinu[xz]-*' | sort | head -n 1)
echo "# vm-test: $kernel ($(basename "$vmlinuz")), busybox-static, $(basename "$PROBE")"

W=$(mktemp -d /tmp/probe-vm.XXXXXX)
trap 'rm -rf "$W"' EXIT
I=$W/initramfs
mkdir -p "$I"/{bin,proc,sys,dev,tmp,etc,mnt}
cp "$broot/bin/busybox" "$I/bin/busybox"
for a in sh mount umount mkdir cat echo sleep ip httpd nc wget grep sed head \
	chmod ln kill poweroff uname printf seq ls rm touch true false insmod; do
	ln -s busybox "$I/bin/$a"
done
# The kernel's FUSE module, for a hung filesystem in the guest.
fuse=$(find "$kroot/lib/modules" -name fuse.ko | head -n 1)
[ -z "$fuse" ] || cp "$fuse" "$I/fuse.ko"
cp "$PROBE" "$I/probe"
cp "$PROBE-hooks" "$I/probe-hooks"
mkdir -p "$I/certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
	-subj /CN=vm.test -keyout "$I/certs/c.key" -out "$I/certs/c.crt" 2>/dev/null &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
		-subj /CN=other.test -keyout "$I/certs/other.key" -out /dev/null 2>/dev/null ||
	{ echo "vm-test: openssl cannot make the test certificates"; exit 1; }
cp "$ROOT/tests/vm/guest.sh" "$I/init"
cp "$ROOT/tests/sandbox/escapes.txt" "$I/escapes.txt"
chmod 755 "$I/init"
(cd "$I" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$W/initrd.gz"

echo "# vm-test: booting $QEMU"
set +e
timeout -s KILL 600 "$QEMU" "${MACHINE[@]}" -m 1024 -nographic -no-reboot \
	-kernel "$vmlinuz" -initrd "$W/initrd.gz" \
	-append "console=$CONSOLE panic=-1 quiet" </dev/null >"$W/console" 2>&1
rc=$?
set -e
tr -d '\r' <"$W/console" | grep -E '^(ok|FAIL|skip) - |^# |^[0-9]+ passed, [0-9]+ failed' || true
if ! grep -q "^vm-test: done" <(tr -d '\r' <"$W/console"); then
	echo "vm-test: the guest did not finish (qemu exit $rc); its console:" >&2
	tr -d '\r' <"$W/console" | tail -n 40 >&2
	exit 1
fi
tr -d '\r' <"$W/console" | grep -qE '^[0-9]+ passed, 0 failed'
