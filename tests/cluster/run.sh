#!/usr/bin/env bash
# run.sh: make cluster-test. The seed system on a real control plane: a
# one-node Kubernetes 1.20 built from Debian's source package
# (scripts/build-kube.sh; control-plane.sh starts it), Debian's etcd,
# containerd, runc and CNI plugins, images built from this tree. Then
# `kubectl apply -k deploy/k8s` as a user runs it, unchanged, with local
# PersistentVolumes on tmpfs for the claims, and what the StatefulSet's
# probes must do: three pods Ready at once, claims Bound, the Services'
# endpoints, a deleted pod back with its data, a full volume taking one pod
# out of the Service without a restart, an inaccessible data directory
# restarting one pod, kubectl exec and logs through the API server, a
# wrong config rolled out (stopped at its first pod, no container
# restarted) and edited in place (no container restarted). Root;
# everything under one work directory, torn down at the end (pods, network
# namespaces, the bridge, mounts, processes, cgroups).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/tests/image/containers.conf}
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
[ "$(id -u)" = 0 ] || { echo "cluster-test: needs root (a control plane, a kubelet, containerd)"; exit 1; }

"$ROOT/scripts/deps.sh" kube cluster image test static || exit 1
KUBE=$("$ROOT/scripts/build-kube.sh") || { echo "cluster-test: no Kubernetes build"; exit 1; }
"$ROOT/tests/image/base-image.sh" || exit 1

W=$(mktemp -d /var/tmp/probe-cluster.XXXXXX)
T=$W
NODE_IP=10.244.77.1
NODE_CNI_BIN=/usr/lib/cni
. "$ROOT/tests/integration/lib.sh"
. "$ROOT/tests/kube/node.sh"
. "$HERE/control-plane.sh"
RC=0 MS=0 OUT= ERR=
KUBECTL=("$KUBE/kubectl" --kubeconfig "$W/admin.kubeconfig")
kubectl() { "${KUBECTL[@]}" "$@"; }
k() { kubectl -n stateful "$@"; }
FORWARD=$(sysctl -n net.ipv4.ip_forward)
NETNS_BEFORE=$(ls /var/run/netns 2>/dev/null)
CNI_CACHE_BEFORE=$([ -d /var/lib/cni ] && echo yes)

cleanup() {
	local n
	# The pods first, through the kubelet, so that the CNI plugins take
	# their network down; then the node and the control plane.
	if [ -n "${KUBELET_PID:-}" ] && kill -0 "$KUBELET_PID" 2>/dev/null; then
		kubectl delete namespace stateful --wait=false >/dev/null 2>&1
		for _ in $(seq 120); do
			[ -z "$(ctr tasks ls -q 2>/dev/null)" ] && break
			sleep 0.5
		done
	fi
	node_cleanup
	for n in /var/run/netns/*; do
		[ -e "$n" ] || continue
		n=${n##*/}
		grep -qx "$n" <<<"$NETNS_BEFORE" || ip netns delete "$n" 2>/dev/null
	done
	ip link del probe-cni0 2>/dev/null
	# libcni's cache of results, made by containerd's first pod.
	[ -n "$CNI_CACHE_BEFORE" ] || rmdir /var/lib/cni/results /var/lib/cni 2>/dev/null
	sysctl -qw net.ipv4.ip_forward="$FORWARD"
}
trap cleanup EXIT

# until_ok NAME SECONDS COMMAND...: COMMAND every 0.5 s until it succeeds;
# pass with the time it took (also in TOOK, seconds) or fail.
until_ok() {
	local name=$1 secs=$2 t0=$EPOCHREALTIME
	shift 2
	while ! "$@" >/dev/null 2>&1; do
		if [ "$(elapsed "$t0")" -ge "$((secs * 10))" ]; then
			fail "$name" "not within ${secs}s: '$*'"
			TOOK=
			return 1
		fi
		sleep 0.5
	done
	TOOK=$(awk -v d="$(elapsed "$t0")" 'BEGIN { printf "%.1f", d / 10 }')
	pass "$name (${TOOK}s)"
}
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 10 }'; }	# in 0.1 s

# ---- the cluster --------------------------------------------------------------
make_pki || { echo "cluster-test: openssl cannot make the certificates"; exit 1; }
node_start || { echo "cluster-test: the node's runtime does not start"; exit 1; }
start_network || { echo "cluster-test: cannot make the bridge probe-cni0"; exit 1; }
start_etcd && start_apiserver && start_controllers && start_kubelet || { summary; exit 1; }
pass "a control plane: etcd $(etcd --version | sed -n 's/^etcd Version: //p'), $("$KUBE/kube-apiserver" --version | sed 's/Kubernetes //') (apiserver, controller-manager, scheduler, kubelet), node probe-node Ready"

# Local PersistentVolumes, one small tmpfs each (a fault is easy to make
# there and reaches the pod), on this node.
for n in 0 1 2; do
	mkdir -p "$W/pv/$n"
	mount -t tmpfs -o size=128m,mode=755 "probe-pv-$n" "$W/pv/$n"
	cat <<EOT
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: probe-pv-$n}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  local: {path: "$W/pv/$n"}
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions:
            - {key: kubernetes.io/hostname, operator: In, values: [probe-node]}
EOT
done >"$W/pv.yaml"
kubectl apply -f "$W/pv.yaml" >"$W/apply.log" 2>&1 || { cat "$W/apply.log"; fail "local PersistentVolumes" "apply failed"; summary; exit 1; }

# ---- the seed system, as a user deploys it -----------------------------------
t_apply=$EPOCHREALTIME
if kubectl apply -k "$ROOT/deploy/k8s" >"$W/apply.log" 2>&1; then
	pass "kubectl apply -k deploy/k8s: $(grep -c . "$W/apply.log") objects"
else
	fail "kubectl apply -k deploy/k8s" "$(cat "$W/apply.log")"
	summary
	exit 1
fi
ready_count() { k get pods -l app.kubernetes.io/name=app-python -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True; }
all_ready() { [ "$(ready_count)" = 3 ]; }
until_ok "the three pods become Ready" 180 all_ready
READY_S=$TOOK
# Parallel: pod 2 was created before pod 0 was Ready (OrderedReady waits).
created2=$(k get pod app-python-2 -o jsonpath='{.metadata.creationTimestamp}')
ready0=$(k get pod app-python-0 -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastTransitionTime}')
[[ "$created2" < "$ready0" ]] && pass "the pods start at once (Parallel): pod 2 created $created2, before pod 0 was Ready $ready0" ||
	fail "the pods start at once (Parallel)" "pod 2 created $created2, pod 0 Ready $ready0"
for n in 0 1 2; do
	phase=$(k get pvc "config-volume-app-python-$n" -o jsonpath='{.status.phase} {.spec.volumeName}')
	[[ "$phase" == "Bound probe-pv-"* ]] && pass "claim config-volume-app-python-$n: $phase" ||
		fail "claim config-volume-app-python-$n is Bound" "'$phase'"
done

# pod_ip N: pod N's address. ep_ips SERVICE: the ready addresses.
pod_ip() { k get pod "app-python-$1" -o jsonpath='{.status.podIP}'; }
ep_ips() { k get endpoints "$1" -o jsonpath='{.subsets[*].addresses[*].ip}'; }
# pv_path N: the directory on the node behind pod N's claim.
pv_path() { kubectl get pv "$(k get pvc "config-volume-app-python-$1" -o jsonpath='{.spec.volumeName}')" -o jsonpath='{.spec.local.path}'; }
has_word() { [[ " $1 " == *" $2 "* ]]; }
has_word_eps() { has_word "$(ep_ips app-python)" "$1"; }
pod_ready() { [ "$(k get pod "app-python-$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
eps=$(ep_ips app-python)
ok=0
for n in 0 1 2; do
	ip=$(pod_ip $n)
	has_word "$eps" "$ip" && curl -fsS -m 2 "http://$ip:8080/" | grep -q "from app-python-$n" && ok=$((ok + 1))
done
[ $ok = 3 ] && pass "the time server answers on each address of the Service's Endpoints ($eps)" ||
	fail "the time server answers on each address of the Service's Endpoints" "$ok of 3; endpoints '$eps'"
names=$(k get endpoints app-python-headless -o jsonpath='{range .subsets[*].addresses[*]}{.hostname}={.ip} {end}')
want=""
for n in 0 1 2; do want="$want app-python-$n=$(pod_ip $n)"; done
[ "$(tr ' ' '\n' <<<"$names" | grep . | sort | xargs)" = "$(xargs <<<"$want")" ] &&
	pass "the headless Service lists each pod under its stable name ($names)" ||
	fail "the headless Service lists each pod under its stable name" "'$names', want '$want'"

# ---- through the API server --------------------------------------------------
run_cmd "${KUBECTL[@]}" -n stateful exec app-python-0 -c app -- /probe/probe readiness
expect "kubectl exec: the probe in pod 0 (apiserver, kubelet, runc)" 0 "healthy: 3 of 3 checks passed (readiness, *ms)"
run_cmd "${KUBECTL[@]}" -n stateful logs app-python-0 -c install-probe
expect_line "kubectl logs: the init container install-probe" "*installed /shared/probe (* bytes)"
run_cmd "${KUBECTL[@]}" -n stateful logs app-python-0 -c wait-for-data
expect_line "kubectl logs: the init container wait-for-data" "*ready after *: 2 of 2 checks passed (all)"

# ---- a deleted pod comes back with its claim and its data --------------------
for _ in 1 2 3; do curl -fsS -m 2 "http://$(pod_ip 1):8080/" >/dev/null; done
visits=$(curl -fsS -m 2 "http://$(pod_ip 1):8080/visits")
uid=$(k get pod app-python-1 -o jsonpath='{.metadata.uid}')
claim=$(k get pvc config-volume-app-python-1 -o jsonpath='{.spec.volumeName}')
k delete pod app-python-1 --wait=false >/dev/null
back() {
	[ "$(k get pod app-python-1 -o jsonpath='{.metadata.uid} {.status.conditions[?(@.type=="Ready")].status}')" != "$uid True" ] &&
		[ "$(k get pod app-python-1 -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}
until_ok "pod 1 deleted: back and Ready" 120 back
BACK_S=$TOOK
now=$(curl -fsS -m 2 "http://$(pod_ip 1):8080/visits")
claim2=$(k get pvc config-volume-app-python-1 -o jsonpath='{.spec.volumeName}')
vol=$(k get pod app-python-1 -o jsonpath='{.spec.volumes[?(@.name=="config-volume")].persistentVolumeClaim.claimName}')
[ "$vol" = config-volume-app-python-1 ] && [ "$claim2" = "$claim" ] && [ -n "$visits" ] && [ "$now" -ge "$visits" ] &&
	pass "pod 1 back with the same claim ($vol on $claim) and its data (visits $visits, then $now)" ||
	fail "pod 1 back with the same claim and its data" "claim $vol on $claim2 (was $claim), visits $visits then '$now'"

. "$HERE/faults.sh"
. "$HERE/config.sh"

echo "# figures: all Ready ${READY_S}s after kubectl apply; pod 1 back ${BACK_S}s after its deletion; pod 2 out of the Endpoints ${OUT_S:-?}s after its volume filled, back ${IN_S:-?}s after it was freed; pod 0 restarted ${RESTART_S:-?}s after its data directory became inaccessible; a wrong config unready on its first pod ${ROLLOUT_S:-?}s after kubectl apply; a wrong edit in place unready everywhere ${LIVE_S:-?}s after it"
summary
