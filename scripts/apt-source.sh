#!/bin/sh
# apt-source.sh DIR [NAME=VERSION...]: download Debian source packages into
# DIR through a private deb-src list (the system's is left alone) naming
# bookworm and trixie from the system's own Debian mirror. apt checks each
# file against the signed archive index. APT_STATE (default
# build/static/apt under the tree) holds the list and its index.
set -eu
DIR=$1
shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
apt=${APT_STATE:-$ROOT/build/static/apt}
mkdir -p "$apt/lists/partial" "$apt/sources.list.d" "$DIR"
uri=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources \
	2>/dev/null | head -n 1)
[ -n "$uri" ] || uri=$(sed -n 's/^deb \(http[^ ]*\/debian\) .*/\1/p' /etc/apt/sources.list \
	2>/dev/null | head -n 1)
cat >"$apt/sources.list.d/src.sources" <<EOT
Types: deb-src
URIs: ${uri:-http://deb.debian.org/debian}
Suites: bookworm trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
APT="-o Dir::Etc::SourceParts=$apt/sources.list.d -o Dir::Etc::SourceList=/dev/null -o Dir::State::Lists=$apt/lists -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get $APT -qq update
[ $# -gt 0 ] || exit 0	# the index only
echo "apt-source: fetching source packages: $*" >&2
# shellcheck disable=SC2086
(cd "$DIR" && apt-get $APT -qq source --download-only "$@")
