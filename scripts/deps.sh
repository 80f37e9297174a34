#!/bin/sh
# deps.sh GROUP...: make sure the Debian packages a make target needs are
# installed. As root they are installed with apt-get (saying so); otherwise
# the exact command is printed and the script fails.
set -eu

pkgs=""
cross=""
for group in "$@"; do
	case "$group" in
	build) pkgs="$pkgs gcc libc6-dev make pkg-config libcurl4-openssl-dev libinih-dev libmicrohttpd-dev libmbedtls-dev libcjson-dev" ;;
	unit) pkgs="$pkgs libcriterion-dev" ;;
	test) pkgs="$pkgs python3 libfuse3-dev fuse3 util-linux procps openssl ca-certificates strace file" ;;
	check) pkgs="$pkgs valgrind" ;;
	demo) pkgs="$pkgs python3" ;;
	static) pkgs="$pkgs musl-tools cmake dpkg-dev patch xz-utils bzip2 file python3" ;;
	image) pkgs="$pkgs podman runc debootstrap iproute2" ;;
	fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
	bench) pkgs="$pkgs wrk hyperfine nginx-light gnuplot-nox python3 curl wget musl-tools runc" ;;
	monitoring) pkgs="$pkgs prometheus" ;;
	browser) pkgs="$pkgs chromium fonts-dejavu-core" ;;
	deb) pkgs="$pkgs debhelper dpkg-dev fakeroot lintian" ;;
	node) command -v node >/dev/null && command -v npm >/dev/null || pkgs="$pkgs nodejs npm" ;;
	# Cross builds for arm64: a second dpkg architecture for musl and inih.
	aarch64) pkgs="$pkgs gcc-aarch64-linux-gnu musl-dev:arm64 libinih-dev:arm64 linux-libc-dev:arm64 qemu-user-static"
		cross=arm64 ;;
	# armv7: the cross compiler only; the target's packages go to a
	# sysroot (scripts/apt-target.sh), not to a second dpkg architecture.
	armv7) pkgs="$pkgs gcc-arm-linux-gnueabihf binutils-arm-linux-gnueabihf qemu-user-static" ;;
	# ppc64le and s390x: the same, through a sysroot of their own.
	ppc64le) pkgs="$pkgs gcc-powerpc64le-linux-gnu binutils-powerpc64le-linux-gnu qemu-user-static" ;;
	s390x) pkgs="$pkgs gcc-s390x-linux-gnu binutils-s390x-linux-gnu qemu-user-static" ;;
	# vm ARCH: qemu-system for the ARCH named before it.
	vm) pkgs="$pkgs cpio gzip openssl"
		case ${last:-} in
		ppc64le) pkgs="$pkgs qemu-system-ppc" ;;
		s390x) pkgs="$pkgs qemu-system-misc" ;;
		*) pkgs="$pkgs qemu-system-arm" ;;
		esac ;;
	cluster) pkgs="$pkgs etcd-server containernetworking-plugins openssl curl iproute2 procps" ;;
	kube) pkgs="$pkgs golang-go golang-github-modern-go-reflect2-dev containerd runc iproute2 util-linux" ;;
	*) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
	esac
	last=$group
done

missing=""
for p in $pkgs; do
	# One line per installed architecture (NAME:arm64 for cross builds).
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "probe: missing packages:$missing" >&2
	[ -n "$cross" ] && echo "probe: first: sudo dpkg --add-architecture $cross && sudo apt-get update" >&2
	echo "probe: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "probe: installing$missing with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
if [ -n "$cross" ] && ! dpkg --print-foreign-architectures | grep -qx "$cross"; then
	dpkg --add-architecture "$cross"
	apt-get update -qq
fi
# A fresh machine has no package lists yet; refresh them once if needed.
if ! apt-get install -y -qq $missing >/dev/null 2>&1; then
	apt-get update -qq
	apt-get install -y -qq $missing >/dev/null
fi
