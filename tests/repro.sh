#!/usr/bin/env bash
# repro.sh [ARCH]: build the static binary of this commit twice, in two
# directories of different names, and compare the bytes. On a difference,
# print where: the first differing offsets (cmp) and the ELF sections that
# hold them (readelf). Sources are fetched once and shared.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ARCH=${1:-$(uname -m)}
T=$(mktemp -d /tmp/probe-repro.XXXXXX)
trap 'rm -rf "$T"' EXIT
export SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct)
export STATIC_DL=$ROOT/build/static/src
echo "# repro-test: $ARCH, commit $(git -C "$ROOT" rev-parse --short HEAD), SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
# Each build takes its libraries from a cache of its own, filled by a
# build from nothing in a directory of its own: the first from repro's
# (REPRO_CACHE), the second from build-static.sh's. So the libraries of
# each pin are built twice from nothing, in two directories, the first
# time that pin is seen (and when REPRO_CACHE=off: every run), and the
# probe twice every run: a difference in either shows.
REPRO_CACHE=${REPRO_CACHE:-${PROBE_CACHE:-/var/cache/probe-test}/static-repro}
for d in first second-build-dir; do
	mkdir -p "$T/$d"
	git -C "$ROOT" archive HEAD | tar -x -C "$T/$d"
	cache=$REPRO_CACHE
	[ "$d" = first ] || cache=${STATIC_CACHE:-}
	if ! ARCH=$ARCH STATIC_CACHE=$cache "$T/$d/scripts/build-static.sh" "$T/$d.bin" \
		>"$T/$d.log" 2>&1; then
		tail -n 30 "$T/$d.log"
		echo "repro-test: the build in $d failed"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
a=$(sha256sum <"$T/first.bin" | cut -d' ' -f1)
b=$(sha256sum <"$T/second-build-dir.bin" | cut -d' ' -f1)
if [ "$a" = "$b" ]; then
	echo "ok - $ARCH: two builds in two directories are byte-identical (sha256 $a, $(stat -c %s "$T/first.bin") bytes)"
	if cmp -s "$T/first.bin.cdx.json" "$T/second-build-dir.bin.cdx.json"; then
		echo "ok - $ARCH: and so are their SBOMs"
		echo "2 passed, 0 failed"
		exit 0
	fi
	echo "FAIL - $ARCH: the SBOMs differ:"
	diff "$T/first.bin.cdx.json" "$T/second-build-dir.bin.cdx.json" | head -n 20
	echo "1 passed, 1 failed"
	exit 1
fi
echo "FAIL - $ARCH: the two builds differ: $a against $b"
cmp -l "$T/first.bin" "$T/second-build-dir.bin" | head -n 10 | while read -r off _ _; do
	sec=$(readelf -SW "$T/first.bin" | awk -v o=$((off - 1)) '
		$1 ~ /^\[/ { sub(/^\[ */, ""); }
		/^ *[0-9]+\]/ { name = $2; offs = strtonum("0x" $5); size = strtonum("0x" $6);
			if (o >= offs && o < offs + size) print name }')
	echo "  offset $((off - 1)): section ${sec:-?}"
done
echo "0 passed, 1 failed"
exit 1
