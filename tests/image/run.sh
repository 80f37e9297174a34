#!/usr/bin/env bash
# run.sh: build the scratch image with Podman and run it for real: the probe
# from the image against a real HTTP server, `probe install` into a volume,
# the installed copy inside another image, and Podman's own health check.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
IMAGE=localhost/probe:test
export CONTAINERS_CONF=${CONTAINERS_CONF:-$HERE/containers.conf}

ARCH_SH=$ROOT/scripts/arch.sh
mapfile -t FOREIGN < <("$ARCH_SH" foreign)
"$ROOT/scripts/deps.sh" image test "${FOREIGN[@]}" || exit 1
# The platforms of the manifest list, from scripts/arches, without their
# "linux/"; an image's tag ends in its name with '-' for '/' (arm-v7).
PLATFORMS=$(for a in $("$ARCH_SH" names); do "$ARCH_SH" platform "$a" | sed 's|^linux/||'; done)
"$ROOT/scripts/binfmt.sh" || exit 1
"$HERE/base-image.sh" || exit 1
MULTI=localhost/probe:multi
SDE=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)
# Podman 4.3 leaves BUILDPLATFORM unset (Docker's buildx sets it): without
# it the build stage would ask for a debian image of the target platform.
NATIVE=$("$ARCH_SH" platform "$(uname -m)" | sed 's|^linux/||')
REPRO=(--build-arg "SOURCE_DATE_EPOCH=$SDE" --timestamp "$SDE"
	--build-arg "BUILDPLATFORM=linux/$NATIVE")
# The libraries build-static.sh keeps outside the checkout, for its RUN
# steps too (the same bytes as a build from scratch: make repro-test).
LIBCACHE=${PROBE_CACHE:-/var/cache/probe-test}/static
mkdir -p "$LIBCACHE"
REPRO+=(-v "$LIBCACHE:/var/cache/probe-test/static")
# build LOG ARGS...: podman build, or the log's tail and exit.
build() {
	local log=$1
	shift
	if ! podman build --network host "${REPRO[@]}" "$@" "${CONTEXT:-$ROOT}" >"$log" 2>&1; then
		tail -n 40 "$log"
		echo "image-test: podman build $* failed"
		exit 1
	fi
}
echo "# building $IMAGE-ARCH for $(echo "$PLATFORMS" | paste -sd' '), then the manifest list $MULTI"
start=$(date +%s)
# One build per platform, then the list: Podman 4.3's --manifest with two
# platforms loses an instance's manifest when a tag is built again.
# With the layer cache: the step that installs the build's packages (110 s
# of the 150 s a platform takes) is the one it lends, keyed by the scripts
# it copies; the Dockerfile keeps it from lending a step of the final
# image. The reproducible build below is made without it.
# Two at a time: one installs or compiles while the other waits.
pids=() failed=0
for arch in $PLATFORMS; do
	build "/tmp/probe-image-build.${arch/\//-}.log" -q --platform "linux/$arch" \
		-t "$IMAGE-${arch/\//-}" &
	pids+=($!)
	if [ ${#pids[@]} -ge 2 ]; then
		wait "${pids[0]}" || failed=1
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do
	wait "$p" || failed=1
done
[ "$failed" = 0 ] || exit 1
podman tag "$IMAGE-amd64" "$IMAGE"
podman manifest rm "$MULTI" >/dev/null 2>&1
podman manifest create "$MULTI" >/dev/null || { echo "image-test: podman manifest create failed"; exit 1; }
for arch in $PLATFORMS; do
	podman manifest add "$MULTI" "containers-storage:$IMAGE-${arch/\//-}" >/dev/null ||
		{ echo "image-test: podman manifest add $arch failed"; exit 1; }
done
echo "# built in $(($(date +%s) - start))s"

T=$(mktemp -d /tmp/probe-image.XXXXXX)
chmod 755 "$T"
cleanup() {
	podman rm -f -i -t 0 probe-hc >/dev/null 2>&1
	podman rm -f -i -t 0 probe-hc2 >/dev/null 2>&1
	podman manifest rm "$MULTI" >/dev/null 2>&1
	for arch in $PLATFORMS; do podman rmi "$IMAGE-${arch/\//-}" >/dev/null 2>&1; done
	podman rmi "$IMAGE-again" >/dev/null 2>&1
	[ -n "${NS:-}" ] && ip netns delete "$NS" 2>/dev/null
	kill "$httpd" ${httpd8080:-} 2>/dev/null
	wait "$httpd" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
. "$ROOT/tests/integration/lib.sh"

python3 "$ROOT/tests/helpers/httpd.py" "$T/port" &
httpd=$!
wait_until test -s "$T/port"
P=$(cat "$T/port")
ini ok <<EOT
[http "app"]
url = http://127.0.0.1:$P/ok
EOT
ini down <<EOT
[http "app"]
url = http://127.0.0.1:$P/status/500
EOT

# The manifest list: every platform, each image of its architecture.
podman manifest inspect "$MULTI" >"$T/manifest.json"
platforms=$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
print(" ".join(sorted("%s/%s%s" % (x["platform"]["os"], x["platform"]["architecture"],
                                   "/" + x["platform"]["variant"] if x["platform"].get("variant") else "")
                      for x in m["manifests"])))
' "$T/manifest.json")
want=$(for a in $("$ARCH_SH" names); do "$ARCH_SH" platform "$a"; done | sort | paste -sd' ')
[ "$platforms" = "$want" ] && pass "manifest list: $platforms" ||
	fail "manifest list" "'$platforms', expected '$want'"
for arch in $PLATFORMS; do
	tag=$IMAGE-${arch/\//-}
	out=$T/${arch/\//-}.out
	# (the variant, v7, is in the manifest list, checked above)
	got=$(podman image inspect --format '{{.Os}}/{{.Architecture}}' "$tag" 2>&1)
	[ "$got" = "linux/${arch%%/*}" ] && pass "the $arch image's config says $got" ||
		fail "the $arch image's config" "'$got'"
	podman run --rm --platform "linux/$arch" --network host "$tag" \
		"http://127.0.0.1:$P/ok" >"$out" 2>&1
	RC=$? OUT=$(cat "$out") FIRST=$(head -n 1 "$out") MS=0 ERR=
	expect "the $arch image runs: probe URL against a loopback server" 0 "healthy: 1 of 1 checks passed (all, *ms)"
	file_arch=$(podman run --rm --platform "linux/$arch" -v "$T:/out" --user 0 \
		"$tag" install /out >/dev/null 2>&1 && file -b "$T/probe" | cut -d, -f1-2)
	want=$("$ARCH_SH" file "$("$ARCH_SH" name platform "linux/$arch")")
	if [[ "$file_arch" == $want ]]; then pass "the $arch image holds: $file_arch"; else
		fail "the $arch image's binary" "'$file_arch', expected $want"; fi
	rm -f "$T/probe"
done

size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
[ "$size" -le 1572864 ] && pass "image size $size bytes (at most 1.5 MB)" ||
	fail "image size" "$size bytes, more than 1.5 MB"
# The SBOM in the image is the one of its /probe.
for arch in $PLATFORMS; do
	tag=$IMAGE-${arch/\//-}
	mnt=$(podman image mount "$tag")
	label=$(podman image inspect --format '{{index .Labels "dev.probe.sbom"}}' "$tag")
	if [ -n "$mnt" ] && [ "$label" = /sbom.cdx.json ] && python3 - "$mnt" <<'PY'; then
import hashlib, json, sys
root = sys.argv[1]
bom = json.load(open(root + "/sbom.cdx.json"))
digest = hashlib.sha256(open(root + "/probe", "rb").read()).hexdigest()
assert bom["specVersion"] == "1.6", bom["specVersion"]
assert bom["metadata"]["component"]["hashes"][0]["content"] == digest
assert {"curl", "mbedtls", "musl"} <= {c["name"] for c in bom["components"]}
PY
		pass "the $arch image's /sbom.cdx.json (label dev.probe.sbom) describes its /probe"
	else
		fail "the $arch image's SBOM" "label '$label', mount '$mnt'"
	fi
	podman image unmount "$tag" >/dev/null 2>&1
done
user=$(podman image inspect --format '{{.Config.User}}' "$IMAGE")
[ "$user" = 65532:65532 ] && pass "image runs as 65532:65532" || fail "image user" "$user"
entry=$(podman image inspect --format '{{.Config.Entrypoint}}' "$IMAGE")
[ "$entry" = "[/probe]" ] && pass "entrypoint /probe" || fail "entrypoint" "$entry"

PROBE=$IMAGE
RUN_AS=(podman run --rm --network host -v "$T:$T:ro")
run_probe --version
expect "probe --version from the image" 0 "probe *.*.*"
run_probe -c "$T/ok.ini"
expect "healthy app, from the image" 0 "healthy: 1 of 1 checks passed (all, *ms)"
run_probe -c "$T/down.ini"
expect "unhealthy app, from the image" 1 'unhealthy: http "app": HTTP 500'
run_probe -c "$T/missing.ini"
expect "missing config, from the image" 3 "probe: $T/missing.ini: cannot open: *"

mkdir "$T/shared" && chmod 777 "$T/shared"
RUN_AS=(podman run --rm -v "$T/shared:/shared")
run_probe install /shared
expect "probe install into a volume (as uid 65532)" 0 "installed /shared/probe (* bytes)"
RUN_AS=(podman run --rm -v "$T/shared:/shared:ro")
run_probe install /shared
expect "probe install into a read-only volume" 3 "probe: install: /shared: cannot create a file: read-only file system (EROFS)"

# The installed copy inside another image, the way an init container hands
# it to the app container through an emptyDir.
PROBE=/opt/probe/probe
RUN_AS=(podman run --rm --network host -v "$T/shared:/opt/probe:ro" -v "$T:$T:ro"
	debian:bookworm-slim)
run_probe -c "$T/ok.ini"
expect "the installed copy runs in the app's image" 0 "healthy: 1 of 1 checks passed (all, *ms)"

# Podman's health check in exec form (no shell needed), driven by hand.
cp "$T/ok.ini" "$T/hc.ini"
if podman run -d --name probe-hc --network host -v "$T/shared:/opt/probe:ro" -v "$T:$T:ro" \
	--health-cmd "[\"/opt/probe/probe\", \"-c\", \"$T/hc.ini\", \"-q\"]" --health-retries 1 \
	debian:bookworm-slim sleep 120 >/dev/null 2>&1; then
	podman healthcheck run probe-hc >/dev/null 2>&1
	status=$(podman inspect --format '{{.State.Health.Status}}' probe-hc)
	[ "$status" = healthy ] && pass "podman health check: healthy" || fail "podman health check: healthy" "$status"
	cp "$T/down.ini" "$T/hc.ini"
	podman healthcheck run probe-hc >/dev/null 2>&1
	status=$(podman inspect --format '{{.State.Health.Status}}' probe-hc)
	[ "$status" = unhealthy ] && pass "podman health check: unhealthy" || fail "podman health check: unhealthy" "$status"
else
	RC='?' MS=0 OUT= ERR=
	fail "podman health check" "cannot start the container"
fi

# examples/healthcheck/Dockerfile as it is: HEALTHCHECK CMD ["/probe",
# "http://127.0.0.1:8080/"], in a network namespace of its own where the
# app's port 8080 is the test server's.
hc_status() {
	podman healthcheck run probe-hc2 >/dev/null 2>&1
	podman inspect --format '{{.State.Health.Status}}' probe-hc2
}
NS=probe-hc-$$
ip netns add "$NS" && ip -n "$NS" link set lo up
ip netns exec "$NS" python3 "$ROOT/tests/helpers/httpd.py" "$T/port8080" "" 8080 &
httpd8080=$!
wait_until test -s "$T/port8080"
cmd=$(podman build --format docker --network host -q -t localhost/probe-hc:test \
	--build-arg PROBE="$IMAGE" --build-arg APP=debian:bookworm-slim \
	"$ROOT/examples/healthcheck" 2>"$T/hc-build.log" >/dev/null &&
	podman image inspect --format '{{json .Config.Healthcheck.Test}}' localhost/probe-hc:test)
[ "$cmd" = '["CMD","/probe","http://127.0.0.1:8080/"]' ] &&
	pass "examples/healthcheck: the image's HEALTHCHECK is exec form, no shell" ||
	{ cat "$T/hc-build.log"; fail "examples/healthcheck: HEALTHCHECK" "'$cmd'"; }
if podman run -d --name probe-hc2 --network "ns:/run/netns/$NS" localhost/probe-hc:test \
	sleep 120 >/dev/null 2>&1; then
	status=$(hc_status)
	[ "$status" = healthy ] && pass "HEALTHCHECK /probe URL: healthy" ||
		fail "HEALTHCHECK /probe URL: healthy" "$status"
	kill "$httpd8080"
	wait "$httpd8080" 2>/dev/null
	for i in 1 2 3; do status=$(hc_status); done
	[ "$status" = unhealthy ] && pass "HEALTHCHECK /probe URL: unhealthy when the app stops" ||
		fail "HEALTHCHECK /probe URL: unhealthy when the app stops" "$status"
	log=$(podman inspect --format '{{range .State.Health.Log}}{{.Output}}{{end}}' probe-hc2)
	[[ "$log" == *'unhealthy: http "127.0.0.1:8080/": connect to 127.0.0.1:8080: connection refused'* ]] &&
		pass "HEALTHCHECK: the reason is in podman inspect" ||
		fail "HEALTHCHECK: the reason is in podman inspect" "$log"
else
	RC='?' MS=0 OUT= ERR=
	fail "HEALTHCHECK /probe URL" "cannot start the container"
fi
podman rm -f -t 0 probe-hc2 >/dev/null 2>&1
podman rmi -f localhost/probe-hc:test >/dev/null 2>&1
kill "$httpd8080" 2>/dev/null
ip netns delete "$NS"

# Reproducible: the same commit built again, without the layer cache and
# from a copy of the tree in another directory, gives the same image.
echo "# building $IMAGE-again from a copy of the tree, without the cache"
start=$(date +%s)
mkdir "$T/tree"
tar -C "$ROOT" --exclude=./build --exclude=./bin --exclude=./dist --exclude=./.git \
	--exclude=node_modules -c . | tar -x -C "$T/tree"
CONTEXT=$T/tree build /tmp/probe-image-again.log -q --no-cache \
	--platform linux/amd64 -t "$IMAGE-again"
echo "# built in $(($(date +%s) - start))s"
first=$(podman image inspect --format '{{.Id}} {{.Digest}}' "$IMAGE-amd64")
again=$(podman image inspect --format '{{.Id}} {{.Digest}}' "$IMAGE-again")
if [ "$first" != "$again" ]; then
	# The first build's packages came from the layer cache: Debian may have
	# updated its compiler since. Two builds without it are the test.
	echo "# $IMAGE-amd64 built again without the cache: it differs from $IMAGE-again"
	build /tmp/probe-image-build.amd64.log -q --no-cache --platform linux/amd64 -t "$IMAGE-amd64"
	first=$(podman image inspect --format '{{.Id}} {{.Digest}}' "$IMAGE-amd64")
fi
[ "$first" = "$again" ] && pass "reproducible: a second build from another directory has the same id and digest" ||
	fail "reproducible: a second build from another directory has the same id and digest" \
		"first: $first; again: $again"
summary
