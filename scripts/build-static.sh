#!/usr/bin/env bash
# build-static.sh [OUT]: build probe as one fully static executable (musl,
# libcurl with HTTP/HTTPS over mbedTLS and HTTP/2 over nghttp2 for gRPC
# checks, libmicrohttpd without HTTPS for probe serve, inih) for ARCH
# (a name of scripts/arches; default: this machine's), by default
# bin/probe-static, or bin/probe-static-ARCH when cross-compiling. The one
# way to build it: `make static [ARCH=aarch64]` and the Dockerfile call it.
#
# Reproducible: the same commit gives the same bytes in any directory (no
# build paths, no build id, dates from SOURCE_DATE_EPOCH, else the last
# commit); `make repro-test` checks it.
#
# Library sources are Debian's source packages (apt-get source, verified
# by apt against the signed archive index and by dpkg-source against the
# .dsc), with Debian's patches applied; the versions and the upstream
# tarballs are pinned here by SHA-256. Nothing fetched is committed: all
# of it lives under build/static/.
#
# curl and mbedTLS come from Debian 13 (trixie): mbedTLS 2.28, bookworm's,
# matches no iPAddress subjectAltName (a certificate for IP:127.0.0.1 was
# judged "CN mismatch") and, with curl 7.88, speaks no TLS 1.3. mbedTLS
# 3.6 LTS does both, so the static build judges certificates as the
# dynamic build (OpenSSL) does.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NATIVE=$(uname -m)
ARCH=${ARCH:-$NATIVE}
# Its row of scripts/arches. A target whose musl is not installed as a
# second dpkg architecture ("multiarch") gets a sysroot of its own.
TRIPLE=$("$ROOT/scripts/arch.sh" triplet "$ARCH") || exit 2
QEMU=$("$ROOT/scripts/arch.sh" qemu "$ARCH")
MUSL=$("$ROOT/scripts/arch.sh" musl "$ARCH")
if [ "$ARCH" != "$NATIVE" ] && [ "$MUSL" != multiarch ]; then
	DEB_ARCH=$("$ROOT/scripts/arch.sh" deb "$ARCH")
fi
if [ "$ARCH" = "$NATIVE" ]; then
	OUT=${1:-$ROOT/bin/probe-static}
else
	OUT=${1:-$ROOT/bin/probe-static-$ARCH}
fi
DL=${STATIC_DL:-$ROOT/build/static/src}	# the fetched sources, for every ARCH
W=$ROOT/build/static/$ARCH
PREFIX=$W/prefix
JOBS=$(nproc 2>/dev/null || echo 2)
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH
# No build paths in the objects: what is under ROOT is named from ROOT.
REPRO="-ffile-prefix-map=$ROOT=."

CURL_VERSION=8.14.1-2+deb13u5
CURL_ORIG=curl_8.14.1.orig.tar.gz
CURL_SHA256=6766ada7101d292b42b8b15681120acd68effa4a9660935853cf6d61f0d984d4
MBEDTLS_VERSION=3.6.6-0.1~deb13u1
MBEDTLS_ORIG=mbedtls_3.6.6.orig.tar.bz2
MBEDTLS_SHA256=8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a
NGHTTP2_VERSION=1.52.0-1+deb12u3
NGHTTP2_ORIG=nghttp2_1.52.0.orig.tar.gz
NGHTTP2_SHA256=6b71561a9950b4a90fa36aa3160763f1437f3730d7a12434e416aa3f4ab145e0
MHD_VERSION=0.9.75-6
MHD_ORIG=libmicrohttpd_0.9.75.orig.tar.xz
MHD_SHA256=796e7e217a4802679fcac667a4e98501c53185dcf50ca0583870e84192620131
CJSON_VERSION=1.7.15-1+deb12u4
CJSON_ORIG=cjson_1.7.15.orig.tar.gz
CJSON_SHA256=5308fd4bd90cef7aa060558514de6a1a4a0819974a26e6ed13973c5f624c24b2
# mbedTLS features a TLS client of ours never uses, left out for size
# (about 200 KB): the server side, DTLS, debug strings, certificate writing,
# CRLs, PKCS#5/7/12 (encrypted keys are not supported), PSK key exchanges,
# rare ciphers, modes, hashes and curves (P-256, P-384, P-521, X25519 and
# X448 stay, with RSA); the max-fragment-length extension, which libcurl
# never asks for; renegotiation (3.8 KB on ppc64le, which it would take
# over 1 MiB), used only by TLS 1.2 servers that ask for a client
# certificate on some paths after the handshake. DHE-RSA stays (8.7 KB):
# without it a healthy server that offers nothing else would fail every
# check of the static build. What one connection per run never uses:
# session tickets and TLS 1.3's PSK modes and early data (resumption);
# X448, static ECDH key exchange and CCM, which no server offers without
# X25519, ECDHE and GCM; deterministic ECDSA (a client certificate's
# signature is as good with a random nonce) and its HMAC_DRBG.
MBEDTLS_UNSET="MBEDTLS_SSL_SRV_C MBEDTLS_DEBUG_C MBEDTLS_SSL_PROTO_DTLS
MBEDTLS_SSL_DTLS_ANTI_REPLAY MBEDTLS_SSL_DTLS_HELLO_VERIFY
MBEDTLS_SSL_DTLS_CLIENT_PORT_REUSE MBEDTLS_SSL_DTLS_CONNECTION_ID
MBEDTLS_SSL_COOKIE_C MBEDTLS_SSL_TICKET_C MBEDTLS_NET_C MBEDTLS_TIMING_C
MBEDTLS_SELF_TEST MBEDTLS_VERSION_FEATURES MBEDTLS_X509_CSR_PARSE_C
MBEDTLS_X509_CSR_WRITE_C MBEDTLS_X509_CRT_WRITE_C MBEDTLS_X509_CREATE_C
MBEDTLS_PEM_WRITE_C MBEDTLS_CAMELLIA_C MBEDTLS_ARIA_C MBEDTLS_DES_C
MBEDTLS_NIST_KW_C MBEDTLS_LMS_C MBEDTLS_PSA_CRYPTO_STORAGE_C
MBEDTLS_PSA_ITS_FILE_C MBEDTLS_ECJPAKE_C MBEDTLS_SSL_CONTEXT_SERIALIZATION
MBEDTLS_X509_CRL_PARSE_C MBEDTLS_PKCS7_C MBEDTLS_SHA3_C MBEDTLS_RIPEMD160_C
MBEDTLS_CIPHER_MODE_CFB MBEDTLS_CIPHER_MODE_OFB MBEDTLS_CIPHER_MODE_XTS
MBEDTLS_GENPRIME MBEDTLS_ECP_DP_SECP192R1_ENABLED MBEDTLS_ECP_DP_SECP224R1_ENABLED
MBEDTLS_ECP_DP_SECP192K1_ENABLED MBEDTLS_ECP_DP_SECP224K1_ENABLED
MBEDTLS_ECP_DP_SECP256K1_ENABLED MBEDTLS_ECP_DP_BP256R1_ENABLED
MBEDTLS_ECP_DP_BP384R1_ENABLED MBEDTLS_ECP_DP_BP512R1_ENABLED
MBEDTLS_KEY_EXCHANGE_PSK_ENABLED MBEDTLS_KEY_EXCHANGE_DHE_PSK_ENABLED
MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED MBEDTLS_KEY_EXCHANGE_RSA_PSK_ENABLED
MBEDTLS_PKCS12_C MBEDTLS_PKCS5_C MBEDTLS_PK_RSA_ALT_SUPPORT MBEDTLS_CMAC_C
MBEDTLS_SSL_RENEGOTIATION MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
MBEDTLS_SSL_SESSION_TICKETS MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED
MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED MBEDTLS_SSL_EARLY_DATA
MBEDTLS_ECP_DP_CURVE448_ENABLED MBEDTLS_KEY_EXCHANGE_ECDH_ECDSA_ENABLED
MBEDTLS_KEY_EXCHANGE_ECDH_RSA_ENABLED MBEDTLS_CCM_C MBEDTLS_ECDSA_DETERMINISTIC
MBEDTLS_HMAC_DRBG_C"
# For size (-Os): -O2 made the binary 65 KB larger and an HTTPS check only
# about 4% faster (make bench, 2026-12-01).
MBEDTLS_BUILD=MinSizeRel
# Where HTTPS checks look for CA certificates unless ca_file says otherwise.
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

say() { echo "build-static: $*" >&2; }

"$ROOT/scripts/deps.sh" build static
CC=musl-gcc
CROSS=()
# The target's musl, inih and kernel headers: installed as packages of a
# second dpkg architecture (arm64), or unpacked into a sysroot of our own
# (armv7, ppc64le, s390x: scripts/apt-target.sh), whose files sbom.py
# finds in its manifest.
SYSROOT=""
if [ "$ARCH" != "$NATIVE" ]; then
	"$ROOT/scripts/deps.sh" "$ARCH"
	specs=/usr/lib/$ARCH-linux-musl/musl-gcc.specs
	mkdir -p "$W/bin"
	if [ -n "${DEB_ARCH:-}" ]; then
		SYSROOT=$W/sysroot
		"$ROOT/scripts/apt-target.sh" "$DEB_ARCH" "$SYSROOT" musl-dev libinih-dev linux-libc-dev
		sed "s|/usr/|$SYSROOT/usr/|g" "$SYSROOT/usr/lib/$MUSL/musl-gcc.specs" >"$W/bin/musl-gcc.specs"
		specs=$W/bin/musl-gcc.specs
		export SBOM_MANIFEST=$SYSROOT/manifest
		# Always static: then gcc links libc and libgcc as a group, and
		# 32-bit ARM's libgcc needs raise() from libc (configure's tests);
		# the musl specs of these architectures name no dynamic loader
		# that exists here either.
		static=-static
	fi
	# musl-gcc for the target: the cross compiler with musl's specs.
	CC=$W/bin/$ARCH-linux-musl-gcc
	printf '#!/bin/sh\nexec %s-gcc "$@" -specs %s %s\n' "$TRIPLE" "$specs" "${static:-}" >"$CC"
	chmod +x "$CC"
	CROSS=(-DCMAKE_SYSTEM_NAME=Linux "-DCMAKE_SYSTEM_PROCESSOR=$ARCH"
		"-DCMAKE_AR=/usr/bin/$TRIPLE-ar" "-DCMAKE_RANLIB=/usr/bin/$TRIPLE-ranlib"
		"-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/qemu-$QEMU-static")
fi
# No unwind tables: nothing here unwinds (C only, no backtraces), and
# .eh_frame was about a tenth of each binary.
LIB_CFLAGS="-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables $REPRO"

# 1. Source packages, through a private deb-src list (scripts/apt-source.sh).
fetch() {
	APT_STATE=$ROOT/build/static/apt "$ROOT/scripts/apt-source.sh" "$DL" "$@"
}

verify() {
	echo "$2  $DL/$1" | sha256sum -c --quiet - ||
		{ say "$1: checksum mismatch, expected $2"; exit 1; }
}

# unpack PKG VERSION: the source tree with Debian's patches, into $W/src/PKG,
# then ours (scripts/patches/PKG/*.patch: fixes Debian does not ship yet,
# each saying why), named in debian/patches/probe-series for the SBOM.
unpack() {
	rm -rf "$W/src/$1"
	mkdir -p "$W/src"
	dsc=$DL/${1}_${2#*:}.dsc
	dpkg-source --no-copy -x "$dsc" "$W/src/$1" >"$W/$1-unpack.log" 2>&1 ||
		{ cat "$W/$1-unpack.log" >&2; exit 1; }
	mkdir -p "$W/src/$1/debian/patches"
	: >"$W/src/$1/debian/patches/probe-series"
	for p in "$ROOT/scripts/patches/$1"/*.patch; do
		[ -f "$p" ] || continue
		patch -d "$W/src/$1" -p1 --quiet --no-backup-if-mismatch <"$p" ||
			{ say "$p does not apply to $1 $2"; exit 1; }
		basename "$p" >>"$W/src/$1/debian/patches/probe-series"
	done
}

if [ ! -f "$DL/$CURL_ORIG" ] || [ ! -f "$DL/$MBEDTLS_ORIG" ] ||
	[ ! -f "$DL/$MHD_ORIG" ] || [ ! -f "$DL/$NGHTTP2_ORIG" ] ||
	[ ! -f "$DL/$CJSON_ORIG" ]; then
	fetch "curl=$CURL_VERSION" "mbedtls=$MBEDTLS_VERSION" "libmicrohttpd=$MHD_VERSION" \
		"nghttp2=$NGHTTP2_VERSION" "cjson=$CJSON_VERSION"
fi
verify "$CURL_ORIG" "$CURL_SHA256"
verify "$MBEDTLS_ORIG" "$MBEDTLS_SHA256"
verify "$MHD_ORIG" "$MHD_SHA256"
verify "$NGHTTP2_ORIG" "$NGHTTP2_SHA256"
verify "$CJSON_ORIG" "$CJSON_SHA256"

# The libraries are keyed by all that makes them: the pinned versions
# and tarballs, the options, the steps below that build them, the
# compiler. Libraries in build/ made otherwise are built again.
stamp=$(echo "$ARCH $CURL_VERSION $MBEDTLS_VERSION $MHD_VERSION $NGHTTP2_VERSION $CJSON_VERSION" \
	"$MBEDTLS_BUILD $MBEDTLS_UNSET $LIB_CFLAGS" | tr '\n' ' ')
key=$({ echo "$stamp $CURL_SHA256 $MBEDTLS_SHA256 $MHD_SHA256 $NGHTTP2_SHA256 $CJSON_SHA256" |
	sed "s|$ROOT|ROOT|g"; sed -n '/^# 2\. mbedTLS/,/^# 6\. inih/p' "$0"
	cat "$ROOT"/scripts/patches/*/*.patch 2>/dev/null
	"$CC" --version 2>&1 | head -n 1
	# a cross compiler's wrapper: its specs and flags
	[ ! -f "$CC" ] || sed "s|$ROOT|ROOT|g" "$CC"; } | sha256sum | cut -c1-20)
if [ "$(cat "$PREFIX/versions" 2>/dev/null)" != "$key" ]; then
	rm -rf "$PREFIX" "$W/mbedtls" "$W/curl" "$W/nghttp2"
	mkdir -p "$PREFIX"
	echo "$key" >"$PREFIX/versions"
fi

# The built libraries are also kept outside the checkout under that key
# (a fresh clone builds them again otherwise). STATIC_CACHE=off builds
# from scratch (make repro-test).
CACHE=${STATIC_CACHE:-${PROBE_CACHE:-/var/cache/probe-test}/static}
C=$CACHE/$ARCH-$key
built_here=0
if [ "$CACHE" != off ] && [ -f "$C/prefix/lib/libcurl.a" ] &&
	[ ! -f "$PREFIX/lib/libcjson.a" ]; then
	say "libraries from the cache ($C)"
	cp -a "$C/prefix/." "$PREFIX/"
	echo "$key" >"$PREFIX/versions"
	for pkg in curl mbedtls nghttp2 libmicrohttpd cjson; do
		mkdir -p "$W/src/$pkg/debian/patches"
		cp "$C/series/$pkg" "$W/src/$pkg/debian/patches/series" 2>/dev/null || true
		cp "$C/series/$pkg.probe" "$W/src/$pkg/debian/patches/probe-series" 2>/dev/null || true
	done
fi

# 2. mbedTLS, static, with musl.
if [ ! -f "$PREFIX/lib/libmbedtls.a" ]; then
	built_here=1
	say "building mbedTLS"
	unpack mbedtls "$MBEDTLS_VERSION"
	for opt in $MBEDTLS_UNSET; do
		python3 "$W/src/mbedtls/scripts/config.py" \
			-f "$W/src/mbedtls/include/mbedtls/mbedtls_config.h" unset "$opt"
	done
	cmake -S "$W/src/mbedtls" -B "$W/mbedtls" -DCMAKE_C_COMPILER="$CC" "${CROSS[@]}" \
		-DCMAKE_BUILD_TYPE=$MBEDTLS_BUILD -DCMAKE_INSTALL_PREFIX="$PREFIX" \
		-DCMAKE_C_FLAGS="$LIB_CFLAGS" \
		-DENABLE_TESTING=OFF -DENABLE_PROGRAMS=OFF -DGEN_FILES=OFF \
		-DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DUSE_STATIC_MBEDTLS_LIBRARY=ON \
		-DMBEDTLS_FATAL_WARNINGS=OFF >"$W/mbedtls.log" 2>&1 ||
		{ tail -n 40 "$W/mbedtls.log" >&2; exit 1; }
	cmake --build "$W/mbedtls" -j "$JOBS" >>"$W/mbedtls.log" 2>&1 ||
		{ tail -n 40 "$W/mbedtls.log" >&2; exit 1; }
	cmake --install "$W/mbedtls" >>"$W/mbedtls.log" 2>&1
fi

# 3. nghttp2, the library only: HTTP/2 for gRPC checks.
if [ ! -f "$PREFIX/lib/libnghttp2.a" ]; then
	built_here=1
	say "building nghttp2 (library only)"
	unpack nghttp2 "$NGHTTP2_VERSION"
	cmake -S "$W/src/nghttp2" -B "$W/nghttp2" -DCMAKE_C_COMPILER="$CC" "${CROSS[@]}" \
		-DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_INSTALL_PREFIX="$PREFIX" \
		-DCMAKE_INSTALL_LIBDIR=lib \
		-DCMAKE_C_FLAGS="$LIB_CFLAGS" \
		-DENABLE_LIB_ONLY=ON -DENABLE_STATIC_LIB=ON -DENABLE_SHARED_LIB=OFF \
		-DENABLE_DOC=OFF -DWITH_LIBXML2=OFF -DWITH_JEMALLOC=OFF \
		>"$W/nghttp2.log" 2>&1 || { tail -n 40 "$W/nghttp2.log" >&2; exit 1; }
	cmake --build "$W/nghttp2" -j "$JOBS" >>"$W/nghttp2.log" 2>&1 ||
		{ tail -n 40 "$W/nghttp2.log" >&2; exit 1; }
	cmake --install "$W/nghttp2" >>"$W/nghttp2.log" 2>&1
fi

# 4. libcurl: HTTP/1.1, HTTP/2 and HTTPS only, threaded resolver, IPv6,
# Unix sockets. Left out besides: its verbose strings (the probe never
# turns CURLOPT_VERBOSE on; errors keep their words); what a check never asks libcurl for
# (Digest and Bearer authentication, which need CURLOPT_HTTPAUTH or a
# token; the headers and form APIs; binding to an interface; dates, which
# only cookies, HSTS and file times parse), so the binaries of every
# architecture stay under 1 MiB (ppc64le's code is the largest).
if [ ! -f "$PREFIX/lib/libcurl.a" ]; then
	built_here=1
	say "building libcurl (HTTP/HTTPS only)"
	unpack curl "$CURL_VERSION"
	cmake -S "$W/src/curl" -B "$W/curl" -DCMAKE_C_COMPILER="$CC" "${CROSS[@]}" \
		-DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_INSTALL_PREFIX="$PREFIX" \
		-DCMAKE_C_FLAGS="$LIB_CFLAGS" \
		-DBUILD_SHARED_LIBS=OFF -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF \
		-DENABLE_CURL_MANUAL=OFF -DBUILD_LIBCURL_DOCS=OFF -DBUILD_MISC_DOCS=OFF \
		-DHTTP_ONLY=ON -DCURL_USE_MBEDTLS=ON -DCURL_USE_OPENSSL=OFF \
		-DMBEDTLS_INCLUDE_DIR="$PREFIX/include" \
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
		-DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=ON \
		-DNGHTTP2_INCLUDE_DIR="$PREFIX/include" \
		-DNGHTTP2_LIBRARY="$PREFIX/lib/libnghttp2.a" \
		-DUSE_LIBIDN2=OFF -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF \
		-DCURL_USE_GSSAPI=OFF -DCURL_USE_LIBPSL=OFF -DCURL_DISABLE_WEBSOCKETS=ON \
		-DCURL_DISABLE_SRP=ON -DCURL_DISABLE_AWS=ON -DCURL_DISABLE_KERBEROS_AUTH=ON \
		-DCURL_DISABLE_NEGOTIATE_AUTH=ON -DCURL_DISABLE_BASIC_AUTH=OFF \
		-DUSE_HTTPSRR=OFF -DUSE_ECH=OFF -DUSE_SSLS_EXPORT=OFF \
		-DCURL_DISABLE_DIGEST_AUTH=ON -DCURL_DISABLE_BEARER_AUTH=ON \
		-DCURL_DISABLE_SHA512_256=ON -DCURL_DISABLE_HEADERS_API=ON \
		-DCURL_DISABLE_FORM_API=ON -DCURL_DISABLE_BINDLOCAL=ON \
		-DCURL_DISABLE_PARSEDATE=ON -DCURL_DISABLE_IPFS=ON \
		-DCURL_DISABLE_SHUFFLE_DNS=ON -DCURL_DISABLE_VERBOSE_STRINGS=ON \
		>"$W/curl.log" 2>&1 || { tail -n 40 "$W/curl.log" >&2; exit 1; }
	cmake --build "$W/curl" -j "$JOBS" >>"$W/curl.log" 2>&1 ||
		{ tail -n 40 "$W/curl.log" >&2; exit 1; }
	cmake --install "$W/curl" >>"$W/curl.log" 2>&1
fi

# 5. libmicrohttpd for probe serve: plain HTTP (the kubelet's probes and
# Prometheus scrapes inside the pod), no auth, no post processor, no
# messages of its own (they are printed only with MHD_USE_ERROR_LOG,
# which serve does not set: it says what failed itself).
if [ ! -f "$PREFIX/lib/libmicrohttpd.a" ]; then
	built_here=1
	say "building libmicrohttpd (HTTP only)"
	unpack libmicrohttpd "$MHD_VERSION"
	(cd "$W/src/libmicrohttpd" &&
		./configure CC="$CC" CFLAGS="-Os $LIB_CFLAGS" \
			--host="$TRIPLE" --build="$NATIVE-linux-gnu" \
			--prefix="$PREFIX" --disable-shared --enable-static \
			--disable-https --without-gnutls --disable-curl --disable-doc \
			--disable-examples --disable-tools --disable-dauth --disable-bauth \
			--disable-postprocessor --disable-httpupgrade --disable-nls \
			--disable-messages --disable-sendfile --disable-thread-names \
			--enable-epoll &&
		make -C src/microhttpd -j "$JOBS" install &&
		make -C src/include install) >"$W/libmicrohttpd.log" 2>&1 ||
		{ tail -n 30 "$W/libmicrohttpd.log" >&2; exit 1; }
fi

# 5b. cJSON for expect_json: its one file, with Debian's patches.
if [ ! -f "$PREFIX/lib/libcjson.a" ]; then
	built_here=1
	say "building cJSON"
	unpack cjson "$CJSON_VERSION"
	mkdir -p "$W/cjson" "$PREFIX/include/cjson"
	read -r -a lib_cflags <<<"$LIB_CFLAGS"
	"$CC" -Os "${lib_cflags[@]}" -std=c89 -c "$W/src/cjson/cJSON.c" -o "$W/cjson/cJSON.o" &&
		"${TRIPLE}-ar" rcsD "$PREFIX/lib/libcjson.a" "$W/cjson/cJSON.o" &&
		cp "$W/src/cjson/cJSON.h" "$PREFIX/include/cjson/" ||
		{ say "cJSON did not build"; exit 1; }
fi

if [ "$built_here" = 1 ] && [ "$CACHE" != off ] && [ ! -e "$C" ] &&
	mkdir -p "$CACHE" 2>/dev/null; then
	tmp=$(mktemp -d "$CACHE/.new.XXXXXX")
	cp -a "$PREFIX" "$tmp/prefix"
	mkdir -p "$tmp/series"
	for pkg in curl mbedtls nghttp2 libmicrohttpd cjson; do
		cp "$W/src/$pkg/debian/patches/series" "$tmp/series/$pkg" 2>/dev/null || true
		cp "$W/src/$pkg/debian/patches/probe-series" "$tmp/series/$pkg.probe" 2>/dev/null || true
	done
	mv "$tmp" "$C" 2>/dev/null || rm -rf "$tmp"
fi

# 6. inih: Debian's static library links against musl; musl-gcc does not
# search /usr/include, so its one header is copied next to curl's, and so
# are the kernel's headers the sandbox needs (seccomp, BPF, Landlock), for
# the target (linux-libc-dev, linux-libc-dev:arm64).
cp /usr/include/ini.h "$PREFIX/include/"
rm -rf "$PREFIX/include/linux" "$PREFIX/include/asm" "$PREFIX/include/asm-generic"
cp -r /usr/include/linux /usr/include/asm-generic "$PREFIX/include/"
cp -r "$SYSROOT/usr/include/$TRIPLE/asm" "$PREFIX/include/"

# 7. probe itself, through the same Makefile rules as the dynamic build.
# HOOKS=1: the test build with the sandbox's escape attempts, no SBOM.
# -z norelro: a static, non-PIE musl binary has no loader to make RELRO
# read-only (the kernel does not), so the segment protected nothing and
# cost the padding to its page end: up to 64 KiB on arm64.
OBJ=$W/obj
[ -n "${HOOKS:-}" ] && OBJ=$W/obj-hooks
say "building probe"
# make knows the sources, not the flags or the libraries: objects built
# with other flags or for other libraries are built again, and the
# binary is always linked again (cheap).
flags="$key $SYSROOT"
if [ "$(cat "$OBJ/flags" 2>/dev/null)" != "$flags" ]; then
	rm -rf "$OBJ"
	mkdir -p "$OBJ"
	echo "$flags" >"$OBJ/flags"
fi
rm -f "$OBJ/bin/probe"
make -C "$ROOT" -s BUILD="$OBJ" CC="$CC" HOOKS="${HOOKS:-}" \
	CFLAGS="-Os $LIB_CFLAGS" \
	LIBS_CFLAGS="-isystem $PREFIX/include -DCURL_STATICLIB" \
	LIBS="$PREFIX/lib/libcurl.a $PREFIX/lib/libnghttp2.a $PREFIX/lib/libmbedtls.a $PREFIX/lib/libmbedx509.a $PREFIX/lib/libmbedcrypto.a $PREFIX/lib/libmicrohttpd.a $PREFIX/lib/libcjson.a $SYSROOT/usr/lib/$TRIPLE/libinih.a -lpthread" \
	LDFLAGS="-static -s -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,norelro -Wl,-Map=$OBJ/probe.map" \
	"$OBJ/bin/probe"
mkdir -p "$(dirname "$OUT")"
cp "$OBJ/bin/probe" "$OUT"
if [ -n "${HOOKS:-}" ]; then
	say "$OUT: the test build"
	exit 0
fi

# 8. Its SBOM, OUT.cdx.json, from the linker's map: what went in.
SBOM_SOURCES=$DL python3 "$ROOT/scripts/sbom.py" "$OUT.cdx.json" "$OUT" "$W/obj/probe.map" "$ARCH" "$W/src" \
	"curl=$CURL_VERSION=$CURL_ORIG=$CURL_SHA256" \
	"mbedtls=$MBEDTLS_VERSION=$MBEDTLS_ORIG=$MBEDTLS_SHA256" \
	"nghttp2=$NGHTTP2_VERSION=$NGHTTP2_ORIG=$NGHTTP2_SHA256" \
	"libmicrohttpd=$MHD_VERSION=$MHD_ORIG=$MHD_SHA256" \
	"cjson=$CJSON_VERSION=$CJSON_ORIG=$CJSON_SHA256"
say "$OUT: $(stat -c %s "$OUT") bytes, $(file -b "$OUT" | cut -d, -f1-5)"
