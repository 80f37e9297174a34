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
	set -- $build
	echo "# building localhost/$1"
	if ! podman build --network host -q -t "localhost/$1" "$2" >/tmp/probe-e2e-build.log 2>&1; then
		tail -n 30 /tmp/probe-e2e-build.log
		echo "e2e: podman build of $1 failed"
		exit 1
	fi
done

T=$(mktemp -d /tmp/probe-e2e.XXXXXX)
cleanup() {
	podman pod rm -f -t 0 "$POD" >/dev/null 2>&1
	chmod -R u+w "$T" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
. "$ROOT/tests/integration/lib.sh"
RC=0 MS=0 OUT= ERR=

mkdir -p "$T/pvc"
chown 10001:10001 "$T/pvc"
node "$HERE/pod.mjs" "$ROOT/deploy/k8s" "$T/pvc" "$T" || exit 1
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

wlog=$(podman logs "$POD-wait-for-data" 2>&1 | tail -n 1)
[[ "$wlog" == "ready after "*" (1 run): 2 of 2 checks passed (all)" ]] &&
	pass "the wait-for-data init container saw the volume mounted and writable" ||
	fail "the wait-for-data init container saw the volume mounted and writable" "log: '$wlog'"

health "liveness, app up with its volume" healthy 20
RC=0
podman exec "$APP" /probe/probe readiness >"$T/out" 2>&1 || RC=$?
OUT=$(cat "$T/out")
FIRST=$(head -n 1 "$T/out")
expect "readiness inside the pod: the volume is a mount of its own" 0 "healthy: 3 of 3 checks passed (readiness, *ms)"
podman exec "$APP" python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8080/")' >/dev/null 2>&1
[ -s "$T/pvc/$POD/visits" ] && pass "the app keeps its data on the volume" ||
	fail "the app keeps its data on the volume" "no $T/pvc/$POD/visits"
podman exec "$APP" /probe/probe liveness >/dev/null 2>&1
before=$(cd "$T/pvc/$POD" && ls -A && sha256sum visits)
podman exec "$APP" /probe/probe liveness >/dev/null 2>&1
[ "$before" = "$(cd "$T/pvc/$POD" && ls -A && sha256sum visits)" ] &&
	pass "the probe leaves the app's data as it was" || fail "the probe leaves the app's data as it was" "changed"

chmod 0555 "$T/pvc/$POD"
health "liveness, data directory read-only" unhealthy
RC=1 FIRST=$(last_health_output)
expect "liveness says why" 1 "unhealthy: writable \"data\": /data/$POD: cannot create a file: permission denied (EACCES)"
chmod 0755 "$T/pvc/$POD"
health "liveness, writable again" healthy 5

started=$(podman inspect --format '{{.State.StartedAt}}' "$APP")
rm -rf "$T/pvc/$POD"
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
