# test_faults.sh: an unreadable config, the main paths as uid 65532
# (sourced by run.sh, as root in a private mount namespace; the probe
# killed at random and a swarm of probes at once: slow_faults.sh).

needs_ns "faults" || return 0

app_data "$T/faults"
before=$(app_sum)
# Unprivileged: the main paths as uid 65532, and a config it may not read.
RUN_AS=(setpriv --reuid 65532 --regid 65532 --clear-groups)
ini nonroot <<EOT
[http "app"]
url = $BASE/ok
[tcp "port"]
address = 127.0.0.1:$P
[mount "data"]
path = $F
EOT
chmod 644 "$T/nonroot.ini"
run_probe -c "$T/nonroot.ini"
expect "as uid 65532: http, tcp and mount" 0 "healthy: 3 of 3 checks passed (all, *ms)"
chmod 600 "$T/nonroot.ini"
run_probe -c "$T/nonroot.ini"
expect "as uid 65532: a config it may not read" 3 "probe: $T/nonroot.ini: cannot open: permission denied (EACCES)"
RUN_AS=()
