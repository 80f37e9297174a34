#!/bin/sh
# deps.sh GROUP...: make sure the Debian packages a make target needs are
# installed. As root they are installed with apt-get (saying so); otherwise
# the exact command is printed and the script fails.
set -eu

pkgs=""
cross=""
arch=$(dirname "$0")/arch.sh
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
	bench) pkgs="$pkgs wrk hyperfine nginx-light gnuplot-nox python3 curl wget musl-tools runc valgrind" ;;
	monitoring) pkgs="$pkgs prometheus" ;;
	browser) pkgs="$pkgs chromium fonts-dejavu-core" ;;
	lint) pkgs="$pkgs shellcheck python3" ;;
	# The servers protocol = postgres, mysql and redis are tested against.
	db) pkgs="$pkgs postgresql mariadb-server redis-server iproute2" ;;
	deb) pkgs="$pkgs debhelper dpkg-dev fakeroot lintian" ;;
	node) command -v node >/dev/null && command -v npm >/dev/null || pkgs="$pkgs nodejs npm" ;;
	# vm ARCH: qemu-system for the ARCH named before it (scripts/arches).
	vm) pkgs="$pkgs cpio gzip openssl $("$arch" package "${last:?deps.sh: vm after an ARCH}")" ;;
	cluster) pkgs="$pkgs etcd-server containernetworking-plugins openssl curl iproute2 procps" ;;
	kube) pkgs="$pkgs golang-go golang-github-modern-go-reflect2-dev containerd runc iproute2 util-linux" ;;
	# A cross build for an architecture of scripts/arches: its compiler
	# and qemu-user; its musl, inih and kernel headers as packages of a
	# second dpkg architecture ("multiarch"), else in a sysroot
	# (scripts/apt-target.sh, run by build-static.sh).
	*) triplet=$("$arch" triplet "$group" 2>/dev/null) ||
		{ echo "deps.sh: unknown group '$group'" >&2; exit 2; }
		pkgs="$pkgs gcc-$triplet binutils-$triplet qemu-user-static"
		if [ "$("$arch" musl "$group")" = multiarch ]; then
			cross=$("$arch" deb "$group")
			pkgs="$pkgs musl-dev:$cross libinih-dev:$cross linux-libc-dev:$cross"
		fi ;;
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
if ! echo "$missing" | xargs apt-get install -y -qq >/dev/null 2>&1; then
	apt-get update -qq
	echo "$missing" | xargs apt-get install -y -qq >/dev/null
fi
