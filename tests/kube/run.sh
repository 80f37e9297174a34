#!/usr/bin/env bash
# run.sh: the probe under a real kubelet. Starts a node of its own (Debian's
# containerd and runc, a kubelet built from Debian's kubernetes source
# package by scripts/build-kube.sh, standalone: static pods from a
# directory, no API server), with images built from this tree (the probe's
# scratch image from Dockerfile, the time server from examples/time-server,
# a pause image from tests/kube/pause.c). Pods run under the "restricted"
# Pod Security Standard. Exec probes and the probe serve sidecar are driven
# through the kubelet's own probers: liveness restarts a hung app, readiness
# takes a pod with a read-only volume out without a restart, a startup
# probe holds liveness back, a silent server is the probe's own timeout.
# Then the cost per probe on this node. Root; everything under one work
# directory, which goes at the end with every process, mount and cgroup.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/tests/image/containers.conf}
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
[ "$(id -u)" = 0 ] || { echo "kube-test: needs root (a kubelet and containerd)"; exit 1; }

"$ROOT/scripts/deps.sh" kube image test static || exit 1
KUBE=$("$ROOT/scripts/build-kube.sh") || { echo "kube-test: no Kubernetes build"; exit 1; }
KUBELET=$KUBE/kubelet
"$ROOT/tests/image/base-image.sh" || exit 1

W=$(mktemp -d /var/tmp/probe-kube.XXXXXX)
. "$ROOT/tests/integration/lib.sh"
. "$HERE/node.sh"
RC=0 MS=0 OUT= ERR=
trap node_cleanup EXIT
node_start || { echo "kube-test: the node's runtime does not start"; exit 1; }
mkdir -p "$W"/{vol-exec,vol-side}

cat >"$W/kubelet.yaml" <<EOT
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
staticPodPath: $W/manifests
fileCheckFrequency: 1s
syncFrequency: 5s
address: 127.0.0.1
readOnlyPort: 10255
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
failSwapOn: false
makeIPTablesUtilChains: false
enforceNodeAllocatable: []
evictionHard: {memory.available: "0%", nodefs.available: "0%", imagefs.available: "0%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOT
"$KUBELET" --config "$W/kubelet.yaml" --container-runtime=remote \
	--container-runtime-endpoint="unix://$SOCK" --root-dir="$W/kubelet" \
	--cert-dir="$W/kubelet/pki" --hostname-override=probe-node -v=4 \
	>"$W/kubelet.log" 2>&1 &
KUBELET_PID=$!
wait_until curl -fsS http://127.0.0.1:10248/healthz >/dev/null 2>&1 ||
	{ tail -n 30 "$W/kubelet.log"; fail "kubelet starts" "no /healthz"; summary; exit 1; }
pass "a kubelet $("$KUBELET" --version | sed 's/Kubernetes //') with containerd $(containerd --version | awk '{print $3}') and runc"

# ---- pods ---------------------------------------------------------------
mount -t tmpfs -o size=4m,mode=777 vol-exec "$W/vol-exec"
mount -t tmpfs -o size=4m,mode=777 vol-side "$W/vol-side"
# A server that accepts and never answers, on the node's loopback.
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 18090)); s.listen(64)
open(sys.argv[1], "w").close()
time.sleep(3600)' "$W/silent.ready" &
PIDS+=($!)
wait_until test -e "$W/silent.ready"
cat >"$W/etc/probe.ini" <<'EOT'
[probe]
timeout = 800ms
termination_log = yes
[http "app"]
url = ${APP_URL}
probes = liveness readiness startup
[writable "scratch"]
path = /scratch
probes = liveness
[mount "data"]
path = /data
mode = rw
probes = readiness
EOT

# pod NAME: a static pod manifest under the restricted profile.
restricted='runAsNonRoot: true
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {drop: ["ALL"]}'
exec_pod() {
	cat >"$W/manifests/exec.yaml" <<EOT
apiVersion: v1
kind: Pod
metadata: {name: exec-probes, namespace: default}
spec:
  hostNetwork: true
  restartPolicy: Always
  terminationGracePeriodSeconds: 1
  securityContext:
    runAsUser: 10001
    runAsGroup: 10001
    seccompProfile: {type: RuntimeDefault}
  initContainers:
    - name: install-probe
      image: localhost/probe:0.1.0
      imagePullPolicy: Never
      args: ["install", "/shared"]
      securityContext:
        $restricted
      volumeMounts: [{name: probe-bin, mountPath: /shared}]
  containers:
    - name: app
      image: localhost/time-server:0.1.0
      imagePullPolicy: Never
      command: ["sh", "-c", "sleep 6; exec python3 /app/server.py exec-pod"]
      env:
        - {name: PORT, value: "18081"}
        - {name: BIND, value: "127.0.0.1"}
        - {name: DATA_DIR, value: /data}
        - {name: APP_URL, value: "http://127.0.0.1:18081/visits"}
        - {name: PROBE_CONFIG, value: /etc/probe/probe.ini}
      securityContext:
        $restricted
      startupProbe:
        exec: {command: ["/probe/probe", "startup"]}
        periodSeconds: 1
        failureThreshold: 30
        timeoutSeconds: 2
      livenessProbe:
        exec: {command: ["/probe/probe", "liveness"]}
        periodSeconds: 2
        failureThreshold: 2
        timeoutSeconds: 2
      readinessProbe:
        exec: {command: ["/probe/probe", "readiness"]}
        periodSeconds: 1
        failureThreshold: 1
        timeoutSeconds: 2
      volumeMounts:
        - {name: probe-bin, mountPath: /probe}
        - {name: data, mountPath: /data}
        - {name: scratch, mountPath: /scratch}
        - {name: config, mountPath: /etc/probe}
    - name: silent
      image: localhost/time-server:0.1.0
      imagePullPolicy: Never
      command: ["sleep", "3600"]
      securityContext:
        $restricted
      readinessProbe:
        exec: {command: ["/probe/probe", "-t", "1s", "--http", "http://127.0.0.1:18090/"]}
        periodSeconds: 2
        timeoutSeconds: 3
      volumeMounts: [{name: probe-bin, mountPath: /probe}]
  volumes:
    - {name: probe-bin, emptyDir: {}}
    - {name: scratch, emptyDir: {}}
    - {name: data, hostPath: {path: $W/vol-exec, type: Directory}}
    - {name: config, hostPath: {path: $W/etc, type: Directory}}
EOT
}
sidecar_pod() {
	cat >"$W/manifests/sidecar.yaml" <<EOT
apiVersion: v1
kind: Pod
metadata: {name: sidecar-probes, namespace: default}
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  securityContext:
    runAsUser: 10001
    runAsGroup: 10001
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: app
      image: localhost/time-server:0.1.0
      imagePullPolicy: Never
      command: ["python3", "/app/server.py", "sidecar-pod"]
      env:
        - {name: PORT, value: "18082"}
        - {name: BIND, value: "127.0.0.1"}
        - {name: DATA_DIR, value: /data}
      securityContext:
        $restricted
      livenessProbe:
        httpGet: {host: 127.0.0.1, port: 18099, path: /livez}
        periodSeconds: 2
        failureThreshold: 2
        timeoutSeconds: 2
      readinessProbe:
        httpGet: {host: 127.0.0.1, port: 18099, path: /readyz}
        periodSeconds: 1
        failureThreshold: 1
        timeoutSeconds: 2
      volumeMounts:
        - {name: data, mountPath: /data}
    - name: probe
      image: localhost/probe:0.1.0
      imagePullPolicy: Never
      args: ["serve", "-c", "/etc/probe/probe.ini", "-l", "127.0.0.1:18099"]
      env:
        - {name: APP_URL, value: "http://127.0.0.1:18082/visits"}
      securityContext:
        $restricted
      volumeMounts:
        - {name: data, mountPath: /data}
        - {name: scratch, mountPath: /scratch}
        - {name: config, mountPath: /etc/probe}
  volumes:
    - {name: scratch, emptyDir: {}}
    - {name: data, hostPath: {path: $W/vol-side, type: Directory}}
    - {name: config, hostPath: {path: $W/etc, type: Directory}}
EOT
}

# status POD CONTAINER FIELD: "ready", "restarts", "started" or "message"
# (lastState.terminated.message) from the kubelet's view of the pod (its
# read-only port).
status() {
	curl -fsS http://127.0.0.1:10255/pods 2>/dev/null | python3 -c '
import json, sys
pod, ctr, field = sys.argv[1:4]
for p in json.load(sys.stdin).get("items", []):
    if not p["metadata"]["name"].startswith(pod):
        continue
    for c in p.get("status", {}).get("containerStatuses", []):
        if c["name"] == ctr:
            if field == "message":
                print(c.get("lastState", {}).get("terminated", {}).get("message", ""))
                continue
            v = {"ready": c.get("ready"), "restarts": c.get("restartCount"),
                 "started": c.get("started")}[field]
            print(str(v).lower())
' "$@"
}
# until_status NAME SECONDS POD CONTAINER FIELD WANT: waits; pass or fail.
until_status() {
	local name=$1 secs=$2 got i start=$SECONDS
	shift 2
	for i in $(seq $((secs * 5))); do
		got=$(status "$1" "$2" "$3")
		[ "$got" = "$4" ] && break
		sleep 0.2
	done
	if [ "$got" = "$4" ]; then
		pass "$name (after $((SECONDS - start))s)"
	else
		fail "$name" "$1/$2 $3 is '${got:-?}', expected '$4' after ${secs}s"
		tail -n 5 "$W/kubelet.log" | sed 's/^/  kubelet: /'
	fi
}
app_pid() { pgrep -f "python3 /app/server.py $1" | head -n 1; }
# log_has NAME PATTERN: a line of the kubelet's log matches PATTERN, a
# time out's time as timed_out_ok() allows.
log_has() {
	local line
	line=$(grep -m1 -- "$(printf '%s' "$2" | sed 's/timed out after [0-9]*ms/timed out after [0-9]*ms/g')" "$W/kubelet.log")
	if [ -z "$line" ]; then
		fail "$1" "no line matches '$2'"
	elif timed_out_ok "$line" "$2"; then
		pass "$1"
	else
		fail "$1" "the time out's time is not that of '$2': $line"
	fi
}

# ---- exec probes ------------------------------------------------------------
exec_pod
until_status "exec: the startup probe holds liveness back while the app starts (6s)" 90 \
	exec-probes app started true
until_status "exec: ready" 30 exec-probes app ready true
[ "$(status exec-probes app restarts)" = 0 ] && pass "exec: no restart while the app was starting" ||
	fail "exec: no restart while the app was starting" "restarts: $(status exec-probes app restarts)"
cid=$(ctr containers ls 2>/dev/null | awk '/time-server/ {print $1}' | while read -r c; do
	ctr containers info "$c" 2>/dev/null | grep -q '"io.kubernetes.container.name": "app"' &&
	ctr containers info "$c" | grep -q '"io.kubernetes.pod.name": "exec-probes' && echo "$c"; done | head -n 1)
if [ -n "$cid" ] && ctr tasks exec --exec-id sandbox-v "$cid" /probe/probe -v readiness >"$W/v.out" 2>&1; then
	here=$(sed -n 's/^sandbox: //p' "$W/v.out")
	echo "# inside the runtime's RuntimeDefault seccomp profile, as uid 10001, -v says: sandbox: $here"
	[[ "$here" == "seccomp and Landlock"* ]] &&
		pass "exec: the probe's own sandbox works inside the runtime's seccomp profile ($here)" ||
		fail "exec: the probe's own sandbox inside the runtime's" "$here"
else
	fail "exec: -v inside the container" "$(cat "$W/v.out" 2>/dev/null)"
fi

# The silent server: the probe's own deadline (1s) ends it, under the
# kubelet's timeoutSeconds (3s): a failure with the probe's reason.
wait_until grep -q 'Readiness probe for "exec-probes.*silent.*failed' "$W/kubelet.log"
log_has "exec: a silent server fails with the probe's own line" \
	'Readiness probe for "exec-probes.*silent.*failed (failure): unhealthy: http "127.0.0.1:18090/": timed out after 1000ms'
if grep 'silent' "$W/kubelet.log" | grep -q "timed out after 3s\|command .* timed out"; then
	fail "exec: the kubelet's own timeout never cuts the probe" "$(grep -m1 'command .* timed out' "$W/kubelet.log")"
else
	pass "exec: the kubelet's own timeout never cuts the probe"
fi

# scenarios WHO POD TAG VOL LIVENESS_LINE READINESS_LINE: liveness, the app
# stopped (SIGSTOP): restarted, the kubelet's event with the probe's line,
# ready again; readiness, the volume read-only: out, no restart, back.
scenarios() {
	local who=$1 pod=$2 tag=$3 vol=$4 live=$5 ready=$6 before
	before=$(status "$pod" app restarts)
	kill -STOP "$(app_pid "$tag")"
	until_status "$who: a hung app is restarted by liveness" 30 "$pod" app restarts $((before + 1))
	log_has "$who: the kubelet's event says why" "Liveness probe for \"$pod.*app.*failed (failure): $live"
	why_after_restart "$who" "$pod"
	until_status "$who: ready again after the restart" 60 "$pod" app ready true
	before=$(status "$pod" app restarts)
	mount -o remount,ro "$vol"
	until_status "$who: a read-only volume takes the pod out (readiness)" 20 "$pod" app ready false
	[ -n "$ready" ] && log_has "$who: readiness says why" "Readiness probe for \"$pod.*app.*failed (failure): $ready"
	sleep 4
	[ "$(status "$pod" app restarts)" = "$before" ] && pass "$who: no restart for a readiness failure" ||
		fail "$who: no restart for a readiness failure" "restarts $(status "$pod" app restarts)"
	mount -o remount,rw "$vol"
	until_status "$who: ready again once the volume is writable" 20 "$pod" app ready true
}
# why_after_restart WHO POD: what says why the app was restarted, after it
# was. Exec probes: the probe's termination log became the last state's
# message (kubectl describe: Last State: Terminated, Message). The sidecar:
# its log (kubectl logs -c probe) holds the change of liveness.
why_after_restart() {
	local msg log
	if [ "$1" = exec ]; then
		msg=$(status "$2" app message)
		[[ "$msg" == 'unhealthy: http "app": timed out after '*'ms'*'FAIL  http '*'-- probe liveness, 20'* ]] &&
			timed_out_ok "${msg%%$'\n'*}" 'timed out after 800ms' &&
			pass "exec: after the restart, the last state's message says why" ||
			fail "exec: after the restart, the last state's message says why" "'$msg'"
		return
	fi
	log=$(cat /var/log/pods/default_"$2"-*/probe/0.log 2>/dev/null)	# a static pod: NAME-NODE
	# "unknown -> unhealthy" when the kubelet first asked for liveness
	# after the app had hung.
	[[ "$log" == *' liveness http "app": '*' -> unhealthy ('*'timed out after'* ]] &&
		pass "sidecar: after the restart, its log says why" ||
		fail "sidecar: after the restart, its log says why" "$(printf '%s\n' "$log" | tail -n 5)"
}
scenarios exec exec-probes exec-pod "$W/vol-exec" \
	'unhealthy: http "app": timed out after 800ms' \
	'unhealthy: mount "data": /data (tmpfs from vol-exec) is mounted read-only'

# ---- the sidecar ------------------------------------------------------------
sidecar_pod
until_status "sidecar: ready through the kubelet's HTTP prober" 90 sidecar-probes app ready true
scenarios sidecar sidecar-probes sidecar-pod "$W/vol-side" \
	'HTTP probe failed with statuscode: 503' ''

# ---- the cost ---------------------------------------------------------------
# CPU per probe, with one pod alone on the node, in two parts: the pod's
# side (its shims with what they reaped, runc exec and the probe; for the
# sidecar also probe serve and its runners) and the node's (the kubelet
# and containerd, less what they take over the same time with no pod).
cpu_ms() {	# cpu_ms PID...: their CPU so far, children reaped included, in ms
	local p sum=0 hz
	hz=$(getconf CLK_TCK)
	for p in "$@"; do
		sum=$((sum + $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo $((sum * 1000 / hz))
}
pod_pids() { pgrep -f "containerd-shim-runc-v2 .*-address $SOCK"; pgrep -f "^/probe serve"; }
probes_run() { grep -c "probe for \"$1.* succeeded\|probe for \"$1.* failed" "$W/kubelet.log"; }
window() {	# window POD SECONDS: "POD_CPU_MS NODE_CPU_MS PROBES"
	local p0 n0 c0 pids
	pids=$(pod_pids)
	# shellcheck disable=SC2086
	p0=$(cpu_ms $pids) n0=$(cpu_ms "$KUBELET_PID" "$CONTAINERD_PID") c0=$(probes_run "$1")
	sleep "$2"
	# shellcheck disable=SC2086
	echo "$(($(cpu_ms $pids) - p0)) $(($(cpu_ms "$KUBELET_PID" "$CONTAINERD_PID") - n0)) $(($(probes_run "$1") - c0))"
}
rm -f "$W/manifests/sidecar.yaml" "$W/manifests/exec.yaml"
wait_until test -z "$(pgrep -f 'server.py (sidecar|exec)-pod')"
sleep 5
read -r _ bnode _ < <(window nothing 20)
exec_pod
until_status "cost: the exec pod alone, ready" 60 exec-probes app ready true
sleep 3
read -r epod enode en < <(window exec-probes 20)
rm -f "$W/manifests/exec.yaml"
sidecar_pod
until_status "cost: the sidecar pod alone, ready" 60 sidecar-probes app ready true
sleep 3
read -r spod snode sn < <(window sidecar-probes 20)
python3 "$HERE/cost.py" "$W/kubelet.log" "$epod" "$((enode - bnode))" "$en" \
	"$spod" "$((snode - bnode))" "$sn" >"$W/cost.txt" 2>&1 &&
	pass "cost: measured through this kubelet" || fail "cost: measured through this kubelet" "$(cat "$W/cost.txt")"
sed 's/^/# /' "$W/cost.txt"

summary
