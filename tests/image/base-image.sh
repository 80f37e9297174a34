#!/bin/sh
# base-image.sh: make sure the image debian:bookworm-slim exists for
# Podman. Where no registry is reachable, make it with debootstrap from
# Debian's package archive (about 30 s) and import it under that name.
set -eu
IMAGE=debian:bookworm-slim
if podman image exists "$IMAGE"; then
	exit 0
fi
if podman pull -q "docker.io/library/$IMAGE" >/dev/null 2>&1; then
	exit 0
fi
MIRROR=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
DIR=$(mktemp -d /tmp/probe-rootfs.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
echo "base-image: no registry; making $IMAGE with debootstrap from $MIRROR" >&2
debootstrap --variant=minbase bookworm "$DIR" "$MIRROR" >"$DIR.log" 2>&1 ||
	{ tail -n 20 "$DIR.log" >&2; exit 1; }
rm -rf "$DIR/var/cache/apt/archives/"*.deb "$DIR/var/lib/apt/lists/"*
tar -C "$DIR" -c . | podman import - "$IMAGE" >/dev/null
rm -f "$DIR.log"
