# control-plane.sh: a one-node Kubernetes 1.20 control plane for
# tests/cluster/run.sh (sourced; needs W, KUBE, NODE_IP, SOCK and lib.sh).
# Certificates and the service-account key by openssl; etcd on ports of
# its own with its data in W; kube-apiserver (Node,RBAC), the controller
# manager and the scheduler with kubeconfigs; the kubelet registered as a
# node, its pods on a CNI bridge. Each start_* returns 1 with the tail of
# its log when the component does not come up.

APISERVER=https://$NODE_IP:16443
ETCD_CLIENT=http://127.0.0.1:23790
ETCD_PEER=http://127.0.0.1:23800
PKI=$W/pki

# cert NAME CN [O] [SAN]: NAME.key and NAME.crt, signed by the test CA.
cert() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$PKI/$1.key" -subj "/CN=$2${3:+/O=$3}" -out "$PKI/$1.csr" 2>/dev/null &&
		openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
			-CAcreateserial -days 2 -out "$PKI/$1.crt" \
			-extfile <(printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n%s' \
				"${4:+subjectAltName=$4}") 2>/dev/null
}

# kubeconfig NAME: $W/NAME.kubeconfig, the client certificate NAME.
kubeconfig() {
	cat >"$W/$1.kubeconfig" <<EOT
apiVersion: v1
kind: Config
clusters:
- name: probe
  cluster: {server: "$APISERVER", certificate-authority: "$PKI/ca.crt"}
users:
- name: $1
  user: {client-certificate: "$PKI/$1.crt", client-key: "$PKI/$1.key"}
contexts:
- name: probe
  context: {cluster: probe, user: $1}
current-context: probe
EOT
}

make_pki() {
	mkdir -p "$PKI"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-keyout "$PKI/ca.key" -out "$PKI/ca.crt" -subj "/CN=probe-test-ca" 2>/dev/null || return 1
	cert apiserver kube-apiserver "" "IP:$NODE_IP,IP:127.0.0.1,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:localhost" &&
		cert admin admin system:masters &&
		cert apiserver-kubelet kube-apiserver-kubelet-client system:masters &&
		cert controller-manager system:kube-controller-manager &&
		cert scheduler system:kube-scheduler &&
		cert node system:node:probe-node system:nodes || return 1
	openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null &&
		openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null || return 1
	local n
	for n in admin controller-manager scheduler node; do kubeconfig "$n"; done
}

# started NAME PID CHECK...: wait until CHECK passes while PID lives.
started() {
	local name=$1 pid=$2 i
	shift 2
	for i in $(seq 300); do
		"$@" >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	echo "cluster-test: $name does not start:"
	tail -n 20 "$W/$name.log"
	return 1
}

start_etcd() {
	etcd --name probe --data-dir "$W/etcd" --listen-client-urls "$ETCD_CLIENT" \
		--advertise-client-urls "$ETCD_CLIENT" --listen-peer-urls "$ETCD_PEER" \
		--initial-advertise-peer-urls "$ETCD_PEER" --initial-cluster "probe=$ETCD_PEER" >"$W/etcd.log" 2>&1 &
	PIDS+=($!)
	started etcd $! curl -fsS "$ETCD_CLIENT/health"
}

start_apiserver() {
	"$KUBE/kube-apiserver" --etcd-servers="$ETCD_CLIENT" \
		--bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port=16443 \
		--insecure-port=0 --service-cluster-ip-range=10.96.0.0/24 \
		--authorization-mode=Node,RBAC --client-ca-file="$PKI/ca.crt" \
		--tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
		--kubelet-client-certificate="$PKI/apiserver-kubelet.crt" \
		--kubelet-client-key="$PKI/apiserver-kubelet.key" \
		--kubelet-preferred-address-types=InternalIP \
		--service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
		--service-account-issuer=https://kubernetes.default.svc \
		--enable-admission-plugins=NodeRestriction >"$W/kube-apiserver.log" 2>&1 &
	PIDS+=($!)
	started kube-apiserver $! kubectl get --raw /readyz
}

start_controllers() {
	"$KUBE/kube-controller-manager" --kubeconfig="$W/controller-manager.kubeconfig" \
		--authentication-kubeconfig="$W/controller-manager.kubeconfig" \
		--authorization-kubeconfig="$W/controller-manager.kubeconfig" \
		--bind-address=127.0.0.1 --port=0 --secure-port=10257 --leader-elect=false \
		--use-service-account-credentials=true --root-ca-file="$PKI/ca.crt" \
		--service-account-private-key-file="$PKI/sa.key" >"$W/kube-controller-manager.log" 2>&1 &
	PIDS+=($!)
	started kube-controller-manager $! curl -fsSk https://127.0.0.1:10257/healthz || return 1
	"$KUBE/kube-scheduler" --kubeconfig="$W/scheduler.kubeconfig" \
		--authentication-kubeconfig="$W/scheduler.kubeconfig" \
		--authorization-kubeconfig="$W/scheduler.kubeconfig" \
		--bind-address=127.0.0.1 --port=0 --secure-port=10259 --leader-elect=false \
		>"$W/kube-scheduler.log" 2>&1 &
	PIDS+=($!)
	started kube-scheduler $! curl -fsSk https://127.0.0.1:10259/healthz
}

# The pod network: a bridge with the node's address (the kubelet's node IP
# must be on an interface before the first pod), host-local addresses.
start_network() {
	ip link add probe-cni0 type bridge && ip addr add "$NODE_IP/24" dev probe-cni0 &&
		ip link set probe-cni0 up || return 1
	cat >"$W/cni/10-probe.conflist" <<EOT
{
  "cniVersion": "0.4.0",
  "name": "probe-test",
  "plugins": [{
    "type": "bridge", "bridge": "probe-cni0", "isGateway": true, "ipMasq": false,
    "ipam": {"type": "host-local", "dataDir": "$W/ipam",
             "ranges": [[{"subnet": "${NODE_IP%.*}.0/24", "gateway": "$NODE_IP"}]]}
  }]
}
EOT
}

start_kubelet() {
	cat >"$W/kubelet.yaml" <<EOT
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: "$PKI/ca.crt"}
authorization: {mode: AlwaysAllow}
clusterDomain: cluster.local
# No DNS server runs here and no pod of the seed system looks a name up;
# without an address the kubelet emits MissingClusterDNS at every sync of
# every pod, which uses up its event budget per pod (25, then one per
# 5 minutes) and drops the probes' own Unhealthy events.
clusterDNS: [10.96.0.10]
syncFrequency: 5s
cgroupDriver: cgroupfs
failSwapOn: false
makeIPTablesUtilChains: false
enforceNodeAllocatable: []
evictionHard: {memory.available: "0%", nodefs.available: "0%", imagefs.available: "0%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOT
	"$KUBE/kubelet" --config "$W/kubelet.yaml" --kubeconfig "$W/node.kubeconfig" \
		--container-runtime=remote --container-runtime-endpoint="unix://$SOCK" \
		--root-dir="$W/kubelet" --cert-dir="$W/kubelet/pki" --hostname-override=probe-node \
		--node-ip="$NODE_IP" -v=2 >"$W/kubelet.log" 2>&1 &
	KUBELET_PID=$!
	started kubelet $KUBELET_PID kube_ready_node
}

kube_ready_node() {
	[ "$(kubectl get node probe-node -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}
