#!/usr/bin/env bash
# build-kube.sh: Kubernetes 1.20 built from Debian's kubernetes source
# package (with its vendor/ tree) with Debian's Go, in GOPATH mode as
# Kubernetes 1.20 builds itself: kubelet, kube-apiserver,
# kube-controller-manager, kube-scheduler and kubectl. Cached outside the
# checkout, keyed by the source package's version: $PROBE_CACHE (default
# /var/cache/probe-test)/kube/VERSION/, with Go's build cache beside the
# binaries. Prints that directory. About 6 minutes and 1.4 GB from a cold
# cache.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${PROBE_CACHE:-/var/cache/probe-test}/kube
BINS="kubelet kube-apiserver kube-controller-manager kube-scheduler kubectl"
say() { echo "build-kube: $*" >&2; }

"$ROOT/scripts/deps.sh" kube >&2
mkdir -p "$BASE/apt"
# The newest 1.20 the archive has (bookworm's, checked against its index).
APT_STATE=$BASE/apt "$ROOT/scripts/apt-source.sh" "$BASE/dl"
APT="-o Dir::Etc::SourceParts=$BASE/apt/sources.list.d -o Dir::Etc::SourceList=/dev/null -o Dir::State::Lists=$BASE/apt/lists"
# shellcheck disable=SC2086
VERSION=$(apt-cache $APT showsrc kubernetes | sed -n 's/^Version: \(1\.20\..*\)$/\1/p' | head -n 1)
[ -n "$VERSION" ] || { say "no kubernetes 1.20 source package in the archive"; exit 1; }
C=$BASE/$VERSION
K=$C/gopath/src/k8s.io/kubernetes
have=1
for b in $BINS; do [ -x "$C/$b" ] || have=0; done
if [ $have = 1 ]; then
	echo "$C"
	exit 0
fi
gobuild() {	# gobuild ARGS...: go build in the tree, GOPATH mode, offline
	(cd "$K" && GOPATH=$C/gopath GOCACHE=$C/gocache GO111MODULE=off GOPROXY=off \
		CGO_ENABLED=0 go build "$@") >&2
}
if [ ! -d "$K" ]; then
	mkdir -p "$C/dl"
	APT_STATE=$BASE/apt "$ROOT/scripts/apt-source.sh" "$C/dl" "kubernetes=$VERSION" >&2
	mkdir -p "$C/gopath/src/k8s.io"
	tar -C "$C/gopath/src/k8s.io" -xzf "$C"/dl/kubernetes_*.orig.tar.gz
	mv "$C/gopath/src/k8s.io"/kubernetes-* "$K"
	rm -rf "$C/dl"
	# The vendored reflect2 1.0.1 crashes under Go 1.18 and later;
	# Debian's 1.0.2 is a drop-in.
	R=$K/vendor/github.com/modern-go/reflect2
	rm -f "$R"/*.go "$R"/*.s
	cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go "$R/"
	cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.s "$R/" 2>/dev/null || true
fi
# kube-apiserver needs the generated OpenAPI definitions, which the source
# package does not carry: openapi-gen over every package tagged
# +k8s:openapi-gen=, found as build/root/Makefile.generated_files finds
# them (the tree without vendor/, staging/src named vendor/).
O=$K/pkg/generated/openapi/zz_generated.openapi.go
if [ ! -s "$O" ]; then
	say "generating the OpenAPI definitions"
	gobuild -o "$C/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen
	dirs=$(cd "$K" && find -H . \( -path ./_\* -o -path ./.\* -o -path ./vendor \) -prune -o \
		-type f -name '*.go' -print0 | xargs -0 grep -l '^// *+k8s:' | xargs grep -l '+k8s:openapi-gen=' |
		sed 's|^\./||; s|/[^/]*$||; s|^staging/src/|vendor/|' |
		grep -v '^vendor/k8s.io/\(code-generator\|sample-apiserver\)/' | LC_ALL=C sort -u |
		sed 's|^|k8s.io/kubernetes/|' | paste -sd,)
	(cd "$K" && GOPATH=$C/gopath GO111MODULE=off "$C/openapi-gen" --logtostderr -i "$dirs" \
		-p k8s.io/kubernetes/pkg/generated/openapi -O zz_generated.openapi \
		-h vendor/k8s.io/code-generator/hack/boilerplate.go.txt -r "$C/openapi-violations.report") >&2
fi
tag=v$(echo "$VERSION" | sed 's/^.*really//; s/-.*//')
say "building Kubernetes $tag (Debian $VERSION): $BINS"
mkdir -p "$C/new"
# shellcheck disable=SC2046
gobuild -p 2 -o "$C/new/" \
	-ldflags "-X k8s.io/kubernetes/vendor/k8s.io/component-base/version.gitVersion=$tag" \
	$(for b in $BINS; do echo "./cmd/$b"; done)
for b in $BINS; do mv "$C/new/$b" "$C/$b"; done
rmdir "$C/new"
echo "$C"
