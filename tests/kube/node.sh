# node.sh: a Kubernetes node's runtime for the tests that run a real
# kubelet (tests/kube/run.sh, tests/cluster/run.sh): images built from this
# tree, Debian's containerd and runc under one work directory, and the
# teardown of all of it. Sourced; the caller sets W (work directory), ROOT,
# HERE, and may set NODE_CNI_BIN (CNI plugins' directory) for pods on a
# network of their own, with their configs in $W/cni.

SOCK=$W/containerd.sock
PIDS=()
ctr() { command ctr -a "$SOCK" -n k8s.io "$@"; }

# node_cleanup: the kubelet first (it would restart what goes), then every
# task and sandbox containerd runs, then containerd, the processes in PIDS,
# the mounts under W, the pods' cgroups and W itself.
node_cleanup() {
	local p m
	rm -f "$W"/manifests/*.yaml 2>/dev/null
	for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null; done
	[ -n "${KUBELET_PID:-}" ] && kill "$KUBELET_PID" 2>/dev/null && wait "$KUBELET_PID" 2>/dev/null
	if [ -S "$SOCK" ]; then
		for p in $(ctr tasks ls -q 2>/dev/null); do ctr tasks kill -s KILL "$p" >/dev/null 2>&1; done
		sleep 1
		for p in $(ctr tasks ls -q 2>/dev/null); do ctr tasks rm -f "$p" >/dev/null 2>&1; done
		for p in $(ctr containers ls -q 2>/dev/null); do ctr containers rm "$p" >/dev/null 2>&1; done
	fi
	[ -n "${CONTAINERD_PID:-}" ] && kill "$CONTAINERD_PID" 2>/dev/null && wait "$CONTAINERD_PID" 2>/dev/null
	pkill -KILL -f "containerd-shim-runc-v2 .*-address $SOCK" 2>/dev/null
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	awk '{ print $5 }' /proc/self/mountinfo | grep "^$W" | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	for m in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
		[ -d "$m" ] && find "$m" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
	rm -rf "$W"
}

# node_build_image NAME CONTEXT [FILE]: localhost/NAME by podman.
node_build_image() {
	echo "# building localhost/$1"
	mkdir -p "${PROBE_CACHE:-/var/cache/probe-test}/static"
	if ! podman build --network host -q -v "${PROBE_CACHE:-/var/cache/probe-test}/static:/var/cache/probe-test/static" \
		-t "localhost/$1" ${3:+-f "$3"} "$2" >"$W/build.log" 2>&1; then
		tail -n 30 "$W/build.log"
		echo "node: podman build of $1 failed"
		return 1
	fi
}

# node_start: the images (a pause image from tests/kube/pause.c, the
# probe's from Dockerfile, the time server's), containerd with them
# imported, each also under the name the CRI gives a manifest's short
# name (docker.io/library/NAME:TAG). Returns 1 with a message on failure.
node_start() {
	local img
	mkdir -p "$W"/{containerd,manifests,kubelet,etc,cni,pause}
	musl-gcc -static -Os -o "$W/pause/pause" "$ROOT/tests/kube/pause.c" || return 1
	printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' >"$W/pause/Containerfile"
	node_build_image pause:test "$W/pause" "$W/pause/Containerfile" || return 1
	node_build_image probe:0.1.0 "$ROOT" || return 1
	node_build_image time-server:0.1.0 "$ROOT/examples/time-server" || return 1
	cat >"$W/containerd/config.toml" <<EOT
version = 2
root = "$W/containerd/root"
state = "$W/containerd/state"
[grpc]
  address = "$SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:test"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    conf_dir = "$W/cni"
${NODE_CNI_BIN:+    bin_dir = \"$NODE_CNI_BIN\"}
EOT
	containerd --config "$W/containerd/config.toml" >"$W/containerd.log" 2>&1 &
	CONTAINERD_PID=$!
	wait_until test -S "$SOCK" || { tail -n 20 "$W/containerd.log"; return 1; }
	for img in pause:test probe:0.1.0 time-server:0.1.0; do
		podman save --format docker-archive "localhost/$img" 2>/dev/null | ctr images import - >/dev/null &&
			ctr images tag "localhost/$img" "docker.io/library/$img" >/dev/null ||
			{ echo "node: importing $img into containerd failed"; return 1; }
	done
}
