#!/usr/bin/env bash
# e2e.sh: the time server's pod with the probe wired in, run by Podman.
# Builds the probe and time-server images, plays the StatefulSet's pod with
# `podman kube play`, and drives the liveness health check by hand (Podman
# runs health checks on a timer only with systemd): healthy first, then
# unhealthy once the data directory is read-only and once the volume is gone.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/tests/image/containers.conf}
POD=app-python-0
APP=$POD-app

"$ROOT/scripts/deps.sh" image node || exit 1
(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) || exit 1
"$ROOT/tests/image/base-image.sh" || exit 1
for build in "probe:0.1.0 $ROOT" "time-server:0.1.0 $ROOT/examples/time-server"; do
	set -- "${build%% *}" "${build#* }"
	echo "# building localhost/$1"
	mkdir -p "${PROBE_CACHE:-/var/cache/probe-test}/static"
	if ! podman build --network host -q -v "${PROBE_CACHE:-/var/cache/probe-test}/static:/var/cache/probe-test/static" \
		-t "localhost/$1" "$2" >/tmp/probe-e2e-build.log 2>&1; then
		tail -n 30 /tmp/probe-e2e-build.log
		echo "e2e: podman build of $1 failed"
		exit 1
	fi
done

T=$(mktemp -d /tmp/probe-e2e.XXXXXX)
cleanup() {
	podman pod rm -f -t 0 "$POD" >/dev/null 2>&1
	podman volume rm -f "config-volume-$POD" >/dev/null 2>&1
	chmod -R u+w "$T" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
. "$ROOT/tests/integration/lib.sh"
RC=0 MS=0 OUT= ERR=

# The pod's claim, config-volume-app-python-0, is a Podman named volume:
# made here and given to the app's user (fsGroup 10001 in the cluster),
# it outlives the pod as the claim outlives a deleted pod.
CLAIM=config-volume-$POD
podman volume rm -f "$CLAIM" >/dev/null 2>&1
podman volume create "$CLAIM" >/dev/null || exit 1
VOL=$(podman volume inspect --format '{{.Mountpoint}}' "$CLAIM")
chown 10001:10001 "$VOL"
node "$HERE/pod.mjs" "$ROOT/deploy/k8s" "$T" || exit 1
play() {
	podman pod rm -f -t 0 "$POD" >/dev/null 2>&1
	podman kube play --configmap "$T/configmap.yaml" "$T/pod.yaml" >"$T/play.log" 2>&1
}
if ! play && ! play; then
	cat "$T/play.log"
	fail "podman kube play" "failed"
	summary
	exit 1
fi
pass "podman kube play the StatefulSet's pod"

# health NAME WANT [TRIES]: run Podman's health check (the pod's liveness
# probe) until it reports WANT, at most TRIES times (default 1).
health() {
	local got i
	for i in $(seq "${3:-1}"); do
		case $(podman healthcheck run "$APP" >/dev/null 2>&1; echo $?) in
		0) got=healthy ;;
		1) got=unhealthy ;;
		*) got="an error" ;;
		esac
		[ "$got" = "$2" ] && break
		sleep 0.3
	done
	if [ "$got" = "$2" ]; then
		pass "$1: $got"
	else
		OUT=$(podman inspect --format '{{json .State.Health}}' "$APP" 2>&1 | head -c 1500)
		fail "$1" "podman healthcheck run said '$got', expected '$2'"
	fi
}

# last_health_output: the first line of the last health check's output.
last_health_output() {
	podman inspect --format '{{with .State.Health}}{{range .Log}}{{.Output}}
{{end}}{{end}}' "$APP" | grep -v '^\(ok \|FAIL \)' | grep . | tail -n 1
}

for _ in $(seq 100); do
	podman exec "$APP" python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8080/visits")' \
		>/dev/null 2>&1 && break
	sleep 0.1
done
state=$(podman inspect --format '{{.State.Status}}' "$POD-install-probe" 2>/dev/null || echo gone)
[ -x "$(podman inspect --format '{{range .Mounts}}{{if eq .Destination "/probe"}}{{.Source}}{{end}}{{end}}' "$APP")/probe" ] &&
	pass "the init container installed the probe into the emptyDir" ||
	fail "the init container installed the probe into the emptyDir" "no /probe/probe (init container: $state)"

# Its two lines go to two streams, which podman logs may give in either
# order when they share a timestamp: the verdict is any line of the log.
wlog=$(podman logs "$POD-wait-for-data" 2>&1)
grep -qx "ready after .* (1 run): 2 of 2 checks passed (all)" <<<"$wlog" &&
	pass "the wait-for-data init container saw the volume mounted and writable" ||
	fail "the wait-for-data init container saw the volume mounted and writable" "log: '$wlog'"

health "liveness, app up with its volume" healthy 20
RC=0
podman exec "$APP" /probe/probe readiness >"$T/out" 2>&1 || RC=$?
OUT=$(cat "$T/out")
FIRST=$(head -n 1 "$T/out")
expect "readiness inside the pod: the volume is a mount of its own" 0 "healthy: 3 of 3 checks passed (readiness, *ms)"
podman exec "$APP" python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8080/")' >/dev/null 2>&1
[ -s "$VOL/$POD/visits" ] && pass "the app keeps its data on the volume" ||
	fail "the app keeps its data on the volume" "no $VOL/$POD/visits"
podman exec "$APP" /probe/probe liveness >/dev/null 2>&1
before=$(cd "$VOL/$POD" && ls -A && sha256sum visits)
podman exec "$APP" /probe/probe liveness >/dev/null 2>&1
[ "$before" = "$(cd "$VOL/$POD" && ls -A && sha256sum visits)" ] &&
	pass "the probe leaves the app's data as it was" || fail "the probe leaves the app's data as it was" "changed"

# The data survives the pod: count visits, remove the pod (its claim, the
# named volume, stays), play it again: the same count, and healthy.
visits() {
	podman exec "$APP" python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8080/visits").read().decode().strip())' 2>/dev/null
}
visit() {
	podman exec "$APP" python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8080/")' >/dev/null 2>&1
}
for _ in 1 2 3 4 5; do visit; done
count=$(visits)
podman pod rm -f -t 0 "$POD" >/dev/null 2>&1
podman volume exists "$CLAIM" && [ -s "$VOL/$POD/visits" ] &&
	pass "the pod removed, its claim $CLAIM stays with the data" ||
	fail "the pod removed, its claim $CLAIM stays with the data" "volume or data gone"
if play; then pass "the pod played again on the same claim"; else
	OUT=$(cat "$T/play.log") fail "the pod played again on the same claim" "failed"; fi
health "liveness after the pod came back" healthy 30
again=$(visits)
[ -n "$count" ] && [ "$count" -ge 6 ] && [ "$again" = "$count" ] &&
	pass "the visit count survived the pod ($count before, $again after)" ||
	fail "the visit count survived the pod" "$count before, $again after"
RC=0
podman exec "$APP" /probe/probe readiness >"$T/out" 2>&1 || RC=$?
OUT=$(cat "$T/out")
FIRST=$(head -n 1 "$T/out")
expect "readiness after the pod came back" 0 "healthy: 3 of 3 checks passed (readiness, *ms)"

chmod 0555 "$VOL/$POD"
health "liveness, data directory read-only" unhealthy
RC=1 FIRST=$(last_health_output)
expect "liveness says why" 1 "unhealthy: writable \"data\": /data/$POD: cannot create a file: permission denied (EACCES)"
chmod 0755 "$VOL/$POD"
health "liveness, writable again" healthy 5

started=$(podman inspect --format '{{.State.StartedAt}}' "$APP")
rm -rf "${VOL:?}/${POD:?}"
health "liveness, the data directory gone from the volume" unhealthy
RC=1 FIRST=$(last_health_output)
expect "liveness says why" 1 "unhealthy: writable \"data\": /data/$POD: no such file or directory (ENOENT)"
for _ in 1 2 3 4 5; do
	[ "$(podman inspect --format '{{.State.StartedAt}}' "$APP")" != "$started" ] && break
	podman healthcheck run "$APP" >/dev/null 2>&1
	sleep 0.5
done
[ "$(podman inspect --format '{{.State.StartedAt}}' "$APP")" != "$started" ] &&
	pass "three liveness failures restart the app container (failureThreshold)" ||
	fail "three liveness failures restart the app container" "it was not restarted"
health "liveness after the restart: the app made its data directory again" healthy 30
summary
