#!/bin/sh
# release.sh DIR: the release files in DIR, from the static builds in bin/
# (make release builds them): probe-linux-RELEASE for each architecture
# of scripts/arches, each with its SBOM (NAME.cdx.json), and SHA256SUMS of
# them all. A binary larger than MAX_SIZE (1 MiB) fails the release: the
# promise is one small file in any container.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: release.sh DIR}
native=$(uname -m)
MAX_SIZE=1048576

# bin_for ARCH: where make static put the binary for ARCH.
bin_for() {
	if [ "$1" = "$native" ]; then echo "$ROOT/bin/probe-static"; else echo "$ROOT/bin/probe-static-$1"; fi
}

rm -rf "$OUT"
mkdir -p "$OUT"
for arch in $("$ROOT/scripts/arch.sh" names); do
	name=probe-linux-$("$ROOT/scripts/arch.sh" release "$arch")
	src=$(bin_for "$arch")
	[ -f "$src" ] && [ -f "$src.cdx.json" ] ||
		{ echo "release: no $src or its SBOM: run make static ARCH=$arch" >&2; exit 1; }
	size=$(wc -c <"$src")
	[ "$size" -le "$MAX_SIZE" ] ||
		{ echo "release: $src is $size bytes, more than $MAX_SIZE (1 MiB)" >&2; exit 1; }
	cp "$src" "$OUT/$name"
	cp "$src.cdx.json" "$OUT/$name.cdx.json"
done
(cd "$OUT" && sha256sum probe-linux-* >SHA256SUMS)
echo "release: $OUT:"
(cd "$OUT" && stat -c '  %s	%n' probe-linux-* SHA256SUMS)
