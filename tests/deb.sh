#!/usr/bin/env bash
# deb.sh DEB: the package in a clean Debian root (the test base image,
# debian:bookworm-slim, under Podman): installed with dpkg, probe --version
# and real checks against a server on loopback, then removed, leaving none
# of its files.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
DEB=$(readlink -f "${1:?usage: deb.sh DEB}")
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/tests/image/containers.conf}
"$ROOT/scripts/deps.sh" image test || exit 1
"$HERE/image/base-image.sh" || exit 1

T=$(mktemp -d /tmp/probe-deb.XXXXXX)
chmod 755 "$T"
cleanup() {
	kill "$httpd" 2>/dev/null
	wait "$httpd" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
. "$ROOT/tests/integration/lib.sh"
RC=0 MS=0 OUT= ERR=
python3 "$ROOT/tests/helpers/httpd.py" "$T/port" &
httpd=$!
wait_until test -s "$T/port"
P=$(cat "$T/port")

# in_debian SCRIPT: run SCRIPT with sh in a fresh container of the base
# image, the package at /deb.deb; sets RC, OUT, FIRST.
in_debian() {
	podman run --rm --network host -v "$DEB:/deb.deb:ro" debian:bookworm-slim \
		sh -c "$1" >"$T/out" 2>&1
	RC=$?
	OUT=$(cat "$T/out")
	FIRST=$(head -n 1 "$T/out")
}

in_debian 'dpkg -i /deb.deb >/dev/null && probe --version'
expect "installed with dpkg -i: probe --version" 0 "probe *.*.*"
in_debian "dpkg -i /deb.deb >/dev/null && probe http://127.0.0.1:$P/ok --writable /tmp --mount /"
expect "installed: a real check (http, writable, mount)" 0 "healthy: 3 of 3 checks passed (all, *ms)"
in_debian "dpkg -i /deb.deb >/dev/null && probe http://127.0.0.1:$P/status/500"
expect "installed: an unhealthy app is said so" 1 'unhealthy: http "127.0.0.1:*/status/500": HTTP 500'
in_debian 'dpkg -i /deb.deb >/dev/null && man -w probe 2>/dev/null || ls /usr/share/man/man1/probe.1.gz && ls /usr/share/doc/probe/examples/probe.ini* /usr/share/doc/probe/sbom.cdx.json'
expect "installed: the man page, example configs and SBOM" 0 "/usr/share/man/man1/probe.1.gz"
in_debian 'dpkg -i /deb.deb >/dev/null && dpkg --purge probe >/dev/null &&
	! test -e /usr/bin/probe && ! test -e /usr/share/doc/probe && dpkg -s probe 2>&1 | head -n 1'
expect "removed and purged: nothing of it left" 0 "*is not installed*"
summary
