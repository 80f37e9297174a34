#!/usr/bin/env bash
# build-kubelet.sh: a kubelet built from Debian's kubernetes source package
# (1.20, with its vendor/ tree) with Debian's Go, in GOPATH mode as
# Kubernetes 1.20 builds itself. Cached outside the checkout, keyed by the
# source package's version: $PROBE_CACHE (default /var/cache/probe-test)/
# kube/VERSION/kubelet, with Go's build cache beside it. Prints the
# kubelet's path. About 2.5 minutes and 1.4 GB from a cold cache.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${PROBE_CACHE:-/var/cache/probe-test}/kube
say() { echo "build-kubelet: $*" >&2; }

"$ROOT/scripts/deps.sh" kube >&2
mkdir -p "$BASE/apt"
# The newest 1.20 the archive has (bookworm's, checked against its index).
APT_STATE=$BASE/apt "$ROOT/scripts/apt-source.sh" "$BASE/dl"
APT="-o Dir::Etc::SourceParts=$BASE/apt/sources.list.d -o Dir::Etc::SourceList=/dev/null -o Dir::State::Lists=$BASE/apt/lists"
# shellcheck disable=SC2086
VERSION=$(apt-cache $APT showsrc kubernetes | sed -n 's/^Version: \(1\.20\..*\)$/\1/p' | head -n 1)
[ -n "$VERSION" ] || { say "no kubernetes 1.20 source package in the archive"; exit 1; }
C=$BASE/$VERSION
if [ -x "$C/kubelet" ]; then
	echo "$C/kubelet"
	exit 0
fi
mkdir -p "$C/dl"
APT_STATE=$BASE/apt "$ROOT/scripts/apt-source.sh" "$C/dl" "kubernetes=$VERSION" >&2
rm -rf "$C/gopath"
mkdir -p "$C/gopath/src/k8s.io"
tar -C "$C/gopath/src/k8s.io" -xzf "$C"/dl/kubernetes_*.orig.tar.gz
mv "$C/gopath/src/k8s.io"/kubernetes-* "$C/gopath/src/k8s.io/kubernetes"
# The vendored reflect2 1.0.1 crashes under Go 1.18 and later; Debian's
# 1.0.2 is a drop-in.
R=$C/gopath/src/k8s.io/kubernetes/vendor/github.com/modern-go/reflect2
rm -f "$R"/*.go "$R"/*.s
cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go "$R/"
cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.s "$R/" 2>/dev/null || true
tag=v$(echo "$VERSION" | sed 's/^.*really//; s/-.*//')
say "building the kubelet $tag (Debian $VERSION)"
(cd "$C/gopath/src/k8s.io/kubernetes" &&
	GOPATH=$C/gopath GOCACHE=$C/gocache GO111MODULE=off GOPROXY=off \
	CGO_ENABLED=0 go build -o "$C/kubelet.new" \
	-ldflags "-X k8s.io/kubernetes/vendor/k8s.io/component-base/version.gitVersion=$tag" \
	./cmd/kubelet) >&2
mv "$C/kubelet.new" "$C/kubelet"
rm -rf "$C/dl"
echo "$C/kubelet"
