#!/bin/sh
# build-static.sh [OUT]: build probe as one fully static x86-64 executable
# (musl, libcurl with HTTP/HTTPS over mbedTLS, libmicrohttpd without
# HTTPS for probe serve, inih), by default
# bin/probe-static. The one way to build it: `make static` and the
# Dockerfile both call this script.
#
# Library sources are Debian's source packages (apt-get source, verified
# by apt against the signed archive index and by dpkg-source against the
# .dsc), with Debian's patches applied; the upstream tarballs are pinned
# here by SHA-256. Nothing fetched is committed: all of it lives under
# build/static/.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/bin/probe-static}
W=$ROOT/build/static
PREFIX=$W/prefix
JOBS=$(nproc 2>/dev/null || echo 2)

CURL_ORIG=curl_7.88.1.orig.tar.gz
CURL_SHA256=cdb38b72e36bc5d33d5b8810f8018ece1baa29a8f215b4495e495ded82bbf3c7
MBEDTLS_ORIG=mbedtls_2.28.3.orig.tar.gz
MBEDTLS_SHA256=3b4953aa55a681e084d31892d9904cc5328d6b4958ea57b90ae4b4f94ae69a8d
MHD_ORIG=libmicrohttpd_0.9.75.orig.tar.xz
MHD_SHA256=796e7e217a4802679fcac667a4e98501c53185dcf50ca0583870e84192620131
# Where HTTPS checks look for CA certificates unless ca_file says otherwise.
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

say() { echo "build-static: $*" >&2; }

"$ROOT/scripts/deps.sh" build static

# 1. Source packages, through a private deb-src list (the system's is left alone).
fetch() {
	apt=$W/apt
	mkdir -p "$apt/lists/partial" "$apt/sources.list.d" "$W/src"
	: >"$apt/sources.list.d/src.sources"
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
			>"$apt/sources.list.d/src.sources"
	fi
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >"$apt/sources.list.d/src.list"
	fi
	APT="-o Dir::Etc::SourceParts=$apt/sources.list.d -o Dir::Etc::SourceList=/dev/null -o Dir::State::Lists=$apt/lists -o APT::Sandbox::User=root"
	say "fetching source packages: $*"
	# shellcheck disable=SC2086
	apt-get $APT -qq update
	# shellcheck disable=SC2086
	(cd "$W/src" && apt-get $APT -qq source --download-only "$@")
}

verify() {
	echo "$2  $W/src/$1" | sha256sum -c --quiet - ||
		{ say "$1: checksum mismatch, expected $2"; exit 1; }
}

# unpack PKG: the source tree with Debian's patches, into $W/src/PKG
unpack() {
	rm -rf "$W/src/$1"
	dsc=$(ls "$W/src/$1"_*.dsc | head -n 1)
	(cd "$W/src" && dpkg-source --no-copy -x "$dsc" "$1" >"$W/$1-unpack.log" 2>&1) ||
		{ cat "$W/$1-unpack.log" >&2; exit 1; }
}

if [ ! -f "$W/src/$CURL_ORIG" ] || [ ! -f "$W/src/$MBEDTLS_ORIG" ] ||
	[ ! -f "$W/src/$MHD_ORIG" ]; then
	fetch curl mbedtls libmicrohttpd
fi
verify "$CURL_ORIG" "$CURL_SHA256"
verify "$MBEDTLS_ORIG" "$MBEDTLS_SHA256"
verify "$MHD_ORIG" "$MHD_SHA256"

# 2. mbedTLS, static, with musl.
if [ ! -f "$PREFIX/lib/libmbedtls.a" ]; then
	say "building mbedTLS"
	unpack mbedtls
	cmake -S "$W/src/mbedtls" -B "$W/mbedtls" -DCMAKE_C_COMPILER=musl-gcc \
		-DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_INSTALL_PREFIX="$PREFIX" \
		-DCMAKE_C_FLAGS="-ffunction-sections -fdata-sections" \
		-DENABLE_TESTING=OFF -DENABLE_PROGRAMS=OFF -DGEN_FILES=OFF \
		-DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DUSE_STATIC_MBEDTLS_LIBRARY=ON \
		-DMBEDTLS_FATAL_WARNINGS=OFF >"$W/mbedtls.log" 2>&1
	cmake --build "$W/mbedtls" -j "$JOBS" >>"$W/mbedtls.log" 2>&1
	cmake --install "$W/mbedtls" >>"$W/mbedtls.log" 2>&1
fi

# 3. libcurl: HTTP and HTTPS only, threaded resolver, IPv6, Unix sockets.
if [ ! -f "$PREFIX/lib/libcurl.a" ]; then
	say "building libcurl (HTTP/HTTPS only)"
	unpack curl
	cmake -S "$W/src/curl" -B "$W/curl" -DCMAKE_C_COMPILER=musl-gcc \
		-DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_INSTALL_PREFIX="$PREFIX" \
		-DCMAKE_C_FLAGS="-ffunction-sections -fdata-sections" \
		-DBUILD_SHARED_LIBS=OFF -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF \
		-DENABLE_MANUAL=OFF -DHTTP_ONLY=ON \
		-DCURL_USE_MBEDTLS=ON -DCURL_USE_OPENSSL=OFF \
		-DMBEDTLS_INCLUDE_DIRS="$PREFIX/include" \
		-DMBEDTLS_LIBRARY="$PREFIX/lib/libmbedtls.a" \
		-DMBEDX509_LIBRARY="$PREFIX/lib/libmbedx509.a" \
		-DMBEDCRYPTO_LIBRARY="$PREFIX/lib/libmbedcrypto.a" \
		-DCURL_CA_BUNDLE="$CA_BUNDLE" -DCURL_CA_PATH=none \
		-DENABLE_THREADED_RESOLVER=ON -DENABLE_IPV6=ON -DENABLE_UNIX_SOCKETS=ON \
		-DCURL_DISABLE_PROXY=ON -DCURL_DISABLE_COOKIES=ON \
		-DCURL_DISABLE_ALTSVC=ON -DCURL_DISABLE_HSTS=ON -DCURL_DISABLE_MIME=ON \
		-DCURL_DISABLE_NETRC=ON -DCURL_DISABLE_DOH=ON -DCURL_DISABLE_NTLM=ON \
		-DCURL_DISABLE_CRYPTO_AUTH=ON -DCURL_DISABLE_PROGRESS_METER=ON \
		-DCURL_DISABLE_GETOPTIONS=ON -DCURL_DISABLE_LDAP=ON \
		-DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF \
		-DUSE_LIBIDN2=OFF -DCURL_USE_LIBSSH2=OFF -DCURL_USE_GSSAPI=OFF \
		-DCURL_USE_LIBPSL=OFF >"$W/curl.log" 2>&1
	cmake --build "$W/curl" -j "$JOBS" >>"$W/curl.log" 2>&1
	cmake --install "$W/curl" >>"$W/curl.log" 2>&1
fi

# 4. libmicrohttpd for probe serve: plain HTTP (the kubelet's probes and
# Prometheus scrapes inside the pod), no auth, no post processor.
if [ ! -f "$PREFIX/lib/libmicrohttpd.a" ]; then
	say "building libmicrohttpd (HTTP only)"
	unpack libmicrohttpd
	(cd "$W/src/libmicrohttpd" &&
		./configure CC=musl-gcc CFLAGS="-Os -ffunction-sections -fdata-sections" \
			--prefix="$PREFIX" --disable-shared --enable-static \
			--disable-https --without-gnutls --disable-curl --disable-doc \
			--disable-examples --disable-tools --disable-dauth --disable-bauth \
			--disable-postprocessor --disable-httpupgrade --disable-nls \
			--enable-epoll &&
		make -C src/microhttpd -j "$JOBS" install &&
		make -C src/include install) >"$W/libmicrohttpd.log" 2>&1 ||
		{ tail -n 30 "$W/libmicrohttpd.log" >&2; exit 1; }
fi

# 5. inih: Debian's static library links against musl; musl-gcc does not
# search /usr/include, so its one header is copied next to curl's.
cp /usr/include/ini.h "$PREFIX/include/"

# 6. probe itself, through the same Makefile rules as the dynamic build.
say "building probe"
make -C "$ROOT" -s BUILD="$W/obj" CC=musl-gcc \
	CFLAGS="-Os -ffunction-sections -fdata-sections" \
	LIBS_CFLAGS="-I$PREFIX/include -DCURL_STATICLIB" \
	LIBS="$PREFIX/lib/libcurl.a $PREFIX/lib/libmbedtls.a $PREFIX/lib/libmbedx509.a $PREFIX/lib/libmbedcrypto.a $PREFIX/lib/libmicrohttpd.a /usr/lib/x86_64-linux-gnu/libinih.a -lpthread" \
	LDFLAGS="-static -s -Wl,--gc-sections" \
	"$W/obj/bin/probe"
mkdir -p "$(dirname "$OUT")"
cp "$W/obj/bin/probe" "$OUT"
say "$OUT: $(stat -c %s "$OUT") bytes, $(file -b "$OUT" | cut -d, -f1-5)"
