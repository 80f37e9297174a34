#!/bin/sh
# apt-target.sh DEB_ARCH DIR PACKAGE...: Debian packages of another
# architecture unpacked into the sysroot DIR, without adding a dpkg
# architecture to this machine (whose apt would then need every index of
# that architecture, security's included). apt runs on a private state
# (build/static/apt-DEB_ARCH: lists, status, archives) naming bookworm's
# main suite for DEB_ARCH only, and checks each package against the signed
# index. DIR/manifest gets one line per file unpacked (path, package,
# version, source, source version, tab-separated), for scripts/sbom.py.
# apt-target.sh DEB_ARCH --kernel META prints the kernel package that the
# meta-package META depends on now.
set -eu
DEB_ARCH=${1:?usage: apt-target.sh DEB_ARCH DIR PACKAGE...}
DIR=${2:?usage: apt-target.sh DEB_ARCH DIR PACKAGE...}
shift 2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
apt=${APT_STATE:-$ROOT/build/static/apt-$DEB_ARCH}
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/sources.list.d"
[ "$DIR" = --kernel ] || mkdir -p "$DIR"
: >"$apt/status"
uri=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources \
	2>/dev/null | head -n 1)
[ -n "$uri" ] || uri=$(sed -n 's/^deb \(http[^ ]*\/debian\) .*/\1/p' /etc/apt/sources.list \
	2>/dev/null | head -n 1)
cat >"$apt/sources.list.d/target.sources" <<EOT
Types: deb
URIs: ${uri:-http://deb.debian.org/debian}
Suites: bookworm
Components: main
Architectures: $DEB_ARCH
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
APT="-o Dir::Etc::SourceParts=$apt/sources.list.d -o Dir::Etc::SourceList=/dev/null -o Dir::State::Lists=$apt/lists -o Dir::State::status=$apt/status -o Dir::Cache::Archives=$apt/archives -o Dir::Cache=$apt -o APT::Architecture=$DEB_ARCH -o APT::Architectures=$DEB_ARCH -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
[ -n "$(find "$apt/lists" -mindepth 1 -maxdepth 1 ! -name partial -print -quit 2>/dev/null)" ] ||
	apt-get $APT -qq update
# apt-target.sh DEB_ARCH --kernel META: the kernel package META names now.
if [ "$DIR" = --kernel ]; then
	# shellcheck disable=SC2086
	apt-cache $APT depends "${1:?usage: apt-target.sh DEB_ARCH --kernel META}" |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^: ]*\).*/\1/p' | head -n 1
	exit 0
fi
touch "$DIR/manifest"
for p in "$@"; do
	# shellcheck disable=SC2086
	v=$(apt-cache $APT policy "$p" | sed -n 's/^ *Candidate: //p')
	[ -n "$v" ] && [ "$v" != "(none)" ] || { echo "apt-target: no $p for $DEB_ARCH" >&2; exit 1; }
	grep -q "	$p:$DEB_ARCH	$v	" "$DIR/manifest" && continue
	echo "apt-target: $p:$DEB_ARCH $v into $DIR" >&2
	tmp=$(mktemp -d)
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get $APT -qq download "$p=$v")
	deb=$(ls "$tmp"/*.deb)
	dpkg-deb -x "$deb" "$DIR"
	src=$(dpkg-deb -f "$deb" Source)
	srcv=$(echo "$src" | sed -n 's/.*(\(.*\))/\1/p')
	src=${src%% *}
	dpkg-deb -c "$deb" | awk -v d="$DIR" -v p="$p:$DEB_ARCH" -v v="$v" \
		-v s="${src:-$p}" -v sv="${srcv:-$v}" \
		'$1 !~ /^d/ { f = $6; sub(/^\./, "", f); printf "%s%s\t%s\t%s\t%s\t%s\n", d, f, p, v, s, sv }' \
		>>"$DIR/manifest"
	rm -rf "$tmp"
done
