# slow_serve.sh: probe serve under a crowd of idle, slow and greedy
# connections from other addresses (sourced by run.sh; make test-slow).

# A crowd that opens connections and sends nothing, or a byte a second,
# from other addresses: the kubelet's /livez still answers as quickly.
ini crowd <<EOT
[serve]
cache = 10s
[tcp "port"]
address = 127.0.0.1:$P
EOT
serve_start "$T/crowd.ini"
get "serve: /livez before the crowd" /livez 200 "healthy: *"
base_ms=$MS
python3 "$HELPERS/idle.py" "$SPORT" "$T/crowd.ready" 30 64 8 >"$T/crowd.out" 2>&1 &
crowd=$!
PIDS+=("$crowd")
python3 - "$SPORT" "$T/greedy.ready" <<'PY' >"$T/greedy.out" 2>&1 &
import socket, sys, time
conns = []
for _ in range(1000):  # one address, far more than its share
    s = socket.socket()
    s.bind(("127.0.0.200", 0))
    s.connect(("127.0.0.1", int(sys.argv[1])))
    conns.append(s)
open(sys.argv[2], "w").close()


def still_open(s):
    try:
        return s.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


# Those still in the listen queue look open until the server takes and
# closes them, which a slow machine (qemu-user) may need a while for; not
# past 4 s, before the 5 s idle timeout would close the rest too.
for s in conns:
    s.setblocking(False)
end = time.monotonic() + 3.5
while True:
    time.sleep(0.5)
    conns = [s for s in conns if still_open(s)]
    if len(conns) <= 64 or time.monotonic() > end:
        break
print("greedy kept %d" % len(conns))
PY
greedy=$!
PIDS+=("$greedy")
wait_until test -e "$T/crowd.ready" -a -e "$T/greedy.ready"
get "serve: /livez with 1,920 idle, 512 slow and 1,000 greedy connections open" /livez 200 "healthy: *"
[ "$MS" -le $((base_ms + 100 + SLACK_MS)) ] && pass "serve: answered in ${MS}ms under the crowd (${base_ms}ms before)" ||
	fail "serve: answer time under the crowd" "${MS}ms, ${base_ms}ms before"
get "serve: /readyz too" /readyz 200 "healthy: *"
wait "$greedy"
kept=$(sed -n 's/^greedy kept //p' "$T/greedy.out")
[ "${kept:-1000}" -le 64 ] && pass "serve: one address keeps at most 64 connections (kept $kept of 1000)" ||
	fail "serve: per-address limit" "kept ${kept:-?} of 1000: $(cat "$T/greedy.out")"
wait "$crowd"
closed=$(sed -n 's/^idle \([0-9]*\), closed by the server after 8s: \([0-9]*\)$/\1 \2/p' "$T/crowd.out")
if [ -n "$closed" ] && [ "${closed% *}" = "${closed#* }" ] && [ "${closed% *}" -gt 0 ]; then
	pass "serve: idle connections closed within 8s ($closed)"
else
	fail "serve: idle connections closed" "$(cat "$T/crowd.out")"
fi
get "serve: /livez after the crowd" /livez 200 "healthy: *"
serve_stop
