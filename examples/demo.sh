#!/bin/sh
# demo.sh PROBE: start the example time server on loopback with a data
# directory, probe it (healthy), then show what unhealthy looks like.
set -u
PROBE=${1:?usage: demo.sh PROBE}
HERE=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d /tmp/probe-demo.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export PORT POD_NAME=app-python-0 DATA_MOUNT=$D
mkdir -p "$D/$POD_NAME"

BIND=127.0.0.1 DATA_DIR=$D/$POD_NAME QUIET=1 python3 "$HERE/time-server/server.py" >/dev/null &
APP=$!
trap 'kill $APP 2>/dev/null; rm -rf "$D"' EXIT
i=0
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/visits')" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "demo: the time server did not start" >&2; exit 1; }
	sleep 0.05
done

run() {
	echo "\$ probe -c config/probe.ini $*"
	"$PROBE" -c "$HERE/../config/probe.ini" "$@"
	echo "(exit code $?)"
	echo
}

echo "== The time server answers on 127.0.0.1:$PORT, data in $D/$POD_NAME"
echo
run liveness
run -v -o json liveness
echo "== Readiness also asks: is the data directory a volume of its own?"
echo "   Here it is a plain directory on the root filesystem, as when a volume"
echo "   failed to mount and the app would write into the container's image:"
echo
run readiness
echo "== The app stops answering:"
echo
kill $APP; wait $APP 2>/dev/null
run liveness
