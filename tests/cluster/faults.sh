# faults.sh: volume faults made from the node, and what the StatefulSet's
# probes do about them (sourced by tests/cluster/run.sh). Sets OUT_S, IN_S
# and RESTART_S for the figures.

restarts() { k get pod "app-python-$1" -o jsonpath='{.status.containerStatuses[?(@.name=="app")].restartCount}'; }

# ---- pod 2: its volume full, then freed: out of the Service, then back -------
# 100 MiB of 128 leaves 28 MiB, under readiness's min_free (64MiB): the
# pod must leave the Service; liveness can still write, so no restart.
ip2=$(pod_ip 2) ip0=$(pod_ip 0) ip1=$(pod_ip 1) r2=$(restarts 2) p2=$(pv_path 2)
fallocate -l 100M "$p2/fill"
out_of_service() { ! has_word "$(ep_ips app-python)" "$ip2"; }
# readiness: periodSeconds 5 x failureThreshold 2; the endpoints
# controller's update on top.
until_ok "pod 2's volume full: out of the Service's Endpoints" 10 out_of_service
OUT_S=$TOOK
eps=$(ep_ips app-python)
has_word "$eps" "$ip0" && has_word "$eps" "$ip1" &&
	pass "pod 2's volume full: pods 0 and 1 stay in the Endpoints ($eps)" ||
	fail "pod 2's volume full: pods 0 and 1 stay in the Endpoints" "'$eps'"
t_full=$EPOCHREALTIME
ev=$(k get events --field-selector involvedObject.name=app-python-2,reason=Unhealthy -o jsonpath='{.items[*].message}')
[[ "$ev" == *'Readiness probe failed: unhealthy: writable "space": '*'free, below min_free 64'* ]] &&
	pass "pod 2's volume full: the event carries the probe's first line" ||
	fail "pod 2's volume full: the event carries the probe's first line" "'$ev'"
# Pod 2 stays full while pod 0 is made to restart below: longer than
# liveness would take to restart pod 2 (10s x 3), were it failing.

# ---- pod 0: its data directory inaccessible: liveness restarts it -------------
r0=$(restarts 0) p0=$(pv_path 0)
mode=$(stat -c %a "$p0/app-python-0")
chmod 000 "$p0/app-python-0"
restarted() { [ "$(restarts 0)" -gt "$r0" ]; }
# liveness: periodSeconds 10 x failureThreshold 3.
until_ok "pod 0's data directory inaccessible: liveness restarts it" 45 restarted
RESTART_S=$TOOK
# The app cannot read its count either: the first line names the http
# check, and the report under it the writable one. The kubelet records
# events asynchronously: they may come a moment after the restart.
liveness_event() {
	[[ "$(k get events --field-selector involvedObject.name=app-python-0,reason=Unhealthy -o jsonpath='{.items[*].message}')" == \
		*'Liveness probe failed: unhealthy: '*'FAIL  writable  data '*'/data/app-python-0: '*'permission denied (EACCES)'* ]]
}
until_ok "pod 0's data directory inaccessible: the event carries the probe's report" 20 liveness_event ||
	k get events --field-selector involvedObject.name=app-python-0 | sed 's/^/  /' | head -n 20
# After the restart, kubectl describe pod shows why under Last State: the
# probe's termination log (termination_log = yes in probe.ini).
last=$(k get pod app-python-0 -o jsonpath='{.status.containerStatuses[?(@.name=="app")].lastState.terminated.message}')
[[ "$last" == 'unhealthy: '*'FAIL  writable  data '*'permission denied (EACCES)'*'-- probe liveness, 20'* ]] &&
	pass "pod 0 restarted: its last state's message is the probe's report" ||
	fail "pod 0 restarted: its last state's message is the probe's report" "'$last'"
[ "$(restarts 1)" = 0 ] && [ "$(restarts 2)" = "$r2" ] &&
	pass "pod 0's data directory inaccessible: only pod 0 restarted (pod 2's volume still full)" ||
	fail "pod 0's data directory inaccessible: only pod 0 restarted" "pod 1: $(restarts 1), pod 2: $(restarts 2)"
chmod "$mode" "$p0/app-python-0"
until_ok "pod 0's data directory back: Ready again" 60 pod_ready 0
full_s=$(awk -v a="$t_full" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
[ "$full_s" -ge 40 ] || sleep $((40 - full_s))
[ "$(restarts 2)" = "$r2" ] && pass "pod 2's volume full: not restarted, 40s on (restarts: $r2)" ||
	fail "pod 2's volume full: not restarted" "restarts $r2, then $(restarts 2)"
rm -f "$p2/fill"
until_ok "pod 2's volume freed: back in the Endpoints" 15 has_word_eps "$ip2"
IN_S=$TOOK
