# config.sh: a wrong config applied as users apply one, and what it must
# never do: restart a container, or take more than one pod out of the
# Service (sourced by tests/cluster/run.sh, after faults.sh). Sets
# ROLLOUT_S and LIVE_S for the figures.

restarts_all() {
	k get pods -l app.kubernetes.io/name=app-python -o \
		jsonpath='{range .items[*]}{.metadata.name}={.status.containerStatuses[?(@.name=="app")].restartCount} {end}'
}
uid_of() { k get pod "app-python-$1" -o jsonpath='{.metadata.uid}'; }
cm_of() { k get pod "app-python-$1" -o jsonpath='{.spec.volumes[?(@.name=="probe-config")].configMap.name}'; }
ready_of() { k get pod "app-python-$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'; }
# LIVENESS_S: what it takes liveness to restart a container (periodSeconds
# 10 x failureThreshold 3), and some: a container still not restarted
# after it was never going to be.
LIVENESS_S=40

# ---- deploy/k8s: a typo rolls out to one pod, and stops there ----------------
before=$(restarts_all)
uid0=$(uid_of 0) uid1=$(uid_of 1) uid2=$(uid_of 2) cm_old=$(cm_of 0)
rm -rf "$W/kbad" && cp -r "$ROOT/deploy/k8s" "$W/kbad"
sed -i 's/^timeout = 800ms /timeout = 800 ms /' "$W/kbad/probe.ini"
grep -q '^timeout = 800 ms ' "$W/kbad/probe.ini" || fail "config: the typo" "no 'timeout = 800ms' line in deploy/k8s/probe.ini"
line=$(grep -n '^timeout = 800 ms ' "$W/kbad/probe.ini" | cut -d: -f1)
t_bad=$EPOCHREALTIME
if kubectl apply -k "$W/kbad" >"$W/apply.log" 2>&1; then
	pass "config: a typo'd probe.ini applied with kubectl apply -k ($(grep -c configured "$W/apply.log") changed)"
else
	fail "config: apply a typo'd probe.ini" "$(cat "$W/apply.log")"
fi
replaced2() { [ "$(uid_of 2)" != "$uid2" ] && [ "$(cm_of 2)" != "$cm_old" ] && [ -n "$(cm_of 2)" ]; }
until_ok "config: the rollout replaces pod 2 first, with the new ConfigMap" 60 replaced2
bad_event() {
	[[ "$(k get events --field-selector involvedObject.name=app-python-2,reason=Unhealthy -o jsonpath='{.items[*].message}')" == \
		*"Readiness probe failed: probe: /etc/probe/probe.ini:$line: timeout: invalid duration '800 ms'"* ]]
}
until_ok "config: its readiness fails, the event names file, line and mistake" 60 bad_event ||
	k get events --field-selector involvedObject.name=app-python-2 | sed 's/^/  /' | head -n 20
t_new=$EPOCHREALTIME
# Long enough for liveness to have restarted it, were it failing.
sleep "$LIVENESS_S"
[ "$(k get pod app-python-2 -o jsonpath='{.status.containerStatuses[?(@.name=="app")].restartCount}')" = 0 ] &&
	[ "$(ready_of 2)" = False ] &&
	pass "config: pod 2 unready, never restarted, ${LIVENESS_S}s on (liveness and startup not judged)" ||
	fail "config: pod 2 unready, never restarted" "ready $(ready_of 2), $(restarts_all)"
[ "$(uid_of 0)" = "$uid0" ] && [ "$(uid_of 1)" = "$uid1" ] && [ "$(cm_of 0)" = "$cm_old" ] &&
	[ "$(cm_of 1)" = "$cm_old" ] &&
	pass "config: the rollout stopped there: pods 0 and 1 not replaced, on the old ConfigMap" ||
	fail "config: the rollout stopped at pod 2" "uids $(uid_of 0) $(uid_of 1), ConfigMaps $(cm_of 0) $(cm_of 1)"
eps=$(ep_ips app-python)
has_word "$eps" "$(pod_ip 0)" && has_word "$eps" "$(pod_ip 1)" && ! has_word "$eps" "$(pod_ip 2)" &&
	[ "$(ready_of 0)" = True ] && [ "$(ready_of 1)" = True ] &&
	pass "config: pods 0 and 1 Ready and in the Service ($eps), pod 2 out" ||
	fail "config: pods 0 and 1 keep serving" "endpoints '$eps'"
[ "$(restarts_all | sed 's/app-python-2=[0-9]*//')" = "$(sed 's/app-python-2=[0-9]*//' <<<"$before")" ] &&
	pass "config: no container restarted anywhere ($(restarts_all))" ||
	fail "config: no container restarted anywhere" "$before, then $(restarts_all)"

# The fix, applied the same way: the rollout completes.
if kubectl apply -k "$ROOT/deploy/k8s" >"$W/apply.log" 2>&1; then
	pass "config: the fix applied with kubectl apply -k"
else
	fail "config: apply the fix" "$(cat "$W/apply.log")"
fi
fixed() { all_ready && [ "$(cm_of 2)" = "$cm_old" ] && [ "$(cm_of 0)" = "$cm_old" ]; }
until_ok "config: the rollout completes, all three Ready on the good config" 120 fixed
ROLLOUT_S=$(awk -v a="$t_bad" -v b="$t_new" 'BEGIN { printf "%.1f", b - a }')
[ "$(restarts_all | sed 's/app-python-2=[0-9]*//')" = "$(sed 's/app-python-2=[0-9]*//' <<<"$before")" ] &&
	[ "$(k get pod app-python-2 -o jsonpath='{.status.containerStatuses[?(@.name=="app")].restartCount}')" = 0 ] &&
	pass "config: no container restarted at any point ($(restarts_all))" ||
	fail "config: no container restarted at any point" "$before, then $(restarts_all)"

# ---- deploy/k8s-live-config: a wrong edit in place restarts nothing -----------
# kubectl 1.20's kustomize has no patches: the overlay is rendered by
# tests/k8s/render.mjs, which the offline tests keep equal to kubectl
# kustomize.
node "$ROOT/tests/k8s/render.mjs" "$ROOT/deploy/k8s-live-config" >"$W/live.yaml" &&
	kubectl apply -f "$W/live.yaml" >"$W/apply.log" 2>&1 &&
	pass "config: deploy/k8s-live-config applied" ||
	fail "config: apply deploy/k8s-live-config" "$(cat "$W/apply.log")"
on_live() { all_ready && for n in 0 1 2; do [ "$(cm_of $n)" = probe-config-live ] || return 1; done; }
until_ok "config: all three pods Ready on the plain ConfigMap" 180 on_live
before=$(restarts_all)
k get configmap probe-config-live -o json |
	python3 -c 'import json, sys; d = json.load(sys.stdin); d["data"]["probe.ini"] = d["data"]["probe.ini"].replace("timeout = 800ms ", "timeout = 800 ms ", 1); print(json.dumps(d))' |
	kubectl replace -f - >"$W/apply.log" 2>&1 || fail "config: edit the ConfigMap in place" "$(cat "$W/apply.log")"
t_edit=$EPOCHREALTIME
none_ready() { [ "$(ready_count)" = 0 ]; }
until_ok "config: the wrong edit reaches every pod: none Ready" 120 none_ready
LIVE_S=$TOOK
sleep "$LIVENESS_S"
[ "$(restarts_all)" = "$before" ] &&
	pass "config: a wrong edit in place restarts no container, ${LIVENESS_S}s on ($(restarts_all))" ||
	fail "config: a wrong edit in place restarts no container" "$before, then $(restarts_all)"
k get configmap probe-config-live -o json |
	python3 -c 'import json, sys; d = json.load(sys.stdin); d["data"]["probe.ini"] = d["data"]["probe.ini"].replace("timeout = 800 ms ", "timeout = 800ms ", 1); print(json.dumps(d))' |
	kubectl replace -f - >"$W/apply.log" 2>&1 || fail "config: fix the ConfigMap in place" "$(cat "$W/apply.log")"
until_ok "config: the fixed edit: all three Ready again" 120 all_ready
[ "$(restarts_all)" = "$before" ] &&
	pass "config: still no container restarted ($(restarts_all))" ||
	fail "config: still no container restarted" "$before, then $(restarts_all)"
: "$t_edit"
